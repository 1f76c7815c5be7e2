"""The kernel's helpers that keep try/except out of views: a refusal as a message, "does not exist" as the 404
page, query parameters parsed with a default."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.test import RequestFactory

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound
from jamaa.platform.kernel.forms import date_param, int_param, run_in_messages
from jamaa.platform.kernel.pages import found


class AlreadyClosed(Conflict):
    code = "ALREADY_CLOSED"
    message = "Already closed."


def _request():  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _raise(exc: Exception):  # type: ignore[no-untyped-def]
    def call() -> None:
        raise exc

    return call


def test_run_in_messages_returns_the_result_and_says_nothing() -> None:
    request = _request()
    assert run_in_messages(request, lambda: 7) == 7
    assert list(get_messages(request)) == []


def test_run_in_messages_shows_the_refusal_or_the_pages_own_words() -> None:
    request = _request()
    assert run_in_messages(request, _raise(AlreadyClosed())) is None
    assert run_in_messages(request, _raise(DomainError("Drafts remain."))) is None
    assert run_in_messages(request, _raise(AlreadyClosed()), texts={Conflict: "This one is closed."}) is None
    assert [m.message for m in get_messages(request)] == ["Already closed.", "Drafts remain.", "This one is closed."]


@pytest.mark.parametrize("exc", [Forbidden(), NotFound()])
def test_run_in_messages_lets_403_and_404_reach_the_error_pages(exc: DomainError) -> None:
    with pytest.raises(type(exc)):
        run_in_messages(_request(), _raise(exc))


def test_found_turns_does_not_exist_into_the_404_page() -> None:
    assert found(lambda: "x") == "x"
    with pytest.raises(Http404):
        found(_raise(ObjectDoesNotExist()))
    with pytest.raises(ValueError):
        found(_raise(ValueError()))


def test_query_parameters_fall_back_to_the_default() -> None:
    today = dt.date(2026, 12, 5)
    assert date_param("2026-02-01", today) == dt.date(2026, 2, 1)
    assert date_param("", today) == today
    assert date_param(None, None) is None
    assert date_param("2026-02-30", today) == today
    assert date_param("yesterday", None) is None
    assert int_param("12", 0) == 12
    assert int_param("", 3) == 3
    assert int_param("x1", None) is None
