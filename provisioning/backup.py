"""Per-commune backup and restore: one signed archive with the schema, the commune's public rows and its media.

Archive (tar.gz, format 2, see docs/backup.md): `manifest.json` (format, the commune's identity, migration
state, per-table row counts and checksums, sha256 of every member), `manifest.sig` (HMAC-SHA256 of the
manifest under the platform's backup key), `schema.dump` (`pg_dump -Fc -n <schema>`), `public.json` (the
commune and its domains), `media/…` (files under MEDIA_ROOT/<schema>/). The dump and the checksums come from one
snapshot. A restore authenticates and validates everything before it touches anything, restores through a
quarantine database under a transient role that reaches nothing else (sandbox.py), into a schema name the
platform chose, and verifies the restored tables against the manifest.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from psycopg2 import sql

from jamaa.platform.core.services import audit_record
from jamaa.platform.db import as_owner, use_public_schema
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.selectors import commune_host

from . import sandbox
from .archive import (
    DUMP_MEMBER,
    FORMAT,
    archive_read,
    archive_validate,
    archive_write,
    backup_key,
    key_id,
    sha256,
    slug_problems,
)
from .clone import migration_nodes
from .exceptions import BackupInvalid, CommuneExists, ForeignArchive, InvalidCommuneInput
from .models import CommuneBackup

__all__ = [
    "FORMAT",
    "BackupResult",
    "RestoreResult",
    "backup_verify",
    "commune_backup",
    "commune_restore",
    "pg_tool",
    "table_checksums",
]

pg_tool = sandbox.pg_tool


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
    signed: bool = True
    credentials_revoked: int = 0


def table_checksums(schema: str) -> dict[str, dict[str, Any]]:
    """Row count and an order-independent checksum of every table of a schema."""
    with connection.cursor() as cursor:
        return sandbox.checksums(cursor, schema)


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


@as_owner
def commune_backup(*, slug: str, output: Path | None = None) -> BackupResult:
    """Write one signed archive of the commune, dump and checksums from one snapshot.

    Raises Commune.DoesNotExist, BackupInvalid (pg_dump failed). Records a CommuneBackup row.
    """
    use_public_schema()
    commune = Commune.objects.get(slug=slug)
    schema = commune.schema_name
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    if output is None:
        output = Path(settings.JAMAA_VAR_DIR) / "backups" / f"{slug}-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    public = {
        "commune": {
            "uid": str(commune.uid),
            "slug": commune.slug,
            "schema_name": schema,
            "name_fr": commune.name_fr,
            "name_ar": commune.name_ar,
            "region": commune.region,
            "province": commune.province,
            "region_ar": commune.region_ar,
            "province_ar": commune.province_ar,
            "status": commune.status,
            "enabled_modules": list(commune.enabled_modules),
        },
        "domains": [{"domain": d.domain, "is_primary": d.is_primary} for d in commune.domains.all()],
    }
    # One repeatable-read transaction exports its snapshot: pg_dump reads the schema as of that snapshot, and the
    # migration state and checksums are read in the same transaction, so writes made meanwhile are in neither.
    snap = sandbox.connect()
    try:
        snap.autocommit = False
        snap.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with snap.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            args, env = sandbox.tool_args()
            dump = sandbox.run(
                [
                    pg_tool("pg_dump"),
                    *args,
                    "--snapshot",
                    snapshot,
                    "--schema",
                    schema,
                    "--no-owner",
                    "--no-privileges",
                    "--format=custom",
                ],
                env=env,
                what="pg_dump",
            )
            cur.execute(
                sql.SQL("SELECT app, name FROM {}.django_migrations ORDER BY id").format(sql.Identifier(schema))
            )
            migrations = [f"{app}.{name}" for app, name in cur.fetchall()]
            tables = sandbox.checksums(cur, schema)
        snap.rollback()
    finally:
        snap.close()
    members: dict[str, bytes] = {
        DUMP_MEMBER: dump,
        "public.json": json.dumps(public, ensure_ascii=False).encode(),
    }
    for name in _media_files(schema):
        with default_storage.open(f"{schema}/{name}", "rb") as handle:
            members[f"media/{name}"] = handle.read()
    manifest = {
        "format": FORMAT,
        "slug": slug,
        "schema": schema,
        "commune_uid": str(commune.uid),
        "key_id": key_id(backup_key()),
        "created_at": timezone.now().isoformat(),
        "snapshot": snapshot,
        "migrations": migrations,
        "tables": tables,
        "files": {name: sha256(data) for name, data in members.items()},
    }
    archive_write(path=output, manifest=manifest, members=members, mtime=int(dt.datetime.now(tz=dt.UTC).timestamp()))
    digest = sha256(output.read_bytes())
    CommuneBackup.objects.create(slug=slug, path=str(output), size_bytes=output.stat().st_size, sha256=digest)
    return BackupResult(
        output, slug, len(tables), sum(t["rows"] for t in tables.values()), output.stat().st_size, digest
    )


@as_owner
def backup_verify(*, path: Path) -> int:
    """Prove an archive restores: authenticate it, restore its dump into a scratch (quarantine) database and
    compare every table with the manifest; the scratch copy is dropped. Returns the number of rows checked.

    Raises BackupInvalid. Touches no commune.
    """
    archive = archive_read(path=path)
    source = archive_validate(archive)
    others = sandbox.platform_schemas()
    with sandbox.dump_to_file(archive.members[DUMP_MEMBER]) as folder:
        dump = Path(folder) / "schema.dump"
        sandbox.toc_check(dump=dump, schema=source.schema_name)
        sandbox.script_check(
            dump=dump,
            schema=source.schema_name,
            other_schemas=others - {source.schema_name},
            public_names=sandbox.public_extension_names(),
        )
        with sandbox.sandbox() as box, sandbox.database_errors():
            sandbox.quarantine_restore(
                box,
                dump=dump,
                schema=source.schema_name,
                expected=source.tables,
                other_schemas=others - {source.schema_name},
            )
    return sum(int(t["rows"]) for t in source.tables.values())


# ---------------------------------------------------------------------------------------------- restore


def _revoke_credentials(schema: str) -> int:
    """A copy is for inspection: the original's API tokens, device tokens and sessions do not open it."""
    revoked = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        tables = {row[0] for row in cursor.fetchall()}
        for table, statement in (
            ("authtoken_token", "DELETE FROM {}.authtoken_token"),
            ("django_session", "DELETE FROM {}.django_session"),
            ("collecte_devicetoken", "UPDATE {}.collecte_devicetoken SET revoked_at = now() WHERE revoked_at IS NULL"),
        ):
            if table in tables:
                cursor.execute(sql.SQL(statement).format(sql.Identifier(schema)))
                revoked += cursor.rowcount
    return revoked


