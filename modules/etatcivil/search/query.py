"""The query: parents' names, SQL filters, the best key pairs, a family or given name alone, ranking (`search_acts`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection

from ..models import ActStatus
from .dictionary import _ACT, _REG
from .keys import normalize_ar
from .matching import (
    _NUMBER_YEAR,
    EDIT_SIM,
    FAMILY_ONLY_ACTS,
    FAMILY_ONLY_BELOW,
    FAMILY_ONLY_ROWS,
    MAX_PAIRS,
    PAIR_SPREAD,
    PAIR_SURE,
    PARENT_MIN,
    ROW_BUDGET,
    UNCONFIRMED,
    Highlight,
    SearchHit,
    _containment,
    _key_fn,
    _light,
    _linked,
    _linked_acts,
    _Lookups,
    _Pair,
    _script,
    _similarity,
    _Split,
    _splits,
    _units,
    _word_sim,
    _words,
)


class _Parent:
    """A parent's name given in the query, compared with an act's father or mother name."""

    def __init__(self, text: str, lookups: _Lookups) -> None:
        self.script = _script(text) or "lat"
        self.tokens = _words(self.script, text)
        self.light = _light(self.script, text)
        self.other = "lat" if self.script == "ar" else "ar"
        self.lookup_ids = [lookups.add(self.script, "given", t) for t in self.tokens[:3]]
        self.lookups = lookups
        self.cache: dict[tuple[str, str], tuple[float | None, float]] = {}
        self.word_cache: dict[tuple[str, str], float] = {}
        self.linked: list[dict[str, float]] = []

    def _sim(self, q: str, r: str) -> float:
        sim = self.word_cache.get((q, r))
        if sim is None:
            sim = self.word_cache[(q, r)] = _word_sim(q, r)
        return sim

    def prepare(self) -> None:
        """After the lookups ran: the other script's forms of each word (for acts naming the parent only there)."""
        self.linked = [_linked(c for c in self.lookups.cands[i].values() if c.sim >= 0.5) for i in self.lookup_ids]

    def score(self, name_ar: str, name_fr: str) -> tuple[float | None, float]:
        """(match, closeness): how well the act's parent matches, 0..1, None when the act does not name that
        parent; and how close the spelling as typed is (to rank Mhamed above Mohamed, which match alike).
        The match is the better of the query's script and, through the links, the other one: the Arabic form,
        which governs, confirms a Latin spelling that folding missed (El Habib / Lahbib → الحبيب)."""
        cached = self.cache.get((name_ar, name_fr))
        if cached is not None:
            return cached
        same, other = (name_ar, name_fr) if self.script == "ar" else (name_fr, name_ar)
        match: float | None = None
        closeness = 0.0
        if same.strip():
            row = _words(self.script, same)
            if row and self.tokens:
                match = sum(max(self._sim(q, r) for r in row) for q in self.tokens) / len(self.tokens)
                closeness = _containment(self.light, _light(self.script, same))
        if other.strip() and any(self.linked) and (match is None or match < 1.0):
            row = _words(self.other, other)
            scores = [
                max((sim * self._sim(k, w) for k, sim in linked.items() for w in row), default=0.0)
                for linked in self.linked
                if linked
            ]
            cross = sum(scores) / len(scores)
            match = cross if match is None else max(match, cross)
        self.cache[(name_ar, name_fr)] = (match, closeness)
        return match, closeness


_COLUMNS = (
    "a.id, a.number, r.year, a.kind, a.status, a.given_name_ar, a.family_name_ar, a.given_name_fr, a.family_name_fr,"
    " a.father_name_ar, a.father_name_fr, a.mother_name_ar, a.mother_name_fr,"
    " a.given_key_ar, a.family_key_ar, a.given_key_lat, a.family_key_lat"
)


def _filters(
    kind: str | None, year_from: int | None, year_to: int | None, include_drafts: bool
) -> tuple[str, list[Any]]:
    sql: list[str] = []
    params: list[Any] = []
    if not include_drafts:
        sql.append("a.status = %s")
        params.append(ActStatus.SIGNED.value)
    if kind:
        sql.append("a.kind = %s")
        params.append(kind)
    if year_from is not None:
        sql.append("r.year >= %s")
        params.append(year_from)
    if year_to is not None:
        sql.append("r.year <= %s")
        params.append(year_to)
    return (" AND " + " AND ".join(sql)) if sql else "", params


