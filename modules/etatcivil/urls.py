"""URLs of the civil registry, mounted at /etatcivil/ on each commune's site."""

from django.urls import URLPattern, URLResolver, path

from . import api, views

app_name = "etatcivil"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("acts/new/", views.act_create, name="act-create"),
    path("acts/search/", views.act_search, name="act-search"),
    path("acts/<int:act_id>/", views.act_review, name="act-review"),
    path("acts/<int:act_id>/edit/", views.act_edit, name="act-edit"),
    path("acts/<int:act_id>/sign/", views.act_sign, name="act-sign"),
    path("acts/<int:act_id>/notes/", views.note_add, name="note-add"),
    path("acts/<int:act_id>/documents/", views.document_issue, name="document-issue"),
    path("documents/<int:document_id>/pdf/", views.document_pdf, name="document-pdf"),
    path("statistics/", views.statistics, name="statistics"),
    path("setup/", views.setup, name="setup"),
    path("setup/bureaux/", views.setup_bureau_create, name="setup-bureau-create"),
    path("setup/delegations/", views.setup_delegation_grant, name="setup-delegation-grant"),
    path("setup/registers/<int:register_id>/close/", views.setup_register_close, name="setup-register-close"),
    path("verify/<str:code>/", views.document_verify, name="verify"),
    path("api/acts/", api.ActDraftCreateApi.as_view(), name="api-act-draft"),
    path("api/acts/search/", api.ActSearchApi.as_view(), name="api-act-search"),
    path("api/acts/<int:act_id>/", api.ActReadApi.as_view(), name="api-act-read"),
    path("api/acts/<int:act_id>/sign/", api.ActSignApi.as_view(), name="api-act-sign"),
    path("api/acts/<int:act_id>/notes/", api.NoteAddApi.as_view(), name="api-note-add"),
    path("api/acts/<int:act_id>/documents/", api.DocumentIssueApi.as_view(), name="api-document-issue"),
    path("api/documents/<int:document_id>/pdf/", api.DocumentPdfApi.as_view(), name="api-document-pdf"),
    path("api/export/", api.RegisterExportApi.as_view(), name="api-export"),
]
