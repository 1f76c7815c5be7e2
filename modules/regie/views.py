"""Server-rendered pages of the régie. Thin: parse a form, call one service or selector, redirect or render.

Who sees what is decided in selectors.py (`viewer=`), and the API and the documents ask the same selectors:
the régie's staff (agents and the régisseur/suppléant) take payments at the counter, liquidate declarations,
search redevables, ask for cancellations and close their own day; the régisseur approves cancellations, closes
anyone's day and the régie's, issues ordres de recette and bordereaux, and reads the journal, the état des restes,
the exports and the audit list. Setup is for the régisseur and the commune's administrators. Anyone else signed
in gets a 403, anonymous visitors the login page.

A service's refusal that a form can explain (a bad base, a closed day, an unknown debtor…) comes back on the form
with its message and what was typed; the others (403, 404) become error pages (DomainErrorMiddleware).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jamaa.platform.core import spreadsheet
from jamaa.platform.errors import DomainError, Forbidden, NotFound

from . import permissions, selectors, services, verification
from .forms import (
    AppointForm,
    AssetDeactivateForm,
    AssetForm,
    AuditForm,
    BordereauCreateForm,
    BudgetLineForm,
    CancellationDecisionForm,
    CancellationRequestForm,
    CounterPaymentForm,
    DayCloseForm,
    ExportForm,
    JournalForm,
    LiquidationForm,
    OrdreIssueForm,
    OrdreListForm,
    OrdreTransitionForm,
    PayForm,
    QuittanceListForm,
    RedevableForm,
    RedevableSearchForm,
    ReferenceForm,
    RegieForm,
    RegieSetupForm,
    RestesForm,
    StaffEndForm,
    TariffForm,
    TaxForm,
    new_payment_key,
)
from .liquidation import formula_text
from .models import (
    ORDRE_TRANSITIONS,
    BaseKind,
    LiquidationStatus,
    OrdreStatus,
    PaymentMethod,
    Quittance,
    Regie,
)

P = ParamSpec("P")
T = TypeVar("T")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def _guard(check: Callable[[Any], bool]) -> Callable[[View[P]], View[P]]:
    def decorator(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("login"))
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Early guards; the rule itself is the selectors' (selectors.may_read / may_supervise), which every read re-checks.
staff_required = _guard(lambda user: selectors.may_read(viewer=user))
"""Anonymous → the login page; signed in outside the régie's groups → 403."""
regisseur_required = _guard(lambda user: selectors.may_supervise(viewer=user))
setup_required = _guard(permissions.can_set_up)


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A page of the module, with what its navigation needs."""
    regisseur = selectors.may_supervise(viewer=request.user)
    context.setdefault("regie", None)
    context["is_regisseur"] = regisseur
    context["may_set_up"] = permissions.can_set_up(request.user)
    context["arabic"] = _arabic()
    return render(request, f"regie/{template}", context, status=status)


def _arabic() -> bool:
    return (translation.get_language() or "").startswith("ar")


def _name(obj: Any) -> str:
    """The Arabic or French name of a régie, tax or budget line, in the page's language."""
    for fr, ar in (("name_fr", "name_ar"), ("label_fr", "label_ar")):
        if hasattr(obj, fr):
            return str(getattr(obj, ar) if _arabic() and getattr(obj, ar) else getattr(obj, fr))
    return str(obj)


def _dh(amount: Decimal) -> str:
    """An amount as the page's language writes it (20 775,00)."""
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def _today() -> dt.date:
    return timezone.localdate()


# Service field names → this module's form field names.
FIELD_ALIASES = {
    "asset_id": "asset",
    "tax_id": "tax",
    "ordre_ids": "ordres",
    "user_id": "user",
    "budget_line_codes": "budget_lines",
}


