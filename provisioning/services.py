"""Onboarding and lifecycle of communes. The CLI, the console and the API all call these."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from jamaa.modules import registry
from jamaa.platform.core.services import audit_record
from jamaa.platform.db import as_owner, use_public_schema
from jamaa.platform.db_roles import schema_grant_app_roles
from jamaa.tenants.models import SLUG_VALIDATOR, Commune, CommuneStatus, Domain
from jamaa.tenants.selectors import commune_host

from .clone import clone_template, template_exists
from .exceptions import (
    CommuneExists,
    InvalidCommuneInput,
    InvalidTransition,
    ProvisioningFailed,
    TemplateNotReady,
    TemplateUnsupported,
)
from .placement import schema_distribute
from .spares import spare_take

logger = logging.getLogger(__name__)

RESERVED_SLUGS = {"www", "api", "admin", "static", "media", "public", "template", "console", "mail"}


@dataclass(frozen=True)
class CommuneCreated:
    commune_id: int
    slug: str
    schema_name: str
    host: str
    admin_username: str
    set_password_path: str  # relative to the commune's site


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")


def commune_validate(*, slug: str, name_fr: str, name_ar: str, modules: Iterable[str] = ()) -> dict[str, list[str]]:
    """Field → problems for a commune about to be created. Reads only."""
    problems: dict[str, list[str]] = {}
    try:
        SLUG_VALIDATOR(slug)
    except ValidationError as exc:
        problems.setdefault("slug", []).extend(str(m) for m in exc.messages)
    if slug in RESERVED_SLUGS:
        problems.setdefault("slug", []).append(f"'{slug}' is reserved.")
    if not name_fr.strip():
        problems.setdefault("name_fr", []).append("The French name is required.")
    if not name_ar.strip():
        problems.setdefault("name_ar", []).append("The Arabic name is required.")
    elif not any("\u0600" <= ch <= "\u06ff" for ch in name_ar):
        problems.setdefault("name_ar", []).append("The Arabic name must be written in Arabic script.")
    problems.update(_modules_problems(modules, together=True))
    return problems


def _modules_problems(modules: Iterable[str], *, together: bool = False) -> dict[str, list[str]]:
    """Unknown codes; with `together` (the commune's whole set), also a module enabled without one it needs."""
    modules = sorted(set(modules))
    unknown = sorted(set(modules) - set(registry.available()))
    if not unknown:
        missing = registry.dependency_problems(modules) if together else []
        return {"modules": missing} if missing else {}
    known = ", ".join(registry.available()) or "none"
    return {"modules": [f"Unknown module(s): {', '.join(unknown)}. Modules available: {known}."]}


def _drop_everything(slug: str, schema_name: str) -> None:
    """Undo a half-made commune: schema, domain and rows."""
    use_public_schema()
    with connection.cursor() as cursor:
        # Inside an outer transaction, deferred foreign-key checks would block the drop: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
    Domain.objects.filter(tenant__slug=slug).delete()
    Commune.objects.filter(slug=slug).delete()


@as_owner
def commune_create(
    *,
    slug: str,
    name_fr: str,
    name_ar: str,
    region: str = "",
    province: str = "",
    region_ar: str = "",
    province_ar: str = "",
    modules: Iterable[str] = (),
    admin_email: str = "",
    actor: AbstractBaseUser | AnonymousUser | None = None,
    method: str = "clone",
) -> CommuneCreated:
    """Create a commune, its domain, its schema and a first administrator, all or nothing.

    `method="clone"` copies the template schema (fast, faithful, one transaction); `"migrations"` runs every
    migration (the slow path, also taken when the template holds objects the cloner cannot reproduce).
    Raises InvalidCommuneInput (bad input, before anything is created), CommuneExists, TemplateNotReady (the
    template lags behind the migration files), ProvisioningFailed (after undoing every part already made).
    """
    if method not in ("clone", "migrations"):
        raise InvalidCommuneInput(f"Unknown provisioning method {method!r}.")
    slug = slug.strip().lower()
    modules = sorted(set(modules))
    problems = commune_validate(slug=slug, name_fr=name_fr, name_ar=name_ar, modules=modules)
    if problems:
        raise InvalidCommuneInput(
            "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in problems.items()), extra={"fields": problems}
        )
    schema_name = schema_name_for(slug)
    use_public_schema()
    if Commune.objects.filter(slug=slug).exists() or Commune.objects.filter(schema_name=schema_name).exists():
        raise CommuneExists(
            gettext("The slug “%(slug)s” is already taken by another commune.") % {"slug": slug}, extra={"slug": slug}
        )
    host = commune_host(slug)
    fields = {
        "schema_name": schema_name,
        "slug": slug,
        "name_fr": name_fr.strip(),
        "name_ar": name_ar.strip(),
        "region": region.strip(),
        "province": province.strip(),
        "region_ar": region_ar.strip(),
        "province_ar": province_ar.strip(),
        "enabled_modules": modules,
    }
    if method == "clone" and not template_exists():
        from .fleet import template_migrate

        template_migrate()  # the first commune of a new database builds the template once
    if method == "clone":
        try:
            with transaction.atomic():  # rows, schema, administrator: one transaction, whole or nothing
                commune = _rows_create(fields, host)
                took_spare = spare_take(target=schema_name)  # granted to the application roles when made
                if not took_spare:
                    clone_template(target=schema_name)
                admin_username, set_password_path = _populate(commune, admin_email, modules, grant=not took_spare)
                _activate(commune, actor, modules)
                schema_distribute(schema=schema_name)  # Citus: onto a worker, whole (placement.py)
        except TemplateUnsupported:
            logger.warning("the template cannot be cloned faithfully; building %s by migrations", slug)
            method = "migrations"
        except (TemplateNotReady, CommuneExists):
            raise
        except Exception as exc:
            logger.exception("creating commune %s failed; rolled back", slug)
            raise _failure(slug, exc) from exc
    if method == "migrations":
        try:
            with transaction.atomic():
                commune = _rows_create(fields, host)
            from .schemas import schema_build

            schema_build(commune=commune)  # DDL in many transactions: undone by hand on failure
            with transaction.atomic():
                admin_username, set_password_path = _populate(commune, admin_email, modules)
                _activate(commune, actor, modules)
                schema_distribute(schema=schema_name)
        except Exception as exc:
            logger.exception("creating commune %s failed; undoing", slug)
            _drop_everything(slug, schema_name)
            raise _failure(slug, exc) from exc
    if method == "clone":
        from .tasks import spares_refill_enqueue

        spares_refill_enqueue()  # the pool, one spare fewer (or none left), topped up by a worker
    return CommuneCreated(
        commune_id=commune.pk,
        slug=slug,
        schema_name=schema_name,
        host=host,
        admin_username=admin_username,
        set_password_path=set_password_path,
    )


def _media_delete(schema: str) -> None:
    """Remove the commune's media files (they are in the backup that deletion requires)."""
    from django.core.files.storage import default_storage

    from .backup import _media_files

    for name in _media_files(schema):
        default_storage.delete(f"{schema}/{name}")


def _failure(slug: str, exc: Exception) -> ProvisioningFailed:
    return ProvisioningFailed(
        f"The commune '{slug}' could not be created ({exc.__class__.__name__}: {exc}); nothing was left behind.",
        extra={"slug": slug},
    )


def _rows_create(fields: Mapping[str, object], host: str) -> Commune:
    commune: Commune = Commune.objects.create(status=CommuneStatus.PROVISIONING, **fields)
    Domain.objects.create(domain=host, tenant=commune, is_primary=True)
    return commune


def _populate(commune: Commune, admin_email: str, modules: list[str], *, grant: bool = True) -> tuple[str, str]:
    """What goes inside the new schema: the application role's grants (unless made already: a spare's, when it
    was cloned; `GRANT … ON ALL TABLES IN SCHEMA` reads the whole of pg_class), the first administrator and the
    commune's own audit entry."""
    if grant:
        schema_grant_app_roles(schema=commune.schema_name)
    with schema_context(commune.schema_name):
        admin = _first_admin_create(admin_email=admin_email)
        audit_record(
            actor=None,
            action="commune.created",
            actor_label="provisioning",
            data={"slug": commune.slug, "modules": modules},
        )
    return admin


def _activate(commune: Commune, actor: AbstractBaseUser | AnonymousUser | None, modules: list[str]) -> None:
    Commune.objects.filter(pk=commune.pk).update(status=CommuneStatus.ACTIVE)
    audit_record(
        actor=actor,
        action="commune.created",
        target=commune,
        data={"slug": commune.slug, "modules": modules, "status": CommuneStatus.ACTIVE},
    )


def _first_admin_create(*, admin_email: str) -> tuple[str, str]:
    """The commune's first administrator, with no password yet and a one-time link to set it."""
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    username = (admin_email.split("@")[0] if admin_email else "admin") or "admin"
    user = user_model.objects.create_user(username=username, email=admin_email, password=None)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    group, _ = Group.objects.get_or_create(name="administrators")
    user.groups.add(group)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return username, f"/password/set/{uid}/{token}/"


_TRANSITIONS: dict[str, set[str]] = {
    CommuneStatus.ACTIVE: {CommuneStatus.SUSPENDED, CommuneStatus.ARCHIVED},
    CommuneStatus.SUSPENDED: {CommuneStatus.ACTIVE, CommuneStatus.ARCHIVED},
    CommuneStatus.ARCHIVED: {CommuneStatus.ACTIVE},
    CommuneStatus.PROVISIONING: set(),
}


@transaction.atomic
def commune_status_set(
    *, slug: str, status: str, reason: str, actor: AbstractBaseUser | AnonymousUser | None = None
) -> Commune:
    """Move a commune through its lifecycle (suspend, resume, archive), audited with who, when and why.

    Raises Commune.DoesNotExist, InvalidTransition, InvalidCommuneInput (no reason given).
    """
    if not reason.strip():
        raise InvalidCommuneInput("A reason is required to change a commune's status.", extra={"field": "reason"})
    use_public_schema()
    commune = Commune.objects.select_for_update().get(slug=slug)
    if status not in _TRANSITIONS.get(commune.status, set()):
        raise InvalidTransition(
            f"A commune that is {commune.status} cannot become {status}.",
            extra={"from": commune.status, "to": status},
        )
    previous = commune.status
    commune.status = status
    commune.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=f"commune.{status}",
        target=commune,
        reason=reason.strip(),
        data={"from": previous, "to": status},
    )
    result: Commune = commune
    return result


