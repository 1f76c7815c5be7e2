"""The operators' console on the base domain: who may see and change what, the fleet table, onboarding,
lifecycle, backups and restores."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jamaa.platform.core import twofactor
from jamaa.provisioning import services
from jamaa.provisioning.models import CommuneBackup, SchemaMigrationStatus
from jamaa.provisioning.selectors import OPERATORS_GROUP, fleet_overview
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table
from tests.conftest import SharedCommune

CONSOLE = "localhost"


def make_user(username: str, *, staff: bool = True, operator: bool = False) -> AbstractUser:
    """A platform user in the public schema: support staff, an operator, or neither."""
    user: AbstractUser = get_user_model().objects.create_user(
        username=username, password="Console-pass-2026!", is_staff=staff
    )
    if operator:
        user.groups.add(Group.objects.get_or_create(name=OPERATORS_GROUP)[0])
    return user


def delete_platform_users(*, username_prefix: str) -> None:
    """Remove committed public-schema users with raw SQL: the ORM's cascade would also look for tenant-only tables
    that reference users (e.g. a module's delegations), which do not exist in public."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM public.auth_user WHERE username LIKE %s", [f"{username_prefix}%"])
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " WHERE c.contype = 'f' AND c.confrelid = 'public.auth_user'::regclass"
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'DELETE FROM {table} WHERE "{column}" = ANY(%s)', [ids])
        cursor.execute("DELETE FROM public.auth_user WHERE id = ANY(%s)", [ids])


def console_client(user: AbstractUser | None = None, host: str = CONSOLE) -> Client:
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def operator(db: None) -> Client:
    return console_client(make_user("op-test", operator=True))


@pytest.fixture
def support(db: None) -> Client:
    return console_client(make_user("support-test"))


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


NEW_COMMUNE = {
    "slug": "azrou",
    "name_fr": "Azrou",
    "name_ar": "أزرو",
    "region": "Fès-Meknès",
    "province": "Ifrane",
    "region_ar": "فاس مكناس",
    "province_ar": "إفران",
    "admin_email": "admin@azrou.ma",
}


# ---------------------------------------------------------------------------------------------- access


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/new/", "/restore/", "/communes/fes/"])
def test_anonymous_is_sent_to_login(path: str, fes: SharedCommune) -> None:
    response = console_client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.django_db
def test_login_leads_to_the_fleet(fes: SharedCommune) -> None:
    user = make_user("op-login", operator=True)
    device = twofactor.enrolment_start(user=user)
    device.confirmed = True
    device.save()
    client = console_client()
    # the password, then the code of the authenticator the console requires (tests/platform/test_twofactor.py)
    response = client.post("/login/", {"username": "op-login", "password": "Console-pass-2026!"})
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    response = client.post("/login/verify/", {"code": twofactor.current_code(device=device)})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_non_staff_is_refused(fes: SharedCommune) -> None:
    client = console_client(make_user("someone", staff=False))
    assert client.get("/").status_code == 403
    assert client.get("/communes/fes/").status_code == 403
    assert client.post("/communes/fes/suspend/", {"reason": "test"}).status_code == 403


@pytest.mark.django_db
def test_support_can_view_but_not_change(support: Client, fes: SharedCommune) -> None:
    # support staff see the fleet and a commune's page, without the buttons
    fleet = support.get("/")
    assert fleet.status_code == 200
    assert "Fès" in page(fleet) and "Meknès" in page(fleet)
    assert 'id="new-commune"' not in page(fleet)
    detail = support.get("/communes/fes/")
    assert detail.status_code == 200 and 'id="action-suspend"' not in page(detail)
    # and every change is refused
    assert support.post("/communes/fes/suspend/", {"reason": "test"}).status_code == 403
    assert support.post("/communes/fes/archive/", {"reason": "test"}).status_code == 403
    assert support.post("/communes/fes/backup/").status_code == 403
    assert 'id="modules-form"' not in page(detail)
    assert support.post("/communes/fes/modules/", {"modules": ["regie"], "reason": "test"}).status_code == 403
    assert support.get("/new/").status_code == 403
    assert support.post("/new/", NEW_COMMUNE).status_code == 403
    assert support.get("/restore/").status_code == 403
    assert Commune.objects.get(slug="fes").status == CommuneStatus.ACTIVE
    assert not Commune.objects.filter(slug="azrou").exists()


