"""Régie des recettes: the régie, taxes and versioned tariffs, redevables, and the numbered stub book.

A quittance is never updated or deleted (database triggers, migration 0002): a cancellation is a counter-entry
with its reason, who asked, and a supervisor's approval; the cancelled number stays in the register. Numbers
run without gaps per (régie, exercice, series).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BudgetLine(models.Model):
    """A line of the commune's revenue budget (code économique), e.g. 10.20.31 or 401."""

    code = models.CharField(max_length=30, unique=True)
    label_fr = models.CharField(max_length=200)
    label_ar = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Regie(models.Model):
    name_fr = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    arrete_number = models.CharField(max_length=50)
    arrete_date = models.DateField()
    cash_ceiling_dh = models.DecimalField(max_digits=12, decimal_places=2)
    # The budget lines the arrêté of creation authorises this régie to collect.
    budget_lines = models.ManyToManyField(BudgetLine, blank=True, related_name="regies")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(cash_ceiling_dh__gt=0), name="regie_cash_ceiling_positive")]

    def __str__(self) -> str:
        return self.name_fr


class StaffRole(models.TextChoices):
    REGISSEUR = "regisseur", _("Régisseur")
    SUPPLEANT = "suppleant", _("Suppléant")
    AGENT = "agent", _("Collecting agent")


class RegieStaff(models.Model):
    """An appointment by arrêté: who holds which role in the régie, and from when."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=StaffRole.choices)
    arrete_number = models.CharField(max_length=50)
    arrete_date = models.DateField()
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["regie", "role", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "user", "role", "valid_from"], name="regie_staff_unique"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="regie_staff_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.user_id}"


class BaseKind(models.TextChoices):
    AREA = "m2", _("per m²")
    # xgettext:no-python-format
    SALES_PERCENT = "percent", _("% of sales")
    NIGHT = "night", _("per person per night")
    QUARTER = "quarter", _("per quarter")
    FIXED = "fixed", _("fixed")


class Tax(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name_fr = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    base_kind = models.CharField(max_length=10, choices=BaseKind.choices)
    budget_line = models.CharField(max_length=30, help_text="code of the budget line credited")

    def __str__(self) -> str:
        return self.code


class Tariff(models.Model):
    """A rate in force from `valid_from` (the arrêté fiscal's date of effect) until the next version."""

    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="tariffs")
    rate = models.DecimalField(max_digits=12, decimal_places=4)
    valid_from = models.DateField()
    arrete_reference = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["tax", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["tax", "valid_from"], name="regie_tariff_one_per_day"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="regie_tariff_rate_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.tax_id} {self.rate} from {self.valid_from}"


class Redevable(models.Model):
    """A taxpayer: a person (CIN) or a company (RC and/or ICE)."""

    name = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200, blank=True, default="")  # the name in Arabic script, if known
    cin = models.CharField(max_length=20, blank=True, default="")
    rc = models.CharField(max_length=30, blank=True, default="")
    ice = models.CharField(max_length=20, blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(cin="") | ~Q(rc="") | ~Q(ice=""), name="regie_redevable_identified"),
        ]

    def __str__(self) -> str:
        return self.name


class AssetKind(models.TextChoices):
    PARCEL = "parcel", _("Parcel")
    PREMISES = "premises", _("Premises")
    TERRACE = "terrace", _("Terrace on public land")
    VEHICLE = "vehicle", _("Vehicle")
    ESTABLISHMENT = "establishment", _("Establishment")
    OTHER = "other", _("Other")