@transaction.atomic
def commune_modules_set(
    *,
    slug: str,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    reason: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
) -> Commune:
    """Enable and disable modules of a commune, audited with who, when and why. A disabled module's pages and
    API answer 404 in that commune (its data stays, untouched, and is there again when it is re-enabled).

    Raises Commune.DoesNotExist, InvalidCommuneInput (unknown module, a module both enabled and disabled, nothing
    to change, no reason)."""
    enable, disable = sorted(set(enable)), sorted(set(disable))
    problems = _modules_problems([*enable, *disable])
    if problems:
        raise InvalidCommuneInput("; ".join(problems["modules"]), extra={"fields": problems})
    both = sorted(set(enable) & set(disable))
    if both:
        raise InvalidCommuneInput(
            f"Module(s) both enabled and disabled: {', '.join(both)}.", extra={"fields": {"modules": both}}
        )
    if not reason.strip():
        raise InvalidCommuneInput("A reason is required to change a commune's modules.", extra={"field": "reason"})
    use_public_schema()
    commune = Commune.objects.select_for_update().get(slug=slug)
    previous = sorted(commune.enabled_modules)
    modules = sorted((set(previous) | set(enable)) - set(disable))
    if modules == previous:
        raise InvalidCommuneInput(
            f"Nothing to change: the modules of {slug} are {', '.join(previous) or 'none'}.",
            extra={"modules": previous},
        )
    missing = registry.dependency_problems(modules, disabled=disable)
    if missing:
        raise InvalidCommuneInput(" ".join(missing), extra={"fields": {"modules": missing}})
    commune.enabled_modules = modules
    commune.save(update_fields=["enabled_modules", "updated_at"])  # the routing generation follows (trigger)
    audit_record(
        actor=actor,
        action="commune.modules_changed",
        target=commune,
        reason=reason.strip(),
        data={"from": previous, "to": modules},
    )
    result: Commune = commune
    return result