# ---------------------------------------------------------------------------------------------- fleet table


@pytest.mark.django_db
def test_fleet_table_shows_every_commune_with_its_figures(fes: SharedCommune, meknes: SharedCommune) -> None:
    # given an agent of Fès who logged in, and a failed fleet migration recorded for Meknès
    agent = Client()
    assert (
        agent.post("/login/", {"username": fes.username, "password": fes.password}, HTTP_HOST=fes.host).status_code
        == 302
    )
    connection.set_schema_to_public()
    SchemaMigrationStatus.objects.update_or_create(
        schema_name="meknes", defaults={"ok": False, "error": "boom", "last_migration": "core.0001_initial"}
    )
    # when an operator opens the console on a development server's port
    client = console_client(make_user("op-fleet", operator=True), host="localhost:8000")
    response = client.get("/")
    body = page(response)
    # then each commune has its name, a link that keeps the port, its status and figures
    assert response.status_code == 200
    assert 'href="http://fes.localhost:8000/"' in body and 'href="http://meknes.localhost:8000/"' in body
    assert "Fès-Meknès" in body
    rows = {row.commune.slug: row for row in fleet_overview()}
    assert rows["fes"].users == 2  # the agent and the first administrator
    assert rows["fes"].last_activity is not None and rows["meknes"].last_activity is None
    assert rows["fes"].size_bytes > 100_000
    assert rows["fes"].last_migration and not rows["fes"].migration_failed
    assert rows["meknes"].migration_failed and rows["meknes"].migration_error == "boom"
    assert "échec de la migration" in body
    # one PostgreSQL server: the node column says so (on Citus it names each commune's worker, tests/citus)
    assert body.count('<td class="small node"><span class="text-body-secondary" title="serveur unique">—') >= 2
    # and in Arabic the names are the Arabic ones
    client.post("/language/", {"language": "ar", "next": "/"})
    body = page(client.get("/"))
    assert "فاس" in body and "مكناس" in body and 'dir="rtl"' in body


@pytest.mark.django_db
def test_fleet_queries_do_not_grow_with_the_number_of_communes(
    operator: Client, fes: SharedCommune, meknes: SharedCommune, settings: Any
) -> None:
    settings.JAMAA_ROUTING_RECHECK_SECONDS = 3600  # no generation check in the middle of a count

    def count(action: Any) -> int:
        action()  # warm: sessions, the routing cache, the connection's search_path
        with CaptureQueriesContext(connection) as queries:
            action()
        return len(queries)

    def statements(action: Any) -> int:
        """Queries other than django-tenants' `SET search_path` before each cursor."""
        with CaptureQueriesContext(connection) as queries:
            action()
        return sum(not q["sql"].startswith("SET ") for q in queries.captured_queries)

    before_selector = count(fleet_overview)
    before_page = count(lambda: operator.get("/"))
    # when two more communes join the fleet
    for slug, name_ar in (("azrou", "أزرو"), ("ifrane", "إفران")):
        services.commune_create(slug=slug, name_fr=slug.capitalize(), name_ar=name_ar)
    connection.set_schema_to_public()
    # then the table lists them for the same number of queries
    assert {"azrou", "ifrane"} <= {row.commune.slug for row in fleet_overview()}
    assert count(fleet_overview) == before_selector
    assert count(lambda: operator.get("/")) == before_page
    assert statements(fleet_overview) == 5  # communes, domains, catalogue, one UNION ALL, migration records


