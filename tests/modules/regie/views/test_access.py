"""The régie's pages on a commune's host: who gets in, the dashboard and its navigation (French, Arabic), the
redevables' pages, the list pages' queries, and isolation between communes. The counter and cancellations are in
test_counter.py; the close, ordres, reports and setup in test_regisseur.py."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from jamaa.modules.regie import permissions, services
from jamaa.modules.regie.models import (
    Asset,
    Redevable,
)

from ..factories import user_with
from .pages import (
    REGISSEUR_PAGES,
    STAFF_PAGES,
    html,
    in_fes,
    login,
    page_queries,
    pay_legalisation,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------ access


@pytest.mark.parametrize("path", [*STAFF_PAGES, *REGISSEUR_PAGES, "/regie/redevables/1/", "/regie/quittances/1/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, fes, path: str) -> None:
    response = client.get(path, HTTP_HOST=fes.host)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/" and parse_qs(location.query)["next"] == [path]


def test_staff_outside_the_regie_get_403_and_agents_do_not_reach_the_regisseur_pages(client: Client, fes, ref) -> None:
    login(client, fes.host, "outsider")
    for path in [*STAFF_PAGES, *REGISSEUR_PAGES, f"/regie/redevables/{ref['owner']}/"]:
        assert client.get(path, HTTP_HOST=fes.host).status_code == 403, path
    response = client.post("/regie/redevables/new/", {"name": "X", "cin": "X1"}, HTTP_HOST=fes.host)
    assert response.status_code == 403
    login(client, fes.host, "percepteur")
    for path in STAFF_PAGES:
        assert client.get(path, HTTP_HOST=fes.host).status_code == 200, path
    for path in REGISSEUR_PAGES:
        assert client.get(path, HTTP_HOST=fes.host).status_code == 403, path
    login(client, fes.host, "regisseur")
    for path in [*STAFF_PAGES, *REGISSEUR_PAGES]:
        assert client.get(path, HTTP_HOST=fes.host).status_code == 200, path


def test_before_setup_the_pages_say_so(client: Client, fes) -> None:
    in_fes(lambda: user_with("percepteur", permissions.AGENT))
    login(client, fes.host, "percepteur")
    page = html(client.get("/regie/", HTTP_HOST=fes.host))
    assert 'id="no-regie"' in page and 'href="/regie/setup/"' not in page


# ---------------------------------------------------------------------------------------- dashboard and nav


def test_dashboard_in_french_and_every_page_in_arabic_is_rtl(client: Client, fes, ref) -> None:
    login(client, fes.host, "regisseur")
    page = html(client.get("/regie/", HTTP_HOST=fes.host))
    assert '<html lang="fr" dir="ltr">' in page and "Régie des recettes" in page
    assert 'id="regie-nav"' in page and 'href="/regie/cancellations/"' in page and "cdn" not in page.lower()
    assert "/static/regie/regie.css" in page
    client.post("/language/", {"language": "ar", "next": "/"}, HTTP_HOST=fes.host)
    for path in [*STAFF_PAGES, *REGISSEUR_PAGES, f"/regie/redevables/{ref['owner']}/"]:
        page = html(client.get(path, HTTP_HOST=fes.host))
        assert '<html lang="ar" dir="rtl">' in page, path
        assert "bootstrap.rtl.min.css" in page, path
    assert "وكالة المداخيل" in html(client.get("/regie/", HTTP_HOST=fes.host))


def test_an_agent_has_no_regisseur_links(client: Client, fes, ref) -> None:
    login(client, fes.host, "percepteur")
    page = html(client.get("/regie/", HTTP_HOST=fes.host))
    assert 'href="/regie/close/"' in page and 'href="/regie/cancellations/"' not in page
    assert 'href="/regie/setup/"' not in page


# ------------------------------------------------------------------------------------------------ redevables


def test_search_finds_by_name_or_identifier(client: Client, fes, ref) -> None:
    login(client, fes.host, "percepteur")
    page = html(client.get("/regie/redevables/", {"q": "C123456"}, HTTP_HOST=fes.host))
    assert f'data-redevable-id="{ref["owner"]}"' in page and "Café Atlas" not in page
    page = html(client.get("/regie/redevables/", {"q": "atlas"}, HTTP_HOST=fes.host))
    assert f'data-redevable-id="{ref["cafe"]}"' in page
    assert 'id="no-redevable"' in html(client.get("/regie/redevables/", {"q": "personne"}, HTTP_HOST=fes.host))


def test_a_redevable_without_identifier_is_refused_on_the_form_and_nothing_is_lost(client: Client, fes, ref) -> None:
    login(client, fes.host, "percepteur")
    before = in_fes(lambda: Redevable.objects.count())
    response = client.post(
        "/regie/redevables/new/", {"name": "Hotel Zalagh", "address": "Avenue des FAR"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 400
    page = html(response)
    assert 'id="form-errors"' in page and "is-invalid" in page
    assert "Indiquez une CIN" in page
    assert 'value="Hotel Zalagh"' in page and 'value="Avenue des FAR"' in page
    assert in_fes(lambda: Redevable.objects.count()) == before
    response = client.post(
        "/regie/redevables/new/",
        {"name": "Hotel Zalagh", "rc": "55555", "address": "Avenue des FAR"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 302
    created = in_fes(lambda: Redevable.objects.get(rc="55555"))
    assert response["Location"] == f"/regie/redevables/{created.pk}/"
    assert created.name == "Hotel Zalagh"


def test_redevable_page_shows_biens_and_history_and_records_a_bien(client: Client, fes, ref) -> None:
    quittance = pay_legalisation(ref)
    login(client, fes.host, "percepteur")
    page = html(client.get(f"/regie/redevables/{ref['owner']}/", HTTP_HOST=fes.host))
    assert "TF 1234/07" in page and f'id="asset-{ref["parcel"]}"' in page
    assert f'href="/regie/quittances/{quittance.pk}/"' in page
    assert f'href="/regie/redevables/{ref["owner"]}/liquidate/?asset={ref["parcel"]}"' in page
    # a parcel taxed per m² without its surface: refused next to the form, nothing recorded
    bad = {"kind": "parcel", "reference": "TF 99/07", "tax": str(ref["taxes"]["TNB"])}
    response = client.post(f"/regie/redevables/{ref['owner']}/assets/", bad, HTTP_HOST=fes.host)
    assert response.status_code == 400 and 'id="asset-form"' in html(response) and 'value="TF 99/07"' in html(response)
    assert in_fes(lambda: Asset.objects.filter(reference="TF 99/07").exists()) is False
    response = client.post(f"/regie/redevables/{ref['owner']}/assets/", bad | {"surface_m2": "320"}, HTTP_HOST=fes.host)
    assert response.status_code == 302 and response["Location"].endswith("#assets")
    assert in_fes(lambda: Asset.objects.get(reference="TF 99/07").surface_m2) == Decimal("320")


def test_a_redevable_of_another_commune_is_not_found(client: Client, fes, meknes, ref) -> None:
    quittance = pay_legalisation(ref)
    with schema_context("meknes"):
        services.reference_install_defaults()
        user_with("percepteur-mk", permissions.REGISSEUR)
    login(client, meknes.host, "percepteur-mk")
    assert client.get(f"/regie/redevables/{ref['owner']}/", HTTP_HOST=meknes.host).status_code == 404
    assert client.get(f"/regie/quittances/{quittance.pk}/", HTTP_HOST=meknes.host).status_code == 404


def test_list_pages_do_not_query_more_with_more_quittances(client: Client, fes, ref) -> None:
    pay_legalisation(ref)
    login(client, fes.host, "regisseur")
    pages = ("/regie/", "/regie/close/", f"/regie/redevables/{ref['owner']}/", "/regie/quittances/")
    counts = {}
    for path in pages:
        with CaptureQueriesContext(connection) as one:
            assert client.get(path, HTTP_HOST=fes.host).status_code == 200
        counts[path] = page_queries(one)
    for _ in range(3):
        pay_legalisation(ref)
    for path in pages:
        with CaptureQueriesContext(connection) as four:
            page = html(client.get(path, HTTP_HOST=fes.host))
        assert page_queries(four) == counts[path], path
    assert page.count('<tr id="quittance-') == 4
