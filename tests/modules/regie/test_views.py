"""The régie's pages on a commune's host: who gets in, the counter (liquidation → steps → pay → receipt),
cancellations with the régisseur's approval, the day's close, ordres and bordereaux, reports, the CSV export,
the audit list, setup, Arabic pages, and isolation between communes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import permissions, services
from jamaa.modules.regie.models import (
    Asset,
    Bordereau,
    CancellationRequest,
    Liquidation,
    OrdreRecette,
    Quittance,
    QuittanceCancellation,
    Redevable,
    Tax,
    Versement,
)

from .factories import user_with

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-2026-word!"  # factories.user_with
TODAY = timezone.localdate()
YEAR = TODAY.year
LATE = TODAY - dt.timedelta(days=100)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """Hashing a password costs a second here (PBKDF2): these tests log in a lot and test no hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ref(fes) -> dict[str, Any]:
    """Fès with the default reference, an agent, a régisseur, someone outside the régie, a redevable with a
    TNB parcel and a café terrace."""
    with schema_context("fes"):
        regie = services.reference_install_defaults()
        agent = user_with("percepteur", permissions.AGENT)
        regisseur = user_with("regisseur", permissions.REGISSEUR)
        user_with("outsider")
        owner = services.redevable_create(
            actor=agent, name="Karim Bennani", cin="C123456", address="Fès, Route d'Imouzzer"
        )
        cafe = services.redevable_create(actor=agent, name="Café Atlas", rc="12345", ice="001234567000089")
        taxes = dict(Tax.objects.values_list("code", "pk"))
        parcel = services.asset_create(
            actor=agent,
            redevable_id=owner.pk,
            kind="parcel",
            reference="TF 1234/07",
            surface_m2=Decimal("500"),
            tax_id=taxes["TNB"],
        )
        terrace = services.asset_create(
            actor=agent,
            redevable_id=cafe.pk,
            kind="terrace",
            reference="AOT 17/2026",
            surface_m2=Decimal("24"),
            tax_id=taxes["ODP"],
        )
        return {
            "regie": regie.pk,
            "agent": agent,
            "regisseur": regisseur,
            "owner": owner.pk,
            "cafe": cafe.pk,
            "parcel": parcel.pk,
            "terrace": terrace.pk,
            "taxes": taxes,
        }


def login(client: Client, host: str, username: str) -> Client:
    response = client.post("/login/", {"username": username, "password": PASSWORD}, HTTP_HOST=host)
    assert response.status_code == 302, response.content[:300]
    return client


def html(response: Any) -> str:
    page = unescape(response.content.decode())
    assert "{#" not in page and "{%" not in page and "{{" not in page  # no template syntax leaks into pages
    return page


def page_queries(captured: CaptureQueriesContext) -> list[str]:
    """The page's own queries (not the routing's periodic generation check nor the schema switch)."""
    return [
        q["sql"].split(" WHERE ")[0]
        for q in captured.captured_queries
        if "tenants_routinggeneration" not in q["sql"] and not q["sql"].startswith("SET search_path")
    ]


def in_fes(fn: Any) -> Any:
    with schema_context("fes"):
        return fn()


def pay_legalisation(ref: dict[str, Any], agent: Any = None) -> Quittance:
    with schema_context("fes"):
        return services.quittance_issue(
            actor=agent or ref["agent"],
            data=services.QuittanceInput(
                regie_id=ref["regie"],
                exercice=YEAR,
                redevable_id=ref["owner"],
                tax_id=ref["taxes"]["LEGALISATION"],
                base=Decimal("2"),
                period=str(YEAR),
                payment_method="cash",
                on=TODAY,
            ),
        )


TNB_DECLARATION = {
    "tax": "",
    "asset": "",
    "base": "500",
    "period": str(YEAR),
    "declaration_due": LATE.isoformat(),  # declared and paid late: both penalties
    "declared_on": TODAY.isoformat(),
    "payment_due": LATE.isoformat(),
    "on": TODAY.isoformat(),
}

STAFF_PAGES = ["/regie/", "/regie/redevables/", "/regie/quittances/", "/regie/close/", "/regie/versements/"]
REGISSEUR_PAGES = [
    "/regie/cancellations/",
    "/regie/ordres/",
    "/regie/bordereaux/",
    "/regie/restes/",
    "/regie/journal/",
    "/regie/export/",
    "/regie/incidents/",
    "/regie/audit/",
    "/regie/setup/",
]


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


