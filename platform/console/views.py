"""The operators' console on the base domain: the fleet, onboarding, lifecycle, backups and restores.

Staff (operators and support) read; changing a commune needs the operators group or superuser (403 otherwise).
Views stay thin: reads through selectors, writes through the provisioning services.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamaa.modules import registry
from jamaa.platform.errors import DomainError
from jamaa.provisioning import backup as backup_service
from jamaa.provisioning import placement, services
from jamaa.provisioning import selectors as fleet_selectors
from jamaa.tenants.models import CommuneStatus
from jamaa.tenants.selectors import commune_url

from .forms import CommuneCreateForm, ModulesForm, ReasonForm, RestoreForm, errors_from
from .paging import fleet_page

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]

# What each status change is called in the URLs and which statuses it starts from (the service decides).
STATUS_ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "suspend": (CommuneStatus.SUSPENDED, (CommuneStatus.ACTIVE,)),
    "resume": (CommuneStatus.ACTIVE, (CommuneStatus.SUSPENDED, CommuneStatus.ARCHIVED)),
    "archive": (CommuneStatus.ARCHIVED, (CommuneStatus.ACTIVE, CommuneStatus.SUSPENDED)),
}


def staff_required(view: View[P]) -> View[P]:
    """Anonymous → the login page; signed in without is_staff → 403."""

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("login"))
        if not fleet_selectors.user_is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    functools.update_wrapper(wrapped, view)
    return wrapped


def operator_required(view: View[P]) -> View[P]:
    """Staff who may change communes (operators group or superuser); support staff get 403."""

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not fleet_selectors.user_may_operate(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    functools.update_wrapper(wrapped, view)
    return staff_required(wrapped)


def _site_url(request: HttpRequest, host: str, path: str = "/") -> str:
    return commune_url(host, scheme=request.scheme or "http", via=request.get_host(), path=path)


def _detail(slug: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("console-commune", args=[slug]))


FLEET_PAGE_SIZE = 25  # communes per page: the page costs what 25 communes cost, not what 1,503 would


@staff_required
def commune_list(request: HttpRequest) -> HttpResponse:
    page = fleet_page(request, size=FLEET_PAGE_SIZE)
    rows = fleet_selectors.fleet_overview(search=page.search, offset=page.offset, limit=page.limit, exact_sizes=False)
    nodes = placement.commune_nodes()  # None on one server: the column says so
    return render(
        request,
        "console/commune_list.html",
        {
            **page.context(),
            "entries": [
                (
                    row,
                    _site_url(request, row.commune.host),
                    _module_names(row.commune.modules),
                    (nodes or {}).get(row.commune.slug, ""),
                )
                for row in rows
            ],
            "single_server": nodes is None,
            "can_operate": fleet_selectors.user_may_operate(request.user),
        },
    )


def _module_names(codes: Iterable[str]) -> str:
    """The modules' names in the interface's language, for the fleet's tables."""
    return ", ".join(registry.display_names(codes, arabic=(get_language() or "fr").startswith("ar")))


@staff_required
def commune_detail(request: HttpRequest, slug: str) -> HttpResponse:
    row = fleet_selectors.fleet_row(slug=slug)
    if row is None:
        raise Http404
    actions = [name for name, (_target, sources) in STATUS_ACTIONS.items() if row.commune.status in sources]
    return render(
        request,
        "console/commune_detail.html",
        {
            "row": row,
            "site_url": _site_url(request, row.commune.host),
            "actions": actions,
            "backups": fleet_selectors.commune_backups(slug=slug),
            "can_operate": fleet_selectors.user_may_operate(request.user),
            "modules_form": ModulesForm(initial={"modules": list(row.commune.modules)}),
            "module_names": _module_names(row.commune.modules),
        },
    )


