from django.urls import URLPattern, path

from . import legacy_views, views

urlpatterns: list[URLPattern] = [
    path("", views.commune_list, name="console-communes"),
    path("new/", views.commune_new, name="console-commune-new"),
    path("restore/", views.commune_restore, name="console-commune-restore"),
    path("communes/<slug:slug>/", views.commune_detail, name="console-commune"),
    path("communes/<slug:slug>/backup/", views.commune_backup, name="console-commune-backup"),
    path("communes/<slug:slug>/modules/", views.commune_modules, name="console-commune-modules"),
    *[
        path(f"communes/<slug:slug>/{action}/", views.commune_status, {"action": action}, name=f"console-{action}")
        for action in views.STATUS_ACTIONS
    ],
    path("backups/<int:backup_id>/download/", views.backup_download, name="console-backup-download"),
    path("communes/<slug:slug>/legacy-import/", legacy_views.legacy_import, name="console-legacy-import"),
    path("communes/<slug:slug>/legacy-import/<int:run_id>/", legacy_views.legacy_import_run, name="console-legacy-run"),
    path(
        "communes/<slug:slug>/legacy-import/<int:run_id>/progress/",
        legacy_views.legacy_import_progress,
        name="console-legacy-progress",
    ),
    path(
        "communes/<slug:slug>/legacy-import/<int:run_id>/resume/",
        legacy_views.legacy_import_resume,
        name="console-legacy-resume",
    ),
    path(
        "communes/<slug:slug>/legacy-import/<int:run_id>/<str:name>",
        legacy_views.legacy_import_report,
        name="console-legacy-report",
    ),
]
