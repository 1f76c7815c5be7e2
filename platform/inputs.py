"""Reading untrusted input once, at the edge: typed query parameters and a bounded JSON parser.

Every API reads its query string through `query_params` (a serializer declares the types and bounds, the same
one documents the parameters in OpenAPI), so `?year=x` is a 400 with the error shape, never a `ValueError`
deep in a view. JSON bodies go through `BoundedJSONParser` (DRF's DEFAULT_PARSER_CLASSES): a body over
`JAMAA_API_MAX_JSON_BYTES` is a 413, one nested deeper than `JAMAA_API_MAX_JSON_DEPTH` a 400, and so is
a string holding NUL or a lone surrogate (no column can store it).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

from .errors import DomainError

DEFAULT_MAX_JSON_BYTES = 1024 * 1024
DEFAULT_MAX_JSON_DEPTH = 32


class InvalidQuery(DomainError):
    """A query parameter has the wrong type or is out of bounds (extra.fields names each one)."""

    code = "INVALID"
    message = _("Some parameters of the address are invalid.")


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = _("The request body is too large.")


def query_params(serializer_class: type[serializers.Serializer], params: Mapping[str, Any]) -> dict[str, Any]:  # type: ignore[type-arg]
    """The query string read through `serializer_class`: typed values with their defaults. Raises InvalidQuery
    (400, the fields in extra) on a wrong type or a value out of bounds. `params` is `request.query_params` or
    `request.GET`."""
    data = serializer_class(data=params)
    if not data.is_valid():
        raise InvalidQuery(extra={"fields": data.errors})
    return dict(data.validated_data)


# NUL cannot be stored by PostgreSQL in text or jsonb; a lone surrogate is not Unicode (json decodes a valid pair
# into one character, so any surrogate left is alone).
FORBIDDEN_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def _body_problem(value: Any, max_depth: int) -> str | None:
    """Why a decoded JSON body is refused (nested deeper than `max_depth`, or a string holding a character no
    column can store), else None. Iterative: no recursion to exhaust."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if FORBIDDEN_CHARACTERS.search(item):
                return str(_("The JSON body contains a character that is not allowed (NUL or a lone surrogate)."))
            continue
        if isinstance(item, dict):
            children: list[Any] = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            return str(_("The JSON body is nested too deeply."))
        stack.extend((child, depth + 1) for child in children)
    return None


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with a size limit (413) and a nesting limit (400), both from the settings."""

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        max_bytes = int(getattr(settings, "JAMAA_API_MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES))
        max_depth = int(getattr(settings, "JAMAA_API_MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH))
        context = parser_context or {}
        request = context.get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and str(length).isdigit() and int(length) > max_bytes:
            raise RequestTooLarge()
        raw = stream.read(max_bytes + 1) if stream is not None else b""
        if len(raw) > max_bytes:
            raise RequestTooLarge()
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
            data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        except ValueError as exc:
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from None
        problem = _body_problem(data, max_depth)
        if problem is not None:
            raise ParseError(problem)
        return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    """`1e999999` overflows to infinity, which no field means (it became the text "inf" in a CharField)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is out of range")
    return value


def amounts_too_large(model: type[Model], **amounts: Decimal) -> list[str]:
    """The names of `amounts` that would not fit their decimal column of `model` (its max_digits), so that a
    computed amount past the column is refused as bad input before the database answers with an error."""
    too_large = []
    for name, value in amounts.items():
        field = model._meta.get_field(name)
        max_digits, places = getattr(field, "max_digits", None), getattr(field, "decimal_places", None)
        if max_digits is not None and places is not None and abs(value) >= Decimal(10) ** (max_digits - places):
            too_large.append(name)
    return too_large


MAX_BIGINT = 2**63 - 1  # PostgreSQL bigint: the ids (BigAutoField)
MAX_INT = 2**31 - 1  # PostgreSQL integer: numbers kept in an IntegerField


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """An id sent in a body: a positive bigint, so that a value no row can have is refused as input (400)
    before it reaches a column that cannot hold it."""
    return serializers.IntegerField(min_value=1, max_value=MAX_BIGINT, **kwargs)
