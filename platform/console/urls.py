from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.commune_list, name="console-communes"),
    path("new/", views.commune_new, name="console-commune-new"),
    path("restore/", views.commune_restore, name="console-commune-restore"),
    path("communes/<slug:slug>/", views.commune_detail, name="console-commune"),
    path("communes/<slug:slug>/backup/", views.commune_backup, name="console-commune-backup"),
    *[
        path(f"communes/<slug:slug>/{action}/", views.commune_status, {"action": action}, name=f"console-{action}")
        for action in views.STATUS_ACTIONS
    ],
    path("backups/<int:backup_id>/download/", views.backup_download, name="console-backup-download"),
]
