"""The collectors' sync API, at /collecte/api/ on each commune's host (in the commune's OpenAPI schema).

A device registers once with its collector's password and gets a token (`Authorization: Device <token>`);
blocks, their signing keys and uploads go only over that channel. Thin: serializer → one service/selector.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.modules.regie import selectors_collecte as regie_reads
from jamaa.platform.inputs import MAX_INT, id_field, query_params
from jamaa.platform.security import AuthRateThrottle

from . import permissions, selectors, services, signing
from .authentication import DeviceTokenAuthentication
from .models import Device, DeviceBlock, DeviceToken

MAX_BATCH = 200
PAYMENT_METHODS = [("cash", "cash"), ("cheque", "cheque"), ("transfer", "transfer")]


def _device(request: Request) -> Device:
    token = request.auth
    assert isinstance(token, DeviceToken)  # IsDevice checked it
    return token.device


class CollecteApi(APIView):
    authentication_classes = [DeviceTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, permissions.IsCollector]


class DeviceApi(CollecteApi):
    permission_classes = [IsAuthenticated, permissions.IsDevice]


# --- devices -----------------------------------------------------------------------------------------------


class DeviceOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    collector = serializers.CharField(source="collector.username")
    registered_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    last_sync_at = serializers.DateTimeField(allow_null=True)


class DeviceRegisterApi(APIView):
    """Register this device with the collector's username and password; the token is returned once."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"})
        name = serializers.CharField(max_length=100)
        otp = serializers.CharField(
            required=False, default="", max_length=8, help_text="The authenticator's code, if the account has one."
        )

    class OutputSerializer(DeviceOutputSerializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, summary="Register a device")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device, token = services.device_register(
            **data.validated_data,
            user_agent=request.headers.get("User-Agent", ""),
            request=request._request,  # counted by the lockout (django-axes) like a login
        )
        body = dict(DeviceOutputSerializer(device).data) | {"token": token}
        return Response(body, status=status.HTTP_201_CREATED)


class DeviceListApi(CollecteApi):
    """The caller's devices; a régisseur sees every collector's."""

    @extend_schema(responses=DeviceOutputSerializer(many=True), summary="List devices")
    def get(self, request: Request) -> Response:
        user = request.user
        devices = selectors.device_list(collector_id=None if permissions.is_supervisor(user) else user.pk)
        return Response(DeviceOutputSerializer(devices, many=True).data)


