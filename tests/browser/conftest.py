"""Headless Chromium (Debian's) driven by Playwright, against a real server process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser(live_server_url: str) -> Iterator[Any]:
    """Module-scoped, started after the database is ready and stopped before other modules run.

    Playwright's sync API keeps an event loop in this thread; Django then refuses database work here unless
    told that this synchronous use is safe (it is: one thread, one call at a time), as pytest-playwright
    documents for pytest-django.
    """
    import os

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    assert shutil.which(CHROMIUM), "Debian's chromium is required: `make install` installs it"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone screen
    page = context.new_page()
    yield page
    context.close()
