"""The parc's demo seeds a commune through the services, twice without doubling anything; the commune-aware beat
announces lapsing documents every morning in every active commune."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import demo, selectors, services, tasks
from jamaa.modules.parc.models import ExpiryNotice, MissionOrder, Vehicle, VoucherUse

from .factories import manager, vehicle

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once(fes) -> None:
    with schema_context("fes"):
        for username, first_name, password in demo.STAFF:
            get_user_model().objects.create_user(username=username, first_name=first_name, password=password)
        demo.seed()
        demo.seed()
        assert Vehicle.objects.count() == 3 and VoucherUse.objects.count() == 2 and MissionOrder.objects.count() == 1
        chef = get_user_model().objects.get(username="parc_chef")
        (segment,) = selectors.vehicle_anomalies(viewer=chef, vehicle_id=Vehicle.objects.get(plate="12345-J-1").pk)[0]
        assert segment.l_per_100km == Decimal("6.60")  # 33 L over 500 km


def test_the_beat_announces_lapsing_documents_in_every_commune(fes) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["parc-expiry"]
    assert entry["task"] == tasks.EXPIRY_TASK and entry["tenant_schemas"] is None
    with schema_context("fes"):
        m = manager("parc_beat")
        v = vehicle(m)
        today = timezone.localdate()
        services.document_add(
            actor=m,
            vehicle_id=v.pk,
            kind="inspection",
            valid_from=today - dt.timedelta(days=365),
            valid_until=today + dt.timedelta(days=5),
        )
        assert tasks.expiry_announce.apply().get() == 1
        assert ExpiryNotice.objects.get().days_before == 7
        assert [n.plate for n in selectors.expiry_notices(viewer=m)] == [v.plate]
