"""Documents of the régie (PDF, staff only) and the public verification of quittances; names "doc-…" and
"verify" in the "regie" namespace."""

from django.urls import URLPattern, URLResolver, path

from . import views_documents as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("documents/quittances/<int:quittance_id>/pdf/", views.quittance_pdf, name="doc-quittance"),
    path("documents/quittances/<int:quittance_id>/ticket/", views.quittance_ticket, name="doc-quittance-ticket"),
    path("documents/ordres/<int:ordre_id>/pdf/", views.ordre_pdf, name="doc-ordre"),
    path("documents/bordereaux/<int:bordereau_id>/pdf/", views.bordereau_pdf, name="doc-bordereau"),
    path("documents/versements/<int:versement_id>/releve/", views.releve_pdf, name="doc-releve"),
    path("documents/restes/", views.restes_pdf, name="doc-restes"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
