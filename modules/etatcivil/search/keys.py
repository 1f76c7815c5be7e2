"""Name keys: Arabic and Latin normalisation, the four keys an act carries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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
