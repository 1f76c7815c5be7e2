"""The name dictionary behind the act search (see search.py): every distinct normalised name key with its count.

A commune's million acts carry only a few thousand distinct given and family keys. A query is matched against
this small table (trigram similarity on `key`, shared one-letter deletions in `deletes`; GIN indexes, migration
0003), then the acts are read by exact btree lookups on their key columns. `links` ties a key to the keys of the
other script found on the same acts ({other key: acts}), which lets a Latin query reach acts keyed in Arabic only,
and confirms cross-script matches.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class NameScript(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    LATIN = "lat", _("Latin")


class NamePart(models.TextChoices):
    GIVEN = "given", _("Given name")
    FAMILY = "family", _("Family name")


class NameKey(models.Model):
    script = models.CharField(max_length=3, choices=NameScript.choices)
    part = models.CharField(max_length=6, choices=NamePart.choices)
    key = models.CharField(max_length=120)
    acts = models.PositiveIntegerField(default=0)
    links = models.JSONField(default=dict, blank=True)
    # The key with one letter deleted, each way (short keys only): two keys one edit apart share one of these
    # or one is the other's (SymSpell), found through a GIN index where trigrams are too few to tell.
    deletes = ArrayField(models.CharField(max_length=120), default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["script", "part", "key"], name="etatcivil_namekey_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.script}/{self.part}/{self.key} ({self.acts})"
