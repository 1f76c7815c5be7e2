"""inspection_record / sanction_impose: an inspector finds 30 m² in use on a 24 m² terrace: the PV (numbered per
year) is non-compliant whatever was ticked, with its GPS point and photo; a warning by the inspector; a closure
only by the decision maker, and it suspends the authorisation; the outcome is recorded once."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from jamaa.modules.police import exceptions, services
from jamaa.modules.police.models import Authorisation, Inspection, Sanction
from jamaa.platform.kernel import files

from ..factories import granted_terrace, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


def test_thirty_square_metres_on_a_terrace_of_twenty_four(fes) -> None:
    with schema_context("fes"):
        people = staff("in1")
        authorisation = granted_terrace(people, cin="C510001")
        inspection = services.inspection_record(
            actor=people["inspector"],
            data=services.InspectionInput(
                establishment_id=authorisation.establishment_id,
                authorisation_id=authorisation.pk,
                findings="Terrasse étendue sur le trottoir",
                compliant=True,
                measured_surface_m2=Decimal("30"),
                latitude=Decimal("34.064"),
                longitude=Decimal("-4.973"),
            ),
            photos=(services.PhotoInput(name="t.jpg", content=jpeg()),),
        )
        assert inspection.compliant is False and inspection.reference == f"PV-{TODAY.year}/{inspection.number:06d}"
        photo = inspection.photos.get()
        assert files.tenant_read(photo.file_name) == jpeg() or photo.content_type == "image/jpeg"
        warning = services.sanction_impose(
            actor=people["inspector"],
            inspection_id=inspection.pk,
            kind="warning",
            reason="Ramener la terrasse à 24 m²",
            deadline=TODAY + dt.timedelta(days=8),
        )
        assert (warning.kind, warning.amount_dh, warning.outcome) == ("warning", None, "")
        # a closure is the decision maker's, and suspends the authorisation
        with pytest.raises(exceptions.NotADecisionMaker):
            services.sanction_impose(
                actor=people["inspector"],
                inspection_id=inspection.pk,
                kind="closure",
                reason="r",
                deadline=TODAY,
                decision="A-1",
            )
        services.sanction_impose(
            actor=people["decider"],
            inspection_id=inspection.pk,
            kind="closure",
            reason="Récidive",
            deadline=TODAY + dt.timedelta(days=3),
            decision="Arrêté 12/2026",
        )
        assert Authorisation.objects.get(pk=authorisation.pk).status == "suspended"
        # the outcome once
        services.sanction_resolve(actor=people["inspector"], sanction_id=warning.pk, outcome="complied")
        with pytest.raises(exceptions.TransitionRefused):
            services.sanction_resolve(actor=people["inspector"], sanction_id=warning.pk, outcome="not_complied")
        assert Sanction.objects.get(pk=warning.pk).outcome == "complied"


def test_refusals_leave_nothing(fes) -> None:
    with schema_context("fes"):
        people = staff("in2")
        authorisation = granted_terrace(people, cin="C510002")
        data = services.InspectionInput(establishment_id=authorisation.establishment_id, findings="x", compliant=True)
        with pytest.raises(exceptions.NotAnInspector):
            services.inspection_record(actor=people["agent"], data=data)
        with pytest.raises(exceptions.Invalid):
            services.inspection_record(
                actor=people["inspector"], data=data, photos=(services.PhotoInput(name="x.pdf", content=b"%PDF"),)
            )
        with pytest.raises(exceptions.Invalid):
            services.inspection_record(
                actor=people["inspector"],
                data=services.InspectionInput(
                    establishment_id=authorisation.establishment_id,
                    findings="x",
                    compliant=True,
                    latitude=Decimal("34"),
                ),
            )
        assert Inspection.objects.filter(establishment_id=authorisation.establishment_id).count() == 0
        inspection = services.inspection_record(actor=people["inspector"], data=data)
        with pytest.raises(exceptions.Invalid):
            services.sanction_impose(
                actor=people["decider"], inspection_id=inspection.pk, kind="fine", reason="r", deadline=TODAY
            )
        assert Sanction.objects.filter(inspection=inspection).count() == 0
