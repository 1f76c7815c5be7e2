"""An operator logs in to the console, onboards a commune, gets its set-password link and suspends it.

The live server is another process: the operator account is committed here (by a module-scoped fixture, set up
before the test's transaction begins), and everything the browser created (the commune, its schema and domain)
is removed at the end.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from jamaa.provisioning.selectors import OPERATORS_GROUP
from jamaa.tenants.models import Commune, Domain
from jamaa.tenants.routing import routing_table
from tests.browser.authenticator import enrol_on_first_login
from tests.conftest import REPO
from tests.console.test_console_views import delete_platform_users

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

USERNAME = "browser-operator"
PASSWORD = "Browser-operator-2026!"
SLUG = "oulmes"


@pytest.fixture(scope="module")
def operator_account(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A committed operator in the public schema; afterwards the operator and the commune made are removed.

    Module-scoped, so it runs outside the test's transaction (which would hide its rows from the live server).
    """
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = get_user_model().objects.create_user(username=USERNAME, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get_or_create(name=OPERATORS_GROUP)[0])
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()
        delete_platform_users(username_prefix=USERNAME)
        routing_table.clear()
        connection.close()  # opened under Playwright's event loop: not the one Django closes before dropping the DB


def test_operator_onboards_and_suspends_a_commune(browser: Any, live_server_url: str, operator_account: None) -> None:
    base = live_server_url.format(host="localhost")
    port = urlsplit(base).port
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    # given an operator who logs in to the console
    page.goto(f"{base}/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    # (the first time, the console has them set up their authenticator: the second factor it requires)
    page.wait_for_url(f"{base}/login/enrol/")
    enrol_on_first_login(page)
    page.wait_for_url(f"{base}/")
    # then the fleet table lists Fès and Meknès, with links that keep the port
    table = page.locator("#communes")
    assert "Fès" in table.inner_text() and "Meknès" in table.inner_text()
    assert page.locator(f'tr[data-slug="fes"] a[href="http://fes.localhost:{port}/"]').count() == 1
    # when the operator creates a commune through the form
    page.click("#new-commune")
    page.wait_for_url(f"{base}/new/")
    page.fill("#id_slug", SLUG)
    page.fill("#id_name_fr", "Oulmès")
    page.fill("#id_name_ar", "أولماس")
    page.fill("#id_region", "Rabat-Salé-Kénitra")
    page.fill("#id_province", "Khémisset")
    page.fill("#id_admin_email", "admin@oulmes.ma")
    page.click("#create-commune")
    # then the page gives the commune's site and the one-time set-password link
    link = page.locator("#set-password-url")
    link.wait_for()
    assert link.input_value().startswith(f"http://{SLUG}.localhost:{port}/password/set/")
    assert page.locator("#created-host").get_attribute("href") == f"http://{SLUG}.localhost:{port}/"
    page.screenshot(path=str(REPO / "var" / "screenshot-console-created.png"), full_page=True)
    # when the operator suspends it with a reason
    page.click("#created-detail")
    page.wait_for_url(f"{base}/communes/{SLUG}/")
    assert page.locator("#status-badge").get_attribute("data-status") == "active"
    page.fill("#id_reason", "Licence impayée")
    page.click("#action-suspend")
    # and confirms, once told what suspending does
    page.wait_for_selector("#suspend-confirm")
    page.click("#confirm-suspend")
    page.wait_for_url(f"{base}/communes/{SLUG}/")
    # then its badge says so, on its page and in the fleet table
    badge = page.locator("#status-badge")
    assert badge.get_attribute("data-status") == "suspended" and badge.inner_text() == "Suspendue"
    page.screenshot(path=str(REPO / "var" / "screenshot-console-detail.png"), full_page=True)
    page.goto(f"{base}/")
    row_badge = page.locator(f'tr[data-slug="{SLUG}"] [data-status]')
    assert row_badge.get_attribute("data-status") == "suspended"
    page.screenshot(path=str(REPO / "var" / "screenshot-console.png"), full_page=True)
    # and its site answers 503 within seconds (the server rechecks its routing every 2 s)
    site = context.new_page()  # Chromium resolves *.localhost itself; Playwright's own HTTP client does not
    status = 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        response = site.goto(f"http://{SLUG}.localhost:{port}/login/")
        status = response.status if response is not None else 0
        if status == 503:
            break
        time.sleep(0.5)
    assert status == 503
    assert "الخدمة معلقة" in site.content()
    site.close()
    # and in Arabic the console is right to left, with the Arabic names
    page.click("#switch-language")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "أولماس" in page.locator("#communes").inner_text() and "فاس" in page.locator("#communes").inner_text()
    assert row_badge.inner_text() == "معلقة"
    page.screenshot(path=str(REPO / "var" / "screenshot-console-ar.png"), full_page=True)
    context.close()
