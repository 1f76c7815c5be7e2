"""The reference: budget lines, the régie and its staff, taxes and their versioned tariffs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


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
