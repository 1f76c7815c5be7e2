"""URLs of Concours, mounted at /concours/ (one URL per view)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import api, views

app_name = "concours"

urlpatterns: list[URLPattern] = [
    path("", views.entry_list, name="entry-list"),
    path("api/entries/", api.EntryListApi.as_view(), name="api-entry-list"),
    path("api/entries/new/", api.EntryCreateApi.as_view(), name="api-entry-create"),
    path("api/entries/<int:entry_id>/", api.EntryDetailApi.as_view(), name="api-entry-detail"),
]
