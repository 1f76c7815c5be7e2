"""Onboarding a commune: one service behind the CLI, the console and the API; all or nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.platform.core.models import AuditEvent
from jamaa.provisioning import services
from jamaa.provisioning.clone import TEMPLATE_SCHEMA
from jamaa.provisioning.exceptions import CommuneExists, InvalidCommuneInput, ProvisioningFailed, TemplateNotReady
from jamaa.tenants.models import Commune, CommuneStatus, Domain

pytestmark = pytest.mark.django_db


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def nothing_left(slug: str) -> bool:
    return (
        not Commune.objects.filter(slug=slug).exists()
        and not Domain.objects.filter(domain__startswith=f"{slug}.").exists()
        and not schema_exists(slug.replace("-", "_"))
    )


def test_create_builds_schema_domain_and_first_administrator(fes) -> None:
    # when an operator onboards Sefrou
    created = services.commune_create(
        slug="sefrou", name_fr="Sefrou", name_ar="صفرو", region="Fès-Meknès", admin_email="admin@sefrou.ma"
    )
    # then the commune is active with its domain and schema
    commune = Commune.objects.get(slug="sefrou")
    assert commune.status == CommuneStatus.ACTIVE
    assert created.host == "sefrou.localhost"
    assert Domain.objects.get(domain="sefrou.localhost").tenant_id == commune.pk
    assert schema_exists("sefrou")
    # and a first administrator without a password yet, with a one-time link
    with schema_context("sefrou"):
        admin = get_user_model().objects.get(username="admin")
        assert not admin.has_usable_password()
        assert admin.groups.filter(name="administrators").exists()
        assert AuditEvent.objects.filter(action="commune.created").count() == 1
    assert created.set_password_path.startswith("/password/set/")
    # and the creation is audited in public
    assert AuditEvent.objects.filter(action="commune.created", target_id=str(commune.pk)).exists()


def test_set_password_link_works_once(client: Client, fes) -> None:
    created = services.commune_create(slug="ifrane", name_fr="Ifrane", name_ar="إفران", admin_email="a@ifrane.ma")
    host = created.host
    # the link leads to a form, on the link itself (no session needed: see platform/views.PasswordSetView)
    response = client.get(created.set_password_path, HTTP_HOST=host)
    assert response.status_code == 200 and response.context["validlink"] is True
    form_url = created.set_password_path
    new_password = "Ifrane-Admin-2026!"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password}, HTTP_HOST=host)
    assert response.status_code == 302
    response = client.post("/login/", {"username": "a", "password": new_password}, HTTP_HOST=host)
    assert response.status_code == 302
    # and the link cannot be used twice
    again = Client().get(created.set_password_path, HTTP_HOST=host, follow=True)
    assert again.context["validlink"] is False


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"slug": "x"}, "slug"),
        ({"slug": "www"}, "slug"),
        ({"name_ar": ""}, "name_ar"),
        ({"name_ar": "Settat"}, "name_ar"),
        ({"name_fr": " "}, "name_fr"),
        ({"modules": ["nosuchmodule"]}, "modules"),
    ],
)
def test_bad_input_is_refused_before_anything_is_created(kwargs: dict, field: str) -> None:
    args = {"slug": "settat", "name_fr": "Settat", "name_ar": "سطات", **kwargs}
    with pytest.raises(InvalidCommuneInput) as excinfo:
        services.commune_create(**args)
    assert field in excinfo.value.extra["fields"]
    assert nothing_left(args["slug"].strip().lower())


def test_existing_slug_is_refused(fes) -> None:
    before = Commune.objects.count()
    with pytest.raises(CommuneExists):
        services.commune_create(slug="fes", name_fr="Fès", name_ar="فاس")
    assert Commune.objects.count() == before


def test_failure_midway_leaves_nothing_behind(monkeypatch, fes) -> None:
    # given the administrator's creation fails after the schema was made
    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_first_admin_create", boom)
    # when onboarding Guelmim, by either method
    for method in ("clone", "migrations"):
        with pytest.raises(ProvisioningFailed, match="disk full"):
            services.commune_create(slug="guelmim", name_fr="Guelmim", name_ar="كلميم", method=method)
        # then no schema, domain or row is left
        assert nothing_left("guelmim"), method


def test_clone_is_refused_while_the_template_lags(fes) -> None:
    # given a migration file the template has not applied
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TEMPLATE_SCHEMA}.django_migrations WHERE app = 'core' AND name = '0002_audit_append_only'"
        )
    # then no commune is created from it
    with pytest.raises(TemplateNotReady, match="jamaa fleet migrate"):
        services.commune_create(slug="settat", name_fr="Settat", name_ar="سطات")
    assert nothing_left("settat")


def test_cli_creates_and_prints_the_link(fes) -> None:
    out = StringIO()
    call_command(
        "commune",
        "create",
        "azrou",
        "--name-fr",
        "Azrou",
        "--name-ar",
        "أزرو",
        "--region-ar",
        "فاس مكناس",
        "--province-ar",
        "إفران",
        "--admin-email",
        "chef@azrou.ma",
        stdout=out,
    )
    text = out.getvalue()
    assert Commune.objects.filter(slug="azrou", region_ar="فاس مكناس", province_ar="إفران").exists()
    assert "Created commune azrou at http://azrou.localhost/" in text
    assert "Administrator: chef" in text
    assert "http://azrou.localhost/password/set/" in text


def test_cli_reports_bad_input_in_one_sentence(fes) -> None:
    with pytest.raises(CommandError, match="Unknown module"):
        call_command("commune", "create", "azrou", "--name-fr", "Azrou", "--name-ar", "أزرو", "--modules", "zzz")
    assert nothing_left("azrou")
