"""In a browser: the home page built from roles, the styled forbidden page in French and Arabic, and a new
commune's administrator reaching every enabled module's setup from the home page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.modules import registry
from jamaa.modules.etatcivil import permissions
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import PASSWORD, _drop, log_in, open_menu_if_collapsed, submit
from tests.modules.etatcivil.factories import user_with

pytestmark = pytest.mark.browser

SLUG = "kernel-home"
MODULES = ["etatcivil", "regie", "collecte"]


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """A new commune with three modules: its first administrator (password set) and an état civil agent."""
    with django_db_blocker.unblock():
        _drop(SLUG)
        created = commune_create(slug=SLUG, name_fr="Sefrou test", name_ar="صفرو تجربة", modules=MODULES)
        with schema_context(created.schema_name):
            admin = get_user_model().objects.get(username=created.admin_username)
            admin.set_password(PASSWORD)
            admin.save(update_fields=["password"])
            user_with("agent-only", permissions.AGENT)
        connection.set_schema_to_public()
    yield created.admin_username
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


def cards(page: Any) -> list[str]:
    return sorted(page.locator("#modules [data-module]").evaluate_all("els => els.map(e => e.dataset.module)"))


def test_an_etatcivil_agent_sees_only_that_card_and_a_forbidden_page_in_both_languages(
    page: Any, live_server_url: str, commune: str
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    # given an agent with only the état civil role
    log_in(page, base, "agent-only")
    # then the home page has that card only, and it opens the module
    assert cards(page) == ["etatcivil"]
    assert page.locator("#modules a[href='/etatcivil/']").count() == 1
    # when they type the régie's address, they get the styled page in French with a way back
    response = page.goto(f"{base}/regie/")
    assert response is not None and response.status == 403
    assert page.locator("html").get_attribute("lang") == "fr" and page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#error-title").inner_text() == "Vous ne pouvez pas ouvrir cette page"
    assert page.locator("#error-home").inner_text() == "Retour à la page d'accueil"
    assert page.locator("#error-page").evaluate("e => getComputedStyle(e).borderRadius") != "0px"  # Bootstrap's card
    # when they switch to Arabic on that page, it is in Arabic, right to left
    submit(page, "#switch-language")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#error-title").inner_text() == "لا يمكنكم فتح هذه الصفحة"
    # and the way back leads home
    with page.expect_navigation():
        page.locator("#error-home").click()
    assert page.url == f"{base}/" and cards(page) == ["etatcivil"]
    open_menu_if_collapsed(page)
    submit(page, "#switch-language")  # back to French for the next tests of this browser context


def test_a_new_communes_administrator_reaches_every_enabled_modules_setup(
    page: Any, live_server_url: str, commune: str
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    log_in(page, base, commune)
    with_setup = [code for code in MODULES if registry.available()[code].setup_url]
    assert with_setup == ["etatcivil", "regie"]
    headings = {"etatcivil": "Paramétrage de l'état civil", "regie": "Paramétrage de la régie"}
    for code in with_setup:
        link = page.locator(f"[data-module='{code}'] a.module-setup")
        assert link.count() == 1
        with page.expect_navigation():
            link.click()
        assert page.url == f"{base}{registry.available()[code].setup_url}"
        assert page.locator("h1").first.inner_text() == headings[code]
        page.goto(f"{base}/")
