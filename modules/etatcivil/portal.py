"""What état civil offers the citizen portal (kernel.portal): online requests of extracts and copies (issued by
an officer from the portal's desk through `services.document_issue`), acts signed per month (counts only), and
the drafts awaiting signature on the elected officials' dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count
from django.db.models.functions import ExtractMonth, ExtractYear

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, Indicator, IndicatorValue, RequestKind, Row

from .models import Act, ActStatus


def _acts_per_month() -> Iterable[Row]:
    rows = (
        Act.objects.filter(status=ActStatus.SIGNED, drawn_up_on__isnull=False)
        .annotate(y=ExtractYear("drawn_up_on"), m=ExtractMonth("drawn_up_on"))
        .values("y", "m", "kind")
        .annotate(n=Count("id"))
        .order_by("y", "m", "kind")
    )
    for r in rows:
        yield {"month": f"{r['y']:04d}-{r['m']:02d}", "kind": r["kind"], "acts": r["n"]}


def _drafts(today: dt.date) -> IndicatorValue:
    drafts = Act.objects.filter(status=ActStatus.DRAFT)
    return IndicatorValue(
        value=drafts.count(),
        late=drafts.filter(drafted_at__date__lt=today - dt.timedelta(days=3)).count(),
        url="/etatcivil/",
    )


def register() -> None:
    portal.register_request_kind(
        RequestKind(
            code="etatcivil.extract",
            module="etatcivil",
            label_fr="Extrait ou copie d'un acte d'état civil",
            label_ar="موجز أو نسخة من عقد الحالة المدنية",
            deadline_days=3,
            order=10,
        )
    )
    portal.register_dataset(
        Dataset(
            code="etatcivil.acts_per_month",
            module="etatcivil",
            theme="population",
            title_fr="Actes d'état civil dressés par mois",
            title_ar="عقود الحالة المدنية المحررة حسب الشهر",
            description_fr="Nombre d'actes de naissance et de décès signés, par mois (aucune donnée nominative).",
            description_ar="عدد عقود الولادة والوفاة الموقعة حسب الشهر (دون أي معطيات شخصية).",
            fields=(
                Field(name="month", type="month", title_fr="Mois", title_ar="الشهر"),
                Field(name="kind", type="string", title_fr="Nature (birth, death)", title_ar="النوع"),
                Field(name="acts", type="integer", title_fr="Actes", title_ar="العقود"),
            ),
            rows=_acts_per_month,
            chart=Chart(label="month", value="acts", series="kind"),
            keywords=("état civil", "naissances", "décès"),
        )
    )
    portal.register_indicator(
        Indicator(
            code="etatcivil.drafts",
            module="etatcivil",
            label_fr="Actes en attente de signature (dont > 3 jours)",
            label_ar="عقود في انتظار التوقيع (منها > 3 أيام)",
            compute=_drafts,
        )
    )