# ------------------------------------------------------------------------------------- liquidation and payment


def test_agent_liquidates_a_late_tnb_declaration_sees_the_steps_and_takes_the_payment(client: Client, fes, ref) -> None:
    login(client, fes.host, "percepteur")
    page = html(client.get(f"/regie/redevables/{ref['owner']}/liquidate/?asset={ref['parcel']}", HTTP_HOST=fes.host))
    assert f'<option value="{ref["taxes"]["TNB"]}" selected>' in page and 'value="500.00"' in page
    declaration = TNB_DECLARATION | {"tax": ref["taxes"]["TNB"], "asset": ref["parcel"]}
    response = client.post(f"/regie/redevables/{ref['owner']}/liquidate/", declaration, HTTP_HOST=fes.host)
    assert response.status_code == 302
    liquidation = in_fes(lambda: Liquidation.objects.get())
    assert response["Location"] == f"/regie/liquidations/{liquidation.pk}/"
    assert (liquidation.principal_dh, liquidation.status) == (Decimal("15000.00"), "liquidated")
    page = html(client.get(response["Location"], HTTP_HOST=fes.host))
    for code in ("principal", "late_declaration", "late_payment", "total"):
        assert f'data-step="{code}"' in page
    assert 'id="pay-form"' in page and 'data-status="liquidated"' in page
    total = f"{liquidation.total_dh:,.2f}".replace(",", "\xa0").replace(".", ",")
    assert total in page
    response = client.post(
        f"/regie/liquidations/{liquidation.pk}/pay/",
        {"payment_method": "cash", "idempotency_key": "first"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 302
    quittance = in_fes(lambda: Quittance.objects.get())
    assert response["Location"] == f"/regie/quittances/{quittance.pk}/?new=1"
    assert (quittance.amount_dh, quittance.liquidation_id, quittance.agent_id) == (
        liquidation.total_dh,
        liquidation.pk,
        ref["agent"].pk,
    )
    assert in_fes(lambda: Liquidation.objects.get().status) == "paid"
    page = html(client.get(response["Location"], HTTP_HOST=fes.host))
    assert f"Quittance n° {quittance.number}" in page and 'data-status="valid"' in page
    assert "Karim Bennani" in page and 'id="cancel-form"' in page
    # with its print-outs (the documents' URLs)
    assert f'href="/regie/documents/quittances/{quittance.pk}/pdf/"' in page
    assert f'href="/regie/documents/quittances/{quittance.pk}/ticket/"' in page
    # and its public verification page says it is genuine
    verify = re.search(r'href="(/regie/verify/[^"]+/)" class="font-monospace', page)
    assert verify and client.get(verify.group(1), HTTP_HOST=fes.host).status_code == 200
    # paying twice (another form, another key) is refused with the service's message, nothing more is collected
    response = client.post(
        f"/regie/liquidations/{liquidation.pk}/pay/",
        {"payment_method": "cash", "idempotency_key": "second"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 400
    assert in_fes(lambda: Quittance.objects.count()) == 1


def test_a_bad_declaration_is_refused_on_the_form_and_keeps_what_was_typed(client: Client, fes, ref) -> None:
    login(client, fes.host, "percepteur")
    bad = TNB_DECLARATION | {"tax": ref["taxes"]["TNB"], "base": "", "period": "T1-XYZ"}
    response = client.post(f"/regie/redevables/{ref['owner']}/liquidate/", bad, HTTP_HOST=fes.host)
    assert response.status_code == 400
    page = html(response)
    assert 'id="form-errors"' in page and "Ce champ est obligatoire." in page and 'value="T1-XYZ"' in page
    # a declaration dated after the payment day: the service refuses it, next to the form
    bad = TNB_DECLARATION | {
        "tax": ref["taxes"]["TNB"],
        "declared_on": TODAY.isoformat(),
        "on": (TODAY - dt.timedelta(days=10)).isoformat(),
    }
    response = client.post(f"/regie/redevables/{ref['owner']}/liquidate/", bad, HTTP_HOST=fes.host)
    assert response.status_code == 400 and 'id="form-errors"' in html(response)
    assert in_fes(lambda: Liquidation.objects.count()) == 0


def test_a_wrong_liquidation_is_cancelled_with_its_reason_and_cannot_be_paid(client: Client, fes, ref) -> None:
    with schema_context("fes"):
        liquidation = services.liquidation_create(
            actor=ref["agent"],
            data=services.LiquidationInput(
                regie_id=ref["regie"],
                redevable_id=ref["owner"],
                tax_id=ref["taxes"]["TNB"],
                base=Decimal("50"),
                period=str(YEAR),
                on=TODAY,
            ),
        )
    login(client, fes.host, "percepteur")
    path = f"/regie/liquidations/{liquidation.pk}/"
    assert 'id="liquidation-cancel-form"' in html(client.get(path, HTTP_HOST=fes.host))
    response = client.post(f"{path}cancel/", {"reason": ""}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and "Ce champ est obligatoire." in html(response)
    response = client.post(f"{path}cancel/", {"reason": "500 m², pas 50"}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    assert in_fes(lambda: Liquidation.objects.get().status) == "cancelled"
    page = html(client.get(path, HTTP_HOST=fes.host))
    assert 'data-status="cancelled"' in page and 'id="pay-form"' not in page
    response = client.post(f"{path}pay/", {"payment_method": "cash", "idempotency_key": "k"}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and in_fes(lambda: Quittance.objects.count()) == 0


def test_counter_payment_gives_the_receipt_at_once(client: Client, fes, ref) -> None:
    login(client, fes.host, "percepteur")
    payment = {
        "tax": ref["taxes"]["LEGALISATION"],
        "base": "3",
        "period": str(YEAR),
        "payment_method": "cash",
        "idempotency_key": "counter-1",
    }
    response = client.post(f"/regie/redevables/{ref['owner']}/pay/", payment | {"base": "0"}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and 'id="form-errors"' in html(response)
    assert in_fes(lambda: Quittance.objects.count()) == 0
    response = client.post(f"/regie/redevables/{ref['owner']}/pay/", payment | {"confirm": "1"}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    quittance = in_fes(lambda: Quittance.objects.get())
    assert (quittance.amount_dh, quittance.budget_line) == (Decimal("60.00"), "401")
    page = html(client.get(response["Location"], HTTP_HOST=fes.host))
    assert 'id="receipt"' in page and "60,00" in page


def test_counter_payment_shows_its_liquidation_before_numbering(client: Client, fes, ref) -> None:
    """Issue 17 item 2: "Encaisser" numbered a quittance before the total was shown."""
    login(client, fes.host, "percepteur")
    url = f"/regie/redevables/{ref['owner']}/pay/"
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html(client.get(url, HTTP_HOST=fes.host))).group(1)
    payment = {"tax": ref["taxes"]["LEGALISATION"], "base": "3", "period": str(YEAR), "payment_method": "cheque"}
    # when the cashier sends a cheque payment without the cheque's number and bank
    response = client.post(url, payment | {"idempotency_key": key}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and "cheque" in html(response).lower()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html(response)).group(1)
    payment |= {"cheque_number": "0012345", "cheque_bank": "Banque Populaire", "idempotency_key": key}
    # when the form is sent: the liquidation is shown, nothing numbered
    response = client.post(url, payment, HTTP_HOST=fes.host)
    page = html(response)
    assert response.status_code == 200 and 'id="counter-liquidation"' in page
    assert in_fes(lambda: Quittance.objects.count()) == 0
    total = page.split('id="preview-total"')[1].split("</td>")[0]
    assert "60.00" in total or "60,00" in total
    assert "soixante dirhams" in page.split('id="preview-words"')[1].split("</td>")[0]
    assert "0012345" in page and "Banque Populaire" in page
    # and "Change" goes back to the form with what was typed, still nothing numbered
    response = client.post(url, payment | {"edit": "1"}, HTTP_HOST=fes.host)
    assert response.status_code == 200 and 'id="counter-form"' in html(response) and 'value="0012345"' in html(response)
    assert in_fes(lambda: Quittance.objects.count()) == 0
    # when confirmed (twice: the first answer was lost), one quittance with the cheque's number and bank
    first = client.post(url, payment | {"confirm": "1"}, HTTP_HOST=fes.host)
    second = client.post(url, payment | {"confirm": "1"}, HTTP_HOST=fes.host)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    quittance = in_fes(lambda: Quittance.objects.get())
    assert (quittance.amount_dh, quittance.payment_method) == (Decimal("60.00"), "cheque")
    assert (quittance.cheque_number, quittance.cheque_bank) == ("0012345", "Banque Populaire")
    assert "Banque Populaire" in html(client.get(first["Location"], HTTP_HOST=fes.host))


# ------------------------------------------------------------------------------------------------ cancellations


def test_agent_asks_for_a_cancellation_and_the_regisseur_approves_it(client: Client, fes, ref) -> None:
    quittance = pay_legalisation(ref)
    login(client, fes.host, "percepteur")
    # without a reason: refused on the form
    response = client.post(f"/regie/quittances/{quittance.pk}/cancel/", {"reason": "  "}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and 'id="cancel-form"' in html(response)
    assert in_fes(lambda: CancellationRequest.objects.count()) == 0
    response = client.post(
        f"/regie/quittances/{quittance.pk}/cancel/", {"reason": "Erreur sur le payeur"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302
    request_id = in_fes(lambda: CancellationRequest.objects.get().pk)
    assert 'id="cancellation-pending"' in html(client.get(response["Location"], HTTP_HOST=fes.host))
    # the agent cannot decide
    response = client.post(f"/regie/cancellations/{request_id}/decide/", {"decision": "approve"}, HTTP_HOST=fes.host)
    assert response.status_code == 403
    login(client, fes.host, "regisseur")
    page = html(client.get("/regie/cancellations/", HTTP_HOST=fes.host))
    assert f'id="cancellation-{request_id}"' in page and "Erreur sur le payeur" in page
    response = client.post(
        f"/regie/cancellations/{request_id}/decide/", {"decision": "approve", "note": "vu"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302 and response["Location"] == "/regie/cancellations/"
    cancellation = in_fes(lambda: QuittanceCancellation.objects.get())
    assert (cancellation.quittance_id, cancellation.requested_by_id, cancellation.approved_by_id) == (
        quittance.pk,
        ref["agent"].pk,
        ref["regisseur"].pk,
    )
    assert 'id="no-pending"' in html(client.get("/regie/cancellations/", HTTP_HOST=fes.host))
    page = html(client.get(f"/regie/quittances/{quittance.pk}/", HTTP_HOST=fes.host))
    assert 'data-status="cancelled"' in page


# ------------------------------------------------------------------------------------------------- the close


def test_agent_closes_his_day_then_the_regisseur_closes_the_regie(client: Client, fes, ref) -> None:
    pay_legalisation(ref)  # 40,00 DH
    login(client, fes.host, "percepteur")
    page = html(client.get("/regie/close/", HTTP_HOST=fes.host))
    assert 'id="close-expected"' in page and "40,00" in page
    # nothing counted: refused on the form, no versement
    response = client.post("/regie/close/", {"day": TODAY.isoformat(), "agent": ref["agent"].pk}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and "Ce champ est obligatoire." in html(response)
    assert in_fes(lambda: Versement.objects.count()) == 0
    response = client.post(
        "/regie/close/",
        {"day": TODAY.isoformat(), "agent": ref["agent"].pk, "counted_dh": "40"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 302
    versement = in_fes(lambda: Versement.objects.get())
    assert (versement.level, versement.agent_id, versement.expected_dh) == ("agent", ref["agent"].pk, Decimal("40"))
    assert response["Location"] == f"/regie/versements/{versement.pk}/"
    page = html(client.get(response["Location"], HTTP_HOST=fes.host))
    assert "Relevé nominatif" in page and f'href="/regie/documents/versements/{versement.pk}/releve/"' in page
    # closing it again: the service's refusal on the form
    response = client.post(
        "/regie/close/",
        {"day": TODAY.isoformat(), "agent": ref["agent"].pk, "counted_dh": "40"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 400 and 'id="form-errors"' in html(response)
    # the régisseur closes the régie's day with 5 DH missing: an incident, said on the versement page
    login(client, fes.host, "regisseur")
    response = client.post("/regie/close/", {"day": TODAY.isoformat(), "counted_dh": "35"}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    regie_versement = in_fes(lambda: Versement.objects.get(level="regie"))
    assert (regie_versement.expected_dh, regie_versement.difference_dh) == (Decimal("40.00"), Decimal("-5.00"))
    page = html(client.get(response["Location"], HTTP_HOST=fes.host))
    assert 'id="incidents"' in page and 'id="treasury-form"' in page
    # the régisseur's incident list shows it; an agent may not see the list
    page = html(client.get("/regie/incidents/", HTTP_HOST=fes.host))
    assert 'data-kind="cash_difference"' in page and "-5,00" in page
    response = client.post(
        f"/regie/versements/{regie_versement.pk}/reference/", {"reference": "TGR-2026-77"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302
    assert in_fes(lambda: Versement.objects.get(level="regie").treasury_reference) == "TGR-2026-77"
    # the day is locked: no more payment at the counter
    login(client, fes.host, "percepteur")
    payment = {
        "tax": ref["taxes"]["LEGALISATION"],
        "base": "1",
        "period": str(YEAR),
        "payment_method": "cash",
        "idempotency_key": "after-close",
    }
    response = client.post(f"/regie/redevables/{ref['owner']}/pay/", payment, HTTP_HOST=fes.host)
    assert response.status_code == 400 and 'id="form-errors"' in html(response)
    assert in_fes(lambda: Quittance.objects.count()) == 1


# ------------------------------------------------------------------------------------- ordres and bordereaux


def test_regisseur_issues_a_collective_ordre_sends_it_and_it_is_taken_in_charge(client: Client, fes, ref) -> None:
    login(client, fes.host, "regisseur")
    ordre = {
        "exercice": YEAR,
        "tax": ref["taxes"]["ODP"],
        "subject": "Terrasses de cafés",
        "period": str(YEAR),
        "lines": "001234567000089; 6720\nC999999; 500",
    }
    response = client.post("/regie/ordres/new/", ordre, HTTP_HOST=fes.host)
    assert response.status_code == 400
    page = html(response)
    assert "C999999" in page and 'id="form-errors"' in page and "Terrasses de cafés" in page
    assert in_fes(lambda: OrdreRecette.objects.count()) == 0
    response = client.post(
        "/regie/ordres/new/", ordre | {"lines": "001234567000089; 6720\nC123456; 1 500,50"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302
    issued = in_fes(lambda: OrdreRecette.objects.get())
    assert (issued.kind, issued.amount_dh, issued.status) == ("collective", Decimal("8220.50"), "issued")
    page = html(client.get(response["Location"], HTTP_HOST=fes.host))
    assert "Café Atlas" in page and f'href="/regie/documents/ordres/{issued.pk}/pdf/"' in page
    page = html(client.get("/regie/bordereaux/", HTTP_HOST=fes.host))
    assert f'value="{issued.pk}"' in page
    response = client.post("/regie/bordereaux/new/", {"exercice": YEAR}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and in_fes(lambda: Bordereau.objects.count()) == 0
    response = client.post("/regie/bordereaux/new/", {"exercice": YEAR, "ordres": [issued.pk]}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    bordereau = in_fes(lambda: Bordereau.objects.get())
    page = html(client.get(f"/regie/bordereaux/{bordereau.pk}/", HTTP_HOST=fes.host))
    assert f'href="/regie/documents/bordereaux/{bordereau.pk}/pdf/"' in page and 'id="take-form"' in page
    response = client.post(f"/regie/bordereaux/{bordereau.pk}/take/", {"reference": ""}, HTTP_HOST=fes.host)
    assert response.status_code == 400
    response = client.post(f"/regie/bordereaux/{bordereau.pk}/take/", {"reference": "PC-88"}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    assert in_fes(lambda: OrdreRecette.objects.get().status) == "taken_in_charge"
    # written off without a reason: refused; with one: recorded
    path = f"/regie/ordres/{issued.pk}/transition/"
    response = client.post(path, {"to_status": "written_off"}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and in_fes(lambda: OrdreRecette.objects.get().status) == "taken_in_charge"
    response = client.post(path, {"to_status": "written_off", "reason": "Insolvable"}, HTTP_HOST=fes.host)
    assert response.status_code == 302 and in_fes(lambda: OrdreRecette.objects.get().status) == "written_off"


# ------------------------------------------------------------------------------------------------------ reports


def test_restes_journal_export_and_audit(client: Client, fes, ref) -> None:
    quittance = pay_legalisation(ref)
    with schema_context("fes"):
        services.ordre_issue(
            actor=ref["regisseur"],
            regie_id=ref["regie"],
            exercice=YEAR,
            tax_id=ref["taxes"]["TNB"],
            subject="TNB non déclarée",
            period=str(YEAR),
            lines=[{"redevable_id": ref["owner"], "amount_dh": Decimal("15000"), "asset_id": ref["parcel"]}],
        )
    login(client, fes.host, "regisseur")
    page = html(client.get("/regie/restes/", {"exercice": YEAR, "as_of": TODAY.isoformat()}, HTTP_HOST=fes.host))
    assert "Karim Bennani" in page and "15\xa0000,00" in page
    assert f'href="/regie/documents/restes/?exercice={YEAR}&as_of={TODAY.isoformat()}"' in page
    page = html(client.get("/regie/journal/", {"scale": "month", "on": TODAY.isoformat()}, HTTP_HOST=fes.host))
    assert 'data-budget-line="401"' in page and "40,00" in page
    response = client.get("/regie/journal/", {"scale": "month", "on": "pas une date"}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and 'id="form-errors"' in html(response)
    # the CSV
    response = client.get(
        "/regie/export/", {"start": TODAY.isoformat(), "end": TODAY.isoformat(), "budget_line": ""}, HTTP_HOST=fes.host
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["date", "regie", "exercice", "series", "number"]
    assert rows[1][4] == str(quittance.number) and rows[1][11] == "40.00"
    response = client.get("/regie/export/", {"start": TODAY.isoformat(), "end": "2000-01-01"}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and 'id="form-errors"' in html(response)
    # the audit list: the café's terrace owes the ODP, with neither quittance nor ordre; the parcel has its ordre
    page = html(client.get("/regie/audit/", {"exercice": YEAR}, HTTP_HOST=fes.host))
    assert f'id="audit-asset-{ref["terrace"]}"' in page and f'id="audit-asset-{ref["parcel"]}"' not in page


# -------------------------------------------------------------------------------------------------------- setup


def test_setup_shows_the_reference_and_installs_defaults_idempotently(client: Client, fes, ref) -> None:
    login(client, fes.host, "regisseur")
    page = html(client.get("/regie/setup/", HTTP_HOST=fes.host))
    assert 'data-tax="TNB"' in page and "Loi 14-25" in page and "10.20.11" in page
    taxes = in_fes(lambda: Tax.objects.count())
    response = client.post("/regie/setup/defaults/", HTTP_HOST=fes.host)
    assert response.status_code == 302 and in_fes(lambda: Tax.objects.count()) == taxes
    login(client, fes.host, "percepteur")
    assert client.post("/regie/setup/defaults/", HTTP_HOST=fes.host).status_code == 403


def test_after_the_regisseurs_close_the_agent_is_offered_nothing_to_pay_in(client: Client, fes, ref) -> None:
    """Issue 17 item 3: after the régie's close the agent's dashboard showed an amount to pay in and a close that
    was then refused, and the close page linked to a versement answering 404."""
    pay_legalisation(ref)
    with schema_context("fes"):
        services.day_close(actor=ref["regisseur"], regie_id=ref["regie"], day=TODAY, counted_dh=Decimal("40"))
    login(client, fes.host, "percepteur")
    # the dashboard: nothing left to pay in, no close offered for today
    page = html(client.get("/regie/", HTTP_HOST=fes.host))
    expected = page.split('id="mine-expected"')[1].split("</dd>")[0]
    assert re.sub(r"<[^>]+>", "", expected).strip().split(">")[-1] in {"0,00", "0.00"}, expected
    assert 'id="mine-locked"' in page and 'id="close-my-day"' not in page
    # the close page: no close form for that day, and every versement it links to opens
    page = html(client.get("/regie/close/", HTTP_HOST=fes.host))
    assert 'id="close-form"' not in page and 'id="close-regie-closed"' in page
    links = re.findall(r'href="(/regie/versements/\d+/)"', page)
    for link in links:
        assert client.get(link, HTTP_HOST=fes.host).status_code == 200, link
