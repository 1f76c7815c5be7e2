"""What the budget offers the citizen portal (kernel.portal): the execution of each voted budget per chapter —
credits, committed, paid (collected for revenue) — read through `selectors.execution_open_data`. Totals per
chapter only: no beneficiary, no engagement, no supplier ever leaves here."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, Row

from . import selectors
from .models import Budget, BudgetLine, BudgetStatus

_ZERO = Decimal("0")


def _per_chapter() -> Iterable[Row]:
    years = Budget.objects.exclude(status=BudgetStatus.DRAFT).order_by("year").values_list("year", flat=True)
    for year in years:
        # chapter names: one small read of the budget's own lines (the selector's rows carry the code only)
        names = {
            (direction, chapter): (fr, ar)
            for direction, chapter, fr, ar in BudgetLine.objects.filter(budget__year=year)
            .values_list("direction", "chapter", "chapter_fr", "chapter_ar")
            .distinct()
        }
        totals: dict[tuple[str, str, str], list[Decimal]] = {}
        for r in selectors.execution_open_data(year=year):
            chapter = r.code.split(".", 1)[0]
            t = totals.setdefault((r.direction, r.part, chapter), [_ZERO, _ZERO, _ZERO, _ZERO])
            t[0] += r.credit_dh
            t[1] += r.engaged_dh
            t[2] += r.paid_dh
            t[3] += r.collected_dh
        for (direction, part, chapter), (credit, engaged, paid, collected) in sorted(totals.items()):
            fr, ar = names.get((direction, chapter), ("", ""))
            yield {
                "year": year,
                "direction": direction,
                "part": part,
                "chapter": chapter,
                "chapter_fr": fr,
                "chapter_ar": ar,
                "credits_dh": credit,
                "committed_dh": engaged,
                "paid_dh": paid,
                "collected_dh": collected,
            }


def register() -> None:
    portal.register_dataset(
        Dataset(
            code="budget.execution_per_chapter",
            module="budget",
            theme="finances",
            title_fr="Exécution du budget par chapitre",
            title_ar="تنفيذ الميزانية حسب الفصل",
            description_fr=(
                "Par exercice voté, sens (recettes, dépenses), partie et chapitre : crédits ouverts, engagés, "
                "payés (dépenses) et encaissés (recettes), en dirhams. Un budget en projet n'est pas publié."
            ),
            description_ar=(
                "حسب السنة المالية المصوت عليها والاتجاه (مداخيل، نفقات) والجزء والفصل: الاعتمادات المفتوحة "
                "والملتزم بها والمؤداة (النفقات) والمحصلة (المداخيل)، بالدرهم. لا تنشر الميزانية في طور المشروع."
            ),
            fields=(
                Field(name="year", type="integer", title_fr="Exercice", title_ar="السنة المالية"),
                Field(name="direction", type="string", title_fr="Sens (revenue, spending)", title_ar="الاتجاه"),
                Field(name="part", type="string", title_fr="Partie", title_ar="الجزء"),
                Field(name="chapter", type="string", title_fr="Chapitre", title_ar="الفصل"),
                Field(name="chapter_fr", type="string", title_fr="Intitulé du chapitre", title_ar="اسم الفصل (فرنسية)"),
                Field(name="chapter_ar", type="string", title_fr="Intitulé (arabe)", title_ar="اسم الفصل"),
                Field(name="credits_dh", type="number", title_fr="Crédits (DH)", title_ar="الاعتمادات (درهم)"),
                Field(name="committed_dh", type="number", title_fr="Engagé (DH)", title_ar="الملتزم به (درهم)"),
                Field(name="paid_dh", type="number", title_fr="Payé (DH)", title_ar="المؤدى (درهم)"),
                Field(name="collected_dh", type="number", title_fr="Encaissé (DH)", title_ar="المحصل (درهم)"),
            ),
            rows=_per_chapter,
            chart=Chart(label="chapter", value="credits_dh", series="direction"),
            keywords=("budget", "exécution", "dépenses", "recettes"),
        )
    )
