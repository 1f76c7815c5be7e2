"""Drop this process's routing cache at once when a commune or domain changes here.

Other processes learn of it through the generation row (see routing.py) within seconds.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Commune, Domain
from .routing import routing_table


@receiver([post_save, post_delete], sender=Commune)
@receiver([post_save, post_delete], sender=Domain)
def _invalidate_routes(**kwargs: Any) -> None:
    routing_table.clear()
    transaction.on_commit(routing_table.clear)
