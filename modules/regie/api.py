"""The régie's API: reference, redevables, liquidations, quittances and their cancellation, ordres de recette,
bordereaux, the day's close and versements, the état des restes, the journal and the receipts export.

Thin: input serializer → one service or selector → output serializer. Errors go through the project's handler
({code, message, extra}); services re-check every permission. The régie is the commune's (regie_id optional).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.core import spreadsheet
from jamaa.platform.inputs import query_params

from . import exceptions, permissions, selectors, services
from .models import AssetKind, BaseKind, OrdreStatus, PaymentMethod, StaffRole


def money(**kwargs: Any) -> serializers.DecimalField:
    """An amount in dirhams (to the centime), rendered as a string."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _user(request: Request) -> Any:
    return request.user


def _regie_id(value: int | None) -> int:
    if value is not None:
        return selectors.regie_get(regie_id=value).pk
    regie = selectors.regie_default()
    if regie is None:
        raise exceptions.RegieNotFound()
    return regie.pk


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    return query_params(serializer_class, request.query_params)


def _body(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class StaffApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsRegieStaff]


class MaySupervise(BasePermission):
    """What the screens keep for the régisseur answers 403 NOT_A_REGISSEUR before its query is read, as the page
    does; the rule is the selectors' (selectors.may_supervise), which the read re-checks."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not selectors.may_supervise(viewer=request.user):
            raise exceptions.NotARegisseur()
        return True


class SupervisorApi(StaffApi):
    permission_classes = [IsAuthenticated, permissions.IsRegieStaff, MaySupervise]


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


# --- Reference and redevables -------------------------------------------------------------------------------


class RegieQuery(serializers.Serializer):  # type: ignore[type-arg]
    regie_id = serializers.IntegerField(required=False, default=None, allow_null=True)


class ReferenceApi(StaffApi):
    class Query(RegieQuery):
        on = serializers.DateField(required=False, default=None, allow_null=True)

    @extend_schema(parameters=[Query], responses=ReferenceSerializer, summary="Taxes with their tariffs in force")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        regie = selectors.regie_get(regie_id=_regie_id(q["regie_id"]))
        on = q["on"] or timezone.localdate()
        body = {
            "regie_id": regie.pk,
            "regie": regie.name_fr,
            "on": on,
            "taxes": selectors.taxes_in_force(on=on),
            "budget_lines": selectors.budget_lines(regie_id=regie.pk),
        }
        return Response(ReferenceSerializer(body).data)


class TextField(serializers.CharField):
    """Text only: a JSON number or boolean is refused (400), never turned into text — `1e999999` would otherwise
    become the identifier "INF"."""

    default_error_messages = {"not_text": "A text is expected (in quotes), not a number or a boolean."}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_text")
        return str(super().to_internal_value(data))


class RedevableListCreateApi(StaffApi):
    class Query(serializers.Serializer):  # type: ignore[type-arg]
        q = serializers.CharField(required=False, default="", allow_blank=True)
        limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)

    class RegieRedevableListCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        name = TextField(max_length=200)
        cin = TextField(max_length=20, required=False, default="", allow_blank=True)
        rc = TextField(max_length=30, required=False, default="", allow_blank=True)
        ice = TextField(max_length=20, required=False, default="", allow_blank=True)
        address = TextField(max_length=300, required=False, default="", allow_blank=True)

    @extend_schema(parameters=[Query], responses=RedevableSerializer(many=True), summary="Find redevables")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        return Response(RedevableSerializer(selectors.redevable_search(q=q["q"], limit=q["limit"]), many=True).data)

    @extend_schema(
        request=RegieRedevableListCreateInputSerializer,
        responses={201: RedevableSerializer},
        summary="Register a redevable",
    )
    def post(self, request: Request) -> Response:
        redevable = services.redevable_create(
            by=_user(request), **_body(self.RegieRedevableListCreateInputSerializer, request)
        )
        return Response(RedevableSerializer(redevable).data, status=status.HTTP_201_CREATED)


class RedevableDetailSerializer(RedevableSerializer):
    assets = AssetSerializer(many=True)


class RedevableReadApi(StaffApi):
    @extend_schema(responses=RedevableDetailSerializer, summary="A redevable with its biens and activités")
    def get(self, request: Request, redevable_id: int) -> Response:
        redevable = selectors.redevable_get(redevable_id=redevable_id)
        body = dict(RedevableSerializer(redevable).data)
        body["assets"] = AssetSerializer(selectors.assets_of(redevable_id=redevable.pk), many=True).data
        return Response(body)


class AssetCreateApi(StaffApi):
    class RegieAssetCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=AssetKind.choices)
        reference = serializers.CharField(max_length=60)
        label = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)  # type: ignore[assignment]
        address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
        surface_m2 = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, default=None, allow_null=True
        )
        category = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
        tax_id = serializers.IntegerField(required=False, default=None, allow_null=True)

    @extend_schema(
        request=RegieAssetCreateInputSerializer, responses={201: AssetSerializer}, summary="Add a bien or activité"
    )
    def post(self, request: Request, redevable_id: int) -> Response:
        asset = services.asset_create(
            by=_user(request), redevable_id=redevable_id, **_body(self.RegieAssetCreateInputSerializer, request)
        )
        return Response(AssetSerializer(asset).data, status=status.HTTP_201_CREATED)


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(allow_blank=True)


class AssetDeactivateApi(SupervisorApi):
    @extend_schema(
        request=ReasonSerializer,
        responses=AssetSerializer,
        summary="Take a bien or activité off (régisseur; kept, with the reason)",
    )
    def post(self, request: Request, asset_id: int) -> Response:
        asset = services.asset_deactivate(by=_user(request), asset_id=asset_id, **_body(ReasonSerializer, request))
        return Response(AssetSerializer(asset).data)


# --- The reference as the régisseur keeps it: the régie, budget lines, appointments, taxes, tariff versions -----
# Read by the régie's staff and by those who keep it (the commune's administrators too); every write is checked by
# its service (permissions.can_set_up → 403 NOT_ALLOWED_TO_SET_UP) and audited.


class MaySetUpWhenWriting(BasePermission):
    """A write to the reference answers 403 NOT_ALLOWED_TO_SET_UP before its body is read, as the setup page
    does (the services re-check with the same predicate)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in SAFE_METHODS and not permissions.can_set_up(request.user):
            raise exceptions.NotAllowedToSetUp()
        return True


