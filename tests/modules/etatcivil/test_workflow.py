"""Draft → sign → amend by notes → issue: numbering, permissions, naming rules, journal, outbox."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import exceptions, permissions, services
from jamaa.modules.etatcivil.models import Act, JournalEntry, MarginalNote, NoteKind, OutboxItem, Register

from .factories import birth_input, bureau, officer_for, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(fes):
    with schema_context("fes"):
        b = bureau()
        yield {
            "bureau": b,
            "agent": user_with("agent1", permissions.AGENT),
            "officer": officer_for(b),
            "chief": user_with("chief", permissions.CHIEF),
        }


def draft(staff, **overrides) -> Act:
    return services.act_draft_create(
        actor=staff["agent"], bureau_id=staff["bureau"].pk, kind="birth", year=2026, data=birth_input(**overrides)
    )


def test_numbers_are_assigned_at_signing_in_order(staff) -> None:
    first, second = draft(staff), draft(staff, given_name_ar="سارة", given_name_fr="Sara", sex="F")
    assert first.number is None and first.status == "draft"
    # signing the second first gives it number 1: the number belongs to the signature
    assert services.act_sign(officer=staff["officer"], act_id=second.pk).number == 1
    assert services.act_sign(officer=staff["officer"], act_id=first.pk).number == 2
    assert Register.objects.get(pk=first.register_id).last_number == 2
    # a death register of the same year counts on its own
    death = services.act_draft_create(
        actor=staff["agent"], bureau_id=staff["bureau"].pk, kind="death", year=2026, data=birth_input()
    )
    assert services.act_sign(officer=staff["officer"], act_id=death.pk).number == 1


def test_only_a_delegated_officer_signs(staff) -> None:
    act = draft(staff)
    with pytest.raises(exceptions.NotAnOfficer):
        services.act_sign(officer=staff["agent"], act_id=act.pk)
    other_bureau_officer = officer_for(bureau("B2"), username="elsewhere")
    with pytest.raises(exceptions.NotAnOfficer):
        services.act_sign(officer=other_bureau_officer, act_id=act.pk)
    outsider = user_with("outsider")
    with pytest.raises(exceptions.NotAnAgent):
        services.act_draft_create(
            actor=outsider, bureau_id=staff["bureau"].pk, kind="birth", year=2026, data=birth_input()
        )
    assert Act.objects.get(pk=act.pk).status == "draft"


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        ({"given_name_fr": "Moulay Ahmed"}, "title"),
        ({"given_name_ar": "سيدي محمد"}, "title"),
        ({"given_name_fr": "Amine Karim Youssef"}, "too_many_given_names"),
        ({"family_name_fr": "Alaoui 2"}, "digits"),
    ],
)
def test_naming_rules_are_flagged_before_signing(staff, overrides, rule) -> None:
    act = draft(staff, **overrides)
    with pytest.raises(exceptions.NamingRulesFlagged) as excinfo:
        services.act_sign(officer=staff["officer"], act_id=act.pk)
    assert rule in {f["rule"] for f in excinfo.value.extra["flags"]}
    assert Act.objects.get(pk=act.pk).number is None
    # the officer may still sign knowingly; the flags are audited
    assert services.act_sign(officer=staff["officer"], act_id=act.pk, acknowledge_flags=True).number == 1


def test_a_signed_act_is_changed_only_by_notes(staff) -> None:
    act = services.act_sign(officer=staff["officer"], act_id=draft(staff).pk)
    with pytest.raises(exceptions.ActNotEditable):
        services.act_draft_update(actor=staff["agent"], act_id=act.pk, data=birth_input(given_name_fr="Yusuf"))
    note = services.note_add(
        officer=staff["officer"],
        act_id=act.pk,
        kind=NoteKind.RECTIFICATION,
        text_ar="صحح الاسم الشخصي بالحروف اللاتينية: Youssef",
        text_fr="Rectification de l'orthographe latine",
        authority="Procureur du Roi, Fès",
        document_number="345/2026",
        document_date=dt.date(2026, 4, 1),
    )
    assert [n.pk for n in MarginalNote.objects.filter(act=act)] == [note.pk]
    assert OutboxItem.objects.filter(act=act).count() == 2  # the act, then its note
    with pytest.raises(exceptions.InvalidAct):
        services.note_add(
            officer=staff["officer"],
            act_id=act.pk,
            kind=NoteKind.MARRIAGE,
            text_ar="زواج",
            text_fr="",
            authority="",
            document_number="",
            document_date=dt.date(2026, 4, 1),
        )


def test_death_act_adds_the_death_note_to_the_birth_act(staff) -> None:
    birth = services.act_sign(officer=staff["officer"], act_id=draft(staff).pk)
    death = services.act_draft_create(
        actor=staff["agent"],
        bureau_id=staff["bureau"].pk,
        kind="death",
        year=2026,
        data=birth_input(event_date=dt.date(2026, 5, 2), birth_act_id=birth.pk),
    )
    services.act_sign(officer=staff["officer"], act_id=death.pk)
    note = MarginalNote.objects.get(act=birth)
    assert note.kind == NoteKind.DEATH and "1/2026" in note.text_fr


def test_documents_and_full_reads_are_journalled(staff) -> None:
    act = services.act_sign(officer=staff["officer"], act_id=draft(staff).pk)
    doc = services.document_issue(
        officer=staff["officer"],
        act_id=act.pk,
        kind="birth_extract",
        requester_name="Youssef El Alaoui",
        requester_capacity="intéressé",
        fee_dh=Decimal("0"),
    )
    assert len(doc.verification_code) == 14
    with pytest.raises(exceptions.DocumentNotAllowed):
        services.document_issue(
            officer=staff["officer"], act_id=act.pk, kind="death_extract", requester_name="x", requester_capacity="y"
        )
    with pytest.raises(exceptions.InvalidAct):
        services.act_full_read(user=staff["agent"], act_id=act.pk, reason=" ")
    services.act_full_read(user=staff["agent"], act_id=act.pk, reason="demande de la CNSS")
    entries = list(
        JournalEntry.objects.filter(act=act).order_by("id").values_list("user__username", "action", "reason")
    )
    assert entries == [
        ("officer", "document.birth_extract", "intéressé: Youssef El Alaoui"),
        ("agent1", "read.full", "demande de la CNSS"),
    ]


def test_the_database_refuses_changes_to_signed_records(staff) -> None:
    act = services.act_sign(officer=staff["officer"], act_id=draft(staff).pk)
    note = services.note_add(
        officer=staff["officer"],
        act_id=act.pk,
        kind=NoteKind.MARRIAGE,
        text_ar="تزوج",
        text_fr="Marié",
        authority="Adoul",
        document_number="9",
        document_date=dt.date(2026, 6, 1),
    )
    statements = [
        f"UPDATE etatcivil_act SET given_name_ar = 'غيره' WHERE id = {act.pk}",
        f"DELETE FROM etatcivil_act WHERE id = {act.pk}",
        f"UPDATE etatcivil_marginalnote SET text_ar = 'x' WHERE id = {note.pk}",
        f"DELETE FROM etatcivil_marginalnote WHERE id = {note.pk}",
        "UPDATE etatcivil_journalentry SET reason = 'x'",
        f"UPDATE etatcivil_register SET last_number = 0 WHERE id = {act.register_id}",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = fes, public")
        services.act_full_read(user=staff["agent"], act_id=act.pk, reason="audit")
        for sql in statements:
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql)
        # the one change a note accepts: the court's notification date, once
        cursor.execute(f"UPDATE etatcivil_marginalnote SET court_notified_on = '2026-06-02' WHERE id = {note.pk}")
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute(f"UPDATE etatcivil_marginalnote SET court_notified_on = '2026-06-03' WHERE id = {note.pk}")
        # a draft is still a draft: editable and deletable
        d = draft(staff)
        cursor.execute(f"UPDATE etatcivil_act SET place_fr = 'Sefrou' WHERE id = {d.pk}")
        cursor.execute(f"DELETE FROM etatcivil_act WHERE id = {d.pk}")
    assert Act.objects.get(pk=act.pk).given_name_ar == "يوسف"
