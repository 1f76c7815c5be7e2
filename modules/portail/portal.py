"""What the portal itself offers through kernel.portal: the public home, its own request kinds (complaint,
any other request), its open datasets (online requests per month, complaint outcomes) and its indicator."""

from __future__ import annotations

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, Indicator, RequestKind

from . import selectors


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
            rows=selectors.requests_statistics,
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
            rows=selectors.complaint_outcomes,
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
            compute=selectors.indicator_requests,
        )
    )
