"""French and Arabic: every UI string is translated, the .mo files match the .po, and the switch works.

After adding strings, run scripts/i18n_refresh.sh, translate the new entries in both .po files, and run it again.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import SharedCommune

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "platform" / "locale"
LANGUAGES = ("fr", "ar")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: entries with their flags and strings; obsolete (#~) entries are skipped."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None

    def start(lineno: int) -> Entry:
        nonlocal entry
        if entry is None or entry.msgstr:
            entry = Entry(line=lineno)
            entries.append(entry)
        return entry

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            start(lineno).flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):  # continuation of the previous string
            assert target is not None and entry is not None, f"{path}:{lineno}: stray string"
            rest, keyword = line, ""
        else:
            current = start(lineno) if keyword in ("msgctxt", "msgid") else entry
            assert current is not None, f"{path}:{lineno}: {keyword} before msgid"
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword == "msgstr":
                target = ("msgstr", 0)
            elif match:
                target = ("msgstr", int(match[1]))
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                target = (keyword, 0)
            else:
                raise AssertionError(f"{path}:{lineno}: unexpected line {raw!r}")
            if target[0] == "msgstr":
                current.msgstr.setdefault(target[1], "")
            else:
                setattr(current, target[0], "")
        text = ast.literal_eval(rest)
        assert entry is not None
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] += text
        else:
            setattr(entry, name, (getattr(entry, name) or "") + text)
    return entries


def messages(language: str) -> list[Entry]:
    return [e for e in parse_po(LOCALE / language / "LC_MESSAGES" / "django.po") if e.msgid]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language: str) -> None:
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    header = next(e for e in entries if e.msgid == "")
    assert "fuzzy" not in header.flags, "the header is fuzzy: msgfmt would drop it"
    assert f"Language: {language}\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=" in header.msgstr[0]
    translated = messages(language)
    assert len(translated) > 20
    untranslated = [e.msgid for e in translated if not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in translated if "fuzzy" in e.flags]
    assert not untranslated, f"{language}: no translation for {untranslated}"
    assert not fuzzy, f"{language}: fuzzy (check them, then remove the flag) {fuzzy}"


def test_arabic_has_six_plural_forms() -> None:
    header = next(e for e in parse_po(LOCALE / "ar" / "LC_MESSAGES" / "django.po") if e.msgid == "")
    assert (
        "Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
    ) in header.msgstr[0]


def test_french_and_arabic_have_the_same_strings() -> None:
    assert {(e.msgctxt, e.msgid) for e in messages("fr")} == {(e.msgctxt, e.msgid) for e in messages("ar")}


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language: str) -> None:
    for entry in messages(language):
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for msgstr in entry.msgstr.values():
            assert sorted(PLACEHOLDER.findall(msgstr)) == expected, f"{language}: {entry.msgid!r} → {msgstr!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_po(language: str) -> None:
    """The committed django.mo is up to date: run scripts/i18n_refresh.sh after editing a .po."""
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    for entry in messages(language):
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            assert catalog._catalog.get(msgid) == entry.msgstr[0], f"{language}: {entry.msgid!r} is stale in .mo"
        else:
            for index, msgstr in entry.msgstr.items():
                assert catalog._catalog.get((msgid, index)) == msgstr, f"{language}: {entry.msgid!r} stale"


def login(client: Client, commune: SharedCommune) -> None:
    response = client.post(
        "/login/", {"username": commune.username, "password": commune.password}, HTTP_HOST=commune.host
    )
    assert response.status_code == 302, response.content[:500]


def test_home_page_is_in_french_by_default(client: Client, fes: SharedCommune) -> None:
    # given an agent of Fès who never chose a language
    login(client, fes)
    # when they open the home page
    response = client.get("/", HTTP_HOST=fes.host)
    # then it is in French, left to right
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "Modules de votre commune" in html
    assert "Déconnexion" in html
    assert "Changer le mot de passe" in html
    assert "Modules of your commune" not in html and "Log out" not in html
    assert response["Content-Language"] == "fr"


def test_login_page_is_in_french_by_default(client: Client, fes: SharedCommune) -> None:
    html = unescape(client.get("/login/", HTTP_HOST=fes.host).content.decode())
    assert "Se connecter" in html and "Mot de passe" in html and "Nom d'utilisateur" in html


def test_switching_to_arabic(client: Client, fes: SharedCommune) -> None:
    # given a logged-in agent of Fès
    login(client, fes)
    # when they switch to Arabic
    response = client.post("/language/", {"language": "ar", "next": "/"}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    # then the home page is in Arabic, right to left
    response = client.get("/", HTTP_HOST=fes.host)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert '<html lang="ar" dir="rtl">' in html
    assert "وحدات جماعتكم" in html  # Modules of your commune
    assert "تسجيل الخروج" in html  # Log out
    assert "تغيير كلمة المرور" in html  # Change password
    assert "bootstrap.rtl.min.css" in html
    assert "Modules de votre commune" not in html and "Déconnexion" not in html
    assert response["Content-Language"] == "ar"


def test_arabic_login_page_before_login(client: Client, fes: SharedCommune) -> None:
    # an anonymous visitor's choice is kept in a cookie and the session
    client.post("/language/", {"language": "ar", "next": "/login/"}, HTTP_HOST=fes.host)
    html = client.get("/login/", HTTP_HOST=fes.host).content.decode()
    assert 'dir="rtl"' in html
    assert "تسجيل الدخول" in html and "كلمة المرور" in html and "اسم المستخدم" in html