class ReferenceKeeperApi(APIView):
    permission_classes = [IsAuthenticated, permissions.MaySeeReference, MaySetUpWhenWriting]


class RegieSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()
    arrete_number = serializers.CharField()
    arrete_date = serializers.DateField()
    cash_ceiling_dh = money()
    budget_lines = serializers.SerializerMethodField()

    def get_budget_lines(self, obj: Any) -> list[str]:
        return sorted(b.code for b in obj.budget_lines.all())


class BudgetLineDetailSerializer(BudgetLineSerializer):
    id = serializers.IntegerField()


class TariffSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    tax_id = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=12, decimal_places=4)
    valid_from = serializers.DateField()
    arrete_reference = serializers.CharField()


class TaxSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()
    base_kind = serializers.CharField()
    budget_line = serializers.CharField()
    in_force = serializers.SerializerMethodField(help_text="the version in force today (null when none yet)")
    versions = serializers.SerializerMethodField(help_text="every version, the latest date of effect first")

    def _versions(self, obj: Any) -> list[Any]:
        versions: dict[int, list[Any]] = self.context.get("versions") or {}
        if obj.pk in versions:
            return versions[obj.pk]
        return list(selectors.tariff_versions(tax_id=obj.pk))

    @extend_schema_field(TariffSerializer(allow_null=True))
    def get_in_force(self, obj: Any) -> dict[str, Any] | None:
        today = timezone.localdate()
        current = next((t for t in self._versions(obj) if t.valid_from <= today), None)
        return dict(TariffSerializer(current).data) if current is not None else None

    @extend_schema_field(TariffSerializer(many=True))
    def get_versions(self, obj: Any) -> list[dict[str, Any]]:
        return list(TariffSerializer(self._versions(obj), many=True).data)


class StaffSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    regie_id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    full_name = serializers.CharField(source="user.get_full_name")
    role = serializers.CharField()
    arrete_number = serializers.CharField()
    arrete_date = serializers.DateField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    in_force = serializers.SerializerMethodField()

    def get_in_force(self, obj: Any) -> bool:
        today = timezone.localdate()
        return bool(obj.valid_from <= today and (obj.valid_until is None or obj.valid_until >= today))


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    """A text the service checks (a blank one is refused there, with the field named)."""
    return serializers.CharField(max_length=max_length, allow_blank=True, **kwargs)


class RegieApi(ReferenceKeeperApi):
    class RegieUpdateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        name_fr = _text(200)
        name_ar = _text(200)
        arrete_number = _text(50)
        arrete_date = serializers.DateField(allow_null=True)
        cash_ceiling_dh = money(allow_null=True)
        budget_line_codes = serializers.ListField(child=serializers.CharField(max_length=30), allow_empty=True)

    @extend_schema(parameters=[RegieQuery], responses=RegieSerializer, summary="The régie and its arrêté")
    def get(self, request: Request) -> Response:
        q = _query(RegieQuery, request)
        return Response(RegieSerializer(selectors.regie_get(regie_id=_regie_id(q["regie_id"]))).data)

    @extend_schema(
        parameters=[RegieQuery],
        request=RegieUpdateInputSerializer,
        responses=RegieSerializer,
        summary="Record the régie's arrêté (names, number and date, cash ceiling, authorised budget lines)",
    )
    def put(self, request: Request) -> Response:
        q = _query(RegieQuery, request)
        regie = services.regie_update(
            by=_user(request), regie_id=_regie_id(q["regie_id"]), **_body(self.RegieUpdateInputSerializer, request)
        )
        return Response(RegieSerializer(selectors.regie_get(regie_id=regie.pk)).data)


class BudgetLineListCreateApi(ReferenceKeeperApi):
    class RegieBudgetLineCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        code = _text(30)
        label_fr = _text(200)
        label_ar = _text(200)

    @extend_schema(
        parameters=[RegieQuery],
        responses=BudgetLineDetailSerializer(many=True),
        summary="Budget lines (all, or those the régie's arrêté authorises with regie_id)",
    )
    def get(self, request: Request) -> Response:
        q = _query(RegieQuery, request)
        lines = selectors.budget_lines(regie_id=q["regie_id"])
        return Response(BudgetLineDetailSerializer(lines, many=True).data)

    @extend_schema(
        request=RegieBudgetLineCreateInputSerializer,
        responses={201: BudgetLineDetailSerializer},
        summary="Add a budget line",
    )
    def post(self, request: Request) -> Response:
        line = services.budget_line_create(
            by=_user(request), **_body(self.RegieBudgetLineCreateInputSerializer, request)
        )
        return Response(BudgetLineDetailSerializer(line).data, status=status.HTTP_201_CREATED)


class StaffListCreateApi(ReferenceKeeperApi):
    class Query(RegieQuery):
        current_on = serializers.DateField(
            required=False, default=None, allow_null=True, help_text="only the appointments in force that day"
        )

    class RegieStaffAppointInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        user_id = serializers.IntegerField()
        role = serializers.ChoiceField(choices=StaffRole.choices)
        arrete_number = _text(50)
        arrete_date = serializers.DateField(allow_null=True)
        valid_from = serializers.DateField(allow_null=True)
        valid_until = serializers.DateField(required=False, default=None, allow_null=True)

    @extend_schema(
        parameters=[Query], responses=StaffSerializer(many=True), summary="Appointments by arrêté, current and past"
    )
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        staff = selectors.staff_appointments(regie_id=_regie_id(q["regie_id"]), current_on=q["current_on"])
        return Response(StaffSerializer(staff, many=True).data)

    @extend_schema(
        parameters=[RegieQuery],
        request=RegieStaffAppointInputSerializer,
        responses={201: StaffSerializer},
        summary="Appoint a user by arrêté (gives the role's group while in force)",
    )
    def post(self, request: Request) -> Response:
        q = _query(RegieQuery, request)
        staff = services.staff_appoint(
            by=_user(request),
            regie_id=_regie_id(q["regie_id"]),
            **_body(self.RegieStaffAppointInputSerializer, request),
        )
        return Response(
            StaffSerializer(selectors.staff_appointment_get(staff_id=staff.pk)).data, status=status.HTTP_201_CREATED
        )


