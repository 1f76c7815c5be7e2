"""A service's frozen input: given as the dataclass, or built from an older keyword call."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from jamaa.platform.kernel.service_inputs import service_input


@dataclass(frozen=True)
class FeeInput:
    tax_id: int
    base: int
    period: str = ""


def test_the_dataclass_as_given_or_built_from_keywords() -> None:
    data = FeeInput(tax_id=1, base=10)
    assert service_input(FeeInput, data, {}) is data
    assert service_input(FeeInput, None, {"tax_id": 1, "base": 10}) == data
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.base = 11  # type: ignore[misc]


def test_both_forms_at_once_or_wrong_names_are_refused() -> None:
    with pytest.raises(TypeError):
        service_input(FeeInput, FeeInput(tax_id=1, base=10), {"base": 11})
    with pytest.raises(TypeError):
        service_input(FeeInput, None, {"tax_id": 1, "bse": 10})
    with pytest.raises(TypeError):
        service_input(FeeInput, None, {"tax_id": 1})
    with pytest.raises(TypeError):
        service_input(FeeInput, {"tax_id": 1, "base": 10}, {})  # type: ignore[arg-type]