def _by_number(number: int, year: int, where: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_COLUMNS} FROM {_ACT} AS a JOIN {_REG} AS r ON r.id = a.register_id"
            f" WHERE a.number = %s AND r.year = %s{where} ORDER BY a.kind, r.bureau_id",
            [number, year, *params],
        )
        return list(cursor.fetchall())


def _hit(row: Sequence[Any], score: float, highlight: Highlight) -> SearchHit:
    return SearchHit(
        act_id=row[0],
        number=row[1],
        year=row[2],
        kind=row[3],
        status=row[4],
        given_name_ar=row[5],
        family_name_ar=row[6],
        given_name_fr=row[7],
        family_name_fr=row[8],
        father_name_ar=row[9],
        father_name_fr=row[10],
        mother_name_ar=row[11],
        mother_name_fr=row[12],
        score=round(score, 4),
        highlight=highlight,
    )


def _highlight(form: str, given: str, family: str, pair: _Pair | None) -> Highlight:
    text = f"{given} {family}".strip() if given else family
    spans: list[tuple[int, int]] = []
    if given and (pair is None or pair.given_sim >= 0.5):
        spans.append((0, len(given)))
    if family and (pair is None or pair.family_sim >= 0.5):
        start = len(given) + 1 if given else 0
        spans.append((start, start + len(family)))
    return Highlight(form, text, tuple(spans) or ((0, len(text)),))


def _best_pairs(
    splits: list[_Split], script: str, lookups: _Lookups, *, linked: bool, drafts: bool
) -> dict[tuple[str, str], _Pair]:
    """(family key, given key) → score, over every cut of the query; `linked`: through the cross-script links."""
    pairs: dict[tuple[str, str], _Pair] = {}
    sizes: dict[tuple[str, str], float] = {}
    absent: set[tuple[str, str]] = set()
    for split in splits:
        g_cands = lookups.candidates(script, "given", split.given, exact=drafts and not linked)
        given = _linked_acts(g_cands) if linked else {c.key: (c.sim, c.acts) for c in g_cands}
        for family_text, factor in split.family:
            f_cands = lookups.candidates(script, "family", family_text, exact=drafts and not linked)
            family = _linked_acts(f_cands) if linked else {c.key: (c.sim, c.acts) for c in f_cands}
            for f_key, (f_sim, f_acts) in family.items():
                for g_key, (g_sim, g_acts) in given.items():
                    score = (f_sim + g_sim) / 2 * factor
                    old = pairs.get((f_key, g_key))
                    if old is None or score > old.score:
                        pairs[(f_key, g_key)] = _Pair(score, g_sim, f_sim)
                        # Expected acts; a key absent from the dictionary (a draft's, or none) holds none signed.
                        sizes[(f_key, g_key)] = f_acts * g_acts / lookups.total if lookups.total else 0.0
                        if not f_acts or not g_acts:
                            absent.add((f_key, g_key))
    if not pairs:
        return {}
    best = max((p.score for k, p in pairs.items() if k not in absent), default=0.0) or max(
        p.score for p in pairs.values()
    )
    ranked = sorted(
        ((k, p) for k, p in pairs.items() if p.score >= max(0.35, best - PAIR_SPREAD) or k in absent),
        key=lambda kp: -kp[1].score,
    )
    # The best pairs always; weaker ones while the acts they hold (expected, from the dictionary's counts) stay
    # within a budget: a common given name beside a loosely matched family name holds hundreds of namesakes.
    kept: dict[tuple[str, str], _Pair] = {}
    rows = 0.0
    for key, pair in ranked[:MAX_PAIRS]:
        if pair.score < best - PAIR_SURE and rows + sizes[key] > ROW_BUDGET and key not in absent:
            continue
        kept[key] = pair
        rows += sizes[key]
    return kept


@dataclass(frozen=True)
class _FamilyOnly:
    """A family name read with any given name: the query's given name matched no key (or there was none)."""

    family_sim: float
    given_key: str
    given_raw: str