class StaffEndApi(ReferenceKeeperApi):
    class RegieStaffEndInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        valid_until = serializers.DateField(allow_null=True, help_text="the last day (today or earlier)")

    @extend_schema(
        request=RegieStaffEndInputSerializer,
        responses=StaffSerializer,
        summary="End an appointment (kept; the role's group is withdrawn)",
    )
    def post(self, request: Request, staff_id: int) -> Response:
        staff = services.staff_end(
            by=_user(request), staff_id=staff_id, **_body(self.RegieStaffEndInputSerializer, request)
        )
        return Response(StaffSerializer(selectors.staff_appointment_get(staff_id=staff.pk)).data)


class TaxListCreateApi(ReferenceKeeperApi):
    class RegieTaxCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        code = _text(30)
        name_fr = _text(200)
        name_ar = _text(200)
        base_kind = serializers.ChoiceField(choices=BaseKind.choices)
        budget_line = _text(30)

    @extend_schema(responses=TaxSerializer(many=True), summary="Taxes with every tariff version and the one in force")
    def get(self, request: Request) -> Response:
        context = {"versions": selectors.tariffs_by_tax()}
        return Response(TaxSerializer(selectors.taxes_list(), many=True, context=context).data)

    @extend_schema(request=RegieTaxCreateInputSerializer, responses={201: TaxSerializer}, summary="Add a tax")
    def post(self, request: Request) -> Response:
        tax = services.tax_create(by=_user(request), **_body(self.RegieTaxCreateInputSerializer, request))
        return Response(TaxSerializer(tax).data, status=status.HTTP_201_CREATED)


class TariffListCreateApi(ReferenceKeeperApi):
    class RegieTariffAddInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        rate = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
        valid_from = serializers.DateField(allow_null=True, help_text="date of effect (the arrêté fiscal's)")
        arrete_reference = _text(100, required=False, default="")

    @extend_schema(responses=TariffSerializer(many=True), summary="Every version of a tax's rate, latest first")
    def get(self, request: Request, tax_id: int) -> Response:
        tax = selectors.tax_get(tax_id=tax_id)
        return Response(TariffSerializer(selectors.tariff_versions(tax_id=tax.pk), many=True).data)

    @extend_schema(
        request=RegieTariffAddInputSerializer,
        responses={201: TariffSerializer},
        summary="Add a tariff version (never edits one; one per day of effect)",
    )
    def post(self, request: Request, tax_id: int) -> Response:
        tariff = services.tariff_add(
            by=_user(request), tax_id=tax_id, **_body(self.RegieTariffAddInputSerializer, request)
        )
        return Response(TariffSerializer(tariff).data, status=status.HTTP_201_CREATED)


# --- Liquidations -----------------------------------------------------------------------------------------


class LiquidationCreateApi(StaffApi):
    class RegieLiquidationCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        redevable_id = serializers.IntegerField()
        tax_id = serializers.IntegerField()
        asset_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        base = serializers.DecimalField(max_digits=14, decimal_places=2)
        period = serializers.CharField(max_length=30)
        on = serializers.DateField(required=False, default=None, allow_null=True, help_text="payment day (today)")
        declaration_due = serializers.DateField(required=False, default=None, allow_null=True)
        declared_on = serializers.DateField(required=False, default=None, allow_null=True)
        payment_due = serializers.DateField(required=False, default=None, allow_null=True)

    @extend_schema(
        request=RegieLiquidationCreateInputSerializer,
        responses={201: LiquidationSerializer},
        summary="Liquidate a declaration",
    )
    def post(self, request: Request) -> Response:
        data = _body(self.RegieLiquidationCreateInputSerializer, request)
        data["regie_id"] = _regie_id(data["regie_id"])
        data["on"] = data["on"] or timezone.localdate()
        liquidation = services.liquidation_create(by=_user(request), **data)
        return Response(LiquidationSerializer(liquidation).data, status=status.HTTP_201_CREATED)


class LiquidationReadApi(StaffApi):
    @extend_schema(responses=LiquidationSerializer, summary="A liquidation with every step of its computation")
    def get(self, request: Request, liquidation_id: int) -> Response:
        return Response(LiquidationSerializer(selectors.liquidation_get(liquidation_id=liquidation_id)).data)


IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A key of your own (1 to 100 visible characters) per payment: a retry with the same key returns "
    "the first quittance (same number, header Idempotent-Replayed: true), never a second one; the same key for "
    "another payment is refused (409 IDEMPOTENCY_KEY_REUSED).",
)


def _paid(request: Request, payment: services.Payment) -> Response:
    """The quittance a payment issued (201), or the one a retry with the same key finds (201, replayed)."""
    body = QuittanceSerializer(selectors.quittance_get(quittance_id=payment.quittance.pk, viewer=_user(request))).data
    response = Response(body, status=status.HTTP_201_CREATED)
    if payment.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


class LiquidationPayApi(StaffApi):
    class RegieLiquidationPayInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
        on = serializers.DateField(required=False, default=None, allow_null=True)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY_HEADER],
        request=RegieLiquidationPayInputSerializer,
        responses={201: QuittanceSerializer},
        summary="Pay a liquidation (issues the quittance)",
    )
    def post(self, request: Request, liquidation_id: int) -> Response:
        payment = services.liquidation_payment(
            agent=_user(request),
            idempotency_key=request.headers.get("Idempotency-Key"),
            liquidation_id=liquidation_id,
            **_body(self.RegieLiquidationPayInputSerializer, request),
        )
        return _paid(request, payment)


# --- Quittances and cancellations ---------------------------------------------------------------------------


class QuittanceListApi(StaffApi):
    class Query(RegieQuery):
        day = serializers.DateField(required=False, default=None, allow_null=True)
        agent_id = serializers.IntegerField(required=False, default=None, allow_null=True)

    class RegieCounterPaymentInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        redevable_id = serializers.IntegerField()
        tax_id = serializers.IntegerField()
        base = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="1 for a fixed fee")
        period = TextField(max_length=30)
        payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY_HEADER],
        request=RegieCounterPaymentInputSerializer,
        responses={201: QuittanceSerializer},
        summary="A payment at the counter (a fee or fixed tariff, today): issues the quittance",
    )
    def post(self, request: Request) -> Response:
        data = _body(self.RegieCounterPaymentInputSerializer, request)
        data["regie_id"] = _regie_id(data["regie_id"])
        payment = services.counter_payment(
            agent=_user(request),
            idempotency_key=request.headers.get("Idempotency-Key"),
            on=timezone.localdate(),
            **data,
        )
        return _paid(request, payment)

    @extend_schema(parameters=[Query], responses=QuittanceSerializer(many=True), summary="A day's quittances")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        quittances = selectors.quittances_for_day(
            regie_id=_regie_id(q["regie_id"]),
            day=q["day"] or timezone.localdate(),
            viewer=_user(request),
            agent_id=q["agent_id"],
        )
        return Response(QuittanceSerializer(quittances, many=True).data)


class QuittanceReadApi(StaffApi):
    @extend_schema(responses=QuittanceSerializer, summary="A quittance")
    def get(self, request: Request, quittance_id: int) -> Response:
        return Response(
            QuittanceSerializer(selectors.quittance_get(quittance_id=quittance_id, viewer=_user(request))).data
        )


class CancellationRequestApi(StaffApi):
    @extend_schema(
        request=ReasonSerializer,
        responses={201: CancellationRequestSerializer},
        summary="Ask a supervisor to cancel a quittance",
    )
    def post(self, request: Request, quittance_id: int) -> Response:
        created = services.cancellation_request(
            quittance_id=quittance_id, requested_by=_user(request), **_body(ReasonSerializer, request)
        )
        return Response(
            CancellationRequestSerializer(
                selectors.cancellation_request_get(request_id=created.pk, viewer=_user(request))
            ).data,
            status=status.HTTP_201_CREATED,
        )


class CancellationPendingApi(SupervisorApi):
    @extend_schema(
        parameters=[RegieQuery], responses=CancellationRequestSerializer(many=True), summary="Pending cancellations"
    )
    def get(self, request: Request) -> Response:
        q = _query(RegieQuery, request)
        pending = selectors.cancellations_pending(regie_id=_regie_id(q["regie_id"]), viewer=_user(request))
        return Response(CancellationRequestSerializer(pending, many=True).data)