class Asset(models.Model):
    """A bien or activité of a redevable (parcel, premises, terrace, taxi…) and the tax it usually owes."""

    redevable = models.ForeignKey(Redevable, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(max_length=15, choices=AssetKind.choices)
    reference = models.CharField(max_length=60, help_text="title, permit, plate or authorisation number")
    label = models.CharField(max_length=200, blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")
    surface_m2 = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    category = models.CharField(max_length=30, blank=True, default="")
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, null=True, blank=True, related_name="assets")
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["redevable", "kind", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(surface_m2__isnull=True) | Q(surface_m2__gt=0), name="regie_asset_surface_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class LiquidationStatus(models.TextChoices):
    LIQUIDATED = "liquidated", _("Liquidated")
    PAID = "paid", _("Paid")
    ORDERED = "ordered", _("Ordre de recette issued")
    CANCELLED = "cancelled", _("Cancelled")


class Liquidation(models.Model):
    """A declaration liquidated: amount = round(base × rate, 2) + penalties, with every step (`steps`) kept.

    Frozen once paid or ordered (database trigger, migration 0004): a wrong liquidation is cancelled and redone.
    """

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="liquidations")
    redevable = models.ForeignKey(Redevable, on_delete=models.PROTECT, related_name="liquidations")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="liquidations")
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="+")
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=30)
    base = models.DecimalField(max_digits=14, decimal_places=2)
    rate = models.DecimalField(max_digits=12, decimal_places=4)
    principal_dh = models.DecimalField(max_digits=12, decimal_places=2)
    declaration_penalty_dh = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payment_penalty_dh = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_dh = models.DecimalField(max_digits=12, decimal_places=2)
    declaration_due = models.DateField(null=True, blank=True)
    declared_on = models.DateField(null=True, blank=True)
    payment_due = models.DateField(null=True, blank=True)
    computed_on = models.DateField(help_text="the day the penalties were computed for (payment day)")
    steps = models.JSONField(default=list, help_text="[{label, formula, amount}] as computed")
    status = models.CharField(max_length=12, choices=LiquidationStatus.choices, default=LiquidationStatus.LIQUIDATED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(base__gt=0), name="regie_liquidation_base_positive"),
            models.CheckConstraint(
                condition=Q(principal_dh=Round(F("base") * F("rate"), 2)), name="regie_liquidation_principal"
            ),
            models.CheckConstraint(
                condition=Q(declaration_penalty_dh__gte=0) & Q(payment_penalty_dh__gte=0),
                name="regie_liquidation_penalties_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(total_dh=F("principal_dh") + F("declaration_penalty_dh") + F("payment_penalty_dh")),
                name="regie_liquidation_total",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LiquidationStatus.values), name="regie_liquidation_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"liquidation {self.pk} {self.total_dh}"


