"""The backup archive: its members, its signature and the checks of every field it carries (see docs/backup.md).

A tar.gz of `manifest.json`, `manifest.sig`, `schema.dump` (pg_dump custom format of the commune's schema),
`public.json` (the commune's public rows) and `media/…`. The manifest lists the sha256 of every other member
and `manifest.sig` is an HMAC-SHA256 of the manifest's exact bytes under the platform's backup key, so one
signature authenticates the whole archive. Nothing read from an archive is trusted before `archive_read` and
`archive_validate` have passed.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import tarfile
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from jamaa.modules import registry
from jamaa.tenants.models import SLUG_VALIDATOR, CommuneStatus

from .exceptions import BackupInvalid

FORMAT = "jamaa-commune-backup/2"
OLD_FORMATS = {"jamaa-commune-backup/1"}
SIGNATURE_ALG = "HMAC-SHA256"
DUMP_MEMBER = "schema.dump"
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_MEMBER = re.compile(r"^(manifest\.json|manifest\.sig|schema\.dump|schema\.sql|public\.json|media/[^\x00-\x1f]+)$")
_MIGRATION = re.compile(r"^[a-z_][a-z0-9_]*\.[0-9A-Za-z_]+$")
_CHECKSUM = re.compile(r"^[0-9a-f]{32}$|^$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_NAME = 120


@dataclass(frozen=True)
class Archive:
    """A read, checksummed archive. `signed` is False only when an operator accepted it without a valid signature."""

    manifest: dict[str, Any]
    members: dict[str, bytes]
    signed: bool
    signature_problem: str


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def backup_key() -> bytes:
    """JAMAA_BACKUP_KEY when set, else a key derived from SECRET_KEY (so a backup made with one SECRET_KEY only
    restores where the same key, or the same JAMAA_BACKUP_KEY, is configured)."""
    explicit = str(getattr(settings, "JAMAA_BACKUP_KEY", "") or "")
    if explicit:
        return explicit.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"jamaa-commune-backup-key/1", hashlib.sha256).digest()


def key_id(key: bytes) -> str:
    """A short public name for a key, so a refusal can say "signed with another key" without revealing it."""
    return hashlib.sha256(b"key-id:" + key).hexdigest()[:12]


def manifest_sign(manifest_bytes: bytes) -> bytes:
    key = backup_key()
    mac = hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()
    return json.dumps({"alg": SIGNATURE_ALG, "key_id": key_id(key), "mac": mac}).encode()


def _signature_problem(manifest_bytes: bytes, signature: bytes | None) -> str:
    """'' when the signature is right, else why not."""
    if signature is None:
        return "The archive is not signed."
    try:
        sig = json.loads(signature)
        alg, kid, mac = sig["alg"], sig["key_id"], sig["mac"]
    except (ValueError, KeyError, TypeError):
        return "The archive's signature is unreadable."
    if alg != SIGNATURE_ALG or not isinstance(mac, str):
        return f"The archive's signature uses an unknown algorithm ({alg!r})."
    key = backup_key()
    if kid != key_id(key):
        return f"The archive was signed with another backup key (key id {kid!r}, this platform's is {key_id(key)!r})."
    expected = hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, mac):
        return "The archive's signature does not match its manifest: it was altered after it was made."
    return ""


def archive_write(*, path: Path, manifest: dict[str, Any], members: dict[str, bytes], mtime: int) -> None:
    """Write the archive atomically (a .partial file renamed at the end), manifest signed."""
    manifest_bytes = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
    tmp = path.with_suffix(".partial")
    with tarfile.open(tmp, "w:gz") as tar:
        entries = [("manifest.json", manifest_bytes), ("manifest.sig", manifest_sign(manifest_bytes))]
        for name, data in [*entries, *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = mtime
            tar.addfile(info, io.BytesIO(data))
    tmp.replace(path)


def archive_read(*, path: Path, accept_unsigned_reason: str = "") -> Archive:
    """Every member, checked against the manifest, the manifest checked against its signature.

    Raises BackupInvalid (unreadable, incomplete, altered, an older format, unsigned or mis-signed unless
    `accept_unsigned_reason` is given). Touches nothing.
    """
    if not path.is_file():
        raise BackupInvalid(f"No archive at {path}.")
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for info in tar.getmembers():
                if not info.isfile() or not _MEMBER.match(info.name) or ".." in Path(info.name).parts:
                    raise BackupInvalid(f"The archive holds an unexpected entry: {info.name!r}.")
                if info.name in members:
                    raise BackupInvalid(f"The archive holds {info.name!r} twice.")
                extracted = tar.extractfile(info)
                if extracted is None:
                    raise BackupInvalid(f"The archive holds an unreadable entry: {info.name!r}.")
                members[info.name] = extracted.read()
    except (tarfile.TarError, EOFError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise BackupInvalid(f"The archive is corrupted or truncated ({exc.__class__.__name__}: {exc}).") from exc
    manifest_bytes = members.pop("manifest.json", None)
    try:
        manifest = json.loads(manifest_bytes) if manifest_bytes is not None else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict):
        raise BackupInvalid("The archive has no readable manifest.json.")
    if manifest.get("format") in OLD_FORMATS:
        raise BackupInvalid(
            f"The archive is in the old format {manifest.get('format')!r} (a plain SQL script), which is no longer "
            "restored: its SQL would have to be executed as it is. Make a new backup with this version of Jamaa "
            f"(format {FORMAT!r})."
        )
    if manifest.get("format") != FORMAT:
        raise BackupInvalid(f"Unknown archive format {manifest.get('format')!r} (expected {FORMAT}).")
    signature = members.pop("manifest.sig", None)
    problem = _signature_problem(manifest_bytes or b"", signature)
    if problem and not accept_unsigned_reason.strip():
        raise BackupInvalid(
            f"{problem} An archive is only restored when it carries this platform's signature; an operator can "
            "accept it anyway by giving a reason, which is audited."
        )
    expected = manifest.get("files")
    if not isinstance(expected, dict) or not all(isinstance(v, str) for v in expected.values()):
        raise BackupInvalid("The manifest has no list of files.")
    if set(expected) != set(members):
        missing = sorted(set(expected) - set(members))
        raise BackupInvalid(
            f"The archive is incomplete: missing {', '.join(missing) or 'nothing'}, "
            f"unexpected {', '.join(sorted(set(members) - set(expected))) or 'nothing'}."
        )
    for name, data in members.items():
        if not hmac.compare_digest(sha256(data), expected[name]):
            raise BackupInvalid(f"The archive is corrupted: {name} does not match its checksum.")
    return Archive(manifest=manifest, members=members, signed=not problem, signature_problem=problem)


# ---------------------------------------------------------------------------------------------- fields


@dataclass(frozen=True)
class ArchivedCommune:
    """What a restore may take from an archive's public.json and manifest, every field validated."""

    uid: uuid.UUID
    slug: str
    schema_name: str
    name_fr: str
    name_ar: str
    region: str
    province: str
    enabled_modules: tuple[str, ...]
    hosts: tuple[tuple[str, bool], ...]  # (host, is_primary)
    migrations: tuple[str, ...]
    tables: dict[str, dict[str, Any]]
    region_ar: str = ""
    province_ar: str = ""


