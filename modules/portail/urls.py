"""URLs of the citizen portal, mounted at /portail/ (one URL per view). Data files keep stable addresses."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from . import api, views

app_name = "portail"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("lang/<str:code>/", views.language, name="language"),
    path("news/", views.publication_list, {"kind": "news"}, name="news"),
    path("decisions/", views.publication_list, {"kind": "deliberation"}, name="decisions"),
    path("p/<int:publication_id>/", views.publication_detail, name="publication"),
    path("check/", views.check, name="check"),
    path("track/", views.track, name="track"),
    path("transparency/", views.transparency, name="transparency"),
    path("transparency/<str:code>/", views.transparency_detail, name="transparency-detail"),
    path("data/", views.data_index, name="data"),
    path("data/catalog.json", views.data_catalog, name="data-catalog"),
    re_path(
        r"^data/(?P<code>[a-z0-9_]+\.[a-z0-9_]+)\.(?P<fmt>csv|json|schema\.json)$", views.data_file, name="data-file"
    ),  # fmt: skip
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("me/", views.me, name="me"),
    path("me/new/<str:kind>/", views.request_new, name="request-new"),
    path("me/requests/<int:request_id>/", views.my_request, name="my-request"),
    path("me/requests/<int:request_id>/document.pdf", views.my_document, name="my-document"),
    path("staff/", views.staff_hub, name="staff"),
    path("desk/", views.desk, name="desk"),
    path("desk/<int:request_id>/", views.desk_detail, name="desk-detail"),
    path("desk/attachments/<int:attachment_id>/", views.desk_attachment, name="desk-attachment"),
    path("edit/", views.editor, name="editor"),
    path("elus/", views.elected, name="elected"),
    path("api/public/datasets/", api.PublicDatasetListApi.as_view(), name="api-datasets"),
    path("api/public/publications/", api.PublicPublicationListApi.as_view(), name="api-publications"),
    path("api/public/track/", api.PublicTrackApi.as_view(), name="api-track"),
    path("api/desk/requests/", api.DeskRequestListApi.as_view(), name="api-desk-list"),
    path("api/desk/requests/<int:request_id>/", api.DeskRequestDetailApi.as_view(), name="api-desk-detail"),
    path("api/desk/requests/<int:request_id>/status/", api.DeskRequestStatusApi.as_view(), name="api-desk-status"),
    path("api/desk/requests/<int:request_id>/issue/", api.DeskRequestIssueApi.as_view(), name="api-desk-issue"),
    path("api/publications/new/", api.PublicationCreateApi.as_view(), name="api-publication-create"),
    path("api/dashboard/", api.DashboardApi.as_view(), name="api-dashboard"),
]
