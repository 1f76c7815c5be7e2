"""Every read of the civil registry. No tenant filter anywhere: the commune's schema isolates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from .models import (
    Act,
    ActStatus,
    Bureau,
    IssuedDocument,
    MarginalNote,
    OfficerDelegation,
    OutboxItem,
    OutboxStatus,
    Register,
)

EXPORT_FORMAT = "jamaa-rnec-export/1"


def export_payload(*, act: Act, note: MarginalNote | None, event: str) -> dict[str, Any]:
    """The record sent to the national register for an act or a note (format in docs/modules/etatcivil.md)."""
    payload: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "event": event,
        "act": {
            "bureau": act.register.bureau.code,
            "kind": act.kind,
            "year": act.register.year,
            "number": act.number,
            "drawn_up_on": act.drawn_up_on.isoformat() if act.drawn_up_on else None,
            "event_date": act.event_date.isoformat() if act.event_date else None,
            "sex": act.sex,
            "given_name_ar": act.given_name_ar,
            "family_name_ar": act.family_name_ar,
            "given_name_fr": act.given_name_fr,
            "family_name_fr": act.family_name_fr,
            "father_name_ar": act.father_name_ar,
            "mother_name_ar": act.mother_name_ar,
            "place_ar": act.place_ar,
            "legacy_id": act.legacy_id,
        },
    }
    if note is not None:
        payload["note"] = {
            "kind": note.kind,
            "text_ar": note.text_ar,
            "text_fr": note.text_fr,
            "authority": note.authority,
            "document_number": note.document_number,
            "document_date": note.document_date.isoformat() if note.document_date else None,
            "noted_on": note.noted_on.isoformat(),
        }
    return payload


def act_get(*, act_id: int) -> Act:
    """An act with its register and bureau. Raises Act.DoesNotExist."""
    return Act.objects.select_related("register__bureau", "signed_by", "drafted_by").get(pk=act_id)


def act_find(*, kind: str, year: int, number: int, bureau_code: str | None = None) -> list[Act]:
    """Exact lookup by (kind, year, number), optionally in one bureau."""
    qs = Act.objects.select_related("register__bureau").filter(
        kind=kind, register__year=year, number=number, status=ActStatus.SIGNED
    )
    if bureau_code:
        qs = qs.filter(register__bureau__code=bureau_code)
    return list(qs)


def act_notes(*, act_id: int) -> list[MarginalNote]:
    return list(MarginalNote.objects.filter(act_id=act_id).select_related("officer").order_by("noted_on", "id"))


def drafts_list(*, limit: int = 100) -> QuerySet[Act]:
    """Drafts waiting for an officer's signature, oldest first."""
    return Act.objects.filter(status=ActStatus.DRAFT).select_related("register__bureau").order_by("drafted_at")[:limit]


def register_list() -> QuerySet[Register]:
    return Register.objects.select_related("bureau").annotate(
        signed=Count("acts", filter=Q(acts__status=ActStatus.SIGNED)),
        drafts=Count("acts", filter=Q(acts__status=ActStatus.DRAFT)),
    )


def register_acts(*, register_id: int) -> QuerySet[Act]:
    return Act.objects.filter(register_id=register_id, status=ActStatus.SIGNED).order_by("number")


@dataclass(frozen=True)
class Statistics:
    acts_by_year_kind: list[tuple[int, str, int]]
    acts_by_month: list[tuple[int, int]]  # current year: (month, count)
    documents_by_kind: list[tuple[str, int, str]]  # kind, count, fees