class CancellationDecideApi(SupervisorApi):
    class RegieCancellationDecideInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        approve = serializers.BooleanField()
        note = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(
        request=RegieCancellationDecideInputSerializer,
        responses=CancellationRequestSerializer,
        summary="Approve or reject a cancellation",
    )
    def post(self, request: Request, request_id: int) -> Response:
        decided = services.cancellation_decide(
            request_id=request_id,
            decided_by=_user(request),
            **_body(self.RegieCancellationDecideInputSerializer, request),
        )
        return Response(
            CancellationRequestSerializer(
                selectors.cancellation_request_get(request_id=decided.pk, viewer=_user(request))
            ).data
        )


# --- Ordres de recette and bordereaux -----------------------------------------------------------------------


class ExerciceQuery(RegieQuery):
    exercice = serializers.IntegerField(required=False, default=None, allow_null=True, min_value=2000)


class OrdreListCreateApi(SupervisorApi):
    class Query(ExerciceQuery):
        status = serializers.ChoiceField(choices=OrdreStatus.choices, required=False, default=None, allow_null=True)

    class RegieOrdreLineInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        redevable_id = serializers.IntegerField()
        amount_dh = money(required=False, default=None, allow_null=True)
        liquidation_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        asset_id = serializers.IntegerField(required=False, default=None, allow_null=True)

    class RegieOrdreListCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        exercice = serializers.IntegerField(min_value=2000)
        tax_id = serializers.IntegerField()
        subject = serializers.CharField(max_length=300)
        period = serializers.CharField(max_length=30)
        lines = serializers.ListField(child=serializers.DictField(), min_length=1)

    @extend_schema(parameters=[Query], responses=OrdreSerializer(many=True), summary="Ordres de recette")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        ordres = selectors.ordres_list(
            regie_id=_regie_id(q["regie_id"]),
            exercice=q["exercice"] or timezone.localdate().year,
            viewer=_user(request),
            status=q["status"],
        )
        return Response(OrdreSerializer(ordres, many=True).data)

    @extend_schema(
        request=RegieOrdreListCreateInputSerializer,
        responses={201: OrdreDetailSerializer},
        summary="Issue an ordre de recette",
    )
    def post(self, request: Request) -> Response:
        data = _body(self.RegieOrdreListCreateInputSerializer, request)
        lines = self.RegieOrdreLineInputSerializer(data=data.pop("lines"), many=True)
        lines.is_valid(raise_exception=True)
        data["regie_id"] = _regie_id(data["regie_id"])
        ordre = services.ordre_issue(by=_user(request), lines=[dict(line) for line in lines.validated_data], **data)
        return Response(
            OrdreDetailSerializer(selectors.ordre_get(ordre_id=ordre.pk, viewer=_user(request))).data,
            status=status.HTTP_201_CREATED,
        )


class OrdreReadApi(SupervisorApi):
    @extend_schema(responses=OrdreDetailSerializer, summary="An ordre de recette with its lines and history")
    def get(self, request: Request, ordre_id: int) -> Response:
        return Response(OrdreDetailSerializer(selectors.ordre_get(ordre_id=ordre_id, viewer=_user(request))).data)


class OrdreTransitionApi(SupervisorApi):
    class RegieOrdreTransitionInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        to_status = serializers.ChoiceField(choices=OrdreStatus.choices)
        reason = serializers.CharField(required=False, default="", allow_blank=True)
        reference = serializers.CharField(required=False, default="", allow_blank=True, max_length=60)
        recovered_dh = money(required=False, default=None, allow_null=True)

    @extend_schema(
        request=RegieOrdreTransitionInputSerializer, responses=OrdreDetailSerializer, summary="Move an ordre de recette"
    )
    def post(self, request: Request, ordre_id: int) -> Response:
        ordre = services.ordre_transition(
            by=_user(request), ordre_id=ordre_id, **_body(self.RegieOrdreTransitionInputSerializer, request)
        )
        return Response(OrdreDetailSerializer(selectors.ordre_get(ordre_id=ordre.pk, viewer=_user(request))).data)


