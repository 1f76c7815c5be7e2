"""Two officers signing at the same instant: consecutive numbers, no gap, no duplicate (real transactions)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import permissions, services
from jamaa.modules.etatcivil.models import Act, Register
from jamaa.platform.db_guards import chain_verify
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import birth_input, bureau, officer_for, user_with

SIGNERS = 8


@pytest.fixture
def scratch_commune(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """A committed commune of its own (signed acts can't be deleted: the schema is dropped at the end)."""
    with django_db_blocker.unblock():
        commune_create(slug="numbering", name_fr="Numbering", name_ar="ترقيم")
        yield "numbering"
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "numbering" CASCADE')
        Domain.objects.filter(tenant__slug="numbering").delete()
        Commune.objects.filter(slug="numbering").delete()


def test_concurrent_signatures_get_gapless_numbers(scratch_commune: str) -> None:
    with schema_context(scratch_commune):
        b = bureau()
        agent = user_with("agent", permissions.AGENT)
        officers = [officer_for(b, username=f"officer{i}") for i in range(SIGNERS)]
        drafts = [
            services.act_draft_create(actor=agent, bureau_id=b.pk, kind="birth", year=2026, data=birth_input())
            for _ in range(SIGNERS)
        ]
    barrier = threading.Barrier(SIGNERS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def sign(officer: Any, act_id: int) -> None:
        try:
            with schema_context(scratch_commune):
                barrier.wait(timeout=30)  # every officer presses "sign" at the same instant
                numbers.append(services.act_sign(officer=officer, act_id=act_id).number or 0)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(o, d.pk)) for o, d in zip(officers, drafts, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(numbers) == list(range(1, SIGNERS + 1))
    with schema_context(scratch_commune):
        register = Register.objects.get()
        assert register.last_number == SIGNERS
        assert sorted(Act.objects.values_list("number", flat=True)) == list(range(1, SIGNERS + 1))
        # and the tamper-evidence chain, sealed as the commits came, is whole: one link per act, in order
        assert sorted(Act.objects.values_list("chain_seq", flat=True)) == list(range(1, SIGNERS + 1))
        report = chain_verify()
        assert report.broken is None and report.tables["etatcivil_act"] == SIGNERS
