"""Writes shared by every module: preferences and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from .models import AuditEvent, UserPreference


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
