from django.urls import URLPattern, path

from . import tenant_views

app_name = "support"

urlpatterns: list[URLPattern] = [
    path("enter/<str:token>/", tenant_views.enter, name="enter"),
    path("end/", tenant_views.end, name="end"),
    path("sessions/", tenant_views.sessions, name="sessions"),
]
