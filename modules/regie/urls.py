"""URLs of the régie, mounted at /regie/ on each commune's site: screens here, the API (api_urls) and the
documents and public verification (documents_urls) beside them."""

from django.urls import URLPattern, URLResolver, path

from . import api_urls, documents_urls, views

app_name = "regie"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("redevables/", views.redevable_search, name="redevable-search"),
    path("redevables/new/", views.redevable_create, name="redevable-create"),
    path("redevables/<int:redevable_id>/", views.redevable_detail, name="redevable-detail"),
    path("redevables/<int:redevable_id>/assets/", views.asset_create, name="asset-create"),
    path(
        "redevables/<int:redevable_id>/assets/<int:asset_id>/deactivate/",
        views.asset_deactivate,
        name="asset-deactivate",
    ),
    path("redevables/<int:redevable_id>/pay/", views.counter_pay, name="counter-pay"),
    path("redevables/<int:redevable_id>/liquidate/", views.liquidation_create, name="liquidation-create"),
    path("liquidations/<int:liquidation_id>/", views.liquidation_detail, name="liquidation-detail"),
    path("liquidations/<int:liquidation_id>/pay/", views.liquidation_pay, name="liquidation-pay"),
    path("liquidations/<int:liquidation_id>/cancel/", views.liquidation_cancel, name="liquidation-cancel"),
    path("quittances/", views.quittance_list, name="quittance-list"),
    path("quittances/<int:quittance_id>/", views.quittance_detail, name="quittance-detail"),
    path("quittances/<int:quittance_id>/cancel/", views.cancellation_request, name="cancellation-request"),
    path("cancellations/", views.cancellation_list, name="cancellations"),
    path("cancellations/<int:request_id>/decide/", views.cancellation_decide, name="cancellation-decide"),
    path("close/", views.day_close, name="close"),
    path("versements/", views.versement_list, name="versement-list"),
    path("versements/<int:versement_id>/", views.versement_detail, name="versement-detail"),
    path("versements/<int:versement_id>/reference/", views.versement_reference, name="versement-reference"),
    path("ordres/", views.ordre_list, name="ordre-list"),
    path("ordres/new/", views.ordre_issue, name="ordre-issue"),
    path("ordres/<int:ordre_id>/", views.ordre_detail, name="ordre-detail"),
    path("ordres/<int:ordre_id>/transition/", views.ordre_transition, name="ordre-transition"),
    path("bordereaux/", views.bordereau_list, name="bordereau-list"),
    path("bordereaux/new/", views.bordereau_create, name="bordereau-create"),
    path("bordereaux/<int:bordereau_id>/", views.bordereau_detail, name="bordereau-detail"),
    path("bordereaux/<int:bordereau_id>/take/", views.bordereau_take_in_charge, name="bordereau-take"),
    path("restes/", views.restes, name="restes"),
    path("journal/", views.journal, name="journal"),
    path("export/", views.export, name="export"),
    path("audit/", views.audit, name="audit"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("setup/", views.setup, name="setup"),
    path("setup/defaults/", views.setup_install_defaults, name="setup-defaults"),
    path("setup/regie/", views.setup_regie, name="setup-regie"),
    path("setup/budget-lines/", views.setup_budget_line, name="setup-budget-line"),
    path("setup/staff/", views.setup_appoint, name="setup-appoint"),
    path("setup/staff/<int:staff_id>/end/", views.setup_staff_end, name="setup-staff-end"),
    path("setup/taxes/", views.setup_tax, name="setup-tax"),
    path("setup/taxes/<int:tax_id>/tariffs/", views.setup_tariff, name="setup-tariff"),
    *api_urls.urlpatterns,
    *documents_urls.urlpatterns,
]
