"""URLs of the recruitment exams, mounted at /concours/ (one URL per view)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import api, views

app_name = "concours"

urlpatterns: list[URLPattern] = [
    path("", views.concours_list, name="concours-list"),
    path("annonces/", views.announcements, name="announcements"),
    path("<int:concours_id>/", views.concours_detail, name="concours-detail"),
    path("<int:concours_id>/advance/", views.concours_advance, name="concours-advance"),
    path("<int:concours_id>/applications/", views.application_register, name="application-register"),
    path("<int:concours_id>/convocations/", views.convocations_issue, name="convocations-issue"),
    path("<int:concours_id>/marks/", views.written_mark, name="written-mark"),
    path("<int:concours_id>/publish/", views.results_publish, name="results-publish"),
    path("<int:concours_id>/resultats/", views.results_public, name="results-public"),
    path("candidatures/<int:candidature_id>/screen/", views.application_screen, name="application-screen"),
    path("candidatures/<int:candidature_id>/convocation.pdf", views.convocation_pdf, name="convocation-pdf"),
    path("candidatures/<int:candidature_id>/oral/", views.oral_mark, name="oral-mark"),
    path("candidatures/<int:candidature_id>/appoint/", views.appointment_make, name="appointment-make"),
    path("api/concours/", api.ConcoursListApi.as_view(), name="api-concours-list"),
    path("api/concours/new/", api.ConcoursAnnounceApi.as_view(), name="api-concours-announce"),
    path("api/concours/announced/", api.ConcoursAnnouncedApi.as_view(), name="api-concours-announced"),
    path("api/concours/<int:concours_id>/", api.ConcoursDetailApi.as_view(), name="api-concours-detail"),
    path("api/concours/<int:concours_id>/advance/", api.ConcoursAdvanceApi.as_view(), name="api-concours-advance"),
    path(
        "api/concours/<int:concours_id>/applications/",
        api.ApplicationRegisterApi.as_view(),
        name="api-application-register",
    ),
    path(
        "api/concours/<int:concours_id>/convocations/",
        api.ConvocationsIssueApi.as_view(),
        name="api-convocations-issue",
    ),
    path("api/concours/<int:concours_id>/marks/", api.WrittenMarkApi.as_view(), name="api-written-mark"),
    path("api/concours/<int:concours_id>/publish/", api.ResultsPublishApi.as_view(), name="api-results-publish"),
    path(
        "api/candidatures/<int:candidature_id>/screen/",
        api.ApplicationScreenApi.as_view(),
        name="api-application-screen",
    ),
    path("api/candidatures/<int:candidature_id>/oral/", api.OralMarkApi.as_view(), name="api-oral-mark"),
    path("api/candidatures/<int:candidature_id>/appoint/", api.AppointmentApi.as_view(), name="api-appointment-make"),
]