def statistics(*, year: int) -> Statistics:
    """Acts per year and kind, per month of `year`; documents issued and fees collected in `year`."""
    by_year = (
        Act.objects.filter(status=ActStatus.SIGNED)
        .values_list("register__year", "kind")
        .annotate(n=Count("id"))
        .order_by("-register__year", "kind")
    )
    by_month = (
        Act.objects.filter(status=ActStatus.SIGNED, register__year=year, drawn_up_on__isnull=False)
        .annotate(month=ExtractMonth("drawn_up_on"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    docs = (
        IssuedDocument.objects.filter(issued_at__year=year)
        .values_list("kind")
        .annotate(n=Count("id"), fees=Sum("fee_dh"))
        .order_by("kind")
    )
    return Statistics(
        acts_by_year_kind=[(int(y), str(k), int(n)) for y, k, n in by_year],
        acts_by_month=[(int(m), int(n)) for m, n in by_month],
        documents_by_kind=[(str(k), int(n), str(f or 0)) for k, n, f in docs],
    )


def outbox_pending(*, limit: int = 500) -> list[OutboxItem]:
    return list(
        OutboxItem.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]).order_by("created_at", "id")[
            :limit
        ]
    )


def _display_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def document_render(*, document_id: int, base_url: str) -> bytes:
    """The PDF of an issued document, from the act as it stands with every note. Raises
    IssuedDocument.DoesNotExist, documents.DocumentKindError."""
    from django.db import connection

    from . import documents

    document = IssuedDocument.objects.select_related("act__register__bureau", "act__signed_by", "officer").get(
        pk=document_id
    )
    act = document.act
    tenant = getattr(connection, "tenant", None)
    header = documents.CommuneHeader(
        name_fr=getattr(tenant, "name_fr", ""),
        name_ar=getattr(tenant, "name_ar", ""),
        province_fr=getattr(tenant, "province", ""),
        province_ar=getattr(tenant, "province_ar", ""),
        region_fr=getattr(tenant, "region", ""),
        region_ar=getattr(tenant, "region_ar", ""),
        bureau_fr=act.register.bureau.name_fr,
        bureau_ar=act.register.bureau.name_ar,
    )
    notes = tuple(
        documents.NoteData(
            kind=n.kind,
            text_ar=n.text_ar,
            text_fr=n.text_fr,
            authority=n.authority,
            document_number=n.document_number,
            document_date=n.document_date,
            noted_on=n.noted_on,
        )
        for n in act_notes(act_id=act.pk)
    )
    data = documents.ActData(
        kind=act.kind,  # type: ignore[arg-type]
        number=act.number or 0,
        year=act.register.year,
        bureau_code=act.register.bureau.code,
        drawn_up_on=act.drawn_up_on,
        event_date=act.event_date,
        event_time=act.event_time,
        place_ar=act.place_ar,
        place_fr=act.place_fr,
        sex=act.sex,  # type: ignore[arg-type]
        given_name_ar=act.given_name_ar,
        family_name_ar=act.family_name_ar,
        given_name_fr=act.given_name_fr,
        family_name_fr=act.family_name_fr,
        father_name_ar=act.father_name_ar,
        father_name_fr=act.father_name_fr,
        mother_name_ar=act.mother_name_ar,
        mother_name_fr=act.mother_name_fr,
        father_birth=act.father_birth,
        mother_birth=act.mother_birth,
        father_profession=act.father_profession,
        mother_profession=act.mother_profession,
        father_nationality=act.father_nationality,
        mother_nationality=act.mother_nationality,
        parents_address=act.parents_address,
        grandfathers=act.grandfathers,
        declarant_name=act.declarant_name,
        declarant_age=act.declarant_age,
        declarant_profession=act.declarant_profession,
        declarant_address=act.declarant_address,
        declarant_relationship=act.declarant_relationship,
        declaration_type=act.declaration_type,  # type: ignore[arg-type]
        judgment_court=act.judgment_court,
        judgment_number=act.judgment_number,
        judgment_date=act.judgment_date,
        signed_at=act.signed_at,
        officer_name=_display_name(act.signed_by),
        event_hijri=act.event_date_hijri,
        drawn_up_hijri=act.drawn_up_hijri,
        notes=notes,
    )
    request = documents.DocumentRequest(
        kind=document.kind,  # type: ignore[arg-type]
        verification_code=document.verification_code,
        verify_url=f"{base_url.rstrip('/')}/etatcivil/verify/{document.verification_code}/",
        issued_at=document.issued_at,
        officer_name=_display_name(document.officer),
        requester_name=document.requester_name,
        requester_capacity=document.requester_capacity,
    )
    return documents.render_document(header=header, act=data, request=request)


# ------------------------------------------------------------------------------- for the pages (views.py)


def bureau_list() -> list[Bureau]:
    """The active bureaux d'état civil, by code."""
    return list(Bureau.objects.filter(is_active=True).order_by("code"))


def act_documents(*, act_id: int) -> list[IssuedDocument]:
    """The documents issued for an act, newest first, with the issuing officer."""
    return list(IssuedDocument.objects.filter(act_id=act_id).select_related("officer").order_by("-issued_at", "-id"))


def document_get(*, document_id: int) -> IssuedDocument | None:
    """An issued document of this commune, or None."""
    return IssuedDocument.objects.select_related("act__register").filter(pk=document_id).first()


def act_number_year(*, act_id: int) -> tuple[int, int] | None:
    """(number, register year) of a signed act, or None (a draft, or no such act)."""
    row = Act.objects.filter(pk=act_id, status=ActStatus.SIGNED).values_list("number", "register__year").first()
    return (int(row[0]), int(row[1])) if row is not None and row[0] is not None else None


def delegation_list() -> QuerySet[OfficerDelegation]:
    """Every officer's delegation (the setup page's history), by bureau, newest first."""
    return OfficerDelegation.objects.select_related("user", "bureau").order_by("bureau__code", "-valid_from")


def delegable_users() -> list[Any]:
    """The commune's active accounts, among which a chef de bureau picks an officer to delegate."""
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(is_active=True).order_by("username"))


# --- for support ---
def support_acts_signed(*, schemas: list[str], since: Any) -> dict[str, int]:
    """Acts signed since `since` in each of these communes (counts only, one query: the fleet's health page)."""
    from jamaa.platform.kernel.fleet_counts import count_per_schema

    return count_per_schema(table=Act._meta.db_table, condition="signed_at >= %s", params=[since], schemas=schemas)
