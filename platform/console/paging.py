"""One page of the fleet for the console's tables (communes, health): a search on slug, names and region, and
pages of a fixed size, so a page costs what its rows cost, not what 1,503 communes would."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest

from jamaa.tenants.selectors import commune_count


@dataclass(frozen=True)
class FleetPage:
    search: str
    total: int
    page: int
    pages: int
    offset: int
    limit: int
    previous_url: str
    next_url: str

    def context(self) -> dict[str, object]:
        return {
            "search": self.search,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "previous_url": self.previous_url,
            "next_url": self.next_url,
        }


def fleet_page(request: HttpRequest, *, size: int) -> FleetPage:
    """The page the request asks for (`?q=`, `?page=`; out of range → the nearest page, not an error)."""
    search = request.GET.get("q", "").strip()[:100]
    total = commune_count(search=search)
    pages = max(1, -(-total // size))
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), pages)
    except ValueError:
        page = 1

    def url(number: int) -> str:
        return "?" + urlencode({**({"q": search} if search else {}), "page": number})

    return FleetPage(
        search=search,
        total=total,
        page=page,
        pages=pages,
        offset=(page - 1) * size,
        limit=size,
        previous_url=url(page - 1) if page > 1 else "",
        next_url=url(page + 1) if page < pages else "",
    )