def _form_error(form: RegieForm, exc: DomainError) -> None:
    """A service's refusal, next to the form: on the fields it names when the form has them."""
    named = exc.extra.get("fields", {}) if isinstance(exc.extra, dict) else {}
    placed = False
    for name in named if isinstance(named, dict) else ():
        field = FIELD_ALIASES.get(name, name)
        if field in form.fields:
            form.add_error(field, str(exc.message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _attempt(form: RegieForm, call: Callable[[], T]) -> T | None:
    """Run a service; a refusal the user can fix goes on the form (None), a 403/404 becomes its error page."""
    try:
        return call()
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        _form_error(form, exc)
        return None


def _regie_or_none() -> Regie | None:
    regie: Regie | None = selectors.regie_default()
    return regie


def _no_regie(request: HttpRequest) -> HttpResponse:
    return _page(request, "no_regie.html", {}, status=200)


def with_regie(view: Callable[Concatenate[HttpRequest, Regie, P], HttpResponseBase]) -> View[P]:
    """The commune's régie (one per commune for now); before it is set up, a page that says so."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        regie = _regie_or_none()
        if regie is None:
            return _no_regie(request)
        return view(request, regie, *args, **kwargs)

    return wrapped


# ------------------------------------------------------------------------------------ choice lists and helpers
# (every read goes through selectors.py: no query is written in this file)


def _tax_choices() -> list[tuple[int, str]]:
    return [(t.tax_id, f"{t.code} — {_name(t)}") for t in selectors.taxes_in_force(on=_today())]


def _staff_users(role_groups: tuple[str, ...] = permissions.ROLES) -> list[Any]:
    return selectors.users_with_regie_roles(groups=role_groups)


def _user_label(user: Any) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else str(user.get_username())


def _found(call: Callable[[], T]) -> T:
    """A selector's `*_get`: "does not exist" is the same 404 page as everywhere."""
    try:
        return call()
    except ObjectDoesNotExist:
        raise Http404 from None


def _cancellation_of(quittance: Quittance) -> Any:
    return getattr(quittance, "cancellation", None) if hasattr(quittance, "cancellation") else None


# ------------------------------------------------------------------------------------------------ dashboard


@staff_required
@with_regie
def dashboard(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Today's takings (mine, or the régie's for the régisseur), my last receipts, pending cancellations."""
    today = _today()
    viewer = request.user
    regisseur = selectors.may_supervise(viewer=viewer)
    mine = selectors.day_summary(regie_id=regie.pk, day=today, viewer=viewer, agent_id=viewer.pk)
    whole = selectors.day_summary(regie_id=regie.pk, day=today, viewer=viewer) if regisseur else None
    return _page(
        request,
        "dashboard.html",
        {
            "regie": regie,
            "regie_name": _name(regie),
            "today": today,
            "mine": mine,
            "whole": whole,
            "quittances": list(
                selectors.quittances_for_day(regie_id=regie.pk, day=today, viewer=viewer, agent_id=viewer.pk)
            ),
            "pending": list(selectors.cancellations_pending(regie_id=regie.pk, viewer=viewer)) if regisseur else [],
            "search_form": RedevableSearchForm(),
        },
    )


# ----------------------------------------------------------------------------------------------- redevables


@staff_required
def redevable_search(request: HttpRequest) -> HttpResponse:
    """Find a redevable by name or identifier; create one when not found."""
    form = RedevableSearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        results = list(selectors.redevable_search(q=form.cleaned_data["q"].strip(), limit=50))
    return _page(
        request,
        "redevable_search.html",
        {"form": form, "results": results, "create_form": RedevableForm()},
    )


@staff_required
def redevable_create(request: HttpRequest) -> HttpResponse:
    form = RedevableForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        redevable = _attempt(
            form,
            lambda: services.redevable_create(
                by=request.user,
                name=data["name"].strip(),
                name_ar=data["name_ar"].strip(),
                cin=data["cin"],
                rc=data["rc"],
                ice=data["ice"],
                address=data["address"].strip(),
            ),
        )
        if redevable is not None:
            messages.success(request, _("Redevable %(name)s recorded.") % {"name": redevable.name})
            return HttpResponseRedirect(reverse("regie:redevable-detail", args=[redevable.pk]))
    status = 400 if form.is_bound else 200
    return _page(
        request,
        "redevable_search.html",
        {"form": RedevableSearchForm(), "results": None, "create_form": form},
        status=status,
    )


def _redevable_page(
    request: HttpRequest, redevable_id: int, *, asset_form: AssetForm | None = None, status: int = 200
) -> HttpResponse:
    redevable = _found(lambda: selectors.redevable_get(redevable_id=redevable_id))
    assets = list(selectors.assets_of(redevable_id=redevable.pk))
    history = selectors.redevable_history(redevable_id=redevable.pk, limit=100)
    return _page(
        request,
        "redevable_detail.html",
        {
            "redevable": redevable,
            "assets": assets,
            "quittances": history.quittances,
            "liquidations": history.liquidations,
            "ordre_lines": history.ordre_lines,
            "asset_form": asset_form or AssetForm(taxes=_tax_choices()),
        },
        status=status,
    )


@staff_required
def redevable_detail(request: HttpRequest, redevable_id: int) -> HttpResponse:
    """Who they are, their biens and activités, and their history: liquidations, quittances, ordres."""
    return _redevable_page(request, redevable_id)


@staff_required
@require_POST
def asset_create(request: HttpRequest, redevable_id: int) -> HttpResponse:
    form = AssetForm(request.POST, taxes=_tax_choices())
    if form.is_valid():
        data = form.cleaned_data
        asset = _attempt(
            form,
            lambda: services.asset_create(
                by=request.user,
                redevable_id=redevable_id,
                kind=data["kind"],
                reference=data["reference"].strip(),
                label=data["label"].strip(),
                address=data["address"].strip(),
                surface_m2=data["surface_m2"],
                category=data["category"].strip(),
                tax_id=data["tax"],
            ),
        )
        if asset is not None:
            messages.success(request, _("Bien or activité %(ref)s recorded.") % {"ref": asset.reference})
            return HttpResponseRedirect(reverse("regie:redevable-detail", args=[redevable_id]) + "#assets")
    return _redevable_page(request, redevable_id, asset_form=form, status=400)


@regisseur_required
@require_POST
def asset_deactivate(request: HttpRequest, redevable_id: int, asset_id: int) -> HttpResponse:
    """The régisseur takes a bien or activité off (sold, built, removed) with the reason; it stays in the record."""
    form = AssetDeactivateForm(request.POST)
    if form.is_valid():
        asset = _attempt(
            form,
            lambda: services.asset_deactivate(by=request.user, asset_id=asset_id, reason=form.cleaned_data["reason"]),
        )
        if asset is not None:
            messages.success(request, _("%(ref)s no longer owes its tax.") % {"ref": asset.reference})
            return HttpResponseRedirect(reverse("regie:redevable-detail", args=[redevable_id]) + "#assets")
    for error in [*form.non_field_errors(), *form.errors.get("reason", [])] or [_("Give the reason.")]:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("regie:redevable-detail", args=[redevable_id]) + "#assets")


# ---------------------------------------------------------------------------------------- the counter: payment


@staff_required
@with_regie
def counter_pay(request: HttpRequest, regie: Regie, redevable_id: int) -> HttpResponse:
    """A payment at the counter for a fixed fee or tariff (no declaration), in two steps: the form, then its
    liquidation (base, rate, penalties, total in figures and words) to confirm; only the confirmation numbers
    the quittance. "Change" goes back to the form with the same one-time key; a confirmation sent twice still
    gives one quittance (the key)."""
    redevable = _found(lambda: selectors.redevable_get(redevable_id=redevable_id))
    initial: dict[str, Any] = {}
    if request.GET.get("tax", "").isdigit():
        initial["tax"] = int(request.GET["tax"])
    initial["idempotency_key"] = new_payment_key()  # a retry of this form gets its first quittance back
    form = CounterPaymentForm(request.POST if request.method == "POST" else None, initial=initial, taxes=_tax_choices())
    confirmed = request.POST.get("confirm") == "1"
    if form.is_bound and form.is_valid() and "edit" not in request.POST and not confirmed:
        # Nothing is numbered before the cashier has seen the liquidation and its total, and confirmed it.
        data = form.cleaned_data
        preview = _attempt(
            form,
            lambda: selectors.counter_payment_preview(
                regie_id=regie.pk,
                agent_id=int(request.user.pk or 0),
                tax_id=data["tax"],
                base=data["base"],
                on=_today(),
            ),
        )
        if preview is not None:
            return _page(
                request,
                "counter_confirm.html",
                {
                    "regie": regie,
                    "redevable": redevable,
                    "form": form,
                    "preview": preview,
                    "method_label": dict(PaymentMethod.choices).get(data["payment_method"], ""),
                },
            )
    elif form.is_bound and form.is_valid() and confirmed:
        data = form.cleaned_data
        payment = _attempt(
            form,
            lambda: services.counter_payment(
                agent=request.user,
                idempotency_key=data["idempotency_key"],
                regie_id=regie.pk,
                redevable_id=redevable.pk,
                tax_id=data["tax"],
                base=data["base"],
                period=data["period"],
                payment_method=data["payment_method"],
                on=_today(),
                cheque_number=data["cheque_number"],
                cheque_bank=data["cheque_bank"],
            ),
        )
        if payment is not None:
            return _paid(request, payment)
    if form.is_bound and (form.errors or confirmed):
        form.renew_key()  # nothing was collected under the key sent: the next submission is a new payment
    return _page(
        request,
        "counter_pay.html",
        {"regie": regie, "redevable": redevable, "form": form},
        status=400 if form.errors else 200,
    )


def _paid(request: HttpRequest, payment: services.Payment) -> HttpResponse:
    quittance = payment.quittance
    values = {"number": quittance.number, "amount": _dh(quittance.amount_dh)}
    if payment.replayed:
        messages.info(
            request,
            _("This payment was already recorded: quittance n° %(number)s, %(amount)s DH. Nothing more was collected.")
            % values,
        )
    else:
        messages.success(request, _("Paid: quittance n° %(number)s, %(amount)s DH.") % values)
    return HttpResponseRedirect(reverse("regie:quittance-detail", args=[quittance.pk]) + "?new=1")


# -------------------------------------------------------------------------------------------------- liquidation


@staff_required
@with_regie
def liquidation_create(request: HttpRequest, regie: Regie, redevable_id: int) -> HttpResponse:
    """A declaration: the tax, the bien, the declared base and deadlines → the liquidation with its steps."""
    redevable = _found(lambda: selectors.redevable_get(redevable_id=redevable_id))
    assets = [a for a in selectors.assets_of(redevable_id=redevable.pk) if a.active]
    asset_choices = [(a.pk, f"{a.get_kind_display()} {a.reference}") for a in assets]
    initial: dict[str, Any] = {}
    asset_param = request.GET.get("asset", "")
    if asset_param.isdigit():
        chosen = next((a for a in assets if a.pk == int(asset_param)), None)
        if chosen is not None:
            initial = {"asset": chosen.pk, "tax": chosen.tax_id, "base": chosen.surface_m2}
    form = LiquidationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        taxes=_tax_choices(),
        assets=asset_choices,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        liquidation = _attempt(
            form,
            lambda: services.liquidation_create(
                by=request.user,
                regie_id=regie.pk,
                redevable_id=redevable.pk,
                tax_id=data["tax"],
                base=data["base"],
                period=data["period"].strip(),
                on=data["on"],
                asset_id=data["asset"],
                declaration_due=data["declaration_due"],
                declared_on=data["declared_on"],
                payment_due=data["payment_due"],
            ),
        )
        if liquidation is not None:
            return HttpResponseRedirect(reverse("regie:liquidation-detail", args=[liquidation.pk]))
    return _page(
        request,
        "liquidation_form.html",
        {"regie": regie, "redevable": redevable, "form": form, "assets": assets},
        status=400 if form.is_bound else 200,
    )


STEP_LABELS = {
    "base": gettext_lazy("Taxable base"),
    "principal": gettext_lazy("Principal (base × rate)"),
    "late_declaration": gettext_lazy("Late or missing declaration"),
    "late_payment": gettext_lazy("Late payment"),
    "total": gettext_lazy("Total due"),
}


def _liquidation_page(
    request: HttpRequest,
    liquidation_id: int,
    *,
    pay_form: PayForm | None = None,
    cancel_form: CancellationRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    liquidation = _found(lambda: selectors.liquidation_get(liquidation_id=liquidation_id))
    steps = [
        {
            "label": str(STEP_LABELS.get(step.get("label", ""), step.get("label", ""))),
            "formula": formula_text(step.get("formula", "")),
            "amount": Decimal(str(step.get("amount", "0"))),
            "code": step.get("label", ""),
        }
        for step in (liquidation.steps or [])
        if isinstance(step, dict)
    ]
    return _page(
        request,
        "liquidation_detail.html",
        {
            "liquidation": liquidation,
            "steps": steps,
            "tax_name": _name(liquidation.tax),
            "quittance": getattr(liquidation, "quittance", None),
            "payable": liquidation.status == LiquidationStatus.LIQUIDATED,
            "pay_form": pay_form or PayForm(initial={"idempotency_key": new_payment_key()}),
            "cancel_form": cancel_form or CancellationRequestForm(),
            "today": _today(),
        },
        status=status,
    )


@staff_required
def liquidation_detail(request: HttpRequest, liquidation_id: int) -> HttpResponse:
    """The computation as stored: base, rate in force, each penalty with its formula, the total; pay it here."""
    return _liquidation_page(request, liquidation_id)


@staff_required
@require_POST
def liquidation_pay(request: HttpRequest, liquidation_id: int) -> HttpResponse:
    form = PayForm(request.POST)
    if form.is_valid():
        payment = _attempt(
            form,
            lambda: services.liquidation_payment(
                agent=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                liquidation_id=liquidation_id,
                payment_method=form.cleaned_data["payment_method"],
                on=_today(),
            ),
        )
        if payment is not None:
            return _paid(request, payment)
    form.renew_key()  # nothing was collected under the key sent
    return _liquidation_page(request, liquidation_id, pay_form=form, status=400)


@staff_required
@require_POST
def liquidation_cancel(request: HttpRequest, liquidation_id: int) -> HttpResponse:
    """A wrong liquidation not yet paid is cancelled with its reason (and redone): it is never edited."""
    form = CancellationRequestForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.liquidation_cancel(
                by=request.user, liquidation_id=liquidation_id, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Liquidation cancelled."))
            return HttpResponseRedirect(reverse("regie:liquidation-detail", args=[liquidation_id]))
    return _liquidation_page(request, liquidation_id, cancel_form=form, status=400)


# ---------------------------------------------------------------------------------------------------- quittances


@staff_required
@with_regie
def quittance_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """A day's quittances: the agent's own, or everyone's for the régisseur."""
    form = QuittanceListForm(request.GET if "day" in request.GET else None)
    day = form.cleaned_data["day"] if form.is_bound and form.is_valid() and form.cleaned_data["day"] else _today()
    viewer = request.user  # the régisseur: everyone's; an agent: his own (selectors.takings_scope)
    return _page(
        request,
        "quittance_list.html",
        {
            "regie": regie,
            "form": form,
            "day": day,
            "quittances": list(selectors.quittances_for_day(regie_id=regie.pk, day=day, viewer=viewer)),
            "summary": selectors.day_summary(regie_id=regie.pk, day=day, viewer=viewer),
        },
    )


def _quittance_page(
    request: HttpRequest, quittance_id: int, *, cancel_form: CancellationRequestForm | None = None, status: int = 200
) -> HttpResponse:
    quittance = _found(lambda: selectors.quittance_get(quittance_id=quittance_id, viewer=request.user))
    if not selectors.may_supervise(viewer=request.user) and quittance.agent_id != request.user.pk:
        # An agent reads the receipts of anyone (a payer comes back with a copy) but asks to cancel only his own.
        may_request = False
    else:
        may_request = True
    requests = list(selectors.cancellation_requests_of(quittance_id=quittance.pk, viewer=request.user))
    return _page(
        request,
        "quittance_detail.html",
        {
            "quittance": quittance,
            "tax_name": _name(quittance.tax),
            "verification_code": verification.quittance_code(quittance),
            "cancellation": _cancellation_of(quittance),
            "requests": requests,
            "pending": any(r.status == "pending" for r in requests),
            "may_request": may_request,
            "new": request.GET.get("new") == "1",
            "cancel_form": cancel_form or CancellationRequestForm(),
        },
        status=status,
    )


@staff_required
def quittance_detail(request: HttpRequest, quittance_id: int) -> HttpResponse:
    """The receipt: what was paid, by whom, its status, its print-outs (A4 and the 58 mm ticket)."""
    return _quittance_page(request, quittance_id)


@staff_required
@require_POST
def cancellation_request(request: HttpRequest, quittance_id: int) -> HttpResponse:
    """Ask the régisseur to cancel a quittance (a wrong amount, payer or tax): the number stays in the register."""
    form = CancellationRequestForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.cancellation_request(
                quittance_id=quittance_id, requested_by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Cancellation requested: the régisseur will approve or reject it."))
            return HttpResponseRedirect(reverse("regie:quittance-detail", args=[quittance_id]))
    return _quittance_page(request, quittance_id, cancel_form=form, status=400)


@regisseur_required
@with_regie
def cancellation_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Cancellations awaiting the régisseur's approval (never the requester's own)."""
    return _page(
        request,
        "cancellations.html",
        {
            "regie": regie,
            "pending": list(selectors.cancellations_pending(regie_id=regie.pk, viewer=request.user)),
            "decision_form": CancellationDecisionForm(),
        },
    )


@regisseur_required
@require_POST
def cancellation_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    form = CancellationDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        decided = _attempt(
            form,
            lambda: services.cancellation_decide(
                request_id=request_id, decided_by=request.user, approve=approve, note=form.cleaned_data["note"]
            ),
        )
        if decided is not None:
            messages.success(request, _("Cancellation approved.") if approve else _("Cancellation rejected."))
            return HttpResponseRedirect(reverse("regie:cancellations"))
    for error in form.non_field_errors() or [_("Choose to approve or reject.")]:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("regie:cancellations"))


# ------------------------------------------------------------------------------------------------- the day close


def _close_page(
    request: HttpRequest, regie: Regie, *, form: DayCloseForm | None = None, status: int = 200
) -> HttpResponse:
    """What a close would count (the day and whose takings come from the query, or the form sent back)."""
    viewer = request.user
    regisseur = selectors.may_supervise(viewer=viewer)
    agents = _staff_users() if regisseur else [viewer]
    choices = [(u.pk, _user_label(u)) for u in agents]
    source = request.POST if form is not None else request.GET
    try:
        day = dt.date.fromisoformat(source.get("day", ""))
    except ValueError:
        day = _today()
    raw = source.get("agent", "")
    asked: int | None = int(raw) if raw.isdigit() and int(raw) in {u.pk for u in agents} else None
    agent_id = selectors.takings_scope(viewer=viewer, agent_id=asked)
    if form is None:
        form = DayCloseForm(initial={"day": day, "agent": agent_id}, agents=choices, whole_regie=regisseur)
    summary = selectors.day_summary(regie_id=regie.pk, day=day, viewer=viewer, agent_id=agent_id)
    closes = list(selectors.versements_list(regie_id=regie.pk, viewer=viewer, start=day, end=day))
    return _page(
        request,
        "close.html",
        {
            "regie": regie,
            "form": form,
            "day": day,
            "agent_id": agent_id,
            "summary": summary,
            "quittances": list(
                selectors.quittances_for_day(regie_id=regie.pk, day=day, viewer=viewer, agent_id=agent_id)
            ),
            "closes": closes,
        },
        status=status,
    )


@staff_required
@with_regie
def day_close(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Count the cash, compare with the day's quittances, close: the versement slip, and the day is locked."""
    if request.method != "POST":
        return _close_page(request, regie)
    regisseur = selectors.may_supervise(viewer=request.user)
    agents = _staff_users() if regisseur else [request.user]
    form = DayCloseForm(request.POST, agents=[(u.pk, _user_label(u)) for u in agents], whole_regie=regisseur)
    if form.is_valid():
        data = form.cleaned_data
        agent = next((u for u in agents if u.pk == data["agent"]), None) if data["agent"] else None
        if not regisseur:
            agent = request.user
        versement = _attempt(
            form,
            lambda: services.day_close(
                by=request.user,
                regie_id=regie.pk,
                day=data["day"],
                counted_dh=data["counted_dh"],
                agent=agent,
                note=data["note"].strip(),
            ),
        )
        if versement is not None:
            if versement.difference_dh:
                messages.warning(
                    request,
                    _("Day closed with a difference of %(diff)s DH: an incident is recorded for the régisseur.")
                    % {"diff": _dh(versement.difference_dh)},
                )
            else:
                messages.success(request, _("Day closed: versement n° %(n)s.") % {"n": versement.number})
            return HttpResponseRedirect(reverse("regie:versement-detail", args=[versement.pk]))
    return _close_page(request, regie, form=form, status=400)


# ---------------------------------------------------------------------------------------------------- versements


@staff_required
@with_regie
def versement_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    versements = selectors.versements_list(
        regie_id=regie.pk, viewer=request.user, start=_today() - dt.timedelta(days=366)
    )
    return _page(request, "versement_list.html", {"regie": regie, "versements": list(versements[:200])})


def _versement_page(
    request: HttpRequest, versement_id: int, *, form: ReferenceForm | None = None, status: int = 200
) -> HttpResponse:
    versement = _found(lambda: selectors.versement_get(versement_id=versement_id, viewer=request.user))
    return _page(
        request,
        "versement_detail.html",
        {
            "versement": versement,
            "items": list(selectors.versement_items(versement_id=versement.pk, viewer=request.user)),
            "incidents": selectors.versement_incidents(versement_id=versement.pk, viewer=request.user),
            "form": form or ReferenceForm(),
        },
        status=status,
    )


@staff_required
def versement_detail(request: HttpRequest, versement_id: int) -> HttpResponse:
    """A close: expected, counted, difference, its quittances (the relevé nominatif) and the print-outs."""
    return _versement_page(request, versement_id)


@regisseur_required
@require_POST
def versement_reference(request: HttpRequest, versement_id: int) -> HttpResponse:
    """The trésorier's receipt reference for the régie's versement."""
    form = ReferenceForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.versement_set_treasury_reference(
                by=request.user, versement_id=versement_id, reference=form.cleaned_data["reference"].strip()
            ),
        )
        if done is not None:
            messages.success(request, _("Treasury reference recorded."))
            return HttpResponseRedirect(reverse("regie:versement-detail", args=[versement_id]))
    return _versement_page(request, versement_id, form=form, status=400)


# ------------------------------------------------------------------------------------------- ordres de recette


def _resolve_debtors(form: OrdreIssueForm) -> list[dict[str, Any]] | None:
    """Each line's identifier (CIN, RC, ICE or #id) → one redevable; unknown or ambiguous ones go on the form."""
    lines: list[dict[str, Any]] = []
    problems: list[str] = []
    asset_id = form.cleaned_data.get("asset")
    found = selectors.redevable_ids_by_identifier(identifiers=[who for who, _amount in form.cleaned_data["lines"]])
    for who, amount in form.cleaned_data["lines"]:
        redevable_id = found.get(who)
        if redevable_id is None:
            problems.append(who)
            continue
        line: dict[str, Any] = {"redevable_id": redevable_id, "amount_dh": amount}
        if asset_id and len(form.cleaned_data["lines"]) == 1:
            line["asset_id"] = asset_id
        lines.append(line)
    if problems:
        form.add_error(
            "lines",
            _("No single redevable has this identifier: %(who)s.") % {"who": ", ".join(problems[:10])},
        )
        return None
    return lines


def _ordres_page(
    request: HttpRequest, regie: Regie, *, issue_form: OrdreIssueForm | None = None, status: int = 200
) -> HttpResponse:
    filters = OrdreListForm(request.GET if request.GET else None)
    exercice = _today().year
    state: str | None = None
    if filters.is_bound and filters.is_valid():
        exercice = filters.cleaned_data["exercice"] or exercice
        state = filters.cleaned_data["status"] or None
    if issue_form is None:
        initial: dict[str, Any] = {"exercice": exercice}
        for key in ("tax", "asset", "subject", "period", "lines"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        issue_form = OrdreIssueForm(initial=initial, taxes=_tax_choices())
    return _page(
        request,
        "ordre_list.html",
        {
            "regie": regie,
            "filters": filters,
            "exercice": exercice,
            "ordres": list(
                selectors.ordres_list(regie_id=regie.pk, exercice=exercice, viewer=request.user, status=state)
            ),
            "issue_form": issue_form,
        },
        status=status,
    )


@regisseur_required
@with_regie
def incident_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """What the régisseur must look at: cash differences at closes, numbers missing from a collector's block,
    payments refused for a number outside the collector's block (the cash was taken)."""
    incidents = selectors.incidents_list(regie_id=regie.pk, viewer=request.user).select_related("agent", "versement")
    return _page(request, "incident_list.html", {"regie": regie, "incidents": list(incidents[:500])})


@regisseur_required
@with_regie
def ordre_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Ordres de recette of an exercice, by status, and the form to issue one (individual or collective)."""
    return _ordres_page(request, regie)


@regisseur_required
@with_regie
@require_POST
def ordre_issue(request: HttpRequest, regie: Regie) -> HttpResponse:
    form = OrdreIssueForm(request.POST, taxes=_tax_choices())
    if form.is_valid():
        lines = _resolve_debtors(form)
        if lines is not None:
            data = form.cleaned_data
            ordre = _attempt(
                form,
                lambda: services.ordre_issue(
                    by=request.user,
                    regie_id=regie.pk,
                    exercice=data["exercice"],
                    tax_id=data["tax"],
                    subject=data["subject"].strip(),
                    period=data["period"].strip(),
                    lines=lines,
                ),
            )
            if ordre is not None:
                messages.success(
                    request, _("Ordre de recette n° %(n)s/%(y)s issued.") % {"n": ordre.number, "y": ordre.exercice}
                )
                return HttpResponseRedirect(reverse("regie:ordre-detail", args=[ordre.pk]))
    return _ordres_page(request, regie, issue_form=form, status=400)


def _ordre_page(
    request: HttpRequest, ordre_id: int, *, form: OrdreTransitionForm | None = None, status: int = 200
) -> HttpResponse:
    ordre = _found(lambda: selectors.ordre_get(ordre_id=ordre_id, viewer=request.user))
    labels = dict(OrdreStatus.choices)
    allowed = [(s, str(labels[s])) for s in ORDRE_TRANSITIONS.get(ordre.status, ())]
    # Taking in charge is the bordereau's business (the comptable takes the whole bordereau).
    allowed = [(s, label) for s, label in allowed if s != OrdreStatus.TAKEN_IN_CHARGE]
    return _page(
        request,
        "ordre_detail.html",
        {
            "ordre": ordre,
            "tax_name": _name(ordre.tax),
            "lines": list(ordre.lines.all()),
            "events": list(ordre.events.all()),
            "allowed": allowed,
            "form": form or OrdreTransitionForm(allowed=allowed),
        },
        status=status,
    )


@regisseur_required
def ordre_detail(request: HttpRequest, ordre_id: int) -> HttpResponse:
    return _ordre_page(request, ordre_id)


@regisseur_required
@require_POST
def ordre_transition(request: HttpRequest, ordre_id: int) -> HttpResponse:
    """Move an ordre: recovered, cancelled, written off or remitted, with its reason and reference."""
    ordre = _found(lambda: selectors.ordre_get(ordre_id=ordre_id, viewer=request.user))
    labels = dict(OrdreStatus.choices)
    allowed = [(s, str(labels[s])) for s in ORDRE_TRANSITIONS.get(ordre.status, ()) if s != "taken_in_charge"]
    form = OrdreTransitionForm(request.POST, allowed=allowed)
    if form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.ordre_transition(
                by=request.user,
                ordre_id=ordre_id,
                to_status=data["to_status"],
                reason=data["reason"].strip(),
                reference=data["reference"].strip(),
                recovered_dh=data["recovered_dh"],
            ),
        )
        if done is not None:
            messages.success(request, _("Ordre de recette: %(status)s.") % {"status": labels[data["to_status"]]})
            return HttpResponseRedirect(reverse("regie:ordre-detail", args=[ordre_id]))
    return _ordre_page(request, ordre_id, form=form, status=400)


# ---------------------------------------------------------------------------------------------------- bordereaux


def _issued_ordres(regie: Regie, exercice: int, viewer: Any) -> list[tuple[int, str]]:
    ordres = selectors.ordres_list(regie_id=regie.pk, exercice=exercice, viewer=viewer, status=OrdreStatus.ISSUED)
    return [
        (o.pk, f"{o.number}/{o.exercice} — {o.subject} — {o.amount_dh:.2f} DH")
        for o in ordres
        if o.bordereau_id is None
    ]


def _bordereaux_page(
    request: HttpRequest, regie: Regie, *, form: BordereauCreateForm | None = None, status: int = 200
) -> HttpResponse:
    exercice = _today().year
    if form is not None and form.is_bound:
        raw = form.data.get("exercice", "")
        exercice = int(raw) if str(raw).isdigit() else exercice
    elif request.GET.get("exercice", "").isdigit():
        exercice = int(request.GET["exercice"])
    if form is None:
        form = BordereauCreateForm(initial={"exercice": exercice}, ordres=_issued_ordres(regie, exercice, request.user))
    return _page(
        request,
        "bordereau_list.html",
        {
            "regie": regie,
            "exercice": exercice,
            "bordereaux": list(selectors.bordereaux_list(regie_id=regie.pk, exercice=exercice, viewer=request.user)),
            "form": form,
        },
        status=status,
    )


@regisseur_required
@with_regie
def bordereau_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Bordereaux d'émission of an exercice, and the form grouping issued ordres into a new one."""
    return _bordereaux_page(request, regie)


@regisseur_required
@with_regie
@require_POST
def bordereau_create(request: HttpRequest, regie: Regie) -> HttpResponse:
    raw = request.POST.get("exercice", "")
    exercice = int(raw) if raw.isdigit() else _today().year
    form = BordereauCreateForm(request.POST, ordres=_issued_ordres(regie, exercice, request.user))
    if form.is_valid():
        data = form.cleaned_data
        bordereau = _attempt(
            form,
            lambda: services.bordereau_create(
                by=request.user, regie_id=regie.pk, exercice=data["exercice"], ordre_ids=list(data["ordres"])
            ),
        )
        if bordereau is not None:
            messages.success(request, _("Bordereau n° %(n)s created.") % {"n": bordereau.number})
            return HttpResponseRedirect(reverse("regie:bordereau-detail", args=[bordereau.pk]))
    return _bordereaux_page(request, regie, form=form, status=400)


def _bordereau_page(
    request: HttpRequest, bordereau_id: int, *, form: ReferenceForm | None = None, status: int = 200
) -> HttpResponse:
    bordereau = _found(lambda: selectors.bordereau_get(bordereau_id=bordereau_id, viewer=request.user))
    return _page(
        request,
        "bordereau_detail.html",
        {
            "bordereau": bordereau,
            "ordres": sorted(bordereau.ordres.all(), key=lambda o: o.number),
            "form": form or ReferenceForm(),
        },
        status=status,
    )


@regisseur_required
def bordereau_detail(request: HttpRequest, bordereau_id: int) -> HttpResponse:
    return _bordereau_page(request, bordereau_id)


@regisseur_required
@require_POST
def bordereau_take_in_charge(request: HttpRequest, bordereau_id: int) -> HttpResponse:
    """The comptable took the bordereau in charge (its reference): its ordres move to "taken in charge"."""
    form = ReferenceForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.bordereau_take_in_charge(
                by=request.user, bordereau_id=bordereau_id, reference=form.cleaned_data["reference"].strip()
            ),
        )
        if done is not None:
            messages.success(request, _("Bordereau taken in charge by the comptable."))
            return HttpResponseRedirect(reverse("regie:bordereau-detail", args=[bordereau_id]))
    return _bordereau_page(request, bordereau_id, form=form, status=400)


# ------------------------------------------------------------------------------------------------------ reports


@regisseur_required
@with_regie
def restes(request: HttpRequest, regie: Regie) -> HttpResponse:
    """État des restes à recouvrer: what the ordres still owe at a date."""
    form = RestesForm(request.GET if "exercice" in request.GET else None)
    exercice, as_of = _today().year, _today()
    if form.is_bound and form.is_valid():
        exercice, as_of = form.cleaned_data["exercice"], form.cleaned_data["as_of"]
    elif not form.is_bound:
        form = RestesForm(initial={"exercice": exercice, "as_of": as_of})
    return _page(
        request,
        "restes.html",
        {
            "regie": regie,
            "form": form,
            "exercice": exercice,
            "as_of": as_of,
            "report": selectors.restes_a_recouvrer(
                regie_id=regie.pk, exercice=exercice, as_of=as_of, viewer=request.user
            ),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _period(scale: str, on: dt.date) -> tuple[dt.date, dt.date]:
    if scale == "year":
        return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    if scale == "month":
        return on.replace(day=1), on.replace(day=calendar.monthrange(on.year, on.month)[1])
    return on, on


@regisseur_required
@with_regie
def journal(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Takings per budget line for a day, a month or a year."""
    form = JournalForm(request.GET if "on" in request.GET else None)
    scale, on = "day", _today()
    if form.is_bound and form.is_valid():
        scale, on = form.cleaned_data["scale"], form.cleaned_data["on"]
    elif not form.is_bound:
        form = JournalForm(initial={"scale": scale, "on": on})
    start, end = _period(scale, on)
    return _page(
        request,
        "journal.html",
        {
            "regie": regie,
            "form": form,
            "start": start,
            "end": end,
            "report": selectors.journal(regie_id=regie.pk, start=start, end=end, viewer=request.user),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@regisseur_required
@with_regie
def export(request: HttpRequest, regie: Regie) -> HttpResponse:
    """The receipts of a period as CSV (UTF-8 with a BOM, so spreadsheet programs read the Arabic)."""
    form = ExportForm(request.GET if "start" in request.GET else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = selectors.receipts_csv(
            regie_id=regie.pk,
            start=data["start"],
            end=data["end"],
            viewer=request.user,
            budget_line=data["budget_line"].strip() or None,
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="quittances-{data["start"].isoformat()}-{data["end"].isoformat()}.csv"'
        )
        response.write("\ufeff")
        writer = spreadsheet.writer(response)  # no cell runs as a formula
        for row in rows:
            writer.writerow(row)
        return response
    if not form.is_bound:
        today = _today()
        form = ExportForm(initial={"start": today.replace(day=1), "end": today})
    budget_lines = list(selectors.budget_lines(regie_id=regie.pk))
    return _page(
        request,
        "export.html",
        {"regie": regie, "form": form, "budget_lines": budget_lines},
        status=400 if form.is_bound else 200,
    )


@regisseur_required
@with_regie
def audit(request: HttpRequest, regie: Regie) -> HttpResponse:
    """The audit case: biens and activités that owe a tax for the exercice with neither quittance nor ordre."""
    form = AuditForm(request.GET if "exercice" in request.GET else None)
    exercice = _today().year
    if form.is_bound and form.is_valid():
        exercice = form.cleaned_data["exercice"]
    elif not form.is_bound:
        form = AuditForm(initial={"exercice": exercice})
    return _page(
        request,
        "audit.html",
        {
            "regie": regie,
            "form": form,
            "exercice": exercice,
            "rows": list(
                selectors.authorisations_without_ordre(regie_id=regie.pk, exercice=exercice, viewer=request.user)
            ),
        },
    )


# -------------------------------------------------------------------------------------------------------- setup


def _setup_error(form: RegieForm, exc: DomainError) -> None:
    """A reference service's refusal: each field it names gets its own message; the rest goes above the form."""
    named = exc.extra.get("fields", {}) if isinstance(exc.extra, dict) else {}
    placed = False
    for name, errors in named.items() if isinstance(named, dict) else ():
        field = FIELD_ALIASES.get(name, name)
        if field in form.fields:
            form.add_error(field, [str(e) for e in errors] if isinstance(errors, list) else str(errors))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _setup_attempt(form: RegieForm, call: Callable[[], T]) -> T | None:
    try:
        return call()
    except (Forbidden, NotFound):
        raise
    except DomainError as exc:
        _setup_error(form, exc)
        return None


def _budget_line_choices() -> list[tuple[str, str]]:
    return [(b.code, f"{b.code} — {_name(b)}") for b in selectors.budget_lines()]


def _user_choices() -> list[tuple[int, str]]:
    return [(u.pk, _user_label(u)) for u in selectors.commune_users()]


def _setup_page(
    request: HttpRequest,
    *,
    regie_form: RegieSetupForm | None = None,
    budget_line_form: BudgetLineForm | None = None,
    appoint_form: AppointForm | None = None,
    end_form: tuple[int, StaffEndForm] | None = None,
    tax_form: TaxForm | None = None,
    tariff_form: tuple[int, TariffForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole reference on one page; a form sent back with errors replaces its blank twin."""
    regie = _regie_or_none()
    today = _today()
    lines = list(selectors.budget_lines())
    authorised = {b.code for b in selectors.budget_lines(regie_id=regie.pk)} if regie else set()
    line_choices = [(b.code, f"{b.code} — {_name(b)}") for b in lines]
    if regie is not None and regie_form is None:
        regie_form = RegieSetupForm(
            initial={
                "name_fr": regie.name_fr,
                "name_ar": regie.name_ar,
                "arrete_number": regie.arrete_number,
                "arrete_date": regie.arrete_date,
                "cash_ceiling_dh": regie.cash_ceiling_dh,
                "budget_lines": sorted(authorised),
            },
            budget_lines=line_choices,
        )
    staff_rows = []
    for appointment in selectors.staff_appointments(regie_id=regie.pk) if regie else []:
        current = appointment.valid_from <= today and (
            appointment.valid_until is None or appointment.valid_until >= today
        )
        ending: StaffEndForm | None = None
        if appointment.valid_until is None or appointment.valid_until > today:
            if end_form is not None and end_form[0] == appointment.pk:
                ending = end_form[1]
            else:
                ending = StaffEndForm(initial={"valid_until": today}, auto_id=f"id_end_{appointment.pk}_%s")
        staff_rows.append({"s": appointment, "current": current, "end_form": ending})
    versions = selectors.tariffs_by_tax()
    tax_rows = []
    for tax in selectors.taxes_in_force(on=today):
        if tariff_form is not None and tariff_form[0] == tax.tax_id:
            form = tariff_form[1]
        else:
            form = TariffForm(auto_id=f"id_tariff_{tax.tax_id}_%s")
        tax_rows.append(
            {
                "tax": tax,
                "name": _name(tax),
                "base": BaseKind(tax.base_kind).label,
                "versions": versions.get(tax.tax_id, []),
                "form": form,
            }
        )
    return _page(
        request,
        "setup.html",
        {
            "regie": regie,
            "regie_name": _name(regie) if regie else "",
            "regie_form": regie_form,
            "budget_lines": [(b, _name(b), b.code in authorised) for b in lines],
            "budget_line_form": budget_line_form or BudgetLineForm(),
            "staff": staff_rows,
            "appoint_form": appoint_form or AppointForm(users=_user_choices()),
            "taxes": tax_rows,
            "tax_form": tax_form or TaxForm(budget_lines=line_choices),
            "today": today,
        },
        status=status,
    )


@setup_required
def setup(request: HttpRequest) -> HttpResponse:
    """The régie's reference: its arrêté, ceiling and budget lines, appointments by arrêté, taxes and their tariff
    versions (the one in force today highlighted)."""
    return _setup_page(request)


def _setup_done(request: HttpRequest, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(reverse("regie:setup") + anchor)


@setup_required
@with_regie
@require_POST
def setup_regie(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Record the régie's arrêté as amended: names, number and date, cash ceiling, authorised budget lines."""
    form = RegieSetupForm(request.POST, budget_lines=_budget_line_choices())
    if form.is_valid():
        data = form.cleaned_data
        done = _setup_attempt(
            form,
            lambda: services.regie_update(
                by=request.user,
                regie_id=regie.pk,
                name_fr=data["name_fr"],
                name_ar=data["name_ar"],
                arrete_number=data["arrete_number"],
                arrete_date=data["arrete_date"],
                cash_ceiling_dh=data["cash_ceiling_dh"],
                budget_line_codes=list(data["budget_lines"]),
            ),
        )
        if done is not None:
            return _setup_done(request, _("The régie's arrêté is recorded."), "#regie")
    return _setup_page(request, regie_form=form, status=400)


@setup_required
@require_POST
def setup_budget_line(request: HttpRequest) -> HttpResponse:
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        line = _setup_attempt(
            form,
            lambda: services.budget_line_create(
                by=request.user, code=data["code"], label_fr=data["label_fr"], label_ar=data["label_ar"]
            ),
        )
        if line is not None:
            return _setup_done(
                request,
                _("Budget line %(code)s added: tick it in the régie's arrêté to collect it.") % {"code": line.code},
                "#regie",
            )
    return _setup_page(request, budget_line_form=form, status=400)


@setup_required
@with_regie
@require_POST
def setup_appoint(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Appoint a commune user by arrêté: the role's permissions follow the appointment."""
    form = AppointForm(request.POST, users=_user_choices())
    if form.is_valid():
        data = form.cleaned_data
        staff = _setup_attempt(
            form,
            lambda: services.staff_appoint(
                by=request.user,
                regie_id=regie.pk,
                user_id=data["user"],
                role=data["role"],
                arrete_number=data["arrete_number"],
                arrete_date=data["arrete_date"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            ),
        )
        if staff is not None:
            return _setup_done(
                request,
                _("%(user)s appointed %(role)s.") % {"user": _user_label(staff.user), "role": staff.get_role_display()},
                "#staff",
            )
    return _setup_page(request, appoint_form=form, status=400)


@setup_required
@require_POST
def setup_staff_end(request: HttpRequest, staff_id: int) -> HttpResponse:
    """End an appointment on its last day: kept in the register, the role withdrawn."""
    form = StaffEndForm(request.POST, auto_id=f"id_end_{staff_id}_%s")
    if form.is_valid():
        staff = _setup_attempt(
            form,
            lambda: services.staff_end(
                by=request.user, staff_id=staff_id, valid_until=form.cleaned_data["valid_until"]
            ),
        )
        if staff is not None:
            return _setup_done(
                request,
                _("The appointment of %(user)s ends on %(day)s.")
                % {
                    "user": _user_label(staff.user),
                    "day": formats.date_format(form.cleaned_data["valid_until"], "SHORT_DATE_FORMAT"),
                },
                "#staff",
            )
    return _setup_page(request, end_form=(staff_id, form), status=400)


@setup_required
@require_POST
def setup_tax(request: HttpRequest) -> HttpResponse:
    form = TaxForm(request.POST, budget_lines=_budget_line_choices())
    if form.is_valid():
        data = form.cleaned_data
        tax = _setup_attempt(
            form,
            lambda: services.tax_create(
                by=request.user,
                code=data["code"],
                name_fr=data["name_fr"],
                name_ar=data["name_ar"],
                base_kind=data["base_kind"],
                budget_line=data["budget_line"],
            ),
        )
        if tax is not None:
            return _setup_done(
                request, _("Tax %(code)s added: give it its first tariff version.") % {"code": tax.code}, "#taxes"
            )
    return _setup_page(request, tax_form=form, status=400)


@setup_required
@require_POST
def setup_tariff(request: HttpRequest, tax_id: int) -> HttpResponse:
    """A new version of a tax's rate from its date of effect; the earlier versions stay as they were."""
    form = TariffForm(request.POST, auto_id=f"id_tariff_{tax_id}_%s")
    if form.is_valid():
        data = form.cleaned_data
        tariff = _setup_attempt(
            form,
            lambda: services.tariff_add(
                by=request.user,
                tax_id=tax_id,
                rate=data["rate"],
                valid_from=data["valid_from"],
                arrete_reference=data["arrete_reference"],
            ),
        )
        if tariff is not None:
            return _setup_done(
                request,
                _("New rate of %(code)s from %(day)s recorded.")
                % {"code": tariff.tax.code, "day": formats.date_format(tariff.valid_from, "SHORT_DATE_FORMAT")},
                f"#tax-{tax_id}",
            )
    _found(lambda: selectors.tax_get(tax_id=tax_id))  # an unknown tax is a 404, not a form error
    return _setup_page(request, tariff_form=(tax_id, form), status=400)


@setup_required
@require_POST
def setup_install_defaults(request: HttpRequest) -> HttpResponse:
    """Install (idempotently) a régie, the budget lines and the usual taxes with their tariffs."""
    regie = _regie_or_none()
    services.reference_install_defaults(regie_id=regie.pk if regie else None)
    messages.success(request, _("The default reference (budget lines, taxes and tariffs) is installed."))
    return HttpResponseRedirect(reverse("regie:setup"))
