"""The API of Concours: one view per operation, input serializer → one service/selector → output. No ORM, no
try/except (the kernel's api_call and the project's exception handler give the {code, message, extra} shape)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.kernel.api import api_call, validated

from . import permissions, selectors, services


class EntryOutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    title = serializers.CharField()
    created_by = serializers.CharField()


class EntryListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    def get(self, request: Request) -> Response:
        return api_call(lambda: selectors.entry_list(viewer=request.user), output=EntryOutputSerializer, many=True)


class EntryCreateApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        title = serializers.CharField(max_length=200)

    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)

        def create() -> selectors.EntryView:
            entry = services.entry_create(actor=request.user, title=data["title"])
            return selectors.entry_get(viewer=request.user, entry_id=entry.pk)

        return api_call(create, output=EntryOutputSerializer, status=201)


class EntryDetailApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    def get(self, request: Request, entry_id: int) -> Response:
        return api_call(
            lambda: selectors.entry_get(viewer=request.user, entry_id=entry_id), output=EntryOutputSerializer
        )
