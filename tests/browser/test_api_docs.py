"""The API's documentation (Swagger UI, served locally) renders every operation of a commune's schema, with
the error responses and each serializer's own component."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import REPO, SharedCommune

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_swagger_ui_renders_the_commune_api(page: Any, live_server_url: str, fes: SharedCommune) -> None:
    base = live_server_url.format(host=fes.host)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # when anyone opens the docs of Fès
    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".opblock", timeout=30_000)
    # then every operation is listed, the collectors' session among them (Swagger UI renders a long list of
    # operations as it goes and as it is scrolled to: every path seen is kept)
    paths: set[str] = set()
    for _ in range(160):
        paths.update(p.replace("\u200b", "") for p in page.locator(".opblock-summary-path").all_inner_texts())
        if len(paths) > 40 and "/collecte/api/session/" in paths:
            break
        page.locator(".opblock").last.scroll_into_view_if_needed()
        page.wait_for_timeout(250)
    assert len(paths) > 40 and "/collecte/api/session/" in paths
    # and an operation shows its documented error responses
    session = page.locator("#operations-collecte-collecte_api_session_retrieve .opblock-summary")
    session.scroll_into_view_if_needed()
    session.click()
    responses = page.locator("#operations-collecte-collecte_api_session_retrieve .response-col_status")
    responses.first.wait_for()
    assert {"200", "400", "401", "403", "404", "429"} <= {s.strip() for s in responses.all_inner_texts()}
    # and the schemas section names the session's own component, next to the error shape
    # (Swagger UI renders a long list of components as it is scrolled to)
    # (the error shape's own component, not one that merely has an "error" field; Swagger UI keeps only the
    # components near the view rendered, so every name seen while scrolling is kept)
    seen: set[str] = set()

    def shown() -> None:
        seen.update(str(s).strip() for s in page.locator(".models .model-container").all_inner_texts())

    for _ in range(80):
        shown()
        if any(s.startswith("Error") for s in seen):
            break
        page.locator(".models .model-container").last.scroll_into_view_if_needed()
        page.wait_for_timeout(250)
    assert any("CollecteSessionApiOutput" in s for s in seen) and any(s.startswith("Error") for s in seen)
    assert errors == []
    page.screenshot(path=str(REPO / "var" / "screenshot-api-docs.png"), full_page=False)
