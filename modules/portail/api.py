"""The API of the citizen portal: public reads (datasets, publications, a request's status by number + CIN) and
the staff's operations (the desk, publishing, the elected officials' dashboard). One view per operation, input
serializer → one service/selector → output; no ORM, no try/except."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.inputs import query_params
from jamaa.platform.kernel import portal as kernel_portal
from jamaa.platform.kernel.api import api_call, error_response, validated
from jamaa.platform.security import client_ip

from . import exceptions, limits, permissions, selectors, services
from .models import Outcome, PublicationKind, RequestStatus


def _enabled(request: Request) -> tuple[str, ...]:
    return tuple(request.tenant.enabled_modules)  # type: ignore[attr-defined]


class DatasetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    title_fr = serializers.CharField()
    title_ar = serializers.CharField()
    description_fr = serializers.CharField()
    description_ar = serializers.CharField()
    csv_url = serializers.CharField()
    json_url = serializers.CharField()
    schema_url = serializers.CharField()
    licence = serializers.CharField()


class PublicDatasetListApi(APIView):
    """The commune's open datasets (the DCAT catalogue is at /portail/data/catalog.json)."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(responses=DatasetSerializer(many=True), summary="Open datasets")
    def get(self, request: Request) -> Response:
        rows = [
            {
                "code": ds.code,
                "title_fr": ds.title_fr,
                "title_ar": ds.title_ar,
                "description_fr": ds.description_fr,
                "description_ar": ds.description_ar,
                "csv_url": f"/portail/data/{ds.code}.csv",
                "json_url": f"/portail/data/{ds.code}.json",
                "schema_url": f"/portail/data/{ds.code}.schema.json",
                "licence": kernel_portal.LICENCE_URL,
            }
            for ds in kernel_portal.datasets(enabled=_enabled(request))
        ]
        return Response(DatasetSerializer(rows, many=True).data)


class PublicationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title_fr = serializers.CharField()
    title_ar = serializers.CharField()
    body_fr = serializers.CharField()
    body_ar = serializers.CharField()
    published_on = serializers.DateField()
    session_date = serializers.DateField(allow_null=True)
    number = serializers.CharField()
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    votes_abstain = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField()


class PublicPublicationListApi(APIView):
    """News and council decisions (with their votes) as published on the portal."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class Query(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=PublicationKind.choices, required=False, default="")

    @extend_schema(parameters=[Query], responses=PublicationSerializer(many=True), summary="Publications")
    def get(self, request: Request) -> Response:
        params = query_params(self.Query, request.query_params)
        items = selectors.publications(kind=params["kind"], limit=100)
        return Response(PublicationSerializer(items, many=True).data)


class TrackingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField()
    kind_fr = serializers.CharField()
    kind_ar = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    submitted_on = serializers.DateField()
    deadline = serializers.DateField()
    late = serializers.BooleanField()
    document_code = serializers.CharField()
    mail_status = serializers.CharField()


class PublicTrackApi(APIView):
    """A request's status by its tracking number and the CIN given with it (or the récépissé's code). No name, no
    text. 404 when either does not match; 429 past 30 lookups per 10 minutes from one address."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reference = serializers.CharField(max_length=30)
        secret = serializers.CharField(max_length=20, help_text="The CIN given with the request, or the receipt code.")

    @extend_schema(request=InputSerializer, responses=TrackingSerializer, summary="Follow a request")
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        if not limits.hit(scope="track", key=client_ip(request), limit=limits.TRACK_PER_IP):
            return error_response(exceptions.TooManyAttempts())

        def track() -> selectors.Tracking:
            found = selectors.request_track(reference=data["reference"], secret=data["secret"])
            if found is None:
                raise exceptions.RequestNotFound()
            return found

        return api_call(track, output=TrackingSerializer)


class RequestLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    submitted_on = serializers.DateField()
    deadline = serializers.DateField()
    late = serializers.BooleanField()
    public_note = serializers.CharField()
    document_code = serializers.CharField()


class DeskLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    request = RequestLineSerializer(source="line")
    citizen_name = serializers.CharField()
    cin = serializers.CharField()
    cin_verified = serializers.BooleanField()