@as_owner
@transaction.atomic
def commune_delete(*, slug: str, reason: str, actor: AbstractBaseUser | AnonymousUser | None = None) -> str:
    """Delete an archived commune whose latest backup was made after it was archived and restores (verified in a
    scratch database against its manifest); the backup is kept.

    Returns the path of that backup. Raises Commune.DoesNotExist, DeleteRefused, InvalidCommuneInput.
    """
    from .exceptions import DeleteRefused
    from .models import CommuneBackup

    if not reason.strip():
        raise InvalidCommuneInput("A reason is required to delete a commune.", extra={"field": "reason"})
    use_public_schema()
    commune = Commune.objects.select_for_update().get(slug=slug)
    if commune.status != CommuneStatus.ARCHIVED:
        raise DeleteRefused(f"'{slug}' is {commune.status}: archive it, back it up, then delete it.")
    backup = CommuneBackup.objects.filter(slug=slug).order_by("-created_at").first()
    if backup is None or backup.created_at < commune.updated_at:
        raise DeleteRefused(f"'{slug}' has no backup made since it was archived: run `jamaa commune backup {slug}`.")
    from pathlib import Path

    if not Path(backup.path).is_file():
        raise DeleteRefused(f"The backup {backup.path} is missing: make a new one before deleting.")
    from .backup import backup_verify
    from .exceptions import BackupInvalid

    try:  # the backup that makes deletion safe must be proven to restore, not just exist
        verified_rows = backup_verify(path=Path(backup.path))
    except BackupInvalid as exc:
        raise DeleteRefused(
            f"The backup {backup.path} does not restore ({exc.message}): make a new one before deleting."
        ) from exc
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{commune.schema_name}" CASCADE')
    _media_delete(commune.schema_name)
    audit_record(
        actor=actor,
        action="commune.deleted",
        target=commune,
        reason=reason.strip(),
        data={"backup": backup.path, "sha256": backup.sha256, "verified_rows": verified_rows},
    )
    Domain.objects.filter(tenant=commune).delete()
    commune.delete()
    return backup.path
