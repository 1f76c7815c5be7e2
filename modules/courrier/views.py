"""Pages of the bureau d'ordre: as thin as the API. Roles by the kernel's decorator; 403 and 404 are the styled
error pages; documents are rendered from what the selectors return."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.documents import CommuneMasthead
from jamaa.platform.kernel.forms import DetailPage, date_param, form_action, run_in_form
from jamaa.platform.kernel.roles import role_required

from . import documents, forms, permissions, selectors, services
from .models import Category, Status


def _masthead(request: HttpRequest) -> CommuneMasthead:
    return documents.masthead_for(request)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


AGENTS = (permissions.CLERK, permissions.SERVICE)


@role_required(*AGENTS)
def mail_list(request: HttpRequest) -> HttpResponse:
    service = request.GET.get("service", "")
    service_id = int(service) if service.isdigit() else None
    rows = selectors.mail_list(viewer=request.user, service_id=service_id, status=request.GET.get("status") or None)
    return render(
        request,
        "courrier/mail_list.html",
        {
            "rows": rows,
            "is_clerk": permissions.is_clerk(request.user),
            "service_id": service_id,
            "services": selectors.services_of(viewer=request.user),
            "title_query": "",
        },
    )


def _register_form(request: HttpRequest) -> forms.RegisterForm:
    administrations, types, service_list = selectors.reference_lists()
    return forms.RegisterForm(
        request.POST or None,
        request.FILES or None,
        administrations=administrations,
        types=types,
        services=service_list,
        arabic=get_language_bidi(),
    )


@role_required(permissions.CLERK)
def mail_register(request: HttpRequest) -> HttpResponse:
    form = _register_form(request)
    duplicates: list[selectors.DuplicateHint] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        known = selectors.correspondent_find(
            kind=d["kind"], cin=d["cin"], ice=d["ice"], administration_code=d["administration_code"]
        )
        if known is not None and not d["confirm_duplicate"]:
            duplicates = selectors.mail_duplicates(correspondent_id=known, subject=d["subject"])
        if not duplicates:
            scan = d.get("scan")
            data = services.MailInput(
                category=d["category"],
                subject=d["subject"],
                mail_type_code=d["mail_type_code"],
                correspondent=services.CorrespondentInput(
                    kind=d["kind"],
                    name=d["name"],
                    cin=d["cin"],
                    ice=d["ice"],
                    administration_code=d["administration_code"],
                ),
                letter_date=d["letter_date"],
                arrival_date=d["arrival_date"],
                priority=d["priority"],
                confidential=d["confidential"],
                reply_expected=d["reply_expected"],
                service_id=d["service_id"],
            )
            mail = run_in_form(
                form,
                lambda: services.mail_register(
                    actor=request.user,
                    data=data,
                    scan=services.ScanInput(name=scan.name or "", content=scan.read(services.MAX_ATTACHMENT_BYTES + 1))
                    if scan
                    else None,
                ),
                aliases={"content": "scan", "administration_code": "administration_code"},
            )
            if mail is not None:
                return HttpResponseRedirect(reverse("courrier:mail-detail", args=[mail.pk]) + "?registered=1")
        else:
            again = request.POST.copy()  # the next submit confirms
            again["confirm_duplicate"] = "on"
            form.data = again
    status = 400 if form.errors else 200
    return render(request, "courrier/mail_register.html", {"form": form, "duplicates": duplicates}, status=status)


@role_required(*AGENTS)
def mail_detail(request: HttpRequest, mail_id: int) -> HttpResponse:
    return MAIL.render(request, mail_id)


def _detail_page(request: HttpRequest, mail_id: int, **refused: Any) -> HttpResponse:
    """The detail page, with the refused form (and its errors) in place of the blank one."""
    detail = selectors.mail_get(viewer=request.user, mail_id=mail_id)
    service_choices = [(s[0], s[2] if get_language_bidi() and s[2] else s[1]) for s in selectors.reference_lists()[2]]
    route = forms.RouteForm(initial={})
    forms.set_choices(route, "service_id", service_choices)
    state = forms.StatusForm()
    task_form = forms.TaskForm()
    copy_form = forms.CopyForm()
    forms.set_choices(copy_form, "service_id", [("", "—"), *service_choices])
    forms.set_choices(task_form, "assignee_id", [("", "—"), *_members(detail)])
    forms.set_choices(state, "status", [(s, Status(s).label) for s in detail.next_statuses])
    context = {
        "d": detail,
        "m": detail.mail,
        "route_form": route,
        "status_form": state,
        "annotate_form": forms.AnnotateForm(),
        "reply_form": forms.ReplyForm(initial={"subject": f"Réponse : {detail.mail.subject}"}),
        "attach_form": forms.AttachForm(),
        "task_form": task_form,
        "copy_form": copy_form,
        "email_form": forms.EmailReceiptForm(initial={"to": detail.correspondent_email}),
        "emailed": request.GET.get("emailed") == "1",
        "registered": request.GET.get("registered") == "1",
        "is_clerk": permissions.is_clerk(request.user),
    }
    context.update(refused)
    return render(request, "courrier/mail_detail.html", context)


MAIL = DetailPage("courrier:mail-detail", _detail_page)


def _members(detail: selectors.MailDetail) -> list[tuple[int, str]]:
    service_id = next((s[0] for s in selectors.reference_lists()[2] if s[1] == detail.mail.service), None)
    return selectors.service_members(service_id=service_id)


@require_POST
@role_required(*AGENTS)
def mail_route(request: HttpRequest, mail_id: int) -> HttpResponse:
    form = forms.RouteForm(request.POST)
    forms.set_choices(form, "service_id", [(s[0], s[1]) for s in selectors.reference_lists()[2]])
    return MAIL.act(
        request,
        mail_id,
        form,
        "route_form",
        lambda data: services.mail_route(
            actor=request.user, mail_id=mail_id, service_id=data["service_id"], note=data["note"]
        ),
    )


@require_POST
@role_required(*AGENTS)
def mail_status(request: HttpRequest, mail_id: int) -> HttpResponse:
    form = forms.StatusForm(request.POST)
    forms.set_choices(
        form,
        "status",
        [(s, Status(s).label) for s in selectors.mail_get(viewer=request.user, mail_id=mail_id).next_statuses],
    )
    return MAIL.act(
        request,
        mail_id,
        form,
        "status_form",
        lambda data: services.mail_status_change(
            actor=request.user, mail_id=mail_id, status=data["status"], reason=data["reason"]
        ),
    )


@require_POST
@role_required(*AGENTS)
def mail_annotate(request: HttpRequest, mail_id: int) -> HttpResponse:
    form = forms.AnnotateForm(request.POST)
    return MAIL.act(
        request,
        mail_id,
        form,
        "annotate_form",
        lambda data: services.mail_annotate(actor=request.user, mail_id=mail_id, text=data["text"]),
    )


@require_POST
@role_required(*AGENTS)
def mail_reply(request: HttpRequest, mail_id: int) -> HttpResponse:
    form = forms.ReplyForm(request.POST)
    return MAIL.act(
        request,
        mail_id,
        form,
        "reply_form",
        lambda data: services.mail_reply(
            actor=request.user, incoming_id=mail_id, subject=data["subject"], close=data["close"]
        ),
        go_to=lambda reply: int(reply.pk),
    )


@require_POST
@role_required(*AGENTS)
def mail_attach(request: HttpRequest, mail_id: int) -> HttpResponse:
    form = forms.AttachForm(request.POST, request.FILES)
    return MAIL.act(
        request,
        mail_id,
        form,
        "attach_form",
        lambda data: services.attachment_add(
            actor=request.user,
            mail_id=mail_id,
            name=data["scan"].name or "",
            content=data["scan"].read(services.MAX_ATTACHMENT_BYTES + 1),
        ),
        aliases={"content": "scan"},
    )


@require_POST
@role_required(*AGENTS)
def mail_copy(request: HttpRequest, mail_id: int) -> HttpResponse:
    form = forms.CopyForm(request.POST)
    forms.set_choices(form, "service_id", [("", "—"), *[(s[0], s[1]) for s in selectors.reference_lists()[2]]])
    return MAIL.act(
        request,
        mail_id,
        form,
        "copy_form",
        lambda data: services.mail_copy_add(
            actor=request.user,
            mail_id=mail_id,
            service_id=data["service_id"],
            official_name=data["official_name"],
            official_office=data["official_office"],
        ),
    )


@role_required(*AGENTS)
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    scan = selectors.attachment_get(viewer=request.user, attachment_id=attachment_id)
    response = HttpResponse(scan.content, content_type=scan.content_type)
    response["Content-Disposition"] = content_disposition_header(False, scan.name) or "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@role_required(*AGENTS)
def task_add(request: HttpRequest, mail_id: int) -> HttpResponse:
    form = forms.TaskForm(request.POST)
    forms.set_choices(
        form, "assignee_id", [("", "—"), *_members(selectors.mail_get(viewer=request.user, mail_id=mail_id))]
    )
    return MAIL.act(
        request,
        mail_id,
        form,
        "task_form",
        lambda data: services.task_add(
            actor=request.user,
            mail_id=mail_id,
            title=data["title"],
            due_date=data["due_date"],
            assignee_id=data["assignee_id"],
        ),
    )


@require_POST
@role_required(*AGENTS)
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    to_list = request.POST.get("next") == "tasks"
    return form_action(
        forms.TaskDoneForm(request.POST),
        lambda d: services.task_complete(actor=request.user, task_id=task_id, note=d["note"]),
        done=lambda task: (
            reverse("courrier:task-list") if to_list else reverse("courrier:mail-detail", args=[task.mail_id])
        ),
        again=lambda bound: _task_page(request, bound),
    )


@role_required(*AGENTS)
def task_list(request: HttpRequest) -> HttpResponse:
    return _task_page(request, None)


def _task_page(request: HttpRequest, refused: Any) -> HttpResponse:
    tasks = selectors.tasks_open(viewer=request.user, mine_only=request.GET.get("mine") == "1")
    status = 400 if refused is not None else 200
    return render(request, "courrier/task_list.html", {"tasks": tasks, "refused": refused}, status=status)


@require_POST
@role_required(*AGENTS)
def mail_receipt_email(request: HttpRequest, mail_id: int) -> HttpResponse:

    def send(d: dict[str, Any]) -> object:
        detail = selectors.mail_get(viewer=request.user, mail_id=mail_id)
        pdf, filename = documents.receipt_for(request=request, detail=detail)
        return services.mail_receipt_email(actor=request.user, mail_id=mail_id, to=d["to"], pdf=pdf, filename=filename)

    return form_action(
        forms.EmailReceiptForm(request.POST),
        send,
        done=reverse("courrier:mail-detail", args=[mail_id]) + "?emailed=1",
        again=lambda bound: _detail_page(request, mail_id, email_form=bound),
    )


@role_required(*AGENTS)
def mail_late(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "courrier/mail_late.html",
        {
            "board": selectors.late_dashboard(viewer=request.user),
            "rows": selectors.mail_late(viewer=request.user),
        },
    )


@role_required(*AGENTS)
def mail_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    return render(
        request,
        "courrier/mail_search.html",
        {
            "q": query,
            "rows": selectors.mail_search(viewer=request.user, text=query),
        },
    )


@role_required(permissions.CLERK)
def correspondent_suggest(request: HttpRequest) -> JsonResponse:
    found = selectors.correspondent_suggest(viewer=request.user, text=request.GET.get("q", ""))
    return JsonResponse({"results": [{"id": i, "name": n, "identifier": ident} for i, n, ident in found]})


@role_required(permissions.CLERK, permissions.SERVICE)
def mail_receipt(request: HttpRequest, mail_id: int) -> HttpResponse:
    detail = selectors.mail_get(viewer=request.user, mail_id=mail_id)
    pdf, filename = documents.receipt_for(request=request, detail=detail)
    return _pdf(pdf, filename)


@role_required(permissions.CLERK)
def day_register(request: HttpRequest) -> HttpResponse:
    day = date_param(request.GET.get("day"), timezone.localdate())
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
