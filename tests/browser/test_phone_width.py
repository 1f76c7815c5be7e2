"""Every page fits a 360 px phone (issue 17, item 7): a commune with every module enabled and the demo's data, walked
in Chromium at 360×780 in Arabic and in French, as each demo staff member, the commune's administrator and an
anonymous visitor: from the home page, every same-site link (not documents, files, the API or sign-out) is
opened, breadth first, and `document.documentElement.scrollWidth` must not pass the screen's width. A screen is
opened once per language: links that differ only by a number (a record's id, a list's page) are the same screen.
Pages that overflow are named with their width. New modules' pages are walked without touching this test, as long
as a link leads to them (from the home page's cards, their navigation or their lists).

A scratch commune of this test's own, seeded with `provisioning.demo.demo_commune_seed`, dropped at the end. One
browser context per language (its cache of styles and scripts shared by everyone's walk; cookies cleared between
people), with service workers blocked: the collecte app's worker would otherwise answer later people's pages from
its cache, and the walk measures the server's pages."""

from __future__ import annotations

import re
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


NUMBER = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")
PAGE = """() => ({width: document.documentElement.scrollWidth,
  hrefs: [...document.querySelectorAll('a[href]:not([download])')].map(a => a.href)})"""


def _screen(url: str) -> str:
    """The screen a URL shows: its path and query with ids and numbers blanked (/courrier/12/ and /courrier/13/
    are one screen)."""
    parts = urlsplit(url)
    return NUMBER.sub("#", f"{parts.path}?{parts.query}" if parts.query else parts.path)


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
    """Open every reachable screen (breadth first from the home page) that another person has not opened already
    in this language (the home page always: each person's cards differ); each one that overflows, with its width
    and the elements past the edge; and how many pages were opened. `checked` holds screens (`_screen`)."""
    overflowing: dict[str, str] = {}
    home = f"{base}/"
    seen = {_screen(home)} | checked
    queue = deque([home])
    opened = 0
    while queue and opened < MAX_PAGES:
        url = queue.popleft()
        response = page.goto(url)  # waits for the load event: styles, fonts and images are in
        opened += 1
        checked.add(_screen(url))
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        found = page.evaluate(PAGE)  # width and links in one round trip
        if found["width"] > WIDTH + 1:
            overflowing[url.removeprefix(base)] = f"{found['width']} px: {page.evaluate(CULPRITS)}"
        for href in found["hrefs"]:
            link = _followable(base, href)
            if link and _screen(link) not in seen:
                seen.add(_screen(link))
                queue.append(link)
    return overflowing, opened


def _people() -> list[tuple[str, str]]:
    return [(username, password) for username, _first, password in demo_staff()] + [ADMIN]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_fits_a_360_px_phone(browser: Any, live_server_url: str, commune: None, language: str) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    problems: dict[str, dict[str, str]] = {}
    checked: set[str] = set()
    opened: dict[str, int] = {}
    context = browser.new_context(viewport={"width": WIDTH, "height": 780}, service_workers="block")
    page = context.new_page()
    for who in [("", ""), *_people()]:
        context.clear_cookies()  # the previous person's session goes; the cached styles and scripts stay
        context.add_cookies([{"name": "jamaa_language", "value": language, "url": base}])
        if who[0]:
            page.goto(f"{base}/login/")
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
    assert any("#" in u for u in checked), sorted(checked)  # records' own pages too, not only the lists
