"""Pages of the citizen portal: the public face (anonymous, light, cached per commune and language), the citizen's
space (signed in by a one-time code), and the staff side (desk, editor, elected officials' dashboard). As thin as
the API: services and selectors decide; refusals go on the form through the kernel's run_in_form."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jamaa.platform.kernel import portal as kernel_portal
from jamaa.platform.kernel import verification
from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.roles import role_required
from jamaa.platform.security import client_ip

from . import charts, exceptions, figures, limits, permissions, public_cache, selectors, services
from .models import Outcome, PublicationKind, RequestStatus

SESSION_KEY = "portail_citizen"
PAGE_TTL = 60  # seconds a public page is served from the cache


def _enabled(request: HttpRequest) -> tuple[str, ...]:
    return tuple(request.tenant.enabled_modules)  # type: ignore[attr-defined]


def _citizen_id(request: HttpRequest) -> int | None:
    value = request.session.get(SESSION_KEY)
    return value if isinstance(value, int) else None


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _rtl() -> bool:
    return translation.get_language_bidi()


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous GETs from the cache, per commune (schema), language and address; a signed-in citizen or staff
    member gets a fresh page. Publishing bumps the commune's generation, which empties its cache at once; a change
    of the data behind the published figures moves their version (figures.py), which is in the key too. A page
    marked `no-store` (figures served while recomputed) is not kept."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        anonymous = request.method == "GET" and not request.user.is_authenticated and _citizen_id(request) is None
        if not anonymous:
            return view(request, *args, **kwargs)
        schema = getattr(connection, "schema_name", "public")
        versions = cache.get_many([public_cache.generation_key(), figures.version_key()])
        generation = public_cache.generation(versions.get(public_cache.generation_key(), 0))
        data = versions.get(figures.version_key(), 0)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"portail:page:{schema}:{generation}:{data}:{translation.get_language()}:{path}"
        hit = cache.get(key)
        if hit is not None:
            status, content_type, body = hit
            response = HttpResponse(body, status=status, content_type=content_type)
            response["X-Portal-Cache"] = "hit"
            response["Cache-Control"] = f"public, max-age={PAGE_TTL}"
            response["Vary"] = "Cookie"
            return response
        response = view(request, *args, **kwargs)
        storable = "no-store" not in response.get("Cache-Control", "") and not getattr(response, "streaming", False)
        if storable and response.status_code == 200 and not response.cookies:
            cache.set(key, (response.status_code, response["Content-Type"], response.content), PAGE_TTL)
            response["X-Portal-Cache"] = "miss"
            response["Cache-Control"] = f"public, max-age={PAGE_TTL}"
            response["Vary"] = "Cookie"
        return response

    return wrapper


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    citizen = selectors.citizen_get(citizen_id=_citizen_id(request))
    return {"citizen": citizen, "rtl": _rtl(), "next": request.get_full_path(), **extra}


def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch language with a plain link (no form: public pages are cached and carry no CSRF token)."""
    if code not in dict(settings.LANGUAGES):
        raise Http404("unknown language")
    target = request.GET.get("next") or "/portail/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        target = "/portail/"
    if request.session.session_key is not None:  # a session already there (staff, citizen) keeps the choice too;
        request.session["_language"] = code  # an anonymous visitor's lives in the cookie alone (no session row)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip
    return response


# --- the public face ------------------------------------------------------------------------------------------


@public_page
def home(request: HttpRequest) -> HttpResponse:
    enabled = _enabled(request)
    return render(
        request,
        "portail/home.html",
        _context(
            request,
            services=selectors.public_services(),
            news=selectors.publications(kind=PublicationKind.NEWS, limit=3),
            decisions=selectors.publications(kind=PublicationKind.DELIBERATION, limit=3),
            kinds=selectors.request_kinds(enabled=enabled),
            document_kinds=selectors.document_kinds(),
        ),
    )


