"""A commune's modules: only the enabled ones answer on its site; enabling and disabling is a service, a CLI
command, audited, and takes effect on the next request."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from jamaa.modules import registry
from jamaa.platform.core.models import AuditEvent
from jamaa.provisioning import services
from jamaa.provisioning.exceptions import InvalidCommuneInput
from jamaa.tenants.models import Commune
from jamaa.tenants.routing import routing_table

pytestmark = pytest.mark.django_db


def _set(slug: str, modules: list[str]) -> None:
    Commune.objects.filter(slug=slug).update(enabled_modules=modules)
    routing_table.clear()


def test_a_module_the_commune_did_not_enable_answers_404(client: Client, fes) -> None:
    # given Fès with the civil registry only
    _set("fes", ["etatcivil"])
    # then the régie's screens, API and documents are not there, and the civil registry is
    assert client.get("/regie/", HTTP_HOST=fes.host).status_code == 404
    api = client.get("/regie/api/reference/", HTTP_HOST=fes.host)
    assert api.status_code == 404
    assert api.json()["code"] == "MODULE_NOT_ENABLED" and api.json()["extra"] == {"module": "regie"}
    assert client.get("/collecte/sw.js", HTTP_HOST=fes.host).status_code == 404
    assert client.get("/etatcivil/", HTTP_HOST=fes.host).status_code == 302  # there: to the login page
    # but documents already issued stay verifiable (an unknown code: the régie's own "not found" page)
    assert b"quittance" in client.get("/regie/verify/NOPE/", HTTP_HOST=fes.host).content.lower()
    # and pages of the platform itself are not modules
    assert client.get("/login/", HTTP_HOST=fes.host).status_code == 200


def test_enabling_and_disabling_takes_effect_and_is_audited(client: Client, fes) -> None:
    _set("fes", ["etatcivil"])
    operator = get_user_model().objects.create_user(username="lab-operator", is_staff=True)
    # when the operator enables the régie and disables the civil registry
    commune = services.commune_modules_set(
        slug="fes", enable=["regie"], disable=["etatcivil"], reason="convention signed", actor=operator
    )
    routing_table.clear()  # (other processes see the change within JAMAA_ROUTING_RECHECK_SECONDS)
    # then the change is audited in the platform's log (who, why, from, to)
    assert commune.enabled_modules == ["regie"]
    event = AuditEvent.objects.filter(action="commune.modules_changed").latest("id")
    assert (event.reason, event.actor_label, event.data) == (
        "convention signed",
        "lab-operator",
        {"from": ["etatcivil"], "to": ["regie"]},
    )
    # and the commune's site follows
    assert client.get("/regie/api/reference/", HTTP_HOST=fes.host).status_code == 401  # there: asks who you are
    assert client.get("/etatcivil/", HTTP_HOST=fes.host).status_code == 404


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"enable": ["parking"]}, "Unknown module"),
        ({"enable": ["regie"], "disable": ["regie"]}, "both enabled and disabled"),
        ({"enable": ["etatcivil"]}, "Nothing to change"),
        ({"enable": ["regie"], "reason": " "}, "reason is required"),
    ],
)
def test_bad_changes_are_refused_with_a_reason(fes, kwargs: dict[str, object], message: str) -> None:
    _set("fes", ["etatcivil"])
    with pytest.raises(InvalidCommuneInput, match=message):
        services.commune_modules_set(slug="fes", **{"reason": "why", **kwargs})  # type: ignore[arg-type]
    assert Commune.objects.get(slug="fes").enabled_modules == ["etatcivil"]


def test_cli_shows_and_changes_a_communes_modules(fes, capsys: pytest.CaptureFixture[str]) -> None:
    _set("fes", ["etatcivil"])
    call_command("commune", "modules", "fes")
    shown = capsys.readouterr().out
    assert "enabled  etatcivil" in shown and "disabled regie" in shown
    assert len([line for line in shown.splitlines() if line.strip()]) == len(registry.available())
    with pytest.raises(CommandError, match="reason is required"):
        call_command("commune", "modules", "fes", "--enable", "regie")
    call_command("commune", "modules", "fes", "--enable", "regie,collecte", "--reason", "convention signed")
    assert "enabled  collecte" in capsys.readouterr().out
    assert Commune.objects.get(slug="fes").enabled_modules == ["collecte", "etatcivil", "regie"]


# ---------------------------------------------------------------------------------------------- dependencies


def test_collecte_declares_it_needs_the_regie() -> None:
    assert registry.available()["collecte"].requires == ("regie",)


def test_a_module_is_not_enabled_without_the_ones_it_needs(fes) -> None:
    _set("fes", ["etatcivil"])
    with pytest.raises(InvalidCommuneInput, match="collecte ne peut pas être activé sans regie"):
        services.commune_modules_set(slug="fes", enable=["collecte"], reason="field app")
    assert Commune.objects.get(slug="fes").enabled_modules == ["etatcivil"]
    # both at once is fine
    services.commune_modules_set(slug="fes", enable=["collecte", "regie"], reason="field app")
    assert Commune.objects.get(slug="fes").enabled_modules == ["collecte", "etatcivil", "regie"]


def test_a_module_others_need_is_not_disabled(fes) -> None:
    _set("fes", ["collecte", "etatcivil", "regie"])
    with pytest.raises(InvalidCommuneInput, match="regie ne peut pas être désactivé : collecte en a besoin"):
        services.commune_modules_set(slug="fes", disable=["regie"], reason="end of convention")
    assert Commune.objects.get(slug="fes").enabled_modules == ["collecte", "etatcivil", "regie"]
    services.commune_modules_set(slug="fes", disable=["collecte", "regie"], reason="end of convention")
    assert Commune.objects.get(slug="fes").enabled_modules == ["etatcivil"]


def test_cli_refuses_a_module_without_its_dependency(fes) -> None:
    _set("fes", ["etatcivil"])
    with pytest.raises(CommandError, match="activez aussi regie"):
        call_command("commune", "modules", "fes", "--enable", "collecte", "--reason", "field app")
    assert Commune.objects.get(slug="fes").enabled_modules == ["etatcivil"]


def test_a_commune_is_not_created_with_a_module_missing_its_dependency() -> None:
    problems = services.commune_validate(slug="azrou", name_fr="Azrou", name_ar="أزرو", modules=["collecte"])
    assert problems["modules"] == [
        "collecte ne peut pas être activé sans regie, dont il a besoin : activez aussi regie."
    ]
