"""Server-rendered pages of the civil registry. Thin: parse a form, call one service or selector, render.

Who sees what (permissions.py): civil-registry staff (agents, officers, chefs de bureau) draft, search and read
acts; reading an act's full content is journalled with a reason. Only an officer delegated for the act's bureau
signs, adds marginal notes and issues documents: the services refuse anyone else (403 page). Statistics are for
officers and chefs de bureau. Module errors become error pages (DomainErrorMiddleware), except those a form can
explain: the kernel's run_in_form shows the form again with the message next to it (no try/except here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import run_in_form, run_in_messages
from jamaa.platform.kernel.pages import found
from jamaa.platform.kernel.roles import role_required

from . import exceptions, permissions, search, selectors, services
from .forms import (
    NAME_FIELDS,
    NAMING_RULES,
    ActCreateForm,
    ActDataForm,
    BureauForm,
    DelegationForm,
    DocumentForm,
    LookupForm,
    NoteForm,
    ReasonForm,
    SearchForm,
    SignForm,
    StatisticsForm,
    act_input_of,
)
from .models import ActKind, ActStatus, DocumentKind

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]

# The journal's reason when an agent opens a draft to correct it (the edit form shows its whole content).
DRAFT_EDIT_REASON = "Editing the draft"


def _may_see_statistics(user: Any) -> bool:
    return permissions.is_chief(user) or permissions.is_officer(user)


staff_required = role_required(permissions.is_staff_member)
"""Anonymous → the login page; signed in outside the civil-registry groups → 403."""
statistics_required = role_required(_may_see_statistics)


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A page of the module, with what its navigation needs."""
    context["may_see_statistics"] = _may_see_statistics(request.user)
    context["may_set_up"] = permissions.is_chief(request.user)
    return render(request, f"etatcivil/{template}", context, status=status)


def _arabic() -> bool:
    return (translation.get_language() or "").startswith("ar")


