"""Open data: every dataset's CSV and JSON validate against their documented schema, the catalogue is DCAT, and no
file ever holds a CIN or a private person's name, though the registers behind them are full of both."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import jsonschema
import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import services as courrier_services
from jamaa.platform.kernel import portal as kernel_portal

from ..factories import citizen_client, signed_birth_act, user_with, visitor

pytestmark = pytest.mark.django_db

PRIVATE = ("Youssef", "يوسف", "Alaoui", "العلوي", "Bennani", "بناني", "Zineb", "Tazi", "ZZ778899", "QQ112233")


def _fill(fes, mailoutbox) -> None:
    """Data with names and CINs in état civil, the bureau d'ordre, the régie and the portal."""
    with schema_context("fes"):
        signed_birth_act("od1")
        clerk = user_with("portal_od_clerk", "courrier_clerk")
        courrier_services.mail_register(
            actor=clerk,
            data=courrier_services.MailInput(
                category="incoming",
                subject="Demande de Zineb Tazi",
                correspondent=courrier_services.CorrespondentInput(kind="person", name="Zineb Tazi", cin="ZZ778899"),
            ),
        )
        _regie_quittance()
        _budget_permit_terrace()
    citizen = citizen_client(fes.host, mailoutbox, name="Zineb Tazi")
    response = citizen.post("/portail/me/new/portail.complaint/", {"text": "Zineb Tazi se plaint", "cin": "QQ112233"})
    assert response.status_code == 302


def _regie_quittance() -> None:
    """A counter payment by a named redevable, through the régie's services."""
    from jamaa.modules.regie import services as regie_services
    from jamaa.modules.regie.models import Tax

    regie = regie_services.reference_install_defaults()
    agent = user_with("portal_od_cashier", "regie_agent")
    person = regie_services.redevable_create(actor=agent, name="Zineb Tazi", cin="ZZ778899")
    regie_services.counter_payment(
        actor=agent,
        idempotency_key=None,
        data=regie_services.CounterPaymentInput(
            regie_id=regie.pk,
            redevable_id=person.pk,
            tax_id=Tax.objects.get(code="LEGALISATION").pk,
            base=Decimal("1"),
            period=str(timezone.localdate().year),
            payment_method="cash",
            on=timezone.localdate(),
        ),
    )


def _budget_permit_terrace() -> None:
    """A voted budget, a permit signed for a named petitioner, a terrace granted to a named café owner."""
    from jamaa.modules.urbanisme import services as urbanisme_services
    from tests.modules.budget import factories as budget_factories
    from tests.modules.police import factories as police_factories
    from tests.modules.urbanisme import factories as urbanisme_factories

    budget_factories.budget_with(
        service=budget_factories.service_user("portal_od_budget"),
        ordo=budget_factories.ordonnateur("portal_od_ordo"),
        year=timezone.localdate().year,
        forecasts={budget_factories.OFFICE: "1000"},
    )
    agent = urbanisme_factories.agent("portal_od_urb")
    dossier = urbanisme_factories.deposit(agent, petitioner_name="Youssef Alaoui", petitioner_cin="ZZ778899")
    urbanisme_services.dossier_instruct(actor=agent, dossier_id=dossier.pk)
    sitting = urbanisme_services.sitting_create(actor=agent, day=timezone.localdate())
    item = urbanisme_services.sitting_add(actor=agent, sitting_id=sitting.pk, dossier_id=dossier.pk)
    urbanisme_services.sitting_avis(actor=agent, item_id=item.pk, avis="favourable")
    urbanisme_services.decision_sign(
        actor=urbanisme_factories.signatory("portal_od_urb_sign"), dossier_id=dossier.pk, signatory="Le Président"
    )
    people = police_factories.staff("portal_od_pol")
    police_factories.granted_terrace(people, cin="QQ112233")


def _files(client, code: str) -> tuple[str, dict]:
    csv_response = client.get(f"/portail/data/{code}.csv")
    json_response = client.get(f"/portail/data/{code}.json")
    assert csv_response.status_code == 200 and json_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    return csv_response.content.decode(), json_response.json()


def test_every_file_validates_and_holds_no_personal_data(fes, mailoutbox) -> None:
    _fill(fes, mailoutbox)
    client = visitor(fes.host)
    catalogue = client.get("/portail/data/catalog.json")
    assert catalogue.status_code == 200
    body = catalogue.json()
    assert body["@type"] == "dcat:Catalog" and body["dct:license"] == kernel_portal.LICENCE_URL
    codes = [d["dct:identifier"] for d in body["dcat:dataset"]]
    assert {"etatcivil.acts_per_month", "courrier.processing_delays", "regie.revenue_per_tax_month",
            "portail.requests_per_month", "portail.complaint_outcomes", "budget.execution_per_chapter",
            "urbanisme.permits_granted", "police.authorisations_in_force"} <= set(codes)  # fmt: skip
    seen_rows = 0
    for dataset in body["dcat:dataset"]:
        code = dataset["dct:identifier"]
        urls = {d["dcat:mediaType"]: d["dcat:downloadURL"] for d in dataset["dcat:distribution"]}
        assert urls["text/csv"].endswith(f"/portail/data/{code}.csv")
        schema = client.get(f"/portail/data/{code}.schema.json").json()
        text, data = _files(client, code)
        # JSON: against its JSON Schema
        jsonschema.validate(data, schema["json_schema"])
        # CSV: the header is the Table Schema's fields, every value of its type
        fields = schema["table_schema"]["fields"]
        rows = list(csv.DictReader(io.StringIO(text)))
        assert (list(rows[0]) if rows else next(csv.reader(io.StringIO(text)))) == [f["name"] for f in fields]
        for row in rows:
            for f in fields:
                value = row[f["name"]]
                if value == "":
                    continue
                if f["type"] == "integer":
                    int(value)
                elif f["type"] == "number":
                    float(value)
        assert len(rows) == len(data["rows"])
        seen_rows += len(rows)
        # no personal data, in either file
        for secret in PRIVATE:
            assert secret not in text, (code, secret)
            assert secret not in json.dumps(data, ensure_ascii=False), (code, secret)
    assert seen_rows >= 3  # the files are not empty: acts, letters, requests were counted
    for code in ("budget.execution_per_chapter", "urbanisme.permits_granted", "police.authorisations_in_force"):
        assert client.get(f"/portail/data/{code}.json").json()["rows"], code  # each new file has its rows
    # the transparency pages show the same figures without the names either
    for page in ("/portail/transparency/", "/portail/transparency/portail.requests_per_month/"):
        html = client.get(page).content.decode()
        assert "<svg" in html
        for secret in PRIVATE:
            assert secret not in html


def test_an_unknown_dataset_is_404(fes) -> None:
    client = visitor(fes.host)
    assert client.get("/portail/data/nope.nothing.csv").status_code == 404
    assert client.get("/portail/transparency/nope.nothing/").status_code == 404
