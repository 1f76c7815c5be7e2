"""What the police's pages share: roles, PDF responses, the documents' bilingual labels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from .. import permissions, verification
from ..models import (
    Authorisation,
    AuthorisationStatus,
    Kind,
    NuisanceClass,
    OccupationType,
    Opinion,
    Request,
    SanctionKind,
)

STAFF = permissions.ROLES


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _roles(request: HttpRequest) -> dict[str, bool]:
    return {
        "is_agent": permissions.is_agent(request.user),
        "is_decider": permissions.is_decider(request.user),
        "is_inspector": permissions.is_inspector(request.user),
    }


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value))


OPINION_FR = {
    Opinion.FAVOURABLE: "Favorable",
    Opinion.RESERVED: "Favorable avec réserves",
    Opinion.UNFAVOURABLE: "Défavorable",
}
OPINION_AR = {Opinion.FAVOURABLE: "موافق", Opinion.RESERVED: "موافق مع تحفظات", Opinion.UNFAVOURABLE: "غير موافق"}
CLASS_FR = {
    NuisanceClass.NONE: "sans nuisance",
    NuisanceClass.SECOND: "établissement de 2e classe",
    NuisanceClass.THIRD: "établissement de 3e classe",
    NuisanceClass.REGULATED: "métier réglementé",
}
OCCUPATION_FR = {
    OccupationType.TERRACE: "Terrasse",
    OccupationType.KIOSK: "Kiosque",
    OccupationType.ADVERTISING: "Publicité",
    OccupationType.WORKS: "Travaux",
}
OCCUPATION_AR = {
    OccupationType.TERRACE: "شرفة (تيراس)",
    OccupationType.KIOSK: "كشك",
    OccupationType.ADVERTISING: "إشهار",
    OccupationType.WORKS: "أشغال",
}
STATUS_FR = {
    AuthorisationStatus.ACTIVE: "En vigueur",
    AuthorisationStatus.SUSPENDED: "Suspendue",
    AuthorisationStatus.WITHDRAWN: "Retirée",
    AuthorisationStatus.EXPIRED: "Expirée",
}
STATUS_AR = {
    AuthorisationStatus.ACTIVE: "سارية المفعول",
    AuthorisationStatus.SUSPENDED: "موقوفة",
    AuthorisationStatus.WITHDRAWN: "مسحوبة",
    AuthorisationStatus.EXPIRED: "منتهية الصلاحية",
}
SANCTION_FR = {SanctionKind.WARNING: "Avertissement", SanctionKind.FINE: "Amende", SanctionKind.CLOSURE: "Fermeture"}
SANCTION_AR = {SanctionKind.WARNING: "إنذار", SanctionKind.FINE: "غرامة", SanctionKind.CLOSURE: "إغلاق"}


def _fr_kind(found: Request | Authorisation) -> str:
    return verification.KIND_FR[Kind(found.kind)]


def _ar_kind(found: Request | Authorisation) -> str:
    return verification.KIND_AR[Kind(found.kind)]
