"""Every route of a commune's site, as every role: the page, the API route and the document of one resource give
the same answer (allowed everywhere, or refused everywhere with the same 403 or 404).

The URL resolver of commune hosts is walked (pages, /api/ routes, documents and exports of every module); each
route must appear in EXPECTED, an explicit table written from the screens' rules (docs/modules/*.md), not from
the code under test. A route answers once per role: GET for what can be read, an empty POST for what only
writes (an empty POST is refused before its body is read when the role may not write there; a role that may
gets 400 or its form back: "admitted"). Objects come from the modules' services.

Letters, one per role in ROLES order: A admitted (2xx, 3xx elsewhere than the login page, 400, 409), L sent to
log in (the login page, or 401 on the API), D 403, N 404.

The table is in three files by theme: table_site.py (the site, état civil, the bureau d'ordre), table_regie.py
(the régie and the collectors' app), table_modules.py (the later modules and support); routes.py its vocabulary.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.collecte import services as collecte_services
from jamaa.modules.etatcivil import permissions as ec_permissions
from jamaa.modules.etatcivil import services as ec_services
from jamaa.modules.regie import services as regie_services

from .routes import ROLES, Route
from .table_modules import OTHER_MODULES
from .table_regie import REGIE_ROUTES
from .table_site import SITE

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-2026-word!"
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)
EXPECTED: list[Route] = [*SITE, *REGIE_ROUTES, *OTHER_MODULES]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Hashing a password costs a second here (PBKDF2): nine users and two device sign-ins, and no hashing tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def commune_route_names() -> set[str]:
    """Every named route of a commune's site (ROOT_URLCONF is the commune hosts' urlconf)."""

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> set[str]:
        names: set[str] = set()
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                names |= walk(pattern.url_patterns, inner)
            else:
                assert pattern.name, f"an unnamed route: {pattern.pattern}"
                names.add(f"{namespace}{pattern.name}")
        return names

    return walk(get_resolver().url_patterns, "")


def user(username: str, *groups: str) -> Any:
    made = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username)
    made.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in groups))
    return made


def objects() -> dict[str, Any]:
    """One of everything a route names, made through the modules' services (in Fès)."""
    from jamaa.modules.regie import verification

    from ..etatcivil.factories import birth_input
    from ..regie.factories import installed

    made: dict[str, Any] = {}
    # état civil: a chef de bureau delegated as officer, an agent, a bureau, a signed act with a document, a draft
    chief = user("vis-chief", ec_permissions.CHIEF)
    ec_agent = user("vis-ec-agent", ec_permissions.AGENT)
    bureau = ec_services.bureau_create(actor=chief, code="VB1", name_ar="مكتب", name_fr="Bureau")
    ec_services.delegation_grant(
        actor=chief,
        user_id=chief.pk,
        bureau_id=bureau.pk,
        arrete_number="1/2026",
        arrete_date=TODAY - dt.timedelta(days=30),
        valid_from=TODAY - dt.timedelta(days=30),
    )
    chief = get_user_model().objects.get(pk=chief.pk)  # its groups, as the delegation left them
    act = ec_services.act_draft_create(
        actor=ec_agent, bureau_id=bureau.pk, kind="birth", year=TODAY.year, data=birth_input(event_date=YESTERDAY)
    )
    act = ec_services.act_sign(officer=chief, act_id=act.pk, acknowledge_flags=True)
    document = ec_services.document_issue(
        officer=chief, act_id=act.pk, kind="full_copy", requester_name="El Alaoui", requester_capacity="father"
    )
    made |= {
        "ec_agent": ec_agent,
        "ec_chief": chief,
        "act": act.pk,
        "register": act.register_id,
        "document": document.pk,
        "document_code": document.verification_code,
        "draft": ec_services.act_draft_create(
            actor=ec_agent, bureau_id=bureau.pk, kind="birth", year=TODAY.year, data=birth_input()
        ).pk,
    }
    # régie: the percepteur (agent1), another agent, the régisseur; quittances, closes, an ordre in a bordereau
    ref = installed("vis-")
    regie, percepteur, agent2, regisseur = ref["regie"], ref["agent"], ref["agent2"], ref["regisseur"]

    def pay(agent: Any, on: dt.date, base: str = "2") -> Any:
        return regie_services.quittance_issue(
            actor=agent,
            regie_id=regie.pk,
            exercice=on.year,
            redevable_id=ref["company"].pk,
            tax_id=ref["taxes"]["ODP"].pk,
            base=Decimal(base),
            period=str(on.year),
            payment_method="cash",
            on=on,
        )

    pay(percepteur, YESTERDAY)
    pay(agent2, YESTERDAY)
    own_close = regie_services.day_close(
        actor=percepteur, agent=percepteur, regie_id=regie.pk, day=YESTERDAY, counted_dh=Decimal("0")
    )
    other_close = regie_services.day_close(
        actor=agent2, agent=agent2, regie_id=regie.pk, day=YESTERDAY, counted_dh=Decimal("0")
    )
    regie_close = regie_services.day_close(actor=regisseur, regie_id=regie.pk, day=YESTERDAY, counted_dh=Decimal("0"))
    quittance = pay(percepteur, TODAY)
    quittance2 = pay(agent2, TODAY, base="3")
    asked = pay(agent2, TODAY, base="4")
    cancellation = regie_services.cancellation_request(quittance_id=asked.pk, requested_by=agent2, reason="erreur")
    asset = regie_services.asset_create(
        actor=percepteur,
        redevable_id=ref["company"].pk,
        kind="terrace",
        reference="T-9",
        surface_m2=Decimal("12"),
        tax_id=ref["taxes"]["ODP"].pk,
    )
    liquidation = regie_services.liquidation_create(
        actor=percepteur,
        regie_id=regie.pk,
        redevable_id=ref["person"].pk,
        tax_id=ref["taxes"]["ODP"].pk,
        base=Decimal("5"),
        period=str(TODAY.year),
        on=TODAY,
    )
    ordre = regie_services.ordre_issue(
        actor=regisseur,
        regie_id=regie.pk,
        exercice=TODAY.year,
        tax_id=ref["taxes"]["ODP"].pk,
        subject="Terrasse",
        period=str(TODAY.year),
        lines=[{"redevable_id": ref["person"].pk, "amount_dh": Decimal("1400")}],
    )
    bordereau = regie_services.bordereau_create(
        actor=regisseur, regie_id=regie.pk, exercice=TODAY.year, ordre_ids=[ordre.pk]
    )
    dummy = user("vis-dummy")
    appointment = regie_services.staff_appoint(
        actor=regisseur,
        regie_id=regie.pk,
        user_id=dummy.pk,
        role="agent",
        arrete_number="9/2026",
        arrete_date=TODAY,
        valid_from=TODAY,
    )
    made |= {
        "percepteur": percepteur,
        "regisseur": regisseur,
        "agent2": agent2.pk,
        "person": ref["person"].pk,
        "company": ref["company"].pk,
        "asset": asset.pk,
        "liquidation": liquidation.pk,
        "quittance": quittance.pk,
        "quittance2": quittance2.pk,
        "quittance_code": verification.quittance_code(quittance2),
        "cancellation": cancellation.pk,
        "own_close": own_close.pk,
        "other_close": other_close.pk,
        "regie_close": regie_close.pk,
        "ordre": ordre.pk,
        "bordereau": bordereau.pk,
        "tax": ref["taxes"]["ODP"].pk,
        "appointment": appointment.pk,
    }
    # the collectors' app: the percepteur's device (its token) with a block, and a spare device to revoke
    device, token = collecte_services.device_register(username=percepteur.username, password=PASSWORD, name="A")
    spare, _ = collecte_services.device_register(username=percepteur.username, password=PASSWORD, name="B")
    block = collecte_services.block_request(device_id=device.pk, regie_id=regie.pk, exercice=TODAY.year, size=5)
    made |= {"device_token": token, "spare_device": spare.pk, "block": block.block_id}
    return made


