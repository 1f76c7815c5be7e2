"""Tables of the commune's human resources. One-row rules here (constraints); writes go through services.py; the
rules that span rows or must hold whoever connects (append-only history, state transitions, no delete) are SQL
triggers in migration 0002."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

ECHELLES = range(1, 12)
"""Pay scales 1–11."""
MAX_ECHELON = 11
"""Each échelle has 10 or 11 steps (échelons): 11 is the largest (the grade's own ceiling is on the Grade)."""
ANNUAL_LEAVE_DAYS = 22


class Position(models.TextChoices):
    ACTIVITY = "activite", _("Active service")
    SECONDMENT = "detachement", _("Secondment")
    AVAILABILITY = "disponibilite", _("Leave of absence")
    MADE_AVAILABLE = "mise_a_disposition", _("Placed at disposal")
    TRANSFER = "mutation", _("Transfer")


class ActKind(models.TextChoices):
    RECRUITMENT = "recruitment", _("Recruitment")
    TITULARISATION = "titularisation", _("Tenure")
    ADVANCEMENT = "advancement", _("Step advancement")
    PROMOTION = "promotion", _("Promotion")
    POSITION = "position", _("Position change")
    SANCTION = "sanction", _("Sanction")
    CORRECTION = "correction", _("Correction")


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK_SHORT = "sick_short", _("Short sick leave")
    SICK_MEDIUM = "sick_medium", _("Medium sick leave")
    SICK_LONG = "sick_long", _("Long sick leave")


class LeaveStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled")


LEAVE_TRANSITIONS: dict[str, frozenset[str]] = {
    LeaveStatus.PENDING: frozenset({LeaveStatus.APPROVED, LeaveStatus.REFUSED, LeaveStatus.CANCELLED}),
    LeaveStatus.APPROVED: frozenset({LeaveStatus.CANCELLED}),
    LeaveStatus.REFUSED: frozenset(),
    LeaveStatus.CANCELLED: frozenset(),
}
"""Mirrored by the SQL trigger of migration 0002 (a test compares them)."""


class Grade(models.Model):
    """A grade of the commune staff statute, on its échelle (1–11), with its last échelon."""

    code = models.SlugField(max_length=40, unique=True)
    name_fr = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120)
    echelle = models.PositiveSmallIntegerField()
    max_echelon = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["echelle", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(echelle__gte=1, echelle__lte=11), name="rh_grade_echelle"),
            models.CheckConstraint(condition=Q(max_echelon__gte=10, max_echelon__lte=11), name="rh_grade_echelons"),
        ]

    def __str__(self) -> str:
        return self.name_fr


class EchelonIndex(models.Model):
    """The indice of each (échelle, échelon) and its monthly gross pay (the payroll-mass projection reads it)."""

    echelle = models.PositiveSmallIntegerField()
    echelon = models.PositiveSmallIntegerField()
    indice = models.PositiveIntegerField()
    monthly_gross_dh = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["echelle", "echelon"]
        constraints = [models.UniqueConstraint(fields=["echelle", "echelon"], name="rh_echelonindex_unique")]

    def __str__(self) -> str:
        return f"{self.echelle}/{self.echelon}"


class Agent(models.Model):
    """A member of the commune's staff: the agent file. Identity (CIN, matricule, recruitment) never changes
    (trigger); the career is the append-only CareerEntry history."""

    matricule = models.PositiveIntegerField(unique=True)
    cin = models.CharField(max_length=12, unique=True)
    first_name_fr = models.CharField(max_length=80)
    last_name_fr = models.CharField(max_length=80)
    first_name_ar = models.CharField(max_length=80)
    last_name_ar = models.CharField(max_length=80)
    birth_date = models.DateField()
    birth_place = models.CharField(max_length=120, blank=True)
    diplomas = models.TextField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=250, blank=True)
    service = models.CharField(max_length=120, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="rh_agent"
    )
    recruited_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name_fr", "first_name_fr", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(cin=""), name="rh_agent_cin"),
            models.CheckConstraint(condition=~Q(last_name_fr="") & ~Q(last_name_ar=""), name="rh_agent_names"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name_fr} {self.last_name_fr}"

    @property
    def name_fr(self) -> str:
        return f"{self.first_name_fr} {self.last_name_fr}"

    @property
    def name_ar(self) -> str:
        return f"{self.first_name_ar} {self.last_name_ar}"


