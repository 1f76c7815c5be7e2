"""The console's support pages (base domain, staff with their second factor): the fleet's health, one commune's
health with its recent errors, and opening a read-only support session on a commune's site."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from jamaa.platform.console.paging import fleet_page
from jamaa.platform.console.views import staff_required
from jamaa.platform.errors import DomainError
from jamaa.provisioning import selectors as fleet_selectors
from jamaa.tenants.selectors import commune_url

from . import selectors, services
from .forms import SessionOpenForm

HEALTH_PAGE_SIZE = 25  # communes per page, as the fleet page: the page costs what 25 communes cost


@staff_required
def health(request: HttpRequest) -> HttpResponse:
    page = fleet_page(request, size=HEALTH_PAGE_SIZE)
    rows = selectors.fleet_health(search=page.search, offset=page.offset, limit=page.limit, exact_sizes=False)
    return render(
        request,
        "support/health.html",
        {
            **page.context(),
            "rows": rows,
            "problems": {row.slug: selectors.health_problems(row) for row in rows},
            "alerts": selectors.alerts(),
            "can_operate": fleet_selectors.user_may_operate(request.user),
        },
    )


def _detail(request: HttpRequest, slug: str, form: SessionOpenForm, status: int = 200) -> HttpResponse:
    row = selectors.commune_health(slug=slug)
    if row is None:
        raise Http404
    return render(
        request,
        "support/commune_health.html",
        {
            "row": row,
            "problems": selectors.health_problems(row),
            "errors": selectors.recent_errors(schema_name=row.schema_name),
            "sentry_url": selectors.sentry_link(schema_name=row.schema_name),
            "alerts": selectors.alerts(schema_name=row.schema_name, open_only=False, limit=20),
            "drills": selectors.drills(slug=slug),
            "sessions": selectors.sessions_of(slug=slug, limit=20),
            "consent": selectors.consent_allowed(slug=slug),
            "form": form,
            "can_operate": fleet_selectors.user_may_operate(request.user),
        },
        status=status,
    )


@staff_required
def commune_health(request: HttpRequest, slug: str) -> HttpResponse:
    return _detail(request, slug, SessionOpenForm())


@require_POST
@staff_required
def session_open(request: HttpRequest, slug: str) -> HttpResponse:
    """Opens the session, then gives the operator the link that enters the commune's site with its token."""
    form = SessionOpenForm(request.POST)
    if form.is_valid():
        try:
            session, token = services.support_session_open(
                operator=request.user,  # type: ignore[arg-type]
                slug=slug,
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"],
                as_username=form.cleaned_data["as_username"].strip(),
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            row = fleet_selectors.fleet_row(slug=slug)
            host = row.commune.host if row else ""
            # A link, not a redirect: the console's Content-Security-Policy (form-action 'self') stops a form
            # whose answer redirects to another host.
            enter_url = commune_url(
                host, scheme=request.scheme or "http", via=request.get_host(), path=f"/support/enter/{token}/"
            )
            return render(
                request, "support/session_opened.html", {"session": session, "enter_url": enter_url, "slug": slug}
            )
    return _detail(request, slug, form, status=400)
