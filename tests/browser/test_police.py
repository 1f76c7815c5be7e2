"""The police administrative in a browser, on a phone screen, in French then in Arabic (issue 20's scenario): a
café requests a terrace of 24 m² (registered in the bureau d'ordre) → the technical commission's avis → granted
→ the régie shows the ODP revenue line and its first ordre (24 m² × 70 DH = 1,680 DH) → the holder pays (the
régie's ordre recovered through its bordereau) → an inspection finds 30 m² in use → PV (a real PDF) and a
warning → the daily job announces the renewal.

A scratch commune of this test's own (official records cannot be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from jamaa.modules.police import permissions, services
from jamaa.modules.police.models import Authorisation, RevenuePeriod
from jamaa.modules.regie import permissions as regie_permissions
from jamaa.modules.regie import services as regie_services
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import FETCH_BYTES, _drop, log_in, pdftotext, submit
from tests.modules.police.factories import user_with

pytestmark = [pytest.mark.browser]

SLUG = "bopolice"


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _drop(SLUG)
        created = commune_create(slug=SLUG, name_fr="Séfrou", name_ar="صفرو", modules=["courrier", "regie", "police"])
        with schema_context(created.schema_name):
            regie_services.reference_install_defaults()
            for language in ("fr", "ar"):
                user_with(f"pol-agent-{language}", permissions.AGENT)
                user_with(f"pol-decider-{language}", permissions.DECIDER)
                user_with(f"pol-inspector-{language}", permissions.INSPECTOR)
                user_with(f"pol-regisseur-{language}", regie_permissions.REGISSEUR)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_terrace_commission_grant_revenue_payment_inspection_renewal(
    browser: Any, live_server_url: str, commune: None, tmp_path: Path, language: str, django_db_blocker: Any
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    today = timezone.localdate()
    cin = {"fr": "CB100001", "ar": "CB100002"}[language]

    def phone(username: str) -> Any:
        context = browser.new_context(viewport={"width": 360, "height": 780})
        context.add_cookies([{"name": "jamaa_language", "value": language, "url": base}])
        page = context.new_page()
        log_in(page, base, username)
        return page

    # given an agent of the police administrative, on a phone: the café and its owner
    agent = phone(f"pol-agent-{language}")
    agent.goto(f"{base}/police/establishments/new/")
    assert agent.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert fits(agent)
    agent.fill("#id_name", {"fr": "Café de la Paix", "ar": "مقهى السلام"}[language])
    agent.select_option("#id_activity_code", "cafe")
    agent.fill("#id_address", "12 avenue Hassan II")
    agent.select_option("#id_owner_kind", "person")
    agent.fill("#id_owner_name", "Rachid Alami")
    agent.fill("#id_owner_cin", cin)
    submit(agent, "#establishment-form button")
    # when the café requests a terrace of 24 m²
    submit(agent, "#new-request")
    agent.select_option("#id_kind", "occupation")
    agent.select_option("#id_occupation_type", "terrace")
    agent.fill("#id_surface_m2", "24")
    submit(agent, "#request-form button")
    assert fits(agent)
    # then it is registered in the bureau d'ordre
    assert agent.locator("#mail-reference").inner_text().strip().startswith(f"A-{today.year}/")
    # the technical commission gives its avis
    submit(agent, "#commission-form button")
    agent.fill("#id_member_name", "Service technique")
    agent.fill("#id_member_service", "Voirie")
    agent.select_option("#id_opinion", "favourable")
    submit(agent, "#avis-form button")
    assert "Service technique" in agent.locator("#avis").inner_text()
    request_url = agent.url

    # the president's delegate grants it (the validity prefilled from the request)
    decider = phone(f"pol-decider-{language}")
    decider.goto(request_url)
    submit(decider, "#grant-form button")
    assert decider.locator("#authorisation-status").get_attribute("data-status") == "active"
    assert fits(decider)
    row = decider.locator("#periods tbody tr").first
    ordre_reference = row.get_attribute("data-ordre")
    assert row.get_attribute("data-status") == "issued" and "1680" in row.inner_text().replace(" ", "")
    # the authorisation as a PDF, bilingual, with its number
    href = decider.locator("#authorisation-pdf").get_attribute("href")
    fetched = decider.evaluate(FETCH_BYTES, f"{base}{href}")
    printed = pdftotext(base64.b64decode(fetched["body"]))
    reference = decider.locator("#reference").inner_text().strip()
    assert fetched["status"] == 200 and reference in printed and "رخصة احتلال الملك العمومي" in printed

    # the régie shows the ODP revenue line and its first ordre
    with django_db_blocker.unblock(), schema_context(SLUG):
        authorisation = Authorisation.objects.get(holder_identifier=cin)
        period = RevenuePeriod.objects.get(authorisation=authorisation)
        connection.set_schema_to_public()
    regisseur = phone(f"pol-regisseur-{language}")
    regisseur.goto(f"{base}/regie/ordres/{period.regie_ordre_id}/")
    shown = regisseur.locator("main").inner_text()
    compact = re.sub(r"[\s\u00a0\u202f,.]", "", shown)
    assert reference in shown, shown
    assert "ODP" in shown or "الملك العمومي" in shown
    assert "168000" in compact, shown

    # the holder pays: the ordre goes to the comptable in a bordereau, taken in charge, recovered
    with django_db_blocker.unblock(), schema_context(SLUG):
        from django.contrib.auth import get_user_model

        by = get_user_model().objects.get(username=f"pol-regisseur-{language}")
        regie = regie_services.reference_install_defaults()
        bordereau = regie_services.bordereau_create(
            actor=by, regie_id=regie.pk, exercice=period.issued_at.year, ordre_ids=[period.regie_ordre_id]
        )
        regie_services.bordereau_take_in_charge(actor=by, bordereau_id=bordereau.pk, reference=f"TR-{language}")
        regie_services.ordre_transition(actor=by, ordre_id=period.regie_ordre_id, to_status="recovered")
        connection.set_schema_to_public()
    decider.reload()
    assert decider.locator("#periods tbody tr").first.get_attribute("data-status") == "recovered"
    assert decider.locator(f'#periods tr[data-ordre="{ordre_reference}"] strong').count() == 1

    # an inspector in the street finds 30 m² in use: PV with a photo, then a warning
    photo = tmp_path / "terrasse.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (30, 120, 30)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    inspector = phone(f"pol-inspector-{language}")
    inspector.goto(f"{base}/police/establishments/{authorisation.establishment_id}/")
    submit(inspector, "#new-inspection")
    assert fits(inspector)
    inspector.select_option("#id_authorisation_id", str(authorisation.pk))
    inspector.fill("#id_measured_surface_m2", "30")
    inspector.check("#id_compliant")
    inspector.fill("#id_findings", "Terrasse étendue sur le trottoir, 30 m² occupés")
    inspector.fill("#id_latitude", "33.828100")
    inspector.fill("#id_longitude", "-4.837900")
    inspector.set_input_files("#id_photos", str(photo))
    submit(inspector, "#inspection-form button[type=submit], #inspection-form div > button")
    assert inspector.locator("#compliance").get_attribute("data-compliant") == "0"
    inspector.select_option("#id_kind", "warning")
    inspector.fill("#id_reason", "Ramener la terrasse à 24 m²")
    submit(inspector, "#sanction-form button")
    assert inspector.locator('#sanctions li[data-kind="warning"]').count() == 1
    assert fits(inspector)
    pv_href = inspector.locator("#pv-pdf").get_attribute("href")
    pv = inspector.evaluate(FETCH_BYTES, f"{base}{pv_href}")
    pv_text = pdftotext(base64.b64decode(pv["body"]))
    assert "محضر مراقبة" in pv_text and "Ramener la terrasse" in pv_text and "30" in pv_text

    # the daily job announces the renewal, 20 days before the end
    with django_db_blocker.unblock(), schema_context(SLUG):
        services.commune_daily(on=authorisation.valid_until - dt.timedelta(days=20))
        connection.set_schema_to_public()
    agent.goto(f"{base}/police/")
    assert reference in agent.locator("#notices").inner_text()
    assert fits(agent)
