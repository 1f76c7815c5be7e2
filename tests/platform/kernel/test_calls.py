"""A service's refusal on a form (field or non-field) and in the API shape, with no try/except in the caller."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from rest_framework import serializers

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound
from jamaa.platform.kernel.api import api_call, validated
from jamaa.platform.kernel.forms import run_in_form


class AmountTooHigh(DomainError):
    code = "AMOUNT_TOO_HIGH"
    message = "The amount is above the tariff."


class PayForm(forms.Form):
    amount = forms.DecimalField()
    tax = forms.CharField()


def bound() -> PayForm:
    form = PayForm(data={"amount": "10", "tax": "TNB"})
    assert form.is_valid()
    return form


def refuse(exc: Exception) -> int:
    raise exc


def test_result_passes_through_and_the_form_stays_clean() -> None:
    form = bound()
    assert run_in_form(form, lambda: 42) == 42
    assert form.errors == {}


def test_a_refusal_naming_a_field_goes_on_that_field() -> None:
    form = bound()
    result = run_in_form(form, lambda: refuse(AmountTooHigh(extra={"fields": {"amount": ["max 5"]}})))
    assert result is None
    assert form.errors == {"amount": ["The amount is above the tariff."]}


def test_aliases_map_service_names_and_detail_keeps_the_field_texts() -> None:
    form = bound()
    run_in_form(form, lambda: refuse(AmountTooHigh(extra={"fields": {"tax_id": ["Unknown tax."]}})),
                aliases={"tax_id": "tax"}, detail=True)  # fmt: skip
    assert form.errors == {"tax": ["Unknown tax."]}


def test_a_refusal_naming_no_field_of_the_form_goes_above_it() -> None:
    form = bound()
    run_in_form(form, lambda: refuse(Conflict("Day already closed.", extra={"fields": {"day": ["closed"]}})))
    assert form.errors == {"__all__": ["Day already closed."]}
    assert form.non_field_errors() == ["Day already closed."]


def test_a_django_validation_error_goes_on_its_fields() -> None:
    form = bound()
    run_in_form(form, lambda: refuse(ValidationError({"amount": ["Must be positive."], "other": ["x"]})))
    assert form.errors == {"amount": ["Must be positive."]}


def test_a_validation_errors_non_field_part_goes_above_the_form() -> None:
    form = bound()
    run_in_form(form, lambda: refuse(ValidationError({"__all__": ["Dates overlap."], "tax": ["Unknown."]})))
    assert form.errors == {"__all__": ["Dates overlap."], "tax": ["Unknown."]}


@pytest.mark.parametrize("exc", [Forbidden(), NotFound()])
def test_forbidden_and_not_found_propagate_to_the_error_pages(exc: DomainError) -> None:
    form = bound()
    with pytest.raises(type(exc)):
        run_in_form(form, lambda: refuse(exc))
    assert form.errors == {}


class Out(serializers.Serializer):
    number = serializers.IntegerField()


class In(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0)


def test_api_call_serializes_the_result_with_its_status() -> None:
    response = api_call(lambda: {"number": 7}, output=Out, status=201)
    assert (response.status_code, response.data) == (201, {"number": 7})
    listed = api_call(lambda: [{"number": 1}, {"number": 2}], output=Out, many=True)
    assert listed.data == [{"number": 1}, {"number": 2}]
    assert api_call(lambda: 3, output=lambda n: {"n": n * 2}).data == {"n": 6}


def test_api_call_gives_the_error_shape() -> None:
    refused = api_call(lambda: refuse(AmountTooHigh(extra={"fields": {"amount": ["max 5"]}})), output=Out)
    assert refused.status_code == 400
    assert refused.data == {
        "code": "AMOUNT_TOO_HIGH",
        "message": "The amount is above the tariff.",
        "extra": {"fields": {"amount": ["max 5"]}},
    }
    missing = api_call(lambda: refuse(ObjectDoesNotExist()))
    assert (missing.status_code, missing.data["code"]) == (404, "NOT_FOUND")
    assert api_call(lambda: refuse(Forbidden())).status_code == 403


def test_api_call_lets_the_unexpected_through() -> None:
    with pytest.raises(ZeroDivisionError):
        api_call(lambda: 1 // 0)


def test_validated_returns_data_or_raises_the_invalid_shape() -> None:
    from rest_framework.exceptions import ValidationError as DrfValidationError

    assert validated(In, {"amount": "12.50"})["amount"] == __import__("decimal").Decimal("12.50")
    with pytest.raises(DrfValidationError):
        validated(In, {"amount": "-1"})
