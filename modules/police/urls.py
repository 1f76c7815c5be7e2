"""URLs of the police administrative, mounted at /police/ (one URL per view)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import api, views

app_name = "police"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("establishments/", views.establishment_list, name="establishment-list"),
    path("establishments/new/", views.establishment_create, name="establishment-create"),
    path("establishments/<int:establishment_id>/", views.establishment_detail, name="establishment-detail"),
    path("establishments/<int:establishment_id>/request/", views.request_submit, name="request-submit"),
    path("establishments/<int:establishment_id>/inspect/", views.inspection_record, name="inspection-record"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/<int:request_id>/", views.request_detail, name="request-detail"),
    path("requests/<int:request_id>/inquiry/", views.inquiry_open, name="inquiry-open"),
    path("requests/<int:request_id>/objection/", views.objection_record, name="objection-record"),
    path("requests/<int:request_id>/inquiry/close/", views.inquiry_close, name="inquiry-close"),
    path("requests/<int:request_id>/commission/", views.request_to_commission, name="request-commission"),
    path("requests/<int:request_id>/avis/", views.avis_record, name="avis-record"),
    path("requests/<int:request_id>/grant/", views.request_grant, name="request-grant"),
    path("requests/<int:request_id>/refuse/", views.request_refuse, name="request-refuse"),
    path("requests/<int:request_id>/receipt.pdf", views.request_receipt_pdf, name="request-receipt"),
    path("requests/<int:request_id>/minutes.pdf", views.request_minutes_pdf, name="request-minutes"),
    path("requests/<int:request_id>/inquiry.pdf", views.inquiry_notice_pdf, name="inquiry-notice"),
    path("authorisations/", views.authorisation_list, name="authorisation-list"),
    path("authorisations/<int:authorisation_id>/", views.authorisation_detail, name="authorisation-detail"),
    path("authorisations/<int:authorisation_id>/decide/", views.authorisation_decide, name="authorisation-decide"),
    path("authorisations/<int:authorisation_id>/pdf/", views.authorisation_pdf, name="authorisation-pdf"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/<int:inspection_id>/", views.inspection_detail, name="inspection-detail"),
    path("inspections/<int:inspection_id>/sanction/", views.sanction_impose, name="sanction-impose"),
    path(
        "inspections/<int:inspection_id>/sanctions/<int:sanction_id>/resolve/",
        views.sanction_resolve,
        name="sanction-resolve",
    ),
    path("inspections/<int:inspection_id>/pv.pdf", views.inspection_pv_pdf, name="inspection-pv"),
    path("inspections/<int:inspection_id>/photos/<int:photo_id>/", views.inspection_photo, name="inspection-photo"),
    path("register/", views.register_in_force, name="register"),
    # API (/police/api/…, in /api/docs/)
    path("api/establishments/", api.EstablishmentListApi.as_view(), name="api-establishment-list"),
    path("api/establishments/new/", api.EstablishmentCreateApi.as_view(), name="api-establishment-create"),
    path("api/requests/", api.RequestListApi.as_view(), name="api-request-list"),
    path("api/requests/new/", api.RequestSubmitApi.as_view(), name="api-request-submit"),
    path("api/requests/<int:request_id>/", api.RequestDetailApi.as_view(), name="api-request-detail"),
    path("api/requests/<int:request_id>/inquiry/", api.InquiryOpenApi.as_view(), name="api-inquiry-open"),
    path("api/requests/<int:request_id>/objections/", api.ObjectionApi.as_view(), name="api-objection"),
    path("api/requests/<int:request_id>/inquiry/close/", api.InquiryCloseApi.as_view(), name="api-inquiry-close"),
    path("api/requests/<int:request_id>/commission/", api.CommissionApi.as_view(), name="api-commission"),
    path("api/requests/<int:request_id>/avis/", api.AvisApi.as_view(), name="api-avis"),
    path("api/requests/<int:request_id>/grant/", api.GrantApi.as_view(), name="api-grant"),
    path("api/requests/<int:request_id>/refuse/", api.RefuseApi.as_view(), name="api-refuse"),
    path("api/authorisations/", api.AuthorisationListApi.as_view(), name="api-authorisation-list"),
    path("api/authorisations/<int:authorisation_id>/", api.AuthorisationDetailApi.as_view(), name="api-authorisation"),
    path(
        "api/authorisations/<int:authorisation_id>/decide/",
        api.AuthorisationDecideApi.as_view(),
        name="api-authorisation-decide",
    ),
    path("api/inspections/new/", api.InspectionRecordApi.as_view(), name="api-inspection-record"),
    path("api/inspections/<int:inspection_id>/", api.InspectionDetailApi.as_view(), name="api-inspection"),
    path("api/inspections/<int:inspection_id>/sanctions/", api.SanctionApi.as_view(), name="api-sanction"),
    path("api/register/", api.RegisterApi.as_view(), name="api-register"),
]
