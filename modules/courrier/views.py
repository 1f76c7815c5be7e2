"""Pages of the bureau d'ordre: as thin as the API. Roles by the kernel's decorator; 403 and 404 are the styled
error pages; documents are rendered from what the selectors return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jamaa.platform.kernel.documents import CommuneMasthead
from jamaa.platform.kernel.roles import role_required
from jamaa.platform.kernel.verification import verify_path

from . import documents, permissions, selectors
from .models import Category
from .verification import KIND


def _masthead(request: HttpRequest) -> CommuneMasthead:
    commune: Any = getattr(request, "tenant", None)
    return CommuneMasthead(
        commune_fr=getattr(commune, "name_fr", ""),
        commune_ar=getattr(commune, "name_ar", ""),
        province_fr=getattr(commune, "province", ""),
        region_fr=getattr(commune, "region", ""),
        office_fr="Bureau d'ordre",
        office_ar="مكتب الضبط",
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(permissions.CLERK, permissions.SERVICE)
def mail_list(request: HttpRequest) -> HttpResponse:
    service = request.GET.get("service", "")
    rows = selectors.mail_list(
        viewer=request.user,
        service_id=int(service) if service.isdigit() else None,
        status=request.GET.get("status") or None,
    )
    return render(request, "courrier/mail_list.html", {"rows": rows, "is_clerk": permissions.is_clerk(request.user)})


@role_required(permissions.CLERK, permissions.SERVICE)
def mail_receipt(request: HttpRequest, mail_id: int) -> HttpResponse:
    detail = selectors.mail_get(viewer=request.user, mail_id=mail_id)
    row = detail.mail
    pdf = documents.render_receipt(
        documents.ReceiptDocument(
            masthead=_masthead(request),
            reference=row.reference,
            number=row.number,
            year=row.year,
            code=detail.code,
            registered_at=timezone.localtime(row.registered_at),
            correspondent=row.correspondent,
            subject=row.subject,
            mail_type_fr=detail.mail_type,
            mail_type_ar=detail.mail_type_ar,
            limit_date=row.limit_date,
            verify_url=request.build_absolute_uri(verify_path(kind=KIND, code=detail.code)),
        )
    )
    return _pdf(pdf, f"recepisse-{row.reference.replace('/', '-')}.pdf")


@role_required(permissions.CLERK)
def day_register(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("day", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    category = request.GET.get("category", Category.INCOMING)
    if category not in Category.values:
        category = Category.INCOMING
    rows = selectors.mail_day_register(viewer=request.user, day=day, category=category)
    labels = {"incoming": ("arrivée", "الوارد"), "outgoing": ("départ", "الصادر"), "internal": ("interne", "الداخلي")}
    fr, ar = labels[category]
    lines = [
        documents.RegisterLine(
            reference=r.reference,
            time=timezone.localtime(r.registered_at).strftime("%H:%M"),
            correspondent=r.correspondent,
            subject=r.subject,
            service=r.service,
        )
        for r in rows
    ]
    pdf = documents.render_day_register(
        masthead=_masthead(request), day=day, category_fr=fr, category_ar=ar, lines=lines
    )
    return _pdf(pdf, f"registre-{category}-{day.isoformat()}.pdf")
