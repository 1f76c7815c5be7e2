"""Host → schema routing: communes, the console, unknown hosts, suspended communes, the cached lookup."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jamaa.provisioning import services
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table
from tests.conftest import SharedCommune

pytestmark = pytest.mark.django_db


def login(client: Client, commune: SharedCommune) -> None:
    response = client.post(
        "/login/", {"username": commune.username, "password": commune.password}, HTTP_HOST=commune.host
    )
    assert response.status_code == 302, response.content[:500]


def test_each_host_gets_its_own_schema(client: Client, fes: SharedCommune, meknes: SharedCommune) -> None:
    for commune in (fes, meknes):
        # when an authenticated user calls the API on the commune's host
        login(client, commune)
        response = client.get("/api/me/", HTTP_HOST=commune.host)
        # then the request ran in that commune's schema
        assert response.status_code == 200
        assert response.json()["commune"] == commune.slug
        assert connection.schema_name == commune.slug


def test_base_domain_serves_the_console(client: Client) -> None:
    response = client.get("/", HTTP_HOST="localhost")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert connection.schema_name == "public"


def test_unknown_host_gets_a_plain_404(client: Client) -> None:
    response = client.get("/", HTTP_HOST="nowhere.localhost")
    assert response.status_code == 404
    assert "Aucune commune" in response.content.decode()
    response = client.get("/", HTTP_HOST="evil.example.org:8000")
    assert response.status_code == 404


def test_port_and_case_do_not_matter(client: Client, fes: SharedCommune) -> None:
    response = client.get("/login/", HTTP_HOST="FES.LocalHost:8000")
    assert response.status_code == 200
    assert "<title>Fès</title>" in response.content.decode()


def test_suspended_commune_gets_a_bilingual_503(client: Client, fes: SharedCommune) -> None:
    # given Fès is suspended
    services.commune_status_set(slug="fes", status=CommuneStatus.SUSPENDED, reason="unpaid licence")
    routing_table.clear()  # on_commit does this in production; the test transaction never commits
    # when its site and its API are called
    page = client.get("/login/", HTTP_HOST=fes.host)
    api = client.get("/api/me/", HTTP_HOST=fes.host)
    # then both say so, in French and in Arabic for the page
    assert page.status_code == 503
    body = page.content.decode()
    assert "Service suspendu" in body and "الخدمة معلقة" in body
    assert api.status_code == 503
    assert api.json()["code"] == "COMMUNE_SUSPENDED"


def test_lookup_costs_no_sql_when_warm(client: Client, fes: SharedCommune) -> None:
    # given a warm cache
    client.get("/login/", HTTP_HOST=fes.host)
    lookups = routing_table.lookups
    # when the same host is requested again, routing makes no query
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz-is-not-this", HTTP_HOST=fes.host)
    assert response.status_code == 404
    assert routing_table.lookups == lookups
    assert not [q for q in queries.captured_queries if "tenants_" in q["sql"]]


def test_cache_is_invalidated_when_a_domain_changes(client: Client, fes: SharedCommune) -> None:
    # given the cache knows fes.localhost
    assert client.get("/login/", HTTP_HOST=fes.host).status_code == 200
    # when the domain is renamed (as an operator would)
    Domain.objects.filter(domain=fes.host).update(domain="fez.localhost")
    Domain.objects.get(domain="fez.localhost").save()  # the ORM path fires the signal too
    # then the old host is unknown and the new one routes to Fès
    assert client.get("/login/", HTTP_HOST=fes.host).status_code == 404
    assert client.get("/login/", HTTP_HOST="fez.localhost").status_code == 200


def test_other_processes_see_changes_through_the_generation(client: Client, fes: SharedCommune, settings) -> None:
    # given a warm cache and a change made by raw SQL (another process, psql…): no signal in this process
    settings.JAMAA_ROUTING_RECHECK_SECONDS = 0
    assert client.get("/login/", HTTP_HOST=fes.host).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tenants_commune SET status = 'suspended' WHERE slug = 'fes'")
    # when the next request rechecks the generation bumped by the trigger
    response = client.get("/login/", HTTP_HOST=fes.host)
    # then the suspension is in force
    assert response.status_code == 503


def test_generation_trigger_bumps_on_any_change(fes: SharedCommune) -> None:
    def generation() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM tenants_routinggeneration WHERE id = 1")
            return int(cursor.fetchone()[0])

    before = generation()
    Commune.objects.filter(slug="fes").update(region="Fès-Meknès")
    assert generation() == before + 1
    Domain.objects.filter(domain=fes.host).update(is_primary=True)
    assert generation() == before + 2