class QuittanceSeries(models.Model):
    """The counter of one stub book: (régie, exercice, series). Locked when a number is drawn."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="series")
    exercice = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=10, default="A")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regie", "exercice", "series"], name="regie_series_unique")]

    def __str__(self) -> str:
        return f"{self.regie_id}/{self.exercice}/{self.series}"


class QuittanceBlock(models.Model):
    """A numbered block of a series given to one collector: the digital stub book (numbers first..last).

    Allocated under the series' row lock, so blocks never overlap and the series stays gapless: every number up
    to the series' `last_number` is either a quittance or inside a block. When a block is closed, its unused
    numbers are reported as returned stubs (never reused).
    """

    series = models.ForeignKey(QuittanceSeries, on_delete=models.PROTECT, related_name="blocks")
    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_number = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField()
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["series", "first_number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "first_number"], name="regie_block_start_unique"),
            models.CheckConstraint(
                condition=Q(first_number__gte=1) & Q(last_number__gte=F("first_number")),
                name="regie_block_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series_id}:{self.first_number}-{self.last_number}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Transfer")


class Quittance(models.Model):
    """A receipt. Immutable: the payer's name and the tax are kept as snapshots beside their ids."""

    series = models.ForeignKey(QuittanceSeries, on_delete=models.PROTECT, related_name="quittances")
    number = models.PositiveIntegerField()
    redevable = models.ForeignKey(Redevable, on_delete=models.PROTECT, related_name="quittances")
    payer_name = models.CharField(max_length=200)
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="+")
    budget_line = models.CharField(max_length=30)
    period = models.CharField(max_length=30)
    base = models.DecimalField(max_digits=14, decimal_places=2)
    rate = models.DecimalField(max_digits=12, decimal_places=4)
    penalties_dh = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount_dh = models.DecimalField(max_digits=12, decimal_places=2)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    # The accounting day (the day's close and the versement take quittances by it).
    day = models.DateField(default=timezone.localdate, db_index=True)
    liquidation = models.OneToOneField(
        Liquidation, on_delete=models.PROTECT, null=True, blank=True, related_name="quittance"
    )
    # Collectors' app: the block the number came from, the client's idempotency key, and when it was taken
    # in the street (the device's clock), which may be hours before the sync.
    block = models.ForeignKey(QuittanceBlock, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    # A cheque's number and bank (NULL for cash: the chain digests a row without its NULL fields, so rows from
    # before these columns keep their digest).
    cheque_number = models.CharField(max_length=30, null=True, blank=True)  # noqa: DJ001
    cheque_bank = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    # Tamper-evidence chain, written by the database at commit (jamaa.platform.db_guards.chain).
    chain_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001 (NULL: not sealed yet)

    class Meta:
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="regie_quittance_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="regie_quittance_number_positive"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="regie_quittance_amount_positive"),
            models.CheckConstraint(condition=Q(penalties_dh__gte=0), name="regie_quittance_penalties_nonnegative"),
            models.CheckConstraint(
                condition=Q(amount_dh=Round(F("base") * F("rate"), 2) + F("penalties_dh")),
                name="regie_quittance_amount_is_computed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series_id}#{self.number}"


class QuittanceCancellation(models.Model):
    """The counter-entry that cancels a quittance: who asked, why, and the supervisor who approved it."""

    quittance = models.OneToOneField(Quittance, on_delete=models.PROTECT, related_name="cancellation")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount_dh = models.DecimalField(max_digits=12, decimal_places=2, help_text="negative: the counter-entry")
    cancelled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="regie_cancellation_reason_given"),
            models.CheckConstraint(condition=~Q(approved_by=F("requested_by")), name="regie_cancellation_four_eyes"),
            models.CheckConstraint(condition=Q(amount_dh__lt=0), name="regie_cancellation_negative"),
        ]

    def __str__(self) -> str:
        return f"cancels {self.quittance_id}"


class CancellationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CancellationRequest(models.Model):
    """An agent's request to cancel a quittance; a supervisor (not the requester) approves or rejects it.
    Approval creates the QuittanceCancellation counter-entry."""

    quittance = models.ForeignKey(Quittance, on_delete=models.PROTECT, related_name="cancellation_requests")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=CancellationStatus.choices, default=CancellationStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quittance"], condition=Q(status="pending"), name="regie_one_pending_cancellation"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="regie_cancel_request_reason_given"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="regie_cancel_request_four_eyes",
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(decided_by__isnull=True) & Q(decided_at__isnull=True))
                | (Q(status__in=["approved", "rejected"]) & Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="regie_cancel_request_decision_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"cancellation request {self.pk} ({self.status})"


class CounterKind(models.TextChoices):
    ORDRE = "ordre", _("Ordre de recette")
    BORDEREAU = "bordereau", _("Bordereau d'émission")
    VERSEMENT = "versement", _("Versement")


class DocumentCounter(models.Model):
    """Gapless numbering of ordres de recette, bordereaux and versements per (régie, exercice, kind)."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="+")
    exercice = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=CounterKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["regie", "exercice", "kind"], name="regie_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.regie_id}/{self.exercice}/{self.kind}"


class BordereauStatus(models.TextChoices):
    ISSUED = "issued", _("Sent to the comptable")
    TAKEN_IN_CHARGE = "taken_in_charge", _("Taken in charge")


class Bordereau(models.Model):
    """A bordereau d'émission: ordres de recette sent together to the comptable (the Treasury)."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="bordereaux")
    exercice = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=BordereauStatus.choices, default=BordereauStatus.ISSUED)
    total_dh = models.DecimalField(max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    taken_in_charge_at = models.DateTimeField(null=True, blank=True)
    comptable_reference = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["regie", "exercice", "number"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "exercice", "number"], name="regie_bordereau_number_unique"),
            models.CheckConstraint(condition=Q(total_dh__gt=0), name="regie_bordereau_total_positive"),
            models.CheckConstraint(condition=Q(status__in=BordereauStatus.values), name="regie_bordereau_status"),
        ]

    def __str__(self) -> str:
        return f"bordereau {self.exercice}/{self.number}"


class OrdreKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class OrdreStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("ordre de recette", "Issued")
    TAKEN_IN_CHARGE = "taken_in_charge", _("Taken in charge")
    RECOVERED = "recovered", _("Recovered")
    CANCELLED = "cancelled", pgettext_lazy("ordre de recette", "Cancelled")
    WRITTEN_OFF = "written_off", _("Written off (admission en non-valeur)")
    REMITTED = "remitted", _("Remitted")


# Allowed moves of an ordre de recette (also enforced by a trigger, migration 0004).
ORDRE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    OrdreStatus.ISSUED: (OrdreStatus.TAKEN_IN_CHARGE, OrdreStatus.CANCELLED),
    OrdreStatus.TAKEN_IN_CHARGE: (
        OrdreStatus.RECOVERED,
        OrdreStatus.CANCELLED,
        OrdreStatus.WRITTEN_OFF,
        OrdreStatus.REMITTED,
    ),
}


class OrdreRecette(models.Model):
    """An ordre de recette for a debt not paid at the counter: individual (one line) or collective (many)."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="ordres")
    exercice = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=OrdreKind.choices)
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="+")
    budget_line = models.CharField(max_length=30)
    subject = models.CharField(max_length=300)
    period = models.CharField(max_length=30)
    amount_dh = models.DecimalField(max_digits=14, decimal_places=2)
    recovered_dh = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    status = models.CharField(max_length=16, choices=OrdreStatus.choices, default=OrdreStatus.ISSUED)
    bordereau = models.ForeignKey(Bordereau, on_delete=models.PROTECT, null=True, blank=True, related_name="ordres")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["regie", "exercice", "number"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "exercice", "number"], name="regie_ordre_number_unique"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="regie_ordre_amount_positive"),
            models.CheckConstraint(
                condition=Q(recovered_dh__gte=0) & Q(recovered_dh__lte=F("amount_dh")), name="regie_ordre_recovered"
            ),
            models.CheckConstraint(condition=Q(status__in=OrdreStatus.values), name="regie_ordre_status_known"),
            models.CheckConstraint(
                condition=~Q(status="taken_in_charge", bordereau__isnull=True),
                name="regie_ordre_in_charge_has_bordereau",
            ),
        ]

    def __str__(self) -> str:
        return f"OR {self.exercice}/{self.number}"


class OrdreRecetteLine(models.Model):
    ordre = models.ForeignKey(OrdreRecette, on_delete=models.PROTECT, related_name="lines")
    redevable = models.ForeignKey(Redevable, on_delete=models.PROTECT, related_name="ordre_lines")
    payer_name = models.CharField(max_length=200)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    liquidation = models.OneToOneField(
        Liquidation, on_delete=models.PROTECT, null=True, blank=True, related_name="ordre_line"
    )
    amount_dh = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["ordre", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_dh__gt=0), name="regie_ordre_line_positive")]

    def __str__(self) -> str:
        return f"{self.ordre_id}: {self.payer_name} {self.amount_dh}"


class OrdreRecetteEvent(models.Model):
    """Each state change of an ordre de recette: who, when, why, and the comptable's reference."""

    ordre = models.ForeignKey(OrdreRecette, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16, choices=OrdreStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True, default="")
    reference = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["ordre", "at", "id"]

    def __str__(self) -> str:
        return f"{self.ordre_id}: {self.from_status} → {self.to_status}"


