"""The civil registry's API: search and read acts, draft and sign, notes, documents, the national export.

Thin: input serializer → one service or selector → output serializer. Errors go through the project's handler.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.inputs import query_params

from . import permissions, search, selectors, services
from .models import ActKind, DocumentKind, NoteKind


def _user(request: Request) -> Any:
    return request.user


class ActOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField(source="register.year")
    bureau = serializers.CharField(source="register.bureau.code")
    given_name_ar = serializers.CharField()
    family_name_ar = serializers.CharField()
    given_name_fr = serializers.CharField()
    family_name_fr = serializers.CharField()
    event_date = serializers.DateField(allow_null=True)
    place_ar = serializers.CharField()
    place_fr = serializers.CharField()
    sex = serializers.CharField()
    father_name_ar = serializers.CharField()
    father_name_fr = serializers.CharField()
    mother_name_ar = serializers.CharField()
    mother_name_fr = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)


class ActInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    bureau_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ActKind.choices)
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    given_name_ar = serializers.CharField(max_length=120)
    family_name_ar = serializers.CharField(max_length=120)
    given_name_fr = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    family_name_fr = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    event_date = serializers.DateField(required=False, allow_null=True, default=None)
    place_ar = serializers.CharField(required=False, default="", allow_blank=True)
    place_fr = serializers.CharField(required=False, default="", allow_blank=True)
    sex = serializers.ChoiceField(choices=[("", ""), ("M", "M"), ("F", "F")], required=False, default="")
    father_name_ar = serializers.CharField(required=False, default="", allow_blank=True)
    father_name_fr = serializers.CharField(required=False, default="", allow_blank=True)
    mother_name_ar = serializers.CharField(required=False, default="", allow_blank=True)
    mother_name_fr = serializers.CharField(required=False, default="", allow_blank=True)
    declarant_name = serializers.CharField(required=False, default="", allow_blank=True)
    declarant_relationship = serializers.CharField(required=False, default="", allow_blank=True)
    birth_act_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class ActDraftCreateApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsCivilRegistryStaff]

    @extend_schema(request=ActInputSerializer, responses={201: ActOutputSerializer}, summary="Draft an act")
    def post(self, request: Request) -> Response:
        data = ActInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        bureau_id, kind, year = values.pop("bureau_id"), values.pop("kind"), values.pop("year")
        act = services.act_draft_create(
            actor=_user(request), bureau_id=bureau_id, kind=kind, year=year, data=services.ActInput(**values)
        )
        return Response(ActOutputSerializer(selectors.act_get(act_id=act.pk)).data, status=status.HTTP_201_CREATED)


class ActSignApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsCivilRegistryStaff]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        acknowledge_flags = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses=ActOutputSerializer, summary="Sign a draft (numbers it)")
    def post(self, request: Request, act_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        act = services.act_sign(officer=_user(request), act_id=act_id, **data.validated_data)
        return Response(ActOutputSerializer(selectors.act_get(act_id=act.pk)).data)


class ActReadApi(APIView):
    """The full act with its marginal notes. Journalled: say why in `reason`."""

    permission_classes = [IsAuthenticated, permissions.IsCivilRegistryStaff]

    class NoteSerializer(serializers.Serializer):  # type: ignore[type-arg]
        id = serializers.IntegerField()
        kind = serializers.CharField()
        text_ar = serializers.CharField()
        text_fr = serializers.CharField()
        authority = serializers.CharField()
        document_number = serializers.CharField()
        document_date = serializers.DateField()
        noted_on = serializers.DateField()

    @extend_schema(parameters=[OpenApiParameter("reason", str, required=True)], responses=ActOutputSerializer)
    def get(self, request: Request, act_id: int) -> Response:
        act = services.act_full_read(user=_user(request), act_id=act_id, reason=request.query_params.get("reason", ""))
        body = dict(ActOutputSerializer(act).data)
        body["notes"] = self.NoteSerializer(selectors.act_notes(act_id=act.pk), many=True).data
        return Response(body)


class ActSearchApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsCivilRegistryStaff]

    class HitSerializer(serializers.Serializer):  # type: ignore[type-arg]
        act_id = serializers.IntegerField()
        kind = serializers.CharField()
        number = serializers.IntegerField(allow_null=True)
        year = serializers.IntegerField()
        score = serializers.FloatField()

    class Query(serializers.Serializer):  # type: ignore[type-arg]
        q = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=200, help_text="a name in Arabic or Latin script"
        )
        kind = serializers.ChoiceField(choices=ActKind.choices, required=False, default="", allow_blank=True)
        year_from = serializers.IntegerField(required=False, default=None, allow_null=True, min_value=1, max_value=9999)
        year_to = serializers.IntegerField(required=False, default=None, allow_null=True, min_value=1, max_value=9999)
        father = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
        mother = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
        year = serializers.IntegerField(
            required=False, default=None, allow_null=True, min_value=1, max_value=9999, help_text="with number"
        )
        number = serializers.IntegerField(
            required=False,
            default=None,
            allow_null=True,
            min_value=1,
            max_value=2_147_483_647,
            help_text="with kind and year: exact lookup",
        )

    @extend_schema(parameters=[Query], responses=HitSerializer(many=True), summary="Find acts by number or by name")
    def get(self, request: Request) -> Response:
        p = query_params(self.Query, request.query_params)
        kind = p["kind"] or None
        if p["number"] is not None and kind and p["year"] is not None:
            acts = selectors.act_find(kind=kind, year=p["year"], number=p["number"])
            return Response(
                [
                    {"act_id": a.pk, "kind": a.kind, "number": a.number, "year": a.register.year, "score": 1.0}
                    for a in acts
                ]
            )
        hits = search.search_acts(
            text=p["q"],
            kind=kind,
            year_from=p["year_from"],
            year_to=p["year_to"],
            father=p["father"],
            mother=p["mother"],
        )
        return Response([h.__dict__ | {"highlight": str(h.highlight)} for h in hits])


class NoteAddApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsCivilRegistryStaff]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=NoteKind.choices)
        text_ar = serializers.CharField()
        text_fr = serializers.CharField(required=False, default="", allow_blank=True)
        authority = serializers.CharField()
        document_number = serializers.CharField()
        document_date = serializers.DateField()

    @extend_schema(request=InputSerializer, responses={201: ActReadApi.NoteSerializer}, summary="Add a marginal note")
    def post(self, request: Request, act_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.note_add(officer=_user(request), act_id=act_id, **data.validated_data)
        return Response(ActReadApi.NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class DocumentIssueApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsCivilRegistryStaff]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=DocumentKind.choices)
        requester_name = serializers.CharField()
        requester_capacity = serializers.CharField()
        fee_dh = serializers.DecimalField(max_digits=8, decimal_places=2, required=False, default=Decimal("0"))

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        id = serializers.IntegerField()
        kind = serializers.CharField()
        verification_code = serializers.CharField()
        issued_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, summary="Issue a document")
    def post(self, request: Request, act_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.document_issue(officer=_user(request), act_id=act_id, **data.validated_data)
        return Response(self.OutputSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentPdfApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsCivilRegistryStaff]

    @extend_schema(responses={(200, "application/pdf"): bytes}, summary="The PDF of an issued document")
    def get(self, request: Request, document_id: int) -> HttpResponse:
        _document, pdf = services.document_pdf_read(  # journalled, as on the page
            user=_user(request), document_id=document_id, base_url=request.build_absolute_uri("/")
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="document-{document_id}.pdf"'
        return response


class RegisterExportApi(APIView):
    """Acts and notes waiting for the national register, in the documented export format."""

    permission_classes = [IsAuthenticated, permissions.IsCivilRegistryStaff]

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        id = serializers.IntegerField()
        status = serializers.CharField()
        payload = serializers.DictField(help_text="the act or note in the export format (docs/modules/etatcivil.md)")
        created_at = serializers.DateTimeField()

    @extend_schema(responses=OutputSerializer(many=True), summary="Pending exports to the national register (RNEC)")
    def get(self, request: Request) -> Response:
        items = services.register_export_read(user=_user(request))  # every act shown is journalled
        return Response(
            [{"id": i.pk, "status": i.status, "payload": i.payload, "created_at": i.created_at} for i in items]
        )
