"""Redevables and their biens/activités."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from ..models import AssetKind
from .common import StaffApi, SupervisorApi, _body, _query, _user
from .reference import TextField
from .serializers import AssetSerializer, RedevableSerializer


class RedevableListCreateApi(StaffApi):
    class Query(serializers.Serializer):  # type: ignore[type-arg]
        q = serializers.CharField(required=False, default="", allow_blank=True)
        limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=100)

    class RegieRedevableListCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        name = TextField(max_length=200)
        cin = TextField(max_length=20, required=False, default="", allow_blank=True)
        rc = TextField(max_length=30, required=False, default="", allow_blank=True)
        ice = TextField(max_length=20, required=False, default="", allow_blank=True)
        address = TextField(max_length=300, required=False, default="", allow_blank=True)

    @extend_schema(parameters=[Query], responses=RedevableSerializer(many=True), summary="Find redevables")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        return Response(RedevableSerializer(selectors.redevable_search(q=q["q"], limit=q["limit"]), many=True).data)

    @extend_schema(
        request=RegieRedevableListCreateInputSerializer,
        responses={201: RedevableSerializer},
        summary="Register a redevable",
    )
    def post(self, request: Request) -> Response:
        redevable = services.redevable_create(
            actor=_user(request), **_body(self.RegieRedevableListCreateInputSerializer, request)
        )
        return Response(RedevableSerializer(redevable).data, status=status.HTTP_201_CREATED)


class RedevableDetailSerializer(RedevableSerializer):
    assets = AssetSerializer(many=True)


class RedevableReadApi(StaffApi):
    @extend_schema(responses=RedevableDetailSerializer, summary="A redevable with its biens and activités")
    def get(self, request: Request, redevable_id: int) -> Response:
        redevable = selectors.redevable_get(redevable_id=redevable_id)
        body = dict(RedevableSerializer(redevable).data)
        body["assets"] = AssetSerializer(selectors.assets_of(redevable_id=redevable.pk), many=True).data
        return Response(body)


class AssetCreateApi(StaffApi):
    class RegieAssetCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=AssetKind.choices)
        reference = serializers.CharField(max_length=60)
        label = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)  # type: ignore[assignment]
        address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
        surface_m2 = serializers.DecimalField(
            max_digits=12, decimal_places=2, required=False, default=None, allow_null=True
        )
        category = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
        tax_id = serializers.IntegerField(required=False, default=None, allow_null=True)

    @extend_schema(
        request=RegieAssetCreateInputSerializer, responses={201: AssetSerializer}, summary="Add a bien or activité"
    )
    def post(self, request: Request, redevable_id: int) -> Response:
        asset = services.asset_create(
            actor=_user(request), redevable_id=redevable_id, **_body(self.RegieAssetCreateInputSerializer, request)
        )
        return Response(AssetSerializer(asset).data, status=status.HTTP_201_CREATED)


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(allow_blank=True)


class AssetDeactivateApi(SupervisorApi):
    @extend_schema(
        request=ReasonSerializer,
        responses=AssetSerializer,
        summary="Take a bien or activité off (régisseur; kept, with the reason)",
    )
    def post(self, request: Request, asset_id: int) -> Response:
        asset = services.asset_deactivate(actor=_user(request), asset_id=asset_id, **_body(ReasonSerializer, request))
        return Response(AssetSerializer(asset).data)
