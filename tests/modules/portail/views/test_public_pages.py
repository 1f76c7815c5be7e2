"""The public face: `/` leads anonymous visitors to the portal (staff sign-in is a link), pages are light (HTML and
CSS ≤ 100 kB, no script, nothing from another host), served from the cache per commune and language, in Arabic
right to left; publications and services appear once published."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django_tenants.utils import schema_context

from jamaa.modules.portail import services

from ..factories import signed_in, user_with, visitor

pytestmark = pytest.mark.django_db

PAGES = ("/portail/", "/portail/news/", "/portail/decisions/", "/portail/track/", "/portail/transparency/",
         "/portail/data/", "/portail/check/", "/portail/sign-in/")  # fmt: skip


def test_root_sends_visitors_to_the_portal_and_staff_to_their_home(fes) -> None:
    anonymous = visitor(fes.host)
    response = anonymous.get("/")
    assert response.status_code == 302 and response["Location"] == "/portail/"
    page = anonymous.get("/portail/").content.decode()
    assert 'href="/login/"' in page and 'id="staff-sign-in"' in page
    with schema_context("fes"):
        staff = user_with("portal_home_staff")
    assert signed_in(fes.host, staff).get("/").status_code == 200


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_public_page_is_light_and_self_contained(fes, language) -> None:
    client = visitor(fes.host)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "<script" not in html, path
        # nothing loaded from elsewhere (no CDN): every resource is on the commune's host
        assert not re.search(r'(src="|<link[^>]*href=")(https?:)?//', html), path
        css = sum(
            len(open(finders.find(href.removeprefix("/static/")), "rb").read())  # noqa: SIM115
            for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        )
        assert len(response.content) + css <= 100_000, (path, len(response.content), css)
        assert f'lang="{language}"' in html
        if language == "ar":
            assert 'dir="rtl"' in html
        assert re.search(r"<h1[ >]", html), path


def test_pages_come_from_the_cache_per_language(fes) -> None:
    client = visitor(fes.host)
    first = client.get("/portail/transparency/")
    again = client.get("/portail/transparency/")
    assert first["X-Portal-Cache"] == "miss" and again["X-Portal-Cache"] == "hit"
    assert again.content == first.content
    arabic = visitor(fes.host)
    arabic.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    ar = arabic.get("/portail/transparency/")
    assert ar["X-Portal-Cache"] == "miss" and 'dir="rtl"' in ar.content.decode()


def test_published_items_and_services_show_on_the_home_page(fes) -> None:
    with schema_context("fes"):
        editor = user_with("portal_pub_editor", "portail_editor")
    staff = signed_in(fes.host, editor)
    published = staff.post(
        "/portail/edit/",
        {"action": "publish", "kind": "deliberation", "title_fr": "Budget 2027", "title_ar": "ميزانية 2027",
         "body_fr": "Le conseil adopte le budget.", "body_ar": "صادق المجلس على الميزانية.",
         "session_date": "2026-10-05", "number": "12/2026", "votes_for": "21", "votes_against": "4",
         "votes_abstain": "2", "outcome": "adopted"},
    )  # fmt: skip
    assert published.status_code == 302, published.content.decode()[-2000:]
    missing_vote = staff.post(
        "/portail/edit/",
        {"action": "publish", "kind": "deliberation", "title_fr": "Sans vote", "title_ar": "بدون تصويت"},
    )
    assert missing_vote.status_code == 400
    service = staff.post(
        "/portail/edit/",
        {"action": "service", "name_fr": "Bureau d'état civil", "name_ar": "مكتب الحالة المدنية",
         "hours_fr": "Lundi–vendredi 8h30–16h30", "hours_ar": "الاثنين–الجمعة 8:30–16:30", "position": "1"},
    )  # fmt: skip
    assert service.status_code == 302
    home = visitor(fes.host).get("/portail/").content.decode()
    assert "Budget 2027" in home and "(21 / 4 / 2)" in home and "Lundi–vendredi 8h30–16h30" in home
    with schema_context("fes"):
        from jamaa.modules.portail.models import Publication

        pub = Publication.objects.get(title_fr="Budget 2027")
        services.publication_withdraw(actor=editor, publication_id=pub.pk, reason="Mauvaise session")
    assert visitor(fes.host).get(f"/portail/p/{pub.pk}/").status_code == 404


def test_staff_pages_need_their_roles(fes) -> None:
    with schema_context("fes"):
        nobody = user_with("portal_nobody")
        elected = user_with("portal_elected_one", "portail_elected")
    outsider = signed_in(fes.host, nobody)
    for path in ("/portail/desk/", "/portail/edit/", "/portail/elus/", "/portail/staff/"):
        assert outsider.get(path).status_code == 403, path
    dashboard = signed_in(fes.host, elected).get("/portail/elus/")
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    for label in ("Demandes en ligne ouvertes", "Recettes du mois", "Courrier arrivée ouvert"):
        assert label in html
    assert visitor(fes.host).get("/portail/desk/").status_code == 302  # to the sign-in page


def test_tracking_is_limited_per_network_address(fes) -> None:
    client = visitor(fes.host)
    codes = [client.post("/portail/track/", {"reference": "A-2026/000001", "secret": "ZZ1"}).status_code
             for _ in range(31)]  # fmt: skip
    assert codes[:30] == [404] * 30 and codes[30] == 429


def test_an_anonymous_language_switch_creates_no_session(fes) -> None:
    client = visitor(fes.host)
    response = client.get("/portail/lang/ar/?next=/portail/track/")
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the cookie carries the choice, no session row
    page = client.get("/portail/")
    assert page["Content-Language"] == "ar" and 'dir="rtl"' in page.content.decode()
