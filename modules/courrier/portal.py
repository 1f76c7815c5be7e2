"""What the bureau d'ordre offers the citizen portal (kernel.portal): mail processing delays per service and
year, and the late letters on the elected officials' dashboard. Counts and days only: no correspondent, no
subject."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, Indicator, IndicatorValue, Row

from .models import Category, Mail, Reply, Service, Status

_OPEN = (Status.TO_QUALIFY, Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.TO_SIGN)


# One aggregate query (no loop over letters): per year and service, the letters received, closed, open and late,
# and the median days from arrival (or registration) to closing — the element at n // 2 of the sorted delays, as
# before (PostgreSQL arrays count from 1). Services are grouped by their names, as the published rows show them.
_DELAYS_SQL = """
SELECT year, service_fr, service_ar, count(*), count(*) FILTER (WHERE closed), count(*) FILTER (WHERE NOT closed),
       count(*) FILTER (WHERE late),
       (array_agg(days ORDER BY days) FILTER (WHERE closed))[count(*) FILTER (WHERE closed) / 2 + 1]
FROM (
    SELECT m.year,
           COALESCE(s.name_fr, %(unqualified_fr)s) AS service_fr,
           CASE WHEN s.id IS NULL THEN %(unqualified_ar)s ELSE COALESCE(NULLIF(s.name_ar, ''), s.name_fr) END
               AS service_ar,
           (m.status = %(closed)s AND m.closing_date IS NOT NULL) AS closed,
           NOT (m.status = %(closed)s AND m.closing_date IS NOT NULL) AND m.reply = %(expected)s
               AND m.limit_date < %(today)s AS late,
           m.closing_date - COALESCE(m.arrival_date, (m.registered_at AT TIME ZONE %(tz)s)::date) AS days
    FROM {mail} m LEFT JOIN {service} s ON s.id = m.service_id
    WHERE m.category = %(incoming)s AND m.status <> %(deleted)s
) letters
GROUP BY year, service_fr, service_ar
"""


def _delays() -> Iterable[Row]:
    sql = _DELAYS_SQL.format(mail=Mail._meta.db_table, service=Service._meta.db_table)
    params: dict[str, Any] = {
        "unqualified_fr": "(à qualifier)",
        "unqualified_ar": "(في انتظار التوجيه)",
        "closed": Status.CLOSED.value,
        "deleted": Status.DELETED.value,
        "incoming": Category.INCOMING.value,
        "expected": Reply.EXPECTED.value,
        "today": timezone.localdate(),
        "tz": timezone.get_current_timezone_name(),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    for year, service_fr, service_ar, received, closed, open_, late, median in sorted(groups, key=lambda g: g[:3]):
        yield {
            "year": year,
            "service_fr": service_fr,
            "service_ar": service_ar,
            "received": received,
            "closed": closed,
            "open": open_,
            "late": late,
            "median_days_to_close": median,
        }


def _late(today: dt.date) -> IndicatorValue:
    qs = Mail.objects.filter(reply=Reply.EXPECTED, limit_date__lt=today, status__in=_OPEN)
    open_count = Mail.objects.filter(category=Category.INCOMING, status__in=_OPEN).count()
    return IndicatorValue(value=open_count, late=qs.count(), url="/courrier/late/")


def register() -> None:
    portal.register_dataset(
        Dataset(
            code="courrier.processing_delays",
            module="courrier",
            theme="services",
            title_fr="Délais de traitement du courrier par service",
            title_ar="آجال معالجة البريد حسب المصلحة",
            description_fr="Courrier arrivée par année et service : reçus, clos, ouverts, en retard, délai médian.",
            description_ar="البريد الوارد حسب السنة والمصلحة: المتوصل به، المغلق، المفتوح، المتأخر، الأجل الوسيط.",
            fields=(
                Field(name="year", type="integer", title_fr="Année", title_ar="السنة"),
                Field(name="service_fr", type="string", title_fr="Service", title_ar="المصلحة (فرنسية)"),
                Field(name="service_ar", type="string", title_fr="Service (arabe)", title_ar="المصلحة"),
                Field(name="received", type="integer", title_fr="Reçus", title_ar="المتوصل به"),
                Field(name="closed", type="integer", title_fr="Clos", title_ar="المغلق"),
                Field(name="open", type="integer", title_fr="Ouverts", title_ar="المفتوح"),
                Field(name="late", type="integer", title_fr="En retard", title_ar="المتأخر"),
                Field(
                    name="median_days_to_close",
                    type="integer",
                    title_fr="Délai médian (jours)",
                    title_ar="الأجل الوسيط",
                ),
            ),
            rows=_delays,
            chart=Chart(label="service_fr", value="median_days_to_close"),
            keywords=("courrier", "délais"),
        )
    )
    portal.register_indicator(
        Indicator(
            code="courrier.open_letters",
            module="courrier",
            label_fr="Courrier arrivée ouvert (dont en retard)",
            label_ar="البريد الوارد المفتوح (منه المتأخر)",
            compute=_late,
        )
    )
