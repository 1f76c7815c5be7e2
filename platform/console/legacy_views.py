"""Console pages for the legacy civil-registry import of one commune: upload the export and its mapping, follow
the Celery task's progress (the page polls a JSON endpoint), download the reports. Operators only."""

from __future__ import annotations

from dataclasses import asdict

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jamaa.platform.errors import DomainError
from jamaa.provisioning import selectors as fleet_selectors
from jamaa.provisioning.legacy import runs

from .forms import ConsoleForm, errors_from
from .views import operator_required


class LegacyImportForm(ConsoleForm):
    mapping = forms.FileField(label=_("Mapping file (YAML)"), widget=forms.FileInput(attrs={"accept": ".yaml,.yml"}))
    dry_run = forms.BooleanField(label=_("Dry run: write the reports, import nothing"), required=False)
    accept_truncated = forms.BooleanField(
        label=_("Import files that look cut short (the report warns)"), required=False
    )


@operator_required
def legacy_import(request: HttpRequest, slug: str) -> HttpResponse:
    if fleet_selectors.fleet_row(slug=slug) is None:
        raise Http404
    form = LegacyImportForm(request.POST or None, request.FILES or None)
    form.fields["dry_run"].widget.attrs["class"] = "form-check-input"
    form.fields["accept_truncated"].widget.attrs["class"] = "form-check-input"
    files = request.FILES.getlist("files")
    if request.method == "POST" and form.is_valid():
        if not files:
            form.add_error(None, _("Choose the exported files (CSV or XLSX)."))
        else:
            try:
                run = runs.legacy_import_run_start(
                    slug=slug,
                    mapping=form.cleaned_data["mapping"],
                    files=files,
                    dry_run=form.cleaned_data["dry_run"],
                    accept_truncated=form.cleaned_data["accept_truncated"],
                    actor_label=request.user.get_username(),
                )
            except DomainError as exc:
                errors_from(form, exc)
            else:
                return HttpResponseRedirect(reverse("console-legacy-run", args=[slug, run.pk]))
    return render(
        request,
        "console/legacy_import.html",
        {"slug": slug, "form": form, "runs": runs.legacy_import_runs(slug=slug)},
    )


def _run(slug: str, run_id: int) -> runs.RunProgress:
    try:
        progress = runs.legacy_import_run_progress(run_id=run_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    if progress.slug != slug:
        raise Http404
    return progress


@operator_required
def legacy_import_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    return render(request, "console/legacy_import_run.html", {"slug": slug, "run": _run(slug, run_id)})


@require_POST
@operator_required
def legacy_import_resume(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    """Queue a stalled run again (its worker died): the import starts over and ends as an uninterrupted one."""
    _run(slug, run_id)
    try:
        runs.legacy_import_run_resume(run_id=run_id, actor_label=request.user.get_username())
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The import was queued again."))
    return HttpResponseRedirect(reverse("console-legacy-run", args=[slug, run_id]))


@operator_required
def legacy_import_progress(request: HttpRequest, slug: str, run_id: int) -> JsonResponse:
    """The run's state, polled by its page: status, phase, done/total, totals, the reports ready to download."""
    progress = _run(slug, run_id)
    body = asdict(progress)
    body["heartbeat_at"] = progress.heartbeat_at.isoformat() if progress.heartbeat_at else None
    body["reports"] = {name: reverse("console-legacy-report", args=[slug, run_id, name]) for name in progress.reports}
    return JsonResponse(body)


@operator_required
def legacy_import_report(request: HttpRequest, slug: str, run_id: int, name: str) -> FileResponse:
    _run(slug, run_id)
    try:
        path = runs.legacy_import_report_path(run_id=run_id, name=name)
    except (ObjectDoesNotExist, DomainError):
        raise Http404 from None
    content_type = "application/json" if name.endswith(".json") else "text/csv; charset=utf-8"
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{slug}-{run_id}-{name}", content_type=content_type
    )
