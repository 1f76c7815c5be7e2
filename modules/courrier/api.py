"""The API of the bureau d'ordre: one view per operation, input serializer → one service/selector → output. No ORM,
no try/except (the kernel's api_call and the project's exception handler give the {code, message, extra} shape).
Every endpoint is described for the OpenAPI schema (drf-spectacular)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.inputs import id_field
from jamaa.platform.kernel.api import ServiceApi, api_call, validated

from . import documents, permissions, selectors, services
from .models import Category, CorrespondentKind, Priority, Status


class MailRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    category = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    subject = serializers.CharField()
    correspondent = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    confidential = serializers.BooleanField()
    reply = serializers.CharField()
    service = serializers.CharField()
    assignee = serializers.CharField()
    arrival_date = serializers.DateField(allow_null=True)
    departure_date = serializers.DateField(allow_null=True)
    limit_date = serializers.DateField(allow_null=True)
    registered_at = serializers.DateTimeField()
    late = serializers.BooleanField()


class HistoryLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    at = serializers.DateTimeField()
    by = serializers.CharField()
    what = serializers.CharField()
    detail = serializers.CharField()


class AttachmentLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class TaskLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    mail_id = serializers.IntegerField()
    mail_reference = serializers.CharField()
    title = serializers.CharField()
    assignee = serializers.CharField()
    service = serializers.CharField()
    due_date = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.CharField()
    done_note = serializers.CharField()
    late = serializers.BooleanField()


class EmailLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    to = serializers.EmailField()
    sent = serializers.BooleanField()
    error = serializers.CharField()
    by = serializers.CharField()
    at = serializers.DateTimeField()


class MailDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    mail = MailRowSerializer()
    code = serializers.CharField()
    correspondent_kind = serializers.CharField()
    mail_type = serializers.CharField()
    mail_type_ar = serializers.CharField()
    letter_date = serializers.DateField(allow_null=True)
    closing_date = serializers.DateField(allow_null=True)
    deleted_reason = serializers.CharField()
    reply_to = serializers.CharField()
    replies = serializers.ListField(child=serializers.CharField())
    copies = serializers.ListField(child=serializers.CharField())
    annotations = HistoryLineSerializer(many=True)
    history = HistoryLineSerializer(many=True)
    attachments = AttachmentLineSerializer(many=True)
    next_statuses = serializers.ListField(child=serializers.CharField())
    tasks = TaskLineSerializer(many=True)
    correspondent_email = serializers.CharField()
    receipt_emails = EmailLineSerializer(many=True)


class CorrespondentInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.ChoiceField(choices=CorrespondentKind.choices)
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    cin = serializers.CharField(max_length=12, required=False, default="", allow_blank=True)
    ice = serializers.CharField(max_length=15, required=False, default="", allow_blank=True)
    administration_code = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)


def _detail(viewer: Any, mail_id: int) -> selectors.MailDetail:
    return selectors.mail_get(viewer=viewer, mail_id=mail_id)


class MailRegisterApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsClerk]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        category = serializers.ChoiceField(choices=Category.choices)
        subject = serializers.CharField(max_length=500)
        correspondent_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        correspondent = CorrespondentInputSerializer(required=False, allow_null=True, default=None)
        mail_type_code = serializers.CharField(required=False, default="", allow_blank=True)
        letter_date = serializers.DateField(required=False, allow_null=True, default=None)
        arrival_date = serializers.DateField(required=False, allow_null=True, default=None)
        departure_date = serializers.DateField(required=False, allow_null=True, default=None)
        priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
        confidential = serializers.BooleanField(default=False)
        reply_expected = serializers.BooleanField(default=False)
        service_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        assignee_id = serializers.IntegerField(required=False, allow_null=True, default=None)

    output, success_status = MailDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any]) -> selectors.MailDetail:
        corr = data.pop("correspondent")
        mail = services.mail_register(
            actor=request.user,
            data=services.MailInput(**data, correspondent=services.CorrespondentInput(**corr) if corr else None),
        )
        return _detail(request.user, mail.pk)


class MailListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(
        parameters=[
            OpenApiParameter("service", int, required=False),
            OpenApiParameter("status", str, required=False, enum=Status.values),
            OpenApiParameter("category", str, required=False, enum=Category.values),
        ],
        responses=MailRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        service = request.query_params.get("service")
        return api_call(
            lambda: selectors.mail_list(
                viewer=request.user,
                service_id=int(service) if service and service.isdigit() else None,
                status=request.query_params.get("status") or None,
                category=request.query_params.get("category") or None,
            ),
            output=MailRowSerializer,
            many=True,
        )


class MailDetailApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]
    method, output = "get", MailDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], mail_id: int) -> Any:
        return _detail(request.user, mail_id)


class MailRouteApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        service_id = serializers.IntegerField()
        assignee_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    output = MailDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], mail_id: int) -> selectors.MailDetail:
        services.mail_route(actor=request.user, mail_id=mail_id, **data)
        return _detail(request.user, mail_id)


class MailStatusApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        status = serializers.ChoiceField(choices=Status.choices)
        reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    output = MailDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], mail_id: int) -> selectors.MailDetail:
        services.mail_status_change(actor=request.user, mail_id=mail_id, **data)
        return _detail(request.user, mail_id)


class MailAnnotateApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        text = serializers.CharField(max_length=4000)

    output, success_status = MailDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], mail_id: int) -> selectors.MailDetail:
        services.mail_annotate(actor=request.user, mail_id=mail_id, text=data["text"])
        return _detail(request.user, mail_id)


class MailReplyApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        subject = serializers.CharField(max_length=500)
        departure_date = serializers.DateField(required=False, allow_null=True, default=None)
        close = serializers.BooleanField(default=False)

    output, success_status = MailDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], mail_id: int) -> selectors.MailDetail:
        outgoing = services.mail_reply(actor=request.user, incoming_id=mail_id, **data)
        return _detail(request.user, outgoing.pk)


class MailAttachApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        file = serializers.FileField()

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses={201: AttachmentLineSerializer})
    def post(self, request: Request, mail_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)
        upload = data["file"]

        def attach() -> selectors.AttachmentLine:
            # At most one byte past the limit is read: enough for the service to refuse an oversized scan.
            content = upload.read(services.MAX_ATTACHMENT_BYTES + 1)
            a = services.attachment_add(actor=request.user, mail_id=mail_id, name=upload.name or "", content=content)
            return selectors.AttachmentLine(id=a.pk, name=a.original_name, content_type=a.content_type, size=a.size)

        return api_call(attach, output=AttachmentLineSerializer, status=201)


class MailSearchApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(parameters=[OpenApiParameter("q", str)], responses=MailRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        text = request.query_params.get("q", "")
        return api_call(
            lambda: selectors.mail_search(viewer=request.user, text=text), output=MailRowSerializer, many=True
        )


class TaskListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(parameters=[OpenApiParameter("mine", bool)], responses=TaskLineSerializer(many=True))
    def get(self, request: Request) -> Response:
        mine = request.query_params.get("mine", "") in ("1", "true")
        return api_call(
            lambda: selectors.tasks_open(viewer=request.user, mine_only=mine), output=TaskLineSerializer, many=True
        )


class TaskAddApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        title = serializers.CharField(max_length=300)
        due_date = serializers.DateField()
        assignee_id = id_field(required=False, allow_null=True, default=None)

    output, success_status = MailDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], mail_id: int) -> selectors.MailDetail:
        services.task_add(actor=request.user, mail_id=mail_id, **data)
        return _detail(request.user, mail_id)


class TaskDoneApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    output = MailDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], task_id: int) -> selectors.MailDetail:
        task = services.task_complete(actor=request.user, task_id=task_id, note=data["note"])
        return _detail(request.user, task.mail_id)


class MailReceiptEmailApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        to = serializers.EmailField()

    output, success_status = EmailLineSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], mail_id: int) -> selectors.EmailLine:
        pdf, filename = documents.receipt_for(request=request, detail=_detail(request.user, mail_id))
        e = services.mail_receipt_email(actor=request.user, mail_id=mail_id, to=data["to"], pdf=pdf, filename=filename)
        return selectors.EmailLine(to=e.to, sent=e.sent, error=e.error, by=request.user.get_username(), at=e.at)


class MailCopyApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        service_id = id_field(required=False, allow_null=True, default=None)
        official_name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        official_office = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    output, success_status = MailDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], mail_id: int) -> selectors.MailDetail:
        services.mail_copy_add(actor=request.user, mail_id=mail_id, **data)
        return _detail(request.user, mail_id)


class AttachmentApi(APIView):
    """A scan's bytes (PDF, JPEG or PNG), for a letter the caller sees."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
        }
    )
    def get(self, request: Request, attachment_id: int) -> HttpResponse:
        scan = selectors.attachment_get(viewer=request.user, attachment_id=attachment_id)
        response = HttpResponse(scan.content, content_type=scan.content_type)
        response["Content-Disposition"] = content_disposition_header(False, scan.name) or "inline" or "inline"
        return response