# ------------------------------------------------------------------------------------------------- dashboard


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Registers with their counts, drafts waiting for a signature, quick links."""
    return _page(
        request,
        "dashboard.html",
        {"registers": selectors.register_list(), "drafts": list(selectors.drafts_list(limit=50))},
    )


# ---------------------------------------------------------------------------------------------- entry form


@staff_required
def act_create(request: HttpRequest) -> HttpResponse:
    """Draft a birth or death act: Arabic names first, then their Latin transliteration."""
    bureaux = selectors.bureau_list()
    form = ActCreateForm(request.POST if request.method == "POST" else None, bureaux=bureaux, arabic=_arabic())
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        act = run_in_form(
            form,
            lambda: services.act_draft_create(
                actor=request.user, bureau_id=data["bureau"], kind=data["kind"], year=data["year"], data=form.to_input()
            ),
            generic=True,
        )
        if act is not None:
            messages.success(
                request,
                _("Draft %(id)s saved: an officer delegated for the bureau can now sign it.") % {"id": act.pk},
            )
            return HttpResponseRedirect(reverse("etatcivil:dashboard") + "#drafts")
    return _page(request, "act_form.html", {"form": form, "act": None, "no_bureau": not bureaux})


@staff_required
def act_edit(request: HttpRequest, act_id: int) -> HttpResponse:
    """Correct a draft (journalled as a read: the form shows the act's whole content)."""
    act = services.act_full_read(user=request.user, act_id=act_id, reason=DRAFT_EDIT_REASON)
    if act.status != ActStatus.DRAFT:
        messages.info(request, _("A signed act is never changed: add a marginal note."))
        return HttpResponseRedirect(reverse("etatcivil:act-review", args=[act.pk]))
    if request.method == "POST":
        form = ActDataForm(request.POST, act_kind=act.kind)
        if form.is_valid():
            saved = run_in_form(
                form,
                lambda: services.act_draft_update(actor=request.user, act_id=act.pk, data=form.to_input()),
                generic=True,
            )
            if saved is not None:
                messages.success(request, _("Draft %(id)s saved.") % {"id": act.pk})
                return HttpResponseRedirect(reverse("etatcivil:dashboard") + "#drafts")
    else:
        birth = selectors.act_number_year(act_id=act.birth_act_id) if act.birth_act_id else None
        form = ActDataForm(initial=ActDataForm.initial_for(act, birth), act_kind=act.kind)
    return _page(request, "act_form.html", {"form": form, "act": act, "no_bureau": False})


# ------------------------------------------------------------------------------------------------ review page


@dataclass(frozen=True)
class FlagRow:
    field: str
    rule: str
    value: str


def _review_url(act_id: int, reason: str, anchor: str = "", **extra: Any) -> str:
    query = urlencode({"reason": reason, **extra})
    return f"{reverse('etatcivil:act-review', args=[act_id])}?{query}{anchor}"


def _review(
    request: HttpRequest,
    act_id: int,
    reason: str,
    *,
    sign_form: SignForm | None = None,
    note_form: NoteForm | None = None,
    document_form: DocumentForm | None = None,
) -> HttpResponse:
    """The act's full content (journalled read), its notes, documents, naming flags, and the officer's forms."""
    act = services.act_full_read(user=request.user, act_id=act_id, reason=reason)
    flags = services.naming_flags(data=act_input_of(act))
    if document_form is None:
        document_form = DocumentForm(initial={"reason": reason}, act_kind=act.kind)
    else:
        document_form.limit_to(act.kind)
    signed = act.status == ActStatus.SIGNED
    issued = request.GET.get("issued", "")
    return _page(
        request,
        "act_review.html",
        {
            "act": act,
            "reason": reason,
            "signed": signed,
            "notes": selectors.act_notes(act_id=act.pk),
            "documents": selectors.act_documents(act_id=act.pk) if signed else [],
            "issued": int(issued) if issued.isdigit() else None,
            "flags": [
                FlagRow(
                    str(NAME_FIELDS.get(f.field, f.field)),
                    str(NAMING_RULES.get(f.rule, f.message)),
                    str(getattr(act, f.field, "")),
                )
                for f in flags
            ],
            "birth_act": selectors.act_number_year(act_id=act.birth_act_id) if act.birth_act_id else None,
            "may_sign": permissions.can_sign(request.user, act.register.bureau_id, timezone.localdate()),
            "sign_form": sign_form or SignForm(initial={"reason": reason}),
            "note_form": note_form or NoteForm(initial={"reason": reason}),
            "document_form": document_form,
        },
    )


@staff_required
def act_review(request: HttpRequest, act_id: int) -> HttpResponse:
    """Asks why the act is read, then shows it (every full read is journalled with its reason)."""
    form = ReasonForm(request.GET if "reason" in request.GET else None)
    if not form.is_valid():
        return _page(request, "act_reason.html", {"form": form, "act_id": act_id})
    return _review(request, act_id, form.cleaned_data["reason"])


@staff_required
@require_POST
def act_sign(request: HttpRequest, act_id: int) -> HttpResponse:
    """Sign a draft (numbers it). Names breaking the rules need the "sign anyway" box ticked."""
    form = SignForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        act = run_in_form(
            form,
            lambda: services.act_sign(
                officer=request.user, act_id=act_id, acknowledge_flags=form.cleaned_data["acknowledge_flags"]
            ),
            detail=True,
        )
        if act is not None:
            number = {"number": act.number, "year": act.register.year}
            messages.success(request, _("Act signed: number %(number)s of %(year)s.") % number)
            return HttpResponseRedirect(_review_url(act.pk, reason))
    return _review(request, act_id, request.POST.get("reason", ""), sign_form=form)


@staff_required
@require_POST
def note_add(request: HttpRequest, act_id: int) -> HttpResponse:
    """Amend a signed act with a marginal note citing its authority."""
    form = NoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        note = run_in_form(
            form,
            lambda: services.note_add(
                officer=request.user,
                act_id=act_id,
                kind=data["kind"],
                text_ar=data["text_ar"],
                text_fr=data["text_fr"],
                authority=data["authority"],
                document_number=data["document_number"],
                document_date=data["document_date"],
            ),
            generic=True,
        )
        if note is not None:
            messages.success(request, _("Marginal note added."))
            return HttpResponseRedirect(_review_url(act_id, data["reason"], "#notes"))
    return _review(request, act_id, request.POST.get("reason", ""), note_form=form)


@staff_required
@require_POST
def document_issue(request: HttpRequest, act_id: int) -> HttpResponse:
    """Issue a document for a signed act; the review page then offers its PDF."""
    form = DocumentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        document = run_in_form(
            form,
            lambda: services.document_issue(
                officer=request.user,
                act_id=act_id,
                kind=data["kind"],
                requester_name=data["requester_name"],
                requester_capacity=data["requester_capacity"],
                fee_dh=data["fee_dh"],
            ),
            generic=True,
        )
        if document is not None:
            messages.success(
                request,
                _("Document issued. Verification code: %(code)s.") % {"code": document.verification_code},
            )
            return HttpResponseRedirect(_review_url(act_id, data["reason"], "#documents", issued=document.pk))
    return _review(request, act_id, request.POST.get("reason", ""), document_form=form)


@staff_required
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse:
    """The PDF of an issued document, rendered from the act as it stands with every note."""
    if selectors.document_get(document_id=document_id) is None:
        raise Http404
    # journalled: the PDF gives the act's whole content
    document, pdf = services.document_pdf_read(
        user=request.user, document_id=document_id, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.kind}-{document.verification_code}.pdf"'
    return response


# ------------------------------------------------------------------------------------------------------ search


@dataclass(frozen=True)
class HitRow:
    hit: search.SearchHit
    kind: str
    lang: str
    segments: list[tuple[str, bool]]


def _segments(text: str, spans: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    """The text cut into (piece, matched) runs, for <mark>."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        if start > at:
            out.append((text[at:start], False))
        if end > max(start, at):
            out.append((text[max(start, at) : end], True))
        at = max(at, end)
    if at < len(text):
        out.append((text[at:], False))
    return out


@staff_required
def act_search(request: HttpRequest) -> HttpResponse:
    """One box for a name in Arabic or Latin script with filters, and an exact lookup by kind, year and number."""
    kinds = dict(ActKind.choices)
    search_form = SearchForm(request.GET if "q" in request.GET else None)
    lookup_form = LookupForm(request.GET if "n-number" in request.GET else None, prefix="n")
    hits: list[HitRow] | None = None
    found = None
    if search_form.is_bound and search_form.is_valid() and search_form.cleaned_data["q"].strip():
        data = search_form.cleaned_data
        hits = [
            HitRow(
                hit,
                str(kinds.get(hit.kind, hit.kind)),
                "ar" if hit.highlight.form == "ar" else "fr",
                _segments(hit.highlight.text, hit.highlight.spans),
            )
            for hit in search.search_acts(
                text=data["q"],
                kind=data["kind"] or None,
                year_from=data["year_from"],
                year_to=data["year_to"],
                father=data["father"],
                mother=data["mother"],
                limit=50,
            )
        ]
    if lookup_form.is_bound and lookup_form.is_valid():
        found = selectors.act_find(**lookup_form.cleaned_data)
    return _page(
        request,
        "search.html",
        {"search_form": search_form, "lookup_form": lookup_form, "hits": hits, "found": found},
    )


# -------------------------------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class MonthRow:
    name: str
    count: int
    percent: int


@statistics_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Acts per year and kind, per month of the chosen year; documents issued and fees collected."""
    form = StatisticsForm(request.GET if "year" in request.GET else None)
    year = timezone.localdate().year
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    stats = selectors.statistics(year=year)
    kinds = dict(ActKind.choices)
    documents = dict(DocumentKind.choices)
    per_month = dict(stats.acts_by_month)
    top = max(per_month.values(), default=0)
    return _page(
        request,
        "statistics.html",
        {
            "form": form,
            "year": year,
            "by_year": [(y, str(kinds.get(k, k)), n) for y, k, n in stats.acts_by_year_kind],
            "by_month": [
                MonthRow(str(MONTHS[m]), per_month.get(m, 0), round(100 * per_month.get(m, 0) / top) if top else 0)
                for m in range(1, 13)
            ],
            "month_total": sum(per_month.values()),
            "documents": [(str(documents.get(k, k)), n, Decimal(f)) for k, n, f in stats.documents_by_kind],
            "documents_total": sum(n for _k, n, _f in stats.documents_by_kind),
            "fees_total": sum((Decimal(f) for _k, _n, f in stats.documents_by_kind), Decimal("0")),
        },
    )


# ----------------------------------------------------------------------------------------------- verification


def document_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this document genuine? The address printed under the QR code of issued documents; the kernel's
    verification page answers (kind and number in words, the person, the day, the bureau, valid or superseded, in
    both languages), never the act's content."""
    from jamaa.platform.kernel.views import document_verify as kernel_document_verify

    return kernel_document_verify(request, kind="etatcivil.document", code=code.strip().upper())


# ------------------------------------------------------------------------------------------------------ setup

chief_required = role_required(permissions.is_chief)
"""Chefs de bureau and the commune's administrators."""


def _delegation_form(data: Any = None) -> DelegationForm:
    """Officers are chosen among the commune's active accounts."""
    users = [
        (u.pk, f"{u.get_full_name()} ({u.get_username()})" if u.get_full_name() else u.get_username())
        for u in selectors.delegable_users()
    ]
    return DelegationForm(data, users=users, bureaux=selectors.bureau_list(), arabic=_arabic())


def _setup_page(
    request: HttpRequest,
    *,
    bureau_form: BureauForm | None = None,
    delegation_form: DelegationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    delegations = selectors.delegation_list()
    return _page(
        request,
        "setup.html",
        {
            "bureaux": selectors.bureau_list(),
            "delegations": list(delegations),
            "registers": selectors.register_list(),
            "today": timezone.localdate(),
            "bureau_form": bureau_form or BureauForm(),
            "delegation_form": delegation_form or _delegation_form(),
        },
        status=status,
    )


@chief_required
def setup(request: HttpRequest) -> HttpResponse:
    """Bureaux, officers' delegations and registers, with the forms to create, delegate and close them."""
    return _setup_page(request)


@chief_required
@require_POST
def setup_bureau_create(request: HttpRequest) -> HttpResponse:
    form = BureauForm(request.POST)
    if form.is_valid():
        bureau = services.bureau_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Bureau %(code)s created.") % {"code": bureau.code})
        return HttpResponseRedirect(reverse("etatcivil:setup") + "#bureaux")
    return _setup_page(request, bureau_form=form, status=400)


@chief_required
@require_POST
def setup_delegation_grant(request: HttpRequest) -> HttpResponse:
    form = _delegation_form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.delegation_grant(
            actor=request.user,
            user_id=data["user"],
            bureau_id=data["bureau"],
            arrete_number=data["arrete_number"],
            arrete_date=data["arrete_date"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
        )
        messages.success(request, _("Delegation recorded (arrêté %(number)s).") % {"number": data["arrete_number"]})
        return HttpResponseRedirect(reverse("etatcivil:setup") + "#delegations")
    return _setup_page(request, delegation_form=form, status=400)


@chief_required
@require_POST
def setup_register_close(request: HttpRequest, register_id: int) -> HttpResponse:
    """Close a register at year end; refused while drafts remain in it."""
    register = found(
        lambda: run_in_messages(
            request,
            lambda: services.register_close(chief=request.user, register_id=register_id),
            texts={
                exceptions.RegisterClosed: _("This register is already closed."),
                exceptions.InvalidAct: _("Drafts remain in this register: sign or discard them first."),
            },
        )
    )
    if register is not None:
        messages.success(request, _("Register %(year)s closed.") % {"year": register.year})
    return HttpResponseRedirect(reverse("etatcivil:setup") + "#registers")
