"""A building permit in a browser, on a phone screen (360 px), in French then in Arabic: the desk deposits a dossier
with a missing piece (incomplete, the clock stopped) → the piece comes in (instruction) → two consultations, one of
them late → the commission sits and gives a favourable avis → the president signs the arrêté → the tax is
liquidated and paid at the régie's counter → the permit is delivered, and its PDF's QR code opens the public
verification page, which says it is valid.

A scratch commune of this test's own (dossiers cannot be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import base64
import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import permissions as regie_permissions
from jamaa.modules.regie import services as regie
from jamaa.modules.urbanisme import permissions
from jamaa.modules.urbanisme.models import Dossier
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import FETCH_BYTES, _drop, log_in, pdftotext, submit
from tests.modules.urbanisme.factories import user_with

pytestmark = [pytest.mark.browser]

SLUG = "bourba"


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _drop(SLUG)
        created = commune_create(
            slug=SLUG, name_fr="Séfrou", name_ar="صفرو", modules=["courrier", "regie", "urbanisme"]
        )
        with schema_context(created.schema_name):
            regie.reference_install_defaults()
            user_with("urb_desk", permissions.AGENT)
            user_with("urb_pres", permissions.SIGNATORY)
            user_with("urb_perc", regie_permissions.AGENT)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_deposit_to_delivery_verified_by_its_qr(
    browser: Any, live_server_url: str, commune: None, tmp_path: Path, language: str, django_db_blocker: Any
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    name = {"fr": "Youssef Benjelloun", "ar": "يوسف بنجلون"}[language]
    today = timezone.localdate()

    def phone(username: str) -> Any:
        context = browser.new_context(viewport={"width": 360, "height": 780})
        context.add_cookies([{"name": "jamaa_language", "value": language, "url": base}])
        page = context.new_page()
        log_in(page, base, username)
        return page

    def fits(page: Any) -> None:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url

    def status(page: Any) -> str:
        return str(page.locator("#status").get_attribute("data-status"))

    # given the desk agent, on a phone
    desk = phone("urb_desk")
    desk.goto(f"{base}/urbanisme/new/")
    assert desk.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    fits(desk)
    # when a building permit is deposited without the architect's contract
    desk.select_option("#id_kind", "construire")
    desk.fill("#id_subject", "Villa R+1")
    desk.select_option("#id_petitioner_kind", "person")
    desk.fill("#id_petitioner_name", name)
    desk.fill("#id_petitioner_cin", f"C{language.upper()}1234")
    desk.fill("#id_built_area_m2", "150")
    desk.fill("#id_floors", "2")
    desk.fill("#id_housing_units", "1")
    desk.fill("#id_title_number", "4567/07")
    desk.fill("#id_latitude", "34.0181")
    desk.fill("#id_longitude", "-5.0078")
    desk.fill("#id_area_m2", "220")
    for code in ("demande", "propriete", "situation", "topo", "archi"):
        desk.check(f'#pieces input[value="construire:{code}"]')
    assert not desk.locator('#pieces input[value="lotir:cahier"]').is_visible()  # only this kind's pieces
    submit(desk, "#deposit-form button")
    # then it is numbered, incomplete, the clock stopped, the contract listed as missing
    reference = desk.locator("#reference").inner_text().strip()
    assert reference.startswith(f"PC-{today.year}/") and status(desk) == "incomplete"
    assert desk.locator("#piece-list .missing").count() == 1
    fits(desk)
    # the récépissé was issued: a PDF with the number, in both languages
    href = desk.locator('#documents li[data-kind="receipt"] a').get_attribute("href")
    fetched = desk.evaluate(FETCH_BYTES, f"{base}{href}")
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    printed = pdftotext(base64.b64decode(fetched["body"]))
    assert reference in printed and "وصل الإيداع" in printed and "Pièces manquantes" in printed

    # when the contract comes in, the instruction resumes
    desk.check('#pieces-form input[value="contrat"]')
    submit(desk, "#pieces-form button")
    assert status(desk) == "instruction"
    # two consultations: the agence urbaine today, the civil protection sent 20 days ago and due 5 days ago
    desk.select_option(
        "#consult-form select[name=service_id]",
        label=desk.locator("#consult-form select[name=service_id] option").nth(0).inner_text(),
    )
    submit(desk, "#consult-form button")
    assert status(desk) == "consultation"
    desk.select_option("#consult-form select[name=service_id]", index=1)
    desk.fill("#consult-form input[name=sent_on]", (today - dt.timedelta(days=20)).isoformat())
    desk.fill("#consult-form input[name=deadline]", (today - dt.timedelta(days=5)).isoformat())
    submit(desk, "#consult-form button")
    assert desk.locator("#consultations tbody tr").count() == 2
    assert desk.locator("#consultations tr.late").count() == 1
    # the first answers favourably; the late one never answers
    submit(desk, "#consultations tr:not(.late) .return-form button")
    fits(desk)

    # the commission: a sitting today, the dossier on its agenda, a favourable avis, the minutes final
    desk.goto(f"{base}/urbanisme/sittings/")
    desk.fill("#id_day", today.isoformat())
    desk.fill("#id_place", "Salle du conseil")
    submit(desk, "#sitting-form button")
    dossier_id = desk.evaluate(
        "(ref) => [...document.querySelectorAll('#agenda-form option')].find(o => o.text.startsWith(ref)).value",
        reference,
    )
    desk.select_option("#agenda-form select", dossier_id)
    submit(desk, "#agenda-form button")
    item = desk.locator(f'.item[data-reference="{reference}"]')
    assert "(" in item.inner_text()  # the late consultation is shown to the commission
    with desk.expect_navigation():
        item.locator('button[value="favourable"]').click()
    fits(desk)
    desk.fill("#hold-form textarea[name=members_present]", "Le Président\nAgence urbaine\nProtection civile")
    submit(desk, "#hold-form button")
    assert desk.locator("#minutes a").count() == 1

    # the president signs the arrêté from the dossier's page
    president = phone("urb_pres")
    president.goto(f"{base}/urbanisme/{dossier_id}/")
    assert status(president) == "favourable"
    president.fill("#sign-form input[name=signatory]", "Le Président du Conseil communal")
    submit(president, "#sign")
    assert status(president) == "signed" and president.locator("#decision").inner_text().startswith("AR-")

    # the desk liquidates the tax; delivery before payment is refused with the reason
    desk.goto(f"{base}/urbanisme/{dossier_id}/")
    submit(desk, "#liquidate")
    assert "3" in desk.locator("#tax").inner_text()  # 150 m² × 20 DH = 3,000 DH
    submit(desk, "#deliver")
    assert desk.locator("#refusal").is_visible() and status(desk) == "signed"
    liquidation_href = desk.locator("#tax-link").get_attribute("href")

    # the petitioner pays at the régie's counter
    counter = phone("urb_perc")
    counter.goto(f"{base}{liquidation_href}")
    submit(counter, "#pay-submit")

    # the desk delivers the permit: its PDF's QR opens the verification page, which says valid
    desk.goto(f"{base}/urbanisme/{dossier_id}/")
    submit(desk, "#deliver")
    assert status(desk) == "delivered"
    href = desk.locator('#documents li[data-kind="permit"] a').get_attribute("href")
    fetched = desk.evaluate(FETCH_BYTES, f"{base}{href}")
    pdf = base64.b64decode(fetched["body"])
    printed = pdftotext(pdf)
    assert reference in printed and "Permis de construire" in printed and "رخصة البناء" in printed
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-", str(tmp_path / "p")], input=pdf, check=True
    )
    (png,) = tmp_path.glob("p*.png")
    url = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, check=True).stdout.decode()
    assert "/verify/urbanisme.document/" in url
    visitor = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    visitor.goto(url.strip())
    assert visitor.locator("#verify-result").get_attribute("data-status") == "valid"
    assert reference in visitor.content()
    with django_db_blocker.unblock(), schema_context(SLUG):
        d = Dossier.objects.get(pk=dossier_id)
        assert (d.status, d.tax_dh, bool(d.tax_quittance)) == ("delivered", 3000, True)
        connection.set_schema_to_public()
