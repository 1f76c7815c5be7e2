"""The operators' console on the base domain: the fleet of communes."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jamaa.tenants import selectors as tenant_selectors


@staff_member_required(login_url="login")
def commune_list(request: HttpRequest) -> HttpResponse:
    return render(request, "console/commune_list.html", {"rows": tenant_selectors.commune_fleet_rows()})
