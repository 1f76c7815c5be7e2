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

The package re-exports every public name of its parts, so `from . import search` and
`search.<name>` keep working."""

from __future__ import annotations

from .dictionary import DELETES_MAX, DELETES_MIN, name_keys_rebuild, name_keys_record
from .keys import KEY_MAX, NameKeys, ar_key, lat_key, name_keys, normalize_ar, normalize_lat
from .matching import (
    EDIT_SIM,
    FAMILY_ONLY_ACTS,
    FAMILY_ONLY_BELOW,
    FAMILY_ONLY_ROWS,
    LINK_MIN_SHARE,
    MAX_PAIRS,
    NEAR_KEYS,
    OTHER_NAME_SIM,
    PAIR_SPREAD,
    PAIR_SURE,
    PARENT_MIN,
    ROW_BUDGET,
    SOLID_ACTS,
    TOP_KEYS,
    TYPO_RATIO,
    UNCONFIRMED,
    Highlight,
    SearchHit,
)
from .query import search_acts

__all__ = [
    "DELETES_MAX",
    "DELETES_MIN",
    "EDIT_SIM",
    "FAMILY_ONLY_ACTS",
    "FAMILY_ONLY_BELOW",
    "FAMILY_ONLY_ROWS",
    "Highlight",
    "KEY_MAX",
    "LINK_MIN_SHARE",
    "MAX_PAIRS",
    "NEAR_KEYS",
    "NameKeys",
    "OTHER_NAME_SIM",
    "PAIR_SPREAD",
    "PAIR_SURE",
    "PARENT_MIN",
    "ROW_BUDGET",
    "SOLID_ACTS",
    "SearchHit",
    "TOP_KEYS",
    "TYPO_RATIO",
    "UNCONFIRMED",
    "ar_key",
    "lat_key",
    "name_keys",
    "name_keys_rebuild",
    "name_keys_record",
    "normalize_ar",
    "normalize_lat",
    "search_acts",
]
