"""The operators' REST API on the base domain: list and create communes, change their status.

Staff read; writes need the operators group (or superuser). Errors come out as {code, message, extra}
through the project's exception handler, like every other API of Jamaa.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.security import AuthRateThrottle, CountedTokenMixin
from jamaa.provisioning import selectors as fleet_selectors
from jamaa.provisioning import services
from jamaa.tenants.models import CommuneStatus
from jamaa.tenants.selectors import CommuneRow, commune_fleet_rows, commune_url


class StaffReadsOperatorsWrite(BasePermission):
    """Any staff user may read; changing a commune needs the operators group or superuser."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not fleet_selectors.user_is_staff(request.user):
            return False
        return request.method in SAFE_METHODS or fleet_selectors.user_may_operate(request.user)


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    message = serializers.CharField()
    extra = serializers.DictField()


class CommuneSerializer(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    name_fr = serializers.CharField()
    name_ar = serializers.CharField()
    region = serializers.CharField()
    province = serializers.CharField()
    status = serializers.ChoiceField(choices=CommuneStatus.choices)
    host = serializers.CharField()
    modules = serializers.ListField(child=serializers.CharField())


class CommuneCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    # Shapes only: the provisioning service validates slugs, names and modules.
    slug = serializers.CharField(max_length=40)
    name_fr = serializers.CharField(max_length=120)
    name_ar = serializers.CharField(max_length=120)
    region = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    province = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    modules = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    admin_email = serializers.EmailField(required=False, default="", allow_blank=True)


class CommuneCreatedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    host = serializers.CharField()
    admin_username = serializers.CharField()
    set_password_url = serializers.URLField(help_text="One-time link for the administrator to choose a password.")


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=500, help_text="Kept in the audit trail.")


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input"),
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated"),
    403: OpenApiResponse(ErrorSerializer, description="Not staff, or not in the operators group for a change"),
}


def _commune_data(row: CommuneRow) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name_fr": row.name_fr,
        "name_ar": row.name_ar,
        "region": row.region,
        "province": row.province,
        "status": row.status,
        "host": row.host,
        "modules": list(row.modules),
    }


class ConsoleApi(APIView):
    # Token first, so that an anonymous call gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [StaffReadsOperatorsWrite]


class CommuneListApi(ConsoleApi):
    @extend_schema(
        operation_id="communes_list",
        summary="Every commune with its status and host",
        responses={200: CommuneSerializer(many=True), **ERRORS},
        tags=["communes"],
    )
    def get(self, request: Request) -> Response:
        return Response(CommuneSerializer([_commune_data(row) for row in commune_fleet_rows()], many=True).data)

    @extend_schema(
        operation_id="communes_create",
        summary="Create a commune, its schema and its first administrator",
        request=CommuneCreateSerializer,
        responses={
            201: CommuneCreatedSerializer,
            **ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="The slug is taken, or the template is not ready"),
        },
        tags=["communes"],
    )
    def post(self, request: Request) -> Response:
        serializer = CommuneCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.commune_create(**serializer.validated_data, actor=request.user)
        url = commune_url(
            created.host, scheme=request.scheme or "http", via=request.get_host(), path=created.set_password_path
        )
        body = {
            "slug": created.slug,
            "host": created.host,
            "admin_username": created.admin_username,
            "set_password_url": url,
        }
        return Response(CommuneCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


F = TypeVar("F", bound=Callable[..., Any])


def _status_schema(name: str, summary: str) -> Callable[[F], F]:
    return extend_schema(
        operation_id=f"communes_{name}",
        summary=summary,
        request=ReasonSerializer,
        responses={
            200: CommuneSerializer,
            **ERRORS,
            404: OpenApiResponse(ErrorSerializer, description="No such commune"),
            409: OpenApiResponse(ErrorSerializer, description="Not allowed from the current status"),
        },
        tags=["communes"],
    )


class CommuneStatusApi(ConsoleApi):
    """Moves a commune to `target_status`, audited with the reason given."""

    target_status: str = ""

    def change(self, request: Request, slug: str) -> Response:
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.commune_status_set(
            slug=slug, status=self.target_status, reason=serializer.validated_data["reason"], actor=request.user
        )
        row = commune_fleet_rows(slugs=[slug])[0]
        return Response(CommuneSerializer(_commune_data(row)).data)


class CommuneSuspendApi(CommuneStatusApi):
    target_status = CommuneStatus.SUSPENDED

    @_status_schema("suspend", "Suspend a commune: its site and API answer 503 within seconds")
    def post(self, request: Request, slug: str) -> Response:
        return self.change(request, slug)


class CommuneResumeApi(CommuneStatusApi):
    target_status = CommuneStatus.ACTIVE

    @_status_schema("resume", "Resume a suspended or archived commune")
    def post(self, request: Request, slug: str) -> Response:
        return self.change(request, slug)


class CommuneArchiveApi(CommuneStatusApi):
    target_status = CommuneStatus.ARCHIVED

    @_status_schema("archive", "Archive a commune: its site stays readable, nothing can change")
    def post(self, request: Request, slug: str) -> Response:
        return self.change(request, slug)


class OperatorTokenApi(CountedTokenMixin, ObtainAuthToken):
    """POST username and password, get a token for the operators' API (a platform user's token). Throttled and
    locked after repeated failures like a commune's."""

    throttle_classes = [AuthRateThrottle]