class BordereauListCreateApi(SupervisorApi):
    class RegieBordereauListCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        exercice = serializers.IntegerField(min_value=2000)
        ordre_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)

    @extend_schema(parameters=[ExerciceQuery], responses=BordereauSerializer(many=True), summary="Bordereaux")
    def get(self, request: Request) -> Response:
        q = _query(ExerciceQuery, request)
        bordereaux = selectors.bordereaux_list(
            regie_id=_regie_id(q["regie_id"]),
            exercice=q["exercice"] or timezone.localdate().year,
            viewer=_user(request),
        )
        return Response(BordereauSerializer(bordereaux, many=True).data)

    @extend_schema(
        request=RegieBordereauListCreateInputSerializer,
        responses={201: BordereauSerializer},
        summary="Group ordres into a bordereau",
    )
    def post(self, request: Request) -> Response:
        data = _body(self.RegieBordereauListCreateInputSerializer, request)
        data["regie_id"] = _regie_id(data["regie_id"])
        bordereau = services.bordereau_create(by=_user(request), **data)
        return Response(
            BordereauSerializer(selectors.bordereau_get(bordereau_id=bordereau.pk, viewer=_user(request))).data,
            status=status.HTTP_201_CREATED,
        )


class BordereauTakeInChargeApi(SupervisorApi):
    class RegieBordereauTakeInChargeInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reference = serializers.CharField(max_length=60)

    @extend_schema(
        request=RegieBordereauTakeInChargeInputSerializer,
        responses=BordereauSerializer,
        summary="Record the comptable's taking in charge",
    )
    def post(self, request: Request, bordereau_id: int) -> Response:
        bordereau = services.bordereau_take_in_charge(
            by=_user(request),
            bordereau_id=bordereau_id,
            **_body(self.RegieBordereauTakeInChargeInputSerializer, request),
        )
        return Response(
            BordereauSerializer(selectors.bordereau_get(bordereau_id=bordereau.pk, viewer=_user(request))).data
        )


# --- The day: summary, close, versements ----------------------------------------------------------------------


class DaySummaryApi(StaffApi):
    class Query(RegieQuery):
        day = serializers.DateField(required=False, default=None, allow_null=True)
        agent_id = serializers.IntegerField(required=False, default=None, allow_null=True)

    @extend_schema(parameters=[Query], responses=DaySummarySerializer, summary="A day's takings")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        summary = selectors.day_summary(
            regie_id=_regie_id(q["regie_id"]),
            day=q["day"] or timezone.localdate(),
            viewer=_user(request),
            agent_id=q["agent_id"],
        )
        return Response(DaySummarySerializer(summary).data)


