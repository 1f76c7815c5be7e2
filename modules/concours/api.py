"""The API of the recruitment exams: one view per operation, input serializer → one service/selector → output. No
ORM, no try/except (the kernel's api_call and the project's exception handler give the {code, message, extra}
shape)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.kernel.api import ServiceApi, api_call, validated

from . import permissions, selectors, services
from .models import Quota


class ConcoursRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title_fr = serializers.CharField()
    title_ar = serializers.CharField()
    grade_fr = serializers.CharField()
    grade_ar = serializers.CharField()
    echelle = serializers.IntegerField()
    posts = serializers.IntegerField()
    reserved_resistant = serializers.IntegerField()
    reserved_disabled = serializers.IntegerField()
    announced_on = serializers.DateField()
    applications_until = serializers.DateField()
    exam_date = serializers.DateField()
    age_min = serializers.IntegerField()
    age_max = serializers.IntegerField()
    documents_required = serializers.CharField()
    status = serializers.CharField()
    applications = serializers.IntegerField()


class CandidatureRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    cin = serializers.CharField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()
    quota = serializers.CharField()
    eligible = serializers.BooleanField(allow_null=True)
    reason = serializers.CharField()
    anonymous_code = serializers.CharField()
    centre = serializers.CharField()
    room = serializers.CharField()
    seat = serializers.IntegerField(allow_null=True)
    written = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    needs_third = serializers.BooleanField()
    oral = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    agent_id = serializers.IntegerField(allow_null=True)
    act_reference = serializers.CharField()


class ResultLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    candidature_id = serializers.IntegerField()
    number = serializers.IntegerField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()
    rank = serializers.IntegerField()
    seat_quota = serializers.CharField()
    written = serializers.DecimalField(max_digits=5, decimal_places=2)
    oral = serializers.DecimalField(max_digits=5, decimal_places=2)
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    appointed = serializers.BooleanField()


class ResultListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    valid_until = serializers.DateField()
    main = ResultLineSerializer(many=True)
    waiting = ResultLineSerializer(many=True)


class ConcoursDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    concours = ConcoursRowSerializer()
    candidatures = CandidatureRowSerializer(many=True)
    lists = ResultListSerializer(many=True)


class AppointmentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    candidature_id = serializers.IntegerField()
    agent_id = serializers.IntegerField()
    act_reference = serializers.CharField()


def _detail(request: Request, concours_id: int) -> selectors.ConcoursDetail:
    return selectors.concours_get(viewer=request.user, concours_id=concours_id)


class ConcoursListApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]
    method, output, many = "get", ConcoursRowSerializer, True

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return selectors.concours_list(viewer=request.user)


class ConcoursAnnouncedApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ConcoursRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        return api_call(selectors.concours_announced, output=ConcoursRowSerializer, many=True)


class ConcoursAnnounceApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        title_fr = serializers.CharField(max_length=200)
        title_ar = serializers.CharField(max_length=200)
        grade_code = serializers.CharField(max_length=40)
        posts = serializers.IntegerField(min_value=1, max_value=500)
        announced_on = serializers.DateField()
        applications_until = serializers.DateField()
        exam_date = serializers.DateField()
        service = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        quota_resistant_pct = serializers.IntegerField(min_value=0, max_value=100, default=25)
        quota_disabled_pct = serializers.IntegerField(min_value=0, max_value=100, default=7)
        age_min = serializers.IntegerField(min_value=18, max_value=45, default=18)
        age_max = serializers.IntegerField(min_value=18, max_value=45, default=40)
        documents_required = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    output, success_status = ConcoursDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any]) -> selectors.ConcoursDetail:
        made = services.concours_announce(actor=request.user, data=services.ConcoursInput(**data))
        return _detail(request, made.pk)


class ConcoursDetailApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]
    method, output = "get", ConcoursDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], concours_id: int) -> Any:
        return _detail(request, concours_id)


class ConcoursAdvanceApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    @extend_schema(request=None, responses=ConcoursDetailSerializer)
    def post(self, request: Request, concours_id: int) -> Response:
        def advance() -> selectors.ConcoursDetail:
            services.concours_advance(actor=request.user, concours_id=concours_id)
            return _detail(request, concours_id)

        return api_call(advance, output=ConcoursDetailSerializer)


class ApplicationRegisterApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        cin = serializers.CharField(max_length=12)
        first_name_fr = serializers.CharField(max_length=80)
        last_name_fr = serializers.CharField(max_length=80)
        first_name_ar = serializers.CharField(max_length=80)
        last_name_ar = serializers.CharField(max_length=80)
        birth_date = serializers.DateField()
        diploma = serializers.CharField(max_length=200)
        quota = serializers.ChoiceField(choices=Quota.values, default=Quota.GENERAL)
        email = serializers.EmailField(required=False, default="", allow_blank=True)
        phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)

    output, success_status = CandidatureRowSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], concours_id: int) -> Any:
        made = services.application_register(
            actor=request.user, concours_id=concours_id, data=services.ApplicationInput(**data)
        )
        return selectors.candidature_get(viewer=request.user, candidature_id=made.pk)[1]


class ApplicationScreenApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        eligible = serializers.BooleanField()
        reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    output = CandidatureRowSerializer

    def perform(self, request: Request, data: dict[str, Any], candidature_id: int) -> Any:
        services.application_screen(actor=request.user, candidature_id=candidature_id, **data)
        return selectors.candidature_get(viewer=request.user, candidature_id=candidature_id)[1]


class ConvocationsIssueApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        centre = serializers.CharField(max_length=200)
        room_size = serializers.IntegerField(min_value=1, max_value=500, default=20)

    output = ConcoursDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], concours_id: int) -> selectors.ConcoursDetail:
        services.convocations_issue(actor=request.user, concours_id=concours_id, **data)
        return _detail(request, concours_id)


class WrittenMarkApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        code = serializers.CharField(max_length=12)
        corrector = serializers.IntegerField(min_value=1, max_value=3)
        score = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=0, max_value=20)

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        code = serializers.CharField()
        corrector = serializers.IntegerField()
        score = serializers.DecimalField(max_digits=4, decimal_places=2)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request, concours_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)
        return api_call(
            lambda: services.written_mark_enter(actor=request.user, concours_id=concours_id, **data),
            output=lambda m: {"code": data["code"].upper(), "corrector": m.corrector, "score": str(m.score)},
            status=201,
        )


class OralMarkApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        score = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=0, max_value=20)

    output, success_status = CandidatureRowSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], candidature_id: int) -> Any:
        services.oral_mark_enter(actor=request.user, candidature_id=candidature_id, **data)
        return selectors.candidature_get(viewer=request.user, candidature_id=candidature_id)[1]


class ResultsPublishApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    @extend_schema(request=None, responses={201: ResultListSerializer})
    def post(self, request: Request, concours_id: int) -> Response:
        def publish() -> Any:
            services.results_publish(actor=request.user, concours_id=concours_id)
            return selectors.results_published(concours_id=concours_id)

        return api_call(publish, output=ResultListSerializer, status=201)


class AppointmentApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsManager]

    @extend_schema(request=None, responses={201: AppointmentSerializer})
    def post(self, request: Request, candidature_id: int) -> Response:
        return api_call(
            lambda: services.appointment_make(actor=request.user, candidature_id=candidature_id),
            output=lambda a: {
                "candidature_id": a.candidature_id,
                "agent_id": a.agent_id,
                "act_reference": a.act_reference,
            },
            status=201,
        )
