"""URLs of the collectors' app, mounted at /collecte/ on each commune's site: the PWA and its sync API."""

from django.urls import URLPattern, URLResolver, path

from . import api, views

app_name = "collecte"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.app, name="app"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline/", views.offline, name="offline"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/devices/<int:device_id>/revoke/", views.device_revoke, name="device-revoke"),
    path("api/devices/register/", api.DeviceRegisterApi.as_view(), name="api-device-register"),
    path("api/devices/", api.DeviceListApi.as_view(), name="api-device-list"),
    path("api/devices/<int:device_id>/revoke/", api.DeviceRevokeApi.as_view(), name="api-device-revoke"),
    path("api/session/", api.SessionApi.as_view(), name="api-session"),
    path("api/blocks/", api.BlockListApi.as_view(), name="api-blocks"),
    path("api/blocks/<int:block_id>/return/", api.BlockReturnApi.as_view(), name="api-block-return"),
    path("api/gaps/", api.GapsApi.as_view(), name="api-gaps"),
    path("api/reference/", api.ReferenceDownloadApi.as_view(), name="api-reference"),
    path("api/payments/", api.PaymentBatchApi.as_view(), name="api-payments"),
    path("api/close/", api.DayCloseApi.as_view(), name="api-close"),
    path("api/cancellations/", api.CancellationRequestApi.as_view(), name="api-cancellations"),
]