@pytest.mark.django_db
def test_the_fleet_is_shown_a_page_at_a_time_and_searched(
    operator: Client, fes: SharedCommune, meknes: SharedCommune, monkeypatch: Any
) -> None:
    from jamaa.platform.console import views

    # given pages of one commune
    monkeypatch.setattr(views, "FLEET_PAGE_SIZE", 1)
    total = Commune.objects.exclude(schema_name="public").count()
    assert total >= 2
    # then the first page lists the first commune by slug, the total, and a link to the next page only
    body = page(operator.get("/"))
    first, second = Commune.objects.exclude(schema_name="public").order_by("slug").values_list("slug", flat=True)[:2]
    assert f'data-slug="{first}"' in body and f'data-slug="{second}"' not in body
    assert f'id="communes-total">{total}<' in body and f"Page 1 sur {total}" in body
    assert 'rel="next"' in body and 'rel="prev"' not in body
    # and the second page the second commune, with a link back
    body = page(operator.get("/", {"page": 2}))
    assert f'data-slug="{second}"' in body and f'data-slug="{first}"' not in body and 'rel="prev"' in body
    # and a page past the end shows the last one, a page that is not a number the first
    assert f"Page {total} sur {total}" in page(operator.get("/", {"page": 10_000}))
    assert "Page 1 sur" in page(operator.get("/", {"page": "x"}))
    # when searched by a name, only the communes matching it are listed, counted and paged
    body = page(operator.get("/", {"q": "meknes"}))
    assert 'data-slug="meknes"' in body and 'data-slug="fes"' not in body and 'id="communes-total">1<' in body
    assert 'id="communes-pages"' not in body
    assert "Aucune commune ne correspond." in page(operator.get("/", {"q": "no-such-commune"}))


# ---------------------------------------------------------------------------------------------- onboarding


@pytest.mark.django_db
def test_operator_creates_a_commune_through_the_form(fes: SharedCommune) -> None:
    client = console_client(make_user("op-create", operator=True), host="localhost:8000")
    assert client.get("/new/").status_code == 200
    # when the operator submits the form
    response = client.post("/new/", NEW_COMMUNE)
    # then the commune exists, active, and the page shows its site and the one-time link
    assert response.status_code == 200
    commune = Commune.objects.get(slug="azrou")
    assert commune.status == CommuneStatus.ACTIVE and commune.province == "Ifrane"
    assert (commune.region_ar, commune.province_ar) == ("فاس مكناس", "إفران")  # for the official documents' masthead
    body = page(response)
    assert 'href="http://azrou.localhost:8000/"' in body
    assert 'value="http://azrou.localhost:8000/password/set/' in body
    # and the link opens the commune's set-password form
    link = response.context["set_password_url"].removeprefix("http://azrou.localhost:8000")
    assert Client().get(link, HTTP_HOST="azrou.localhost", follow=True).context["validlink"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"slug": "Bad Slug"}, "slug", "lettres minuscules"),  # the validator's message, in French
        ({"name_ar": "Azrou"}, "name_ar", "Arabic script"),
        ({"slug": "fes"}, "slug", "est déjà pris par une autre commune"),  # in French, not English
        ({"name_fr": ""}, "name_fr", "Ce champ est obligatoire"),
    ],
)
def test_bad_input_keeps_the_form_and_creates_nothing(
    operator: Client, fes: SharedCommune, change: dict[str, str], field: str, message: str
) -> None:
    communes = Commune.objects.count()
    response = operator.post("/new/", {**NEW_COMMUNE, **change})
    assert response.status_code == 200
    body = page(response)
    assert message in body and 'id="form-errors"' in body
    assert response.context["form"].errors[field]
    # the input is kept
    assert f'value="{NEW_COMMUNE["province"]}"' in body
    if change.get("slug"):
        assert f'value="{change["slug"]}"' in body
    assert Commune.objects.count() == communes
    assert not Commune.objects.filter(slug="azrou").exists()


# ---------------------------------------------------------------------------------------------- lifecycle


