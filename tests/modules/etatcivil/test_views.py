"""The civil registry's pages on a commune's host: roles, the journalled review, signing with flagged names,
notes, documents and their PDF, search, statistics, and isolation between communes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import permissions, services
from jamaa.modules.etatcivil.models import Act, IssuedDocument, JournalEntry, MarginalNote

from .factories import birth_input, bureau, officer_for, user_with

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-2026-word!"
YEAR = timezone.localdate().year
BORN = timezone.localdate() - dt.timedelta(days=3)


@pytest.fixture
def staff(fes) -> dict[str, Any]:
    with schema_context("fes"):
        b = bureau()
        return {
            "bureau": b.pk,
            "agent": user_with("agent1", permissions.AGENT),
            "officer": officer_for(b),
            "chief": user_with("chief", permissions.CHIEF),
        }


def login(client: Client, host: str, username: str) -> Client:
    response = client.post("/login/", {"username": username, "password": PASSWORD}, HTTP_HOST=host)
    assert response.status_code == 302, response.content[:300]
    return client


def draft(staff: dict[str, Any], **overrides: Any) -> Act:
    with schema_context("fes"):
        return services.act_draft_create(
            actor=staff["agent"], bureau_id=staff["bureau"], kind="birth", year=YEAR, data=birth_input(**overrides)
        )


def signed(staff: dict[str, Any], **overrides: Any) -> Act:
    act = draft(staff, **overrides)
    with schema_context("fes"):
        return services.act_sign(officer=staff["officer"], act_id=act.pk, acknowledge_flags=True)


def html(response: Any) -> str:
    page = unescape(response.content.decode())
    assert "{#" not in page and "{%" not in page and "{{" not in page  # no template syntax leaks into pages
    return page


def in_fes(fn: Any) -> Any:
    with schema_context("fes"):
        return fn()


ENTRY = {
    "bureau": "",
    "kind": "birth",
    "year": str(YEAR),
    "given_name_ar": "سارة",
    "family_name_ar": "بناني",
    "father_name_ar": "محمد بناني",
    "mother_name_ar": "فاطمة العلوي",
    "place_ar": "فاس",
    "given_name_fr": "Sara",
    "family_name_fr": "Bennani",
    "father_name_fr": "Mohamed Bennani",
    "mother_name_fr": "Fatima El Alaoui",
    "place_fr": "Fès",
    "event_date": BORN.isoformat(),
    "event_time": "08:30",
    "sex": "F",
    "declarant_name": "محمد بناني",
    "declarant_age": "35",
    "declarant_relationship": "الأب",
    "declaration_type": "on_time",
}


# ------------------------------------------------------------------------------------------------ access


@pytest.mark.parametrize(
    "path",
    [
        "/etatcivil/",
        "/etatcivil/acts/new/",
        "/etatcivil/acts/search/",
        "/etatcivil/acts/1/?reason=x",
        "/etatcivil/acts/1/edit/",
        "/etatcivil/statistics/",
        "/etatcivil/documents/1/pdf/",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client: Client, fes, path: str) -> None:
    response = client.get(path, HTTP_HOST=fes.host)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/login/" and parse_qs(location.query)["next"] == [path]


def test_anonymous_post_to_sign_is_sent_to_the_login_page(client: Client, fes, staff) -> None:
    act = draft(staff)
    response = client.post(f"/etatcivil/acts/{act.pk}/sign/", {"reason": "x"}, HTTP_HOST=fes.host)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert in_fes(lambda: Act.objects.get(pk=act.pk).status) == "draft"


def test_users_outside_the_civil_registry_get_403(client: Client, fes, staff) -> None:
    in_fes(lambda: user_with("outsider"))  # in no civil-registry group
    login(client, fes.host, "outsider")
    for path in ("/etatcivil/", "/etatcivil/acts/new/", "/etatcivil/acts/search/", "/etatcivil/statistics/"):
        assert client.get(path, HTTP_HOST=fes.host).status_code == 403, path


# --------------------------------------------------------------------------------------------- dashboard


def test_dashboard_lists_registers_and_drafts(client: Client, fes, staff) -> None:
    waiting = draft(staff)
    signed(staff, given_name_ar="سارة", given_name_fr="Sara", sex="F")
    login(client, fes.host, "agent1")
    response = client.get("/etatcivil/", HTTP_HOST=fes.host)
    assert response.status_code == 200
    page = html(response)
    assert f'id="draft-{waiting.pk}"' in page and "يوسف العلوي" in page
    assert f'href="/etatcivil/acts/{waiting.pk}/"' in page and f'href="/etatcivil/acts/{waiting.pk}/edit/"' in page
    assert "سارة" not in page  # signed acts are not in the waiting list
    assert 'id="registers"' in page and f"<td>{YEAR}</td>" in page
    assert 'href="/etatcivil/acts/new/"' in page and 'href="/etatcivil/acts/search/"' in page
    assert 'href="/etatcivil/statistics/"' not in page  # an agent has no statistics
    assert "Registres" in page  # French by default


def test_dashboard_queries_do_not_grow_with_the_drafts(client: Client, fes, staff) -> None:
    draft(staff)
    login(client, fes.host, "agent1")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/etatcivil/", HTTP_HOST=fes.host).status_code == 200
    for _ in range(3):
        draft(staff)
    with CaptureQueriesContext(connection) as four:
        page = html(client.get("/etatcivil/", HTTP_HOST=fes.host))
    assert page.count('id="draft-') == 4
    assert len(four.captured_queries) == len(one.captured_queries)


# -------------------------------------------------------------------------------------------- entry form


def test_entry_form_puts_arabic_first_and_loads_the_transliteration_script(client: Client, fes, staff) -> None:
    login(client, fes.host, "agent1")
    response = client.get("/etatcivil/acts/new/", HTTP_HOST=fes.host)
    assert response.status_code == 200
    page = html(response)
    order = [page.index(f'id="id_{name}"') for name in ("bureau", "given_name_ar", "family_name_ar", "given_name_fr")]
    assert order == sorted(order)
    assert 'id="id_given_name_ar"' in page and 'lang="ar" dir="rtl"' in page
    assert 'data-translit-target="id_family_name_fr" data-translit-source="id_family_name_ar"' in page
    assert "/static/etatcivil/transliterate.js" in page and "cdn" not in page.lower()


def test_agent_drafts_a_birth_act_through_the_form(client: Client, fes, staff) -> None:
    login(client, fes.host, "agent1")
    response = client.post("/etatcivil/acts/new/", ENTRY | {"bureau": staff["bureau"]}, HTTP_HOST=fes.host)
    assert response.status_code == 302 and response["Location"] == "/etatcivil/#drafts"
    act = in_fes(lambda: Act.objects.select_related("register").get())
    assert (act.status, act.number, act.kind, act.register.year) == ("draft", None, "birth", YEAR)
    assert (act.given_name_ar, act.family_name_ar, act.given_name_fr, act.family_name_fr) == (
        "سارة",
        "بناني",
        "Sara",
        "Bennani",
    )
    assert (act.event_date, act.event_time, act.sex, act.declarant_age) == (BORN, dt.time(8, 30), "F", 35)
    assert act.drafted_by_id == staff["agent"].pk


def test_entry_form_shows_errors_next_to_the_fields_and_saves_nothing(client: Client, fes, staff) -> None:
    login(client, fes.host, "agent1")
    response = client.post(
        "/etatcivil/acts/new/",
        ENTRY | {"bureau": staff["bureau"], "given_name_ar": "", "declaration_type": "judgment"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 200
    page = html(response)
    assert 'id="form-errors"' in page
    assert 'name="given_name_ar"' in page and "is-invalid" in page
    assert "Ce champ est obligatoire." in page
    assert "Une déclaration par jugement cite le numéro du jugement." in page
    assert 'value="Bennani"' in page  # what was typed is kept
    assert in_fes(lambda: Act.objects.count()) == 0


def test_a_death_act_links_to_the_birth_act_by_number_and_year(client: Client, fes, staff) -> None:
    birth = signed(staff)
    login(client, fes.host, "agent1")
    death = ENTRY | {"bureau": staff["bureau"], "kind": "death", "birth_act_year": str(YEAR)}
    # an unknown birth act is refused next to its field
    response = client.post("/etatcivil/acts/new/", death | {"birth_act_number": "7"}, HTTP_HOST=fes.host)
    assert response.status_code == 200
    assert "Aucun acte de naissance signé unique ne porte ce numéro et cette année." in html(response)
    # a birth act cannot link to another
    response = client.post(
        "/etatcivil/acts/new/", death | {"kind": "birth", "birth_act_number": "1"}, HTTP_HOST=fes.host
    )
    assert "Seul un acte de décès renvoie à un acte de naissance." in html(response)
    assert in_fes(lambda: Act.objects.filter(status="draft").count()) == 0
    # the right one is linked
    response = client.post("/etatcivil/acts/new/", death | {"birth_act_number": "1"}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    act = in_fes(lambda: Act.objects.get(status="draft"))
    assert (act.kind, act.birth_act_id) == ("death", birth.pk)
    # and the draft's form shows the link again
    page = html(client.get(f"/etatcivil/acts/{act.pk}/edit/", HTTP_HOST=fes.host))
    assert 'name="birth_act_number" value="1"' in page and f'name="birth_act_year" value="{YEAR}"' in page


def test_a_service_refusal_is_shown_on_the_form(client: Client, fes, staff) -> None:
    # given a closed register
    with schema_context("fes"):
        register = services.register_get_or_create(bureau_id=staff["bureau"], kind="birth", year=YEAR)
        services.register_close(chief=staff["chief"], register_id=register.pk)
    login(client, fes.host, "agent1")
    response = client.post("/etatcivil/acts/new/", ENTRY | {"bureau": staff["bureau"]}, HTTP_HOST=fes.host)
    # then the form comes back with the service's message, and nothing was drafted
    assert response.status_code == 200
    assert "Ce registre est clôturé." in html(response)
    assert in_fes(lambda: Act.objects.count()) == 0


def test_agent_corrects_a_draft(client: Client, fes, staff) -> None:
    act = draft(staff, given_name_fr="Yousef")
    login(client, fes.host, "agent1")
    page = html(client.get(f"/etatcivil/acts/{act.pk}/edit/", HTTP_HOST=fes.host))
    assert 'value="Yousef"' in page and 'value="يوسف"' in page and 'name="bureau"' not in page
    response = client.post(
        f"/etatcivil/acts/{act.pk}/edit/",
        {k: v for k, v in ENTRY.items() if k not in ("bureau", "kind", "year")} | {"given_name_fr": "Youssef"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 302
    assert in_fes(lambda: Act.objects.get(pk=act.pk).given_name_fr) == "Youssef"
    # opening the draft showed its whole content: journalled
    assert in_fes(lambda: list(JournalEntry.objects.values_list("action", "reason"))) == [
        ("read.full", "Editing the draft"),
        ("read.full", "Editing the draft"),
    ]


def test_a_signed_act_cannot_be_edited(client: Client, fes, staff) -> None:
    act = signed(staff)
    login(client, fes.host, "agent1")
    response = client.get(f"/etatcivil/acts/{act.pk}/edit/", HTTP_HOST=fes.host)
    assert response.status_code == 302 and response["Location"] == f"/etatcivil/acts/{act.pk}/"
    response = client.post(f"/etatcivil/acts/{act.pk}/edit/", {**ENTRY, "given_name_ar": "x"}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    assert in_fes(lambda: Act.objects.get(pk=act.pk).given_name_ar) == "يوسف"


# ---------------------------------------------------------------------------------------------- review


def test_review_asks_why_before_showing_the_act_and_journals_the_read(client: Client, fes, staff) -> None:
    act = draft(staff)
    login(client, fes.host, "agent1")
    prompt = client.get(f"/etatcivil/acts/{act.pk}/", HTTP_HOST=fes.host)
    assert prompt.status_code == 200
    assert 'id="reason-form"' in html(prompt) and "العلوي" not in html(prompt)
    assert in_fes(lambda: JournalEntry.objects.count()) == 0
    response = client.get(f"/etatcivil/acts/{act.pk}/", {"reason": "contrôle du brouillon"}, HTTP_HOST=fes.host)
    assert response.status_code == 200
    page = html(response)
    assert "العلوي" in page and "El Alaoui" in page and "محمد العلوي" in page
    assert 'data-status="draft"' in page
    # an agent sees no sign button
    assert 'id="sign-form"' not in page and 'id="sign-refused"' in page
    assert in_fes(lambda: list(JournalEntry.objects.values_list("user_id", "action", "reason"))) == [
        (staff["agent"].pk, "read.full", "contrôle du brouillon")
    ]


def test_an_agent_cannot_sign(client: Client, fes, staff) -> None:
    act = draft(staff)
    login(client, fes.host, "agent1")
    response = client.post(f"/etatcivil/acts/{act.pk}/sign/", {"reason": "signature"}, HTTP_HOST=fes.host)
    assert response.status_code == 403
    assert "NOT_A_DELEGATED_OFFICER" in html(response)
    assert in_fes(lambda: Act.objects.get(pk=act.pk).status) == "draft"


def test_officer_signs_from_the_review_page(client: Client, fes, staff) -> None:
    act = draft(staff)
    login(client, fes.host, "officer")
    page = html(client.get(f"/etatcivil/acts/{act.pk}/", {"reason": "signature"}, HTTP_HOST=fes.host))
    assert 'id="sign-form"' in page and 'name="acknowledge_flags"' not in page  # no flag: no confirmation
    response = client.post(f"/etatcivil/acts/{act.pk}/sign/", {"reason": "signature"}, HTTP_HOST=fes.host)
    assert response.status_code == 302
    assert response["Location"] == f"/etatcivil/acts/{act.pk}/?reason=signature"
    signed_act = in_fes(lambda: Act.objects.get(pk=act.pk))
    assert (signed_act.status, signed_act.number, signed_act.signed_by_id) == ("signed", 1, staff["officer"].pk)
    page = html(client.get(response["Location"], HTTP_HOST=fes.host))
    assert f"1/{YEAR}" in page and "Acte signé" in page and 'id="note-form"' in page and 'id="document-form"' in page


def test_flagged_names_need_the_sign_anyway_box(client: Client, fes, staff) -> None:
    act = draft(staff, given_name_ar="مولاي يوسف", given_name_fr="Moulay Youssef")
    login(client, fes.host, "officer")
    # the review page warns about the title inside the name, and asks for a confirmation
    page = html(client.get(f"/etatcivil/acts/{act.pk}/", {"reason": "signature"}, HTTP_HOST=fes.host))
    assert 'id="naming-flags"' in page
    assert "Un titre (Moulay, Sidi, Lalla…) dans un nom" in page and "مولاي يوسف" in page
    assert 'name="acknowledge_flags"' in page
    # signing without ticking the box is refused next to the form
    response = client.post(f"/etatcivil/acts/{act.pk}/sign/", {"reason": "signature"}, HTTP_HOST=fes.host)
    assert response.status_code == 200
    page = html(response)
    assert "cochez « signer quand même »" in page and 'id="sign-form"' in page
    assert in_fes(lambda: Act.objects.get(pk=act.pk).status) == "draft"
    # ticking it signs
    response = client.post(
        f"/etatcivil/acts/{act.pk}/sign/", {"reason": "signature", "acknowledge_flags": "on"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302
    assert in_fes(lambda: (Act.objects.get(pk=act.pk).status, Act.objects.get(pk=act.pk).number)) == ("signed", 1)


def test_officer_adds_a_note_and_issues_a_document_with_its_pdf(client: Client, fes, staff) -> None:
    act = signed(staff)
    login(client, fes.host, "officer")
    # an incomplete note is refused next to its form
    incomplete = {
        "reason": "rectification",
        "kind": "rectification",
        "text_ar": "تصحيح",
        "authority": "",
        "document_number": "",
        "document_date": BORN.isoformat(),
    }
    response = client.post(f"/etatcivil/acts/{act.pk}/notes/", incomplete, HTTP_HOST=fes.host)
    assert response.status_code == 200 and 'id="note-form"' in html(response)
    assert in_fes(lambda: MarginalNote.objects.count()) == 0
    note = incomplete | {"authority": "Procureur du Roi", "document_number": "12/2026", "text_fr": "Rectification"}
    response = client.post(f"/etatcivil/acts/{act.pk}/notes/", note, HTTP_HOST=fes.host)
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    assert in_fes(lambda: list(MarginalNote.objects.values_list("kind", "text_ar", "authority"))) == [
        ("rectification", "تصحيح", "Procureur du Roi")
    ]
    # a death extract for a birth act is refused next to the form
    document = {
        "reason": "extrait",
        "kind": "death_extract",
        "requester_name": "Youssef El Alaoui",
        "requester_capacity": "intéressé",
        "fee_dh": "2.50",
    }
    response = client.post(f"/etatcivil/acts/{act.pk}/documents/", document, HTTP_HOST=fes.host)
    assert response.status_code == 200 and 'id="document-form"' in html(response)
    assert in_fes(lambda: IssuedDocument.objects.count()) == 0
    response = client.post(
        f"/etatcivil/acts/{act.pk}/documents/", document | {"kind": "birth_extract"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302
    issued = in_fes(lambda: IssuedDocument.objects.get())
    assert (issued.kind, issued.fee_dh, issued.officer_id) == ("birth_extract", Decimal("2.50"), staff["officer"].pk)
    assert parse_qs(urlsplit(response["Location"]).query) == {"reason": ["extrait"], "issued": [str(issued.pk)]}
    page = html(client.get(response["Location"], HTTP_HOST=fes.host))
    assert issued.verification_code in page and "تصحيح" in page
    assert f'href="/etatcivil/documents/{issued.pk}/pdf/"' in page
    assert f'href="/etatcivil/verify/{issued.verification_code}/"' in page
    pdf = client.get(f"/etatcivil/documents/{issued.pk}/pdf/", HTTP_HOST=fes.host)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_agent_cannot_add_notes_or_issue_documents(client: Client, fes, staff) -> None:
    act = signed(staff)
    login(client, fes.host, "agent1")
    page = html(client.get(f"/etatcivil/acts/{act.pk}/", {"reason": "consultation"}, HTTP_HOST=fes.host))
    assert 'id="note-form"' not in page and 'id="document-form"' not in page and 'id="officer-only"' in page
    note = {
        "reason": "x",
        "kind": "rectification",
        "text_ar": "تصحيح",
        "authority": "Procureur du Roi",
        "document_number": "12/2026",
        "document_date": BORN.isoformat(),
    }
    assert client.post(f"/etatcivil/acts/{act.pk}/notes/", note, HTTP_HOST=fes.host).status_code == 403
    document = {
        "reason": "x",
        "kind": "birth_extract",
        "requester_name": "Y",
        "requester_capacity": "intéressé",
        "fee_dh": "0",
    }
    assert client.post(f"/etatcivil/acts/{act.pk}/documents/", document, HTTP_HOST=fes.host).status_code == 403
    assert in_fes(lambda: (MarginalNote.objects.count(), IssuedDocument.objects.count())) == (0, 0)


def test_review_page_in_arabic(client: Client, fes, staff) -> None:
    act = signed(staff)
    login(client, fes.host, "officer")
    client.post("/language/", {"language": "ar", "next": "/"}, HTTP_HOST=fes.host)
    page = html(client.get(f"/etatcivil/acts/{act.pk}/", {"reason": "مراقبة"}, HTTP_HOST=fes.host))
    assert '<html lang="ar" dir="rtl">' in page
    assert "البيانات الهامشية" in page and "إضافة بيان هامشي" in page


# ---------------------------------------------------------------------------------------------- search


def test_search_by_name_highlights_the_matched_form(client: Client, fes, staff) -> None:
    act = signed(staff)
    signed(staff, given_name_ar="سارة", family_name_ar="بناني", given_name_fr="Sara", family_name_fr="Bennani")
    login(client, fes.host, "agent1")
    page = html(client.get("/etatcivil/acts/search/", {"q": "Youssef Alaoui"}, HTTP_HOST=fes.host))
    assert 'id="search-results"' in page
    assert f'data-act-id="{act.pk}"' in page and "Bennani" not in page
    assert "<mark>Youssef</mark> <mark>El Alaoui</mark>" in page
    page = html(client.get("/etatcivil/acts/search/", {"q": "يوسف العلوي", "kind": "birth"}, HTTP_HOST=fes.host))
    assert "<mark>يوسف</mark> <mark>العلوي</mark>" in page
    # filters: no death act of that name
    page = html(client.get("/etatcivil/acts/search/", {"q": "يوسف العلوي", "kind": "death"}, HTTP_HOST=fes.host))
    assert 'id="no-hit"' in page
    # a parent who does not match excludes the act
    page = html(
        client.get("/etatcivil/acts/search/", {"q": "Youssef Alaoui", "father": "Ahmed Tazi"}, HTTP_HOST=fes.host)
    )
    assert f'data-act-id="{act.pk}"' not in page


def test_exact_lookup_by_kind_year_and_number(client: Client, fes, staff) -> None:
    act = signed(staff)
    login(client, fes.host, "agent1")
    page = html(
        client.get("/etatcivil/acts/search/", {"n-kind": "birth", "n-year": YEAR, "n-number": 1}, HTTP_HOST=fes.host)
    )
    assert f'class="lookup-hit" data-act-id="{act.pk}"' in page
    page = html(
        client.get("/etatcivil/acts/search/", {"n-kind": "birth", "n-year": YEAR, "n-number": 2}, HTTP_HOST=fes.host)
    )
    assert 'id="no-lookup"' in page


# ------------------------------------------------------------------------------------------- statistics


def test_statistics_for_the_chief_and_officers_only(client: Client, fes, staff) -> None:
    act = signed(staff)
    with schema_context("fes"):
        services.document_issue(
            officer=staff["officer"],
            act_id=act.pk,
            kind="birth_extract",
            requester_name="Y",
            requester_capacity="intéressé",
            fee_dh=Decimal("5.00"),
        )
    login(client, fes.host, "agent1")
    assert client.get("/etatcivil/statistics/", HTTP_HOST=fes.host).status_code == 403
    for username in ("chief", "officer"):
        login(client, fes.host, username)
        response = client.get("/etatcivil/statistics/", {"year": YEAR}, HTTP_HOST=fes.host)
        assert response.status_code == 200, username
        page = html(response)
        assert f'<tr><td>{YEAR}</td><td>Naissance</td><td class="text-end">1</td></tr>' in page
        with translation.override("fr"):
            month = str(MONTHS[timezone.localdate().month]).capitalize()
        assert f'<th scope="row" class="fw-normal">{month}</th><td class="text-end">1</td>' in page
        assert '<th scope="row" class="fw-normal">Extrait d\'acte de naissance</th><td class="text-end">1</td>' in page
        assert 'id="fees-total">5.00<' in page or 'id="fees-total">5,00<' in page


# ------------------------------------------------------------------------------------------- isolation


def test_an_act_of_fes_is_404_on_meknes(client: Client, fes, meknes, staff) -> None:
    act = signed(staff)
    with schema_context("fes"):
        document = services.document_issue(
            officer=staff["officer"],
            act_id=act.pk,
            kind="birth_extract",
            requester_name="Y",
            requester_capacity="intéressé",
        )
    with schema_context("meknes"):
        meknes_bureau = bureau("M1")
        officer_for(meknes_bureau)
    login(client, meknes.host, "officer")
    for path in (
        f"/etatcivil/acts/{act.pk}/?reason=x",
        f"/etatcivil/acts/{act.pk}/edit/",
        f"/etatcivil/documents/{document.pk}/pdf/",
    ):
        assert client.get(path, HTTP_HOST=meknes.host).status_code == 404, path
    assert client.post(f"/etatcivil/acts/{act.pk}/sign/", {"reason": "x"}, HTTP_HOST=meknes.host).status_code == 404
    page = html(client.get("/etatcivil/acts/search/", {"q": "Youssef El Alaoui"}, HTTP_HOST=meknes.host))
    assert 'id="no-hit"' in page
    verify = Client().get(f"/etatcivil/verify/{document.verification_code}/", HTTP_HOST=meknes.host)
    assert verify.status_code == 404
