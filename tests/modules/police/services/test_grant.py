"""request_grant: a terrace of 24 m² through the commission to its grant opens the régie's revenue line (ODP,
24 m² × 70 DH per quarter) and its first ordre de recette in the same transaction; the régie's audit list stays
empty; a refusal by the régie grants nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.police import exceptions, services
from jamaa.modules.police.models import Authorisation, AuthorisationEvent, Request, RevenuePeriod
from jamaa.modules.regie import selectors as regie_selectors
from jamaa.modules.regie.models import Asset, OrdreRecette, Redevable, Tax
from jamaa.platform.core.models import AuditEvent

from ..factories import cafe, granted_terrace, staff, terrace_request, user_with

pytestmark = pytest.mark.django_db


def test_a_terrace_granted_has_its_revenue_line_and_first_ordre(fes) -> None:
    with schema_context("fes"):
        # given a café's terrace request of 24 m², sent to the commission, with a favourable avis
        people = staff("g1")
        # when the decision maker grants it
        authorisation = granted_terrace(people)
        # then the authorisation is in force, numbered 1 of its kind and year, with the request granted
        assert (authorisation.kind, authorisation.number, authorisation.status) == ("occupation", 1, "active")
        assert authorisation.reference == f"ODP-{timezone.localdate().year}/000001"
        assert Request.objects.get(pk=authorisation.request_id).status == "granted"
        # and the régie has the redevable, the bien (ODP, 24 m²) and the first quarter's ordre: 24 × 70 = 1680
        asset = Asset.objects.select_related("tax", "redevable").get(pk=authorisation.regie_asset_id)
        assert (asset.tax.code, asset.surface_m2, asset.redevable.cin) == ("ODP", Decimal("24.00"), "C123456")
        period = RevenuePeriod.objects.get(authorisation=authorisation)
        ordre = OrdreRecette.objects.get(pk=period.regie_ordre_id)
        assert (ordre.amount_dh, ordre.status, ordre.tax.code) == (Decimal("1680.00"), "issued", "ODP")
        assert (
            period.amount_dh == Decimal("1680.00") and period.ordre_reference == f"OR {ordre.exercice}/{ordre.number}"
        )
        assert list(ordre.lines.values_list("asset_id", flat=True)) == [asset.pk]
        # and the régie's audit list of authorisations without an ordre does not show it
        regisseur = user_with("g1_regisseur", "regie_regisseur")
        missing = regie_selectors.authorisations_without_ordre(
            regie_id=ordre.regie_id, exercice=ordre.exercice, viewer=regisseur
        )
        assert asset.pk not in {a.pk for a in missing}
        # and it is audited, with its first event
        assert AuditEvent.objects.filter(
            action="police.authorisation.granted", target_id=str(authorisation.pk)
        ).exists()
        assert list(
            AuthorisationEvent.objects.filter(authorisation=authorisation).values_list("to_status", flat=True)
        ) == ["active"]


def test_no_grant_without_an_avis_nor_by_an_agent(fes) -> None:
    with schema_context("fes"):
        people = staff("g2")
        request = terrace_request(people["agent"], cafe(people["agent"], cin="C222222"))
        services.request_to_commission(actor=people["agent"], request_id=request.pk)
        today = timezone.localdate()
        data = services.GrantInput(valid_from=today, valid_until=today + dt.timedelta(days=90))
        with pytest.raises(exceptions.NotADecisionMaker):
            services.request_grant(actor=people["agent"], request_id=request.pk, data=data)
        with pytest.raises(exceptions.TransitionRefused):
            services.request_grant(actor=people["decider"], request_id=request.pk, data=data)
        assert Authorisation.objects.count() == 0
        assert Request.objects.get(pk=request.pk).status == "commission"


def test_when_the_regie_refuses_nothing_is_granted(fes) -> None:
    with schema_context("fes"):
        # given the ODP tax without a tariff in force on the day (its only tariff starts next year)
        people = staff("g3")
        request = terrace_request(people["agent"], cafe(people["agent"], cin="C333333"))
        services.request_to_commission(actor=people["agent"], request_id=request.pk)
        services.avis_record(
            actor=people["agent"], request_id=request.pk, member_name="M", member_service="S", opinion="favourable"
        )
        odp = Tax.objects.get(code="ODP")
        odp.tariffs.update(valid_from=dt.date(timezone.localdate().year + 1, 1, 1))
        redevables, ordres = Redevable.objects.count(), OrdreRecette.objects.count()
        today = timezone.localdate()
        # when the grant is asked
        with pytest.raises(exceptions.RevenueRefused) as refused:
            services.request_grant(
                actor=people["decider"],
                request_id=request.pk,
                data=services.GrantInput(valid_from=today, valid_until=today + dt.timedelta(days=90)),
            )
        # then nothing is granted, nothing is written in the régie, and the number is given back
        assert refused.value.extra["regie"]["code"]
        assert Authorisation.objects.count() == 0 and Request.objects.get(pk=request.pk).status == "commission"
        assert (Redevable.objects.count(), OrdreRecette.objects.count()) == (redevables, ordres)
