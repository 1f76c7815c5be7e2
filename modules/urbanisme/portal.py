"""What urbanisme offers the citizen portal (kernel.portal): the permits granted per month and kind, counts
only (no petitioner, no architect, no parcel), and the online deposit of a permit request. A deposit needs plans,
pieces and parcels checked at the desk and `services.dossier_deposit` registers its own letter with a staff
actor, so the online request is the letter routed to the service (no `forward`): the desk deposits the dossier
from it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, ExtractYear

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, RequestKind, Row

from .models import Dossier, Status

# A permit is granted once its decision is signed (then delivered; occupancy / conformity certified).
GRANTED = (Status.SIGNED, Status.DELIVERED, Status.CERTIFIED)


def _granted_per_month() -> Iterable[Row]:
    rows = (
        Dossier.objects.filter(status__in=GRANTED, decided_on__isnull=False)
        .annotate(y=ExtractYear("decided_on"), m=ExtractMonth("decided_on"))
        .values("y", "m", "kind")
        .annotate(n=Count("id"), area=Sum("built_area_m2"), units=Sum("housing_units"))
        .order_by("y", "m", "kind")
    )
    for r in rows:
        yield {
            "month": f"{r['y']:04d}-{r['m']:02d}",
            "kind": r["kind"],
            "permits": r["n"],
            "built_area_m2": r["area"],
            "housing_units": r["units"],
        }


def register() -> None:
    portal.register_request_kind(
        RequestKind(
            code="urbanisme.permit",
            module="urbanisme",
            label_fr="Dépôt d'une demande d'autorisation d'urbanisme (permis de construire…)",
            label_ar="إيداع طلب رخصة التعمير (رخصة البناء…)",
            deadline_days=30,
            questions=(
                Field(name="kind", type="string", title_fr="Nature (construire, lotir, habiter…)", title_ar="النوع"),
                Field(name="project", type="string", title_fr="Projet (usage, niveaux, surface)", title_ar="المشروع"),
                Field(name="title_number", type="string", title_fr="Titre foncier", title_ar="الرسم العقاري"),
                Field(name="address", type="string", title_fr="Adresse du terrain", title_ar="عنوان البقعة"),
                Field(name="architect", type="string", title_fr="Architecte", title_ar="المهندس المعماري"),
            ),
            order=20,
        )
    )
    portal.register_dataset(
        Dataset(
            code="urbanisme.permits_granted",
            module="urbanisme",
            theme="urbanisme",
            title_fr="Autorisations d'urbanisme accordées par mois",
            title_ar="رخص التعمير الممنوحة حسب الشهر",
            description_fr=(
                "Permis et autorisations dont la décision est signée, par mois de décision et nature : nombre, "
                "surface bâtie et logements (aucune donnée nominative)."
            ),
            description_ar=(
                "الرخص والأذونات الموقع قرارها، حسب شهر القرار والنوع: العدد والمساحة المبنية وعدد المساكن "
                "(دون أي معطيات شخصية)."
            ),
            fields=(
                Field(name="month", type="month", title_fr="Mois", title_ar="الشهر"),
                Field(name="kind", type="string", title_fr="Nature (construire, lotir…)", title_ar="النوع"),
                Field(name="permits", type="integer", title_fr="Autorisations", title_ar="الرخص"),
                Field(name="built_area_m2", type="number", title_fr="Surface bâtie (m²)", title_ar="المساحة (م²)"),
                Field(name="housing_units", type="integer", title_fr="Logements", title_ar="المساكن"),
            ),
            rows=_granted_per_month,
            chart=Chart(label="month", value="permits", series="kind"),
            keywords=("urbanisme", "permis de construire"),
        )
    )
