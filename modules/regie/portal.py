"""What the régie offers the citizen portal (kernel.portal): revenue per tax and month, revenue against the ordres
de recette per budget line, the authorisations in force, and the month's revenue on the elected officials'
dashboard. Aggregates only: no payer's name, CIN, RC or ICE ever leaves here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, Indicator, IndicatorValue, Row

from .models import Asset, OrdreRecette, OrdreStatus, Quittance, Tax


def _revenue_per_tax_month() -> Iterable[Row]:
    names = {t.pk: t for t in Tax.objects.all()}
    rows = (
        Quittance.objects.filter(cancellation__isnull=True)
        .annotate(y=ExtractYear("day"), m=ExtractMonth("day"))
        .values("y", "m", "tax_id", "budget_line")
        .annotate(n=Count("id"), total=Sum("amount_dh"))
        .order_by("y", "m", "tax_id")
    )
    for r in rows:
        tax = names[r["tax_id"]]
        yield {
            "month": f"{r['y']:04d}-{r['m']:02d}",
            "tax_code": tax.code,
            "tax_fr": tax.name_fr,
            "tax_ar": tax.name_ar,
            "budget_line": r["budget_line"],
            "quittances": r["n"],
            "amount_dh": r["total"] or Decimal("0"),
        }


def _budget_lines() -> Iterable[Row]:
    collected = {
        (r["y"], r["budget_line"]): r["total"]
        for r in Quittance.objects.filter(cancellation__isnull=True)
        .annotate(y=ExtractYear("day"))
        .values("y", "budget_line")
        .annotate(total=Sum("amount_dh"))
    }
    ordered = {
        (r["exercice"], r["budget_line"]): (r["total"], r["recovered"])
        for r in OrdreRecette.objects.exclude(status=OrdreStatus.CANCELLED)
        .values("exercice", "budget_line")
        .annotate(total=Sum("amount_dh"), recovered=Sum("recovered_dh"))
    }
    for year, line in sorted(set(collected) | set(ordered)):
        total, recovered = ordered.get((year, line), (Decimal("0"), Decimal("0")))
        yield {
            "year": year,
            "budget_line": line,
            "collected_at_counter_dh": collected.get((year, line)) or Decimal("0"),
            "ordres_issued_dh": total or Decimal("0"),
            "ordres_recovered_dh": recovered or Decimal("0"),
        }


def _authorisations() -> Iterable[Row]:
    rows = (
        Asset.objects.filter(active=True)
        .values("kind", "tax__code")
        .annotate(n=Count("id"))
        .order_by("kind", "tax__code")
    )
    for r in rows:
        yield {"kind": r["kind"], "tax_code": r["tax__code"] or "", "in_force": r["n"]}


def _month_revenue(today: dt.date) -> IndicatorValue:
    total = Quittance.objects.filter(cancellation__isnull=True, day__year=today.year, day__month=today.month).aggregate(
        t=Sum("amount_dh")
    )["t"]
    return IndicatorValue(value=total or Decimal("0"), unit="DH", url="/regie/")


def register() -> None:
    portal.register_dataset(
        Dataset(
            code="regie.revenue_per_tax_month",
            module="regie",
            theme="finances",
            title_fr="Recettes encaissées par taxe et par mois",
            title_ar="المداخيل المحصلة حسب الرسم والشهر",
            description_fr="Quittances de la régie (annulées exclues), en dirhams, par mois et par taxe.",
            description_ar="وصولات الأداء (باستثناء الملغاة)، بالدرهم، حسب الشهر والرسم.",
            fields=(
                Field(name="month", type="month", title_fr="Mois", title_ar="الشهر"),
                Field(name="tax_code", type="string", title_fr="Code de la taxe", title_ar="رمز الرسم"),
                Field(name="tax_fr", type="string", title_fr="Taxe", title_ar="الرسم (فرنسية)"),
                Field(name="tax_ar", type="string", title_fr="Taxe (arabe)", title_ar="الرسم"),
                Field(name="budget_line", type="string", title_fr="Ligne budgétaire", title_ar="السطر في الميزانية"),
                Field(name="quittances", type="integer", title_fr="Quittances", title_ar="عدد الوصولات"),
                Field(name="amount_dh", type="number", title_fr="Montant (DH)", title_ar="المبلغ (درهم)"),
            ),
            rows=_revenue_per_tax_month,
            chart=Chart(label="month", value="amount_dh"),
            keywords=("recettes", "taxes", "régie"),
        )
    )
    portal.register_dataset(
        Dataset(
            code="regie.budget_execution",
            module="regie",
            theme="finances",
            title_fr="Exécution du budget des recettes par ligne",
            title_ar="تنفيذ ميزانية المداخيل حسب السطر",
            description_fr="Par exercice et ligne : encaissé au guichet, ordres de recette émis et recouvrés.",
            description_ar="حسب السنة المالية والسطر: المحصل في الشباك، أوامر المداخيل الصادرة والمستخلصة.",
            fields=(
                Field(name="year", type="integer", title_fr="Exercice", title_ar="السنة المالية"),
                Field(name="budget_line", type="string", title_fr="Ligne budgétaire", title_ar="السطر"),
                Field(
                    name="collected_at_counter_dh", type="number", title_fr="Encaissé (DH)", title_ar="المحصل (درهم)"
                ),
                Field(name="ordres_issued_dh", type="number", title_fr="Ordres émis (DH)", title_ar="الأوامر الصادرة"),
                Field(name="ordres_recovered_dh", type="number", title_fr="Ordres recouvrés (DH)", title_ar="المستخلص"),
            ),
            rows=_budget_lines,
            chart=Chart(label="budget_line", value="collected_at_counter_dh"),
            keywords=("budget", "recettes"),
        )
    )
    portal.register_dataset(
        Dataset(
            code="regie.authorisations_in_force",
            module="regie",
            theme="autorisations",
            title_fr="Autorisations et biens taxés en vigueur",
            title_ar="الرخص والممتلكات الخاضعة للرسوم السارية",
            description_fr="Biens et activités actifs (terrasses, parcelles, véhicules…) par nature et taxe.",
            description_ar="عدد الممتلكات والأنشطة النشطة (المقاهي، القطع، المركبات…) حسب النوع والرسم.",
            fields=(
                Field(name="kind", type="string", title_fr="Nature", title_ar="النوع"),
                Field(name="tax_code", type="string", title_fr="Taxe", title_ar="الرسم"),
                Field(name="in_force", type="integer", title_fr="En vigueur", title_ar="السارية"),
            ),
            rows=_authorisations,
            chart=Chart(label="kind", value="in_force"),
            keywords=("autorisations", "terrasses"),
        )
    )
    portal.register_indicator(
        Indicator(
            code="regie.month_revenue",
            module="regie",
            label_fr="Recettes du mois",
            label_ar="مداخيل الشهر",
            compute=_month_revenue,
        )
    )
