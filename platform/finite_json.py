"""The API's JSON parser: numbers are finite. Python reads `1e999999` as infinity (and DRF's parser lets it
through), which a text field would then store as "inf" — "INF" as a CIN. Such a body is refused as unreadable
(400), like `NaN` and `Infinity` already are."""

from __future__ import annotations

import codecs
import json
import math
from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


class FiniteJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]  # DRF's charset checks
        try:
            decoded = codecs.getreader(encoding)(stream)
            return json.load(decoded, parse_constant=_no_constant, parse_float=_finite)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