def _family_only(
    splits: list[_Split], script: str, lookups: _Lookups, whole: str, best_pair: float
) -> dict[str, _FamilyOnly]:
    out: dict[str, _FamilyOnly] = {}
    if not whole and (best_pair >= FAMILY_ONLY_BELOW or any(_explained(split, script, lookups) for split in splits)):
        return out
    if whole:  # one word: a family name (with or without the article ال)
        for variant in _article_variants(script, whole):
            for cand in lookups.candidates(script, "family", variant, exact=True)[:5]:
                if cand.sim >= 0.5 and (cand.key not in out or out[cand.key].family_sim < cand.sim):
                    out[cand.key] = _FamilyOnly(cand.sim, "", "")
        return out
    for split in splits:
        given_best = max((c.sim for c in lookups.candidates(script, "given", split.given, exact=False)), default=0.0)
        if given_best >= EDIT_SIM:
            continue
        for family_text, _factor in split.family:
            for cand in lookups.candidates(script, "family", family_text, exact=False):
                if cand.sim >= 0.8 and cand.acts <= FAMILY_ONLY_ACTS:
                    old = out.get(cand.key)
                    if old is None or cand.sim > old.family_sim:
                        out[cand.key] = _FamilyOnly(cand.sim, split.given, split.given_raw)
    return dict(sorted(out.items(), key=lambda kv: -kv[1].family_sim)[:5])


def _article_variants(script: str, key: str) -> list[str]:
    """A one-word Arabic family name with and without its article (السعيدي, سعيدي): registers and people write
    it both ways. Latin keys drop the article already (El Alaoui = Alaoui)."""
    if script != "ar":
        return [key]
    if key.startswith("ال") and len(key) > 4:
        return [key, key[2:]]
    return [key, "ال" + key]


def _given_only(script: str, lookups: _Lookups, whole: str) -> dict[str, float]:
    """One word may be a given name alone: the Arabic given keys it stands for (a Latin key through its links to
    the Arabic keys on the same acts), with their similarity. Acts are then read on the indexed given_key_ar."""
    out: dict[str, float] = {}
    for cand in lookups.candidates(script, "given", whole, exact=script == "ar")[:5]:
        if cand.sim < 0.8:
            continue
        for key in [cand.key] if script == "ar" else list(cand.links):
            out[key] = max(out.get(key, 0.0), cand.sim)
    return out


def _explained(split: _Split, script: str, lookups: _Lookups) -> bool:
    given = lookups.candidates(script, "given", split.given, exact=False)
    family = [c for f, _w in split.family for c in lookups.candidates(script, "family", f, exact=False)]
    return any(c.sim >= EDIT_SIM for c in given) and any(c.sim >= 0.8 for c in family)


