"""The whole path of a building permit through the services: deposit with a missing piece (registered in the
bureau d'ordre, incomplete, the clock stopped) → completed → two consultations → commission → favourable →
arrêté → tax liquidated in the régie and paid there → delivered; the documents verify by their code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import selectors as courrier_selectors
from jamaa.modules.regie import permissions as regie_permissions
from jamaa.modules.regie import services as regie
from jamaa.modules.urbanisme import exceptions, selectors, services
from jamaa.modules.urbanisme.models import DocumentKind, Dossier, Event, Status
from jamaa.platform.kernel import verification
from jamaa.platform.kernel.documents import CommuneMasthead

from ..factories import agent, deposit, signatory, user_with

pytestmark = pytest.mark.django_db
MAST = CommuneMasthead(commune_fr="Fès", commune_ar="فاس", office_fr="Urbanisme", office_ar="التعمير")


def _issue(actor, kind, **target):
    return services.document_issue(
        actor=actor, kind=kind, masthead=MAST, url_for=lambda code: f"http://fes.localhost/verify/x/{code}/", **target
    )


def test_a_permit_from_deposit_to_delivery(fes) -> None:
    with schema_context("fes"):
        a, s = agent(), signatory()
        percepteur = user_with("urb_t_perc", regie_permissions.AGENT)
        regie.reference_install_defaults()
        # given a deposit missing the architect's contract
        d = deposit(a, pieces=("demande", "propriete", "situation", "topo", "archi"))
        d.refresh_from_db()
        # then it is numbered, registered as incoming mail, and incomplete with the clock stopped
        assert (d.kind, d.number, d.status) == ("construire", 1, Status.INCOMPLETE)
        assert d.reference == f"PC-{d.year}/000001" and d.courrier_reference.startswith("A-")
        assert (
            courrier_selectors.mail_get(
                viewer=user_with("urb_t_clerk", "courrier_clerk"), mail_id=d.courrier_mail_id
            ).mail.reference
            == d.courrier_reference
        )
        assert d.due_on is None and d.clock_stopped_on is not None
        assert Event.objects.filter(dossier=d, to_status="incomplete").get().missing == ["contrat"]
        receipt = _issue(a, DocumentKind.RECEIPT, dossier_id=d.pk)
        # when the missing piece comes in, the instruction resumes
        services.pieces_receive(actor=a, dossier_id=d.pk, codes=["contrat"])
        d.refresh_from_db()
        assert d.status == Status.INSTRUCTION and d.due_on is not None and d.clock_stopped_on is None
        services.dossier_instruct(actor=a, dossier_id=d.pk)
        # two consultations, one answered, one late (deadline in the past, never answered)
        svcs = selectors.services_list()
        c1 = services.consultation_send(actor=a, dossier_id=d.pk, service_id=svcs[0].pk)
        services.consultation_send(
            actor=a,
            dossier_id=d.pk,
            service_id=svcs[1].pk,
            sent_on=timezone.localdate() - dt.timedelta(days=20),
            deadline=timezone.localdate() - dt.timedelta(days=5),
        )
        services.consultation_return(actor=a, consultation_id=c1.pk, avis="favourable")
        assert [c.late for c in selectors.dossier_get(viewer=a, dossier_id=d.pk).consultations] == [False, True]
        _issue(a, DocumentKind.CONSULTATION, consultation_id=c1.pk)
        # the commission sits, gives a favourable avis, its minutes are final
        sitting = services.sitting_create(actor=a, day=timezone.localdate(), place="Salle du conseil")
        item = services.sitting_add(actor=a, sitting_id=sitting.pk, dossier_id=d.pk)
        services.sitting_avis(actor=a, item_id=item.pk, avis="favourable")
        services.sitting_hold(actor=a, sitting_id=sitting.pk, members_present="Président\nAgence urbaine")
        minutes = _issue(a, DocumentKind.MINUTES, sitting_id=sitting.pk)
        # the arrêté is signed (an agent may not), numbered 1
        with pytest.raises(exceptions.NotASignatory):
            services.decision_sign(actor=a, dossier_id=d.pk, signatory="x")
        decision = services.decision_sign(actor=s, dossier_id=d.pk, signatory="Le Président")
        assert decision.number == 1 and decision.granted
        # delivery waits for the tax
        with pytest.raises(exceptions.TaxNotPaid):
            services.dossier_deliver(actor=a, dossier_id=d.pk)
        services.tax_liquidate(actor=a, dossier_id=d.pk)
        d.refresh_from_db()
        assert d.tax_dh == Decimal("3600.00")  # 180 m² × 20 DH (the default tariff)
        with pytest.raises(exceptions.TaxNotPaid):
            services.dossier_deliver(actor=a, dossier_id=d.pk)
        quittance = regie.liquidation_pay(actor=percepteur, liquidation_id=d.tax_liquidation_id, payment_method="cash")
        services.dossier_deliver(actor=a, dossier_id=d.pk)
        d.refresh_from_db()
        assert d.status == Status.DELIVERED and d.tax_quittance.endswith(f"{quittance.number:06d}")
        permit = _issue(a, DocumentKind.PERMIT, dossier_id=d.pk)
        # every document verifies through the kernel's registry
        for doc in (receipt, minutes, permit):
            verdict = verification.verify(kind="urbanisme.document", code=doc.code)
            assert verdict is not None and verdict.status == "valid"
        assert verification.verify(kind="urbanisme.document", code="NOPE") is None
        assert [e.to_status for e in Event.objects.filter(dossier=d).order_by("id")] == [
            "deposited",
            "incomplete",
            "instruction",
            "consultation",
            "commission",
            "favourable",
            "signed",
            "delivered",
        ]


def test_a_corrected_document_is_a_new_version_and_the_old_one_superseded(fes) -> None:
    with schema_context("fes"):
        a = agent()
        d = deposit(a)
        first = _issue(a, DocumentKind.RECEIPT, dossier_id=d.pk)
        assert _issue(a, DocumentKind.RECEIPT, dossier_id=d.pk).pk == first.pk  # asked again: the same
        second = _issue(a, DocumentKind.RECEIPT, dossier_id=d.pk, correction="Nom du pétitionnaire")
        assert (second.version, second.replaces_id) == (2, first.pk)
        assert verification.verify(kind="urbanisme.document", code=first.code).status == "superseded"
        assert verification.verify(kind="urbanisme.document", code=second.code).status == "valid"
        assert selectors.document_get(viewer=a, document_id=first.pk).content.startswith(b"%PDF")


def test_a_refused_deposit_uses_no_number_and_registers_no_letter(fes) -> None:
    with schema_context("fes"):
        a = agent()
        with pytest.raises(exceptions.DossierInvalid) as refused:
            deposit(a, petitioner_cin="", parcels=())
        assert set(refused.value.extra["fields"]) == {"petitioner_cin", "parcels"}
        assert Dossier.objects.count() == 0
        assert deposit(a).number == 1
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM courrier_mail")
            assert cursor.fetchone()[0] == 1


def test_only_agents_deposit(fes) -> None:
    with schema_context("fes"):
        with pytest.raises(exceptions.NotAnAgent):
            deposit(user_with("urb_t_nobody"))
        assert Dossier.objects.count() == 0
