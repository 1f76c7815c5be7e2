"""URLs of the bureau d'ordre, mounted at /courrier/ (one URL per view)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import api, views

app_name = "courrier"

urlpatterns: list[URLPattern] = [
    path("", views.mail_list, name="mail-list"),
    path("new/", views.mail_register, name="mail-register"),
    path("late/", views.mail_late, name="mail-late"),
    path("search/", views.mail_search, name="mail-search"),
    path("correspondents/", views.correspondent_suggest, name="correspondent-suggest"),
    path("<int:mail_id>/", views.mail_detail, name="mail-detail"),
    path("<int:mail_id>/route/", views.mail_route, name="mail-route"),
    path("<int:mail_id>/status/", views.mail_status, name="mail-status"),
    path("<int:mail_id>/annotate/", views.mail_annotate, name="mail-annotate"),
    path("<int:mail_id>/reply/", views.mail_reply, name="mail-reply"),
    path("<int:mail_id>/attach/", views.mail_attach, name="mail-attach"),
    path("<int:mail_id>/receipt.pdf", views.mail_receipt, name="mail-receipt"),
    path("<int:mail_id>/tasks/", views.task_add, name="task-add"),
    path("<int:mail_id>/copies/", views.mail_copy, name="mail-copy"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    path("<int:mail_id>/receipt/email/", views.mail_receipt_email, name="mail-receipt-email"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task-done"),
    path("register.pdf", views.day_register, name="day-register"),
    path("api/mails/", api.MailListApi.as_view(), name="api-mail-list"),
    path("api/mails/new/", api.MailRegisterApi.as_view(), name="api-mail-register"),
    path("api/tasks/", api.TaskListApi.as_view(), name="api-task-list"),
    path("api/mails/<int:mail_id>/copies/", api.MailCopyApi.as_view(), name="api-mail-copy"),
    path("api/attachments/<int:attachment_id>/", api.AttachmentApi.as_view(), name="api-attachment"),
    path("api/tasks/<int:task_id>/done/", api.TaskDoneApi.as_view(), name="api-task-done"),
    path("api/mails/<int:mail_id>/receipt/email/", api.MailReceiptEmailApi.as_view(), name="api-mail-receipt-email"),
    path("api/mails/<int:mail_id>/tasks/", api.TaskAddApi.as_view(), name="api-task-add"),
    path("api/mails/search/", api.MailSearchApi.as_view(), name="api-mail-search"),
    path("api/mails/<int:mail_id>/", api.MailDetailApi.as_view(), name="api-mail-detail"),
    path("api/mails/<int:mail_id>/route/", api.MailRouteApi.as_view(), name="api-mail-route"),
    path("api/mails/<int:mail_id>/status/", api.MailStatusApi.as_view(), name="api-mail-status"),
    path("api/mails/<int:mail_id>/annotations/", api.MailAnnotateApi.as_view(), name="api-mail-annotate"),
    path("api/mails/<int:mail_id>/reply/", api.MailReplyApi.as_view(), name="api-mail-reply"),
    path("api/mails/<int:mail_id>/attachments/", api.MailAttachApi.as_view(), name="api-mail-attach"),
]
