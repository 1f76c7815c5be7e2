"""The marks and the final lists, pure functions (no database), so the rules can be read and tested on a worked
example (tests/modules/concours/test_ranking.py).

Written mark: the mean of corrector 1 and corrector 2; when they differ by more than GAP points a third corrector
marks the paper, and the written mark is the mean of the third mark and the nearer of the first two (the higher
one when both are as near).

Total (/20): written (coefficient 3) and oral (coefficient 3): (3 × written + 3 × oral) / 6. A candidate reaches
the oral with a written mark of at least ORAL_MIN and the final lists with a total of at least PASS_MIN.

Ranking: total, higher first; ties broken by the higher written mark, then by the older candidate (earlier birth
date, the priority the public service gives to age), then by the smaller candidate number.

Quotas: floor(posts × 25 %) seats are reserved for the resistance / pupilles / former soldiers category and
floor(posts × 7 %) for disability card holders. Each reserved seat goes to the best-ranked passing candidate of
its category; a reserved seat no candidate of its category can take returns to the general competition; every
other seat goes by rank to the best remaining passing candidates, whatever their category. The main list is
then printed in rank order; the waiting list takes the next passing candidates by rank, at most as many as the
posts, valid 6 months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GAP = Decimal(4)
ORAL_MIN = Decimal(10)
PASS_MIN = Decimal(10)
COEF_WRITTEN = 3
COEF_ORAL = 3
TWO = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def needs_third(first: Decimal, second: Decimal) -> bool:
    """True when the two correctors' marks differ by more than GAP."""
    return abs(first - second) > GAP


def written_mark(marks: dict[int, Decimal]) -> Decimal | None:
    """The written mark from the correctors' marks ({1: …, 2: …, 3: …}); None while one is missing."""
    if 1 not in marks or 2 not in marks:
        return None
    first, second = marks[1], marks[2]
    if not needs_third(first, second):
        return _q((first + second) / 2)
    if 3 not in marks:
        return None
    third = marks[3]
    nearer = max((first, second), key=lambda m: (-abs(m - third), m))
    return _q((third + nearer) / 2)


def total_mark(written: Decimal, oral: Decimal) -> Decimal:
    return _q((COEF_WRITTEN * written + COEF_ORAL * oral) / (COEF_WRITTEN + COEF_ORAL))


@dataclass(frozen=True)
class Scored:
    candidature_id: int
    number: int
    birth_date: dt.date
    quota: str  # "general", "resistant", "disabled"
    written: Decimal
    oral: Decimal

    @property
    def total(self) -> Decimal:
        return total_mark(self.written, self.oral)


@dataclass(frozen=True)
class Placed:
    candidature_id: int
    kind: str  # "main" | "waiting"
    rank: int
    seat_quota: str  # the seat it takes: "general" or a quota's
    written: Decimal
    oral: Decimal
    total: Decimal


def rank_key(c: Scored) -> tuple[Decimal, Decimal, dt.date, int]:
    return (-c.total, -c.written, c.birth_date, c.number)


def reserved_seats(posts: int, resistant_pct: int, disabled_pct: int) -> dict[str, int]:
    return {"resistant": posts * resistant_pct // 100, "disabled": posts * disabled_pct // 100}


def final_lists(candidates: Sequence[Scored], *, posts: int, resistant_pct: int, disabled_pct: int) -> list[Placed]:
    """The main list (posts seats, quotas applied) then the waiting list (≤ posts), each ranked from 1."""
    passing = sorted((c for c in candidates if c.total >= PASS_MIN), key=rank_key)
    chosen: dict[int, str] = {}
    for quota, seats in reserved_seats(posts, resistant_pct, disabled_pct).items():
        for c in [c for c in passing if c.quota == quota and c.candidature_id not in chosen][:seats]:
            chosen[c.candidature_id] = quota
    for c in passing:
        if len(chosen) >= posts:
            break
        chosen.setdefault(c.candidature_id, "general")
    main = [c for c in passing if c.candidature_id in chosen]
    waiting = [c for c in passing if c.candidature_id not in chosen][:posts]
    placed = [
        Placed(c.candidature_id, "main", i, chosen[c.candidature_id], c.written, c.oral, c.total)
        for i, c in enumerate(main, start=1)
    ]
    placed += [
        Placed(c.candidature_id, "waiting", i, "general", c.written, c.oral, c.total)
        for i, c in enumerate(waiting, start=1)
    ]
    return placed