@pytest.mark.django_db
def test_operator_changes_a_communes_modules_through_the_page(operator: Client, fes: SharedCommune) -> None:
    Commune.objects.filter(slug="fes").update(enabled_modules=["etatcivil"])
    detail = page(operator.get("/communes/fes/"))
    assert 'id="modules-form"' in detail and 'value="etatcivil" class="form-check-input" id="id_modules_' in detail
    # a reason is required, and nothing changes without one
    response = operator.post("/communes/fes/modules/", {"modules": ["etatcivil", "regie"], "reason": ""}, follow=True)
    assert "Indiquez un motif" in page(response)
    assert Commune.objects.get(slug="fes").enabled_modules == ["etatcivil"]
    # ticking the régie and unticking the civil registry
    response = operator.post("/communes/fes/modules/", {"modules": ["regie"], "reason": "convention"}, follow=True)
    assert response.redirect_chain[-1][0] == "/communes/fes/"
    assert "Les modules de fes sont modifiés." in page(response)
    assert Commune.objects.get(slug="fes").enabled_modules == ["regie"]
    routing_table.clear()
    assert Client().get("/etatcivil/", HTTP_HOST=fes.host).status_code == 404
    assert Client().get("/regie/", HTTP_HOST=fes.host).status_code == 302  # to the login page
    # the same ticks again: nothing to change, said so
    response = operator.post("/communes/fes/modules/", {"modules": ["regie"], "reason": "again"}, follow=True)
    assert "Nothing to change" in page(response)
    assert operator.post("/communes/nowhere/modules/", {"modules": [], "reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_taken_slug_is_said_in_arabic_in_the_arabic_form(operator: Client, fes: SharedCommune) -> None:
    operator.cookies["jamaa_language"] = "ar"
    response = operator.post("/new/", {**NEW_COMMUNE, "slug": "fes"})
    assert response.status_code == 200
    assert "المعرّف «fes» مستعمل من طرف جماعة أخرى." in page(response)
    assert "already" not in page(response)


@pytest.mark.django_db
def test_the_modules_form_refuses_a_module_without_the_one_it_needs(operator: Client, fes: SharedCommune) -> None:
    Commune.objects.filter(slug="fes").update(enabled_modules=["etatcivil"])
    response = operator.post(
        "/communes/fes/modules/", {"modules": ["etatcivil", "collecte"], "reason": "field app"}, follow=True
    )
    assert "collecte ne peut pas être activé sans regie" in page(response)
    assert Commune.objects.get(slug="fes").enabled_modules == ["etatcivil"]


@pytest.mark.django_db
def test_suspending_asks_for_confirmation_first(operator: Client, fes: SharedCommune) -> None:
    # the first click shows what suspending does and asks; nothing changes yet
    response = operator.post("/communes/fes/suspend/", {"reason": "licence impayée"})
    assert response.status_code == 200
    body = page(response)
    assert 'id="suspend-confirm"' in body and "Suspendre Fès ?" in body
    assert 'name="confirmed" value="yes"' in body and 'value="licence impayée"' in body
    assert Commune.objects.get(slug="fes").status == CommuneStatus.ACTIVE
    # in Arabic too
    operator.cookies["jamaa_language"] = "ar"
    assert "تعليق فاس؟" in page(operator.post("/communes/fes/suspend/", {"reason": "x"}))
    del operator.cookies["jamaa_language"]
    # confirmed: suspended
    response = operator.post("/communes/fes/suspend/", {"reason": "licence impayée", "confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == "/communes/fes/"
    assert Commune.objects.get(slug="fes").status == CommuneStatus.SUSPENDED


@pytest.mark.django_db
def test_the_fleet_table_shows_module_names_not_codes(operator: Client, fes: SharedCommune) -> None:
    Commune.objects.filter(slug="fes").update(enabled_modules=["collecte", "regie"])
    row = page(operator.get("/")).split('data-slug="fes"')[1].split("</tr>")[0]
    assert "Collecte sur le terrain" in row and "regie" not in row.replace("/communes/fes/", "")
    operator.cookies["jamaa_language"] = "ar"
    row = page(operator.get("/")).split('data-slug="fes"')[1].split("</tr>")[0]
    assert "التحصيل الميداني" in row
    detail = page(operator.get("/communes/fes/"))
    assert "التحصيل الميداني" in detail.split('id="commune-facts"')[1].split("</dl>")[0]


@pytest.mark.django_db
def test_suspend_archive_and_resume_through_the_pages(operator: Client, fes: SharedCommune) -> None:
    # a reason is required
    response = operator.post("/communes/fes/suspend/", {"reason": ""}, follow=True)
    assert "Indiquez un motif" in page(response)
    assert Commune.objects.get(slug="fes").status == CommuneStatus.ACTIVE
    # suspending: the commune's site answers 503
    response = operator.post("/communes/fes/suspend/", {"reason": "licence unpaid", "confirmed": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == "/communes/fes/"
    assert Commune.objects.get(slug="fes").status == CommuneStatus.SUSPENDED
    assert 'data-status="suspended"' in page(response)
    routing_table.clear()  # on_commit does this in production; the test transaction never commits
    assert Client().get("/login/", HTTP_HOST=fes.host).status_code == 503
    # a refused transition is explained
    response = operator.post("/communes/fes/suspend/", {"reason": "again", "confirmed": "yes"}, follow=True)
    assert response.context["messages"] and "cannot become" in page(response)
    # archiving then resuming
    operator.post("/communes/fes/archive/", {"reason": "merged"})
    assert Commune.objects.get(slug="fes").status == CommuneStatus.ARCHIVED
    response = operator.post("/communes/fes/resume/", {"reason": "unmerged"}, follow=True)
    assert Commune.objects.get(slug="fes").status == CommuneStatus.ACTIVE
    assert 'data-status="active"' in page(response)
    routing_table.clear()
    assert Client().get("/login/", HTTP_HOST=fes.host).status_code == 200
    # unknown communes are 404
    assert operator.post("/communes/nowhere/suspend/", {"reason": "x"}).status_code == 404
    assert operator.get("/communes/nowhere/").status_code == 404


@pytest.mark.django_db
def test_a_corrupted_upload_restores_nothing(operator: Client, fes: SharedCommune, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive at all")
    communes = Commune.objects.count()
    with garbage.open("rb") as upload:
        response = operator.post("/restore/", {"archive": upload, "slug": "fes-copy"})
    assert response.status_code == 200
    assert "corrupted or truncated" in page(response) and 'value="fes-copy"' in page(response)
    assert Commune.objects.count() == communes


# ---------------------------------------------------------------------------------------------- backups


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[str]]:
    """Autocommit database access (pg_dump and psql only see committed data); cleans up every slug listed,
    its backups and the console users made here."""
    slugs: list[str] = []
    with django_db_blocker.unblock():
        yield slugs
        connection.set_schema_to_public()
        for slug in slugs:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{slug.replace("-", "_")}" CASCADE')
            Domain.objects.filter(tenant__slug=slug).delete()
            Commune.objects.filter(slug=slug).delete()
            for backup in CommuneBackup.objects.filter(slug=slug):
                Path(backup.path).unlink(missing_ok=True)
                backup.delete()
        delete_platform_users(username_prefix="committed-")
        routing_table.clear()


def test_backup_download_and_restore_through_the_console(committed: list[str], tmp_path: Path) -> None:
    # given a commune with committed data and an operator
    services.commune_create(slug="console-bk", name_fr="Bhalil", name_ar="البهاليل", admin_email="a@bhalil.ma")
    committed.append("console-bk")
    connection.set_schema_to_public()
    client = console_client(make_user("committed-operator", operator=True))
    # when the operator backs it up
    response = client.post("/communes/console-bk/backup/", follow=True)
    assert response.status_code == 200
    backup = CommuneBackup.objects.get(slug="console-bk")
    body = page(response)
    assert f"/backups/{backup.pk}/download/" in body
    # then the archive can be downloaded, byte for byte
    download = client.get(f"/backups/{backup.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    archive = tmp_path / "console-bk.tar.gz"
    archive.write_bytes(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    assert archive.read_bytes() == Path(backup.path).read_bytes()
    assert Client(HTTP_HOST=CONSOLE).get(f"/backups/{backup.pk}/download/").status_code == 302  # anonymous
    # and uploading it restores a copy under a new slug
    committed.append("console-bk-copy")
    with archive.open("rb") as upload:
        response = client.post("/restore/", {"archive": upload, "slug": "console-bk-copy"}, follow=True)
    assert response.redirect_chain[-1][0] == "/communes/console-bk-copy/"
    copy = Commune.objects.get(slug="console-bk-copy")
    assert copy.name_ar == "البهاليل" and copy.status == CommuneStatus.ACTIVE
    assert "console-bk-copy.localhost" in page(response)


def test_a_hostile_or_unsigned_upload_is_refused_and_an_accepted_one_is_audited(
    committed: list[str], tmp_path: Path
) -> None:
    import io
    import json
    import tarfile

    from jamaa.platform.core.models import AuditEvent
    from jamaa.provisioning.archive import manifest_sign, sha256

    # given an operator and a commune's genuine archive, and two altered copies of it
    services.commune_create(slug="console-hx", name_fr="Hajeb", name_ar="الحاجب", admin_email="a@hajeb.ma")
    committed.append("console-hx")
    connection.set_schema_to_public()
    client = console_client(make_user("committed-hx-operator", operator=True))
    client.post("/communes/console-hx/backup/")
    genuine = Path(CommuneBackup.objects.get(slug="console-hx").path)
    with tarfile.open(genuine, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]

    def write(name: str, changed: dict[str, bytes]) -> Path:
        path = tmp_path / name
        with tarfile.open(path, "w:gz") as tar:
            for member, data in changed.items():
                info = tarfile.TarInfo(member)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return path

    public = json.loads(members["public.json"])
    public["domains"] = [{"domain": "meknes.localhost.attacker.example", "is_primary": True}]
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["public.json"] = sha256(json.dumps(public).encode())
    signed_manifest = json.dumps(manifest).encode()  # an insider holding the key: the fields are checked anyway
    hostile = write(
        "hostile.tar.gz",
        members
        | {
            "public.json": json.dumps(public).encode(),
            "manifest.json": signed_manifest,
            "manifest.sig": manifest_sign(signed_manifest),
        },
    )
    unsigned = write("unsigned.tar.gz", {k: v for k, v in members.items() if k != "manifest.sig"})
    communes = set(Commune.objects.values_list("slug", flat=True))
    # when the altered one is uploaded, it is refused with its reason and nothing is created
    with hostile.open("rb") as upload:
        response = client.post("/restore/", {"archive": upload, "slug": "console-hx-copy"})
    assert response.status_code == 200 and 'id="form-errors"' in page(response)
    assert "meknes.localhost.attacker.example" in page(response) and "not under the base domain" in page(response)
    # an unsigned one likewise, unless the operator gives a reason
    with unsigned.open("rb") as upload:
        response = client.post("/restore/", {"archive": upload, "slug": "console-hx-copy"})
    assert response.status_code == 200 and "not signed" in page(response)
    assert set(Commune.objects.values_list("slug", flat=True)) == communes
    assert client.get("/").status_code == 200  # the fleet page still answers
    committed.append("console-hx-copy")
    with unsigned.open("rb") as upload:
        response = client.post(
            "/restore/",
            {"archive": upload, "slug": "console-hx-copy", "accept_unsigned_reason": "migrated from the old server"},
            follow=True,
        )
    assert response.redirect_chain[-1][0] == "/communes/console-hx-copy/"
    event = AuditEvent.objects.filter(action="commune.restore_unsigned_accepted").latest("id")
    assert (event.actor_label, event.reason) == ("committed-hx-operator", "migrated from the old server")
    assert client.get("/").status_code == 200