class VersementLevel(models.TextChoices):
    AGENT = "agent", _("Agent's takings paid to the régisseur")
    REGIE = "regie", _("Régie's takings paid to the trésorier")


class Versement(models.Model):
    """A day's close and payment of takings: an agent's to the régisseur (level "agent", agent set) or the
    régie's to the trésorier (level "regie"). Its existence locks that day for that agent (or the whole régie).
    The relevé nominatif lists its quittances (VersementItem)."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="versements")
    exercice = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    level = models.CharField(max_length=5, choices=VersementLevel.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    expected_dh = models.DecimalField(max_digits=14, decimal_places=2)
    counted_dh = models.DecimalField(max_digits=14, decimal_places=2)
    difference_dh = models.DecimalField(max_digits=14, decimal_places=2)
    quittance_count = models.PositiveIntegerField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)
    treasury_reference = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["regie", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "exercice", "number"], name="regie_versement_number_unique"),
            models.UniqueConstraint(
                fields=["regie", "day", "agent"], condition=Q(level="agent"), name="regie_versement_agent_day"
            ),
            models.UniqueConstraint(fields=["regie", "day"], condition=Q(level="regie"), name="regie_versement_day"),
            models.CheckConstraint(
                condition=(Q(level="agent") & Q(agent__isnull=False)) | (Q(level="regie") & Q(agent__isnull=True)),
                name="regie_versement_level_agent",
            ),
            models.CheckConstraint(
                condition=Q(difference_dh=F("counted_dh") - F("expected_dh")), name="regie_versement_difference"
            ),
            models.CheckConstraint(
                condition=Q(counted_dh__gte=0) & Q(expected_dh__gte=0), name="regie_versement_amounts"
            ),
        ]

    def __str__(self) -> str:
        return f"versement {self.exercice}/{self.number}"


class VersementItem(models.Model):
    """A quittance (or its cancellation's counter-entry) included in a versement; once per level."""

    versement = models.ForeignKey(Versement, on_delete=models.PROTECT, related_name="items")
    quittance = models.ForeignKey(Quittance, on_delete=models.PROTECT, related_name="versement_items")
    level = models.CharField(max_length=5, choices=VersementLevel.choices)
    amount_dh = models.DecimalField(max_digits=12, decimal_places=2, help_text="net: 0 when cancelled")

    class Meta:
        ordering = ["versement", "quittance"]
        constraints = [
            models.UniqueConstraint(fields=["quittance", "level"], name="regie_quittance_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.versement_id}: {self.quittance_id}"


class IncidentKind(models.TextChoices):
    CASH_DIFFERENCE = "cash_difference", _("Cash difference at the close")
    NUMBER_GAP = "number_gap", _("Number missing from a block")
    STALE_BLOCK = "stale_block", _("Payment with a number outside the block")
    LATE_PAYMENT = "late_payment", _("Payment taken before a close, booked into the next open day")


class Incident(models.Model):
    """Something the régisseur must look at: a cash difference, a missing number, a refused number."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="incidents")
    day = models.DateField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    amount_dh = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    versement = models.ForeignKey(Versement, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents")
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"


class PaymentKey(models.Model):
    """The idempotency key of a payment taken at the counter (the form's one-time token) or through the API (its
    `Idempotency-Key` header): a retry with the same key returns the quittance the first attempt issued, never a
    second one. The database keeps one row per (agent, key); `fingerprint` is the hash of what was asked, so a
    key reused for another payment is refused. Append-only."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    quittance = models.OneToOneField(Quittance, on_delete=models.PROTECT, related_name="payment_key")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "key"], name="regie_payment_key_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="regie_payment_key_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id}:{self.key}"
