"""Quittances: list and read."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from ..models import PaymentMethod
from .common import StaffApi, _body, _query, _regie_id, _user
from .liquidations import IDEMPOTENCY_KEY_HEADER, _paid
from .reference import RegieQuery, TextField
from .serializers import QuittanceSerializer

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
            actor=_user(request),
            idempotency_key=request.headers.get("Idempotency-Key"),
            data=services.CounterPaymentInput(on=timezone.localdate(), **data),
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
