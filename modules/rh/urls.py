"""URLs of human resources, mounted at /rh/ (one URL per view)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import api, views

app_name = "rh"

urlpatterns: list[URLPattern] = [
    path("", views.staff_list, name="staff-list"),
    path("me/", views.me, name="me"),
    path("agents/new/", views.agent_new, name="agent-new"),
    path("agents/<int:agent_id>/", views.agent_detail, name="agent-detail"),
    path("agents/<int:agent_id>/acts/", views.agent_act, name="agent-act"),
    path("agents/<int:agent_id>/leave/", views.agent_leave, name="agent-leave"),
    path("agents/<int:agent_id>/rating/", views.agent_rating, name="agent-rating"),
    path("leave/", views.leave_list, name="leave-list"),
    path("leave/<int:leave_id>/decide/", views.leave_decide, name="leave-decide"),
    path("leave/<int:leave_id>/cancel/", views.leave_cancel, name="leave-cancel"),
    path("acts/", views.act_list, name="act-list"),
    path("acts/<int:act_id>/arrete.pdf", views.act_pdf, name="act-pdf"),
    path("holidays/", views.holiday_list, name="holiday-list"),
    path("holidays/prepare/", views.holiday_prepare, name="holiday-prepare"),
    path("holidays/<int:holiday_id>/confirm/", views.holiday_confirm, name="holiday-confirm"),
    path("tables/", views.tables, name="tables"),
    path("api/agents/", api.AgentListApi.as_view(), name="api-agent-list"),
    path("api/agents/new/", api.AgentRecruitApi.as_view(), name="api-agent-recruit"),
    path("api/agents/<int:agent_id>/", api.AgentDetailApi.as_view(), name="api-agent-detail"),
    path("api/agents/<int:agent_id>/acts/", api.ActIssueApi.as_view(), name="api-act-issue"),
    path("api/agents/<int:agent_id>/leave/", api.LeaveRequestApi.as_view(), name="api-leave-request"),
    path("api/agents/<int:agent_id>/balance/", api.BalanceApi.as_view(), name="api-balance"),
    path("api/leave/pending/", api.LeavePendingApi.as_view(), name="api-leave-pending"),
    path("api/leave/<int:leave_id>/decide/", api.LeaveDecideApi.as_view(), name="api-leave-decide"),
    path("api/leave/<int:leave_id>/cancel/", api.LeaveCancelApi.as_view(), name="api-leave-cancel"),
    path("api/acts/", api.ActListApi.as_view(), name="api-act-list"),
    path("api/holidays/", api.HolidayListApi.as_view(), name="api-holiday-list"),
    path("api/holidays/<int:holiday_id>/confirm/", api.HolidayConfirmApi.as_view(), name="api-holiday-confirm"),
    path("api/headcount/", api.HeadcountApi.as_view(), name="api-headcount"),
]
