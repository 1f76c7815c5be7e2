"""Tables of Concours. One-row rules here (constraints, clean()); writes go through services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Entry(models.Model):
    """One entry of the module's register (rename and grow it: this is where the module starts)."""

    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~models.Q(title=""), name="concours_entry_title")]

    def __str__(self) -> str:
        return self.title
