"""Roles: groups read once per request, the view decorator (login, 403, pass) and the DRF permission."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from jamaa.platform.kernel import roles

pytestmark = pytest.mark.django_db


def user(username: str, *groups: str, **extra: Any) -> Any:
    account = get_user_model().objects.create_user(username=username, password="x", **extra)
    for name in groups:
        account.groups.add(Group.objects.get_or_create(name=name)[0])
    return get_user_model().objects.get(pk=account.pk)  # a fresh instance: no cached groups


@roles.role_required("k_agent", "k_officer")
def agents_page(request: HttpRequest, number: int) -> HttpResponse:
    return HttpResponse(f"page {number}")


@roles.role_required("k_chief", administrators=True)
def setup_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("setup")


@roles.role_required(lambda u: u.get_username().startswith("vip"))
def predicate_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("vip")


def get(view: Any, account: Any, *args: Any) -> HttpResponse:
    request = RequestFactory().get("/somewhere/?x=1")
    request.user = account
    return view(request, *args)  # type: ignore[no-any-return]


def test_groups_are_read_once_per_user_object(fes) -> None:
    with schema_context("fes"):
        agent = user("k1", "k_agent", "k_other")
        with CaptureQueriesContext(connection) as queries:
            assert roles.user_groups(agent) == frozenset({"k_agent", "k_other"})
            assert roles.has_role(agent, "k_agent")
            assert not roles.has_role(agent, "k_chief")
            assert roles.allowed(agent, ["k_other"])
            assert roles.user_groups(agent) == frozenset({"k_agent", "k_other"})
        # django-tenants sets the search path on a new cursor; the groups are one SELECT
        assert [q["sql"].split()[0] for q in queries.captured_queries if not q["sql"].startswith("SET")] == ["SELECT"]
        agent.groups.add(Group.objects.get_or_create(name="k_chief")[0])
        roles.forget_groups(agent)
        assert roles.has_role(agent, "k_chief")


def test_anonymous_and_inactive_have_no_role(fes) -> None:
    with schema_context("fes"):
        sleeper = user("k2", "k_agent", is_active=False)
        assert roles.user_groups(AnonymousUser()) == frozenset()
        assert roles.user_groups(sleeper) == frozenset()
        assert not roles.is_administrator(sleeper)


def test_role_required_sends_anonymous_to_login_refuses_others_and_lets_members_in(fes) -> None:
    with schema_context("fes"):
        anonymous = get(agents_page, AnonymousUser(), 3)
        assert anonymous.status_code == 302
        assert anonymous["Location"] == "/login/?next=/somewhere/%3Fx%3D1"
        with pytest.raises(PermissionDenied):
            get(agents_page, user("k3", "k_other"), 3)
        assert get(agents_page, user("k4", "k_officer"), 3).content == b"page 3"


def test_role_required_lets_administrators_in_only_when_asked(fes) -> None:
    with schema_context("fes"):
        admin = user("k5", "administrators")
        assert roles.is_administrator(admin)
        assert get(setup_page, admin).content == b"setup"
        with pytest.raises(PermissionDenied):
            get(agents_page, admin, 1)
        root = user("k6", is_superuser=True)
        assert get(setup_page, root).content == b"setup"


def test_role_required_takes_a_module_predicate(fes) -> None:
    with schema_context("fes"):
        assert get(predicate_page, user("vip1")).content == b"vip"
        with pytest.raises(PermissionDenied):
            get(predicate_page, user("k7", "k_agent"))


class _ThingApi(APIView):
    permission_classes = [IsAuthenticated, roles.role_permission("k_agent")]

    def get(self, request: Any) -> Response:
        return Response({"ok": True})


def test_role_permission_gives_403_in_the_api_shape(fes) -> None:
    with schema_context("fes"):
        factory = APIRequestFactory()
        request = factory.get("/api/thing/")
        force_authenticate(request, user=user("k8", "k_other"))
        refused = _ThingApi.as_view()(request)
        assert refused.status_code == 403
        assert (refused.data["code"], refused.data["extra"]) == ("FORBIDDEN", {})
        request = factory.get("/api/thing/")
        force_authenticate(request, user=user("k9", "k_agent"))
        assert _ThingApi.as_view()(request).data == {"ok": True}
        assert roles.role_permission("k_agent").__name__ == "Role_k_agent"