def _text(value: object, field: str, *, required: bool) -> str:
    if not isinstance(value, str):
        raise BackupInvalid(f"public.json: {field} must be text.")
    value = value.strip()
    if required and not value:
        raise BackupInvalid(f"public.json: {field} is empty.")
    if len(value) > _MAX_NAME:
        raise BackupInvalid(f"public.json: {field} is longer than {_MAX_NAME} characters.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in value):
        raise BackupInvalid(f"public.json: {field} holds control or invisible characters.")
    if "<" in value or ">" in value:
        raise BackupInvalid(f"public.json: {field} holds markup characters (< or >).")
    return value


def slug_problems(slug: str) -> list[str]:
    from .services import RESERVED_SLUGS

    try:
        SLUG_VALIDATOR(slug)
    except ValidationError as exc:
        return [str(m) for m in exc.messages]
    if slug in RESERVED_SLUGS:
        return [f"'{slug}' is reserved."]
    return []


def host_problem(host: object) -> str:
    """'' when `host` is a host name strictly under the platform's base domain."""
    base = str(settings.JAMAA_BASE_DOMAIN).lower()
    if not isinstance(host, str) or host != host.strip().lower() or len(host) > 253:
        return f"{host!r} is not a host name"
    if not host.endswith("." + base):
        return f"{host!r} is not under the base domain {base}"
    labels = host.removesuffix("." + base).split(".")
    if not all(_HOST_LABEL.match(label) for label in labels):
        return f"{host!r} is not a valid host name"
    return ""


def archive_validate(archive: Archive) -> ArchivedCommune:
    """Check every field of the manifest and public.json. Raises BackupInvalid; touches nothing."""
    from .services import schema_name_for

    m = archive.manifest
    try:
        public = json.loads(archive.members["public.json"])
    except (KeyError, ValueError) as exc:
        raise BackupInvalid("The archive has no readable public.json.") from exc
    commune = public.get("commune") if isinstance(public, dict) else None
    if not isinstance(commune, dict):
        raise BackupInvalid("public.json: no commune.")
    slug = commune.get("slug")
    if not isinstance(slug, str) or slug_problems(slug):
        raise BackupInvalid(f"public.json: the slug {slug!r} is invalid ({'; '.join(slug_problems(str(slug)))}).")
    if m.get("slug") != slug:
        raise BackupInvalid("The manifest and public.json name different communes.")
    schema = schema_name_for(slug)
    if m.get("schema") != schema or commune.get("schema_name") != schema:
        raise BackupInvalid(f"The archive's schema must be {schema!r} for the slug {slug!r}.")
    try:
        uid = uuid.UUID(str(m.get("commune_uid")))
    except ValueError as exc:
        raise BackupInvalid("The manifest carries no valid commune identity (commune_uid).") from exc
    if str(commune.get("uid")) != str(uid):
        raise BackupInvalid("The manifest and public.json carry different commune identities.")
    modules = commune.get("enabled_modules")
    if not isinstance(modules, list) or not all(isinstance(x, str) for x in modules):
        raise BackupInvalid("public.json: enabled_modules must be a list of module codes.")
    unknown = sorted(set(modules) - set(registry.available()))
    if unknown:
        raise BackupInvalid(f"public.json: unknown module(s) {', '.join(map(repr, unknown))}.")
    if commune.get("status") not in CommuneStatus.values:
        raise BackupInvalid(f"public.json: unknown status {commune.get('status')!r}.")
    name_ar = _text(commune.get("name_ar"), "name_ar", required=True)
    if not any("\u0600" <= ch <= "\u06ff" for ch in name_ar):
        raise BackupInvalid("public.json: name_ar is not written in Arabic script.")
    domains = public.get("domains")
    if not isinstance(domains, list) or not domains:
        raise BackupInvalid("public.json: no domains.")
    hosts: list[tuple[str, bool]] = []
    for d in domains:
        if not isinstance(d, dict) or not isinstance(d.get("is_primary"), bool):
            raise BackupInvalid("public.json: a domain is malformed.")
        problem = host_problem(d.get("domain"))
        if problem:
            raise BackupInvalid(f"public.json: refused host: {problem}.")
        hosts.append((str(d["domain"]), bool(d["is_primary"])))
    if sum(1 for _, primary in hosts if primary) != 1 or len({h for h, _ in hosts}) != len(hosts):
        raise BackupInvalid("public.json: the domains must be distinct with exactly one primary.")
    migrations = m.get("migrations")
    if not isinstance(migrations, list) or not all(isinstance(x, str) and _MIGRATION.match(x) for x in migrations):
        raise BackupInvalid("The manifest's migrations are malformed.")
    tables = m.get("tables")
    if not isinstance(tables, dict) or not all(
        isinstance(t, str)
        and isinstance(v, dict)
        and isinstance(v.get("rows"), int)
        and isinstance(v.get("checksum"), str)
        and _CHECKSUM.match(v["checksum"])
        for t, v in tables.items()
    ):
        raise BackupInvalid("The manifest's tables are malformed.")
    if DUMP_MEMBER not in archive.members or not all(_SHA256.match(v) for v in m["files"].values()):
        raise BackupInvalid(f"The archive has no {DUMP_MEMBER}.")
    return ArchivedCommune(
        uid=uid,
        slug=slug,
        schema_name=schema,
        name_fr=_text(commune.get("name_fr"), "name_fr", required=True),
        name_ar=name_ar,
        region=_text(commune.get("region", ""), "region", required=False),
        province=_text(commune.get("province", ""), "province", required=False),
        enabled_modules=tuple(sorted(set(modules))),
        hosts=tuple(hosts),
        migrations=tuple(migrations),
        tables=tables,
        region_ar=_text(commune.get("region_ar", ""), "region_ar", required=False),
        province_ar=_text(commune.get("province_ar", ""), "province_ar", required=False),
    )
