"""register_in_force: the public register lists the authorisations in force today, without identifiers; a
suspended one leaves it and comes back when reinstated; a withdrawn one leaves it for good (and its bien stops
owing in the régie)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.police import exceptions, selectors, services
from jamaa.modules.regie.models import Asset

from ..factories import granted_terrace, staff

pytestmark = pytest.mark.django_db


def test_the_register_follows_suspension_reinstatement_and_withdrawal(fes) -> None:
    with schema_context("fes"):
        people = staff("reg1")
        authorisation = granted_terrace(people, cin="C920001")

        def listed() -> bool:
            return authorisation.reference in {r.reference for r in selectors.register_in_force()}

        row = next(r for r in selectors.register_in_force() if r.reference == authorisation.reference)
        assert (row.holder, row.kind, str(row.surface_m2)) == ("Mohamed Bennani", "occupation", "24.00")
        assert "C920001" not in repr(row)
        decide = services.authorisation_decide
        decide(
            actor=people["decider"],
            authorisation_id=authorisation.pk,
            to_status="suspended",
            reason="Terrasse non conforme",
            decision="Arrêté 7/2026",
        )
        assert not listed()
        with pytest.raises(exceptions.Invalid):
            decide(
                actor=people["decider"], authorisation_id=authorisation.pk, to_status="active", reason="", decision=""
            )
        decide(
            actor=people["decider"],
            authorisation_id=authorisation.pk,
            to_status="active",
            reason="Mise en conformité",
            decision="Arrêté 8/2026",
        )
        assert listed()
        decide(
            actor=people["decider"],
            authorisation_id=authorisation.pk,
            to_status="withdrawn",
            reason="Récidive",
            decision="Arrêté 9/2026",
        )
        assert not listed()
        assert Asset.objects.get(pk=authorisation.regie_asset_id).active is False
        with pytest.raises(exceptions.TransitionRefused):
            decide(
                actor=people["decider"],
                authorisation_id=authorisation.pk,
                to_status="active",
                reason="r",
                decision="d",
            )
        assert list(authorisation.events.values_list("to_status", flat=True)) == [
            "active",
            "suspended",
            "active",
            "withdrawn",
        ]
