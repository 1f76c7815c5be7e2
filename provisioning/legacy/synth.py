"""`jamaa legacy synth`: realistic legacy civil-registry exports, with every kind of dirt of the domain note.

Deterministic for a seed. Writes, in DIR:

- `naissances_bc.csv` (UTF-8) and `naissances_annexe.csv` (Windows-1256): birth acts of the two bureaux, paired
  Arabic/French columns, the birth date typed (dd/mm/yyyy, ISO, 00/00/yyyy, a bare year), in French words and in
  Hijri text;
- `deces.xlsx` (or `deces.csv`, UTF-8, with `formats=("csv",)`): death acts, dates as typed Excel dates;
- `mentions_ar.csv` (Windows-1256) and `mentions_fr.csv` (Latin-1): marginal notes, Arabic and French tables;
- `mapping.yaml`: the mapping that imports them;
- `expected.json`: what an import must find (rows per file, reasons, duplicates, Hijri conversions to check).

Every row has at most one defect that decides its fate (rejected or duplicate), so the expected counts are exact;
defects that are imported and flagged (spelling drift, missing Latin names or parents, Hijri off by a day or two,
old place names…) are spread independently.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from jamaa.modules.etatcivil import calendars, words

# (Latin, Arabic, Latin variants)
MALE = [
    ("Mohamed", "محمد", ("Mohammed", "Mhamed", "Mohamad", "Muhammad")), ("Ahmed", "أحمد", ("Ahmad",)),
    ("Abdelkader", "عبد القادر", ("Abdelkadir", "Abd El Kader")), ("Mustapha", "مصطفى", ("Mostafa", "Moustapha")),
    ("Hassan", "حسن", ("Hasan",)), ("Youssef", "يوسف", ("Youcef", "Yousef")), ("Rachid", "رشيد", ("Rashid",)),
    ("Said", "سعيد", ("Saïd",)), ("Brahim", "إبراهيم", ("Ibrahim",)), ("Abdellah", "عبد الله", ("Abdallah",)),
    ("Omar", "عمر", ("Omer",)), ("Ali", "علي", ("Aly",)), ("Driss", "إدريس", ("Idriss",)),
    ("Khalid", "خالد", ("Khaled",)), ("Hamid", "حميد", ()), ("Karim", "كريم", ()), ("Hicham", "هشام", ("Hisham",)),
    ("Noureddine", "نور الدين", ("Nour Eddine", "Nourdine")), ("Jamal", "جمال", ("Djamal",)),
    ("Yassine", "ياسين", ("Yacine",)), ("Hamza", "حمزة", ()), ("Othmane", "عثمان", ("Otmane",)),
    ("Larbi", "العربي", ("El Arbi",)), ("Jilali", "الجيلالي", ("Djilali",)), ("Bouchaib", "بوشعيب", ("Bouchaïb",)),
    ("Mahmoud", "محمود", ("Mahmud",)), ("Ismail", "إسماعيل", ("Smail",)), ("Yahya", "يحيى", ("Yahia",)),
    ("Aissa", "عيسى", ("Aïssa",)), ("Moussa", "موسى", ("Mousa",)), ("Tarik", "طارق", ("Tariq",)),
]  # fmt: skip
FEMALE = [
    ("Fatima", "فاطمة", ("Fatma", "Fatimah")), ("Khadija", "خديجة", ("Khadidja",)), ("Aicha", "عائشة", ("Aïcha",)),
    ("Zineb", "زينب", ("Zainab",)), ("Naima", "نعيمة", ("Naïma",)), ("Malika", "مليكة", ()),
    ("Rachida", "رشيدة", ("Rashida",)), ("Saida", "سعيدة", ("Saïda",)), ("Hafsa", "حفصة", ()),
    ("Meriem", "مريم", ("Maryam", "Meryem")), ("Salma", "سلمى", ()), ("Hanane", "حنان", ("Hanan",)),
    ("Souad", "سعاد", ()), ("Latifa", "لطيفة", ()), ("Nadia", "نادية", ()), ("Amina", "أمينة", ("Aminah",)),
    ("Houda", "هدى", ("Hoda",)), ("Ilham", "إلهام", ()), ("Karima", "كريمة", ()), ("Loubna", "لبنى", ("Lubna",)),
]  # fmt: skip
FAMILY = [
    ("El Alaoui", "العلوي", ("Elalaoui", "Alaoui", "Al-Alaoui")), ("Bennani", "بناني", ("Benani",)),
    ("El Idrissi", "الإدريسي", ("Idrissi", "Elidrissi")), ("Benjelloun", "بنجلون", ("Ben Jelloun", "Ibn Jelloun")),
    ("Tazi", "التازي", ("Ettazi",)), ("El Fassi", "الفاسي", ("Fassi",)), ("Berrada", "برادة", ("Berada",)),
    ("Chraibi", "الشرايبي", ("Shraibi", "Chraïbi")), ("Ouazzani", "الوزاني", ("Wazzani", "El Ouazzani")),
    ("Ait Lahcen", "آيت لحسن", ("Aït Lahcen", "Ait-Lahcen")), ("Amrani", "العمراني", ("El Amrani",)),
    ("Sefrioui", "الصفريوي", ("Sefriwi",)), ("Lahlou", "لحلو", ()), ("Kettani", "الكتاني", ("El Kettani",)),
    ("Bouzidi", "البوزيدي", ("Bouzidy",)), ("Benkirane", "بنكيران", ("Ben Kirane",)), ("Sqalli", "السقلي", ()),
    ("Guessous", "كسوس", ("Gessous",)), ("Tahiri", "الطاهري", ("Ettahiri",)), ("Mernissi", "المرنيسي", ()),
    ("Cherkaoui", "الشرقاوي", ("Sharkawi",)), ("Hajji", "الحجي", ("El Hajji",)), ("Ziani", "الزياني", ()),
    ("Doukkali", "الدكالي", ("Dokkali",)), ("Belghiti", "بلغيتي", ()), ("Skalli", "السكالي", ()),
    ("Ben Ali", "بن علي", ("Benali", "Ibn Ali")), ("Ait Ouahmane", "آيت واحمان", ("Aït Wahmane",)),
    ("Jebli", "الجبلي", ("Djebli",)), ("Filali", "الفيلالي", ("El Filali",)),
]  # fmt: skip
PLACES = [("صفرو", "Sefrou"), ("فاس", "Fès"), ("البهاليل", "Bhalil"), ("إيموزار كندر", "Imouzzer Kandar")]
OLD_PLACES = [("صفرو المدينة", "Sefrou Ville"), ("أغبالو أقورار", "Aghbalou Aqorar")]  # names before the mergers
NOTE_KINDS = [("MAR", "زواج", "Mariage"), ("DIV", "طلاق", "Divorce"), ("RECT", "تصحيح", "Rectification"),
              ("JUG", "حكم", "Jugement")]  # fmt: skip
BUREAUX = {"1": ("BC", "Bureau central", "مكتب الحالة المدنية المركزي"), "2": ("AN1", "Annexe 1", "الملحقة الأولى")}
AR_MARKS = "\u064e\u064f\u0650\u0651\u0652"

BIRTH_COLUMNS = [
    "id", "classement", "num_acte", "annee", "prenom_ar", "nom_ar", "prenom_fr", "nom_fr", "sexe",
    "date_naissance", "date_naissance_lettres", "date_naissance_hijri", "lieu_ar", "lieu_fr", "pere_ar", "pere_fr",
    "mere_ar", "mere_fr", "date_acte", "date_acte_hijri", "officier", "declarant", "obs",
]  # fmt: skip
DEATH_COLUMNS = [
    "id", "classement", "num_acte", "annee", "prenom_ar", "nom_ar", "prenom_fr", "nom_fr", "sexe", "date_deces",
    "date_deces_hijri", "lieu_ar", "lieu_fr", "pere_ar", "mere_ar", "date_acte", "officier", "declarant",
]  # fmt: skip
NOTE_COLUMNS = ["id_mention", "classement", "num_acte", "annee", "type", "texte_ar", "autorite", "num_document",
                "date_document", "date_mention"]  # fmt: skip
NOTE_TEXT_COLUMNS = ["id_mention", "texte_fr"]
# Note tables as real exports have them (note_variants=True): the annexe's notes keyed by (year, number) with no
# bureau column (a constant in the mapping), no authority or document, the French text beside the Arabic; the
# deaths' notes keyed by the death act's legacy id.
NOTE_BY_NUMBER_COLUMNS = ["annee", "num_acte", "type", "texte_ar", "texte_fr", "date_mention"]
NOTE_BY_ID_COLUMNS = ["id_acte", "type", "texte_ar", "autorite", "num_document", "date_document", "date_mention"]
FIRST_REGISTER_YEAR = 1920  # the synthetic commune's first register (the mapping says so)
REMARKS = ["déclaration tardive", "acte transcrit du registre de 1958", "mention illisible", "ملاحظة: نسخة مصححة"]


@dataclass
class Rates:
    """How often each defect occurs (share of act rows unless said otherwise)."""

    duplicate: float = 0.02  # the same act keyed twice, same number → duplicate (exact)
    collision: float = 0.005  # another act under a number already used → duplicate (same_number)
    rekeyed: float = 0.004  # the same act keyed again under a new number → imported, probable duplicate
    latin_missing: float = 0.10
    parents_missing: float = 0.04
    drift: float = 0.3  # Latin spelling drift and variants
    arabic_variants: float = 0.15
    title: float = 0.02
    iso_dates: float = 0.2
    year_only: float = 0.01
    hijri_only: float = 0.01  # the Hijri text is the only date: converted
    hijri_off: float = 0.03  # Hijri one or two days off the Gregorian date: kept, flagged
    hijri_out_of_range: float = 0.003  # the only date is Hijri before 1343 AH → rejected
    bad_date: float = 0.003
    mojibake: float = 0.003  # UTF-8 files only
    arabic_in_latin: float = 0.01
    old_place: float = 0.02
    missing_arabic: float = 0.002
    bad_number: float = 0.002
    notes: float = 0.08  # share of birth acts with a marginal note
    orphan_note: float = 0.05  # share of notes pointing at no act
    orphan_text: float = 0.02  # French note texts with no Arabic note
    future_year: float = 0.002  # a birth "01/01/2099" in register 2099 → rejected YEAR_IMPOSSIBLE
    before_first_register: float = 0.002  # a register year before the commune's first register → YEAR_IMPOSSIBLE
    after_import: float = 0.002  # an event dated after the day of the import → rejected DATE_AFTER_IMPORT
    late_register: float = 0.005  # registered years after the event (beyond the allowance) → imported, flagged
    remark: float = 0.05  # births with an observation (OBS column)


@dataclass
class Expected:
    read: Counter[str] = field(default_factory=Counter)  # per file
    outcomes: Counter[str] = field(default_factory=Counter)  # imported / rejected / duplicates
    reasons: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)
    probable: int = 0
    hijri: list[dict[str, Any]] = field(default_factory=list)  # rows whose only date is Hijri: the day expected
    acts_imported: int = 0
    notes_imported: int = 0
    late_register: int = 0  # imported, flagged register_year_far_from_event
    notes_source_incomplete: int = 0  # imported notes with no authority or document
    remarks: int = 0  # imported acts with an observation


@dataclass
class _Act:
    kind: str
    bureau: str
    year: int
    number: str
    values: dict[str, Any]
    fate: tuple[str, str] = ("imported", "")
    clean: bool = True  # may be copied (duplicate, rekeyed) or annotated


class Synth:
    def __init__(
        self,
        acts: int,
        seed: int,
        rates: Rates | None = None,
        formats: tuple[str, ...] = ("csv", "xlsx"),
        note_variants: bool = False,
    ):
        self.n, self.seed = acts, seed
        self.note_variants = note_variants
        self.today = timezone.localdate()  # the day the import runs, as the importer sees it
        self.rates = rates or Rates()
        self.rng = random.Random(seed)
        self.formats = formats
        self.expected = Expected()
        self.next_id = 1
        self.counters: Counter[tuple[str, str, int]] = Counter()
        self.by_register: dict[tuple[str, str, int], list[_Act]] = {}

    # ---------------------------------------------------------------------------------------------- spelling

    def lat(self, name: tuple[str, str, tuple[str, ...]]) -> str:
        r = self.rng
        text = name[0]
        if name[2] and r.random() < self.rates.drift:
            text = r.choice(name[2])
        if r.random() < self.rates.drift / 3:
            text = r.choice([text.replace("ou", "w", 1), text.replace("ch", "sh"), text.replace("j", "dj", 1),
                             text.replace("Ben ", "Ibn ", 1), text.replace("Ait", "Aït", 1)])  # fmt: skip
        if r.random() < 0.05 and text.upper().encode("cp1256", errors="replace").decode("cp1256") == text.upper():
            text = text.upper()  # old keying in capitals (when the Windows-1256 export can hold it)
        return text

    def ar(self, text: str) -> str:
        r = self.rng
        if r.random() >= self.rates.arabic_variants:
            return text
        out = text
        choice = r.randrange(5)
        if choice == 0:
            out = out.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
        elif choice == 1:
            out = out.replace("ة", "ه")
        elif choice == 2:
            out = out.replace("ى", "ي")
        elif choice == 3 and len(out) > 2:
            i = r.randrange(1, len(out))
            out = out[:i] + r.choice(AR_MARKS) + out[i:]
        elif len(out) > 3:
            i = r.randrange(1, len(out) - 1)
            out = out[:i] + "ـ" + out[i:]
        return out

    @staticmethod
    def mojibake(text: str) -> str:
        """UTF-8 bytes shown through Windows-1252 (undefined bytes as Latin-1), as old exports did."""
        out = []
        for b in text.encode("utf-8"):
            try:
                out.append(bytes([b]).decode("cp1252"))
            except UnicodeDecodeError:
                out.append(chr(b))
        return "".join(out)

    # ------------------------------------------------------------------------------------------------- dates

    def gregorian(self, day: dt.date) -> str:
        r = self.rng.random()
        if r < self.rates.iso_dates:
            return day.isoformat()
        if r < self.rates.iso_dates + 0.1:
            return f"{day.day}/{day.month}/{day.year}"
        return f"{day.day:02d}/{day.month:02d}/{day.year}"

    def hijri(self, day: dt.date, off: int = 0) -> str:
        if not calendars.in_range(day + dt.timedelta(days=off)):
            return ""
        h = calendars.to_hijri(day + dt.timedelta(days=off))
        if self.rng.random() < 0.5:
            return f"{h.day:02d}/{h.month:02d}/{h.year}"
        return f"{h.day} {h.month_name_ar} {h.year} هـ"

    def _day(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    # -------------------------------------------------------------------------------------------------- acts

    def _number(self, kind: str, bureau: str, year: int) -> str:
        self.counters[(kind, bureau, year)] += 1
        return str(self.counters[(kind, bureau, year)])

    def _act(self, kind: str, bureau: str) -> _Act:
        r, rates = self.rng, self.rates
        male = r.random() < 0.51
        given = r.choice(MALE if male else FEMALE)
        family = r.choice(FAMILY)
        father = r.choice(MALE)
        mother, mother_family = r.choice(FEMALE), r.choice(FAMILY)
        year = r.randrange(1940, 2025) if r.random() < 0.97 else r.randrange(1926, 1940)
        event = self._day(year)
        drawn = event + dt.timedelta(days=r.randrange(0, 25))
        place = r.choice(OLD_PLACES) if r.random() < rates.old_place else r.choice(PLACES)
        given_ar, family_ar = self.ar(given[1]), self.ar(family[1])
        given_fr, family_fr = self.lat(given), self.lat(family)
        if r.random() < rates.title:
            given_ar, given_fr = (
                ("مولاي " + given_ar, "Moulay " + given_fr) if male else ("لالة " + given_ar, "Lalla " + given_fr)
            )
        if r.random() < rates.latin_missing * (2 if year < 1970 else 1):
            given_fr = family_fr = ""
        elif r.random() < rates.arabic_in_latin:
            given_fr = given_ar
        father_ar, father_fr = f"{self.ar(father[1])} {family_ar}", f"{self.lat(father)} {family_fr}".strip()
        mother_ar, mother_fr = (
            f"{self.ar(mother[1])} {self.ar(mother_family[1])}",
            f"{self.lat(mother)} {self.lat(mother_family)}",
        )
        if r.random() < rates.parents_missing:
            father_ar = father_fr = mother_ar = mother_fr = ""
        off = r.choice((-2, -1, 1, 2)) if r.random() < rates.hijri_off else 0
        values: dict[str, Any] = {
            "id": "", "classement": bureau, "num_acte": "", "annee": str(drawn.year),
            "prenom_ar": given_ar, "nom_ar": family_ar, "prenom_fr": given_fr, "nom_fr": family_fr,
            "sexe": r.choice(("M", "H", "ذكر")) if male else r.choice(("F", "أنثى")),
            "lieu_ar": place[0], "lieu_fr": place[1], "pere_ar": father_ar, "pere_fr": father_fr,
            "mere_ar": mother_ar, "mere_fr": mother_fr,
            "date_acte": self.gregorian(drawn), "officier": "Ahmed Bennani, officier de l'état civil",
            "declarant": r.choice(("le père", "la mère", "الأب", "")),
            "obs": r.choice(REMARKS) if r.random() < rates.remark else "",
        }  # fmt: skip
        event_cols = ("date_naissance", "date_naissance_lettres", "date_naissance_hijri")
        if kind == "death":
            event_cols = ("date_deces", "", "date_deces_hijri")
            del values["pere_fr"], values["mere_fr"]
        else:
            values["date_acte_hijri"] = self.hijri(drawn)
        g_col, w_col, h_col = event_cols
        values[g_col] = self.gregorian(event) if kind == "birth" else event
        if w_col:
            values[w_col] = words.date_fr(event) if r.random() < 0.4 else ""
        values[h_col] = self.hijri(event, off) if r.random() < 0.7 or off else ""
        act = _Act(kind, bureau, drawn.year, "", values)
        act.clean = off == 0
        self._fate(act, event, g_col, w_col, h_col)
        return act

    def _fate(self, act: _Act, event: dt.date, g_col: str, w_col: str, h_col: str) -> None:
        """At most one defect that decides the row's fate."""
        r, rates, v = self.rng.random(), self.rates, act.values
        edges: list[tuple[float, str]] = []
        acc = 0.0
        for name in ("hijri_only", "hijri_out_of_range", "bad_date", "mojibake", "missing_arabic", "bad_number",
                     "year_only", "future_year", "before_first_register", "after_import",
                     "late_register"):  # fmt: skip
            acc += getattr(rates, name)
            edges.append((acc, name))
        defect = next((name for edge, name in edges if r < edge), "")
        if defect == "mojibake" and act.bureau != "1":
            defect = ""  # only the UTF-8 export carries mojibake
        if defect:
            act.clean = False
        if defect == "hijri_only" and calendars.in_range(event):
            v[g_col], v[h_col] = "", self.hijri(event)
            if w_col:
                v[w_col] = ""
            act.fate = ("imported", "hijri_only")
            act.values["_hijri_expected"] = event.isoformat()
        elif defect == "hijri_out_of_range":
            y = self.rng.randrange(1320, 1342)
            v[g_col], v[h_col] = "", f"{self.rng.randrange(1, 29):02d}/{self.rng.randrange(1, 13):02d}/{y}"
            if w_col:
                v[w_col] = ""
            act.fate = ("rejected", "HIJRI_OUT_OF_RANGE")
        elif defect == "bad_date":
            v[g_col] = self.rng.choice(
                (f"31/02/{event.year}", f"??/{event.month:02d}/{event.year}", f"{event.year}-13-45", "inconnue")
            )
            v[h_col] = ""
            if w_col:
                v[w_col] = ""
            act.fate = ("rejected", "BAD_DATE")
        elif defect == "mojibake":
            v["prenom_ar"] = self.mojibake(v["prenom_ar"])
            act.fate = ("rejected", "MOJIBAKE")
        elif defect == "missing_arabic":
            v[self.rng.choice(("prenom_ar", "nom_ar"))] = ""
            act.fate = ("rejected", "MISSING_ARABIC_NAME")
        elif defect == "bad_number":
            act.fate = ("rejected", "BAD_NUMBER")
        elif defect == "year_only":
            v[g_col] = self.rng.choice((f"00/00/{event.year}", str(event.year)))
            v[h_col] = ""
            if w_col:
                v[w_col] = ""
        elif defect in ("future_year", "before_first_register", "after_import", "late_register"):
            if defect == "future_year":
                event = drawn = dt.date(2099, 1, 1)
                act.fate = ("rejected", "YEAR_IMPOSSIBLE")
            elif defect == "before_first_register":
                event = dt.date(FIRST_REGISTER_YEAR - 5, 3, 1) + dt.timedelta(days=self.rng.randrange(200))
                drawn = event
                act.fate = ("rejected", "YEAR_IMPOSSIBLE")
            elif defect == "after_import":  # drawn up today, the event in ten days
                drawn, event = self.today, self.today + dt.timedelta(days=10)
                act.fate = ("rejected", "DATE_AFTER_IMPORT")
            else:  # declared three to twenty years late (a judgment), before this year: imported, flagged
                late = self.rng.randrange(3, 20)
                event = dt.date(min(event.year, self.today.year - 1 - late), event.month, min(event.day, 28))
                drawn = dt.date(event.year + late, 6, 1)
                act.fate = ("imported", "late_register")
            v[g_col] = event if isinstance(v[g_col], dt.date) else f"{event.day:02d}/{event.month:02d}/{event.year}"
            v[h_col] = ""
            if w_col:
                v[w_col] = ""
            v["date_acte"] = f"{drawn.day:02d}/{drawn.month:02d}/{drawn.year}"
            v["annee"] = str(drawn.year)
            if "date_acte_hijri" in v:
                v["date_acte_hijri"] = ""
            act.year = drawn.year
        elif isinstance(v[g_col], dt.date):
            pass

    def _emit(self, act: _Act) -> _Act:
        act.values["id"] = str(self.next_id)
        self.next_id += 1
        return act

    def acts(self) -> Iterator[_Act]:
        r, rates = self.rng, self.rates
        pending: list[_Act] = []
        for _ in range(self.n):
            kind = "death" if r.random() < 0.2 else "birth"
            bureau = "1" if r.random() < 0.6 else "2"
            act = self._act(kind, bureau)
            if act.fate == ("rejected", "BAD_NUMBER"):
                act.number = self.rng.choice(("", f"{self._number(kind, bureau, act.year)}bis", "n/a"))
            else:
                act.number = self._number(kind, bureau, act.year)
                self.by_register.setdefault((kind, bureau, act.year), []).append(act)
            act.values["num_acte"] = act.number
            yield self._emit(act)
            if act.clean and act.fate[0] == "imported":
                x = r.random()
                if x < rates.duplicate:
                    twin = _Act(kind, bureau, act.year, act.number, dict(act.values), ("duplicate", "exact"), False)
                    pending.append(twin)
                elif x < rates.duplicate + rates.collision:
                    other = self._act(kind, bureau)
                    if other.fate[0] == "imported":
                        other.values.update(annee=act.values["annee"], num_acte=act.number)
                        other.year, other.number = act.year, act.number
                        other.fate, other.clean = ("duplicate", "same_number"), False
                        pending.append(other)
                elif (
                    x < rates.duplicate + rates.collision + rates.rekeyed and act.values.get("_hijri_expected") is None
                ):
                    if self._full_date(act):
                        again = _Act(kind, bureau, act.year, "", dict(act.values), ("imported", "probable"), False)
                        again.number = self._number(kind, bureau, act.year)
                        again.values["num_acte"] = again.number
                        self.by_register[(kind, bureau, act.year)].append(again)
                        pending.append(again)
            if len(pending) > 3 or (pending and r.random() < 0.3):
                yield self._emit(pending.pop(0))
        while pending:
            yield self._emit(pending.pop(0))

    @staticmethod
    def _full_date(act: _Act) -> bool:
        g = act.values.get("date_naissance", act.values.get("date_deces"))
        return isinstance(g, dt.date) or (isinstance(g, str) and len(g) >= 8 and not g.startswith("00"))

    # ------------------------------------------------------------------------------------------------ output

    def write(self, out: Path) -> Expected:
        out.mkdir(parents=True, exist_ok=True)
        xlsx = "xlsx" in self.formats
        files = {
            ("birth", "1"): ("naissances_bc.csv", "utf-8", BIRTH_COLUMNS),
            ("birth", "2"): ("naissances_annexe.csv", "cp1256", BIRTH_COLUMNS),
        }
        deaths_name = "deces.xlsx" if xlsx else "deces.csv"
        handles: dict[str, Any] = {}
        writers: dict[str, Any] = {}
        lines: Counter[str] = Counter()
        for name, encoding, columns in files.values():
            handles[name] = (out / name).open("w", encoding=encoding, newline="")
            writers[name] = csv.writer(handles[name], delimiter=";")
            writers[name].writerow(columns)
        workbook = sheet = None
        if xlsx:
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("deces")
            sheet.append(DEATH_COLUMNS)
        else:
            handles[deaths_name] = (out / deaths_name).open("w", encoding="utf-8", newline="")
            writers[deaths_name] = csv.writer(handles[deaths_name], delimiter=";")
            writers[deaths_name].writerow(DEATH_COLUMNS)
        exp = self.expected
        for act in self.acts():
            if act.kind == "birth":
                name, _enc, columns = files[("birth", act.bureau)]
            else:
                name, columns = deaths_name, DEATH_COLUMNS
            lines[name] += 1
            line = lines[name] + 1
            row = [act.values.get(c, "") for c in columns]
            if name.endswith(".csv"):
                writers[name].writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
            else:
                sheet.append(row)  # type: ignore[union-attr]  # typed dates stay dates in the workbook
            exp.read[name] += 1
            outcome, detail = act.fate
            if outcome == "rejected":
                exp.outcomes["rejected"] += 1
                exp.reasons[detail] += 1
            elif outcome == "duplicate":
                exp.outcomes["duplicates"] += 1
                exp.duplicates[detail] += 1
            else:
                exp.outcomes["imported"] += 1
                exp.acts_imported += 1
                if detail == "probable":
                    exp.probable += 1
                if detail == "late_register":
                    exp.late_register += 1
                if act.values.get("obs"):
                    exp.remarks += 1
                if "_hijri_expected" in act.values:
                    exp.hijri.append({"file": name, "line": line, "legacy_id": act.values["id"],
                                      "event_date": act.values["_hijri_expected"]})  # fmt: skip
        for h in handles.values():
            h.close()
        if workbook is not None:
            workbook.save(out / deaths_name)
        self._notes(out)
        (out / "mapping.yaml").write_text(mapping_yaml(deaths_name, self.note_variants), encoding="utf-8")
        doc = {
            "acts": self.n, "seed": self.seed, "rates": asdict(self.rates),
            "read": dict(exp.read),
            "totals": {"read": sum(exp.read.values()),
                       **{k: exp.outcomes[k] for k in ("imported", "rejected", "duplicates")}},
            "reasons": dict(sorted(exp.reasons.items())), "duplicates": dict(sorted(exp.duplicates.items())),
            "probable_duplicates": exp.probable, "acts_imported": exp.acts_imported,
            "notes_imported": exp.notes_imported, "hijri_only": exp.hijri,
            "flags": {"register_year_far_from_event": exp.late_register,
                      "note_source_incomplete": exp.notes_source_incomplete},
            "acts_with_remark": exp.remarks,
        }  # fmt: skip
        (out / "expected.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        return exp

    def _notes(self, out: Path) -> None:
        r, rates, exp = self.rng, self.rates, self.expected
        notes, texts = [], []
        by_number: list[list[str]] = []
        by_id: list[list[str]] = []
        note_id = 0
        for (kind, bureau, year), acts in sorted(self.by_register.items()):
            if kind != "birth" and not self.note_variants:
                continue
            for act in acts:
                if not (act.fate == ("imported", "") and act.clean) or r.random() >= rates.notes:
                    continue
                note_id += 1
                number, fate = act.number, "imported"
                if r.random() < rates.orphan_note:
                    number, fate = str(len(acts) + 1000 + r.randrange(1000)), "NOTE_ORPHAN"
                code, ar, fr = r.choice(NOTE_KINDS)
                day = dt.date(min(year + r.randrange(18, 40), 2025), 1, 1) + dt.timedelta(days=r.randrange(300))
                ident = f"M{note_id:07d}"
                if self.note_variants and (kind == "death" or bureau == "2"):
                    text_ar = f"{ar} بمقتضى الوثيقة عدد {note_id} بتاريخ {day.isoformat()}"
                    if kind == "death":  # keyed by the act's legacy id
                        legacy = act.values["id"] if fate == "imported" else f"X{note_id}"
                        by_id.append([legacy, code, text_ar, "Tribunal de première instance de Sefrou",
                                      f"{note_id}/{day.year}", day.isoformat(), day.isoformat()])  # fmt: skip
                        name = "mentions_deces.csv"
                    else:  # keyed by (year, number), the bureau a constant, no authority or document
                        by_number.append([str(year), number, code, text_ar, f"{fr} : acte n° {number}/{year}",
                                          f"{day.day:02d}/{day.month:02d}/{day.year}"])  # fmt: skip
                        name = "mentions_annexe.csv"
                    exp.read[name] += 1
                    if fate == "imported":
                        exp.outcomes["imported"] += 1
                        exp.notes_imported += 1
                        exp.notes_source_incomplete += kind == "birth"
                    else:
                        exp.outcomes["rejected"] += 1
                        exp.reasons[fate] += 1
                    continue
                notes.append([ident, bureau, number, str(year), code,
                              f"{ar} بمقتضى الوثيقة عدد {note_id} بتاريخ {day.isoformat()}",
                              "Tribunal de première instance de Sefrou", f"{note_id}/{day.year}",
                              f"{day.day:02d}/{day.month:02d}/{day.year}", day.isoformat()])  # fmt: skip
                exp.read["mentions_ar.csv"] += 1
                if fate == "imported":
                    exp.outcomes["imported"] += 1
                    exp.notes_imported += 1
                else:
                    exp.outcomes["rejected"] += 1
                    exp.reasons[fate] += 1
                if r.random() < 0.9:
                    texts.append([ident, f"{fr} : acte n° {number}/{year}, décision n° {note_id}/{day.year}"])
                    exp.read["mentions_fr.csv"] += 1
                    if fate == "imported":
                        exp.outcomes["imported"] += 1
                    else:
                        exp.outcomes["rejected"] += 1
                        exp.reasons["NOTE_REJECTED"] += 1
                if r.random() < rates.orphan_text:
                    texts.append([f"X{note_id:07d}", "Mention sans acte correspondant"])
                    exp.read["mentions_fr.csv"] += 1
                    exp.outcomes["rejected"] += 1
                    exp.reasons["NOTE_TEXT_ORPHAN"] += 1
        with (out / "mentions_ar.csv").open("w", encoding="cp1256", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(NOTE_COLUMNS)
            writer.writerows(notes)
        with (out / "mentions_fr.csv").open("w", encoding="latin-1", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(NOTE_TEXT_COLUMNS)
            writer.writerows(texts)
        if self.note_variants:
            for name, columns, rows in (("mentions_annexe.csv", NOTE_BY_NUMBER_COLUMNS, by_number),
                                        ("mentions_deces.csv", NOTE_BY_ID_COLUMNS, by_id)):  # fmt: skip
                with (out / name).open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.writer(handle, delimiter=";")
                    writer.writerow(columns)
                    writer.writerows(rows)


NOTE_VARIANT_TABLES = """  - name: mentions_annexe   # no bureau column, no authority, French text beside the Arabic
    files: ["mentions_annexe*.csv"]
    record: note
    act_kind: birth
    key: {bureau: {value: "2"}, year: annee, number: num_acte}
    note_kind_column: type
    fields: {text_ar: texte_ar, text_fr: texte_fr}
    dates: {noted_on: {gregorian: date_mention, formats: [dmy, iso]}}
  - name: mentions_deces           # the deaths' notes, keyed by the death act's legacy id
    files: ["mentions_deces*.csv"]
    record: note
    act_kind: death
    act_table: deces
    key: {legacy_id: id_acte}
    note_kind_column: type
    fields: {text_ar: texte_ar, authority: autorite, document_number: num_document}
    dates: {document_date: date_document, noted_on: date_mention}
"""


def mapping_yaml(deaths_file: str, note_variants: bool = False) -> str:
    bureaux = "\n".join(
        f'  "{k}": {{code: {code}, name_fr: "{fr}", name_ar: "{ar}"}}' for k, (code, fr, ar) in BUREAUX.items()
    )
    old = ", ".join(f'"{fr}", "{ar}"' for ar, fr in OLD_PLACES)
    kinds = (("MAR", "marriage"), ("DIV", "divorce"), ("RECT", "rectification"), ("JUG", "judgment"))
    notes = ", ".join(f"{code}: {kind}" for code, kind in kinds)
    return f"""# Mapping of the synthetic legacy export (jamaa legacy synth). Format: docs/legacy-import.md
format: jamaa-legacy-mapping/1
first_register_year: {FIRST_REGISTER_YEAR}   # older register years are impossible
bureaux:          # legacy `classement` value → Jamaa bureau (created if missing)
{bureaux}
codes:
  sex: {{M: M, H: M, F: F, "ذكر": M, "أنثى": F}}
  note_kind: {{{notes}}}
old_places: [{old}]
tables:
  - name: naissances
    files: ["naissances*.csv", "naissances*.xlsx"]
    record: act
    kind: birth
    encoding: auto          # UTF-8, Windows-1256 or Latin-1, detected per file
    key: {{bureau: classement, year: annee, number: num_acte}}
    legacy_id: id
    fields:
      given_name_ar: prenom_ar
      family_name_ar: nom_ar
      given_name_fr: prenom_fr
      family_name_fr: nom_fr
      sex: sexe
      place_ar: lieu_ar
      place_fr: lieu_fr
      father_name_ar: pere_ar
      father_name_fr: pere_fr
      mother_name_ar: mere_ar
      mother_name_fr: mere_fr
      declarant_relationship: declarant
      event_date_hijri: date_naissance_hijri
      drawn_up_hijri: date_acte_hijri
      remark: obs             # observations: kept with the act's provenance
    dates:
      event_date: {{gregorian: date_naissance, words: date_naissance_lettres, hijri: date_naissance_hijri,
                   formats: [dmy, iso, year_only]}}
      drawn_up_on: {{gregorian: date_acte, hijri: date_acte_hijri, formats: [dmy, iso]}}
  - name: deces
    files: ["{deaths_file}"]
    record: act
    kind: death
    key: {{bureau: classement, year: annee, number: num_acte}}
    legacy_id: id
    fields:
      given_name_ar: prenom_ar
      family_name_ar: nom_ar
      given_name_fr: prenom_fr
      family_name_fr: nom_fr
      sex: sexe
      place_ar: lieu_ar
      place_fr: lieu_fr
      father_name_ar: pere_ar
      mother_name_ar: mere_ar
      declarant_relationship: declarant
      event_date_hijri: date_deces_hijri
    dates:
      event_date: {{gregorian: date_deces, hijri: date_deces_hijri, formats: [typed, dmy, iso, year_only]}}
      drawn_up_on: {{gregorian: date_acte, formats: [dmy, iso]}}
  - name: mentions
    files: ["mentions_ar*.csv"]
    record: note
    act_kind: birth
    encoding: windows-1256
    key: {{bureau: classement, year: annee, number: num_acte}}
    legacy_id: id_mention
    note_kind_column: type
    fields: {{text_ar: texte_ar, authority: autorite, document_number: num_document}}
    dates:
      document_date: {{gregorian: date_document, formats: [dmy, iso]}}
      noted_on: {{gregorian: date_mention, formats: [dmy, iso]}}
  - name: mentions_fr
    files: ["mentions_fr*.csv"]
    record: note_text
    encoding: latin-1
    legacy_id: id_mention
    fields: {{text_fr: texte_fr}}
""" + (NOTE_VARIANT_TABLES if note_variants else "")


def legacy_synth(*, acts: int, seed: int, out: Path, rates: Rates | None = None,
                 formats: tuple[str, ...] = ("csv", "xlsx"),
                 note_variants: bool = False) -> dict[str, Any]:  # fmt: skip
    """Write a synthetic legacy export (files, mapping.yaml, expected.json) into `out`; returns expected.json."""
    Synth(acts, seed, rates, formats, note_variants).write(out)
    return dict(json.loads((out / "expected.json").read_text(encoding="utf-8")))