class DeviceRevokeApi(CollecteApi):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reason = serializers.CharField(required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses=DeviceOutputSerializer, summary="Revoke a device")
    def post(self, request: Request, device_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        device = services.device_revoke(device_id=device_id, actor=request.user, **data.validated_data)
        return Response(DeviceOutputSerializer(device).data)


class SessionApi(DeviceApi):
    """Who this device is: the collector, the régies they collect for, the server's clock and day."""

    class RegieSerializer(serializers.Serializer):  # type: ignore[type-arg]
        id = serializers.IntegerField()
        name_fr = serializers.CharField()
        name_ar = serializers.CharField()

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        device = DeviceOutputSerializer()
        collector = serializers.CharField()
        collector_name = serializers.CharField()
        regies = serializers.ListField(child=serializers.DictField())
        commune = serializers.DictField()
        server_time = serializers.DateTimeField()
        today = serializers.DateField()

    @extend_schema(responses=OutputSerializer, summary="This device's collector and régies")
    def get(self, request: Request) -> Response:
        device = _device(request)
        today = timezone.localdate()
        commune = request._request.tenant  # type: ignore[attr-defined]
        regies = regie_reads.regies_for_collector(user_id=device.collector_id, on=today)
        return Response(
            {
                "device": DeviceOutputSerializer(device).data,
                "collector": device.collector.username,
                "collector_name": device.collector.get_full_name() or device.collector.username,
                "regies": self.RegieSerializer(regies, many=True).data,
                "commune": {"slug": commune.slug, "name_fr": commune.name_fr, "name_ar": commune.name_ar},
                "server_time": timezone.now(),
                "today": today,
            }
        )


# --- blocks ------------------------------------------------------------------------------------------------


class BlockOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    block_id = serializers.IntegerField()
    regie_id = serializers.IntegerField()
    exercice = serializers.IntegerField()
    series = serializers.CharField()
    first_number = serializers.IntegerField()
    last_number = serializers.IntegerField()
    closed_at = serializers.DateTimeField(allow_null=True)
    key = serializers.SerializerMethodField(help_text="HMAC key signing this block's receipts (hex)")

    def get_key(self, block: DeviceBlock) -> str:
        return signing.block_key(block_id=block.block_id)


class BlockListApi(DeviceApi):
    """The device's open blocks, with their signing keys."""

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField()
        exercice = serializers.IntegerField(min_value=2000, max_value=2200)
        size = serializers.IntegerField(min_value=1, max_value=1_000, default=services.DEFAULT_BLOCK_SIZE)

    @extend_schema(responses=BlockOutputSerializer(many=True), summary="This device's open blocks")
    def get(self, request: Request) -> Response:
        blocks = selectors.device_blocks_open(device_id=_device(request).pk)
        return Response(BlockOutputSerializer(blocks, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: BlockOutputSerializer}, summary="Draw a block")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        block = services.block_request(device_id=_device(request).pk, **data.validated_data)
        return Response(BlockOutputSerializer(block).data, status=status.HTTP_201_CREATED)


class BlockReturnApi(DeviceApi):
    @extend_schema(request=None, responses=BlockOutputSerializer, summary="Return (close) a block")
    def post(self, request: Request, block_id: int) -> Response:
        block = services.block_return(device_id=_device(request).pk, block_id=block_id)
        return Response(BlockOutputSerializer(block).data)


class GapsApi(CollecteApi):
    """The stub book's blocks with their gaps (unused numbers below the highest used one) and returned stubs:
    a collector sees their own, a régisseur everyone's."""

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        block_id = serializers.IntegerField()
        regie_id = serializers.IntegerField()
        exercice = serializers.IntegerField()
        series = serializers.CharField()
        collector_id = serializers.IntegerField()
        first_number = serializers.IntegerField()
        last_number = serializers.IntegerField()
        closed = serializers.BooleanField()
        used = serializers.IntegerField()
        highest_used = serializers.IntegerField(allow_null=True)
        gaps = serializers.ListField(child=serializers.IntegerField())
        returned = serializers.ListField(child=serializers.IntegerField(), allow_null=True)

    class Query(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        exercice = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=9999)

    @extend_schema(parameters=[Query], responses=OutputSerializer(many=True), summary="Blocks, gaps and returned stubs")
    def get(self, request: Request) -> Response:
        params = query_params(self.Query, request.query_params)
        collector_id = None if permissions.is_supervisor(request.user) else request.user.pk
        usage = regie_reads.block_usage(collector_id=collector_id, **params)
        return Response(self.OutputSerializer(usage, many=True).data)


# --- reference data ----------------------------------------------------------------------------------------


def _cursor_encode(cursor: regie_reads.ReferenceCursor) -> str:
    raw = {
        "r": cursor.redevable_id,
        "x": cursor.tax_id,
        "t": cursor.tariff_id,
        "a": cursor.asset_changed.isoformat() if cursor.asset_changed else None,
    }
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()


def _cursor_decode(value: str) -> regie_reads.ReferenceCursor:
    if not value:
        return regie_reads.ReferenceCursor()
    try:
        raw = json.loads(base64.urlsafe_b64decode(value.encode()))
        return regie_reads.ReferenceCursor(
            redevable_id=int(raw["r"]),
            tax_id=int(raw["x"]),
            tariff_id=int(raw["t"]),
            asset_changed=dt.datetime.fromisoformat(raw["a"]) if raw["a"] else None,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise serializers.ValidationError({"since": ["Not a cursor given by this API."]}) from exc


class ReferenceDownloadApi(CollecteApi):
    """Redevables, their assets, taxes and every tariff version, changed since the cursor of the last download
    (none: everything). Tariffs come with their dates of effect: the device picks the one in force that day."""

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        cursor = serializers.CharField()
        full = serializers.BooleanField()
        redevables = serializers.ListField(child=serializers.DictField())
        assets = serializers.ListField(child=serializers.DictField())
        taxes = serializers.ListField(child=serializers.DictField())
        tariffs = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        parameters=[OpenApiParameter("since", str, description="the cursor of the previous download")],
        responses=OutputSerializer,
        summary="Download reference data (incremental)",
    )
    def get(self, request: Request) -> Response:
        since = request.query_params.get("since", "")
        data = regie_reads.reference_since(since=_cursor_decode(since))
        return Response(
            {
                "cursor": _cursor_encode(data.cursor),
                "full": not since,
                "redevables": data.redevables,
                "assets": [a | {"surface_m2": _str(a["surface_m2"])} for a in data.assets],
                "taxes": data.taxes,
                "tariffs": [t | {"rate": _str(t["rate"])} for t in data.tariffs],
            }
        )


def _str(value: object) -> str | None:
    return None if value is None else str(value)


# --- payments ----------------------------------------------------------------------------------------------


class PaymentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    uuid = serializers.UUIDField(help_text="client-generated idempotency key")
    block_id = id_field()
    number = serializers.IntegerField(min_value=1, max_value=MAX_INT, help_text="the number used from the block")
    redevable_id = id_field()
    tax_id = id_field()
    base = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    period = serializers.CharField(max_length=30)
    payment_method = serializers.ChoiceField(choices=PAYMENT_METHODS, default="cash")
    collected_at = serializers.DateTimeField(help_text="when the payment was taken (the device's clock)")
    amount_dh = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="the amount on the receipt")


class ItemResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    uuid = serializers.CharField()
    status = serializers.ChoiceField(choices=["created", "duplicate", "refused"])
    quittance_id = serializers.IntegerField(allow_null=True)
    number = serializers.IntegerField(allow_null=True)
    series = serializers.CharField(allow_null=True)
    exercice = serializers.IntegerField(allow_null=True)
    amount_dh = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    code = serializers.CharField(allow_null=True)
    message = serializers.CharField(allow_null=True)
    extra = serializers.DictField()


class PaymentBatchApi(DeviceApi):
    """Upload payments taken offline. Always 200 when the batch itself is readable: each item says created,
    duplicate (the quittance already made for that UUID) or refused (code, message)."""

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        payments = serializers.ListField(child=serializers.DictField(), max_length=MAX_BATCH)

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        batch_id = serializers.IntegerField()
        created = serializers.IntegerField()
        duplicates = serializers.IntegerField()
        refused = serializers.IntegerField()
        results = ItemResultSerializer(many=True)

    class DocumentedInput(serializers.Serializer):  # type: ignore[type-arg]
        # What the body holds; items are read one by one (an unreadable one is refused alone).
        payments = PaymentSerializer(many=True, max_length=MAX_BATCH)  # type: ignore[call-arg]

    @extend_schema(request=DocumentedInput, responses=OutputSerializer, summary="Upload a batch of payments")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items: list[services.PaymentInput | services.InvalidItem] = []
        for raw in data.validated_data["payments"]:
            item = PaymentSerializer(data=raw)
            if item.is_valid():
                v = item.validated_data
                items.append(
                    services.PaymentInput(
                        client_uuid=v["uuid"],
                        block_id=v["block_id"],
                        number=v["number"],
                        redevable_id=v["redevable_id"],
                        tax_id=v["tax_id"],
                        base=v["base"],
                        period=v["period"],
                        payment_method=v["payment_method"],
                        collected_at=v["collected_at"],
                        amount_dh=v["amount_dh"],
                        raw=raw,
                    )
                )
            else:
                items.append(services.InvalidItem(str(raw.get("uuid", "")), dict(item.errors), raw))
        result = services.payments_upload(device_id=_device(request).pk, payments=items)
        return Response(self.OutputSerializer(result).data)


# --- close and cancellations -------------------------------------------------------------------------------


class DayCloseApi(DeviceApi):
    """Close the collector's day: the cash counted becomes the versement slip; the day is then locked for
    them (later uploads for it are refused with DAY_LOCKED); a difference is recorded as an incident."""

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField()
        day = serializers.DateField()
        counted_dh = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"))
        note = serializers.CharField(required=False, default="", allow_blank=True)

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        versement_id = serializers.IntegerField(source="pk")
        number = serializers.IntegerField()
        exercice = serializers.IntegerField()
        day = serializers.DateField()
        expected_dh = serializers.DecimalField(max_digits=14, decimal_places=2)
        counted_dh = serializers.DecimalField(max_digits=14, decimal_places=2)
        difference_dh = serializers.DecimalField(max_digits=14, decimal_places=2)
        quittance_count = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, summary="Close the day")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        versement = services.day_close(device_id=_device(request).pk, **data.validated_data)
        return Response(self.OutputSerializer(versement).data, status=status.HTTP_201_CREATED)


class CancellationRequestApi(CollecteApi):
    """Ask for one of one's quittances to be cancelled (by id or by the device's UUID), with a reason; the
    régisseur decides on the web."""

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        quittance_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        uuid = serializers.UUIDField(required=False, allow_null=True, default=None)
        reason = serializers.CharField()

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if attrs["quittance_id"] is None and attrs["uuid"] is None:
                raise serializers.ValidationError({"quittance_id": ["Give the quittance's id or its uuid."]})
            return attrs

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        id = serializers.IntegerField()
        quittance_id = serializers.IntegerField()
        status = serializers.CharField()
        reason = serializers.CharField()
        requested_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, summary="Request a cancellation")
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        made = services.cancellation_request(
            actor=request.user, reason=v["reason"], quittance_id=v["quittance_id"], client_uuid=v["uuid"]
        )
        return Response(self.OutputSerializer(made).data, status=status.HTTP_201_CREATED)
