"""The reference as the staff reads it, and as the régisseur keeps it: the régie, budget lines, appointments, taxes,
tariff versions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import exceptions, permissions, selectors, services
from ..models import BaseKind, StaffRole
from .common import StaffApi, _body, _query, _regie_id, _user, money
from .serializers import BudgetLineSerializer, ReferenceSerializer

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
            actor=_user(request), regie_id=_regie_id(q["regie_id"]), **_body(self.RegieUpdateInputSerializer, request)
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
            actor=_user(request), **_body(self.RegieBudgetLineCreateInputSerializer, request)
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
            actor=_user(request),
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
            actor=_user(request), staff_id=staff_id, **_body(self.RegieStaffEndInputSerializer, request)
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
        tax = services.tax_create(actor=_user(request), **_body(self.RegieTaxCreateInputSerializer, request))
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
            actor=_user(request), tax_id=tax_id, **_body(self.RegieTariffAddInputSerializer, request)
        )
        return Response(TariffSerializer(tariff).data, status=status.HTTP_201_CREATED)
