"""URLs of the budget, mounted at /budget/ (one URL per view)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import api, views

app_name = "budget"

urlpatterns: list[URLPattern] = [
    path("", views.budget_list, name="budget-list"),
    path("new/", views.budget_create, name="budget-create"),
    path("<int:budget_id>/", views.budget_detail, name="budget-detail"),
    path("<int:budget_id>/vote/", views.budget_vote, name="budget-vote"),
    path("<int:budget_id>/approve/", views.budget_approve, name="budget-approve"),
    path("<int:budget_id>/execute/", views.budget_execute, name="budget-execute"),
    path("<int:budget_id>/close/", views.budget_close, name="budget-close"),
    path("<int:budget_id>/forecasts/", views.budget_forecasts, name="budget-forecasts"),
    path("<int:budget_id>/credits/", views.credits, name="credits"),
    path("<int:budget_id>/credits/amend/", views.credit_amend, name="credit-amend"),
    path("<int:budget_id>/credits/transfer/", views.credit_transfer, name="credit-transfer"),
    path("<int:budget_id>/engagements/", views.engagement_list, name="engagement-list"),
    path("<int:budget_id>/engagements/new/", views.engagement_propose, name="engagement-propose"),
    path("<int:budget_id>/gid.xlsx", views.gid_xlsx, name="gid-xlsx"),
    path("<int:budget_id>/execution.csv", views.execution_csv, name="execution-csv"),
    path("<int:budget_id>/account.pdf", views.account_pdf, name="account-pdf"),
    path("engagements/<int:engagement_id>/", views.engagement_detail, name="engagement-detail"),
    path("engagements/<int:engagement_id>/approve/", views.engagement_approve, name="engagement-approve"),
    path("engagements/<int:engagement_id>/reject/", views.engagement_reject, name="engagement-reject"),
    path("engagements/<int:engagement_id>/liquidate/", views.liquidation_record, name="liquidation-record"),
    path(
        "engagements/<int:engagement_id>/liquidations/<int:liquidation_id>/order/",
        views.order_issue,
        name="order-issue",
    ),
    path("engagements/<int:engagement_id>/orders/<int:order_id>/pay/", views.payment_record, name="payment-record"),
    path("orders/<int:order_id>.pdf", views.order_pdf, name="order-pdf"),
    # API
    path("api/budgets/", api.BudgetListApi.as_view(), name="api-budget-list"),
    path("api/budgets/new/", api.BudgetCreateApi.as_view(), name="api-budget-create"),
    path("api/budgets/<int:budget_id>/", api.BudgetDetailApi.as_view(), name="api-budget-detail"),
    path("api/budgets/<int:budget_id>/vote/", api.BudgetVoteApi.as_view(), name="api-budget-vote"),
    path("api/budgets/<int:budget_id>/approve/", api.BudgetApproveApi.as_view(), name="api-budget-approve"),
    path("api/budgets/<int:budget_id>/execute/", api.BudgetExecuteApi.as_view(), name="api-budget-execute"),
    path("api/budgets/<int:budget_id>/close/", api.BudgetCloseApi.as_view(), name="api-budget-close"),
    path("api/budgets/<int:budget_id>/execution/", api.ExecutionApi.as_view(), name="api-execution"),
    path("api/budgets/<int:budget_id>/engagements/", api.EngagementListApi.as_view(), name="api-engagement-list"),
    path("api/lines/<int:line_id>/forecast/", api.LineForecastApi.as_view(), name="api-line-forecast"),
    path("api/lines/<int:line_id>/amend/", api.CreditAmendApi.as_view(), name="api-credit-amend"),
    path("api/transfers/", api.CreditTransferApi.as_view(), name="api-credit-transfer"),
    path("api/engagements/new/", api.EngagementProposeApi.as_view(), name="api-engagement-propose"),
    path("api/engagements/<int:engagement_id>/", api.EngagementDetailApi.as_view(), name="api-engagement-detail"),
    path(
        "api/engagements/<int:engagement_id>/approve/",
        api.EngagementApproveApi.as_view(),
        name="api-engagement-approve",
    ),
    path(
        "api/engagements/<int:engagement_id>/reject/", api.EngagementRejectApi.as_view(), name="api-engagement-reject"
    ),
    path(
        "api/engagements/<int:engagement_id>/liquidations/",
        api.LiquidationRecordApi.as_view(),
        name="api-liquidation-record",
    ),
    path("api/liquidations/<int:liquidation_id>/order/", api.PaymentOrderIssueApi.as_view(), name="api-order-issue"),
    path("api/orders/<int:order_id>/payment/", api.PaymentRecordApi.as_view(), name="api-payment-record"),
]
