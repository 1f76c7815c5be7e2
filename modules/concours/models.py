"""Tables of the recruitment exams (concours). One-row rules here (constraints); writes go through services.py; the
rules that must hold whoever connects (states, no delete, one application per CIN, marks locked once their stage
is over, published lists never changed) are constraints and SQL triggers (migration 0002)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    OPEN = "open", _("Applications open")
    CLOSED = "closed", _("Applications closed")
    SCREENING = "screening", _("Screening")
    CONVOCATIONS = "convocations", _("Convocations")
    WRITTEN = "written", _("Written results")
    ORAL = "oral", _("Oral")
    FINAL = "final", _("Final lists")
    APPOINTMENTS = "appointments", _("Appointments")


ORDER = [s.value for s in Status]
"""The states, in order: a concours moves one step forward at a time (SQL trigger, compared by a test)."""


class Quota(models.TextChoices):
    GENERAL = "general", _("General")
    RESISTANT = "resistant", _("Resistance fighters, pupilles de la nation, former soldiers (25%)")
    DISABLED = "disabled", _("Disability card holders (7%)")


class Paper(models.TextChoices):
    WRITTEN = "written", _("Written test")
    ORAL = "oral", _("Oral")


class ListKind(models.TextChoices):
    MAIN = "main", _("Main list")
    WAITING = "waiting", _("Waiting list")


class Concours(models.Model):
    """A recruitment exam for a grade (snapshot of RH's grade), with its posts, quotas, dates and conditions."""

    title_fr = models.CharField(max_length=200)
    title_ar = models.CharField(max_length=200)
    grade_code = models.CharField(max_length=40)
    grade_fr = models.CharField(max_length=120)
    grade_ar = models.CharField(max_length=120)
    echelle = models.PositiveSmallIntegerField()
    service = models.CharField(max_length=120, blank=True)
    posts = models.PositiveSmallIntegerField()
    quota_resistant_pct = models.PositiveSmallIntegerField(default=25)
    quota_disabled_pct = models.PositiveSmallIntegerField(default=7)
    announced_on = models.DateField()
    applications_until = models.DateField()
    exam_date = models.DateField()
    age_min = models.PositiveSmallIntegerField(default=18)
    age_max = models.PositiveSmallIntegerField(default=40)
    documents_required = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ANNOUNCED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-exam_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(posts__gte=1), name="concours_posts"),
            models.CheckConstraint(
                condition=Q(quota_resistant_pct__lte=100, quota_disabled_pct__lte=100), name="concours_quotas"
            ),
            models.CheckConstraint(
                condition=Q(age_min__gte=18, age_max__lte=45, age_min__lt=F("age_max")), name="concours_ages"
            ),
            models.CheckConstraint(
                condition=Q(applications_until__gte=F("announced_on"), exam_date__gte=F("applications_until")),
                name="concours_dates",
            ),
            models.CheckConstraint(condition=Q(status__in=ORDER), name="concours_status"),
        ]

    def __str__(self) -> str:
        return self.title_fr

    @property
    def reference(self) -> str:
        return f"{self.pk}/{self.exam_date.year}"


