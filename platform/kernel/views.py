"""The kernel's public pages: the verification page of every registered document kind, and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import verification


@never_cache
def document_verify(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    """Public: is this document genuine? Only what a verifier compares with the paper; 404 when unknown."""
    found = verification.verify(kind=kind, code=code)
    entry = verification.kinds().get(kind)
    return render(
        request,
        "kernel/verify.html",
        {"document": found, "code": code, "kind": entry},
        status=200 if found is not None else 404,
    )