def signed_in_sessions(made: dict[str, Any], host: str) -> dict[str, dict[str, Any]]:
    """What each signed-in role's session holds right after signing in (Django's login, once per role)."""
    sessions = {}
    with schema_context("fes"):  # a commune's users and sessions live in its schema
        for role in ROLES:
            if role not in ("anonymous", "device"):
                client = Client(HTTP_HOST=host)
                client.force_login(made[role])
                sessions[role] = dict(client.session.items())
    return sessions


def client_for(role: str, made: dict[str, Any], host: str, sessions: dict[str, dict[str, Any]]) -> Client:
    """A fresh client for each request, signed in with a new session holding what signing in put there (a POST to
    logout/ must not sign the next one out, and no request sees what another left in its session). Cheaper than
    signing in each time (half a dozen queries and signals), the same session to the views."""
    if role == "anonymous":
        return Client(HTTP_HOST=host)
    if role == "device":
        return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Device {made['device_token']}")
    with schema_context("fes"):
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store.update(sessions[role])
        store.create()
    client = Client(HTTP_HOST=host)
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def url_of(route: Route, made: dict[str, Any]) -> str:
    from django.urls import reverse

    kwargs = {k: v[1:] if v.startswith("=") else str(getattr(made[v], "pk", made[v])) for k, v in route.kwargs.items()}
    return reverse(route.name, kwargs=kwargs)


def letter(response: Any) -> str:
    status = response.status_code
    if status == 401 or (status == 302 and "/login/?next=" in response.get("Location", "")):
        return "L"
    if status == 403:
        return "D"
    if status == 404:
        return "N"
    assert status < 500, (status, response.content[:500])
    return "A"


def test_the_table_names_every_route_of_a_commune_site() -> None:
    # given the resolver of commune hosts; then every route is in the table, and the table names no other
    assert commune_route_names() == {r.name for r in EXPECTED}


def test_every_route_answers_every_role_as_its_resource_does(fes: Any) -> None:
    # given one of everything, made through the services
    with schema_context("fes"):
        made = objects()
    sessions = signed_in_sessions(made, fes.host)
    # when every route is called as every role
    got: dict[int, str] = {}
    for index, route in enumerate(EXPECTED):
        with schema_context("fes"):
            url = url_of(route, made)
            query = {k: str(made[v[1:]]) if v.startswith("@") else v for k, v in route.query.items()}
        answers = ""
        for role in ROLES:
            client = client_for(role, made, fes.host, sessions)
            if route.method == "GET":
                response = client.get(url, query)
            elif "/api/" in url:
                response = client.post(url, route.data, content_type="application/json")
            else:
                response = client.post(url, route.data)
            answers += letter(response)
        got[index] = answers
    # then each route answers as the table says
    wrong = {
        f"{r.name} {r.variant}".strip(): f"expected {r.expect}, got {got[i]}"
        for i, r in enumerate(EXPECTED)
        if got[i] != r.expect
    }
    assert wrong == {}, "\n".join(f"{name}: {what}" for name, what in wrong.items())
    # and the routes of one resource (page, API, document) answer each role alike (the device's token opens no
    # page: its answers are the table's alone)
    groups: dict[str, set[str]] = {}
    for i, r in enumerate(EXPECTED):
        if r.group:
            groups.setdefault(r.group, set()).add(got[i][: ROLES.index("device")])
    disagree = {g: sorted(answers) for g, answers in groups.items() if len(answers) > 1}
    assert disagree == {}, "\n".join(f"{g}: {a}" for g, a in disagree.items())
