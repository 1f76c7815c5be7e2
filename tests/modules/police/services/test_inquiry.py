"""A 3rd class activity (a café) goes through its commodo-incommodo inquiry (at least 15 days, objections
recorded, closed not before its end) before the commission; a request is registered in the bureau d'ordre; a
refusal states its reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier.models import Mail
from jamaa.modules.police import exceptions, services
from jamaa.modules.police.models import Request

from ..factories import cafe, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _economic(people, cin: str) -> Request:
    establishment = cafe(people["agent"], cin=cin)
    return services.request_submit(
        actor=people["agent"],
        data=services.RequestInput(
            kind="economic", establishment_id=establishment.pk, period_start=TODAY, period_end=TODAY
        ),
    )


def test_a_request_is_registered_as_incoming_mail(fes) -> None:
    with schema_context("fes"):
        people = staff("q1")
        request = _economic(people, "C410001")
        mail = Mail.objects.select_related("correspondent", "mail_type").get(pk=request.mail_id)
        assert (mail.category, mail.reference, mail.mail_type.code) == ("incoming", request.mail_reference, "demande")
        assert (mail.correspondent.cin, mail.reply) == ("C410001", "expected")
        assert request.reference == f"DAE-{TODAY.year}/{request.number:06d}"


def test_a_third_class_activity_goes_through_its_inquiry(fes) -> None:
    with schema_context("fes"):
        people = staff("q2")
        request = _economic(people, "C410002")
        # the commission is refused before the inquiry
        with pytest.raises(exceptions.TransitionRefused):
            services.request_to_commission(actor=people["agent"], request_id=request.pk)
        # an inquiry shorter than 15 days is refused
        with pytest.raises(exceptions.Invalid):
            services.inquiry_open(
                actor=people["agent"], request_id=request.pk, opened_on=TODAY, closes_on=TODAY + dt.timedelta(days=5)
            )
        inquiry = services.inquiry_open(
            actor=people["agent"], request_id=request.pk, opened_on=TODAY, closes_on=TODAY + dt.timedelta(days=15)
        )
        services.objection_record(actor=people["agent"], request_id=request.pk, author="Voisin", text="Bruit le soir")
        # not closed before its end
        with pytest.raises(exceptions.TransitionRefused):
            services.inquiry_close(actor=people["agent"], request_id=request.pk, conclusion="Avis favorable")
        services.inquiry_close(
            actor=people["agent"],
            request_id=request.pk,
            conclusion="Une objection, horaires limités",
            on=TODAY + dt.timedelta(days=15),
        )
        inquiry.refresh_from_db()
        assert inquiry.closed_at is not None and [o.author for o in inquiry.objections.all()] == ["Voisin"]
        assert Request.objects.get(pk=request.pk).status == "commission"
        # an objection after the close is refused
        with pytest.raises(exceptions.TransitionRefused):
            services.objection_record(actor=people["agent"], request_id=request.pk, author="X", text="Y")


def test_avis_once_per_member_with_reasons_and_refusal_with_reasons(fes) -> None:
    with schema_context("fes"):
        people = staff("q3")
        request = _economic(people, "C410003")
        services.inquiry_open(
            actor=people["agent"],
            request_id=request.pk,
            opened_on=TODAY - dt.timedelta(days=20),
            closes_on=TODAY - dt.timedelta(days=2),
        )
        services.inquiry_close(actor=people["agent"], request_id=request.pk, conclusion="Sans objection")
        with pytest.raises(exceptions.Invalid):
            services.avis_record(
                actor=people["agent"],
                request_id=request.pk,
                member_name="Hygiène",
                member_service="BMH",
                opinion="unfavourable",
            )
        services.avis_record(
            actor=people["agent"],
            request_id=request.pk,
            member_name="Hygiène",
            member_service="BMH",
            opinion="unfavourable",
            remarks="Pas de hotte",
        )
        with pytest.raises(exceptions.Invalid):
            services.avis_record(
                actor=people["agent"],
                request_id=request.pk,
                member_name="Hygiène",
                member_service="BMH",
                opinion="favourable",
            )
        with pytest.raises(exceptions.Invalid):
            services.request_refuse(actor=people["decider"], request_id=request.pk, reason="  ")
        services.request_refuse(actor=people["decider"], request_id=request.pk, reason="Avis défavorable du BMH")
        refused = Request.objects.get(pk=request.pk)
        assert (refused.status, refused.decision_reason, refused.decided_by_id) == (
            "refused",
            "Avis défavorable du BMH",
            people["decider"].pk,
        )
        with pytest.raises(exceptions.TransitionRefused):
            services.request_refuse(actor=people["decider"], request_id=request.pk, reason="again")
