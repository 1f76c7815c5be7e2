"""Support access: a staff member opens a time-limited session with a reason; the commune's site is then served
read-only (writes refused and recorded, the database transaction read-only); the commune's administrator sees
every session with its pages, and can forbid support access (live sessions end, new ones are refused)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.platform.core.models import AuditEvent
from jamaa.platform.support import selectors, services
from jamaa.platform.support.exceptions import InvalidSupportInput, SupportAccessForbidden
from jamaa.platform.support.middleware import COOKIE
from jamaa.platform.support.models import SupportSession
from tests.console.test_console_views import console_client, make_user, page

from .conftest import commune_user, signed_in

pytestmark = pytest.mark.django_db


def entered(host: str, token: str) -> Client:
    client = Client(HTTP_HOST=host)
    response = client.get(f"/support/enter/{token}/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert COOKIE in response.cookies and response.cookies[COOKIE]["httponly"]
    return client


def test_a_support_session_reads_but_cannot_write_and_the_commune_sees_it(fes) -> None:
    commune_user("fes", "sup_admin", admin=True)
    operator = make_user("support-sess")
    with pytest.raises(InvalidSupportInput):
        services.support_session_open(operator=operator, slug="fes", reason="", minutes=30)
    session, token = services.support_session_open(
        operator=operator, slug="fes", reason="Ticket 4411: the staff page is slow", minutes=30
    )
    assert AuditEvent.objects.filter(action="support.session_opened", target_id=str(session.pk)).exists()
    visitor = entered(fes.host, token)
    home = visitor.get("/")
    assert home.status_code == 200 and 'id="support-banner"' in home.content.decode()
    staff = visitor.get("/staff/")  # seen as the commune's administrator
    assert staff.status_code == 200 and "sup_admin" in staff.content.decode()
    with schema_context("fes"):
        from django.contrib.auth import get_user_model

        users_before = get_user_model().objects.count()
    refused = visitor.post("/staff/new/", {"username": "intruder", "first_name": "X", "last_name": "Y", "email": ""})
    assert refused.status_code == 403 and 'id="support-refused"' in refused.content.decode()
    with schema_context("fes"):
        assert get_user_model().objects.count() == users_before
    # the same token on another commune's site opens nothing
    assert Client(HTTP_HOST="meknes.localhost").get(f"/support/enter/{token}/").status_code == 403
    # the commune's administrator sees who, when, why and the pages, the refused write included
    admin = signed_in(fes.host, "sup_admin")
    listing = page(admin.get("/support/sessions/"))
    assert "support-sess" in listing and "Ticket 4411" in listing
    assert "/staff/" in listing and "/staff/new/" in listing and "refusé" in listing
    pages = selectors.sessions_of(slug="fes")[0].pages
    assert [(p.method, p.path, p.refused) for p in pages if p.path.startswith("/staff")] == [
        ("GET", "/staff/", False),
        ("POST", "/staff/new/", True),
    ]


def test_the_database_refuses_a_write_made_during_a_support_visit(fes, monkeypatch: pytest.MonkeyPatch) -> None:
    commune_user("fes", "sup_admin2", admin=True)
    _session, token = services.support_session_open(
        operator=make_user("support-ro"), slug="fes", reason="Checking the home page", minutes=5
    )
    visitor = entered(fes.host, token)
    visitor.raise_request_exception = False
    from jamaa.platform import views

    real = views.module_cards

    def writing_cards(**kwargs: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE auth_user SET first_name = 'changed' WHERE username = 'sup_admin2'")
        return real(**kwargs)

    monkeypatch.setattr("jamaa.platform.views.module_cards", writing_cards)
    assert visitor.get("/").status_code == 500
    with schema_context("fes"):
        from django.contrib.auth import get_user_model

        assert get_user_model().objects.get(username="sup_admin2").first_name == "sup_admin2"


def test_the_administrator_forbids_support_access(fes) -> None:
    commune_user("fes", "sup_admin3", admin=True)
    operator = make_user("support-forbid")
    session, token = services.support_session_open(operator=operator, slug="fes", reason="Routine check", minutes=60)
    visitor = entered(fes.host, token)
    admin = signed_in(fes.host, "sup_admin3")
    response = admin.post("/support/sessions/", {"allowed": "0", "reason": "Not during the elections"})
    assert response.status_code == 302
    assert SupportSession.objects.get(pk=session.pk).ended_at is not None
    # the visit is over: the cookie no longer opens anything (the site treats the visitor as anonymous)
    assert visitor.get("/staff/").status_code == 302
    with pytest.raises(SupportAccessForbidden):
        services.support_session_open(operator=operator, slug="fes", reason="Again please", minutes=10)
    console = console_client(operator)
    assert 'id="consent-forbidden"' in page(console.get("/support/health/fes/"))
    refused = console.post("/support/health/fes/session/", {"reason": "Again please", "minutes": 10})
    assert refused.status_code == 400
    admin.post("/support/sessions/", {"allowed": "1", "reason": "After the elections"})
    assert selectors.consent_allowed(slug="fes")


def test_the_console_opens_the_session_and_sends_the_browser_to_the_commune(fes) -> None:
    console = console_client(make_user("support-console"))
    response = console.post("/support/health/fes/session/", {"reason": "Ticket 5012", "minutes": 15})
    assert response.status_code == 200
    link = re.search(r'id="session-enter" href="([^"]+)"', response.content.decode())
    assert link is not None and link.group(1).startswith("http://fes.localhost/support/enter/")
    token = link.group(1).rsplit("/enter/", 1)[1].strip("/")
    visitor = entered(fes.host, token)
    ended = visitor.post("/support/end/")
    assert ended.status_code == 200 and 'id="support-ended"' in ended.content.decode()
    assert selectors.sessions_of(slug="fes")[0].session.ended_at is not None


def test_an_unpaid_commune_past_its_grace_turns_read_only_but_never_its_etat_civil(fes, meknes, settings) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.core.cache import cache

    from jamaa.platform.billing import services as billing
    from jamaa.platform.billing.selectors import READ_ONLY_CACHE_KEY

    settings.JAMAA_BILLING_SELLER = {"name": "Lab", "ice": "002345678000091", "if": "1", "rc": "2", "patente": "3"}
    billing.price_set(actor=None, module="etatcivil", band="m", monthly_ht=Decimal(100), valid_from=dt.date(2020, 1, 1))
    billing.subscription_set(
        actor=None,
        slug="fes",
        band="m",
        buyer_name_fr="Fès",
        buyer_name_ar="فاس",
        started_on=dt.date(2020, 1, 1),
        read_only_after_days=30,
    )
    billing.invoice_issue(actor=None, slug="fes", period=dt.date(2025, 1, 1), issued_on=dt.date(2025, 2, 1))
    cache.delete(READ_ONLY_CACHE_KEY)
    commune_user("fes", "sup_unpaid", admin=True)
    client = signed_in(fes.host, "sup_unpaid")
    refused = client.post("/staff/new/", {"username": "x"})
    assert refused.status_code == 403 and b"id='unpaid'" in refused.content
    assert client.get("/staff/").status_code == 200  # reading stays open
    assert (
        client.post("/etatcivil/setup/", {}).status_code != 403
        or b"unpaid" not in client.post("/etatcivil/setup/", {}).content
    )
    commune_user("meknes", "sup_paid", admin=True)
    assert signed_in(meknes.host, "sup_paid").post("/staff/new/", {"username": "x"}).status_code != 403
    cache.delete(READ_ONLY_CACHE_KEY)


def test_a_session_may_see_the_site_as_a_named_account(fes) -> None:
    commune_user("fes", "sup_agent_seen")
    commune_user("fes", "sup_admin5", admin=True)
    _session, token = services.support_session_open(
        operator=make_user("support-as"),
        slug="fes",
        reason="The agent's home page",
        minutes=5,
        as_username="sup_agent_seen",
    )
    home = entered(fes.host, token).get("/")
    assert home.status_code == 200 and "sup_agent_seen" in home.content.decode()
    listing = page(signed_in(fes.host, "sup_admin5").get("/support/sessions/"))
    assert "sup_agent_seen" in listing and "vu en tant que" in listing
