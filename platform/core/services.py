"""Writes shared by every module: preferences, the audit trail, and a commune's staff accounts and roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import DomainError, Forbidden, NotFound

from .models import AuditEvent, UserPreference

ADMINISTRATORS = "administrators"
"""The group of a commune's administrators (provisioning puts the commune's first administrator in it)."""

# Groups administrators may give: theirs, and each module's roles (registered by jamaa.modules.registry,
# which this foundation layer cannot import). Name → (label in French, label in Arabic).
_ROLES: dict[str, tuple[str, str]] = {ADMINISTRATORS: ("Administrateur de la commune", "مسؤول الجماعة")}


class NotAnAdministrator(Forbidden):
    code = "NOT_AN_ADMINISTRATOR"
    message = _("Only the commune's administrators may manage staff.")


class StaffUserNotFound(NotFound):
    code = "STAFF_USER_NOT_FOUND"
    message = _("No such user in this commune.")


class UnknownRole(DomainError):
    code = "UNKNOWN_ROLE"
    message = _("This role does not exist.")


class InvalidStaffInput(DomainError):
    code = "INVALID_STAFF_INPUT"
    message = _("The account is incomplete or its username is taken.")


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one audit row in the current schema. No side effects beyond the insert."""
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    label = actor_label or (actor.get_username() if actor is not None and actor_id is not None else "system")
    return AuditEvent.objects.create(
        actor_id=actor_id,
        actor_label=label,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
    )


def user_language_set(*, user: AbstractBaseUser, language: str) -> UserPreference:
    """Remember the user's interface language. Raises ValueError for a language we do not serve."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    pref, _ = UserPreference.objects.update_or_create(user_id=user.pk, defaults={"language": language})
    return pref


# ------------------------------------------------------------------------------------- staff and their roles


def staff_role_register(*, code: str, label_fr: str, label_ar: str) -> None:
    """Make a module's role a group administrators may give (called by jamaa.modules.registry.register)."""
    _ROLES[code] = (label_fr, label_ar)


def staff_roles_known() -> dict[str, tuple[str, str]]:
    """Every group administrators may give: name → (label in French, label in Arabic), administrators first."""
    return dict(_ROLES)


def is_administrator(user: Any) -> bool:
    """A superuser, or a member of the commune's administrators."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists())


def _staff_user(user_id: int) -> Any:
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.select_for_update().get(pk=user_id)
    except get_user_model().DoesNotExist:
        raise StaffUserNotFound() from None


@transaction.atomic
def staff_user_create(*, actor: Any, username: str, first_name: str, last_name: str, email: str) -> tuple[Any, str]:
    """A staff account with no password yet, and the one-time path where its owner sets one
    (/password/set/<uidb64>/<token>/). Raises NotAnAdministrator, InvalidStaffInput (username empty or taken)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    if not is_administrator(actor):
        raise NotAnAdministrator()
    user_model = get_user_model()
    username = username.strip()
    if not username or user_model.objects.filter(username__iexact=username).exists():
        raise InvalidStaffInput(extra={"fields": {"username": ["Empty or taken."]}})
    user = user_model.objects.create_user(
        username=username,
        email=email.strip(),
        password=None,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    audit_record(actor=actor, action="staff.user.created", target=user, data={"username": username})
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return user, f"/password/set/{uid}/{token}/"


@transaction.atomic
def staff_roles_set(*, actor: Any, user_id: int, groups: list[str]) -> list[str]:
    """Give a user exactly these roles (groups), all from staff_roles_known(); the user's other groups are kept.
    An administrator cannot remove their own administrator role. Returns the roles now held.
    Raises NotAnAdministrator, StaffUserNotFound, UnknownRole."""
    from django.contrib.auth.models import Group

    if not is_administrator(actor):
        raise NotAnAdministrator()
    unknown = sorted(set(groups) - set(_ROLES))
    if unknown:
        raise UnknownRole(extra={"unknown": unknown})
    user = _staff_user(user_id)
    wanted = set(groups)
    if user.pk == actor.pk and not actor.is_superuser:
        wanted.add(ADMINISTRATORS)  # never lock oneself out
    before = set(user.groups.filter(name__in=_ROLES).values_list("name", flat=True))
    for name in sorted(wanted - before):
        group, _created = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    removed = before - wanted
    if removed:
        user.groups.remove(*Group.objects.filter(name__in=removed))
    audit_record(
        actor=actor,
        action="staff.roles.set",
        target=user,
        data={"added": sorted(wanted - before), "removed": sorted(removed)},
    )
    return sorted(wanted)


@transaction.atomic
def staff_user_active_set(*, actor: Any, user_id: int, active: bool) -> Any:
    """Deactivate (never delete: acts and the audit trail point at users) or reactivate an account.
    Raises NotAnAdministrator, StaffUserNotFound, InvalidStaffInput (deactivating oneself)."""
    if not is_administrator(actor):
        raise NotAnAdministrator()
    user = _staff_user(user_id)
    if user.pk == actor.pk and not active:
        raise InvalidStaffInput(_("You cannot deactivate your own account."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="staff.user.activated" if active else "staff.user.deactivated", target=user)
    return user
