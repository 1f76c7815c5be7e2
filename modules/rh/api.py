"""The API of human resources: one view per operation, input serializer → one service/selector → output. No ORM, no
try/except (the kernel's api_call and the project's exception handler give the {code, message, extra} shape)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.inputs import id_field
from jamaa.platform.kernel.api import ServiceApi, api_call, validated

from . import permissions, selectors, services
from .models import ActKind, LeaveKind, Position


class AgentRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    matricule = serializers.IntegerField()
    cin = serializers.CharField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()
    service = serializers.CharField()
    grade_code = serializers.CharField()
    grade_fr = serializers.CharField()
    grade_ar = serializers.CharField()
    echelle = serializers.IntegerField()
    echelon = serializers.IntegerField()
    position = serializers.CharField()
    since = serializers.DateField(allow_null=True)


class CareerRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    effective_date = serializers.DateField()
    grade_fr = serializers.CharField()
    grade_ar = serializers.CharField()
    echelle = serializers.IntegerField()
    echelon = serializers.IntegerField()
    position_label = serializers.CharField()
    service = serializers.CharField()
    act_id = serializers.IntegerField()
    act_reference = serializers.CharField()
    corrects_id = serializers.IntegerField(allow_null=True)


class ActRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    kind = serializers.CharField()
    agent_id = serializers.IntegerField()
    agent_fr = serializers.CharField()
    agent_ar = serializers.CharField()
    signed_on = serializers.DateField()
    effective_date = serializers.DateField()
    object_fr = serializers.CharField()
    object_ar = serializers.CharField()
    echelle = serializers.IntegerField(allow_null=True)
    echelon = serializers.IntegerField(allow_null=True)
    position = serializers.CharField()
    code = serializers.CharField()
    corrects_reference = serializers.CharField()


class LeaveRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    agent_id = serializers.IntegerField()
    agent_fr = serializers.CharField()
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    status = serializers.CharField()
    reason = serializers.CharField()
    decision_note = serializers.CharField()


class BalanceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField()
    entitled = serializers.IntegerField()
    used = serializers.IntegerField()
    remaining = serializers.IntegerField()


class AgentDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    agent = AgentRowSerializer()
    birth_date = serializers.DateField()
    birth_place = serializers.CharField()
    diplomas = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    recruited_on = serializers.DateField()
    career = CareerRowSerializer(many=True)
    acts = ActRowSerializer(many=True)
    balances = BalanceSerializer(many=True)
    leave = LeaveRowSerializer(many=True)


class RecruitedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    agent_id = serializers.IntegerField()
    act_id = serializers.IntegerField()
    act_reference = serializers.CharField()


class HolidaySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(allow_null=True)
    day = serializers.DateField()
    length = serializers.IntegerField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()
    hijri = serializers.CharField()
    religious = serializers.BooleanField()
    confirmed = serializers.BooleanField()


class HeadcountSerializer(serializers.Serializer):  # type: ignore[type-arg]
    echelle = serializers.IntegerField()
    echelon = serializers.IntegerField()
    headcount = serializers.IntegerField()
    monthly_gross_dh = serializers.DecimalField(max_digits=12, decimal_places=2)
    yearly_mass_dh = serializers.DecimalField(max_digits=16, decimal_places=2)


def _year(request: Request) -> int:
    value = request.query_params.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


class AgentListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(
        parameters=[
            OpenApiParameter("service", str, required=False),
            OpenApiParameter("grade", str, required=False),
            OpenApiParameter("q", str, required=False),
        ],
        responses=AgentRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        q = request.query_params
        return api_call(
            lambda: selectors.agent_list(
                viewer=request.user, service=q.get("service", ""), grade_code=q.get("grade", ""), text=q.get("q", "")
            ),
            output=AgentRowSerializer,
            many=True,
        )


class AgentRecruitApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        cin = serializers.CharField(max_length=12)
        first_name_fr = serializers.CharField(max_length=80)
        last_name_fr = serializers.CharField(max_length=80)
        first_name_ar = serializers.CharField(max_length=80)
        last_name_ar = serializers.CharField(max_length=80)
        birth_date = serializers.DateField()
        grade_code = serializers.CharField(max_length=40)
        recruited_on = serializers.DateField()
        echelon = serializers.IntegerField(min_value=1, max_value=11, default=1)
        birth_place = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        diplomas = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
        phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
        email = serializers.EmailField(required=False, default="", allow_blank=True)
        address = serializers.CharField(max_length=250, required=False, default="", allow_blank=True)
        service = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        user_id = id_field(required=False, allow_null=True, default=None)

    output, success_status = RecruitedSerializer, 201

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return services.agent_recruit(actor=request.user, data=services.AgentInput(**data))


class AgentDetailApi(ServiceApi):
    permission_classes = [IsAuthenticated]
    method, output = "get", AgentDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], agent_id: int) -> Any:
        return selectors.agent_get(viewer=request.user, agent_id=agent_id)


class ActIssueApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=[k for k in ActKind.values if k != ActKind.RECRUITMENT])
        effective_date = serializers.DateField()
        grade_code = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
        echelon = serializers.IntegerField(min_value=1, max_value=11, required=False, allow_null=True, default=None)
        position = serializers.ChoiceField(choices=Position.values, required=False, default="", allow_blank=True)
        service = serializers.CharField(max_length=120, required=False, allow_null=True, default=None)
        object_fr = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
        object_ar = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
        corrects_act_id = id_field(required=False, allow_null=True, default=None)

    output, success_status = ActRowSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], agent_id: int) -> selectors.ActRow:
        act = services.act_issue(actor=request.user, data=services.ActInput(agent_id=agent_id, **data))
        return selectors.act_get(viewer=request.user, act_id=act.pk)


class LeaveRequestApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=LeaveKind.values)
        start = serializers.DateField()
        end = serializers.DateField()
        reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: LeaveRowSerializer})
    def post(self, request: Request, agent_id: int) -> Response:
        def ask() -> selectors.LeaveRow:
            # the file first (404 for one the user may not see), then the body (400)
            selectors.agent_get(viewer=request.user, agent_id=agent_id)
            data = validated(self.InputSerializer, request.data)
            leave = services.leave_request(actor=request.user, agent_id=agent_id, **data)
            return selectors.leave_get(viewer=request.user, leave_id=leave.pk)

        return api_call(ask, output=LeaveRowSerializer, status=201)


class BalanceApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("year", int, required=False)], responses=BalanceSerializer)
    def get(self, request: Request, agent_id: int) -> Response:
        year = _year(request)
        return api_call(
            lambda: selectors.balance_get(viewer=request.user, agent_id=agent_id, year=year), output=BalanceSerializer
        )


class LeavePendingApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]
    method, output, many = "get", LeaveRowSerializer, True

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return selectors.leave_pending(viewer=request.user)


class LeaveDecideApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        approve = serializers.BooleanField()
        note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    output = LeaveRowSerializer

    def perform(self, request: Request, data: dict[str, Any], leave_id: int) -> selectors.LeaveRow:
        services.leave_decide(actor=request.user, leave_id=leave_id, **data)
        return selectors.leave_get(viewer=request.user, leave_id=leave_id)


class LeaveCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=LeaveRowSerializer)
    def post(self, request: Request, leave_id: int) -> Response:
        def cancel() -> selectors.LeaveRow:
            services.leave_cancel(actor=request.user, leave_id=leave_id)
            return selectors.leave_get(viewer=request.user, leave_id=leave_id)

        return api_call(cancel, output=LeaveRowSerializer)


class ActListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(parameters=[OpenApiParameter("year", int, required=False)], responses=ActRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        year = _year(request)
        return api_call(lambda: selectors.act_list(viewer=request.user, year=year), output=ActRowSerializer, many=True)


class HolidayListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(parameters=[OpenApiParameter("year", int, required=False)], responses=HolidaySerializer(many=True))
    def get(self, request: Request) -> Response:
        year = _year(request)
        return api_call(lambda: selectors.holiday_list(year=year), output=HolidaySerializer, many=True)


class HolidayConfirmApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        day = serializers.DateField()

    output, many = HolidaySerializer, True

    def perform(self, request: Request, data: dict[str, Any], holiday_id: int) -> Any:
        holiday = services.holiday_confirm(actor=request.user, holiday_id=holiday_id, day=data["day"])
        return selectors.holiday_list(year=holiday.year)


class HeadcountApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]
    method, output, many = "get", HeadcountSerializer, True

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return selectors.headcount_projection(viewer=request.user)
