"""Central support's API on the base domain (`/api/support/…`): the fleet's health, one commune's recent errors,
alerts, and support sessions (open one: the answer carries the link to the commune's site). Staff only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.console.api import ConsoleApi
from jamaa.platform.kernel.api import api_call, error_response, validated
from jamaa.provisioning import selectors as fleet_selectors
from jamaa.tenants.selectors import commune_count, commune_url

from . import selectors, services
from .exceptions import CommuneNotFound

TAGS = ["support"]


class SupportHealthRow(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    status = serializers.CharField()
    requests = serializers.IntegerField()
    request_errors = serializers.IntegerField()
    error_rate = serializers.FloatField()
    p95_s = serializers.FloatField(allow_null=True)
    errors_24h = serializers.IntegerField()
    task_failures_24h = serializers.IntegerField()
    queue_length = serializers.IntegerField()
    queue_oldest_s = serializers.FloatField(allow_null=True)
    size_bytes = serializers.IntegerField()
    growth_7d_bytes = serializers.IntegerField(allow_null=True)
    last_backup_at = serializers.DateTimeField(allow_null=True)
    backup_age_h = serializers.FloatField(allow_null=True)
    last_migration = serializers.CharField(allow_blank=True)
    migration_failed = serializers.BooleanField()
    active_users_7d = serializers.IntegerField()
    acts_signed_30d = serializers.IntegerField()
    quittances_30d = serializers.IntegerField()
    mail_30d = serializers.IntegerField()
    last_drill_ok = serializers.BooleanField(allow_null=True)
    alerts = serializers.ListField(child=serializers.CharField())


class SupportError(serializers.Serializer):  # type: ignore[type-arg]
    at = serializers.DateTimeField()
    schema_name = serializers.CharField()
    kind = serializers.CharField()
    where = serializers.CharField()
    error = serializers.CharField()


class SupportAlert(serializers.Serializer):  # type: ignore[type-arg]
    schema_name = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    raised_at = serializers.DateTimeField()
    cleared_at = serializers.DateTimeField(allow_null=True)


class SupportSessionInput(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.SlugField()
    reason = serializers.CharField(max_length=500)
    minutes = serializers.IntegerField(min_value=1, max_value=240, default=30)
    as_username = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)


class SupportSessionOut(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    slug = serializers.CharField()
    operator_username = serializers.CharField()
    reason = serializers.CharField()
    opened_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    pages = serializers.IntegerField()


class SupportSessionOpened(SupportSessionOut):
    enter_url = serializers.CharField(help_text="open it in a browser: the commune's site, read-only")


def _health(row: selectors.HealthRow) -> dict[str, Any]:
    return SupportHealthRow({str(f): getattr(row, str(f)) for f in SupportHealthRow().fields}).data


def _session(row: selectors.SessionRow) -> dict[str, Any]:
    s = row.session
    return {
        "id": s.pk,
        "slug": s.slug,
        "operator_username": s.operator_username,
        "reason": s.reason,
        "opened_at": s.opened_at,
        "expires_at": s.expires_at,
        "ended_at": s.ended_at,
        "pages": len(row.pages),
    }


class HealthQuery(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="slug, names or region")
    offset = serializers.IntegerField(required=False, min_value=0, default=0)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=500, help_text="one page of communes (by slug); none: every commune"
    )


class HealthApi(ConsoleApi):
    @extend_schema(
        operation_id="support_health",
        summary="Every commune's health row, or one page of them",
        description="With `limit`, one page (by slug) and the count of matching communes in `X-Total-Count`: at "
        "1,503 communes the whole fleet costs seconds, a page of 25 what 25 communes cost.",
        parameters=[HealthQuery],
        responses={200: SupportHealthRow(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        query = validated(HealthQuery, request.query_params)
        search = query.get("q", "").strip()
        rows = selectors.fleet_health(search=search, offset=query["offset"], limit=query.get("limit"))
        response = Response([_health(r) for r in rows])
        response["X-Total-Count"] = str(commune_count(search=search))
        return response


class CommuneErrorsApi(ConsoleApi):
    @extend_schema(
        operation_id="support_commune_errors",
        summary="A commune's recent errors (requests and tasks)",
        responses={200: SupportError(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        row = selectors.commune_health(slug=slug)
        if row is None:
            return error_response(CommuneNotFound())
        return Response(SupportError(selectors.recent_errors(schema_name=row.schema_name), many=True).data)


class AlertsApi(ConsoleApi):
    @extend_schema(
        operation_id="support_alerts",
        summary="Open alerts of the fleet",
        responses={200: SupportAlert(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(SupportAlert(selectors.alerts(), many=True).data)


class StaffOnly(BasePermission):
    """Support sessions are read-only by construction: any staff member may open and end one."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return fleet_selectors.user_is_staff(request.user)


class SessionsApi(ConsoleApi):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="support_sessions_list",
        summary="Support sessions, newest first",
        responses={200: SupportSessionOut(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(SupportSessionOut([_session(r) for r in selectors.sessions_of()], many=True).data)

    @extend_schema(
        operation_id="support_session_open",
        summary="Open a time-limited, read-only support session on a commune's site",
        request=SupportSessionInput,
        responses={201: SupportSessionOpened},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = validated(SupportSessionInput, request.data)

        def opened(result: Any) -> dict[str, Any]:
            session, token = result
            row = selectors.sessions_of(slug=session.slug, limit=1)[0]
            host = next((r.host for r in selectors.fleet_health(slugs=[session.slug])), "")
            url = commune_url(
                host, scheme=request.scheme or "http", via=request.get_host(), path=f"/support/enter/{token}/"
            )
            return SupportSessionOpened({**_session(row), "enter_url": url}).data

        operator: Any = request.user
        return api_call(lambda: services.support_session_open(operator=operator, **data), output=opened, status=201)


class SessionEndApi(ConsoleApi):
    permission_classes = [StaffOnly]

    @extend_schema(
        operation_id="support_session_end",
        summary="End a support session",
        request=None,
        responses={200: SupportSessionOut},
        tags=TAGS,
    )
    def post(self, request: Request, session_id: str) -> Response:
        return api_call(
            lambda: services.support_session_end(session_id=session_id, by=request.user.get_username()),
            output=lambda s: SupportSessionOut(_session(selectors.SessionRow(s, [], False))).data,
        )
