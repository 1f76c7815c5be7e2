"""Tables of the budget: the nomenclature (a versioned reference), a commune's budget per exercice with its lines,
the credit movements (budgets modificatifs, virements), and the spending chain (engagement → liquidation →
ordre de paiement → paiement). One-row rules here; the rules across rows (a line's credit is never overspent,
states move forward only, records are never deleted) are SQL triggers (migration 0002); writes go through
services.py.

A line keeps its running totals (engaged, liquidated, ordered, paid, adjustments) as columns maintained by the
database's triggers in the transaction that writes each step: the execution report is one read of the lines, and
the credit check locks one row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Direction(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    SPENDING = "spending", _("Spending")


class Part(models.TextChoices):
    FONCTIONNEMENT = "fonctionnement", _("Operating (fonctionnement)")
    EQUIPEMENT = "equipement", _("Investment (équipement)")


class NomenclatureEntry(models.Model):
    """One line of the official nomenclature, as loaded from a versioned reference file (never edited here)."""

    version = models.CharField(max_length=20)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    part = models.CharField(max_length=16, choices=Part.choices)
    chapter = models.CharField(max_length=4)
    chapter_fr = models.CharField(max_length=200)
    chapter_ar = models.CharField(max_length=200)
    article = models.CharField(max_length=4)
    article_fr = models.CharField(max_length=200)
    article_ar = models.CharField(max_length=200)
    line = models.CharField(max_length=4)
    code_eco = models.CharField(max_length=10)
    label_fr = models.CharField(max_length=200)
    label_ar = models.CharField(max_length=200)

    class Meta:
        ordering = ["version", "direction", "part", "chapter", "article", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "direction", "part", "chapter", "article", "line"], name="budget_nomenclature_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.code} {self.label_fr}"

    @property
    def code(self) -> str:
        return f"{self.chapter}.{self.article}.{self.line}"


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("budget", "Draft")
    VOTED = "voted", _("Voted by the council")
    APPROVED = "approved", _("Approved by the authority")
    EXECUTING = "executing", _("Executing")
    CLOSED = "closed", pgettext_lazy("budget", "Closed")


# Allowed moves of a budget (the same pairs are in the SQL trigger, migration 0002; a test compares them).
BUDGET_TRANSITIONS: dict[str, tuple[str, ...]] = {
    BudgetStatus.DRAFT: (BudgetStatus.VOTED,),
    BudgetStatus.VOTED: (BudgetStatus.APPROVED,),
    BudgetStatus.APPROVED: (BudgetStatus.EXECUTING,),
    BudgetStatus.EXECUTING: (BudgetStatus.CLOSED,),
    BudgetStatus.CLOSED: (),
}
# States in which the voted credits are open (otherwise: provisional twelfths).
OPEN_STATUSES = (BudgetStatus.APPROVED, BudgetStatus.EXECUTING)


class Budget(models.Model):
    """The commune's budget of one exercice (calendar year), from its draft to its closing."""

    year = models.PositiveSmallIntegerField(unique=True)
    nomenclature_version = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT)
    council_session = models.CharField(max_length=200, blank=True)
    voted_on = models.DateField(null=True, blank=True)
    deliberation_number = models.CharField(max_length=50, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    approval_reference = models.CharField(max_length=100, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="budget_year_sane"),
            models.CheckConstraint(condition=Q(status__in=BudgetStatus.values), name="budget_status_known"),
            models.CheckConstraint(
                condition=Q(status=BudgetStatus.DRAFT)
                | (Q(voted_on__isnull=False) & ~Q(deliberation_number="") & ~Q(council_session="")),
                name="budget_vote_recorded",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[BudgetStatus.DRAFT, BudgetStatus.VOTED])
                | (Q(approved_on__isnull=False) & ~Q(approval_reference="")),
                name="budget_approval_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"Budget {self.year}"


class BudgetLine(models.Model):
    """A line of the budget: its forecast, and its running totals kept by the database (migration 0002)."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="lines")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    part = models.CharField(max_length=16, choices=Part.choices)
    chapter = models.CharField(max_length=4)
    chapter_fr = models.CharField(max_length=200)
    chapter_ar = models.CharField(max_length=200)
    article = models.CharField(max_length=4)
    line = models.CharField(max_length=4)
    code_eco = models.CharField(max_length=10)
    label_fr = models.CharField(max_length=200)
    label_ar = models.CharField(max_length=200)
    forecast_dh = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    adjustments_dh = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    engaged_dh = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    liquidated_dh = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    ordered_dh = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    paid_dh = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        ordering = ["budget", "direction", "part", "chapter", "article", "line"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "direction", "part", "chapter", "article", "line"], name="budget_line_unique"
            ),
            models.CheckConstraint(condition=Q(forecast_dh__gte=0), name="budget_line_forecast_nonnegative"),
            models.CheckConstraint(
                condition=Q(engaged_dh__gte=F("liquidated_dh"))
                & Q(liquidated_dh__gte=F("ordered_dh"))
                & Q(ordered_dh__gte=F("paid_dh"))
                & Q(paid_dh__gte=0),
                name="budget_line_chain_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label_fr}"

    @property
    def code(self) -> str:
        return f"{self.chapter}.{self.article}.{self.line}"

    @property
    def credit_dh(self) -> object:
        return self.forecast_dh + self.adjustments_dh


class MovementKind(models.TextChoices):
    AMENDMENT = "amendment", _("Amending budget")
    TRANSFER = "transfer", _("Transfer of credits (virement)")


class CreditMovement(models.Model):
    """A change of a line's credit after approval, with its decision. Append-only; a virement is two rows (one
    negative, one positive) sharing `group`."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=10, choices=MovementKind.choices)
    group = models.UUIDField()
    amount_dh = models.DecimalField(max_digits=16, decimal_places=2)
    decision_reference = models.CharField(max_length=100)
    decision_date = models.DateField()
    reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_dh=0), name="budget_movement_nonzero"),
            models.CheckConstraint(condition=~Q(decision_reference=""), name="budget_movement_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_dh} ({self.decision_reference})"


class EngagementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", pgettext_lazy("engagement", "Approved")
    REJECTED = "rejected", pgettext_lazy("engagement", "Rejected")


class Engagement(models.Model):
    """A commitment of spending on a line, numbered gapless per exercice when proposed; approved (the credit is
    taken, in SQL, or refused) or rejected by the ordonnateur, once."""

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="engagements")
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="engagements")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    beneficiary = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    amount_dh = models.DecimalField(max_digits=16, decimal_places=2)
    status = models.CharField(max_length=10, choices=EngagementStatus.choices, default=EngagementStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="budget_engagement_number_unique"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="budget_engagement_amount_positive"),
            models.CheckConstraint(condition=Q(number__gte=1), name="budget_engagement_number_positive"),
            models.CheckConstraint(condition=Q(status__in=EngagementStatus.values), name="budget_engagement_status"),
            models.CheckConstraint(
                condition=Q(status=EngagementStatus.PROPOSED)
                | (Q(decided_by__isnull=False) & Q(decided_on__isnull=False)),
                name="budget_engagement_decision_recorded",
            ),
        ]
        indexes = [models.Index(fields=["line", "status"], name="budget_engagement_line_status")]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"E-{self.year}/{self.number:06d}"


