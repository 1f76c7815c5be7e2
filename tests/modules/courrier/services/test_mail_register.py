"""mail_register: a clerk registers a letter; its number is the next of (category, year), its limit date comes from
the type's delay, it is audited; anyone else, or bad input, is refused and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import exceptions, services
from jamaa.modules.courrier.models import Correspondent, Mail
from jamaa.platform.core.models import AuditEvent

from ..factories import clerk, incoming, user_with

pytestmark = pytest.mark.django_db


def test_numbers_run_per_category_and_limit_date_follows_the_type(fes) -> None:
    with schema_context("fes"):
        # given a clerk
        c = clerk()
        today = timezone.localdate()
        # when they register two incoming letters and one outgoing
        first = incoming(c, mail_type_code="reclamation", reply_expected=True)
        second = incoming(c, "Autre demande", cin="ab123456")
        out = services.mail_register(
            actor=c,
            data=services.MailInput(
                category="outgoing", subject="Convocation", correspondent_id=first.correspondent_id
            ),
        )
        # then the numbers are 1, 2 (incoming) and 1 (outgoing) of this year
        assert [(m.category, m.year, m.number) for m in (first, second, out)] == [
            ("incoming", today.year, 1),
            ("incoming", today.year, 2),
            ("outgoing", today.year, 1),
        ]
        assert first.reference == f"A-{today.year}/000001" and out.reference == f"D-{today.year}/000001"
        # a réclamation has 60 days; the arrival date is today; not routed yet: to qualify
        assert first.arrival_date == today and first.limit_date == today + dt.timedelta(days=60)
        assert first.status == "to_qualify" and first.reply == "expected"
        # the same CIN (any case) is the same correspondent
        assert Correspondent.objects.count() == 1 and second.correspondent_id == first.correspondent_id
        event = AuditEvent.objects.get(action="courrier.mail.registered", target_id=str(first.pk))
        assert event.actor_id == c.pk and event.data["reference"] == first.reference


def test_without_the_clerk_role_nothing_is_registered(fes) -> None:
    with schema_context("fes"):
        with pytest.raises(exceptions.NotAClerk):
            incoming(user_with("nobody"))
        assert Mail.objects.count() == 0


@pytest.mark.parametrize(
    ("correspondent", "field"),
    [
        (services.CorrespondentInput(kind="person", name="Sans CIN"), "cin"),
        (services.CorrespondentInput(kind="company", name="Sarl", ice="12345"), "ice"),
        (
            services.CorrespondentInput(kind="administration", name="", administration_code="nope"),
            "administration_code",
        ),
    ],
)
def test_a_bad_correspondent_is_refused_with_its_field(fes, correspondent, field) -> None:
    with schema_context("fes"):
        c = clerk()
        with pytest.raises(exceptions.CorrespondentInvalid) as refused:
            services.mail_register(
                actor=c, data=services.MailInput(category="incoming", subject="X", correspondent=correspondent)
            )
        assert field in refused.value.extra["fields"]
        assert Mail.objects.count() == 0 and Correspondent.objects.count() == 0


def test_a_refused_registration_leaves_no_gap(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        incoming(c)
        with pytest.raises(exceptions.MailInvalid):
            incoming(c, subject="   ")
        assert incoming(c, "Suite").number == 2


def test_an_administration_of_the_list(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        mail = services.mail_register(
            actor=c,
            data=services.MailInput(
                category="incoming",
                subject="Circulaire",
                mail_type_code="information",
                correspondent=services.CorrespondentInput(kind="administration", name="", administration_code="dgi"),
            ),
        )
        assert mail.correspondent.name == "Direction générale des impôts"
        assert mail.limit_date == mail.arrival_date + dt.timedelta(days=15)
