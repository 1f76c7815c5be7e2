"""Reads of the collectors' app."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet

from .models import Device, DeviceBlock, DeviceToken, RefusedPayment


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_token_resolve(*, token: str) -> DeviceToken | None:
    """The live token (token and device not revoked, collector active), with its device and collector."""
    found = (
        DeviceToken.objects.select_related("device__collector")
        .filter(key_hash=token_hash(token), revoked_at__isnull=True, device__revoked_at__isnull=True)
        .first()
    )
    if found is None or not found.device.collector.is_active:
        return None
    return found


def device_list(*, collector_id: int | None = None) -> QuerySet[Device]:
    qs = Device.objects.select_related("collector").order_by("-registered_at")
    if collector_id is not None:
        qs = qs.filter(collector_id=collector_id)
    return qs


def device_get(*, device_id: int) -> Device:
    """Raises Device.DoesNotExist (404 through the error handler)."""
    return Device.objects.select_related("collector").get(pk=device_id)


def device_blocks_open(*, device_id: int) -> list[DeviceBlock]:
    return list(DeviceBlock.objects.filter(device_id=device_id, closed_at__isnull=True).order_by("first_number"))


def refused_payments(*, collector_id: int | None = None, limit: int = 200) -> list[RefusedPayment]:
    qs = RefusedPayment.objects.select_related("batch__device").order_by("-refused_at")
    if collector_id is not None:
        qs = qs.filter(batch__device__collector_id=collector_id)
    return list(qs[:limit])
