"""The API's JSON parser refuses numbers that are not finite (Python would read 1e999999 as infinity)."""

from __future__ import annotations

import io

import pytest
from rest_framework.exceptions import ParseError

from jamaa.platform.inputs import BoundedJSONParser


@pytest.mark.parametrize("body", [b'{"cin": 1e999999}', b"[-1e400]", b'{"a": NaN}', b'{"a": -Infinity}'])
def test_non_finite_numbers_are_refused(body: bytes) -> None:
    with pytest.raises(ParseError):
        BoundedJSONParser().parse(io.BytesIO(body), "application/json", {})


def test_finite_numbers_and_texts_are_read_as_they_are() -> None:
    body = '{"base": 1.5, "n": 12, "name": "Café", "big": 1e300}'.encode()
    assert BoundedJSONParser().parse(io.BytesIO(body), "application/json", {}) == {
        "base": 1.5,
        "n": 12,
        "name": "Café",
        "big": 1e300,
    }
