"""Revenue by construction for every kind: a licence whose tax is declared (débit de boissons, on turnover) gets
its revenue line at grant (no ordre per period: the régie liquidates each declaration); a fine issues its ordre de
recette in the régie (debtor the holder, due by the deadline); a suspension spanning 1 January bills no quarter
while it lasts, and reinstated the authorisation gets at once the ordre of the quarter it is back in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.police import services
from jamaa.modules.police.models import Authorisation, RevenuePeriod, Sanction
from jamaa.modules.regie import permissions as regie_permissions
from jamaa.modules.regie import selectors as regie_selectors
from jamaa.modules.regie.models import Asset, OrdreRecette

from ..factories import cafe, granted_terrace, staff, user_with

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_drinks_licence_declared_on_turnover_gets_its_revenue_line_at_grant(fes) -> None:
    with schema_context("fes"):
        people = staff("rk1")
        bar = cafe(people["agent"], name="Bar du Centre", cin="C710001", activity="debit-boissons")
        request = services.request_submit(
            actor=people["agent"],
            data=services.RequestInput(
                kind="economic", establishment_id=bar.pk, period_start=TODAY, period_end=TODAY + dt.timedelta(days=364)
            ),
        )
        services.request_to_commission(actor=people["agent"], request_id=request.pk)
        services.avis_record(
            actor=people["agent"],
            request_id=request.pk,
            member_name="Hygiène",
            member_service="BMH",
            opinion="favourable",
        )
        licence = services.request_grant(
            actor=people["decider"],
            request_id=request.pk,
            data=services.GrantInput(valid_from=TODAY, valid_until=TODAY + dt.timedelta(days=364)),
        )
        licence = Authorisation.objects.get(pk=licence.pk)
        # in force with its revenue line: the holder owes BOISSONS on the bien, liquidated on declarations
        asset = Asset.objects.select_related("tax", "redevable").get(pk=licence.regie_asset_id)
        assert (licence.status, licence.fee_tax_code, licence.fee_on_declarations) == ("active", "BOISSONS", True)
        assert (asset.tax.code, asset.active, asset.redevable.cin) == ("BOISSONS", True, "C710001")
        assert not RevenuePeriod.objects.filter(authorisation=licence).exists()
        # the daily job issues no ordre per quarter for it
        services.commune_daily(on=services.quarter_of(TODAY)[2] + dt.timedelta(days=1))
        assert not RevenuePeriod.objects.filter(authorisation=licence).exists()
        # in SQL: the revenue line cannot be dropped, nor the licence turned into one billed by period
        for column in ("regie_asset_id = NULL", "fee_on_declarations = false"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"UPDATE police_authorisation SET {column} WHERE id = %s", [licence.pk])


def test_a_fine_issues_its_ordre_de_recette_in_the_regie(fes) -> None:
    with schema_context("fes"):
        people = staff("rk2")
        regisseur = user_with("rk2_regisseur", regie_permissions.REGISSEUR)
        authorisation = granted_terrace(people, cin="C710002")
        inspection = services.inspection_record(
            actor=people["inspector"],
            data=services.InspectionInput(
                establishment_id=authorisation.establishment_id,
                authorisation_id=authorisation.pk,
                findings="30 m² occupés",
                compliant=False,
                measured_surface_m2=Decimal("30"),
            ),
        )
        deadline = TODAY + dt.timedelta(days=15)
        fine = services.sanction_impose(
            actor=people["decider"],
            inspection_id=inspection.pk,
            kind="fine",
            reason="Terrasse au-delà de la surface autorisée",
            deadline=deadline,
            amount_dh=Decimal("500"),
        )
        # the régisseur sees it: 500 DH, the holder its debtor, due by the deadline, on the fines' tax
        ordre = regie_selectors.ordre_get(ordre_id=fine.regie_ordre_id, viewer=regisseur)
        line = ordre.lines.get()
        assert (ordre.amount_dh, ordre.status, ordre.tax.code) == (Decimal("500.00"), "issued", "AMENDE_POLICE")
        assert ordre.due_on == deadline and ordre.period == str(ordre.exercice)
        assert inspection.reference in ordre.subject
        assert (line.redevable.cin, line.payer_name, line.amount_dh) == ("C710002", "Mohamed Bennani", Decimal("500"))
        assert fine.ordre_reference == f"OR {ordre.exercice}/{ordre.number}"
        # a warning has none; in SQL a fine cannot be recorded without its ordre
        warning = services.sanction_impose(
            actor=people["inspector"], inspection_id=inspection.pk, kind="warning", reason="r", deadline=deadline
        )
        assert (warning.regie_ordre_id, warning.ordre_reference) == (None, "")
        with pytest.raises(IntegrityError, match="police_sanction_fine_ordre"), transaction.atomic():
            Sanction.objects.create(
                inspection=inspection,
                kind="fine",
                reason="r",
                deadline=deadline,
                amount_dh=Decimal("10"),
                decided_by=people["decider"],
            )


def test_a_suspension_across_the_new_year_bills_no_quarter_until_reinstated(fes) -> None:
    with schema_context("fes"):
        people = staff("rk3")
        year = TODAY.year
        until = dt.date(year + 1, 12, 31)
        terraces = [granted_terrace(people, cin=cin, valid_until=until) for cin in ("C710003", "C710004")]
        for terrace in terraces:
            services.authorisation_decide(
                actor=people["decider"],
                authorisation_id=terrace.pk,
                to_status="suspended",
                reason="Fermeture administrative",
                decision="Arrêté 12/2026",
            )
        # 1 January comes while suspended: no ordre for the new year's first quarter
        services.commune_daily(on=dt.date(year + 1, 1, 2))
        assert RevenuePeriod.objects.filter(authorisation__in=terraces).count() == 2  # the grants' quarters only
        # one is reinstated on 20 January: the first quarter's ordre at once, in the new exercice
        early, late = terraces
        services.authorisation_decide(
            actor=people["decider"],
            authorisation_id=early.pk,
            to_status="active",
            reason="Mise en conformité",
            decision="Arrêté 1/2027",
            on=dt.date(year + 1, 1, 20),
        )
        periods = list(RevenuePeriod.objects.filter(authorisation=early).order_by("start"))
        assert [p.period for p in periods] == [services.quarter_of(TODAY)[0], f"{year + 1}-T1"]
        assert OrdreRecette.objects.get(pk=periods[-1].regie_ordre_id).exercice == year + 1
        # the other only in April: the first quarter, wholly suspended, is never billed
        services.commune_daily(on=dt.date(year + 1, 4, 2))  # the early one's second quarter, not the late one's
        assert RevenuePeriod.objects.filter(authorisation=early).count() == 3
        assert RevenuePeriod.objects.filter(authorisation=late).count() == 1
        services.authorisation_decide(
            actor=people["decider"],
            authorisation_id=late.pk,
            to_status="active",
            reason="Mise en conformité",
            decision="Arrêté 4/2027",
            on=dt.date(year + 1, 4, 10),
        )
        services.commune_daily(on=dt.date(year + 1, 4, 11))
        assert list(
            RevenuePeriod.objects.filter(authorisation=late).order_by("start").values_list("period", flat=True)
        ) == [
            services.quarter_of(TODAY)[0],
            f"{year + 1}-T2",
        ]
