from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("health/", views.health, name="support-health"),
    path("health/<slug:slug>/", views.commune_health, name="support-commune-health"),
    path("health/<slug:slug>/session/", views.session_open, name="support-session-open"),
]