class Liquidation(models.Model):
    """The service done and its invoice, on an approved engagement (never more than it). Append-only."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="liquidations")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    amount_dh = models.DecimalField(max_digits=16, decimal_places=2)
    invoice_reference = models.CharField(max_length=100)
    service_done_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="budget_liquidation_number_unique"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="budget_liquidation_amount_positive"),
            models.CheckConstraint(condition=~Q(invoice_reference=""), name="budget_liquidation_invoice"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"L-{self.year}/{self.number:06d}"


class PaymentOrder(models.Model):
    """The ordonnancement: the ordonnateur's order to the Treasury to pay a liquidation. Append-only; the
    payment recorded from the Treasury's return is its own row."""

    liquidation = models.OneToOneField(Liquidation, on_delete=models.PROTECT, related_name="payment_order")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    amount_dh = models.DecimalField(max_digits=16, decimal_places=2)
    beneficiary = models.CharField(max_length=200)
    code = models.CharField(max_length=12, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="budget_order_number_unique"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="budget_order_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"OP-{self.year}/{self.number:06d}"


class Payment(models.Model):
    """A payment order paid, as the Treasury's return says (its reference and date). Append-only."""

    order = models.OneToOneField(PaymentOrder, on_delete=models.PROTECT, related_name="payment")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    amount_dh = models.DecimalField(max_digits=16, decimal_places=2)
    paid_on = models.DateField()
    treasury_reference = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="budget_payment_number_unique"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="budget_payment_amount_positive"),
            models.CheckConstraint(condition=~Q(treasury_reference=""), name="budget_payment_reference"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"P-{self.year}/{self.number:06d}"


class RevenueFold(models.Model):
    """Running totals of the régie's receipts per (exercice, budget line code), folded from the régie's quittances
    and cancellations up to the ids in RevenueMark: the execution report adds only what is newer, read live."""

    year = models.PositiveSmallIntegerField()
    budget_line = models.CharField(max_length=30)
    receipts = models.PositiveIntegerField(default=0)
    issued_dh = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    cancelled_count = models.PositiveIntegerField(default=0)
    cancelled_dh = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "budget_line"], name="budget_revenuefold_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.budget_line}: {self.issued_dh - self.cancelled_dh}"


class RevenueMark(models.Model):
    """One row: the last quittance and cancellation ids folded into RevenueFold, and when."""

    quittance_id = models.BigIntegerField(default=0)
    cancellation_id = models.BigIntegerField(default=0)
    folded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"folded through quittance {self.quittance_id}, cancellation {self.cancellation_id}"
