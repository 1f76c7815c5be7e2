"""The régie's setup screen: the régie's arrêté and budget lines, appointments by arrêté (the role's group follows
them), taxes and tariff versions. Each form works, bad input comes back with its message and what was typed,
nothing is recorded then, each change is audited, and only the régisseur or the commune's administrator gets in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import permissions, services
from jamaa.modules.regie.models import Asset, BudgetLine, Regie, RegieStaff, Tariff, Tax
from jamaa.platform.core.models import AuditEvent

from .factories import user_with

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-2026-word!"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ref(fes) -> dict[str, Any]:
    with schema_context("fes"):
        regie = services.reference_install_defaults()
        return {
            "regie": regie.pk,
            "regisseur": user_with("regisseur", permissions.REGISSEUR),
            "agent": user_with("percepteur", permissions.AGENT),
            "admin": user_with("maire", "administrators"),
            "candidate": user_with("nouveau"),
            "taxes": dict(Tax.objects.values_list("code", "pk")),
        }


def login(client: Client, host: str, username: str) -> Client:
    response = client.post("/login/", {"username": username, "password": PASSWORD}, HTTP_HOST=host)
    assert response.status_code == 302, response.content[:300]
    return client


def html(response: Any) -> str:
    return unescape(response.content.decode())


def in_fes(fn: Any) -> Any:
    with schema_context("fes"):
        return fn()


def audited(action: str) -> list[AuditEvent]:
    return in_fes(lambda: list(AuditEvent.objects.filter(action=action)))


def test_only_the_regisseur_or_the_administrator_reach_the_setup(client: Client, fes, ref) -> None:
    posts = [
        "/regie/setup/regie/",
        "/regie/setup/budget-lines/",
        "/regie/setup/staff/",
        "/regie/setup/taxes/",
        f"/regie/setup/taxes/{ref['taxes']['ODP']}/tariffs/",
        "/regie/setup/staff/1/end/",
    ]
    for username in ("percepteur", "nouveau"):
        login(client, fes.host, username)
        assert client.get("/regie/setup/", HTTP_HOST=fes.host).status_code == 403
        for path in posts:
            assert client.post(path, {"code": "X"}, HTTP_HOST=fes.host).status_code == 403, (username, path)
    login(client, fes.host, "maire")  # the commune's administrator, outside the régie's groups
    page = html(client.get("/regie/setup/", HTTP_HOST=fes.host))
    for form_id in ("regie-form", "budget-line-form", "appoint-form", "tax-form", f"tariff-form-{ref['taxes']['ODP']}"):
        assert f'id="{form_id}"' in page, form_id
    response = client.post(
        "/regie/setup/budget-lines/",
        {"code": "10.30.99", "label_fr": "Produits divers", "label_ar": "منتوجات مختلفة"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 302
    # the service says no too, whatever calls it
    with pytest.raises(services.exceptions.NotAllowedToSetUp):
        in_fes(lambda: services.budget_line_create(actor=ref["agent"], code="1", label_fr="a", label_ar="b"))


def test_the_regie_arrete_ceiling_and_budget_lines(client: Client, fes, ref) -> None:
    login(client, fes.host, "regisseur")
    page = html(client.get("/regie/setup/", HTTP_HOST=fes.host))
    assert 'value="1/2026"' in page and 'data-budget-line="10.20.11"' in page
    form = {
        "name_fr": "Régie des recettes de Fès",
        "name_ar": "وكالة المداخيل بفاس",
        "arrete_number": "77/2026",
        "arrete_date": (TODAY + dt.timedelta(days=3)).isoformat(),  # in the future: refused
        "cash_ceiling_dh": "80000",
        "budget_lines": ["10.20.11", "401"],
    }
    response = client.post("/regie/setup/regie/", form, HTTP_HOST=fes.host)
    assert response.status_code == 400
    page = html(response)
    assert 'id="form-errors"' in page and "ne peut pas être daté dans le futur" in page
    assert 'value="77/2026"' in page and 'value="Régie des recettes de Fès"' in page and 'value="80000"' in page
    assert in_fes(lambda: Regie.objects.get().arrete_number) == "1/2026"
    response = client.post("/regie/setup/regie/", form | {"cash_ceiling_dh": "0"}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and in_fes(lambda: Regie.objects.get().cash_ceiling_dh) == Decimal("50000")
    response = client.post("/regie/setup/regie/", form | {"arrete_date": "2026-02-01"}, HTTP_HOST=fes.host)
    assert response.status_code == 302 and response["Location"] == "/regie/setup/#regie"
    regie = in_fes(lambda: Regie.objects.get())
    assert (regie.arrete_number, regie.arrete_date, regie.cash_ceiling_dh) == (
        "77/2026",
        dt.date(2026, 2, 1),
        Decimal("80000.00"),
    )
    assert in_fes(lambda: sorted(regie.budget_lines.values_list("code", flat=True))) == ["10.20.11", "401"]
    [event] = audited("regie.regie.updated")
    assert event.data["before"]["arrete_number"] == "1/2026" and event.data["after"]["budget_lines"] == [
        "10.20.11",
        "401",
    ]
    # an unknown budget line through the service: named on its field
    with pytest.raises(services.exceptions.InvalidRegie) as refused:
        in_fes(
            lambda: services.regie_update(
                actor=ref["regisseur"],
                regie_id=ref["regie"],
                name_fr="R",
                name_ar="ر",
                arrete_number="1",
                arrete_date=TODAY,
                cash_ceiling_dh=Decimal("1"),
                budget_line_codes=["99.99"],
            )
        )
    assert set(refused.value.extra["fields"]) == {"budget_line_codes"}


def test_a_budget_line(client: Client, fes, ref) -> None:
    login(client, fes.host, "regisseur")
    response = client.post(
        "/regie/setup/budget-lines/", {"code": "401", "label_fr": "Doublon", "label_ar": ""}, HTTP_HOST=fes.host
    )
    assert response.status_code == 400
    page = html(response)
    assert 'value="Doublon"' in page and "is-invalid" in page and 'id="budget-line-form"' in page
    response = client.post(
        "/regie/setup/budget-lines/",
        {"code": "401", "label_fr": "Doublon", "label_ar": "مكرر"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 400 and "existe déjà" in html(response)
    response = client.post(
        "/regie/setup/budget-lines/",
        {"code": "10.30.11", "label_fr": "Droits de fourrière", "label_ar": "رسوم المحجز"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 302
    assert in_fes(lambda: BudgetLine.objects.get(code="10.30.11").label_ar) == "رسوم المحجز"
    assert [e.data["code"] for e in audited("regie.budget_line.created")] == ["10.30.11"]
    page = html(client.get("/regie/setup/", HTTP_HOST=fes.host))
    assert 'data-budget-line="10.30.11"' in page


def test_appointments_give_and_withdraw_the_role(client: Client, fes, ref) -> None:
    login(client, fes.host, "regisseur")
    candidate = ref["candidate"]
    appoint = {
        "user": candidate.pk,
        "role": "agent",
        "arrete_number": "12/2026",
        "arrete_date": (TODAY - dt.timedelta(days=10)).isoformat(),
        "valid_from": (TODAY + dt.timedelta(days=5)).isoformat(),  # in the future: refused
        "valid_until": "",
    }
    response = client.post("/regie/setup/staff/", appoint, HTTP_HOST=fes.host)
    assert response.status_code == 400
    page = html(response)
    assert "Enregistrez la nomination le jour de sa prise" in page and 'value="12/2026"' in page
    assert in_fes(lambda: RegieStaff.objects.count()) == 0
    appoint["valid_from"] = (TODAY - dt.timedelta(days=2)).isoformat()
    response = client.post("/regie/setup/staff/", appoint, HTTP_HOST=fes.host)
    assert response.status_code == 302 and response["Location"] == "/regie/setup/#staff"
    staff = in_fes(lambda: RegieStaff.objects.get())
    assert in_fes(lambda: list(candidate.groups.values_list("name", flat=True))) == [permissions.AGENT]
    [event] = audited("regie.staff.appointed")
    assert event.data["user"] == candidate.pk and event.data["role"] == "agent"
    # the same person, the same role, an overlapping period: refused
    response = client.post("/regie/setup/staff/", appoint | {"arrete_number": "13/2026"}, HTTP_HOST=fes.host)
    assert (
        response.status_code == 400
        and "Chevauche la nomination" in html(response)
        and "arrêté 12/2026" in html(response)
    )
    page = html(client.get("/regie/setup/", HTTP_HOST=fes.host))
    assert f'id="staff-{staff.pk}" data-current="1"' in page and f'id="end-form-{staff.pk}"' in page
    # the end: before the start is refused, kept on the row's form; then recorded, the role withdrawn
    before = (TODAY - dt.timedelta(days=5)).isoformat()
    response = client.post(f"/regie/setup/staff/{staff.pk}/end/", {"valid_until": before}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and "postérieure" in html(response)
    assert f'value="{before}"' in html(response)
    response = client.post(
        f"/regie/setup/staff/{staff.pk}/end/", {"valid_until": TODAY.isoformat()}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302
    assert in_fes(lambda: RegieStaff.objects.get().valid_until) == TODAY  # kept, ended
    assert in_fes(lambda: candidate.groups.count()) == 0
    assert [e.data["valid_until"] for e in audited("regie.staff.ended")] == [TODAY.isoformat()]
    # the suppléant gets the régisseur's group
    response = client.post(
        "/regie/setup/staff/",
        appoint | {"role": "suppleant", "valid_from": TODAY.isoformat()},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 302
    assert in_fes(lambda: list(candidate.groups.values_list("name", flat=True))) == [permissions.REGISSEUR]
    assert client.post("/regie/setup/staff/999999/end/", {"valid_until": TODAY}, HTTP_HOST=fes.host).status_code == 404


def test_a_tax_and_its_tariff_versions(client: Client, fes, ref) -> None:
    login(client, fes.host, "regisseur")
    tax = {"code": "ODP", "name_fr": "Doublon", "name_ar": "مكرر", "base_kind": "m2", "budget_line": "10.20.31"}
    response = client.post("/regie/setup/taxes/", tax, HTTP_HOST=fes.host)
    assert response.status_code == 400 and "déjà utilisé" in html(response) and 'value="Doublon"' in html(response)
    tax = {
        "code": "fourriere",
        "name_fr": "Droits de fourrière",
        "name_ar": "رسوم المحجز",
        "base_kind": "fixed",
        "budget_line": "401",
    }
    response = client.post("/regie/setup/taxes/", tax, HTTP_HOST=fes.host)
    assert response.status_code == 302
    created = in_fes(lambda: Tax.objects.get(code="FOURRIERE"))
    assert [e.data["code"] for e in audited("regie.tax.created")] == ["FOURRIERE"]
    page = html(client.get("/regie/setup/", HTTP_HOST=fes.host))
    assert 'data-tax="FOURRIERE"' in page and "Aucun taux pour" in page
    # tariff versions: the first, then a second on the same day refused, then a later one (scheduled)
    url = f"/regie/setup/taxes/{created.pk}/tariffs/"
    first = {"rate": "50", "valid_from": "2026-01-01", "arrete_reference": "AF 2026"}
    assert client.post(url, first, HTTP_HOST=fes.host).status_code == 302
    response = client.post(url, first | {"rate": "60"}, HTTP_HOST=fes.host)
    assert response.status_code == 400
    page = html(response)
    assert "prend déjà effet le 2026-01-01" in page and 'value="60"' in page
    assert f'id="tariff-form-{created.pk}"' in page
    later = (TODAY + dt.timedelta(days=30)).isoformat()
    assert client.post(url, {"rate": "75", "valid_from": later}, HTTP_HOST=fes.host).status_code == 302
    versions = in_fes(lambda: list(Tariff.objects.filter(tax=created).values_list("rate", "valid_from")))
    assert versions == [(Decimal("75.0000"), dt.date.fromisoformat(later)), (Decimal("50.0000"), dt.date(2026, 1, 1))]
    assert len(audited("regie.tariff.added")) == 2
    page = html(client.get("/regie/setup/", HTTP_HOST=fes.host))
    in_force = in_fes(lambda: Tariff.objects.get(tax=created, rate=50).pk)
    assert f'data-tariff="{in_force}" class="fw-semibold" data-in-force="1"' in page
    # a rate must be a number, kept as typed
    response = client.post(url, {"rate": "-3", "valid_from": "2026-06-01"}, HTTP_HOST=fes.host)
    assert response.status_code == 400 and 'value="-3"' in html(response)
    assert client.post("/regie/setup/taxes/999999/tariffs/", first, HTTP_HOST=fes.host).status_code == 404


def test_a_new_rate_cannot_take_effect_on_a_day_already_collected(fes, ref) -> None:
    with schema_context("fes"):
        redevable = services.redevable_create(actor=ref["agent"], name="Karim", cin="C1")
        services.quittance_issue(
            actor=ref["agent"],
            data=services.QuittanceInput(
                regie_id=ref["regie"],
                exercice=TODAY.year,
                redevable_id=redevable.pk,
                tax_id=ref["taxes"]["LEGALISATION"],
                base=Decimal("1"),
                period=str(TODAY.year),
                payment_method="cash",
                on=TODAY,
            ),
        )
        with pytest.raises(services.exceptions.InvalidTariff) as refused:
            services.tariff_add(
                actor=ref["regisseur"], tax_id=ref["taxes"]["LEGALISATION"], rate=Decimal("25"), valid_from=TODAY
            )
        assert "valid_from" in refused.value.extra["fields"]
        tariff = services.tariff_add(
            actor=ref["regisseur"],
            tax_id=ref["taxes"]["LEGALISATION"],
            rate=Decimal("25"),
            valid_from=TODAY + dt.timedelta(days=1),
        )
        assert services.tariff_in_force(tax_id=ref["taxes"]["LEGALISATION"], on=TODAY).rate == Decimal("20")
        assert services.tariff_in_force(tax_id=ref["taxes"]["LEGALISATION"], on=tariff.valid_from) == tariff


def test_the_regisseur_takes_a_bien_off_with_its_reason(client: Client, fes, ref) -> None:
    with schema_context("fes"):
        owner = services.redevable_create(actor=ref["agent"], name="Karim", cin="C7")
        parcel = services.asset_create(
            actor=ref["agent"],
            redevable_id=owner.pk,
            kind="parcel",
            reference="TF 9/07",
            surface_m2=Decimal("300"),
            tax_id=ref["taxes"]["TNB"],
        )
    url = f"/regie/redevables/{owner.pk}/assets/{parcel.pk}/deactivate/"
    login(client, fes.host, "percepteur")
    assert f'id="asset-deactivate-{parcel.pk}"' not in html(
        client.get(f"/regie/redevables/{owner.pk}/", HTTP_HOST=fes.host)
    )
    assert client.post(url, {"reason": "bâti"}, HTTP_HOST=fes.host).status_code == 403
    login(client, fes.host, "regisseur")
    assert f'id="asset-deactivate-{parcel.pk}"' in html(
        client.get(f"/regie/redevables/{owner.pk}/", HTTP_HOST=fes.host)
    )
    response = client.post(url, {"reason": " "}, HTTP_HOST=fes.host, follow=True)
    assert "Indiquez le motif" in html(response)
    assert in_fes(lambda: Asset.objects.get(pk=parcel.pk).active) is True
    response = client.post(url, {"reason": "Parcelle bâtie (permis 12/2026)"}, HTTP_HOST=fes.host)
    assert response.status_code == 302 and response["Location"].endswith("#assets")
    assert in_fes(lambda: Asset.objects.get(pk=parcel.pk).active) is False
    [event] = audited("regie.asset.deactivated")
    assert event.reason == "Parcelle bâtie (permis 12/2026)"
    page = html(client.get(f"/regie/redevables/{owner.pk}/", HTTP_HOST=fes.host))
    assert "déjà inactif" not in page and f'id="asset-deactivate-{parcel.pk}"' not in page
