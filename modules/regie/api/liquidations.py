"""Liquidations: create, read, pay (idempotent by key)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from ..models import PaymentMethod
from .common import StaffApi, _body, _regie_id, _user
from .serializers import LiquidationSerializer, QuittanceSerializer

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
        liquidation = services.liquidation_create(actor=_user(request), data=services.LiquidationInput(**data))
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
            actor=_user(request),
            idempotency_key=request.headers.get("Idempotency-Key"),
            liquidation_id=liquidation_id,
            **_body(self.RegieLiquidationPayInputSerializer, request),
        )
        return _paid(request, payment)