class EventSerializer(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()


class DeskDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    request = RequestLineSerializer(source="line")
    citizen_name = serializers.CharField()
    contact = serializers.CharField()
    cin = serializers.CharField()
    cin_verified = serializers.BooleanField()
    details = serializers.DictField(child=serializers.CharField())
    events = EventSerializer(many=True)
    allowed = serializers.ListField(child=serializers.CharField())
    mail_id = serializers.IntegerField()


class DeskRequestListApi(APIView):
    """Online requests for the portal's agents (open ones by default), oldest deadline first."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class Query(serializers.Serializer):  # type: ignore[type-arg]
        status = serializers.ChoiceField(choices=RequestStatus.choices, required=False, default="")

    @extend_schema(parameters=[Query], responses=DeskLineSerializer(many=True), summary="Online requests")
    def get(self, request: Request) -> Response:
        params = query_params(self.Query, request.query_params)
        return api_call(
            lambda: selectors.desk_list(viewer=request.user, status=params["status"]),
            output=DeskLineSerializer,
            many=True,
        )


class DeskRequestDetailApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    @extend_schema(responses=DeskDetailSerializer, summary="One online request")
    def get(self, request: Request, request_id: int) -> Response:
        return api_call(
            lambda: selectors.desk_get(viewer=request.user, request_id=request_id), output=DeskDetailSerializer
        )


class DeskRequestStatusApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        status = serializers.ChoiceField(choices=RequestStatus.choices)
        note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses=DeskDetailSerializer, summary="Change a request's status")
    def post(self, request: Request, request_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def change() -> Any:
            services.request_status_change(actor=request.user, request_id=request_id, **data)
            return selectors.desk_get(viewer=request.user, request_id=request_id)

        return api_call(change, output=DeskDetailSerializer)


class DeskRequestIssueApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        quittance_code = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
        fee_dh = serializers.DecimalField(
            max_digits=8, decimal_places=2, min_value=Decimal("0"), required=False, default=Decimal("0")
        )

    @extend_schema(request=InputSerializer, responses=DeskDetailSerializer, summary="Issue the requested document")
    def post(self, request: Request, request_id: int) -> Response:
        data = validated(self.InputSerializer, request.data)

        def issue() -> Any:
            services.request_document_issue(actor=request.user, request_id=request_id, **data)
            return selectors.desk_get(viewer=request.user, request_id=request_id)

        return api_call(issue, output=DeskDetailSerializer)


class PublicationCreateApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsEditor]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=PublicationKind.choices)
        title_fr = serializers.CharField(max_length=200)
        title_ar = serializers.CharField(max_length=200)
        body_fr = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
        body_ar = serializers.CharField(required=False, default="", allow_blank=True, max_length=20000)
        session_date = serializers.DateField(required=False, allow_null=True, default=None)
        number = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
        votes_for = serializers.IntegerField(min_value=0, max_value=999, required=False, allow_null=True, default=None)
        votes_against = serializers.IntegerField(
            min_value=0, max_value=999, required=False, allow_null=True, default=None
        )
        votes_abstain = serializers.IntegerField(
            min_value=0, max_value=999, required=False, allow_null=True, default=None
        )
        outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: PublicationSerializer}, summary="Publish")
    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)

        def publish() -> Any:
            p = services.publication_publish(actor=request.user, data=services.PublicationInput(**data))
            return selectors.publication_get(publication_id=p.pk)

        return api_call(publish, output=PublicationSerializer, status=201)


class IndicatorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label_fr = serializers.CharField()
    label_ar = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    late = serializers.IntegerField()
    unit = serializers.CharField()
    url = serializers.CharField()


class DashboardApi(APIView):
    """The elected officials' indicators for this month, from every enabled module."""

    permission_classes = [IsAuthenticated, permissions.IsElected]

    @extend_schema(responses=IndicatorSerializer(many=True), summary="Elected officials' dashboard")
    def get(self, request: Request) -> Response:
        return api_call(
            lambda: selectors.dashboard(viewer=request.user, enabled=_enabled(request)),
            output=IndicatorSerializer,
            many=True,
        )