@as_owner
def commune_restore(
    *,
    path: Path,
    as_slug: str | None = None,
    accept_unsigned_reason: str = "",
    keep_credentials: bool = False,
    actor: AbstractBaseUser | AnonymousUser | None = None,
) -> RestoreResult:
    """Restore an archive into a new commune (or one of the same identity whose schema was emptied).

    `as_slug` restores a copy beside the original (its tokens and sessions revoked unless `keep_credentials`).
    An unsigned or mis-signed archive is refused unless `accept_unsigned_reason` is given (audited).
    Raises BackupInvalid (unreadable, unsigned, altered, invalid fields, objects outside its schema, a newer
    version), ForeignArchive (another commune's archive), CommuneExists (the target still has its schema, or a
    host is taken), InvalidCommuneInput (bad new slug). Nothing is touched before every check has passed; a
    restore that does not verify is undone.
    """
    from .fleet import migrate_schema
    from .services import schema_name_for

    archive = archive_read(path=path, accept_unsigned_reason=accept_unsigned_reason)
    source = archive_validate(archive)
    slug = (as_slug or source.slug).strip().lower()
    problems = slug_problems(slug)
    if problems:
        raise InvalidCommuneInput("; ".join(problems), extra={"fields": {"slug": problems}})
    schema = schema_name_for(slug)
    is_copy = slug != source.slug
    current = {f"{a}.{n}" for a, n in migration_nodes()}
    unknown = sorted(set(source.migrations) - current)
    if unknown:
        raise BackupInvalid(
            f"The archive was made by a newer version of Jamaa (migrations unknown here: {', '.join(unknown[:3])}…); "
            "restore it with that version."
        )
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
    if existing is not None and existing.uid != source.uid:
        raise ForeignArchive(
            f"The archive is of the commune '{source.slug}' ({source.uid}), not of '{slug}' ({existing.uid}): "
            "a commune only takes back its own archive. Restore it under a new slug with --as to inspect it.",
            extra={"archive_commune": source.slug, "archive_uid": str(source.uid), "target": slug},
        )
    hosts = [(commune_host(slug), True)] if is_copy else list(source.hosts)
    if existing is None:
        if Commune.objects.filter(schema_name=schema).exists():
            raise CommuneExists(f"The schema name {schema} already belongs to another commune.")
        if not is_copy and Commune.objects.filter(uid=source.uid).exists():
            raise CommuneExists(f"Another commune already has the identity {source.uid}: restore with --as.")
        taken = sorted(Domain.objects.filter(domain__in=[h for h, _ in hosts]).values_list("domain", flat=True))
        if taken:
            raise CommuneExists(f"The host(s) {', '.join(taken)} already belong to another commune.")
    if not archive.signed:
        audit_record(
            actor=actor,
            action="commune.restore_unsigned_accepted",
            actor_label="" if actor is not None else "provisioning",
            reason=accept_unsigned_reason.strip(),
            data={"archive": str(path), "slug": slug, "from_slug": source.slug, "problem": archive.signature_problem},
        )

    others = sandbox.platform_schemas() - {source.schema_name}
    with sandbox.dump_to_file(archive.members[DUMP_MEMBER]) as folder:
        dump = Path(folder) / "schema.dump"
        sandbox.toc_check(dump=dump, schema=source.schema_name)
        sandbox.script_check(
            dump=dump, schema=source.schema_name, other_schemas=others, public_names=sandbox.public_extension_names()
        )
        with sandbox.sandbox() as box, sandbox.database_errors():
            sandbox.quarantine_restore(
                box, dump=dump, schema=source.schema_name, expected=source.tables, other_schemas=others
            )
            sandbox.restore_into_platform(
                box, schema=source.schema_name, target=schema, expected=source.tables, workdir=Path(folder)
            )

    # Public rows; undo the schema if they fail.
    try:
        with transaction.atomic():
            if existing is None:
                fields: dict[str, Any] = {"uid": source.uid} if not is_copy else {}  # a copy is a new commune
                commune = Commune.objects.create(
                    **fields,
                    schema_name=schema,
                    slug=slug,
                    name_fr=source.name_fr,
                    name_ar=source.name_ar,
                    region=source.region,
                    province=source.province,
                    region_ar=source.region_ar,
                    province_ar=source.province_ar,
                    enabled_modules=list(source.enabled_modules),
                    status=CommuneStatus.ACTIVE,
                )
                for host, primary in hosts:
                    Domain.objects.create(domain=host, tenant=commune, is_primary=primary)
            else:
                commune = existing
    except Exception:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        raise
    # Media files, then bring an older archive up to the current migrations.
    for name, data in archive.members.items():
        if name.startswith("media/"):
            default_storage.save(f"{schema}/{name.removeprefix('media/')}", ContentFile(data))
    forward = 0
    if set(source.migrations) != current:
        outcome = migrate_schema(schema)
        if not outcome.ok:
            raise BackupInvalid(f"The restored commune could not be migrated forward: {outcome.error}")
        forward = outcome.applied
    revoked = 0
    if is_copy and not keep_credentials:
        revoked = _revoke_credentials(schema)
        with schema_context(schema):
            audit_record(
                actor=None,
                action="commune.copy_credentials_revoked",
                actor_label="provisioning",
                data={"from_slug": source.slug, "revoked": revoked},
            )
        use_public_schema()
    restored = table_checksums(schema)
    audit_record(
        actor=actor,
        action="commune.restored",
        target=commune,
        actor_label="" if actor is not None else "provisioning",
        reason=accept_unsigned_reason.strip() if not archive.signed else "",
        data={
            "archive": str(path),
            "from_slug": source.slug,
            "from_uid": str(source.uid),
            "signed": archive.signed,
            "copy": is_copy,
            "credentials_revoked": revoked,
            "credentials_kept": is_copy and keep_credentials,
        },
    )
    return RestoreResult(
        slug,
        schema,
        commune_host(slug),
        len(restored),
        sum(t["rows"] for t in source.tables.values()),
        forward,
        archive.signed,
        revoked,
    )
