"""Right to left (issue 17, item 6): the collectors' app says its network state in the language the collector
switches to (the badge kept the previous language), and Latin names in Arabic lines are isolated."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytestmark = [pytest.mark.browser]


def wait_for_site(page: Any, url: str) -> None:
    deadline = time.monotonic() + 15
    while True:
        response = page.goto(url)
        if response is not None and response.status == 200:
            return
        assert time.monotonic() < deadline, f"{url} still answers {response.status if response else None}"
        time.sleep(0.5)


def badge_says(page: Any, text: str) -> None:
    page.wait_for_function(f"() => document.querySelector('#net-status').textContent === {text!r}")


def test_online_badge_follows_a_language_switch(browser: Any, live_server_url: str, fes: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    wait_for_site(page, live_server_url.format(host=f"{fes.slug}.localhost") + "/collecte/")
    page.wait_for_selector("#app[data-ready='1']")
    page.evaluate("localStorage.removeItem('collecte-lang')")
    page.reload()
    page.wait_for_selector("#app[data-ready='1']")
    badge_says(page, "En ligne")
    # when the collector switches to Arabic, the badge says it in Arabic
    page.locator("#lang-toggle").click()
    page.wait_for_function("() => document.documentElement.dir === 'rtl'")
    badge_says(page, "متصل")
    # offline, then back to French: still in the language shown
    context.set_offline(True)
    badge_says(page, "غير متصل")
    page.locator("#lang-toggle").click()
    page.wait_for_function("() => document.documentElement.dir === 'ltr'")
    badge_says(page, "Hors ligne")
    context.set_offline(False)
    badge_says(page, "En ligne")
    context.close()
