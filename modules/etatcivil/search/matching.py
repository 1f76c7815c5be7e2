"""Matching a query's words against the dictionary: scripts, similarities, candidate lookups, name units and their
(given, family) cuts."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .dictionary import _ACT, _NK, DELETES_MAX, _deletes
from .keys import (
    _ABD,
    _AR_MARKS,
    _DIN_WORD,
    _LAT_PARTICLES,
    _LAT_TITLES,
    _NON_WORD,
    _ar_words,
    _lat_words,
    ar_key,
    lat_key,
    normalize_ar,
    normalize_lat,
)

# ------------------------------------------------------------------------------------------------------ query


@dataclass(frozen=True)
class Highlight:
    """Which form of the act's name matched ("ar", "fr", or "number") and where: `spans` index `text`."""

    form: str
    text: str
    spans: tuple[tuple[int, int], ...]

    @property
    def matched(self) -> str:
        return " ".join(self.text[a:b] for a, b in self.spans)

    def __str__(self) -> str:
        return f"{self.form}: {self.matched}"


@dataclass(frozen=True)
class SearchHit:
    act_id: int
    number: int | None
    year: int
    kind: str
    status: str
    given_name_ar: str
    family_name_ar: str
    given_name_fr: str
    family_name_fr: str
    father_name_ar: str
    father_name_fr: str
    mother_name_ar: str
    mother_name_fr: str
    score: float
    highlight: Highlight


@dataclass(frozen=True)
class _Cand:
    key: str
    sim: float
    acts: int
    links: dict[str, int]


@dataclass(frozen=True)
class _Pair:
    score: float
    given_sim: float
    family_sim: float


_ARABIC_CHAR = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_CHAR = re.compile("[A-Za-z\u00c0-\u024f]")
_NUMBER_YEAR = re.compile(r"^\s*(?:n[°o.]?\s*)?(\d{1,7})\s*[/\-]\s*(\d{4})\s*$", re.IGNORECASE)
_BEN = frozenset({"ben", "ibn", "bin"})

TOP_KEYS = 8  # dictionary candidates per query string
SOLID_ACTS = 5  # a key typed exactly and this common is taken as meant: no fuzzy lookup for it
TYPO_RATIO = 50  # … its neighbours this many times rarer or commoner: likely keying errors, one way or the other
OTHER_NAME_SIM = 0.6  # … a neighbour as common: another name, kept lower
NEAR_KEYS = 12  # dictionary keys one edit away, per short query string (the most frequent first)
EDIT_SIM = 0.7  # the similarity given to a key one edit away (trigrams undervalue short names)
MAX_PAIRS = 40  # (family, given) pairs read from the acts, per script
PAIR_SPREAD = 0.3  # pairs scoring this far below the best are not read
PAIR_SURE = 0.1  # pairs scoring this close to the best are always read; the others within a budget:
ROW_BUDGET = 800  # acts expected from the weaker pairs, per script
PARENT_MIN = 0.5  # a known parent's name matching less than this excludes the act
LINK_MIN_SHARE = 0.02  # cross-script links rarer than this are noise (typos, mis-transliterations)
UNCONFIRMED = 0.1  # penalty: Latin names matched, but the Arabic names are not their known counterpart
FAMILY_ONLY_ACTS = 3000  # a family name alone (one word, or a given name matching nothing) read if no commoner
FAMILY_ONLY_ROWS = 3000  # … and at most this many acts
FAMILY_ONLY_BELOW = 0.8  # … and only when no (family, given) pair scores this well


def _script(text: str) -> str | None:
    ar, lat = len(_ARABIC_CHAR.findall(text)), len(_LATIN_CHAR.findall(text))
    if not ar and not lat:
        return None
    return "ar" if ar >= lat else "lat"


@lru_cache(maxsize=65536)
def _light(script: str, text: str) -> str:
    """The spelling as written, only lowercased, without accents, tashkeel or tatweel: for ranking exact spellings
    above folded ones."""
    if script == "lat":
        return " ".join(_lat_words(text))
    return " ".join(_NON_WORD.sub(" ", _AR_MARKS.sub("", unicodedata.normalize("NFKC", text))).split())


def _key_fn(script: str) -> Callable[[str], str]:
    return ar_key if script == "ar" else lat_key


@lru_cache(maxsize=65536)
def _trigrams(text: str) -> frozenset[str]:
    """pg_trgm's trigrams of already normalised text: each word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


def _similarity(a: str, b: str) -> float:
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta or not tb:
        return 0.0
    common = len(ta & tb)
    return common / (len(ta) + len(tb) - common)


def _containment(query: str, text: str) -> float:
    """The share of the query's trigrams found in the text (the text may hold more words)."""
    tq = _trigrams(query)
    return len(tq & _trigrams(text)) / len(tq) if tq else 0.0


