"""Reads shared by every module."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from .models import UserPreference


def user_language_get(*, user: AbstractBaseUser) -> str | None:
    """The user's saved interface language, or None."""
    return UserPreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
