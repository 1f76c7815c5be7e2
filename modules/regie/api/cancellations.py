"""Cancellations of a quittance: request, pending, decide."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from .common import StaffApi, SupervisorApi, _body, _query, _regie_id, _user
from .reference import RegieQuery
from .serializers import CancellationRequestSerializer
from .taxpayers import ReasonSerializer


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
