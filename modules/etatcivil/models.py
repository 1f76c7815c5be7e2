"""État civil: bureaux, officers' delegations, registers, acts, marginal notes, documents, journal, outbox.

Law 36-21: only births and deaths are acts; marriages, divorces and every correction are marginal notes. A signed
act is never updated or deleted (database triggers, migration 0002); numbers run without gaps per register.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ActKind(models.TextChoices):
    BIRTH = "birth", _("Birth")
    DEATH = "death", _("Death")


class RegisterKind(models.TextChoices):
    BIRTH = "birth", _("Births")
    DEATH = "death", _("Deaths")
    JUDGMENT = "judgment", _("Judgments")


class ActStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class DeclarationType(models.TextChoices):
    ON_TIME = "on_time", _("On time (within 30 days)")
    JUDGMENT = "judgment", _("By court judgment")


class Bureau(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name_ar = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_fr}"


class OfficerDelegation(models.Model):
    """The council president's arrêté delegating a person as officier de l'état civil for one bureau."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="civil_delegations")
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="delegations")
    arrete_number = models.CharField(max_length=50)
    arrete_date = models.DateField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="etatcivil_delegation_period_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.bureau_id} ({self.arrete_number})"


class Register(models.Model):
    """One register per (bureau, kind, year). `last_number` is the gapless counter, locked when signing."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, related_name="registers")
    kind = models.CharField(max_length=10, choices=RegisterKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "bureau__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "kind", "year"], name="etatcivil_register_unique"),
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2200), name="etatcivil_register_year"),
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.kind}/{self.year}"


class Act(models.Model):
    """A birth or death act. Arabic names are authoritative; Latin ones are a transliteration."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(max_length=10, choices=ActKind.choices)
    number = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ActStatus.choices, default=ActStatus.DRAFT)

    drawn_up_on = models.DateField(null=True, blank=True)
    drawn_up_hijri = models.CharField(max_length=40, blank=True, default="")
    event_date = models.DateField(null=True, blank=True)  # birth or death
    event_time = models.TimeField(null=True, blank=True)
    event_date_hijri = models.CharField(max_length=40, blank=True, default="")
    place_ar = models.CharField(max_length=200, blank=True, default="")
    place_fr = models.CharField(max_length=200, blank=True, default="")
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True, default="")

    given_name_ar = models.CharField(max_length=120)
    family_name_ar = models.CharField(max_length=120)
    given_name_fr = models.CharField(max_length=120, blank=True, default="")
    family_name_fr = models.CharField(max_length=120, blank=True, default="")

    father_name_ar = models.CharField(max_length=200, blank=True, default="")
    father_name_fr = models.CharField(max_length=200, blank=True, default="")
    father_birth = models.CharField(max_length=200, blank=True, default="")
    father_profession = models.CharField(max_length=120, blank=True, default="")
    father_nationality = models.CharField(max_length=60, blank=True, default="")
    mother_name_ar = models.CharField(max_length=200, blank=True, default="")
    mother_name_fr = models.CharField(max_length=200, blank=True, default="")
    mother_birth = models.CharField(max_length=200, blank=True, default="")
    mother_profession = models.CharField(max_length=120, blank=True, default="")
    mother_nationality = models.CharField(max_length=60, blank=True, default="")
    parents_address = models.CharField(max_length=300, blank=True, default="")
    grandfathers = models.CharField(max_length=300, blank=True, default="")

    declarant_name = models.CharField(max_length=200, blank=True, default="")
    declarant_age = models.PositiveSmallIntegerField(null=True, blank=True)
    declarant_profession = models.CharField(max_length=120, blank=True, default="")
    declarant_address = models.CharField(max_length=300, blank=True, default="")
    declarant_relationship = models.CharField(max_length=120, blank=True, default="")
    declaration_type = models.CharField(max_length=10, choices=DeclarationType.choices, default=DeclarationType.ON_TIME)
    judgment_court = models.CharField(max_length=200, blank=True, default="")
    judgment_number = models.CharField(max_length=60, blank=True, default="")
    judgment_date = models.DateField(null=True, blank=True)

    birth_act = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="death_acts",
        help_text="for a death act: the deceased's birth act",
    )

    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    # Provenance of an imported act; `source_values` keeps the raw row beside the normalised fields.
    legacy_id = models.CharField(max_length=60, blank=True, default="")
    source_file = models.CharField(max_length=300, blank=True, default="")
    source_row = models.PositiveIntegerField(null=True, blank=True)
    source_values = models.JSONField(default=dict, blank=True)

    # Search keys (normalised forms, see search.py), written with the act.
    given_key_ar = models.CharField(max_length=120, blank=True, default="", db_index=True)
    family_key_ar = models.CharField(max_length=120, blank=True, default="")
    given_key_lat = models.CharField(max_length=120, blank=True, default="")
    family_key_lat = models.CharField(max_length=120, blank=True, default="")

    # Tamper-evidence chain, written by the database at commit (jamaa.platform.db_guards.chain).
    chain_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001 (NULL: not sealed yet)

    class Meta:
        ordering = ["-register__year", "register__bureau__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="etatcivil_act_number_unique"),
            models.CheckConstraint(
                condition=(Q(status="draft", number__isnull=True, signed_at__isnull=True))
                | (Q(status="signed", number__isnull=False, number__gte=1, signed_at__isnull=False)),
                name="etatcivil_act_status_number",
            ),
            models.CheckConstraint(condition=Q(kind__in=["birth", "death"]), name="etatcivil_act_kind"),
            models.CheckConstraint(
                condition=~Q(declaration_type="judgment") | ~Q(judgment_number=""),
                name="etatcivil_act_judgment_cited",
            ),
        ]
        indexes = [
            models.Index(fields=["family_key_ar", "given_key_ar"], name="etatcivil_act_names_ar"),
            models.Index(fields=["family_key_lat", "given_key_lat"], name="etatcivil_act_names_lat"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number or 'draft'}/{self.register_id}"


class NoteKind(models.TextChoices):
    MARRIAGE = "marriage", _("Marriage")
    DIVORCE = "divorce", _("Divorce")
    DEATH = "death", _("Death")
    RECTIFICATION = "rectification", _("Rectification")
    NAME_CHANGE = "name_change", _("Change of name")
    JUDGMENT = "judgment", _("Judgment")
    FATHER_NAME = "father_name", _("Father's name chosen by the mother")
    OTHER = "other", _("Other")


class MarginalNote(models.Model):
    """The only way a signed act changes. Immutable once written, except the court's notification date."""

    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    text_ar = models.TextField()
    text_fr = models.TextField(blank=True, default="")
    authority = models.CharField(max_length=200)
    document_number = models.CharField(max_length=60)
    document_date = models.DateField(null=True, blank=True)  # empty only for an imported note (source incomplete)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    court_notified_on = models.DateField(null=True, blank=True)
    # An imported note whose legacy export had no authority or authorising document: kept as recorded, flagged.
    source_incomplete = models.BooleanField(default=False)

    class Meta:
        ordering = ["noted_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on act {self.act_id}"


class DocumentKind(models.TextChoices):
    FULL_COPY = "full_copy", _("Full copy")
    BIRTH_EXTRACT = "birth_extract", _("Birth extract")
    DEATH_EXTRACT = "death_extract", _("Death extract")
    PERSONAL_RECORD = "personal_record", _("Personal record (fiche individuelle)")


class IssuedDocument(models.Model):
    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    requester_name = models.CharField(max_length=200)
    requester_capacity = models.CharField(max_length=120)
    fee_dh = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    verification_code = models.CharField(max_length=32, unique=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.CheckConstraint(condition=Q(fee_dh__gte=0), name="etatcivil_document_fee")]

    def __str__(self) -> str:
        return f"{self.kind} {self.verification_code}"


class JournalEntry(models.Model):
    """Every full read of an act and every document issued: who, when, why. Append-only (trigger)."""

    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="journal")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=30)
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.act_id}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Failed")


class OutboxItem(models.Model):
    """An act or marginal note waiting for (or sent to) the national register (RNEC); see docs/modules/etatcivil.md."""

    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="outbox")
    note = models.ForeignKey(MarginalNote, on_delete=models.PROTECT, null=True, blank=True, related_name="outbox")
    payload = models.JSONField()
    status = models.CharField(max_length=15, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    idcs = models.CharField(max_length=30, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"outbox {self.pk} act {self.act_id} {self.status}"


from .models_search import NameKey  # noqa: E402,F401
