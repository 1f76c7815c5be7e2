"""A commune's staff logs in, switches to Arabic and gets a right-to-left page; the choice is remembered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, SharedCommune

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_login_switch_to_arabic_and_see_rtl(page: Any, live_server_url: str, fes: SharedCommune) -> None:
    base = live_server_url.format(host=fes.host)
    # given the login page of Fès, in French by default
    page.goto(f"{base}/login/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    # when the agent logs in with the keyboard
    page.fill("#id_username", fes.username)
    page.fill("#id_password", fes.password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    assert page.locator("#current-user").inner_text() == fes.username
    assert "Fès" in page.locator(".navbar-brand").inner_text()
    # and switches to Arabic
    page.locator(".navbar-toggler").click()  # collapsed menu on a phone screen
    page.locator("#switch-language").click()
    page.wait_for_load_state()
    # then the page is right-to-left, in Arabic, with the RTL stylesheet
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert "فاس" in page.locator(".navbar-brand").inner_text()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("link[href*='bootstrap.rtl']").count() == 1
    Path(REPO / "var").mkdir(exist_ok=True)
    page.screenshot(path=str(REPO / "var" / "screenshot-fes-ar.png"), full_page=True)
    # and the choice is remembered for the user: a fresh login elsewhere comes back in Arabic
    context = page.context.browser.new_context()
    other = context.new_page()
    other.goto(f"{base}/login/")
    assert other.locator("html").get_attribute("dir") == "ltr"  # anonymous: no cookie yet
    other.fill("#id_username", fes.username)
    other.fill("#id_password", fes.password)
    other.click("#login-submit")
    other.wait_for_url(f"{base}/")
    assert other.locator("html").get_attribute("dir") == "rtl"
    context.close()
    # and switching back restores French for the next tests
    page.locator(".navbar-toggler").click()
    page.locator("#switch-language").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "ltr"
