"""Ordres de recette and bordereaux."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from ..models import OrdreStatus
from .common import SupervisorApi, _body, _query, _regie_id, _user, money
from .reference import RegieQuery
from .serializers import BordereauSerializer, OrdreDetailSerializer, OrdreSerializer

# --- Ordres de recette and bordereaux -----------------------------------------------------------------------


class ExerciceQuery(RegieQuery):
    exercice = serializers.IntegerField(required=False, default=None, allow_null=True, min_value=2000)


class OrdreListCreateApi(SupervisorApi):
    class Query(ExerciceQuery):
        status = serializers.ChoiceField(choices=OrdreStatus.choices, required=False, default=None, allow_null=True)

    class RegieOrdreLineInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        redevable_id = serializers.IntegerField()
        amount_dh = money(required=False, default=None, allow_null=True)
        liquidation_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        asset_id = serializers.IntegerField(required=False, default=None, allow_null=True)

    class RegieOrdreListCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        exercice = serializers.IntegerField(min_value=2000)
        tax_id = serializers.IntegerField()
        subject = serializers.CharField(max_length=300)
        period = serializers.CharField(max_length=30)
        lines = serializers.ListField(child=serializers.DictField(), min_length=1)

    @extend_schema(parameters=[Query], responses=OrdreSerializer(many=True), summary="Ordres de recette")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        ordres = selectors.ordres_list(
            regie_id=_regie_id(q["regie_id"]),
            exercice=q["exercice"] or timezone.localdate().year,
            viewer=_user(request),
            status=q["status"],
        )
        return Response(OrdreSerializer(ordres, many=True).data)

    @extend_schema(
        request=RegieOrdreListCreateInputSerializer,
        responses={201: OrdreDetailSerializer},
        summary="Issue an ordre de recette",
    )
    def post(self, request: Request) -> Response:
        data = _body(self.RegieOrdreListCreateInputSerializer, request)
        lines = self.RegieOrdreLineInputSerializer(data=data.pop("lines"), many=True)
        lines.is_valid(raise_exception=True)
        data["regie_id"] = _regie_id(data["regie_id"])
        ordre = services.ordre_issue(actor=_user(request), lines=[dict(line) for line in lines.validated_data], **data)
        return Response(
            OrdreDetailSerializer(selectors.ordre_get(ordre_id=ordre.pk, viewer=_user(request))).data,
            status=status.HTTP_201_CREATED,
        )


class OrdreReadApi(SupervisorApi):
    @extend_schema(responses=OrdreDetailSerializer, summary="An ordre de recette with its lines and history")
    def get(self, request: Request, ordre_id: int) -> Response:
        return Response(OrdreDetailSerializer(selectors.ordre_get(ordre_id=ordre_id, viewer=_user(request))).data)


class OrdreTransitionApi(SupervisorApi):
    class RegieOrdreTransitionInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        to_status = serializers.ChoiceField(choices=OrdreStatus.choices)
        reason = serializers.CharField(required=False, default="", allow_blank=True)
        reference = serializers.CharField(required=False, default="", allow_blank=True, max_length=60)
        recovered_dh = money(required=False, default=None, allow_null=True)

    @extend_schema(
        request=RegieOrdreTransitionInputSerializer, responses=OrdreDetailSerializer, summary="Move an ordre de recette"
    )
    def post(self, request: Request, ordre_id: int) -> Response:
        ordre = services.ordre_transition(
            actor=_user(request), ordre_id=ordre_id, **_body(self.RegieOrdreTransitionInputSerializer, request)
        )
        return Response(OrdreDetailSerializer(selectors.ordre_get(ordre_id=ordre.pk, viewer=_user(request))).data)


class BordereauListCreateApi(SupervisorApi):
    class RegieBordereauListCreateInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        regie_id = serializers.IntegerField(required=False, default=None, allow_null=True)
        exercice = serializers.IntegerField(min_value=2000)
        ordre_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)

    @extend_schema(parameters=[ExerciceQuery], responses=BordereauSerializer(many=True), summary="Bordereaux")
    def get(self, request: Request) -> Response:
        q = _query(ExerciceQuery, request)
        bordereaux = selectors.bordereaux_list(
            regie_id=_regie_id(q["regie_id"]),
            exercice=q["exercice"] or timezone.localdate().year,
            viewer=_user(request),
        )
        return Response(BordereauSerializer(bordereaux, many=True).data)

    @extend_schema(
        request=RegieBordereauListCreateInputSerializer,
        responses={201: BordereauSerializer},
        summary="Group ordres into a bordereau",
    )
    def post(self, request: Request) -> Response:
        data = _body(self.RegieBordereauListCreateInputSerializer, request)
        data["regie_id"] = _regie_id(data["regie_id"])
        bordereau = services.bordereau_create(actor=_user(request), **data)
        return Response(
            BordereauSerializer(selectors.bordereau_get(bordereau_id=bordereau.pk, viewer=_user(request))).data,
            status=status.HTTP_201_CREATED,
        )


class BordereauTakeInChargeApi(SupervisorApi):
    class RegieBordereauTakeInChargeInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reference = serializers.CharField(max_length=60)

    @extend_schema(
        request=RegieBordereauTakeInChargeInputSerializer,
        responses=BordereauSerializer,
        summary="Record the comptable's taking in charge",
    )
    def post(self, request: Request, bordereau_id: int) -> Response:
        bordereau = services.bordereau_take_in_charge(
            actor=_user(request),
            bordereau_id=bordereau_id,
            **_body(self.RegieBordereauTakeInChargeInputSerializer, request),
        )
        return Response(
            BordereauSerializer(selectors.bordereau_get(bordereau_id=bordereau.pk, viewer=_user(request))).data
        )
