"""What the bureau d'ordre offers the citizen portal (kernel.portal): mail processing delays per service and
year, and the late letters on the elected officials' dashboard. Counts and days only: no correspondent, no
subject."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, Indicator, IndicatorValue, Row

from .models import Category, Mail, Reply, Status

_OPEN = (Status.TO_QUALIFY, Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.TO_SIGN)


def _delays() -> Iterable[Row]:
    today = timezone.localdate()
    groups: dict[tuple[int, str, str], dict[str, list[int]]] = {}
    mails = (
        Mail.objects.filter(category=Category.INCOMING)
        .exclude(status=Status.DELETED)
        .select_related("service")
        .only("year", "status", "arrival_date", "closing_date", "limit_date", "reply", "registered_at", "service")
    )
    for m in mails.iterator(chunk_size=2000):
        service_fr = m.service.name_fr if m.service else "(à qualifier)"
        service_ar = (m.service.name_ar or m.service.name_fr) if m.service else "(في انتظار التوجيه)"
        g = groups.setdefault((m.year, service_fr, service_ar), {"closed": [], "open": [], "late": []})
        start = m.arrival_date or timezone.localdate(m.registered_at)
        if m.status == Status.CLOSED and m.closing_date is not None:
            g["closed"].append((m.closing_date - start).days)
        else:
            g["open"].append(0)
            if m.reply == Reply.EXPECTED and m.limit_date is not None and m.limit_date < today:
                g["late"].append(0)
    for (year, service_fr, service_ar), g in sorted(groups.items()):
        closed = sorted(g["closed"])
        yield {
            "year": year,
            "service_fr": service_fr,
            "service_ar": service_ar,
            "received": len(closed) + len(g["open"]),
            "closed": len(closed),
            "open": len(g["open"]),
            "late": len(g["late"]),
            "median_days_to_close": closed[len(closed) // 2] if closed else None,
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