def search_acts(
    *,
    text: str,
    kind: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    father: str = "",
    mother: str = "",
    limit: int = 20,
    include_drafts: bool = False,
) -> list[SearchHit]:
    """Acts whose name matches `text` (Arabic or Latin, given and family name in either order, spelling variants
    and typos tolerated), best first. "123/1987" finds act 123 of 1987. Only signed acts unless `include_drafts`.
    `father`/`mother`: a known parent who does not match excludes the act; an act naming no parent is kept lower.
    Reads the current connection's schema (the caller's commune)."""
    limit = max(1, min(limit, 200))
    where, params = _filters(kind, year_from, year_to, include_drafts)
    number = _NUMBER_YEAR.match(text)
    if number:
        rows = _by_number(int(number.group(1)), int(number.group(2)), where, params)
        hits = []
        for row in rows[:limit]:
            label = f"{row[1]}/{row[2]}"
            hits.append(_hit(row, 1.0, Highlight("number", label, ((0, len(label)),))))
        return hits
    script = _script(text)
    if script is None:
        return []
    raw = text.split()
    main = _units([w for w in raw if _script(w) == script], script)[:6]
    secondary = " ".join(w for w in raw if _script(w) not in (script, None))  # the other script, if both are given
    lookups = _Lookups()
    splits = _splits(main, script)
    cuts: list[tuple[int, list[int]]] = []
    for split in splits:
        given_id = lookups.add(script, "given", split.given)
        cuts.append((given_id, [lookups.add(script, "family", f) for f, _factor in split.family]))
    main_ids = {i for g, fs in cuts for i in (g, *fs)}
    whole = _key_fn(script)(" ".join(main)) if not splits else ""
    if whole:
        for variant in _article_variants(script, whole):
            lookups.add(script, "family", variant)
        lookups.add(script, "given", whole)
    parents = [(_Parent(t, lookups), col) for t, col in ((father, 9), (mother, 11)) if t.strip()]

    def solid_enough(solid: set[int]) -> set[int]:
        """Strings needing no fuzzy lookup: exact and common ones; if a cut is wholly so, every string but that
        cut's (whose neighbours are still looked up: the act sought may carry a keying error)."""
        for g, fs in cuts:
            if g in solid and any(f in solid for f in fs):
                return (solid | main_ids) - {g, *fs}
        return solid

    with connection.cursor() as cursor:
        lookups.run(cursor, with_links=script == "lat" or bool(parents), solid_enough=solid_enough)
        for parent, _col in parents:
            parent.prepare()
        same = _best_pairs(splits, script, lookups, linked=False, drafts=include_drafts)
        other = _best_pairs(splits, script, lookups, linked=True, drafts=include_drafts) if script == "lat" else {}
        lat_pairs, ar_pairs = (same, other) if script == "lat" else (other, same)
        best_pair = max((p.score for p in (*same.values(), *other.values())), default=0.0)
        family_only = _family_only(splits, script, lookups, whole, best_pair)
        given_only = _given_only(script, lookups, whole) if whole else {}
        rows = _read(cursor, script, lat_pairs, ar_pairs, family_only, where, params, given_only=given_only)
    query_light = _light(script, " ".join(main))
    other_script = "lat" if script == "ar" else "ar"
    # Both scripts typed: the other one confirms (Arabic folded, Latin as spelt: Mohammed over Mohamed).
    other_norm = normalize_ar if other_script == "ar" else partial(_light, "lat")
    other_light = other_norm(secondary) if secondary else ""
    spelling: dict[str, float] = {}
    fallbacks: dict[tuple[str, str, str], _Pair] = {}
    ranked: list[tuple[float, int, Sequence[Any], bool, _Pair | None]] = []
    for row in rows:
        g_ar, f_ar, g_fr, f_fr = row[5], row[6], row[7], row[8]
        lat_pair = lat_pairs.get((row[16], row[15]))
        ar_pair = ar_pairs.get((row[14], row[13]))
        if script == "lat" and lat_pair and not ar_pair and row[13]:
            # Latin names match, but the Arabic ones (which govern) are not a known counterpart of them: a
            # mis-transliteration, or another name folded alike. Kept, lower.
            lat_pair = _Pair(lat_pair.score - UNCONFIRMED, lat_pair.given_sim, lat_pair.family_sim)
        family_key = row[16] if script == "lat" else row[14]
        fallback = family_only.get(family_key)
        if fallback is not None:
            given_key, given = (row[15], row[7]) if script == "lat" else (row[13], row[5])
            pair = fallbacks.get((family_key, given_key, given))
            if pair is None:
                pair = fallbacks[(family_key, given_key, given)] = _fallback_pair(fallback, script, given_key, given)
            if script == "lat" and (lat_pair is None or pair.score > lat_pair.score):
                lat_pair = pair
            elif script == "ar" and (ar_pair is None or pair.score > ar_pair.score):
                ar_pair = pair
        given_sim = given_only.get(row[13])
        if given_sim is not None:  # one word, read as a given name alone
            pair = _Pair(0.8 * given_sim, given_sim, 0.0)
            if script == "lat" and row[15] and (lat_pair is None or pair.score > lat_pair.score):
                lat_pair = pair
            elif ar_pair is None or pair.score > ar_pair.score:
                ar_pair = pair
        score_lat = lat_pair.score if lat_pair else 0.0
        score_ar = ar_pair.score if ar_pair else 0.0
        form_fr = score_lat >= score_ar and bool(g_fr or f_fr)
        score = max(score_lat, score_ar)
        # Closeness of the spelling as typed, in the query's script (the order of the words does not matter).
        name_text = f"{g_fr} {f_fr}" if script == "lat" else f"{g_ar} {f_ar}"
        if name_text not in spelling:
            spelling[name_text] = _similarity(query_light, _light(script, name_text))
        score += 0.15 * spelling[name_text]
        if other_light:
            other_text = f"{g_ar} {f_ar}" if other_script == "ar" else f"{g_fr} {f_fr}"
            score += 0.2 * _similarity(other_light, other_norm(other_text))
        excluded = False
        for parent, col in parents:
            match, closeness = parent.score(row[col], row[col + 1])
            if match is None:
                score += 0.3 * 0.3
            elif match < PARENT_MIN:
                excluded = True
                break
            else:
                score += 0.3 * match + 0.05 * closeness
        if excluded:
            continue
        ranked.append((score, row[0], row, form_fr, lat_pair if form_fr else ar_pair))
    ranked.sort(key=lambda t: (-t[0], t[1]))
    hits = []
    for score, _id, act, form_fr, pair in ranked[:limit]:
        if form_fr:
            highlight = _highlight("fr", act[7], act[8], pair)
        else:
            highlight = _highlight("ar", act[5], act[6], pair)
        hits.append(_hit(act, score, highlight))
    return hits


