"""The day: summary, close, versements."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from .common import StaffApi, SupervisorApi, _body, _query, _regie_id, _user, money
from .reference import RegieQuery
from .serializers import DaySummarySerializer, VersementDetailSerializer, VersementSerializer

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
        versement = services.day_close(actor=_user(request), agent=agent, **data)
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
            actor=_user(request),
            versement_id=versement_id,
            **_body(self.RegieVersementTreasuryReferenceInputSerializer, request),
        )
        return Response(VersementSerializer(versement).data)
