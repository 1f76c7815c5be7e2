"""What each finalised document prints, the stored PDF as issued, the public display register."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jamaa.platform.kernel import files

from .. import exceptions, permissions
from ..models import (
    KIND_LABELS,
    Consultation,
    Decision,
    DocumentKind,
    Dossier,
    IssuedDocument,
    Parcel,
    PieceReceipt,
    Sitting,
    SittingItem,
    Status,
)
from ..rules import requirements_in_force
from .desk import DossierRow, _require_reader, _rows


@dataclass(frozen=True)
class DocumentContent:
    """What a document prints (documents.render_document lays it out): a bilingual title, the number, the holder,
    rows (label fr, value, label ar), an optional table and bilingual paragraphs."""

    kind: str
    title_fr: str
    title_ar: str
    number: str
    holder: str
    rows: list[tuple[str, str, str]]
    table_head: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    paragraphs: list[tuple[str, str]] = field(default_factory=list)


def _dossier_rows(d: Dossier) -> list[tuple[str, str, str]]:
    parcels = list(Parcel.objects.filter(dossier=d))
    rows = [
        ("Dossier", d.reference, "الملف"),
        ("Nature", f"{KIND_LABELS[d.kind][1]} / {KIND_LABELS[d.kind][2]}", "النوع"),
        ("Pétitionnaire", d.petitioner_name, "صاحب الطلب"),
        ("CIN / ICE", d.petitioner_cin or d.petitioner_ice, "ب.ت.و / ت.م.م"),
        ("Objet", d.subject, "الموضوع"),
    ]
    if d.architect_name:
        rows.append(("Architecte", d.architect_name, "المهندس المعماري"))
    for p in parcels:
        rows.append(
            (
                "Parcelle",
                f"TF {p.title_number} — {p.area_m2} m² — {p.latitude}, {p.longitude} {p.address}".strip(),
                "القطعة",
            )
        )
    if d.built_area_m2:
        rows.append(("Surface bâtie", f"{d.built_area_m2} m² — {d.floors} niveau(x)", "المساحة المبنية"))
    return rows


def document_content(
    *, kind: str, dossier_id: int | None = None, consultation_id: int | None = None, sitting_id: int | None = None
) -> DocumentContent | None:
    """The content of a document to issue, or None when the dossier is not at the step that document needs (a
    permit before delivery, an arrêté before signing, minutes before the sitting is held)."""
    if kind == DocumentKind.RECEIPT:
        d = Dossier.objects.get(pk=dossier_id or 0)
        missing = [
            r
            for r in requirements_in_force(kind=d.kind, on=d.deposited_on)
            if not PieceReceipt.objects.filter(dossier=d, requirement__code=r.code).exists()
        ]
        rows = _dossier_rows(d) + [
            ("Déposé le", d.deposited_on.strftime("%d/%m/%Y"), "تاريخ الإيداع"),
            ("Bureau d'ordre", d.courrier_reference, "مكتب الضبط"),
            ("Délai légal", f"{d.delay_days} jours", "الأجل القانوني"),
            ("Code de suivi", d.code, "رمز التتبع"),
        ]
        table = [[r.label_fr, r.label_ar] for r in missing]
        return DocumentContent(
            kind=kind,
            title_fr="Récépissé de dépôt",
            title_ar="وصل الإيداع",
            number=d.reference,
            holder=d.petitioner_name,
            rows=rows,
            table_head=["Pièces manquantes", "الوثائق الناقصة"] if table else [],
            table=table,
        )
    if kind == DocumentKind.CONSULTATION:
        c = Consultation.objects.select_related("service", "dossier").get(pk=consultation_id or 0)
        rows = [("Destinataire", f"{c.service.name_fr} / {c.service.name_ar}", "إلى")] + _dossier_rows(c.dossier)
        rows += [
            ("Envoyé le", c.sent_on.strftime("%d/%m/%Y"), "تاريخ الإرسال"),
            ("Avis attendu avant le", c.deadline.strftime("%d/%m/%Y"), "الرأي قبل"),
        ]
        return DocumentContent(
            kind=kind,
            title_fr="Demande d'avis",
            title_ar="طلب إبداء الرأي",
            number=f"{c.dossier.reference}-C{c.pk}",
            holder=c.service.name_fr,
            rows=rows,
            paragraphs=[
                (
                    "Nous avons l'honneur de vous soumettre le dossier ci-dessus pour avis.",
                    "يشرفنا أن نعرض عليكم الملف أعلاه قصد إبداء الرأي.",
                )
            ],
        )
    if kind == DocumentKind.MINUTES:
        s = Sitting.objects.get(pk=sitting_id or 0)
        if s.status != "held":
            return None
        items = SittingItem.objects.filter(sitting=s).select_related("dossier").order_by("position")
        return DocumentContent(
            kind=kind,
            title_fr="Procès-verbal de la commission",
            title_ar="محضر اللجنة",
            number=s.reference,
            holder=s.place or "Commission",
            rows=[
                ("Séance du", s.day.strftime("%d/%m/%Y"), "جلسة"),
                ("Lieu", s.place, "المكان"),
                ("Membres présents", s.members_present.replace("\n", ", "), "الأعضاء الحاضرون"),
            ],
            table_head=["N°", "Dossier", "Pétitionnaire", "Avis"],
            table=[
                [
                    str(i.position),
                    i.dossier.reference,
                    i.dossier.petitioner_name,
                    {
                        "favourable": "Favorable / موافق",
                        "unfavourable": "Défavorable / غير موافق",
                        "adjourned": "Ajourné / مؤجل",
                    }.get(i.avis, i.avis)
                    + (f" — {i.avis_note}" if i.avis_note else ""),
                ]
                for i in items
            ],
            paragraphs=[(s.minutes_note, "")] if s.minutes_note else [],
        )
    d = Dossier.objects.get(pk=dossier_id or 0)
    decision = Decision.objects.filter(dossier=d).first()
    if kind == DocumentKind.ARRETE:
        if decision is None:
            return None
        outcome = ("accorde", "يمنح") if decision.granted else ("refuse", "يرفض")
        rows = [
            ("Arrêté n°", decision.reference, "قرار رقم"),
            *_dossier_rows(d),
            ("Signé le", decision.signed_on.strftime("%d/%m/%Y"), "وقع في"),
            ("Signataire", decision.signatory, "الموقع"),
        ]
        return DocumentContent(
            kind=kind,
            title_fr="Arrêté",
            title_ar="قرار",
            number=decision.reference,
            holder=d.petitioner_name,
            rows=rows,
            paragraphs=[
                (
                    f"Le Président du Conseil communal {outcome[0]} la demande ci-dessus (décret 2-13-424).",
                    f"رئيس المجلس الجماعي {outcome[1]} الطلب أعلاه (المرسوم 2.13.424).",
                ),
                *([(decision.conditions, "")] if decision.conditions else []),
            ],
        )
    if kind == DocumentKind.PERMIT:
        if decision is None or not decision.granted or d.status not in (Status.DELIVERED, Status.CERTIFIED):
            return None
        rows = [
            (KIND_LABELS[d.kind][1], d.reference, KIND_LABELS[d.kind][2]),
            *_dossier_rows(d),
            ("Arrêté", f"{decision.reference} du {decision.signed_on.strftime('%d/%m/%Y')}", "القرار"),
            ("Taxe (quittance)", f"{d.tax_dh} DH — {d.tax_quittance or '—'}", "الرسم (وصل الأداء)"),
            ("Délivré le", d.delivered_on.strftime("%d/%m/%Y") if d.delivered_on else "", "سلم في"),
        ]
        return DocumentContent(
            kind=kind,
            title_fr=KIND_LABELS[d.kind][1],
            title_ar=KIND_LABELS[d.kind][2],
            number=d.reference,
            holder=d.petitioner_name,
            rows=rows,
        )
    return None


@dataclass(frozen=True)
class StoredDocument:
    name: str
    content: bytes


def document_get(*, viewer: Any, document_id: int) -> StoredDocument:
    """The stored PDF of an issued document, as issued. Raises DocumentNotFound."""
    if not permissions.may_read(viewer):
        raise exceptions.DocumentNotFound()
    d = IssuedDocument.objects.filter(pk=document_id).first()
    if d is None:
        raise exceptions.DocumentNotFound()
    try:
        content = files.tenant_read(d.file)
    except (files.TenantFileError, FileNotFoundError):
        raise exceptions.DocumentNotFound() from None
    return StoredDocument(name=f"{d.kind}-{d.number.replace('/', '-')}-v{d.version}.pdf", content=content)


def display_register(*, viewer: Any, year: int) -> list[DossierRow]:
    """The public display register: permits granted (signed, delivered, certified) in the year, by decision."""
    _require_reader(viewer)
    qs = Dossier.objects.filter(decision__year=year, decision__granted=True).order_by("decision__number")
    return _rows(qs)
