"""The API shell of a commune: who am I, and a token for scripts and the collectors' app."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .security import AuthRateThrottle, CountedTokenMixin


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        username = serializers.CharField()
        full_name = serializers.CharField()
        commune = serializers.CharField()
        language = serializers.CharField()

    @extend_schema(responses=OutputSerializer, summary="The authenticated user and their commune")
    def get(self, request: Request) -> Response:
        user = request.user
        commune = request._request.tenant  # type: ignore[attr-defined]
        return Response(
            self.OutputSerializer(
                {
                    "username": user.get_username(),
                    "full_name": user.get_full_name(),  # type: ignore[union-attr]
                    "commune": commune.slug,
                    "language": getattr(request, "LANGUAGE_CODE", "fr"),
                }
            ).data
        )


class TokenObtainApi(CountedTokenMixin, ObtainAuthToken):
    """POST username and password, get this commune's token for the user (valid in this commune only). Throttled
    per client address; repeated failures lock the user name and the address (django-axes, this commune only)."""

    throttle_classes = [AuthRateThrottle]
