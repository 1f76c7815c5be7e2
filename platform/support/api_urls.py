from django.urls import URLPattern, path

from . import api

urlpatterns: list[URLPattern] = [
    path("health/", api.HealthApi.as_view(), name="api-support-health"),
    path("health/<slug:slug>/errors/", api.CommuneErrorsApi.as_view(), name="api-support-errors"),
    path("alerts/", api.AlertsApi.as_view(), name="api-support-alerts"),
    path("sessions/", api.SessionsApi.as_view(), name="api-support-sessions"),
    path("sessions/<uuid:session_id>/end/", api.SessionEndApi.as_view(), name="api-support-session-end"),
]
