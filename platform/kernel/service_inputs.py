"""A service's inputs as one frozen dataclass once they pass eight (STYLE: `<entity>_<verb>(*, actor, data)`).

    @dataclass(frozen=True)
    class QuittanceInput: ...

    def quittance_issue(*, agent, data: QuittanceInput | None = None, **keywords) -> Quittance:
        data = service_input(QuittanceInput, data, keywords)

`keywords` keeps an older keyword call working for callers in other modules while they move to the dataclass:
the same names, checked by the dataclass (an unknown or missing name is a TypeError, as for a keyword call).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

I = TypeVar("I")  # noqa: E741 - the input dataclass


def service_input(kind: type[I], data: I | None, fields: Mapping[str, Any]) -> I:
    """The input the service was given: the dataclass itself, or built from the keyword call; never both."""
    if data is not None:
        if fields:
            raise TypeError(
                f"Give either data={kind.__name__}(…) or its fields as keywords, not both: {sorted(fields)}"
            )
        if not isinstance(data, kind):
            raise TypeError(f"data must be a {kind.__name__}, not {type(data).__name__}")
        return data
    return kind(**fields)