@operator_required
def commune_new(request: HttpRequest) -> HttpResponse:
    form = CommuneCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.commune_create(
                slug=data["slug"],
                name_fr=data["name_fr"],
                name_ar=data["name_ar"],
                region=data["region"],
                province=data["province"],
                region_ar=data["region_ar"],
                province_ar=data["province_ar"],
                modules=data["modules"],
                admin_email=data["admin_email"],
                actor=request.user,
            )
        except DomainError as exc:
            errors_from(form, exc)
        else:
            return render(
                request,
                "console/commune_created.html",
                {
                    "created": created,
                    "site_url": _site_url(request, created.host),
                    "set_password_url": _site_url(request, created.host, created.set_password_path),
                },
            )
    return render(request, "console/commune_new.html", {"form": form})


@require_POST
@operator_required
def commune_status(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    if action not in STATUS_ACTIONS:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: every change of status is audited."))
        return _detail(slug)
    if action == "suspend" and request.POST.get("confirmed") != "yes":
        # Suspending closes the commune's site to its staff and citizens: one more page says so and asks.
        row = fleet_selectors.fleet_row(slug=slug)
        if row is None:
            raise Http404
        return render(
            request, "console/commune_suspend_confirm.html", {"row": row, "reason": form.cleaned_data["reason"]}
        )
    target = STATUS_ACTIONS[action][0]
    try:
        services.commune_status_set(slug=slug, status=target, reason=form.cleaned_data["reason"], actor=request.user)
    except ObjectDoesNotExist:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("%(slug)s is now %(status)s.") % {"slug": slug, "status": CommuneStatus(target).label}
        )
    return _detail(slug)


@require_POST
@operator_required
def commune_modules(request: HttpRequest, slug: str) -> HttpResponse:
    """The modules ticked become the commune's: the others are disabled (their data stays)."""
    form = ModulesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: every change of modules is audited."))
        return _detail(slug)
    row = fleet_selectors.fleet_row(slug=slug)
    if row is None:
        raise Http404
    wanted, current = set(form.cleaned_data["modules"]), set(row.commune.modules)
    try:
        services.commune_modules_set(
            slug=slug,
            enable=sorted(wanted - current),
            disable=sorted(current - wanted),
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ObjectDoesNotExist:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The modules of %(slug)s are changed.") % {"slug": slug})
    return _detail(slug)


@require_POST
@operator_required
def commune_backup(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        result = backup_service.commune_backup(slug=slug)
    except ObjectDoesNotExist:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Backup made: %(tables)d tables, %(rows)d rows, %(size)s. Download it below.")
            % {"tables": result.tables, "rows": result.rows, "size": filesizeformat(result.size_bytes)},
        )
    return _detail(slug)


@staff_required
def backup_download(request: HttpRequest, backup_id: int) -> FileResponse:
    """Streams a backup archive (it holds the whole commune: staff only, never a public URL)."""
    try:
        row = fleet_selectors.backup_get(backup_id=backup_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    path = Path(row.path)
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/gzip")


@operator_required
def commune_restore(request: HttpRequest) -> HttpResponse:
    form = RestoreForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # The service reads a path: keep the upload in a temporary file for the time of the restore.
        with tempfile.NamedTemporaryFile("wb", suffix=".tar.gz", delete=False) as handle:
            for chunk in form.cleaned_data["archive"].chunks():
                handle.write(chunk)
        try:
            result = backup_service.commune_restore(
                path=Path(handle.name),
                as_slug=form.cleaned_data["slug"] or None,
                accept_unsigned_reason=form.cleaned_data["accept_unsigned_reason"],
                keep_credentials=form.cleaned_data["keep_credentials"],
                actor=request.user,
            )
        except DomainError as exc:
            errors_from(form, exc)
        else:
            messages.success(
                request,
                _("%(slug)s was restored (%(tables)d tables, %(rows)d rows) at %(host)s.")
                % {"slug": result.slug, "tables": result.tables, "rows": result.rows, "host": result.host},
            )
            return _detail(result.slug)
        finally:
            os.unlink(handle.name)
    return render(request, "console/commune_restore.html", {"form": form})
