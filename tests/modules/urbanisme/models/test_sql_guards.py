"""The database refuses what the services refuse, whoever connects: every status change outside the allowed table,
a decision without its arrêté, a delivery without the quittance, deleting or renumbering a dossier, changing a
recorded avis, a held sitting's minutes, or any append-only row."""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.urbanisme import selectors, services
from jamaa.modules.urbanisme.models import ALLOWED_TRANSITIONS, Dossier, Status

from ..factories import agent, deposit

pytestmark = pytest.mark.django_db
GUARDS = importlib.import_module("jamaa.modules.urbanisme.migrations.0002_guards_reference")


def _refused(sql: str, params: list[Any]) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError:
        return True
    return False


def _row(actor: Any, status: str, number: int) -> Dossier:
    """A dossier inserted straight in a status (INSERT is not a transition), with what its CHECKs need."""
    today = timezone.localdate()
    decided = status in ("signed", "refused", "delivered", "certified")
    return Dossier.objects.create(
        kind="construire",
        year=today.year,
        number=number,
        code=f"T{number:09d}",
        status=status,
        subject="x",
        petitioner_kind="person",
        petitioner_name="X",
        petitioner_cin="A1",
        size="small",
        delay_days=10,
        deposited_on=today,
        deposited_at=timezone.now(),
        deposited_by=actor,
        clock_stopped_on=today if status == "incomplete" else None,
        due_on=None if status == "incomplete" else today,
        decided_on=today if decided else None,
        delivered_on=today if status in ("delivered", "certified") else None,
        tax_dh=Decimal("0") if status in ("delivered", "certified") else None,
    )


def test_the_trigger_holds_the_same_table_as_the_code() -> None:
    in_sql = set(GUARDS.TRANSITIONS)
    in_code = {(a, b) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert in_sql == in_code


def test_every_illegal_transition_is_refused_in_sql(fes) -> None:
    with schema_context("fes"):
        a = agent()
        rows = {s: _row(a, s, 1000 + i) for i, s in enumerate(Status.values)}
        tried = 0
        for source, row in rows.items():
            for target in Status.values:
                if target == source or target in ALLOWED_TRANSITIONS[source]:
                    continue
                tried += 1
                assert _refused("UPDATE urbanisme_dossier SET status = %s WHERE id = %s", [target, row.pk]), (
                    source,
                    target,
                )
        assert tried == 12 * 11 - 21
        # and a legal move still passes the trigger (here: deposited → instruction)
        assert not _refused("UPDATE urbanisme_dossier SET status = 'instruction' WHERE id = %s", [rows["deposited"].pk])


def test_a_decision_needs_its_arrete_and_a_delivery_its_quittance(fes) -> None:
    with schema_context("fes"):
        a = agent()
        favourable = _row(a, "favourable", 2001)
        assert _refused(
            "UPDATE urbanisme_dossier SET status = 'signed', decided_on = current_date WHERE id = %s", [favourable.pk]
        )
        signed = _row(a, "signed", 2002)
        signed.tax_dh = Decimal("100")
        signed.save(update_fields=["tax_dh"])
        assert _refused(
            "UPDATE urbanisme_dossier SET status = 'delivered', delivered_on = current_date WHERE id = %s",
            [signed.pk],
        )
        assert not _refused(
            "UPDATE urbanisme_dossier SET status = 'delivered', delivered_on = current_date, "
            "tax_quittance = '2026/A/000001' WHERE id = %s",
            [signed.pk],
        )
        assert _refused("UPDATE urbanisme_dossier SET tax_quittance = 'other' WHERE id = %s", [signed.pk])


def test_a_dossier_is_never_deleted_nor_renumbered_and_history_is_append_only(fes) -> None:
    with schema_context("fes"):
        a = agent()
        d = deposit(a)
        assert _refused("DELETE FROM urbanisme_dossier WHERE id = %s", [d.pk])
        assert _refused("UPDATE urbanisme_dossier SET number = 99 WHERE id = %s", [d.pk])
        assert _refused("UPDATE urbanisme_dossier SET deposited_on = deposited_on - 1 WHERE id = %s", [d.pk])
        for table in ("urbanisme_event", "urbanisme_piecereceipt"):
            assert _refused(f"DELETE FROM {table} WHERE dossier_id = %s", [d.pk])  # noqa: S608
            assert _refused(f"UPDATE {table} SET by_id = by_id WHERE dossier_id = %s", [d.pk])  # noqa: S608
        assert _refused("TRUNCATE urbanisme_event", [])


def test_an_avis_is_written_once_and_held_minutes_are_final(fes) -> None:
    with schema_context("fes"):
        a = agent()
        d = deposit(a)
        services.dossier_instruct(actor=a, dossier_id=d.pk)
        service = selectors.services_list()[0]
        c = services.consultation_send(actor=a, dossier_id=d.pk, service_id=service.pk)
        services.consultation_return(actor=a, consultation_id=c.pk, avis="favourable")
        assert _refused("UPDATE urbanisme_consultation SET avis = 'unfavourable' WHERE id = %s", [c.pk])
        sitting = services.sitting_create(actor=a, day=timezone.localdate())
        item = services.sitting_add(actor=a, sitting_id=sitting.pk, dossier_id=d.pk)
        services.sitting_avis(actor=a, item_id=item.pk, avis="favourable")
        assert _refused("UPDATE urbanisme_sittingitem SET avis = 'adjourned' WHERE id = %s", [item.pk])
        services.sitting_hold(actor=a, sitting_id=sitting.pk, members_present="M. le Président")
        assert _refused("UPDATE urbanisme_sitting SET place = 'ailleurs' WHERE id = %s", [sitting.pk])
        other = deposit(a)
        services.dossier_instruct(actor=a, dossier_id=other.pk)
        assert _refused(
            "INSERT INTO urbanisme_sittingitem (sitting_id, dossier_id, position, avis, avis_note) "
            "VALUES (%s, %s, 9, '', '')",
            [sitting.pk, other.pk],
        )