class Candidature(models.Model):
    """An application: one per CIN per concours (unique index), numbered in the concours' series (kernel counter);
    screened once (eligible or not, with the reason), then given an anonymous code and a seat once."""

    concours = models.ForeignKey(Concours, on_delete=models.PROTECT, related_name="candidatures")
    number = models.PositiveIntegerField()
    cin = models.CharField(max_length=12)
    first_name_fr = models.CharField(max_length=80)
    last_name_fr = models.CharField(max_length=80)
    first_name_ar = models.CharField(max_length=80)
    last_name_ar = models.CharField(max_length=80)
    birth_date = models.DateField()
    diploma = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    quota = models.CharField(max_length=10, choices=Quota.choices, default=Quota.GENERAL)
    eligible = models.BooleanField(null=True, blank=True)
    eligibility_reason = models.CharField(max_length=300, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    anonymous_code = models.CharField(max_length=12, blank=True)
    room = models.CharField(max_length=40, blank=True)
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    centre = models.CharField(max_length=200, blank=True)
    convocation_code = models.CharField(max_length=16, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["concours", "number"]
        constraints = [
            models.UniqueConstraint(fields=["concours", "cin"], name="concours_one_application_per_cin"),
            models.UniqueConstraint(fields=["concours", "number"], name="concours_candidate_number"),
            models.UniqueConstraint(
                fields=["concours", "anonymous_code"], condition=~Q(anonymous_code=""), name="concours_anonymous_code"
            ),
            models.CheckConstraint(condition=Q(quota__in=Quota.values), name="concours_candidature_quota"),
            models.CheckConstraint(
                condition=Q(eligible__isnull=True) | Q(eligible=True) | ~Q(eligibility_reason=""),
                name="concours_ineligible_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.cin}"

    @property
    def name_fr(self) -> str:
        return f"{self.first_name_fr} {self.last_name_fr}"

    @property
    def name_ar(self) -> str:
        return f"{self.first_name_ar} {self.last_name_ar}"


class Mark(models.Model):
    """A mark (/20): the written test's by anonymous code, corrector 1 and 2 (3 on a gap); the oral's (corrector
    1). Append-only; accepted by SQL only while the concours is at that paper's stage (then locked)."""

    candidature = models.ForeignKey(Candidature, on_delete=models.PROTECT, related_name="marks")
    paper = models.CharField(max_length=8, choices=Paper.choices)
    corrector = models.PositiveSmallIntegerField()
    score = models.DecimalField(max_digits=4, decimal_places=2)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["candidature", "paper", "corrector"]
        constraints = [
            models.UniqueConstraint(fields=["candidature", "paper", "corrector"], name="concours_mark_once"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=20), name="concours_mark_score"),
            models.CheckConstraint(condition=Q(corrector__gte=1, corrector__lte=3), name="concours_mark_corrector"),
            models.CheckConstraint(condition=Q(paper__in=Paper.values), name="concours_mark_paper"),
        ]

    def __str__(self) -> str:
        return f"{self.candidature_id} {self.paper} {self.corrector}"


class ResultList(models.Model):
    """A published version of the final lists (main + waiting): append-only, valid 6 months."""

    concours = models.ForeignKey(Concours, on_delete=models.PROTECT, related_name="result_lists")
    version = models.PositiveSmallIntegerField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateField()
    entries_count = models.PositiveSmallIntegerField()
    """How many lines the list has: written with it, so that no line can be added once it is published (SQL)."""

    class Meta:
        ordering = ["concours", "-version"]
        constraints = [models.UniqueConstraint(fields=["concours", "version"], name="concours_resultlist_version")]

    def __str__(self) -> str:
        return f"{self.concours_id} v{self.version}"


class ResultEntry(models.Model):
    """One line of a published list. Append-only."""

    result_list = models.ForeignKey(ResultList, on_delete=models.PROTECT, related_name="entries")
    candidature = models.ForeignKey(Candidature, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=ListKind.choices)
    rank = models.PositiveSmallIntegerField()
    seat_quota = models.CharField(max_length=10, choices=Quota.choices)
    written = models.DecimalField(max_digits=5, decimal_places=2)
    oral = models.DecimalField(max_digits=5, decimal_places=2)
    total = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["result_list", "kind", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["result_list", "candidature"], name="concours_resultentry_once"),
            models.UniqueConstraint(fields=["result_list", "kind", "rank"], name="concours_resultentry_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.result_list_id} {self.kind} {self.rank}"


class Appointment(models.Model):
    """A laureate appointed: the agent opened in RH (its id and the recruitment arrêté, no foreign key across
    modules). Once per candidature; append-only."""

    candidature = models.OneToOneField(Candidature, on_delete=models.PROTECT, related_name="appointment")
    agent_id = models.PositiveIntegerField()
    act_reference = models.CharField(max_length=20)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.candidature_id} → {self.agent_id}"