@public_page
def publication_list(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in PublicationKind.values:
        raise Http404("unknown kind")
    items = selectors.publications(kind=kind, limit=100)
    return render(request, "portail/publications.html", _context(request, items=items, kind=kind))


@public_page
def publication_detail(request: HttpRequest, publication_id: int) -> HttpResponse:
    item = selectors.publication_get(publication_id=publication_id)
    return render(request, "portail/publication.html", _context(request, item=item))


def check(request: HttpRequest) -> HttpResponse:
    """Verify a document by its code (and kind): the kernel's public verification page."""
    kind = request.GET.get("kind", "")
    code = "".join(request.GET.get("code", "").split()).upper()
    if kind in verification.kinds() and code and len(code) <= 40:
        return HttpResponseRedirect(verification.verify_path(kind=kind, code=code))
    context = _context(request, document_kinds=selectors.document_kinds(), kind=kind, code=code)
    return render(request, "portail/check.html", context, status=400 if code else 200)


class TrackForm(forms.Form):
    reference = forms.CharField(label=_("Tracking number"), max_length=30, help_text=_("e.g. A-2026/000012"))
    secret = forms.CharField(label=_("CIN given with the request, or the code on the receipt"), max_length=20)


def track(request: HttpRequest) -> HttpResponse:
    """A request's status by number + CIN (or récépissé code), without an account. POST only for the lookup: the
    CIN stays out of addresses and logs. Limited per network address."""
    form = TrackForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        if not limits.hit(scope="track", key=client_ip(request), limit=limits.TRACK_PER_IP):
            form.add_error(None, exceptions.TooManyAttempts.message)
            status = 429
        else:
            result = selectors.request_track(
                reference=form.cleaned_data["reference"], secret=form.cleaned_data["secret"]
            )
            if result is None:
                form.add_error(None, _("No request matches this number and this CIN or code."))
                status = 404
    elif request.method == "POST":
        status = 400
    return render(request, "portail/track.html", _context(request, form=form, result=result), status=status)


def _chart(ds: kernel_portal.Dataset, table: selectors.DatasetTable, title: str) -> str:
    if ds.chart is None or not table.rows:
        return ""
    return charts.svg(chart_bars=charts.bars(ds.chart, table.rows), title=title, rtl=_rtl())


def _figures_response(response: HttpResponse, *, fresh: bool) -> HttpResponse:
    if not fresh:  # the previous figures while another visitor recomputes them: not to be cached
        response["Cache-Control"] = "no-store"
    return response


@public_page
def transparency(request: HttpRequest) -> HttpResponse:
    panels = []
    tables = selectors.dataset_tables(enabled=_enabled(request))
    for table in tables:
        ds = table.dataset
        title = ds.title_ar if _rtl() else ds.title_fr
        panels.append({"dataset": ds, "title": title, "svg": _chart(ds, table, title), "count": len(table.rows)})
    response = render(request, "portail/transparency.html", _context(request, panels=panels))
    return _figures_response(response, fresh=all(t.fresh for t in tables))


@public_page
def transparency_detail(request: HttpRequest, code: str) -> HttpResponse:
    table = selectors.dataset_table(code=code, enabled=_enabled(request))
    ds = table.dataset
    title = ds.title_ar if _rtl() else ds.title_fr
    rows = [[row[f.name] for f in ds.fields] for row in table.rows[-200:]]
    response = render(
        request,
        "portail/dataset.html",
        _context(request, dataset=ds, title=title, svg=_chart(ds, table, title), rows=rows, total=len(table.rows)),
    )
    return _figures_response(response, fresh=table.fresh)


@public_page
def data_index(request: HttpRequest) -> HttpResponse:
    datasets = kernel_portal.datasets(enabled=_enabled(request))
    return render(
        request,
        "portail/data.html",
        _context(request, datasets=datasets, licence_name=kernel_portal.LICENCE_NAME,
                 licence_url=kernel_portal.LICENCE_URL),
    )  # fmt: skip


def _commune(request: HttpRequest) -> Any:
    return request.tenant  # type: ignore[attr-defined]


@public_page
def data_catalog(request: HttpRequest) -> HttpResponse:
    commune = _commune(request)
    body = selectors.catalogue(
        enabled=_enabled(request), base_url=_base_url(request), commune_fr=commune.name_fr, commune_ar=commune.name_ar
    )
    return HttpResponse(selectors.dump_json(body), content_type="application/ld+json; charset=utf-8")


@public_page
def data_file(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """A dataset as CSV, JSON or its schema, at a stable address (`/portail/data/<code>.<fmt>`)."""
    enabled = _enabled(request)
    if fmt == "schema.json":
        body = selectors.dump_json(selectors.dataset_schema(code=code, enabled=enabled))
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    table = selectors.dataset_table(code=code, enabled=enabled)
    if fmt == "csv":
        response = HttpResponse(selectors.dataset_csv(table=table), content_type="text/csv; charset=utf-8")
    else:
        body = selectors.dump_json(selectors.dataset_json(table=table, commune=_commune(request).name_fr))
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{code}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return _figures_response(response, fresh=table.fresh)


# --- the citizen's space --------------------------------------------------------------------------------------


class AddressForm(forms.Form):
    address = forms.CharField(label=_("Email or mobile phone"), max_length=254)


class CodeForm(forms.Form):
    address = forms.CharField(widget=forms.HiddenInput, max_length=254)
    code = forms.CharField(label=_("Code received"), max_length=6, min_length=6)


def sign_in(request: HttpRequest) -> HttpResponse:
    """Two steps: the address (a code is sent), then the code (signed in; the account is created the first time)."""
    step = request.POST.get("step", "address")
    address_form = AddressForm(request.POST if step == "address" else None)
    code_form = CodeForm(request.POST if step == "code" else None)
    status = 200
    if request.method == "GET" and request.GET.get("address"):  # "I already have a code" (a second tab, a reload)
        code_form = CodeForm(initial={"address": request.GET["address"][:254]})
        return render(request, "portail/sign_in.html", _context(request, code_form=code_form, step="code"))
    if request.method == "POST" and step == "address" and address_form.is_valid():
        address = address_form.cleaned_data["address"]

        def send() -> bool:
            services.citizen_code_send(address=address, client_ip=client_ip(request))
            return True

        sent = run_in_form(address_form, send)
        if sent:
            code_form = CodeForm(initial={"address": address})
            return render(request, "portail/sign_in.html", _context(request, code_form=code_form, step="code"))
    elif request.method == "POST" and step == "code" and code_form.is_valid():
        citizen = run_in_form(
            code_form,
            lambda: services.citizen_sign_in(
                address=code_form.cleaned_data["address"], code=code_form.cleaned_data["code"]
            ),
        )
        if citizen is not None:
            request.session.cycle_key()
            request.session[SESSION_KEY] = citizen.pk
            return HttpResponseRedirect("/portail/me/")
        return render(request, "portail/sign_in.html", _context(request, code_form=code_form, step="code"), status=400)
    if request.method == "POST":
        status = 400
    return render(request, "portail/sign_in.html", _context(request, address_form=address_form, step="address"),
                  status=status)  # fmt: skip


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return HttpResponseRedirect("/portail/")


def _require_citizen(request: HttpRequest) -> int:
    citizen_id = _citizen_id(request)
    if citizen_id is None or selectors.citizen_get(citizen_id=citizen_id) is None:
        raise exceptions.NotSignedIn()
    return citizen_id


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Full name"), max_length=120)
    cin = forms.CharField(label=_("CIN (optional, checked at the counter)"), max_length=12, required=False)


def me(request: HttpRequest) -> HttpResponse:
    if _citizen_id(request) is None:
        return HttpResponseRedirect("/portail/sign-in/")
    citizen_id = _require_citizen(request)
    citizen = selectors.citizen_get(citizen_id=citizen_id)
    assert citizen is not None
    form = ProfileForm(request.POST or None, initial={"display_name": citizen.display_name, "cin": citizen.cin})
    if request.method == "POST" and form.is_valid():
        saved = run_in_form(form, lambda: services.citizen_profile_update(citizen_id=citizen_id, **form.cleaned_data))
        if saved is not None:
            return HttpResponseRedirect("/portail/me/")
    context = _context(
        request,
        form=form,
        requests=selectors.citizen_requests(citizen_id=citizen_id),
        kinds=selectors.request_kinds(enabled=_enabled(request)),
    )
    return render(request, "portail/me.html", context, status=400 if form.errors else 200)


DOCUMENT_CHOICES = [
    ("birth_extract", _("Birth extract")),
    ("full_copy", _("Full copy")),
    ("death_extract", _("Death extract")),
]
ACT_KIND_CHOICES = [("birth", _("Birth")), ("death", _("Death"))]


class RequestForm(forms.Form):
    text = forms.CharField(label=_("Your request"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                           max_length=4000)  # fmt: skip
    cin = forms.CharField(
        label=_("CIN"), max_length=12, required=False,
        help_text=_("Required unless it is in your details; with the number, it lets you follow the request."),
    )  # fmt: skip
    pieces = forms.FileField(
        label=_("Pieces (PDF, JPEG or PNG, 5 MB each, 3 at most)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ExtractForm(RequestForm):
    document = forms.ChoiceField(label=_("Document"), choices=DOCUMENT_CHOICES)
    act_kind = forms.ChoiceField(label=_("Act"), choices=ACT_KIND_CHOICES)
    act_number = forms.IntegerField(label=_("Act number"), min_value=1, max_value=99999)
    act_year = forms.IntegerField(label=_("Year of the act"), min_value=1900, max_value=2100)
    capacity = forms.CharField(label=_("You are"), max_length=120, help_text=_("e.g. the person, father, mother"))


def _add_questions(form: forms.Form, kind: kernel_portal.RequestKind) -> None:
    """The fields a module asks for its kind (kernel.portal questions), optional: the desk completes the rest."""
    for q in kind.questions:
        label = q.title_ar if _rtl() else q.title_fr
        field: forms.Field
        if q.type == "date":
            field = forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
        else:
            field = forms.CharField(label=label, required=False, max_length=300)
        form.fields[f"q_{q.name}"] = field


def request_new(request: HttpRequest, kind: str) -> HttpResponse:
    if _citizen_id(request) is None:
        return HttpResponseRedirect("/portail/sign-in/")
    citizen_id = _require_citizen(request)
    enabled = _enabled(request)
    found = next((k for k in selectors.request_kinds(enabled=enabled) if k.code == kind), None)
    if found is None:
        raise exceptions.RequestKindUnknown()
    form_class = ExtractForm if kind == services.EXTRACT_KIND else RequestForm
    form = form_class(request.POST or None, request.FILES or None)
    _add_questions(form, found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details: dict[str, str] = {
            k: str(data[k]) for k in ("document", "act_kind", "act_number", "act_year", "capacity") if k in data
        }
        for q in found.questions:  # the module's own questions, kept as strings in the request's details
            answer = data.get(f"q_{q.name}")
            details[q.name] = "" if answer is None else str(answer)
        uploads = tuple(
            services.Upload(name=f.name or "piece", content=f.read(services.MAX_UPLOAD + 1))
            for f in request.FILES.getlist("pieces")
        )
        created = run_in_form(
            form,
            lambda: services.request_submit(
                citizen_id=citizen_id,
                data=services.RequestInput(kind=kind, text=data.get("text", ""), cin=data.get("cin", ""),
                                           details=details),
                uploads=uploads,
                enabled=enabled,
            ),
            aliases={"display_name": "text"},
        )  # fmt: skip
        if created is not None:
            return HttpResponseRedirect(f"/portail/me/requests/{created.pk}/")
    context = _context(request, form=form, kind=found)
    return render(request, "portail/request_new.html", context, status=400 if form.errors else 200)


def my_request(request: HttpRequest, request_id: int) -> HttpResponse:
    citizen_id = _require_citizen(request)
    detail = selectors.citizen_request_get(citizen_id=citizen_id, request_id=request_id)
    return render(request, "portail/my_request.html", _context(request, detail=detail))


def my_document(request: HttpRequest, request_id: int) -> HttpResponse:
    citizen_id = _require_citizen(request)
    name, pdf = selectors.citizen_document_pdf(
        citizen_id=citizen_id, request_id=request_id, base_url=_base_url(request)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff ----------------------------------------------------------------------------------------------------


@role_required(permissions.AGENT, permissions.EDITOR, permissions.ELECTED, administrators=True)
def staff_hub(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portail/staff.html",
        {
            "is_agent": permissions.is_agent(request.user),
            "is_editor": permissions.is_editor(request.user),
            "is_elected": permissions.is_elected(request.user),
        },
    )


@role_required(permissions.AGENT)
def desk(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in RequestStatus.values:
        status = ""
    lines = selectors.desk_list(viewer=request.user, status=status)
    return render(request, "portail/desk.html", {"lines": lines, "status": status, "statuses": RequestStatus.choices})


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[])
    note = forms.CharField(label=_("Note the citizen reads"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False, max_length=2000)  # fmt: skip


class IssueForm(forms.Form):
    quittance_code = forms.CharField(label=_("Code of the fee's quittance (if paid)"), max_length=40, required=False)
    fee_dh = forms.DecimalField(label=_("Fee (DH)"), min_value=0, max_digits=8, decimal_places=2, initial=0)


class CinForm(forms.Form):
    cin = forms.CharField(label=_("CIN seen on the card"), max_length=12)


def _bootstrap(*forms_: forms.Form) -> None:
    """Staff pages use the site's Bootstrap: fields take its classes (and its widths: no overflow on a phone)."""
    for form in forms_:
        for field in form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


@role_required(permissions.AGENT)
def desk_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    detail = selectors.desk_get(viewer=request.user, request_id=request_id)
    labels = dict(RequestStatus.choices)
    status_form = StatusForm(request.POST if request.POST.get("action") == "status" else None)
    status_field = status_form.fields["status"]
    assert isinstance(status_field, forms.ChoiceField)
    status_field.choices = [(s, labels[s]) for s in detail.allowed]
    issue_form = IssueForm(request.POST if request.POST.get("action") == "issue" else None)
    cin_form = CinForm(request.POST if request.POST.get("action") == "cin" else None, initial={"cin": detail.cin})
    _bootstrap(status_form, issue_form, cin_form)
    done: object = None
    if request.method == "POST":
        if request.POST.get("action") == "status" and status_form.is_valid():
            done = run_in_form(
                status_form,
                lambda: services.request_status_change(
                    actor=request.user, request_id=request_id, **status_form.cleaned_data
                ),
            )
        elif request.POST.get("action") == "issue" and issue_form.is_valid():
            done = run_in_form(
                issue_form,
                lambda: services.request_document_issue(
                    actor=request.user, request_id=request_id, **issue_form.cleaned_data
                ),
            )
        elif request.POST.get("action") == "cin" and cin_form.is_valid():
            done = run_in_form(
                cin_form,
                lambda: services.citizen_cin_verify(
                    actor=request.user, citizen_id=detail.citizen_id, cin=cin_form.cleaned_data["cin"]
                ),
            )
        if done is not None:
            return HttpResponseRedirect(request.path)
    errors = status_form.errors or issue_form.errors or cin_form.errors
    context = {
        "detail": detail,
        "status_form": status_form,
        "issue_form": issue_form,
        "cin_form": cin_form,
        "is_extract": detail.line.kind == services.EXTRACT_KIND,
    }
    return render(request, "portail/desk_detail.html", context, status=400 if errors else 200)


@role_required(permissions.AGENT)
def desk_attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    name, content_type, data = selectors.desk_attachment(viewer=request.user, attachment_id=attachment_id)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name.replace(chr(34), "")}"'
    response["Cache-Control"] = "private, no-store"
    return response


class PublicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PublicationKind.choices)
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200)
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=200)
    body_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    body_ar = forms.CharField(label=_("Text (Arabic)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    session_date = forms.DateField(
        label=_("Session date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    number = forms.CharField(label=_("Decision number"), max_length=30, required=False)
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False)


class ServiceForm(forms.Form):
    name_fr = forms.CharField(label=_("Service (French)"), max_length=200)
    name_ar = forms.CharField(label=_("Service (Arabic)"), max_length=200)
    hours_fr = forms.CharField(label=_("Hours (French)"), max_length=200, required=False)
    hours_ar = forms.CharField(label=_("Hours (Arabic)"), max_length=200, required=False)
    place_fr = forms.CharField(label=_("Place (French)"), max_length=200, required=False)
    place_ar = forms.CharField(label=_("Place (Arabic)"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, initial=0)


@role_required(permissions.EDITOR, administrators=True)
def editor(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    pub_form = PublicationForm(request.POST if action == "publish" else None)
    service_form = ServiceForm(request.POST if action == "service" else None)
    _bootstrap(pub_form, service_form)
    if request.method == "POST":
        done: object = None
        if action == "publish" and pub_form.is_valid():
            data = services.PublicationInput(**pub_form.cleaned_data)
            done = run_in_form(pub_form, lambda: services.publication_publish(actor=request.user, data=data))
        elif action == "service" and service_form.is_valid():
            done = run_in_form(
                service_form, lambda: services.public_service_save(actor=request.user, **service_form.cleaned_data)
            )
        elif action == "withdraw":
            pid = request.POST.get("publication_id", "")
            if pid.isdigit():
                done = services.publication_withdraw(
                    actor=request.user, publication_id=int(pid), reason=request.POST.get("reason", "")
                )
        if done is not None:
            return HttpResponseRedirect(request.path)
    context = {
        "pub_form": pub_form,
        "service_form": service_form,
        "items": selectors.publications(limit=50),
        "services": selectors.public_services(),
    }
    errors = pub_form.errors or service_form.errors
    return render(request, "portail/editor.html", context, status=400 if errors else 200)


@role_required(permissions.ELECTED, administrators=True)
def elected(request: HttpRequest) -> HttpResponse:
    lines = selectors.dashboard(viewer=request.user, enabled=_enabled(request))
    return render(request, "portail/elected.html", {"lines": lines})
