"""The marks and the final lists on a worked example (the rules are in concours/ranking.py's docstring).

Written: 12 and 14 → 13; 8 and 15 (a gap of 7 > 4) → a third corrector gives 14: the nearer of the first two is
15 → (14 + 15) / 2 = 14.5; a third mark of 11 is nearer to 8 → 9.5; 11.5 is as near to both → the higher, 15 →
13.25.

Worked example: 4 posts → reserved floor(4 × 25 %) = 1 for the resistance category, floor(4 × 7 %) = 0 for the
disability category.

| cand. | number | born       | quota     | written | oral | total |
| A     | 1      | 1990-01-01 | general   | 16      | 16   | 16    |
| B     | 2      | 1992-01-01 | general   | 15      | 15   | 15    |
| C     | 3      | 1993-01-01 | general   | 14      | 14   | 14    |
| D     | 4      | 1991-01-01 | general   | 14      | 14   | 14    | tie with C: same written, D is older → D first
| E     | 5      | 1994-01-01 | resistant | 12      | 12   | 12    |
| F     | 6      | 1994-01-01 | general   | 13      | 11   | 12    | tie with E on total; F has the higher written
| G     | 7      | 1996-01-01 | general   | 9       | 9    | 9     | below the pass mark
| H     | 8      | 1990-06-01 | general   | 11      | 11   | 11    |

Rank order: A, B, D, C, F, E, H (G fails). The reserved seat goes to E (best of the resistant category); the
other 3 seats to A, B, D. Main list in rank order: A, B, D, E (E on the resistant seat). Waiting list (≤ 4): C, F,
H.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from jamaa.modules.concours import ranking


def test_written_marks_with_a_third_corrector_on_a_gap() -> None:
    assert ranking.written_mark({1: D(12), 2: D(14)}) == D("13.00")
    assert ranking.written_mark({1: D(8), 2: D(15)}) is None
    assert ranking.written_mark({1: D(8), 2: D(15), 3: D(14)}) == D("14.50")
    assert ranking.written_mark({1: D(8), 2: D(15), 3: D(11)}) == D("9.50")
    assert ranking.written_mark({1: D(8), 2: D(15), 3: D("11.5")}) == D("13.25")
    assert ranking.written_mark({1: D(12)}) is None
    assert ranking.total_mark(D(13), D(11)) == D("12.00")


def test_quotas_and_ties_on_the_worked_example() -> None:
    def s(i: int, born: str, quota: str, written: int, oral: int) -> ranking.Scored:
        return ranking.Scored(i, i, dt.date.fromisoformat(born), quota, D(written), D(oral))

    candidates = [
        s(1, "1990-01-01", "general", 16, 16),
        s(2, "1992-01-01", "general", 15, 15),
        s(3, "1993-01-01", "general", 14, 14),
        s(4, "1991-01-01", "general", 14, 14),
        s(5, "1994-01-01", "resistant", 12, 12),
        s(6, "1994-01-01", "general", 13, 11),
        s(7, "1996-01-01", "general", 9, 9),
        s(8, "1990-06-01", "general", 11, 11),
    ]
    placed = ranking.final_lists(candidates, posts=4, resistant_pct=25, disabled_pct=7)
    main = [(p.candidature_id, p.rank, p.seat_quota) for p in placed if p.kind == "main"]
    waiting = [(p.candidature_id, p.rank) for p in placed if p.kind == "waiting"]
    assert main == [(1, 1, "general"), (2, 2, "general"), (4, 3, "general"), (5, 4, "resistant")]
    assert waiting == [(3, 1), (6, 2), (8, 3)]


def test_an_unused_reserved_seat_returns_to_the_general_competition_and_the_waiting_list_is_capped() -> None:
    candidates = [ranking.Scored(i, i, dt.date(1990, 1, i), "general", D(20 - i), D(20 - i)) for i in range(1, 8)]
    placed = ranking.final_lists(candidates, posts=2, resistant_pct=50, disabled_pct=50)
    assert [p.candidature_id for p in placed if p.kind == "main"] == [1, 2]
    assert [p.candidature_id for p in placed if p.kind == "waiting"] == [3, 4]
