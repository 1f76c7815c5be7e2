"""What the portal itself offers through kernel.portal: the public home, its own request kinds (complaint,
any other request), its open datasets (online requests per month, complaint outcomes: aggregates in SQL, counts
only) and its indicator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, Indicator, RequestKind

from .models import FINAL_STATUSES, OnlineRequest, RequestEvent, RequestStatus


def _requests_per_month() -> list[dict[str, portal.Value]]:
    """Online requests per kind, month and status (for the portal's own open dataset): counts only."""
    rows = (
        OnlineRequest.objects.values("kind", "mail_year", "status", "created_at__month")
        .annotate(n=Count("id"))
        .order_by("mail_year", "created_at__month", "kind", "status")
    )
    return [
        {
            "month": f"{r['mail_year']:04d}-{r['created_at__month']:02d}",
            "kind": r["kind"],
            "status": r["status"],
            "requests": r["n"],
        }
        for r in rows
    ]


# One aggregate query (no loop over complaints): per year, the complaints answered, refused, open and late, and
# the median days from filing to the last event of a closed one (its last change when it has none) — the element
# at n // 2 of the sorted delays, local dates (PostgreSQL arrays count from 1).
_COMPLAINTS_SQL = """
SELECT year,
       count(*) FILTER (WHERE final AND status <> %(rejected)s),
       count(*) FILTER (WHERE status = %(rejected)s),
       count(*) FILTER (WHERE NOT final AND deadline >= %(today)s),
       count(*) FILTER (WHERE NOT final AND deadline < %(today)s),
       (array_agg(days ORDER BY days) FILTER (WHERE final))[count(*) FILTER (WHERE final) / 2 + 1]
FROM (
    SELECT r.mail_year AS year, r.status, r.deadline, r.status = ANY(%(final)s) AS final,
           CASE WHEN r.status = ANY(%(final)s) THEN
               (COALESCE((SELECT max(e.at) FROM {event} e WHERE e.request_id = r.id), r.updated_at)
                   AT TIME ZONE %(tz)s)::date - (r.created_at AT TIME ZONE %(tz)s)::date
           END AS days
    FROM {request} r
    WHERE r.kind = %(kind)s
) complaints
GROUP BY year
ORDER BY year
"""


def _complaint_outcomes() -> list[dict[str, portal.Value]]:
    """Complaints per year and outcome (answered, refused, open, late), with the median days to an answer."""
    sql = _COMPLAINTS_SQL.format(request=OnlineRequest._meta.db_table, event=RequestEvent._meta.db_table)
    params: dict[str, Any] = {
        "rejected": RequestStatus.REJECTED.value,
        "final": [str(s) for s in FINAL_STATUSES],
        "today": timezone.localdate(),
        "tz": timezone.get_current_timezone_name(),
        "kind": "portail.complaint",
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        years = cursor.fetchall()
    rows: list[dict[str, portal.Value]] = []
    for year, answered, rejected, open_, late, median in years:
        counts = {"answered": answered, "rejected": rejected, "open": open_, "late": late}
        for outcome, complaints in counts.items():
            rows.append({"year": year, "outcome": outcome, "complaints": complaints, "median_days_to_answer": median})
    return rows


def _open_requests(today: dt.date) -> portal.IndicatorValue:
    open_qs = OnlineRequest.objects.exclude(status__in=FINAL_STATUSES)
    return portal.IndicatorValue(
        value=open_qs.count(), late=open_qs.filter(deadline__lt=today).count(), url="/portail/desk/"
    )


def register() -> None:
    portal.register_public_home(module="portail", path="/portail/")
    portal.register_request_kind(
        RequestKind(
            code="portail.complaint",
            module="portail",
            label_fr="Réclamation (chikaya)",
            label_ar="شكاية",
            deadline_days=60,  # décret 2-17-265: an answer within 60 days
            order=50,
        )
    )
    portal.register_request_kind(
        RequestKind(
            code="portail.other",
            module="portail",
            label_fr="Autre demande au président de la commune",
            label_ar="طلب آخر إلى رئيس الجماعة",
            deadline_days=30,
            order=90,
        )
    )
    portal.register_dataset(
        Dataset(
            code="portail.requests_per_month",
            module="portail",
            theme="services",
            title_fr="Demandes en ligne par mois, nature et état",
            title_ar="الطلبات عبر الإنترنت حسب الشهر والنوع والحالة",
            description_fr="Nombre de demandes faites sur le portail (aucune donnée personnelle).",
            description_ar="عدد الطلبات المقدمة عبر البوابة (دون أي معطيات شخصية).",
            fields=(
                Field(name="month", type="month", title_fr="Mois", title_ar="الشهر"),
                Field(name="kind", type="string", title_fr="Nature", title_ar="النوع"),
                Field(name="status", type="string", title_fr="État", title_ar="الحالة"),
                Field(name="requests", type="integer", title_fr="Demandes", title_ar="الطلبات"),
            ),
            rows=_requests_per_month,
            chart=Chart(label="month", value="requests", series="status"),
            keywords=("demandes", "e-services"),
        )
    )
    portal.register_dataset(
        Dataset(
            code="portail.complaint_outcomes",
            module="portail",
            theme="services",
            title_fr="Suite donnée aux réclamations",
            title_ar="مآل الشكايات",
            description_fr="Réclamations par année et issue (répondues, refusées, ouvertes, en retard), délai médian.",
            description_ar="الشكايات حسب السنة والمآل (مجاب عنها، مرفوضة، مفتوحة، متأخرة)، الأجل الوسيط.",
            fields=(
                Field(name="year", type="integer", title_fr="Année", title_ar="السنة"),
                Field(name="outcome", type="string", title_fr="Issue", title_ar="المآل"),
                Field(name="complaints", type="integer", title_fr="Réclamations", title_ar="الشكايات"),
                Field(
                    name="median_days_to_answer",
                    type="integer",
                    title_fr="Délai médian (jours)",
                    title_ar="الأجل الوسيط",
                ),
            ),
            rows=_complaint_outcomes,
            chart=Chart(label="outcome", value="complaints"),
            keywords=("réclamations", "chikaya"),
        )
    )
    portal.register_indicator(
        Indicator(
            code="portail.open_requests",
            module="portail",
            label_fr="Demandes en ligne ouvertes (dont en retard)",
            label_ar="الطلبات عبر الإنترنت المفتوحة (منها المتأخرة)",
            compute=_open_requests,
        )
    )
