"""The verification registry and its one public page: each registered kind answers through its adapter; the page
shows the kind and number in words in both languages, the holder, the date, the office and the status, and
nothing else; an unknown code or kind is a 404 with the same page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from html import unescape

import pytest
from django.test import Client

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.verification import VerifiedDocument

pytestmark = pytest.mark.django_db

PERMIT = VerifiedDocument(
    kind_fr="Permis de test",
    kind_ar="رخصة تجريبية",
    number="12/2026",
    number_fr="douze",
    number_ar="اثنا عشر",
    holder="Salma Idrissi",
    date=dt.date(2026, 3, 12),
    office_fr="Service test",
    office_ar="مصلحة تجريبية",
)


@pytest.fixture
def test_kind() -> Iterator[str]:
    seen: list[str] = []

    def verify(code: str) -> VerifiedDocument | None:
        seen.append(code)
        return {"GOOD": PERMIT, "OLD": PERMIT.__class__(**{**_fields(PERMIT), "status": "superseded"})}.get(code)

    verification.register(kind="test.permit", label_fr="Permis", label_ar="رخصة", verify=verify)
    yield "test.permit"
    verification._REGISTRY.pop("test.permit", None)  # noqa: SLF001


def _fields(doc: VerifiedDocument) -> dict[str, object]:
    return {name: getattr(doc, name) for name in doc.__slots__}  # type: ignore[attr-defined]


def test_registry_rejects_bad_kinds_and_statuses() -> None:
    with pytest.raises(ValueError):
        verification.register(kind="a/b", label_fr="", label_ar="", verify=lambda code: None)
    with pytest.raises(ValueError):
        VerifiedDocument(**{**_fields(PERMIT), "status": "maybe"})  # type: ignore[arg-type]
    assert verification.verify(kind="nope", code="X") is None
    assert verification.verify_path(kind="test.permit", code="AB") == "/verify/test.permit/AB/"
    assert verification.number_words(21) == ("vingt et un", "واحد وعشرون")


def test_both_modules_registered_their_documents() -> None:
    assert {"etatcivil.document", "regie.quittance"} <= set(verification.kinds())


def test_page_shows_what_a_verifier_needs(client: Client, fes, test_kind: str) -> None:
    response = client.get("/verify/test.permit/GOOD/", HTTP_HOST=fes.host)
    assert response.status_code == 200
    page = unescape(response.content.decode())
    for text in ("Permis de test", "رخصة تجريبية", "12/2026", "douze", "اثنا عشر", "Salma Idrissi", "12/03/2026",
                 "Service test", "مصلحة تجريبية", 'data-status="valid"'):  # fmt: skip
        assert text in page, text


def test_page_says_superseded_and_unknown(client: Client, fes, test_kind: str) -> None:
    old = unescape(client.get("/verify/test.permit/OLD/", HTTP_HOST=fes.host).content.decode())
    assert 'data-status="superseded"' in old and "alert-danger" in old
    missing = client.get("/verify/test.permit/NOPE/", HTTP_HOST=fes.host)
    assert missing.status_code == 404
    assert 'data-status="unknown"' in missing.content.decode()
    assert client.get("/verify/no.kind/GOOD/", HTTP_HOST=fes.host).status_code == 404