class Act(models.Model):
    """An arrêté: numbered gapless per year (kernel counter `rh:arrete`), append-only, printed with a QR code."""

    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=ActKind.choices)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="acts")
    signed_on = models.DateField()
    effective_date = models.DateField()
    object_fr = models.CharField(max_length=300)
    object_ar = models.CharField(max_length=300)
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    echelle = models.PositiveSmallIntegerField(null=True, blank=True)
    echelon = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.CharField(max_length=20, choices=Position.choices, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    code = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="rh_act_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="rh_act_number_positive"),
            models.CheckConstraint(condition=Q(kind__in=ActKind.values), name="rh_act_kind"),
            models.CheckConstraint(condition=~Q(object_fr="") & ~Q(object_ar=""), name="rh_act_object"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.year}"


class CareerEntry(models.Model):
    """One dated step of an agent's career (grade, échelle, échelon, position, service), ordered by an act.
    Append-only: a correction is a new entry for the same date, referring to the act that orders it."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="career")
    effective_date = models.DateField()
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    echelle = models.PositiveSmallIntegerField()
    echelon = models.PositiveSmallIntegerField()
    position = models.CharField(max_length=20, choices=Position.choices, default=Position.ACTIVITY)
    service = models.CharField(max_length=120, blank=True)
    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="career_entries")
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent", "effective_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(echelle__gte=1, echelle__lte=11), name="rh_career_echelle"),
            models.CheckConstraint(condition=Q(echelon__gte=1, echelon__lte=MAX_ECHELON), name="rh_career_echelon"),
            models.CheckConstraint(condition=Q(position__in=Position.values), name="rh_career_position"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.effective_date}"


class LeaveBalance(models.Model):
    """An agent's annual leave for a year: `days_used` counts pending and approved requests. The CHECK keeps it
    within `days_entitled` whoever writes: a balance never goes below zero."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="balances")
    year = models.PositiveSmallIntegerField()
    days_entitled = models.PositiveSmallIntegerField(default=ANNUAL_LEAVE_DAYS)
    days_used = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agent", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "year"], name="rh_leavebalance_unique"),
            models.CheckConstraint(condition=Q(days_used__lte=F("days_entitled")), name="rh_leave_never_negative"),
            models.CheckConstraint(condition=Q(days_used__gte=0), name="rh_leave_used_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.year}"

    @property
    def remaining(self) -> int:
        return self.days_entitled - self.days_used


class LeaveRequest(models.Model):
    """A leave request: pending → approved | refused | cancelled (SQL trigger); the days are the working days
    (annual) or the calendar days (sick leave)."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="leave_requests")
    kind = models.CharField(max_length=12, choices=LeaveKind.choices)
    start = models.DateField()
    end = models.DateField()
    days = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="rh_leave_dates"),
            models.CheckConstraint(condition=Q(days__gte=1), name="rh_leave_days"),
            models.CheckConstraint(condition=Q(kind__in=LeaveKind.values), name="rh_leave_kind"),
            models.CheckConstraint(condition=Q(status__in=LeaveStatus.values), name="rh_leave_status"),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | Q(~Q(status="pending"), decided_at__isnull=False, decided_by__isnull=False),
                name="rh_leave_decided",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.start}–{self.end}"


class ReligiousHoliday(models.Model):
    """A religious public holiday of a year, fixed on the Hijri calendar: the expected day (Umm al-Qura) is
    seeded; the HR service confirms the day announced by the Ministry of Habous (sighting of the moon)."""

    year = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=20)
    name_fr = models.CharField(max_length=80)
    name_ar = models.CharField(max_length=80)
    hijri = models.CharField(max_length=20)
    day = models.DateField()
    length = models.PositiveSmallIntegerField(default=1)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "key"]
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="rh_holiday_unique"),
            models.CheckConstraint(condition=Q(length__gte=1, length__lte=2), name="rh_holiday_length"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, confirmed_by__isnull=True)
                | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                name="rh_holiday_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return self.key


class Rating(models.Model):
    """The yearly rating (note, /20) of an agent, once per year; append-only."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="ratings")
    year = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=4, decimal_places=2)
    comment = models.CharField(max_length=300, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "year"], name="rh_rating_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=20), name="rh_rating_score"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.year}"
