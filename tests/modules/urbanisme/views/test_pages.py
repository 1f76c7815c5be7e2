"""The pages: the desk deposits through the form (the receipt issued, the PDF served as stored), a refusal stays
on the form, the dossier page walks the steps, the commission screen, the late board, the parcel view, the
display register and the export; in Arabic too; no role → 403."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.urbanisme.models import Dossier, IssuedDocument

from ..factories import agent, deposit, signatory, signed_in, user_with

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "construire",
    "subject": "Villa R+1",
    "petitioner_kind": "person",
    "petitioner_name": "Youssef Benjelloun",
    "petitioner_cin": "C998877",
    "use": "housing",
    "built_area_m2": "150",
    "floors": "2",
    "housing_units": "1",
    "title_number": "4567/07",
    "latitude": "34.0181",
    "longitude": "-5.0078",
    "area_m2": "220",
    "pieces": [
        "construire:demande",
        "construire:propriete",
        "construire:situation",
        "construire:topo",
        "construire:archi",
        "lotir:cahier",
    ],
}


def test_deposit_from_the_page_then_the_steps(fes) -> None:
    with schema_context("fes"):
        a, s = agent("urb_v1"), signatory("urb_v1s")
    client = signed_in(fes.host, a)
    assert client.get("/urbanisme/new/").status_code == 200
    saved = client.post("/urbanisme/new/", FORM)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    with schema_context("fes"):
        d = Dossier.objects.get()
        receipt = IssuedDocument.objects.get(dossier=d, kind="receipt")
    assert d.status == "incomplete"  # the architect's contract is missing
    page = client.get(saved["Location"]).content.decode()
    assert d.reference in page and "contrat" in page
    pdf = client.get(f"/urbanisme/documents/{receipt.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.post(f"/urbanisme/{d.pk}/pieces/", {"codes": ["contrat"]}).status_code == 302
    with schema_context("fes"):
        d.refresh_from_db()
    assert d.status == "instruction"
    # a refusal stays on the page: the dossier is not favourable, delivery is refused with the reason
    refused = client.post(f"/urbanisme/{d.pk}/deliver/")
    assert refused.status_code == 400 and 'id="refusal"' in refused.content.decode()
    # the commission screen
    created = client.post("/urbanisme/sittings/", {"day": timezone.localdate().isoformat(), "place": "Salle"})
    assert created.status_code == 302
    sitting_url = created["Location"]
    assert client.post(f"{sitting_url}agenda/", {"dossier_id": d.pk}).status_code == 302
    screen = client.get(sitting_url).content.decode()
    assert d.reference in screen
    with schema_context("fes"):
        item_id = d.sitting_items.get().pk
    assert client.post(f"{sitting_url}avis/", {"item_id": item_id, "avis": "favourable"}).status_code == 302
    assert client.post(f"{sitting_url}hold/", {"members_present": "Président\nAgence urbaine"}).status_code == 302
    assert "minutes" in client.get(sitting_url).content.decode()
    # the signatory signs from the dossier's page
    signer = signed_in(fes.host, s)
    assert signer.post(f"/urbanisme/{d.pk}/sign/", {"signatory": "Le Président"}).status_code == 302
    assert client.post(f"/urbanisme/{d.pk}/documents/arrete/").status_code == 302
    with schema_context("fes"):
        d.refresh_from_db()
        assert d.status == "signed" and IssuedDocument.objects.filter(dossier=d, kind="arrete").count() == 1


def test_the_other_pages_in_both_languages(fes) -> None:
    with schema_context("fes"):
        a = agent("urb_v2")
        d = deposit(a)
    client = signed_in(fes.host, a)
    for lang in ("fr", "ar"):
        client.cookies["jamaa_language"] = lang
        for url in (
            "/urbanisme/",
            "/urbanisme/dossiers/?q=Alaoui",
            "/urbanisme/late/",
            "/urbanisme/sittings/",
            f"/urbanisme/{d.pk}/",
            f"/urbanisme/{d.pk}/parcels/",
            "/urbanisme/new/",
        ):
            response = client.get(url)
            assert response.status_code == 200, (lang, url)
    assert "34.033100" in client.get(f"/urbanisme/{d.pk}/parcels/").content.decode()
    register = client.get("/urbanisme/register.pdf")
    assert register.status_code == 200 and register.content.startswith(b"%PDF")
    csv = client.get("/urbanisme/export.csv").content.decode()
    assert csv.splitlines()[0].startswith("reference,rokhas_reference,kind") and d.reference in csv


def test_no_role_gets_the_forbidden_page(fes) -> None:
    with schema_context("fes"):
        outsider = user_with("urb_v3")
    client = signed_in(fes.host, outsider)
    response = client.get("/urbanisme/")
    assert response.status_code == 403 and 'data-status="403"' in response.content.decode()
    assert client.post("/urbanisme/new/", FORM).status_code == 403
    with schema_context("fes"):
        assert Dossier.objects.count() == 0
