"""entry_create: an agent records an entry (audited); anyone else is refused and nothing changes."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.concours import exceptions, permissions, services
from jamaa.modules.concours.models import Entry
from jamaa.platform.core.models import AuditEvent

from ..factories import user_with

pytestmark = pytest.mark.django_db


def test_an_agent_records_an_entry(fes) -> None:
    with schema_context("fes"):
        # given an agent
        agent = user_with("agent_s1", permissions.AGENT)
        # when they record an entry
        entry = services.entry_create(actor=agent, title="  First entry ")
        # then it is stored, trimmed, and audited
        assert Entry.objects.get(pk=entry.pk).title == "First entry"
        event = AuditEvent.objects.get(action="concours.entry.created", target_id=str(entry.pk))
        assert event.actor_id == agent.pk and event.data == {"title": "First entry"}


def test_without_the_role_nothing_is_recorded(fes) -> None:
    with schema_context("fes"):
        outsider = user_with("outsider_s1")
        with pytest.raises(exceptions.NotAnAgent):
            services.entry_create(actor=outsider, title="Nope")
        assert Entry.objects.count() == 0


def test_an_empty_title_is_refused_with_its_field(fes) -> None:
    with schema_context("fes"):
        agent = user_with("agent_s2", permissions.AGENT)
        with pytest.raises(exceptions.EntryInvalid) as refused:
            services.entry_create(actor=agent, title="   ")
        assert list(refused.value.extra["fields"]) == ["title"]
        assert Entry.objects.count() == 0