def _fallback_pair(fallback: _FamilyOnly, script: str, given_key: str, given: str) -> _Pair:
    """The score of an act read by its family name alone: the given name compared here, by key and by spelling."""
    if not fallback.given_key:
        return _Pair(0.8 * fallback.family_sim, 0.0, fallback.family_sim)
    given_sim = max(
        _similarity(fallback.given_key, given_key),
        _similarity(_light(script, fallback.given_raw), _light(script, given)),
    )
    return _Pair((fallback.family_sim + given_sim) / 2, given_sim, fallback.family_sim)


def _read(
    cursor: Any,
    script: str,
    lat_pairs: dict[tuple[str, str], _Pair],
    ar_pairs: dict[tuple[str, str], _Pair],
    family_only: dict[str, _FamilyOnly],
    where: str,
    params: list[Any],
    *,
    given_only: dict[str, float] | None = None,
) -> list[tuple[Any, ...]]:
    """The acts holding these key pairs (btree lookups on (family_key_*, given_key_*)), each once; with
    `given_only`, also those of these Arabic given keys (btree on given_key_ar)."""
    parts: list[str] = []
    args: list[Any] = []
    source = f"{_ACT} AS a JOIN {_REG} AS r ON r.id = a.register_id"
    lat = [list(c) for c in zip(*lat_pairs, strict=True)] if lat_pairs else [[], []]
    if lat_pairs:
        parts.append(
            f"SELECT {_COLUMNS} FROM unnest(%s::text[], %s::text[]) AS p(f, g)"
            f" JOIN {source} ON a.family_key_lat = p.f AND a.given_key_lat = p.g WHERE TRUE{where}"
        )
        args += [*lat, *params]
    if ar_pairs:
        ar = [list(c) for c in zip(*ar_pairs, strict=True)]
        parts.append(
            f"SELECT {_COLUMNS} FROM unnest(%s::text[], %s::text[]) AS p(f, g)"
            f" JOIN {source} ON a.family_key_ar = p.f AND a.given_key_ar = p.g WHERE TRUE{where}"
            " AND (a.family_key_lat, a.given_key_lat) NOT IN (SELECT * FROM unnest(%s::text[], %s::text[]))"
        )
        args += [*ar, *params, *lat]
    if family_only:
        column = "family_key_lat" if script == "lat" else "family_key_ar"
        parts.append(f"(SELECT {_COLUMNS} FROM {source} WHERE a.{column} = ANY(%s){where} LIMIT {FAMILY_ONLY_ROWS})")
        args += [list(family_only), *params]
    if given_only:
        parts.append(
            f"(SELECT {_COLUMNS} FROM {source} WHERE a.given_key_ar = ANY(%s){where} LIMIT {FAMILY_ONLY_ROWS})"
        )
        args += [list(given_only), *params]
    if not parts:
        return []
    cursor.execute(" UNION ALL ".join(parts), args)
    seen: set[int] = set()
    rows = []
    for row in cursor.fetchall():
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(row)
    return rows
