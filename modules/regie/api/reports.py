"""Reports and the Treasury export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from jamaa.platform.core import spreadsheet

from .. import selectors
from .common import SupervisorApi, _query, _regie_id, _user
from .ordres import ExerciceQuery
from .reference import RegieQuery
from .serializers import JournalSerializer, RestesSerializer

# --- Reports and the Treasury export -------------------------------------------------------------------------


class RestesApi(SupervisorApi):
    class Query(ExerciceQuery):
        as_of = serializers.DateField(required=False, default=None, allow_null=True)

    @extend_schema(parameters=[Query], responses=RestesSerializer, summary="État des restes à recouvrer")
    def get(self, request: Request) -> Response:
        q = _query(self.Query, request)
        as_of = q["as_of"] or timezone.localdate()
        report = selectors.restes_a_recouvrer(
            regie_id=_regie_id(q["regie_id"]), exercice=q["exercice"] or as_of.year, as_of=as_of, viewer=_user(request)
        )
        return Response(RestesSerializer(report).data)


class PeriodQuery(RegieQuery):
    """A day (`day`), a month (`month`=YYYY-MM), a year (`year`), or any range (`start`, `end`)."""

    day = serializers.DateField(required=False, default=None, allow_null=True)
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, default=None, allow_null=True)
    year = serializers.IntegerField(required=False, default=None, allow_null=True, min_value=2000, max_value=2200)
    start = serializers.DateField(required=False, default=None, allow_null=True)
    end = serializers.DateField(required=False, default=None, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["day"]:
            attrs["start"] = attrs["end"] = attrs["day"]
        elif attrs["month"]:
            year, month = (int(p) for p in attrs["month"].split("-"))
            if not (2000 <= year <= 2200 and 1 <= month <= 12):  # the bounds of `year`
                raise serializers.ValidationError({"month": ["YYYY-MM, from 2000-01 to 2200-12."]})
            attrs["start"] = dt.date(year, month, 1)
            attrs["end"] = (attrs["start"] + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        elif attrs["year"]:
            attrs["start"], attrs["end"] = dt.date(attrs["year"], 1, 1), dt.date(attrs["year"], 12, 31)
        elif not attrs["start"] or not attrs["end"]:
            attrs["start"] = attrs["end"] = attrs["start"] or attrs["end"] or timezone.localdate()
        if attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": ["On or after start."]})
        return attrs


class JournalApi(SupervisorApi):
    @extend_schema(parameters=[PeriodQuery], responses=JournalSerializer, summary="Journal per budget line")
    def get(self, request: Request) -> Response:
        q = _query(PeriodQuery, request)
        report = selectors.journal(
            regie_id=_regie_id(q["regie_id"]), start=q["start"], end=q["end"], viewer=_user(request)
        )
        return Response(JournalSerializer(report).data)


class ReceiptsCsvApi(SupervisorApi):
    """Receipts for the Treasury: UTF-8, `;`-separated, dot decimals, one row per quittance plus one negative
    row per cancellation (format in docs/modules/regie.md)."""

    class Query(PeriodQuery):
        budget_line = serializers.CharField(required=False, default=None, allow_null=True, allow_blank=True)

    @extend_schema(
        parameters=[Query],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="the receipts, CSV")},
        summary="Export the receipts (CSV for the Treasury)",
    )
    def get(self, request: Request) -> HttpResponse:
        q = _query(self.Query, request)
        out = io.StringIO()
        writer = spreadsheet.writer(out, delimiter=";", lineterminator="\r\n")  # no cell runs as a formula
        writer.writerows(
            selectors.receipts_csv(
                regie_id=_regie_id(q["regie_id"]),
                start=q["start"],
                end=q["end"],
                viewer=_user(request),
                budget_line=q["budget_line"] or None,
            )
        )
        response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="recettes-{q["start"]}-{q["end"]}.csv"'
        return response
