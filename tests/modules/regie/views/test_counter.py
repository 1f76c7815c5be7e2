"""The régie's counter on a commune's host: liquidation → steps → pay → receipt, refusals on the form, a cancelled
liquidation, counter payments, and cancellations with the régisseur's approval."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import services
from jamaa.modules.regie.models import (
    CancellationRequest,
    Liquidation,
    Quittance,
    QuittanceCancellation,
)

from .pages import (
    html,
    in_fes,
    login,
    pay_legalisation,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year
LATE = TODAY - dt.timedelta(days=100)

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