class DayCloseApi(StaffApi):
    class RegieDayCloseInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        day = serializers.DateField()
        counted_dh = money()
        agent_id = serializers.IntegerField(
            required=False, default=None, allow_null=True, help_text="an agent's close; none: the régie's"
        )
        note = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(
        request=RegieDayCloseInputSerializer,
        responses={201: VersementDetailSerializer},
        summary="Close a day (the versement)",
    )
    def post(self, request: Request) -> Response:
        data = _body(self.RegieDayCloseInputSerializer, request)
        agent_id = data.pop("agent_id")
        agent = selectors.staff_user_get(user_id=agent_id) if agent_id is not None else None
        data["regie_id"] = _regie_id(data["regie_id"])
        versement = services.day_close(by=_user(request), agent=agent, **data)
        viewer = _user(request)
        return Response(
            VersementDetailSerializer(
                selectors.versement_get(versement_id=versement.pk, viewer=viewer), context={"viewer": viewer}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class VersementListApi(StaffApi):
    class Query(RegieQuery):
        start = serializers.DateField(required=False, default=None, allow_null=True)
        end = serializers.DateField(required=False, default=None, allow_null=True)

    @extend_schema(parameters=[Query], responses=VersementSerializer(many=True), summary="Versements")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        versements = selectors.versements_list(
            regie_id=_regie_id(q["regie_id"]), viewer=_user(request), start=q["start"], end=q["end"]
        )
        return Response(VersementSerializer(versements, many=True).data)


class VersementReadApi(StaffApi):
    @extend_schema(responses=VersementDetailSerializer, summary="A versement with its relevé nominatif")
    def get(self, request: Request, versement_id: int) -> Response:
        viewer = _user(request)
        versement = selectors.versement_get(versement_id=versement_id, viewer=viewer)
        return Response(VersementDetailSerializer(versement, context={"viewer": viewer}).data)


class VersementTreasuryReferenceApi(SupervisorApi):
    class RegieVersementTreasuryReferenceInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reference = serializers.CharField(max_length=60)

    @extend_schema(
        request=RegieVersementTreasuryReferenceInputSerializer,
        responses=VersementSerializer,
        summary="Record the trésorier's receipt reference",
    )
    def post(self, request: Request, versement_id: int) -> Response:
        versement = services.versement_set_treasury_reference(
            by=_user(request),
            versement_id=versement_id,
            **_body(self.RegieVersementTreasuryReferenceInputSerializer, request),
        )
        return Response(VersementSerializer(versement).data)


# --- Reports and the Treasury export -------------------------------------------------------------------------


class RestesApi(SupervisorApi):
    class Query(ExerciceQuery):
        as_of = serializers.DateField(required=False, default=None, allow_null=True)

    @extend_schema(parameters=[Query], responses=RestesSerializer, summary="État des restes à recouvrer")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        as_of = q["as_of"] or timezone.localdate()
        report = selectors.restes_a_recouvrer(
            regie_id=_regie_id(q["regie_id"]), exercice=q["exercice"] or as_of.year, as_of=as_of, viewer=_user(request)
        )
        return Response(RestesSerializer(report).data)


class PeriodQuery(RegieQuery):
    """A day (`day`), a month (`month`=YYYY-MM), a year (`year`), or any range (`start`, `end`)."""

    day = serializers.DateField(required=False, default=None, allow_null=True)
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, default=None, allow_null=True)
    year = serializers.IntegerField(required=False, default=None, allow_null=True, min_value=2000, max_value=2200)
    start = serializers.DateField(required=False, default=None, allow_null=True)
    end = serializers.DateField(required=False, default=None, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["day"]:
            attrs["start"] = attrs["end"] = attrs["day"]
        elif attrs["month"]:
            year, month = (int(p) for p in attrs["month"].split("-"))
            if not (2000 <= year <= 2200 and 1 <= month <= 12):  # the bounds of `year`
                raise serializers.ValidationError({"month": ["YYYY-MM, from 2000-01 to 2200-12."]})
            attrs["start"] = dt.date(year, month, 1)
            attrs["end"] = (attrs["start"] + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        elif attrs["year"]:
            attrs["start"], attrs["end"] = dt.date(attrs["year"], 1, 1), dt.date(attrs["year"], 12, 31)
        elif not attrs["start"] or not attrs["end"]:
            attrs["start"] = attrs["end"] = attrs["start"] or attrs["end"] or timezone.localdate()
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": ["On or after start."]})
        return attrs


class JournalApi(SupervisorApi):
    @extend_schema(parameters=[PeriodQuery], responses=JournalSerializer, summary="Journal per budget line")
    def get(self, request: Request) -> Response:
        q = _query(PeriodQuery, request)
        report = selectors.journal(
            regie_id=_regie_id(q["regie_id"]), start=q["start"], end=q["end"], viewer=_user(request)
        )
        return Response(JournalSerializer(report).data)


class ReceiptsCsvApi(SupervisorApi):
    """Receipts for the Treasury: UTF-8, `;`-separated, dot decimals, one row per quittance plus one negative
    row per cancellation (format in docs/modules/regie.md)."""

    class Query(PeriodQuery):
        budget_line = serializers.CharField(required=False, default=None, allow_null=True, allow_blank=True)

    @extend_schema(
        parameters=[Query],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="the receipts, CSV")},
        summary="Export the receipts (CSV for the Treasury)",
    )
    def get(self, request: Request) -> HttpResponse:
        q = _query(self.Query, request)
        out = io.StringIO()
        writer = spreadsheet.writer(out, delimiter=";", lineterminator="\r\n")  # no cell runs as a formula
        writer.writerows(
            selectors.receipts_csv(
                regie_id=_regie_id(q["regie_id"]),
                start=q["start"],
                end=q["end"],
                viewer=_user(request),
                budget_line=q["budget_line"] or None,
            )
        )
        response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="recettes-{q["start"]}-{q["end"]}.csv"'
        return response
