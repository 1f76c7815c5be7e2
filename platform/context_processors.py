from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def jamaa(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_commune = tenant is not None and tenant.schema_name != "public"
    return {
        "commune": tenant if is_commune else None,
        "base_domain": settings.JAMAA_BASE_DOMAIN,
        "languages": settings.LANGUAGES,
    }
