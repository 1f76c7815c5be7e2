"""The kernel's one table: gapless counters, one row per (key, year) in each commune's schema."""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """The last number given for a key and a year. Written only by `counter.counter_next` (one upsert)."""

    key = models.CharField(max_length=120)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="kernel_counter_key_year")]

    def __str__(self) -> str:
        return f"{self.key}/{self.year}: {self.last_number}"
