"""Issue 17 item 8: redevables have a name in Arabic script and are found like acts, despite a misspelling, in
either script (pg_trgm), by CIN/RC/ICE as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.modules.regie import selectors, services

from .factories import installed

pytestmark = pytest.mark.django_db


@pytest.fixture
def ref(fes: Any) -> Any:
    with schema_context("fes"):
        ref = installed(passwords=False)
        ref["arabic"] = services.redevable_create(
            actor=ref["agent"], name="Abderrahim El Alaoui", name_ar="عبد الرحيم العلوي", cin="D998877"
        )
        yield ref


def names(q: str) -> list[str]:
    return [r.name for r in selectors.redevable_search(q=q)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Benani", "Mohamed Bennani"),  # a letter missing
        ("Mohamed Benanni", "Mohamed Bennani"),
        ("Atlass", "Café Atlas SARL"),
        ("العلوي", "Abderrahim El Alaoui"),  # the Arabic name
        ("عبدالرحيم العلوى", "Abderrahim El Alaoui"),  # Arabic, misspelt
        ("Alaoui", "Abderrahim El Alaoui"),
        ("D998877", "Abderrahim El Alaoui"),  # the CIN, as before
    ],
)
def test_fuzzy_search_in_both_scripts(ref: Any, query: str, expected: str) -> None:
    assert names(query)[:1] == [expected]


def test_unrelated_text_finds_nothing(ref: Any) -> None:
    assert names("Zzyzx") == []


def test_the_form_records_the_arabic_name(ref: Any, fes: Any) -> None:
    client = Client(HTTP_HOST=fes.host)
    with schema_context("fes"):
        client.force_login(ref["agent"])
    response = client.post(
        "/regie/redevables/new/", {"name": "Karim Tazi", "name_ar": "كريم التازي", "cin": "E111222", "address": ""}
    )
    assert response.status_code == 302
    with schema_context("fes"):
        assert names("كريم")[:1] == ["Karim Tazi"]
    page = client.get("/regie/redevables/", {"q": "Karim Tazy"}).content.decode()
    assert "كريم التازي" in page and "Karim Tazi" in page
