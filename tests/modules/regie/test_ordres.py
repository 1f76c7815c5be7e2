"""Ordres de recette (individual, collective) and bordereaux d'émission: gapless numbers, the state machine in
Python and in the database, taking in charge, the état des restes à recouvrer, biens with no ordre."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import exceptions, selectors, services
from jamaa.modules.regie.models import OrdreRecette

from .factories import installed

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        yield installed(passwords=False)


def terrace(ref, redevable, reference="T-1", surface="20"):
    return services.asset_create(
        actor=ref["agent"],
        redevable_id=redevable.pk,
        kind="terrace",
        reference=reference,
        surface_m2=Decimal(surface),
        tax_id=ref["taxes"]["ODP"].pk,
    )


def odp(ref, lines, subject="Terrasses T1 2026"):
    return services.ordre_issue(
        actor=ref["regisseur"],
        regie_id=ref["regie"].pk,
        exercice=2026,
        tax_id=ref["taxes"]["ODP"].pk,
        subject=subject,
        period="T1 2026",
        lines=lines,
    )


def test_individual_and_collective_ordres_are_numbered_and_snapshot_the_payer(ref) -> None:
    liquidation = services.liquidation_create(
        actor=ref["agent"],
        data=services.LiquidationInput(
            regie_id=ref["regie"].pk,
            redevable_id=ref["company"].pk,
            tax_id=ref["taxes"]["ODP"].pk,
            base=Decimal("19.5"),
            period="T1 2026",
            on=TODAY,
        ),
    )
    single = odp(ref, [{"redevable_id": ref["company"].pk, "liquidation_id": liquidation.pk}])
    assert (single.number, single.kind, single.amount_dh, single.status) == (
        1,
        "individual",
        Decimal("1400.00"),
        "issued",
    )
    liquidation.refresh_from_db()
    assert liquidation.status == "ordered"
    with pytest.raises(exceptions.LiquidationNotPayable):
        services.liquidation_pay(actor=ref["agent"], liquidation_id=liquidation.pk, payment_method="cash", on=TODAY)
    collective = odp(
        ref,
        [
            {"redevable_id": ref["company"].pk, "amount_dh": Decimal("700")},
            {"redevable_id": ref["person"].pk, "amount_dh": Decimal("350.50")},
        ],
    )
    assert (collective.number, collective.kind, collective.amount_dh) == (2, "collective", Decimal("1050.50"))
    assert [line.payer_name for line in collective.lines.all()] == ["Café Atlas SARL", "Mohamed Bennani"]
    assert [e.to_status for e in collective.events.all()] == ["issued"]
    # refusals: an agent, no line, a non-positive amount, a liquidation already ordered
    with pytest.raises(exceptions.NotARegisseur):
        services.ordre_issue(
            actor=ref["agent"],
            regie_id=ref["regie"].pk,
            exercice=2026,
            tax_id=ref["taxes"]["ODP"].pk,
            subject="x",
            period="x",
            lines=[{"redevable_id": ref["person"].pk, "amount_dh": Decimal("1")}],
        )
    for lines in ([], [{"redevable_id": ref["person"].pk, "amount_dh": Decimal("0")}]):
        with pytest.raises(exceptions.InvalidOrdre):
            odp(ref, lines)
    with pytest.raises(exceptions.InvalidOrdre):
        odp(ref, [{"redevable_id": ref["company"].pk, "liquidation_id": liquidation.pk}])
    assert [
        o.number for o in selectors.ordres_list(viewer=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026)
    ] == [1, 2]


def test_state_machine_bordereau_and_restes(ref) -> None:
    a = odp(ref, [{"redevable_id": ref["company"].pk, "amount_dh": Decimal("1000")}])
    b = odp(ref, [{"redevable_id": ref["person"].pk, "amount_dh": Decimal("400")}])
    c = odp(ref, [{"redevable_id": ref["person"].pk, "amount_dh": Decimal("100")}])
    # taken in charge only with a bordereau; recovered only after
    with pytest.raises(exceptions.OrdreTransitionRefused):
        services.ordre_transition(actor=ref["regisseur"], ordre_id=a.pk, to_status="taken_in_charge")
    with pytest.raises(exceptions.OrdreTransitionRefused):
        services.ordre_transition(actor=ref["regisseur"], ordre_id=a.pk, to_status="recovered")
    with pytest.raises(exceptions.InvalidOrdre):
        services.ordre_transition(actor=ref["regisseur"], ordre_id=c.pk, to_status="cancelled")
    services.ordre_transition(actor=ref["regisseur"], ordre_id=c.pk, to_status="cancelled", reason="double emploi")
    # a bordereau takes issued ordres without a bordereau, of the same régie and exercice
    with pytest.raises(exceptions.InvalidBordereau):
        services.bordereau_create(
            actor=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, ordre_ids=[a.pk, c.pk]
        )
    with pytest.raises(exceptions.InvalidBordereau):
        services.bordereau_create(actor=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2025, ordre_ids=[a.pk])
    bordereau = services.bordereau_create(
        actor=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, ordre_ids=[b.pk, a.pk]
    )
    assert (bordereau.number, bordereau.total_dh, bordereau.status) == (1, Decimal("1400.00"), "issued")
    with pytest.raises(exceptions.InvalidBordereau):
        services.bordereau_create(actor=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, ordre_ids=[a.pk])
    restes = selectors.restes_a_recouvrer(viewer=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, as_of=TODAY)
    assert [(r.payer_name, r.remaining_dh) for r in restes.rows] == [
        ("Café Atlas SARL", Decimal("1000")),
        ("Mohamed Bennani", Decimal("400")),
    ]
    taken = services.bordereau_take_in_charge(actor=ref["regisseur"], bordereau_id=bordereau.pk, reference="PEC-77")
    assert (taken.status, taken.comptable_reference) == ("taken_in_charge", "PEC-77")
    with pytest.raises(exceptions.BordereauAlreadyTakenInCharge):
        services.bordereau_take_in_charge(actor=ref["regisseur"], bordereau_id=bordereau.pk, reference="PEC-78")
    a.refresh_from_db()
    assert a.status == "taken_in_charge"
    assert [(e.from_status, e.to_status, e.reference) for e in a.events.all()] == [
        ("", "issued", ""),
        ("issued", "taken_in_charge", "PEC-77"),
    ]
    # recovered in full by default; the other in part
    recovered = services.ordre_transition(actor=ref["regisseur"], ordre_id=a.pk, to_status="recovered", reference="Q9")
    assert recovered.recovered_dh == Decimal("1000.00")
    services.ordre_transition(actor=ref["regisseur"], ordre_id=b.pk, to_status="recovered", recovered_dh=Decimal("250"))
    with pytest.raises(exceptions.OrdreTransitionRefused):
        services.ordre_transition(actor=ref["regisseur"], ordre_id=a.pk, to_status="written_off", reason="x")
    restes = selectors.restes_a_recouvrer(viewer=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, as_of=TODAY)
    assert [(r.payer_name, r.amount_dh, r.recovered_dh, r.remaining_dh) for r in restes.rows] == [
        ("Mohamed Bennani", Decimal("400.00"), Decimal("250.00"), Decimal("150.00"))
    ]
    assert restes.rows[0].identifier == "CIN C123456" and restes.rows[0].budget_line == "10.20.31"
    # as of yesterday nothing was issued yet
    assert (
        selectors.restes_a_recouvrer(
            viewer=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, as_of=TODAY - dt.timedelta(days=1)
        ).rows
        == []
    )


def test_the_database_refuses_illegal_moves(ref) -> None:
    ordre = odp(ref, [{"redevable_id": ref["person"].pk, "amount_dh": Decimal("100")}])
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = fes, public")
        for sql in [
            f"UPDATE regie_ordrerecette SET status = 'recovered' WHERE id = {ordre.pk}",
            f"UPDATE regie_ordrerecette SET status = 'written_off' WHERE id = {ordre.pk}",
            # taken in charge without a bordereau (CHECK)
            f"UPDATE regie_ordrerecette SET status = 'taken_in_charge' WHERE id = {ordre.pk}",
            f"UPDATE regie_ordrerecette SET amount_dh = 1 WHERE id = {ordre.pk}",
            f"DELETE FROM regie_ordrerecette WHERE id = {ordre.pk}",
            f"UPDATE regie_ordrerecetteline SET amount_dh = 1 WHERE ordre_id = {ordre.pk}",
            f"UPDATE regie_ordrerecette SET recovered_dh = 101 WHERE id = {ordre.pk}",
        ]:
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql)
    services.ordre_transition(actor=ref["regisseur"], ordre_id=ordre.pk, to_status="cancelled", reason="erreur")
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = fes, public")
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute(f"UPDATE regie_ordrerecette SET status = 'issued' WHERE id = {ordre.pk}")
    assert OrdreRecette.objects.get(pk=ordre.pk).status == "cancelled"


def test_biens_owing_a_tax_with_neither_payment_nor_ordre_are_listed(ref) -> None:
    # the Meknès case: three terraces; one paid, one under an ordre, one with nothing
    paid = terrace(ref, ref["company"], "T-1")
    ordered = terrace(ref, ref["person"], "T-2")
    forgotten = services.asset_create(
        actor=ref["agent"],
        redevable_id=services.redevable_create(actor=ref["agent"], name="Café Zitoun", rc="999").pk,
        kind="terrace",
        reference="T-3",
        surface_m2=Decimal("12"),
        tax_id=ref["taxes"]["ODP"].pk,
    )
    with pytest.raises(exceptions.InvalidAsset):
        services.asset_create(
            actor=ref["agent"],
            redevable_id=ref["person"].pk,
            kind="terrace",
            reference="T-4",
            tax_id=ref["taxes"]["ODP"].pk,
        )
    services.quittance_issue(
        actor=ref["agent"],
        data=services.QuittanceInput(
            regie_id=ref["regie"].pk,
            exercice=2026,
            redevable_id=paid.redevable_id,
            tax_id=ref["taxes"]["ODP"].pk,
            base=Decimal("20"),
            period="2026",
            payment_method="cash",
            on=dt.date(2026, 2, 1),
        ),
    )
    odp(ref, [{"redevable_id": ordered.redevable_id, "asset_id": ordered.pk, "amount_dh": Decimal("1400")}])
    missing = selectors.authorisations_without_ordre(viewer=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026)
    assert [a.reference for a in missing] == [forgotten.reference]
    assert (
        len(selectors.authorisations_without_ordre(viewer=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2027))
        == 3
    )
