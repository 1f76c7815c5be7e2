"""commune_daily (the beat's job, per commune): each quarter started gets its ordre de recette; a renewal due
within 30 days is announced once (and emailed to the holder); an authorisation past its end expires and is
announced; a second run the same day does nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.police import services
from jamaa.modules.police.models import Authorisation, Notice, RevenuePeriod
from jamaa.modules.regie.models import Asset, OrdreRecette

from ..factories import granted_terrace, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_quarters_renewals_and_expiry(fes, django_capture_on_commit_callbacks) -> None:
    with schema_context("fes"):
        people = staff("d1")
        authorisation = granted_terrace(people, cin="C610001")
        _, _, quarter_end = services.quarter_of(TODAY)
        next_quarter = quarter_end + dt.timedelta(days=1)
        # the next quarter starts: its ordre is issued, once
        run = services.commune_daily(on=next_quarter)
        again = services.commune_daily(on=next_quarter)
        periods = list(RevenuePeriod.objects.filter(authorisation=authorisation).order_by("start"))
        assert [p.start for p in periods] == [services.quarter_of(TODAY)[1], next_quarter]
        assert run.ordres == 1 and again.ordres == 0
        assert OrdreRecette.objects.get(pk=periods[1].regie_ordre_id).exercice == next_quarter.year
        # 20 days before the end: the renewal is announced to the holder, once
        with django_capture_on_commit_callbacks(execute=True):
            services.commune_daily(on=authorisation.valid_until - dt.timedelta(days=20))
        services.commune_daily(on=authorisation.valid_until - dt.timedelta(days=19))
        assert list(Notice.objects.filter(authorisation=authorisation).values_list("kind", flat=True)) == [
            "renewal_due"
        ]
        assert any(authorisation.reference in m.subject for m in mail.outbox)
        # past its end: expired, announced
        services.commune_daily(on=authorisation.valid_until + dt.timedelta(days=1))
        assert Authorisation.objects.get(pk=authorisation.pk).status == "expired"
        assert Asset.objects.get(pk=authorisation.regie_asset_id).active is False  # leaves the régie's audit list
        assert set(Notice.objects.filter(authorisation=authorisation).values_list("kind", flat=True)) == {
            "renewal_due",
            "expired",
        }


def test_the_beat_task_runs_the_communes_day(fes) -> None:
    from jamaa.modules.police import tasks

    with schema_context("fes"):
        assert set(tasks.commune_daily()) == {"expired", "ordres", "notices"}
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["police-daily"]["task"] == tasks.commune_daily.name
