"""URLs of the urbanisme module, mounted at /urbanisme/ (one URL per view)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import api, views

app_name = "urbanisme"

urlpatterns: list[URLPattern] = [
    path("", views.desk, name="desk"),
    path("dossiers/", views.dossier_list, name="dossier-list"),
    path("new/", views.dossier_deposit, name="dossier-deposit"),
    path("late/", views.late, name="late"),
    path("<int:dossier_id>/", views.dossier_detail, name="dossier-detail"),
    path("<int:dossier_id>/parcels/", views.parcels, name="dossier-parcels"),
    path("<int:dossier_id>/instruct/", views.dossier_instruct, name="dossier-instruct"),
    path("<int:dossier_id>/pieces/", views.dossier_pieces, name="dossier-pieces"),
    path("<int:dossier_id>/incomplete/", views.dossier_incomplete, name="dossier-incomplete"),
    path("<int:dossier_id>/complete/", views.dossier_complete, name="dossier-complete"),
    path("<int:dossier_id>/consult/", views.dossier_consult, name="dossier-consult"),
    path(
        "<int:dossier_id>/consultations/<int:consultation_id>/return/",
        views.consultation_return,
        name="consultation-return",
    ),
    path("<int:dossier_id>/decide/", views.dossier_decide, name="dossier-decide"),
    path("<int:dossier_id>/sign/", views.dossier_sign, name="dossier-sign"),
    path("<int:dossier_id>/tax/", views.dossier_tax, name="dossier-tax"),
    path("<int:dossier_id>/deliver/", views.dossier_deliver, name="dossier-deliver"),
    path("<int:dossier_id>/withdraw/", views.dossier_withdraw, name="dossier-withdraw"),
    path("<int:dossier_id>/documents/<slug:kind>/", views.dossier_document, name="dossier-document"),
    path("documents/<int:document_id>.pdf", views.document_download, name="document-download"),
    path("sittings/", views.sitting_list, name="sitting-list"),
    path("sittings/<int:sitting_id>/", views.sitting_detail, name="sitting-detail"),
    path("sittings/<int:sitting_id>/agenda/", views.sitting_add, name="sitting-add"),
    path("sittings/<int:sitting_id>/avis/", views.sitting_avis, name="sitting-avis"),
    path("sittings/<int:sitting_id>/hold/", views.sitting_hold, name="sitting-hold"),
    path("register.pdf", views.display_register, name="display-register"),
    path("export.<str:fmt>", views.export, name="export"),
    path("api/dossiers/", api.DossierListApi.as_view(), name="api-dossier-list"),
    path("api/dossiers/new/", api.DossierDepositApi.as_view(), name="api-dossier-deposit"),
    path("api/dossiers/desk/", api.DeskApi.as_view(), name="api-desk"),
    path("api/dossiers/late/", api.LateApi.as_view(), name="api-late"),
    path("api/dossiers/status/", api.PublicStatusApi.as_view(), name="api-public-status"),
    path("api/dossiers/export/", api.ExportApi.as_view(), name="api-export"),
    path("api/dossiers/import/", api.ImportApi.as_view(), name="api-import"),
    path("api/dossiers/<int:dossier_id>/", api.DossierDetailApi.as_view(), name="api-dossier-detail"),
    path("api/dossiers/<int:dossier_id>/pieces/", api.PiecesApi.as_view(), name="api-dossier-pieces"),
    path("api/dossiers/<int:dossier_id>/step/", api.DossierStepApi.as_view(), name="api-dossier-step"),
    path("api/dossiers/<int:dossier_id>/consultations/", api.ConsultApi.as_view(), name="api-dossier-consult"),
    path(
        "api/consultations/<int:consultation_id>/return/",
        api.ConsultationReturnApi.as_view(),
        name="api-consultation-return",
    ),
    path("api/dossiers/<int:dossier_id>/sign/", api.SignApi.as_view(), name="api-dossier-sign"),
    path("api/sittings/", api.SittingCreateApi.as_view(), name="api-sitting-create"),
    path("api/sittings/<int:sitting_id>/", api.SittingDetailApi.as_view(), name="api-sitting-detail"),
    path("api/sittings/<int:sitting_id>/agenda/", api.SittingAddApi.as_view(), name="api-sitting-add"),
    path("api/sittings/items/<int:item_id>/avis/", api.SittingAvisApi.as_view(), name="api-sitting-avis"),
    path("api/sittings/<int:sitting_id>/hold/", api.SittingHoldApi.as_view(), name="api-sitting-hold"),
]