def _one_edit(a: str, b: str) -> bool:
    """True if b is a with one letter deleted, inserted, replaced, or two neighbours swapped."""
    la, lb = len(a), len(b)
    if a == b or abs(la - lb) > 1:
        return a == b
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def _word_sim(q: str, r: str) -> float:
    if q == r:
        return 1.0
    sim = _similarity(q, r)
    if sim < 0.8 and min(len(q), len(r)) >= 2 and max(len(q), len(r)) >= 3 and _one_edit(q, r):
        return 0.8
    return sim


def _json(value: Any) -> dict[str, int]:
    """A jsonb column as read (Django leaves jsonb as text on raw cursors)."""
    if not value:
        return {}
    return dict(json.loads(value) if isinstance(value, str) else value)


class _Lookups:
    """The dictionary strings a query needs, numbered; answered in one or two round trips."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, str, str], int] = {}
        self.cands: list[dict[str, _Cand]] = []
        self.total = 0

    def add(self, script: str, part: str, text: str) -> int:
        entry = (script, part, text)
        if entry not in self.index:
            self.index[entry] = len(self.index)
            self.cands.append({})
        return self.index[entry]

    def run(self, cursor: Any, *, with_links: bool, solid_enough: Callable[[set[int]], set[int]]) -> None:
        """Exact keys first (btree); then, for the strings `solid_enough` leaves unexplained, the top keys by trigram
        similarity and the frequent keys one edit away (GIN). Two round trips at most."""
        entries = list(self.index)
        if not entries:
            return
        scripts, parts, texts = (list(c) for c in zip(*entries, strict=True))
        cursor.execute(
            f"""
            SELECT m.i, m.key, m.acts, m.links, t.n
            FROM (SELECT reltuples::bigint AS n FROM pg_class WHERE oid = '{_ACT}'::regclass) AS t
            LEFT JOIN (
                SELECT q.i, k.key, k.acts, CASE WHEN %s THEN k.links END AS links
                FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS q(script, part, s, i)
                JOIN {_NK} AS k ON k.script = q.script AND k.part = q.part AND k.key = q.s
            ) AS m ON TRUE
            """,
            [with_links, scripts, parts, texts],
        )
        solid: set[int] = set()
        for i, key, acts, links, total in cursor.fetchall():
            self.total = max(int(total or 0), 0)  # the planner's count of acts, for the row budget
            if i is None:
                continue
            self.cands[i - 1][key] = _Cand(key, 1.0, int(acts), _json(links))
            if acts >= SOLID_ACTS:
                solid.add(i - 1)
        fuzzy = [n for n in range(len(entries)) if n not in solid_enough(solid)]
        if not fuzzy:
            return
        texts_f = [texts[n] for n in fuzzy]
        # Around a solid short key, one-edit neighbours suffice (its keying errors); trigrams for the rest.
        near_only = [n in solid and len(texts[n]) <= DELETES_MAX for n in fuzzy]
        cursor.execute(
            f"""
            SELECT q.n, d.key, d.acts, d.links, d.sim
            FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[], %s::bool[])
                AS q(n, script, part, s, near, near_only)
            CROSS JOIN LATERAL (
                (SELECT k.key, k.acts, CASE WHEN %s THEN k.links END AS links, similarity(k.key, q.s) AS sim
                 FROM {_NK} AS k  -- (script, part) compared as one value: the planner takes the GIN, not the btree
                 WHERE NOT q.near_only AND k.key %% q.s AND k.script || '/' || k.part = q.script || '/' || q.part
                 ORDER BY sim DESC, k.acts DESC
                 LIMIT {TOP_KEYS})
                UNION ALL
                (SELECT k.key, k.acts, CASE WHEN %s THEN k.links END, similarity(k.key, q.s)
                 FROM {_NK} AS k
                 WHERE q.near <> '' AND k.deletes && string_to_array(q.near, ' ')::varchar[]
                   AND k.script || '/' || k.part = q.script || '/' || q.part
                 ORDER BY k.acts DESC
                 LIMIT {NEAR_KEYS})
                UNION ALL  -- around a name typed exactly: its rarest neighbours, the register's keying errors
                (SELECT k.key, k.acts, CASE WHEN %s THEN k.links END, similarity(k.key, q.s)
                 FROM {_NK} AS k
                 WHERE q.near_only AND k.deletes && string_to_array(q.near, ' ')::varchar[]
                   AND k.script || '/' || k.part = q.script || '/' || q.part
                 ORDER BY k.acts
                 LIMIT {NEAR_KEYS})
            ) AS d
            """,
            [
                fuzzy,
                [scripts[n] for n in fuzzy],
                [parts[n] for n in fuzzy],
                texts_f,
                [" ".join(_deletes(t, 2)) for t in texts_f],  # a two-letter string: a stored key less one
                near_only,
                with_links,
                with_links,
                with_links,
            ],
        )
        for n, key, acts, links, sim in cursor.fetchall():
            text = texts[n]
            score = float(sim)
            if score < EDIT_SIM and _one_edit(text, key):
                score = EDIT_SIM
            elif key != text and score < 0.3:
                continue  # shares a deletion but two edits away
            exact = self.cands[n].get(text)
            if (
                exact is not None
                and exact.acts >= SOLID_ACTS
                and exact.acts / TYPO_RATIO < acts < exact.acts * TYPO_RATIO
            ):
                # Around a name typed exactly, a far rarer key (a keying error of it in the register) or a far
                # commoner one (of which the typed name is itself a keying error) may be the one meant; a
                # neighbour as common is another name (Naima, Nadia), meant only if the typed one was mistyped.
                score = min(score, OTHER_NAME_SIM)
            if key not in self.cands[n]:
                self.cands[n][key] = _Cand(key, score, int(acts), _json(links))

    def candidates(self, script: str, part: str, text: str, *, exact: bool = False) -> list[_Cand]:
        found = dict(self.cands[self.index[(script, part, text)]])
        if exact and text not in found:  # drafts are not in the dictionary: with them, try the exact key too
            found[text] = _Cand(text, 1.0, 0, {})
        return sorted(found.values(), key=lambda c: (-c.sim, -c.acts))


def _linked_acts(cands: Iterable[_Cand]) -> dict[str, tuple[float, int]]:
    """The other script's keys linked to these candidates: a similarity carried over from them, and how many acts
    hold both (a floor of that key's acts)."""
    out: dict[str, tuple[float, int]] = {}
    for cand in cands:
        total = sum(cand.links.values())
        for other, count in cand.links.items():
            share = count / total
            if share < LINK_MIN_SHARE:
                continue
            sim = cand.sim * (0.9 + 0.1 * min(1.0, 2 * share))
            old = out.get(other)
            if old is None or sim > old[0]:
                out[other] = (sim, max(count, old[1] if old else 0))
    return out


def _linked(cands: Iterable[_Cand]) -> dict[str, float]:
    return {key: sim for key, (sim, _acts) in _linked_acts(cands).items()}


@dataclass(frozen=True)
class _Split:
    given: str
    given_raw: str
    family: tuple[tuple[str, float], ...]  # family strings with a factor (query-time variants of "ben")


_LAT_JOIN_NEXT = _LAT_PARTICLES | _LAT_TITLES | _ABD
_AR_UNIT_NEXT = frozenset({"عبد", "ابو", "بو", "بن", "ابن", "بنت", "ايت", "اولاد", "مولاي", "سيدي", "لالة", "لاله"})


def _units(words: Sequence[str], script: str) -> list[str]:
    """The typed words grouped into name units, never cut apart: a particle, title or "Abd" with the next word
    (El Alaoui, Ben Jelloun, Abd El Kader, عبد القادر), "Eddine" with the previous one (Nour Eddine, نور الدين)."""
    units: list[str] = []
    glue = False
    for word in words:
        if script == "lat":
            parts = _lat_words(word)
            joins_next = bool(parts) and all(p in _LAT_JOIN_NEXT for p in parts)
            joins_previous = bool(parts) and len(parts) == 1 and bool(_DIN_WORD.match(parts[0]))
        else:
            plain = normalize_ar(word)
            joins_next = plain in _AR_UNIT_NEXT
            joins_previous = plain == "الدين"
        if units and (glue or joins_previous):
            units[-1] += " " + word
        else:
            units.append(word)
        glue = joins_next
    return units


def _splits(units: Sequence[str], script: str) -> list[_Split]:
    """Every cut of the name units into given and family name, in both orders, as keys."""
    key = _key_fn(script)
    out: dict[tuple[str, str], _Split] = {}
    for i in range(1, len(units)):
        for given_units, family_units in ((units[:i], units[i:]), (units[i:], units[:i])):
            given_raw, family_raw = " ".join(given_units), " ".join(family_units)
            given, family = key(given_raw), key(family_raw)
            if not given or not family:
                continue
            variants = [(family, 1.0)]
            words = _lat_words(family_raw) if script == "lat" else []
            if words and words[0] in _BEN and len(words) > 1:  # Ben Jelloun → also Benjelloun
                variants.append((key("ben" + "".join(words[1:])), 0.95))
            elif words and words[0].startswith("ben") and len(words[0]) > 6:  # Benjelloun → also Jelloun
                variants.append((key(" ".join([words[0][3:], *words[1:]])), 0.95))
            out[(given, family)] = _Split(given, given_raw, tuple((f, w) for f, w in variants if f))
    return list(out.values())


@lru_cache(maxsize=65536)
def _words(script: str, text: str) -> tuple[str, ...]:
    return tuple(_ar_words(text) if script == "ar" else normalize_lat(text).split())
