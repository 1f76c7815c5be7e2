"""Tables of the urbanisme module (building permits, after openADS and Rokhas). One-row rules here (constraints);
writes go through services.py. The workflow and the never-deleted, never-rewritten rules are also enforced in SQL
(migration 0002): a dossier is never deleted, its number never changes, its status moves only along
ALLOWED_TRANSITIONS, a decision needs its numbered arrêté, delivery needs the tax's quittance; events, pieces
received, decisions and issued documents are append-only; a consultation's answer and a commission's avis are
written once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CONSTRUIRE = "construire", _("Building permit")
    LOTIR = "lotir", _("Subdivision permit")
    GROUPE = "groupe", _("Housing group permit")
    MORCELLEMENT = "morcellement", _("Land division authorisation")
    REFECTION = "refection", _("Renovation authorisation")
    DEMOLITION = "demolition", _("Demolition permit")
    REGULARISATION = "regularisation", _("Regularisation")
    HABITER = "habiter", _("Occupancy permit")
    CONFORMITE = "conformite", _("Certificate of conformity")


# (prefix of the number, French label, Arabic label): documents print both languages whatever the page's.
KIND_LABELS: dict[str, tuple[str, str, str]] = {
    Kind.CONSTRUIRE: ("PC", "Permis de construire", "رخصة البناء"),
    Kind.LOTIR: ("PL", "Permis de lotir", "رخصة التجزيء"),
    Kind.GROUPE: ("GH", "Permis de groupe d'habitations", "رخصة إحداث مجموعة سكنية"),
    Kind.MORCELLEMENT: ("MO", "Autorisation de morcellement", "رخصة التقسيم"),
    Kind.REFECTION: ("RF", "Autorisation de réfection", "رخصة الإصلاح"),
    Kind.DEMOLITION: ("DM", "Permis de démolir", "رخصة الهدم"),
    Kind.REGULARISATION: ("RG", "Autorisation de régularisation", "رخصة التسوية"),
    Kind.HABITER: ("PH", "Permis d'habiter", "رخصة السكن"),
    Kind.CONFORMITE: ("CC", "Certificat de conformité", "شهادة المطابقة"),
}
# Kinds that follow a delivered building permit (they name it as their parent).
AFTER_WORKS = (Kind.HABITER, Kind.CONFORMITE)
# Light kinds: the instructor's own avis may decide them without a commission.
LIGHT = (Kind.REFECTION, Kind.DEMOLITION, Kind.HABITER, Kind.CONFORMITE)


class Status(models.TextChoices):
    DEPOSITED = "deposited", _("Deposited")
    INCOMPLETE = "incomplete", _("Incomplete")
    INSTRUCTION = "instruction", _("Under instruction")
    CONSULTATION = "consultation", _("Consultations")
    COMMISSION = "commission", _("Commission")
    FAVOURABLE = "favourable", _("Favourable")
    UNFAVOURABLE = "unfavourable", _("Unfavourable")
    SIGNED = "signed", _("Decision signed")
    REFUSED = "refused", _("Refused")
    DELIVERED = "delivered", _("Delivered")
    CERTIFIED = "certified", _("Occupancy / conformity granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# from → the statuses a dossier may move to. Migration 0002's trigger holds the same table (a test compares them
# and tries every other pair in SQL). Refused, certified and withdrawn are final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DEPOSITED: frozenset({Status.INCOMPLETE, Status.INSTRUCTION, Status.WITHDRAWN}),
    Status.INCOMPLETE: frozenset({Status.INSTRUCTION, Status.WITHDRAWN}),
    Status.INSTRUCTION: frozenset(
        {
            Status.INCOMPLETE,
            Status.CONSULTATION,
            Status.COMMISSION,
            Status.FAVOURABLE,
            Status.UNFAVOURABLE,
            Status.WITHDRAWN,
        }
    ),
    Status.CONSULTATION: frozenset({Status.COMMISSION, Status.WITHDRAWN}),
    Status.COMMISSION: frozenset({Status.FAVOURABLE, Status.UNFAVOURABLE, Status.INSTRUCTION, Status.WITHDRAWN}),
    Status.FAVOURABLE: frozenset({Status.SIGNED}),
    Status.UNFAVOURABLE: frozenset({Status.REFUSED}),
    Status.SIGNED: frozenset({Status.DELIVERED}),
    Status.REFUSED: frozenset(),
    Status.DELIVERED: frozenset({Status.CERTIFIED}),
    Status.CERTIFIED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
# The legal clock runs in these statuses (stopped while incomplete; over once the decision is signed).
CLOCK_RUNNING = (
    Status.DEPOSITED,
    Status.INSTRUCTION,
    Status.CONSULTATION,
    Status.COMMISSION,
    Status.FAVOURABLE,
    Status.UNFAVOURABLE,
)
OPEN_STATUSES = (Status.DEPOSITED, Status.INCOMPLETE, *CLOCK_RUNNING[1:])


class PetitionerKind(models.TextChoices):
    PERSON = "person", _("Person (CIN)")
    COMPANY = "company", _("Company (RC / ICE)")


class Use(models.TextChoices):
    HOUSING = "housing", _("Housing")
    COMMERCE = "commerce", _("Commerce")
    MIXED = "mixed", _("Housing and commerce")
    INDUSTRY = "industry", _("Industry")
    EQUIPMENT = "equipment", _("Public equipment")
    AGRICULTURE = "agriculture", _("Agriculture")


class Size(models.TextChoices):
    SMALL = "small", _("Small project")
    LARGE = "large", _("Large project")


# Decree 2-13-424: the commune answers within 10 days for a small project, 25 for a large one.
DELAY_DAYS = {Size.SMALL: 10, Size.LARGE: 25}


class Avis(models.TextChoices):
    FAVOURABLE = "favourable", _("Favourable")
    RESERVED = "reserved", _("Favourable with reservations")
    UNFAVOURABLE = "unfavourable", _("Unfavourable")
    ADJOURNED = "adjourned", _("Adjourned")


def _any_status(*statuses: str) -> Q:
    """status = a OR status = b …, not status IN (…): PostgreSQL prints an IN list over a varchar column in a form
    that reads back differently, so a commune cloned from the template would differ from one built by migrations
    (tests/provisioning/test_clone_fidelity.py); the OR form reads back as written."""
    condition = Q(status=statuses[0])
    for status in statuses[1:]:
        condition |= Q(status=status)
    return condition


class Dossier(models.Model):
    """A request for an authorisation (openADS: dossier d'instruction), numbered without gaps per (kind, year)."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    code = models.CharField(max_length=12, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DEPOSITED)
    subject = models.CharField(max_length=300)
    petitioner_kind = models.CharField(max_length=10, choices=PetitionerKind.choices)
    petitioner_name = models.CharField(max_length=200)
    petitioner_cin = models.CharField(max_length=12, blank=True)
    petitioner_rc = models.CharField(max_length=30, blank=True)
    petitioner_ice = models.CharField(max_length=15, blank=True)
    petitioner_address = models.CharField(max_length=300, blank=True)
    petitioner_phone = models.CharField(max_length=30, blank=True)
    architect_name = models.CharField(max_length=200, blank=True)
    architect_ordre = models.CharField(max_length=40, blank=True)
    use = models.CharField(max_length=20, choices=Use.choices, default=Use.HOUSING)
    built_area_m2 = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    floors = models.PositiveSmallIntegerField(default=0)
    housing_units = models.PositiveSmallIntegerField(default=0)
    size = models.CharField(max_length=10, choices=Size.choices)
    delay_days = models.PositiveSmallIntegerField()
    deposited_on = models.DateField()
    deposited_at = models.DateTimeField()
    deposited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The legal clock: stopped while incomplete (since clock_stopped_on), stopped_days counted so far; due_on is
    # the day the answer is due (NULL while stopped); decided_on the day the decision was signed.
    clock_stopped_on = models.DateField(null=True, blank=True)
    stopped_days = models.PositiveIntegerField(default=0)
    due_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="followers")
    # The deposit registered as incoming mail in the bureau d'ordre (id and reference: no cross-module FK).
    courrier_mail_id = models.PositiveIntegerField(null=True, blank=True)
    courrier_reference = models.CharField(max_length=30, blank=True)
    rokhas_reference = models.CharField(max_length=40, blank=True)
    # The construction tax (liquidated at delivery in the régie; ids and reference, no cross-module FK).
    tax_dh = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    tax_liquidation_id = models.PositiveIntegerField(null=True, blank=True)
    tax_quittance = models.CharField(max_length=40, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="urbanisme_dossier_number_unique"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="urbanisme_dossier_kind"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="urbanisme_dossier_status"),
            models.CheckConstraint(condition=Q(size__in=Size.values), name="urbanisme_dossier_size"),
            models.CheckConstraint(condition=Q(number__gte=1), name="urbanisme_dossier_number_positive"),
            models.CheckConstraint(condition=Q(built_area_m2__gte=0), name="urbanisme_dossier_area"),
            models.CheckConstraint(condition=~Q(petitioner_name=""), name="urbanisme_dossier_petitioner"),
            models.CheckConstraint(
                condition=(Q(petitioner_kind="person") & ~Q(petitioner_cin=""))
                | (Q(petitioner_kind="company") & ~Q(petitioner_ice="")),
                name="urbanisme_dossier_petitioner_id",
            ),
            models.CheckConstraint(
                condition=Q(status="incomplete", clock_stopped_on__isnull=False, due_on__isnull=True)
                | (~Q(status="incomplete") & Q(clock_stopped_on__isnull=True)),
                name="urbanisme_dossier_clock_stopped_iff_incomplete",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["signed", "refused", "delivered", "certified"]) | Q(decided_on__isnull=False),
                name="urbanisme_dossier_decided_has_day",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["delivered", "certified"])
                | (Q(delivered_on__isnull=False) & (Q(tax_dh=0) | ~Q(tax_quittance=""))),
                name="urbanisme_dossier_delivered_after_quittance",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(kind__in=["habiter", "conformite"]),
                name="urbanisme_dossier_parent_after_works",
            ),
        ]
        indexes = [
            models.Index(
                fields=["instructor", "due_on"],
                name="urbanisme_desk",
                condition=_any_status(
                    "deposited", "incomplete", "instruction", "consultation", "commission", "favourable", "unfavourable"
                ),
            ),
            models.Index(
                fields=["due_on"],
                name="urbanisme_late",
                condition=_any_status(
                    "deposited", "instruction", "consultation", "commission", "favourable", "unfavourable"
                ),
            ),
            models.Index(fields=["status", "year"], name="urbanisme_status_year"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """As printed: PC-2026/000012."""
        return f"{KIND_LABELS[self.kind][0]}-{self.year}/{self.number:06d}"


class Parcel(models.Model):
    """A parcel of the project: land title (titre foncier or requisition), address, coordinates, area."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="parcels")
    title_number = models.CharField(max_length=40)
    address = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    area_m2 = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["dossier", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=20) & Q(latitude__lte=36.5), name="urbanisme_parcel_latitude"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-17.5) & Q(longitude__lte=-0.9), name="urbanisme_parcel_longitude"
            ),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="urbanisme_parcel_area"),
            models.CheckConstraint(condition=~Q(title_number=""), name="urbanisme_parcel_title"),
        ]

    def __str__(self) -> str:
        return self.title_number


class PieceRequirement(models.Model):
    """A piece a dossier of a kind must hold, in force from a date (a new list is a new version, by date)."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.SlugField(max_length=40)
    label_fr = models.CharField(max_length=200)
    label_ar = models.CharField(max_length=200)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code", "effective_from"], name="urbanisme_piece_version"),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True) | Q(effective_until__gt=models.F("effective_from")),
                name="urbanisme_piece_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class PieceReceipt(models.Model):
    """A required piece received for a dossier (at deposit or later). Append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="pieces")
    requirement = models.ForeignKey(PieceRequirement, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dossier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "requirement"], name="urbanisme_piece_once"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}:{self.requirement_id}"


class Event(models.Model):
    """Every status change of a dossier, with its note (and the missing pieces when incomplete). Append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    missing = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_status} → {self.to_status}"


class ConsultedService(models.Model):
    """A service consulted on dossiers (agence urbaine, protection civile, …) with its usual answer delay."""

    code = models.SlugField(max_length=40, unique=True)
    name_fr = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    answer_days = models.PositiveSmallIntegerField(default=15)

    class Meta:
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name_fr


class Consultation(models.Model):
    """A service consulted on a dossier: sent, deadline; then returned once with its avis (set once in SQL)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="consultations")
    service = models.ForeignKey(ConsultedService, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    deadline = models.DateField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_on = models.DateField(null=True, blank=True)
    avis = models.CharField(max_length=20, blank=True)
    avis_note = models.CharField(max_length=1000, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["dossier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "service"], name="urbanisme_consultation_once"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("sent_on")), name="urbanisme_consult_dl"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True, avis="", returned_by__isnull=True)
                | (
                    Q(returned_on__isnull=False, returned_by__isnull=False)
                    & Q(avis__in=["favourable", "reserved", "unfavourable"])
                ),
                name="urbanisme_consult_returned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.service_id}"


class SittingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class Sitting(models.Model):
    """A sitting of the commission: numbered per year, its agenda (items), members present, then held once
    (minutes final: the sitting and its items change no more)."""

    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    day = models.DateField()
    place = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=SittingStatus.choices, default=SittingStatus.PLANNED)
    members_present = models.TextField(blank=True)
    minutes_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    held_at = models.DateTimeField(null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="urbanisme_sitting_number"),
            models.CheckConstraint(condition=Q(status__in=SittingStatus.values), name="urbanisme_sitting_status"),
            models.CheckConstraint(
                condition=Q(status="planned", held_at__isnull=True)
                | Q(status="held", held_at__isnull=False, held_by__isnull=False),
                name="urbanisme_sitting_held",
            ),
        ]

    def __str__(self) -> str:
        return f"CM-{self.year}/{self.number:03d}"

    @property
    def reference(self) -> str:
        return f"CM-{self.year}/{self.number:03d}"


class SittingItem(models.Model):
    """A dossier on a sitting's agenda, and the commission's avis on it (written once)."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="items")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="sitting_items")
    position = models.PositiveSmallIntegerField()
    avis = models.CharField(max_length=20, blank=True)
    avis_note = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["sitting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "dossier"], name="urbanisme_item_once"),
            models.CheckConstraint(
                condition=Q(avis="", recorded_by__isnull=True)
                | (Q(avis__in=["favourable", "unfavourable", "adjourned"]) & Q(recorded_by__isnull=False)),
                name="urbanisme_item_avis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sitting_id}#{self.position}"


class Decision(models.Model):
    """The decision on a dossier: an arrêté numbered without gaps per year, signed once. Append-only."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="decision")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    granted = models.BooleanField()
    signed_on = models.DateField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signatory = models.CharField(max_length=200)
    conditions = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="urbanisme_decision_number")]

    def __str__(self) -> str:
        return f"AR-{self.year}/{self.number:05d}"

    @property
    def reference(self) -> str:
        return f"AR-{self.year}/{self.number:05d}"


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Deposit receipt")
    CONSULTATION = "consultation", _("Consultation letter")
    MINUTES = "minutes", _("Commission minutes")
    ARRETE = "arrete", _("Decision (arrêté)")
    PERMIT = "permit", _("Permit")
    REGISTER = "register", _("Display register")


class IssuedDocument(models.Model):
    """A finalised document: its PDF stored as issued (never re-rendered), its QR code; a correction is a new
    version naming the one it replaces (which then verifies as superseded). Append-only."""

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    version = models.PositiveSmallIntegerField(default=1)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    correction = models.CharField(max_length=500, blank=True)
    code = models.CharField(max_length=12, unique=True)
    number = models.CharField(max_length=40)
    holder = models.CharField(max_length=200)
    file = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    issued_on = models.DateField()
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="urbanisme_document_kind"),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True, version=1)
                | (Q(replaces__isnull=False) & Q(version__gt=1) & ~Q(correction="")),
                name="urbanisme_document_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} v{self.version}"
