"""The API of the police administrative: one view per operation, input serializer → one service/selector →
output serializer. No ORM, no try/except (the kernel's api_call and the project's exception handler give the
{code, message, extra} shape). Every endpoint is described for the OpenAPI schema (drf-spectacular)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.kernel.api import api_call, validated

from . import exceptions, permissions, selectors, services
from .models import (
    AuthorisationStatus,
    Kind,
    OccupationType,
    Opinion,
    OwnerKind,
    RequestStatus,
    SanctionKind,
)


class EstablishmentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    activity_code = serializers.CharField(source="activity.code")
    nuisance_class = serializers.CharField(source="activity.nuisance_class")
    address = serializers.CharField()
    owner_kind = serializers.CharField()
    owner_name = serializers.CharField()
    owner_cin = serializers.CharField()
    owner_ice = serializers.CharField()
    owner_rc = serializers.CharField()


class AvisSerializer(serializers.Serializer):  # type: ignore[type-arg]
    member_name = serializers.CharField()
    member_service = serializers.CharField()
    opinion = serializers.CharField()
    remarks = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class RequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    establishment_id = serializers.IntegerField()
    nuisance_class = serializers.CharField()
    occupation_type = serializers.CharField()
    surface_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    mail_reference = serializers.CharField()
    status = serializers.CharField()
    decision_reason = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class RequestDetailSerializer(RequestSerializer):
    avis = AvisSerializer(many=True, source="avis.all")


class PeriodSerializer(serializers.Serializer):  # type: ignore[type-arg]
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    ordre_reference = serializers.CharField()
    amount_dh = serializers.DecimalField(max_digits=12, decimal_places=2)
    ordre_status = serializers.CharField()
    recovered_dh = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid = serializers.BooleanField()


class AuthorisationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    code = serializers.CharField()
    request_id = serializers.IntegerField()
    establishment_id = serializers.IntegerField()
    holder_name = serializers.CharField()
    activity_label = serializers.CharField()
    occupation_type = serializers.CharField()
    surface_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    conditions = serializers.CharField()
    fee_tax_code = serializers.CharField()
    fee_on_declarations = serializers.BooleanField(help_text="the tax is declared: no ordre per period")
    regie_asset_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    granted_at = serializers.DateTimeField()


class AuthorisationDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    authorisation = AuthorisationSerializer()
    periods = PeriodSerializer(many=True)


class SanctionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    reason = serializers.CharField()
    deadline = serializers.DateField()
    amount_dh = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    ordre_reference = serializers.CharField(help_text="a fine's ordre de recette in the régie (empty otherwise)")
    outcome = serializers.CharField()


class InspectionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    code = serializers.CharField()
    establishment_id = serializers.IntegerField()
    authorisation_id = serializers.IntegerField(allow_null=True)
    findings = serializers.CharField()
    compliant = serializers.BooleanField()
    measured_surface_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    inspected_at = serializers.DateTimeField()
    sanctions = SanctionSerializer(many=True, source="sanctions.all")


class RegisterRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField()
    kind = serializers.CharField()
    holder = serializers.CharField()
    establishment = serializers.CharField()
    activity = serializers.CharField()
    address = serializers.CharField()
    surface_m2 = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


def _blank(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, default="", allow_blank=True)


# --- Establishments ------------------------------------------------------------------------------------------


class EstablishmentListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=False)], responses=EstablishmentSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return api_call(
            lambda: selectors.establishment_list(viewer=request.user, q=request.query_params.get("q", ""))[:100],
            output=EstablishmentSerializer,
            many=True,
        )


class EstablishmentCreateApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        name = serializers.CharField(max_length=200)
        activity_code = serializers.CharField(max_length=40)
        address = serializers.CharField(max_length=300)
        owner_kind = serializers.ChoiceField(choices=OwnerKind.choices)
        owner_name = serializers.CharField(max_length=200)
        owner_cin = _blank(20)
        owner_rc = _blank(30)
        owner_ice = _blank(15)
        owner_phone = _blank(30)
        owner_email = serializers.EmailField(required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: EstablishmentSerializer})
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        return api_call(
            lambda: services.establishment_create(actor=request.user, data=services.EstablishmentInput(**data)),
            output=EstablishmentSerializer,
            status=201,
        )


# --- Requests ----------------------------------------------------------------------------------------------


def _request(viewer: Any, request_id: int) -> Any:
    return selectors.request_get(viewer=viewer, request_id=request_id)


class RequestListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, required=False, enum=RequestStatus.values),
            OpenApiParameter("kind", str, required=False, enum=Kind.values),
        ],
        responses=RequestSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return api_call(
            lambda: selectors.request_list(
                viewer=request.user,
                status=request.query_params.get("status") or None,
                kind=request.query_params.get("kind") or None,
            )[:200],
            output=RequestSerializer,
            many=True,
        )


class RequestSubmitApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=Kind.choices)
        establishment_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        period_start = serializers.DateField()
        period_end = serializers.DateField()
        occupation_type = serializers.ChoiceField(
            choices=[("", "—"), *OccupationType.choices], required=False, default=""
        )
        surface_m2 = serializers.DecimalField(
            max_digits=8, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
        )
        description = _blank(500)

    @extend_schema(request=InputSerializer, responses={201: RequestDetailSerializer})
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)

        def submit() -> Any:
            created = services.request_submit(actor=request.user, data=services.RequestInput(**data))
            return _request(request.user, created.pk)

        return api_call(submit, output=RequestDetailSerializer, status=201)


class RequestDetailApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    @extend_schema(responses=RequestDetailSerializer)
    def get(self, request: Request, request_id: int) -> Response:
        return api_call(lambda: _request(request.user, request_id), output=RequestDetailSerializer)


class InquiryOpenApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        opened_on = serializers.DateField()
        closes_on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=RequestDetailSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def run() -> Any:
            services.inquiry_open(actor=request.user, request_id=request_id, **data)
            return _request(request.user, request_id)

        return api_call(run, output=RequestDetailSerializer)


class ObjectionApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        author = serializers.CharField(max_length=200)
        text = serializers.CharField(max_length=2000)

    @extend_schema(request=InputSerializer, responses={201: RequestDetailSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def run() -> Any:
            services.objection_record(actor=request.user, request_id=request_id, **data)
            return _request(request.user, request_id)

        return api_call(run, output=RequestDetailSerializer, status=201)


class InquiryCloseApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        conclusion = serializers.CharField(max_length=1000)

    @extend_schema(request=InputSerializer, responses=RequestDetailSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def run() -> Any:
            services.inquiry_close(actor=request.user, request_id=request_id, **data)
            return _request(request.user, request_id)

        return api_call(run, output=RequestDetailSerializer)


class CommissionApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(request=None, responses=RequestDetailSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        def run() -> Any:
            services.request_to_commission(actor=request.user, request_id=request_id)
            return _request(request.user, request_id)

        return api_call(run, output=RequestDetailSerializer)


class AvisApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        member_name = serializers.CharField(max_length=200)
        member_service = serializers.CharField(max_length=200)
        opinion = serializers.ChoiceField(choices=Opinion.choices)
        remarks = _blank(1000)

    @extend_schema(request=InputSerializer, responses={201: RequestDetailSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def run() -> Any:
            services.avis_record(actor=request.user, request_id=request_id, **data)
            return _request(request.user, request_id)

        return api_call(run, output=RequestDetailSerializer, status=201)


def _authorisation(viewer: Any, authorisation_id: int) -> dict[str, Any]:
    return {
        "authorisation": selectors.authorisation_get(viewer=viewer, authorisation_id=authorisation_id),
        "periods": selectors.revenue_periods(viewer=viewer, authorisation_id=authorisation_id),
    }


class GrantApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsDecider]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        valid_from = serializers.DateField()
        valid_until = serializers.DateField()
        conditions = _blank(2000)
        surface_m2 = serializers.DecimalField(
            max_digits=8, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
        )

    @extend_schema(request=InputSerializer, responses={201: AuthorisationDetailSerializer})
    def post(self, request: Request, request_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def run() -> Any:
            granted = services.request_grant(
                actor=request.user, request_id=request_id, data=services.GrantInput(**data)
            )
            return _authorisation(request.user, granted.pk)

        return api_call(run, output=AuthorisationDetailSerializer, status=201)


class RefuseApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsDecider]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reason = serializers.CharField(max_length=1000)

    @extend_schema(request=InputSerializer, responses=RequestDetailSerializer)
    def post(self, request: Request, request_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def run() -> Any:
            services.request_refuse(actor=request.user, request_id=request_id, **data)
            return _request(request.user, request_id)

        return api_call(run, output=RequestDetailSerializer)


# --- Authorisations ----------------------------------------------------------------------------------------


class AuthorisationListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    @extend_schema(
        parameters=[OpenApiParameter("status", str, required=False, enum=AuthorisationStatus.values)],
        responses=AuthorisationSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return api_call(
            lambda: selectors.authorisation_list(viewer=request.user, status=request.query_params.get("status"))[:200],
            output=AuthorisationSerializer,
            many=True,
        )


class AuthorisationDetailApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    @extend_schema(responses=AuthorisationDetailSerializer)
    def get(self, request: Request, authorisation_id: int) -> Response:
        return api_call(lambda: _authorisation(request.user, authorisation_id), output=AuthorisationDetailSerializer)


class AuthorisationDecideApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsDecider]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        to_status = serializers.ChoiceField(choices=["suspended", "withdrawn", "active"])
        reason = serializers.CharField(max_length=1000)
        decision = serializers.CharField(max_length=100)

    @extend_schema(request=InputSerializer, responses=AuthorisationDetailSerializer)
    def post(self, request: Request, authorisation_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def run() -> Any:
            services.authorisation_decide(actor=request.user, authorisation_id=authorisation_id, **data)
            return _authorisation(request.user, authorisation_id)

        return api_call(run, output=AuthorisationDetailSerializer)


# --- Inspections -------------------------------------------------------------------------------------------


class PhotoInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(max_length=200)
    content_base64 = serializers.CharField(max_length=12_000_000)


class InspectionRecordApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsInspector]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        establishment_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
        authorisation_id = serializers.IntegerField(
            required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1
        )
        findings = serializers.CharField(max_length=4000)
        compliant = serializers.BooleanField()
        measured_surface_m2 = serializers.DecimalField(
            max_digits=8, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
        )
        latitude = serializers.DecimalField(
            max_digits=9, decimal_places=6, required=False, allow_null=True, default=None, min_value=-90, max_value=90
        )
        longitude = serializers.DecimalField(
            max_digits=9, decimal_places=6, required=False, allow_null=True, default=None, min_value=-180, max_value=180
        )
        photos = PhotoInputSerializer(many=True, required=False, default=list)

    @extend_schema(request=InputSerializer, responses={201: InspectionSerializer})
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        photos = []
        for index, photo in enumerate(data.pop("photos")):
            try:
                content = base64.b64decode(photo["content_base64"], validate=True)
            except (binascii.Error, ValueError):
                raise exceptions.Invalid(extra={"fields": {"photos": {str(index): ["Not base64."]}}}) from None
            photos.append(services.PhotoInput(name=photo["name"], content=content))

        def run() -> Any:
            created = services.inspection_record(
                actor=request.user, data=services.InspectionInput(**data), photos=tuple(photos)
            )
            return selectors.inspection_get(viewer=request.user, inspection_id=created.pk)

        return api_call(run, output=InspectionSerializer, status=201)


class InspectionDetailApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    @extend_schema(responses=InspectionSerializer)
    def get(self, request: Request, inspection_id: int) -> Response:
        return api_call(
            lambda: selectors.inspection_get(viewer=request.user, inspection_id=inspection_id),
            output=InspectionSerializer,
        )


class SanctionApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=SanctionKind.choices)
        reason = serializers.CharField(max_length=1000)
        deadline = serializers.DateField()
        amount_dh = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, allow_null=True, default=None, min_value=0
        )
        decision = _blank(100)

    @extend_schema(request=InputSerializer, responses={201: InspectionSerializer})
    def post(self, request: Request, inspection_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def run() -> Any:
            services.sanction_impose(actor=request.user, inspection_id=inspection_id, **data)
            return selectors.inspection_get(viewer=request.user, inspection_id=inspection_id)

        return api_call(run, output=InspectionSerializer, status=201)


class RegisterApi(APIView):
    """The public register of authorisations in force (no identifiers), for the portal."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, required=False, enum=Kind.values)],
        responses=RegisterRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return api_call(
            lambda: selectors.register_in_force(kind=request.query_params.get("kind") or None),
            output=RegisterRowSerializer,
            many=True,
        )
