"""The régie's API under /regie/api/ (names prefixed "api-" in the "regie" namespace)."""

from django.urls import URLPattern, URLResolver, path

from . import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/reference/", api.ReferenceApi.as_view(), name="api-reference"),
    path("api/regie/", api.RegieApi.as_view(), name="api-regie"),
    path("api/budget-lines/", api.BudgetLineListCreateApi.as_view(), name="api-budget-lines"),
    path("api/staff/", api.StaffListCreateApi.as_view(), name="api-staff"),
    path("api/staff/<int:staff_id>/end/", api.StaffEndApi.as_view(), name="api-staff-end"),
    path("api/taxes/", api.TaxListCreateApi.as_view(), name="api-taxes"),
    path("api/taxes/<int:tax_id>/tariffs/", api.TariffListCreateApi.as_view(), name="api-tax-tariffs"),
    path("api/redevables/", api.RedevableListCreateApi.as_view(), name="api-redevables"),
    path("api/redevables/<int:redevable_id>/", api.RedevableReadApi.as_view(), name="api-redevable"),
    path("api/redevables/<int:redevable_id>/assets/", api.AssetCreateApi.as_view(), name="api-asset-create"),
    path("api/assets/<int:asset_id>/deactivate/", api.AssetDeactivateApi.as_view(), name="api-asset-deactivate"),
    path("api/liquidations/", api.LiquidationCreateApi.as_view(), name="api-liquidation-create"),
    path("api/liquidations/<int:liquidation_id>/", api.LiquidationReadApi.as_view(), name="api-liquidation"),
    path("api/liquidations/<int:liquidation_id>/pay/", api.LiquidationPayApi.as_view(), name="api-liquidation-pay"),
    path("api/quittances/", api.QuittanceListApi.as_view(), name="api-quittances"),
    path("api/quittances/<int:quittance_id>/", api.QuittanceReadApi.as_view(), name="api-quittance"),
    path(
        "api/quittances/<int:quittance_id>/cancellation/",
        api.CancellationRequestApi.as_view(),
        name="api-cancellation-request",
    ),
    path("api/cancellations/", api.CancellationPendingApi.as_view(), name="api-cancellations"),
    path(
        "api/cancellations/<int:request_id>/decide/",
        api.CancellationDecideApi.as_view(),
        name="api-cancellation-decide",
    ),
    path("api/ordres/", api.OrdreListCreateApi.as_view(), name="api-ordres"),
    path("api/ordres/<int:ordre_id>/", api.OrdreReadApi.as_view(), name="api-ordre"),
    path("api/ordres/<int:ordre_id>/transition/", api.OrdreTransitionApi.as_view(), name="api-ordre-transition"),
    path("api/bordereaux/", api.BordereauListCreateApi.as_view(), name="api-bordereaux"),
    path(
        "api/bordereaux/<int:bordereau_id>/take-in-charge/",
        api.BordereauTakeInChargeApi.as_view(),
        name="api-bordereau-take-in-charge",
    ),
    path("api/day/", api.DaySummaryApi.as_view(), name="api-day-summary"),
    path("api/day/close/", api.DayCloseApi.as_view(), name="api-day-close"),
    path("api/versements/", api.VersementListApi.as_view(), name="api-versements"),
    path("api/versements/<int:versement_id>/", api.VersementReadApi.as_view(), name="api-versement"),
    path(
        "api/versements/<int:versement_id>/treasury-reference/",
        api.VersementTreasuryReferenceApi.as_view(),
        name="api-versement-treasury-reference",
    ),
    path("api/restes/", api.RestesApi.as_view(), name="api-restes"),
    path("api/journal/", api.JournalApi.as_view(), name="api-journal"),
    path("api/exports/receipts.csv", api.ReceiptsCsvApi.as_view(), name="api-receipts-csv"),
]
