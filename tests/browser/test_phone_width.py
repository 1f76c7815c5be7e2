"""Every page fits a 360 px phone (issue 17, item 7): a commune with every module enabled and the demo's data, walked
in Chromium at 360×780 in Arabic and in French, as each demo staff member, the commune's administrator and an
anonymous visitor: from the home page, every same-site link (not documents, files, the API or sign-out) is
opened, breadth first, and `document.documentElement.scrollWidth` must not pass the screen's width. Pages that
overflow are named with their width. New modules' pages are walked without touching this test, as long as a link
leads to them (from the home page's cards, their navigation or their lists).

A scratch commune of this test's own, seeded with `provisioning.demo.demo_commune_seed`, dropped at the end."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.modules import registry
from jamaa.provisioning.demo import demo_commune_seed, demo_staff
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import _drop
from tests.browser.test_rtl import wait_for_site

pytestmark = [pytest.mark.browser]

SLUG = "bowidth"
WIDTH = 360
MAX_PAGES = 60  # per person and language: enough for every screen of every module, not every row of every list
ADMIN = ("adminwidth", "Width-admin-2026!")
SKIP = ("/logout", "/api/", "/static/", "/media/", "/verify/", "/i18n/", "/metrics", "/healthz", "/readyz")
SKIP_ENDINGS = (".pdf", ".csv", ".xlsx", ".json", ".zip", ".png", ".jpg", ".txt", ".xml")


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _drop(SLUG)
        commune_create(slug=SLUG, name_fr="Imouzzer", name_ar="إيموزار", modules=list(registry.available()))
        demo_commune_seed(SLUG)
        with schema_context(SLUG):
            admin = get_user_model().objects.create_user(username=ADMIN[0], password=ADMIN[1])
            admin.groups.add(Group.objects.get_or_create(name="administrators")[0])
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


CULPRITS = """() => [...document.querySelectorAll('body *')].filter(e => {
  const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > 361 || r.left < -1);
}).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().left)
  + '..' + Math.round(e.getBoundingClientRect().right))"""


def _followable(base: str, href: str | None) -> str | None:
    if not href:
        return None
    url = urldefrag(href)[0]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != base:
        return None
    path = parts.path
    if any(path.startswith(p) for p in SKIP) or path.lower().endswith(SKIP_ENDINGS):
        return None
    return url


def _walk(page: Any, base: str, checked: set[str]) -> tuple[dict[str, str], int]:
    """Open every reachable page (breadth first from the home page) that another person has not opened already in
    this language (the home page always: each person's cards differ); each one that overflows, with its width and
    the elements past the edge; and how many pages were opened."""
    overflowing: dict[str, str] = {}
    seen = {f"{base}/"} | checked
    queue = deque([f"{base}/"])
    opened = 0
    while queue and opened < MAX_PAGES:
        url = queue.popleft()
        response = page.goto(url)
        opened += 1
        checked.add(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        page.wait_for_load_state()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > WIDTH + 1:
            overflowing[url.removeprefix(base)] = f"{width} px: {page.evaluate(CULPRITS)}"
        hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
        for href in hrefs:
            found = _followable(base, href)
            if found and found not in seen:
                seen.add(found)
                queue.append(found)
    return overflowing, opened


def _people() -> list[tuple[str, str]]:
    return [(username, password) for username, _first, password in demo_staff()] + [ADMIN]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_fits_a_360_px_phone(browser: Any, live_server_url: str, commune: None, language: str) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    problems: dict[str, dict[str, str]] = {}
    checked: set[str] = set()
    opened: dict[str, int] = {}
    for who in [("", ""), *_people()]:
        context = browser.new_context(viewport={"width": WIDTH, "height": 780})
        context.add_cookies([{"name": "jamaa_language", "value": language, "url": base}])
        page = context.new_page()
        if who[0]:
            wait_for_site(page, f"{base}/login/")
            page.fill("#id_username", who[0])
            page.fill("#id_password", who[1])
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/")
        else:
            wait_for_site(page, f"{base}/")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        found, opened[who[0] or "anonymous"] = _walk(page, base, checked)
        if found:
            problems[who[0] or "anonymous"] = found
        context.close()
    assert problems == {}, f"pages wider than {WIDTH} px ({language}): {problems}"
    # The walk is real: each module's people reach its pages (a broken sign-in or home page would open one).
    assert len(checked) >= 25 and all(n >= 1 for n in opened.values()), (len(checked), opened)
    assert any(u.endswith("/regie/") for u in checked) and any("/courrier/" in u for u in checked), sorted(checked)
