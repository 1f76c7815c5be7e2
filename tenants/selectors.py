"""Reads over the fleet of communes (public schema)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import Commune, CommuneStatus


@dataclass(frozen=True)
class CommuneRow:
    slug: str
    schema_name: str
    name_fr: str
    name_ar: str
    region: str
    province: str
    status: str
    status_label: str
    modules: tuple[str, ...]
    host: str
    url: str
    created_at: dt.datetime


def commune_host(slug: str) -> str:
    return f"{slug}.{settings.JAMAA_BASE_DOMAIN}"


def commune_url(host: str, *, scheme: str, via: str, path: str = "/") -> str:
    """`scheme://host[:port]path` with the port of `via` (the host the console was reached on), so that links
    from the console also work on a development server's :8000."""
    port = ""
    if ":" in via and not via.endswith("]"):
        port = ":" + via.rsplit(":", 1)[1]
    return f"{scheme}://{host}{port}{path}"


def _communes(*, slugs: Collection[str] | None = None, search: str = "") -> QuerySet[Commune]:
    communes: QuerySet[Commune] = Commune.objects.exclude(schema_name="public")
    if slugs is not None:
        communes = communes.filter(slug__in=list(slugs))
    if search.strip():
        term = search.strip()
        communes = communes.filter(
            Q(slug__icontains=term)
            | Q(name_fr__icontains=term)
            | Q(name_ar__icontains=term)
            | Q(region__icontains=term)
        )
    return communes


def commune_count(*, search: str = "") -> int:
    """How many communes (matching `search`: slug, names or region) there are."""
    return _communes(search=search).count()


def commune_fleet_rows(
    *, slugs: Collection[str] | None = None, search: str = "", offset: int = 0, limit: int | None = None
) -> list[CommuneRow]:
    """Every commune (or those with these slugs, or matching `search`) with its primary host, ordered by slug;
    `offset` and `limit` take one page of them."""
    communes = _communes(slugs=slugs, search=search).prefetch_related("domains").order_by("slug")
    if limit is not None:
        communes = communes[offset : offset + limit]
    elif offset:
        communes = communes[offset:]
    rows = []
    for c in communes:
        primary = next((d.domain for d in c.domains.all() if d.is_primary), commune_host(c.slug))
        rows.append(
            CommuneRow(
                slug=c.slug,
                schema_name=c.schema_name,
                name_fr=c.name_fr,
                name_ar=c.name_ar,
                region=c.region,
                province=c.province,
                status=c.status,
                status_label=str(CommuneStatus(c.status).label),
                modules=tuple(c.enabled_modules),
                host=primary,
                url=f"//{primary}/",
                created_at=c.created_at,
            )
        )
    return rows


def active_slugs() -> list[str]:
    """The active communes' slugs, in order."""
    return list(_communes().filter(status=CommuneStatus.ACTIVE).order_by("slug").values_list("slug", flat=True))


def commune_get(*, slug: str) -> Commune:
    """The commune with this slug. Raises Commune.DoesNotExist."""
    commune: Commune = Commune.objects.get(slug=slug)
    return commune
