"""The numbered stub book: series, collectors' blocks and quittances (never updated nor deleted)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .liquidations import Liquidation
from .reference import Regie, Tax
from .taxpayers import Redevable


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
