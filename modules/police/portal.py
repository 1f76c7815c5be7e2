"""What the police administrative offers the citizen portal (kernel.portal): the authorisations in force (read
through `selectors.register_in_force`) and the online request of a licence or an occupation of the public domain.
The domain note does not declare the register public by name, so neither the holder nor the establishment's
trade name is published (a sole trader's shop often bears their name): the reference, kind, activity, address,
surface and validity only. A request needs an establishment on file and a staff actor (`services.request_submit`),
so the online request is the letter routed to the service (no `forward`): the desk files it from there."""

from __future__ import annotations

from collections.abc import Iterable

from jamaa.platform.kernel import portal
from jamaa.platform.kernel.portal import Chart, Dataset, Field, RequestKind, Row

from . import selectors


def _in_force() -> Iterable[Row]:
    for r in selectors.register_in_force():
        yield {
            "reference": r.reference,
            "kind": r.kind,
            "activity": r.activity,
            "address": r.address,
            "surface_m2": r.surface_m2,
            "valid_from": r.valid_from,
            "valid_until": r.valid_until,
            "authorisations": 1,
        }


def register() -> None:
    portal.register_request_kind(
        RequestKind(
            code="police.authorisation",
            module="police",
            label_fr="Autorisation : activité, terrasse ou occupation du domaine public",
            label_ar="رخصة: نشاط أو مقهى أو احتلال الملك العمومي",
            deadline_days=30,
            questions=(
                Field(name="kind", type="string", title_fr="Nature (activité, terrasse, kiosque…)", title_ar="النوع"),
                Field(
                    name="establishment", type="string", title_fr="Établissement et activité", title_ar="المحل والنشاط"
                ),
                Field(name="address", type="string", title_fr="Adresse", title_ar="العنوان"),
                Field(
                    name="surface_m2", type="string", title_fr="Surface demandée (m²)", title_ar="المساحة المطلوبة (م²)"
                ),
                Field(name="period", type="string", title_fr="Période souhaitée", title_ar="المدة المطلوبة"),
            ),
            order=30,
        )
    )
    portal.register_dataset(
        Dataset(
            code="police.authorisations_in_force",
            module="police",
            theme="autorisations",
            title_fr="Autorisations administratives en vigueur",
            title_ar="الرخص الإدارية السارية",
            description_fr=(
                "Registre des autorisations en vigueur ce jour (activités économiques, occupation du domaine "
                "public, métiers réglementés) : nature, activité, adresse, surface, validité. Sans titulaire."
            ),
            description_ar=(
                "سجل الرخص السارية اليوم (الأنشطة الاقتصادية، احتلال الملك العمومي، المهن المنظمة): النوع والنشاط "
                "والعنوان والمساحة ومدة الصلاحية، دون ذكر المستفيد."
            ),
            fields=(
                Field(name="reference", type="string", title_fr="Numéro", title_ar="الرقم"),
                Field(name="kind", type="string", title_fr="Nature (economic, occupation, trade)", title_ar="النوع"),
                Field(name="activity", type="string", title_fr="Activité", title_ar="النشاط"),
                Field(name="address", type="string", title_fr="Adresse", title_ar="العنوان"),
                Field(name="surface_m2", type="number", title_fr="Surface (m²)", title_ar="المساحة (م²)"),
                Field(name="valid_from", type="date", title_fr="Valable du", title_ar="صالحة من"),
                Field(name="valid_until", type="date", title_fr="Valable jusqu'au", title_ar="صالحة إلى"),
                Field(name="authorisations", type="integer", title_fr="Nombre", title_ar="العدد"),
            ),
            rows=_in_force,
            chart=Chart(label="kind", value="authorisations"),
            keywords=("autorisations", "terrasses", "police administrative"),
        )
    )
