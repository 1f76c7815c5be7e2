"""Finding acts by name, in Arabic or Latin script, fast on millions of acts.

Keys. Every act carries four normalised keys (given and family name, Arabic and Latin), written with the act by
`name_keys`. Arabic (`normalize_ar`): alef forms unified (أ إ آ ٱ → ا), ة → ه, ى → ي, no tashkeel or tatweel; the key
also drops titles (مولاي، سيدي، لالة، الحاج) and spaces (عبد القادر = عبدالقادر). Latin (`normalize_lat`): lowercase, no
accents, no titles (Moulay, Sidi, Lalla, Hadj) nor particles (el, al, ben, ibn, ait, ou…, also glued as "El-",
"Elalaoui", "Essaidi"), compounds joined (Abd el Kader, Nour Eddine), Maghrebi-French spellings folded (ou/o/w → u,
ch → sh, dj → j, e → a, y → i, q → k, final mute e, doubled letters) and the Mohamed family (Mohammed, Mhamed,
Muhammad, Med…) one key; the key drops spaces.

Dictionary. `NameKey` holds each distinct key with its number of signed acts, its one-letter deletions (short keys)
and its links to the other script's keys on the same acts: about 15,000 rows for a commune's million acts.
`name_keys_record` keeps it current when an act is signed, `name_keys_rebuild` recomputes it after a bulk import.

Query (`search_acts`), in three round trips at most:
1. The typed words are grouped into name units (El Alaoui, Ben Jelloun, Abd El Kader, Nour Eddine stay whole) and
   cut into (given, family) in both orders at every place. The dictionary is asked for each candidate string
   exactly (btree). A string typed exactly and common (SOLID_ACTS) is taken as meant.
2. The others are matched by trigram similarity (GIN `%`, top few keys) and by shared one-letter deletions (GIN on
   `deletes`: swapped or dropped letters in short names, where trigrams are too few). When one cut is wholly
   exact, only its own strings are, for the register's keying errors of those names.
3. The best (family, given) key pairs are read from the acts by exact btree lookups on (family_key_*,
   given_key_*); a Latin query also reads the Arabic pairs its keys are linked to, which finds the acts whose Latin
   names were never keyed in. If no pair explains the query, a rare family name is read with any given name. One
   word is a family name (Arabic: with or without ال) or a given name alone (read on given_key_ar; a Latin one
   through its links).
Rows are then ranked in Python: key similarity, closeness of the spelling as typed, parents' names (a filter: a
known parent who does not match excludes the act; compared in the query's script and, through the links, on the
Arabic form), and the cross-script check: an act found by its Latin names whose Arabic names are not a known
counterpart of those Latin keys (under 2% of their acts: a mis-transliteration, محمود keyed "Mohamed") is ranked
lower. Kind, years and status are filtered in SQL. Measured on 1,000,000 acts (2 cores): benchmarks/search.py.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from django.db import connection

from .models import Act, ActStatus, Register
from .models_search import NameKey

KEY_MAX = 120

# ----------------------------------------------------------------------------------------------------- Arabic

_AR_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ة": "ه",
        "ۃ": "ه",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ک": "ك",
        "ڪ": "ك",
    }
)
# Tashkeel (harakat, shadda, sukun, superscript alef, Quranic marks) and tatweel.
_AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
_NON_WORD = re.compile(r"[\W\d_]+")
_AR_TITLES = frozenset({"مولاي", "سيدي", "لالا", "لاله", "الحاج", "الحاجه"})


def normalize_ar(text: str) -> str:
    """Arabic text as compared: alef forms → ا, ة → ه, ى → ي, no tashkeel or tatweel, single spaces."""
    folded = _AR_MARKS.sub("", unicodedata.normalize("NFKC", text).translate(_AR_FOLD))
    return " ".join(_NON_WORD.sub(" ", folded).lower().split())


_AR_JOIN_NEXT = frozenset({"عبد", "ابو", "بو"})  # عبد القادر, أبو بكر: one name


def _ar_words(text: str) -> list[str]:
    """Normalised words without titles, compounds joined (عبد الله → عبدالله, نور الدين → نورالدين), ابن → بن."""
    words = ["بن" if w == "ابن" else w for w in normalize_ar(text).split()]
    words = [w for w in words if w not in _AR_TITLES] or words
    out: list[str] = []
    for word in words:
        if out and (out[-1] in _AR_JOIN_NEXT or word == "الدين"):  # نور الدين
            out[-1] += word
        else:
            out.append(word)
    return out


def ar_key(text: str) -> str:
    """The Arabic search key of a name: normalised, without titles or spaces."""
    return "".join(_ar_words(text))[:KEY_MAX]


# ------------------------------------------------------------------------------------------------------ Latin

_LAT_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ð": "d"})
_APOSTROPHE = re.compile("['’‘`´ʼʻ]")
_LAT_WORD = re.compile("[a-z]+")
_LAT_TITLES = frozenset(
    {"moulay", "mulay", "moulai", "mawlay", "mly", "sidi", "si", "lalla", "lala", "hadj", "haj", "hajj", "elhadj"}
    | {"elhaj", "alhaj", "hadja", "haja", "hajja"}
)
# Articles (also assimilated: Es-Saidi, Er-Rami), filiation (ben, ibn, bent, ould; Amazigh ait, ou).
_LAT_PARTICLES = frozenset(
    {"el", "al", "ul", "es", "et", "ed", "en", "er", "ez", "ech", "esh", "as", "at", "ad", "ar", "az"}
    | {"ben", "bin", "ibn", "bent", "bint", "ould", "ait", "ou", "u"}
)
_ABD = frozenset({"abd", "abdel", "abdal", "abdul", "abdoul"})
_ABD_REST = re.compile("^(?:el|al|ul|e|a|u)(?=[a-z]{3})")
_DIN_WORD = re.compile("^[aeu]?d+(?:ine|in)$")  # "Eddine" in "Nour Eddine"
_DIN_TAIL = re.compile("(?<=[a-z]{3})[aeu]?d+ine?$")  # "…eddine" glued: Noureddine, Nourdine
_SUN_ARTICLE = re.compile(r"^e(ch|sh|[tdrzsnl])\1(?=[a-z]{2})")  # Essaidi, Ettaoussi, Echchafai
_C_SOFT = re.compile("c(?=[eiy])")
_DOUBLE = re.compile(r"(.)\1+")
_LAT_SYNONYMS = {
    k: "muhamad" for k in ("mhamad", "mad", "muhd", "mhd", "mhmd", "muhamd", "mhmad", "mhamd", "mahamad", "mauhamad")
}


def _lat_words(text: str) -> list[str]:
    """Lowercase words without accents or apostrophes (M'hamed → mhamed, Aït → ait)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LAT_SPECIAL))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _LAT_WORD.findall(_APOSTROPHE.sub("", plain))


def _strip_article(word: str) -> str:
    if len(word) >= 6 and word.startswith("el"):  # Elalaoui, Elmehdi (not Elias)
        return word[2:]
    match = _SUN_ARTICLE.match(word)
    return match.group(1) + word[match.end() :] if match else word


def _lat_tokens(text: str) -> list[str]:
    """Words without titles and particles, compounds joined; not yet folded."""
    words = _lat_words(text)
    kept = [w for w in words if w not in _LAT_TITLES] or words
    core = [w for w in kept if w not in _LAT_PARTICLES] or kept
    out: list[str] = []
    i = 0
    while i < len(core):
        word = core[i]
        if word in _ABD and i + 1 < len(core):  # Abd el Kader, Abdel Kader
            out.append("abd" + _ABD_REST.sub("", core[i + 1]))
            i += 2
            continue
        if word.startswith("abd") and len(word) >= 6:  # Abdelkader, Abderrahim, Abdallah
            out.append("abd" + _ABD_REST.sub("", word[3:]))
        elif out and _DIN_WORD.match(word):  # Nour Eddine
            out[-1] += "din"
        else:
            out.append(_DIN_TAIL.sub("din", _strip_article(word)))
        i += 1
    return out


def _lat_fold(word: str) -> str:
    w = word.replace("dj", "j").replace("tch", "ch").replace("ch", "sh").replace("ph", "f")
    w = w.replace("th", "t").replace("dh", "d").replace("ck", "k").replace("q", "k").replace("x", "ks")
    w = _C_SOFT.sub("s", w).replace("c", "k")
    w = w.replace("ou", "u").replace("oo", "u").replace("w", "u").replace("o", "u").replace("y", "i")
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    w = _DOUBLE.sub(r"\1", w.replace("e", "a"))
    return _LAT_SYNONYMS.get(w, w)


@lru_cache(maxsize=65536)
def normalize_lat(text: str) -> str:
    """Latin text as compared: folded words separated by single spaces ("Moulay Mohammed El-Alaoui" → "muhamad
    alaui")."""
    return " ".join(f for f in (_lat_fold(t) for t in _lat_tokens(text)) if f)


def lat_key(text: str) -> str:
    """The Latin search key of a name: normalised, without spaces."""
    return normalize_lat(text).replace(" ", "")[:KEY_MAX]


@dataclass(frozen=True)
class NameKeys:
    given_key_ar: str
    family_key_ar: str
    given_key_lat: str
    family_key_lat: str


def name_keys(given_ar: str, family_ar: str, given_fr: str, family_fr: str) -> NameKeys:
    """The four search keys an act holds (Act.given_key_ar … family_key_lat)."""
    return NameKeys(ar_key(given_ar), ar_key(family_ar), lat_key(given_fr), lat_key(family_fr))


# ------------------------------------------------------------------------------------------------- dictionary

_NK = NameKey._meta.db_table
_ACT = Act._meta.db_table
_REG = Register._meta.db_table


DELETES_MIN, DELETES_MAX = 3, 9  # keys whose one-letter deletions are indexed (longer ones keep enough trigrams)
# The key and its one-letter deletions (SymSpell): keys one edit apart share an element.
_DELETES_SQL = (
    f"CASE WHEN length({{key}}) BETWEEN {DELETES_MIN} AND {DELETES_MAX} THEN ARRAY(SELECT DISTINCT x FROM"
    " (SELECT {key} AS x UNION ALL SELECT left({key}, i - 1) || substr({key}, i + 1)"
    " FROM generate_series(1, length({key})) AS i) AS d) ELSE '{{}}'::varchar[] END"
)


def _deletes(key: str, shortest: int = DELETES_MIN) -> list[str]:
    if not shortest <= len(key) <= DELETES_MAX:
        return []
    return sorted({key} | {key[:i] + key[i + 1 :] for i in range(len(key))})


def name_keys_record(keys: NameKeys) -> None:
    """Count a newly signed act's keys in the dictionary (one upsert; rows in a fixed order, so concurrent
    signings never deadlock)."""
    entries = [
        ("ar", "family", keys.family_key_ar, keys.family_key_lat),
        ("ar", "given", keys.given_key_ar, keys.given_key_lat),
        ("lat", "family", keys.family_key_lat, keys.family_key_ar),
        ("lat", "given", keys.given_key_lat, keys.given_key_ar),
    ]
    rows = [(s, p, k, json.dumps({o: 1} if o else {}, ensure_ascii=False)) for s, p, k, o in entries if k]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_NK} AS k (script, part, key, acts, links, deletes)
            SELECT v.s, v.p, v.k, 1, v.l::jsonb, {_DELETES_SQL.format(key="v.k")}
            FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) AS v(s, p, k, l)
            ON CONFLICT (script, part, key) DO UPDATE SET
                acts = k.acts + 1,
                links = k.links || (
                    SELECT coalesce(jsonb_object_agg(e.key, coalesce((k.links ->> e.key)::int, 0) + e.value::int),
                                    '{{}}'::jsonb)
                    FROM jsonb_each_text(EXCLUDED.links) AS e
                )
            """,
            [list(c) for c in zip(*rows, strict=True)],
        )


def name_keys_rebuild() -> None:
    """Recompute the whole dictionary from the signed acts, in one statement (after a bulk import)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH pairs AS (
                SELECT s.script, s.part, s.key, s.other, count(*) AS n
                FROM {_ACT} AS a
                CROSS JOIN LATERAL (VALUES
                    ('ar', 'given', a.given_key_ar, a.given_key_lat),
                    ('ar', 'family', a.family_key_ar, a.family_key_lat),
                    ('lat', 'given', a.given_key_lat, a.given_key_ar),
                    ('lat', 'family', a.family_key_lat, a.family_key_ar)
                ) AS s(script, part, key, other)
                WHERE a.status = 'signed' AND s.key <> ''
                GROUP BY 1, 2, 3, 4
            ), keys AS (
                SELECT script, part, key, sum(n)::int AS acts,
                       coalesce(jsonb_object_agg(other, n) FILTER (WHERE other <> ''), '{{}}'::jsonb) AS links
                FROM pairs GROUP BY 1, 2, 3
            ), gone AS (
                DELETE FROM {_NK} AS k
                WHERE NOT EXISTS (SELECT 1 FROM keys WHERE keys.script = k.script AND keys.part = k.part
                                  AND keys.key = k.key)
            )
            INSERT INTO {_NK} AS k (script, part, key, acts, links, deletes)
            SELECT script, part, key, acts, links, {_DELETES_SQL.format(key="key")} FROM keys
            ON CONFLICT (script, part, key) DO UPDATE SET acts = EXCLUDED.acts, links = EXCLUDED.links,
                deletes = EXCLUDED.deletes
            WHERE (k.acts, k.links, k.deletes) IS DISTINCT FROM (EXCLUDED.acts, EXCLUDED.links, EXCLUDED.deletes)
            """
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
