"""Output serializers of the régie's API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from .common import money

# --- Output serializers ------------------------------------------------------------------------------------


class BudgetLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label_fr = serializers.CharField()
    label_ar = serializers.CharField()


class TaxInForceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    tax_id = serializers.IntegerField()
    code = serializers.CharField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()
    base_kind = serializers.CharField()
    budget_line = serializers.CharField()
    rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    arrete_reference = serializers.CharField()


class ReferenceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    regie_id = serializers.IntegerField()
    regie = serializers.CharField()
    on = serializers.DateField()
    taxes = TaxInForceSerializer(many=True)
    budget_lines = BudgetLineSerializer(many=True)


class AssetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    reference = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    address = serializers.CharField()
    surface_m2 = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    category = serializers.CharField()
    tax = serializers.CharField(source="tax.code", allow_null=True, default=None)
    active = serializers.BooleanField()


class RedevableSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    cin = serializers.CharField()
    rc = serializers.CharField()
    ice = serializers.CharField()
    address = serializers.CharField()


class StepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    label = serializers.CharField()  # type: ignore[assignment]
    formula = serializers.CharField()
    amount = serializers.CharField()


class LiquidationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    regie_id = serializers.IntegerField()
    redevable_id = serializers.IntegerField()
    asset_id = serializers.IntegerField(allow_null=True)
    tax = serializers.CharField(source="tax.code")
    period = serializers.CharField()
    base = money()
    rate = serializers.DecimalField(max_digits=12, decimal_places=4)
    principal_dh = money()
    declaration_penalty_dh = money()
    payment_penalty_dh = money()
    total_dh = money()
    declaration_due = serializers.DateField(allow_null=True)
    declared_on = serializers.DateField(allow_null=True)
    payment_due = serializers.DateField(allow_null=True)
    computed_on = serializers.DateField()
    status = serializers.CharField()
    steps = StepSerializer(many=True)


class QuittanceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    exercice = serializers.IntegerField(source="series.exercice")
    series = serializers.CharField(source="series.series")
    number = serializers.IntegerField()
    day = serializers.DateField()
    redevable_id = serializers.IntegerField()
    payer_name = serializers.CharField()
    tax = serializers.CharField(source="tax.code")
    budget_line = serializers.CharField()
    period = serializers.CharField()
    base = money()
    rate = serializers.DecimalField(max_digits=12, decimal_places=4)
    penalties_dh = money()
    amount_dh = money()
    payment_method = serializers.CharField()
    agent_id = serializers.IntegerField()
    liquidation_id = serializers.IntegerField(allow_null=True)
    issued_at = serializers.DateTimeField()
    status = serializers.SerializerMethodField()

    def get_status(self, obj: Any) -> str:
        return "cancelled" if getattr(obj, "cancellation", None) is not None else "valid"


class CancellationRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    quittance_id = serializers.IntegerField()
    quittance_number = serializers.IntegerField(source="quittance.number")
    amount_dh = money(source="quittance.amount_dh")
    reason = serializers.CharField()
    requested_by = serializers.CharField(source="requested_by.username")
    requested_at = serializers.DateTimeField()
    status = serializers.CharField()
    decided_by_id = serializers.IntegerField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class OrdreLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    redevable_id = serializers.IntegerField()
    payer_name = serializers.CharField()
    asset_id = serializers.IntegerField(allow_null=True)
    liquidation_id = serializers.IntegerField(allow_null=True)
    amount_dh = money()


class OrdreEventSerializer(serializers.Serializer):  # type: ignore[type-arg]
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    by_id = serializers.IntegerField()
    at = serializers.DateTimeField()
    reason = serializers.CharField()
    reference = serializers.CharField()


class OrdreSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    regie_id = serializers.IntegerField()
    exercice = serializers.IntegerField()
    number = serializers.IntegerField()
    kind = serializers.CharField()
    tax = serializers.CharField(source="tax.code")
    budget_line = serializers.CharField()
    subject = serializers.CharField()
    period = serializers.CharField()
    amount_dh = money()
    recovered_dh = money()
    status = serializers.CharField()
    bordereau_id = serializers.IntegerField(allow_null=True)
    issued_at = serializers.DateTimeField()
    lines = OrdreLineSerializer(many=True, source="lines.all")


class OrdreDetailSerializer(OrdreSerializer):
    events = OrdreEventSerializer(many=True, source="events.all")


class BordereauSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    regie_id = serializers.IntegerField()
    exercice = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    total_dh = money()
    created_at = serializers.DateTimeField()
    taken_in_charge_at = serializers.DateTimeField(allow_null=True)
    comptable_reference = serializers.CharField()
    ordre_ids = serializers.SerializerMethodField()

    def get_ordre_ids(self, obj: Any) -> list[int]:
        return sorted(o.pk for o in obj.ordres.all())


class VersementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    regie_id = serializers.IntegerField()
    exercice = serializers.IntegerField()
    number = serializers.IntegerField()
    level = serializers.CharField()
    agent_id = serializers.IntegerField(allow_null=True)
    day = serializers.DateField()
    expected_dh = money()
    counted_dh = money()
    difference_dh = money()
    quittance_count = serializers.IntegerField()
    closed_by_id = serializers.IntegerField()
    closed_at = serializers.DateTimeField()
    treasury_reference = serializers.CharField()


class VersementItemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    quittance_id = serializers.IntegerField()
    series = serializers.CharField(source="quittance.series.series")
    number = serializers.IntegerField(source="quittance.number")
    payer_name = serializers.CharField(source="quittance.payer_name")
    budget_line = serializers.CharField(source="quittance.budget_line")
    amount_dh = money()


class VersementDetailSerializer(VersementSerializer):
    items = serializers.SerializerMethodField()

    @extend_schema_field(VersementItemSerializer(many=True))
    def get_items(self, obj: Any) -> list[dict[str, Any]]:
        items = selectors.versement_items(versement_id=obj.pk, viewer=self.context["viewer"])
        return list(VersementItemSerializer(items, many=True).data)


class BudgetLineTotalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    budget_line = serializers.CharField()
    label_fr = serializers.CharField()
    count = serializers.IntegerField()
    issued_dh = money()
    cancelled_count = serializers.IntegerField()
    cancelled_dh = money()
    net_dh = money()


class DaySummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    regie_id = serializers.IntegerField()
    day = serializers.DateField()
    agent_id = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField()
    cancelled_count = serializers.IntegerField()
    issued_dh = money()
    cancelled_dh = money()
    net_dh = money()
    expected_dh = money()
    pending_count = serializers.IntegerField()
    by_budget_line = BudgetLineTotalSerializer(many=True)
    by_payment_method = serializers.DictField(child=money())
    locked = serializers.BooleanField()
    versement_id = serializers.IntegerField(allow_null=True)
    cash_ceiling_dh = money()
    over_ceiling = serializers.BooleanField()


class ResteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    redevable_id = serializers.IntegerField()
    payer_name = serializers.CharField()
    identifier = serializers.CharField()
    budget_line = serializers.CharField()
    ordre_numbers = serializers.ListField(child=serializers.IntegerField())
    amount_dh = money()
    recovered_dh = money()
    remaining_dh = money()


class RestesSerializer(serializers.Serializer):  # type: ignore[type-arg]
    regie_id = serializers.IntegerField()
    exercice = serializers.IntegerField()
    as_of = serializers.DateField()
    rows = ResteSerializer(many=True)
    total_dh = money()
    remaining_dh = money()


class JournalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    regie_id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    rows = BudgetLineTotalSerializer(many=True)
    count = serializers.IntegerField()
    issued_dh = money()
    cancelled_dh = money()
    net_dh = money()
