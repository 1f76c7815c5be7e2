"""The kernel's page helper: a posted form runs one service and goes back to the page (with a message), or the page
is shown again with the refusal on that form; 403/404 refusals reach the error pages."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import path

from jamaa.platform.errors import Conflict, Forbidden, NotFound
from jamaa.platform.kernel.forms import DetailPage, form_action


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=20)


def posted(data: dict[str, str]) -> Any:
    request = RequestFactory().post("/things/3/cancel/", data)
    request._messages = CookieStorage(request)  # noqa: SLF001 - the messages middleware's job
    return request


def again(form: forms.BaseForm) -> HttpResponse:
    return HttpResponse(f"again {sorted(form.errors)} {list(form.non_field_errors())}")  # the helper makes it a 400


def test_a_valid_form_runs_the_service_and_redirects_with_the_message() -> None:
    # given a valid form
    request = posted({"reason": "duplicate"})
    calls: list[dict[str, Any]] = []
    # when it is acted on
    response = form_action(
        ReasonForm(request.POST),
        lambda d: calls.append(d) or 3,
        done=lambda pk: f"/things/{pk}/",
        again=again,
        request=request,
        message="Cancelled.",
    )
    # then the service ran with the cleaned data, and the page it leads to shows the message
    assert calls == [{"reason": "duplicate"}]
    assert (response.status_code, response["Location"]) == (302, "/things/3/")
    assert [str(m) for m in get_messages(request)] == ["Cancelled."]


def test_an_invalid_form_shows_the_page_again_without_running_the_service() -> None:
    request = posted({"reason": ""})
    calls: list[Any] = []
    response = form_action(ReasonForm(request.POST), calls.append, done="/things/3/", again=again)
    assert response.status_code == 400
    assert response.content == b"again ['reason'] []"
    assert calls == []


def test_a_refusal_goes_on_the_form_and_the_page_is_shown_again() -> None:
    request = posted({"reason": "late"})

    def refuse(d: dict[str, Any]) -> None:
        raise Conflict("Already cancelled.")

    response = form_action(ReasonForm(request.POST), refuse, done="/things/3/", again=again, request=request,
                           message="Cancelled.")  # fmt: skip
    assert response.status_code == 400
    assert response.content == b"again ['__all__'] ['Already cancelled.']"
    assert list(get_messages(request)) == []


def test_a_refusal_aliased_to_a_field_goes_on_that_field() -> None:
    request = posted({"reason": "late"})

    def refuse(d: dict[str, Any]) -> None:
        raise Conflict("Too late.", extra={"fields": {"note": ["Too late."]}})

    response = form_action(ReasonForm(request.POST), refuse, done="/", again=again, aliases={"note": "reason"})
    assert response.content == b"again ['reason'] []"


@pytest.mark.parametrize("exc", [Forbidden(), NotFound()])
def test_403_and_404_refusals_reach_the_error_pages(exc: Exception) -> None:
    request = posted({"reason": "late"})

    def refuse(d: dict[str, Any]) -> None:
        raise exc

    with pytest.raises(type(exc)):
        form_action(ReasonForm(request.POST), refuse, done="/", again=again)


# --- DetailPage: the same, for a page whose forms each post to one service ---


def _page(request: Any, pk: int, **bound: forms.BaseForm) -> HttpResponse:
    return HttpResponse(f"page {pk} {sorted(bound)} {[sorted(f.errors) for f in bound.values()]}")


urlpatterns = [path("things/<int:pk>/", _page, name="thing-detail")]
THING = DetailPage("thing-detail", _page)


@pytest.mark.urls(__name__)
def test_a_detail_page_goes_back_to_itself_at_the_anchor_or_to_the_result_s_page() -> None:
    request = posted({"reason": "ok"})
    response = THING.act(request, 3, ReasonForm(request.POST), "cancel_form", lambda d: 9, anchor="#history")
    assert (response.status_code, response["Location"]) == (302, "/things/3/#history")
    response = THING.act(request, 3, ReasonForm(request.POST), "cancel_form", lambda d: 9, go_to=lambda r: r)
    assert response["Location"] == "/things/9/"


@pytest.mark.urls(__name__)
def test_a_detail_page_is_drawn_again_with_the_refused_form_under_its_name() -> None:
    request = posted({"reason": ""})
    calls: list[Any] = []
    response = THING.act(request, 3, ReasonForm(request.POST), "cancel_form", calls.append)
    assert response.status_code == 400
    assert response.content == b"page 3 ['cancel_form'] [['reason']]"
    assert calls == []
    assert THING.render(request, 3).content == b"page 3 [] []"
