"""A concours from announcement to appointment through the services: applications numbered 1, 2, 3 (a duplicate CIN
refused, also by the database's unique index), screening with a reason (one ineligible, one refused for age),
convocations with anonymous codes and seats, written marks by code (a third corrector on a gap), the oral, the
final lists published as a locked version, and an appointment that opens the agent in RH with its arrêté."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.concours import exceptions, selectors, services
from jamaa.modules.concours.models import Candidature, Mark, ResultEntry
from jamaa.modules.rh import selectors as rh_selectors

from ..factories import announced, apply, manager, to_stage, user_with

pytestmark = pytest.mark.django_db


def test_from_announcement_to_appointment(fes) -> None:
    with schema_context("fes"):
        actor = manager()
        k = announced(actor, posts=1)
        assert [r.id for r in selectors.concours_announced()] == [k.pk]
        # applications only once open
        with pytest.raises(exceptions.WrongStage):
            apply(actor, k.pk, "C1", "Amal")
        to_stage(actor, k.pk, "open")
        a = apply(actor, k.pk, "c1", "Amal")
        b = apply(actor, k.pk, "C2", "Badr", born=dt.date(1993, 5, 5))
        c = apply(actor, k.pk, "C3", "Chama")
        old = apply(actor, k.pk, "C4", "Driss", born=dt.date(1970, 1, 1))
        assert [x.number for x in (a, b, c, old)] == [1, 2, 3, 4]
        with pytest.raises(exceptions.DuplicateApplication):
            apply(actor, k.pk, "C1", "Amal bis")
        assert Candidature.objects.filter(concours=k).count() == 4
        # screening
        to_stage(actor, k.pk, "screening")
        with pytest.raises(exceptions.NotScreened):
            services.convocations_issue(actor=actor, concours_id=k.pk, centre="Lycée Moulay Idriss")
        services.application_screen(actor=actor, candidature_id=a.pk, eligible=True)
        services.application_screen(actor=actor, candidature_id=b.pk, eligible=True)
        with pytest.raises(exceptions.ApplicationInvalid):
            services.application_screen(actor=actor, candidature_id=c.pk, eligible=False)
        services.application_screen(actor=actor, candidature_id=c.pk, eligible=False, reason="Diplôme non requis")
        with pytest.raises(exceptions.ApplicationInvalid):
            services.application_screen(actor=actor, candidature_id=old.pk, eligible=True)
        services.application_screen(actor=actor, candidature_id=old.pk, eligible=False, reason="Âge : 56 ans")
        with pytest.raises(exceptions.AlreadyScreened):
            services.application_screen(actor=actor, candidature_id=a.pk, eligible=False, reason="x")
        # convocations: codes and seats for the two eligible ones only
        services.convocations_issue(actor=actor, concours_id=k.pk, centre="Lycée Moulay Idriss", room_size=1)
        a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
        assert (a.room, a.seat, b.room, b.seat) == ("1", 1, "2", 1)
        assert len(a.anonymous_code) == 6 and a.anonymous_code != b.anonymous_code and c.anonymous_code == ""
        # written marks by anonymous code; a gap needs a third corrector
        to_stage(actor, k.pk, "written")
        for code, corrector, score in [(a.anonymous_code, 1, 14), (a.anonymous_code, 2, 16), (b.anonymous_code, 1, 8)]:
            services.written_mark_enter(actor=actor, concours_id=k.pk, code=code, corrector=corrector, score=D(score))
        with pytest.raises(exceptions.MarkInvalid):
            services.written_mark_enter(actor=actor, concours_id=k.pk, code=a.anonymous_code, corrector=3, score=D(1))
        services.written_mark_enter(actor=actor, concours_id=k.pk, code=b.anonymous_code, corrector=2, score=D(15))
        with pytest.raises(exceptions.MarksMissing):
            services.concours_advance(actor=actor, concours_id=k.pk)
        services.written_mark_enter(actor=actor, concours_id=k.pk, code=b.anonymous_code, corrector=3, score=D(14))
        services.concours_advance(actor=actor, concours_id=k.pk)
        # the written marks are locked now: the database refuses one more
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO concours_mark (candidature_id, paper, corrector, score, entered_by_id, entered_at) "
                "VALUES (%s, 'written', 3, 20, %s, now())",
                [a.pk, actor.pk],
            )
        # the oral, then the lists: 1 post, so Amal (15, 12 → 13.5) main, Badr (14.5, 11 → 12.75) waiting
        services.oral_mark_enter(actor=actor, candidature_id=a.pk, score=D(12))
        services.oral_mark_enter(actor=actor, candidature_id=b.pk, score=D(11))
        with pytest.raises(exceptions.MarkInvalid):
            services.oral_mark_enter(actor=actor, candidature_id=c.pk, score=D(11))
        result = services.results_publish(actor=actor, concours_id=k.pk)
        published = selectors.results_published(concours_id=k.pk)
        assert published is not None and published.version == 1
        assert [(x.number, x.total) for x in published.main] == [(1, D("13.50"))]
        assert [(x.number, x.total) for x in published.waiting] == [(2, D("12.75"))]
        # the waiting candidate cannot be appointed; the laureate is, once, and becomes an agent in RH
        with pytest.raises(exceptions.NotALaureate):
            services.appointment_make(actor=actor, candidature_id=b.pk)
        appointment = services.appointment_make(actor=actor, candidature_id=a.pk, recruited_on=dt.date(2026, 4, 1))
        with pytest.raises(exceptions.AlreadyAppointed):
            services.appointment_make(actor=actor, candidature_id=a.pk)
        agent = rh_selectors.agent_get(viewer=actor, agent_id=appointment.agent_id)
        assert agent.agent.cin == "C1" and agent.agent.grade_code == "technicien-3" and agent.agent.echelon == 1
        assert agent.acts[0].kind == "recruitment" and "concours" in agent.acts[0].object_fr
        assert [b_.remaining for b_ in agent.balances if b_.year == 2026] == [22]
        assert selectors.concours_get(viewer=actor, concours_id=k.pk).concours.status == "appointments"
        # a published list cannot change: its lines are append-only, and no line is added to it later
        line = ResultEntry.objects.filter(result_list=result).first()
        assert line is not None
        for statement, params in [
            ("UPDATE concours_resultentry SET rank = 9 WHERE id = %s", [line.pk]),
            ("DELETE FROM concours_resultentry WHERE id = %s", [line.pk]),
            ("UPDATE concours_resultlist SET valid_until = '2030-01-01' WHERE id = %s", [result.pk]),
            (
                "INSERT INTO concours_resultentry (result_list_id, candidature_id, kind, rank, seat_quota, written, "
                "oral, total) VALUES (%s, %s, 'main', 2, 'general', 20, 20, 20)",
                [result.pk, b.pk],
            ),
        ]:
            with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement, params)
        assert ResultEntry.objects.filter(result_list=result).count() == 2
        assert Mark.objects.filter(candidature__concours=k).count() == 7


def test_a_duplicate_cin_is_refused_by_the_database_too(fes) -> None:
    with schema_context("fes"):
        actor = manager()
        k = announced(actor)
        to_stage(actor, k.pk, "open")
        a = apply(actor, k.pk, "DUP1", "Amal")
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO concours_candidature (concours_id, number, cin, first_name_fr, last_name_fr, "
                "first_name_ar, last_name_ar, birth_date, diploma, email, phone, quota, eligibility_reason, "
                "anonymous_code, room, centre, convocation_code, registered_by_id, registered_at) VALUES "
                "(%s, 99, 'DUP1', 'x', 'x', 'x', 'x', '1990-01-01', 'x', '', '', 'general', '', '', '', '', '', "
                "%s, now())",
                [k.pk, actor.pk],
            )
        assert Candidature.objects.filter(concours=k).count() == 1 and a.number == 1


def test_states_move_one_step_forward_only_and_roles_are_checked(fes) -> None:
    with schema_context("fes"):
        actor = manager()
        k = announced(actor)
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE concours_concours SET status = 'final' WHERE id = %s", [k.pk])
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM concours_concours WHERE id = %s", [k.pk])
        with pytest.raises(exceptions.NotAManager):
            services.concours_advance(actor=user_with("nobody_cc"), concours_id=k.pk)
        assert selectors.concours_get(viewer=actor, concours_id=k.pk).concours.status == "announced"


def test_the_triggers_order_is_the_models() -> None:
    from jamaa.modules.concours.migrations import __path__ as folder
    from jamaa.modules.concours.models import ORDER

    text = open(f"{folder[0]}/0002_guards.py", encoding="utf-8").read()
    start = text.index("steps text[] := ARRAY[")
    listed = text[start : text.index("];", start)]
    import re

    assert re.findall(r"'(\w+)'", listed) == ORDER
