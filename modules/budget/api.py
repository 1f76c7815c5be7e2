"""The API of the budget: one view per operation, input serializer → one service/selector → output serializer. No
ORM, no try/except (the kernel's api_call and the project's exception handler give the {code, message, extra}
shape). Every endpoint is described for the OpenAPI schema (drf-spectacular)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.inputs import id_field, query_params
from jamaa.platform.kernel.api import ServiceApi, api_call

from . import permissions, selectors, services
from .models import EngagementStatus

AMOUNT = {"max_digits": 16, "decimal_places": 2}


def _amount(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(min_value=0, max_value=10**13, **AMOUNT, **kwargs)  # type: ignore[arg-type]


class BudgetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    nomenclature_version = serializers.CharField()
    council_session = serializers.CharField()
    voted_on = serializers.DateField(allow_null=True)
    deliberation_number = serializers.CharField()
    approved_on = serializers.DateField(allow_null=True)
    approval_reference = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)


class ExecutionRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    direction = serializers.CharField()
    part = serializers.CharField()
    chapter = serializers.CharField()
    article = serializers.CharField()
    line = serializers.CharField()
    code = serializers.CharField()
    code_eco = serializers.CharField()
    label_fr = serializers.CharField()
    label_ar = serializers.CharField()
    forecast_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    adjustments_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    credit_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    engaged_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    available_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    liquidated_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    ordered_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    paid_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    collected_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    receipts = serializers.IntegerField()
    to_recover_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]


class ChapterTotalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    direction = serializers.CharField()
    part = serializers.CharField()
    chapter = serializers.CharField()
    chapter_fr = serializers.CharField()
    chapter_ar = serializers.CharField()
    credit_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    engaged_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    done_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]


class ExecutionReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    budget = BudgetSerializer()
    provisional = serializers.BooleanField()
    revenue = ExecutionRowSerializer(many=True)
    spending = ExecutionRowSerializer(many=True)
    chapters = ChapterTotalSerializer(many=True)
    totals = serializers.DictField(child=serializers.DecimalField(**AMOUNT))  # type: ignore[arg-type]


class EngagementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    line_id = serializers.IntegerField()
    line_code = serializers.CharField(source="line.code")
    beneficiary = serializers.CharField()
    subject = serializers.CharField()
    amount_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    status = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    decision_note = serializers.CharField()


class LiquidationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    number = serializers.IntegerField()
    amount_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    invoice_reference = serializers.CharField()
    service_done_on = serializers.DateField()


class PaymentOrderSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    number = serializers.IntegerField()
    liquidation_id = serializers.IntegerField()
    amount_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    beneficiary = serializers.CharField()
    issued_on = serializers.DateField()
    code = serializers.CharField()


class PaymentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    number = serializers.IntegerField()
    order_id = serializers.IntegerField()
    amount_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    paid_on = serializers.DateField()
    treasury_reference = serializers.CharField()


class EngagementDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    engagement = EngagementSerializer()
    liquidations = LiquidationSerializer(many=True)
    orders = PaymentOrderSerializer(many=True)
    payments = PaymentSerializer(many=True)
    liquidated_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]
    remaining_dh = serializers.DecimalField(**AMOUNT)  # type: ignore[arg-type]


class MovementCreatedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()


class TransferCreatedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    group = serializers.UUIDField()


def _detail(viewer: Any, engagement_id: int) -> dict[str, Any]:
    d = selectors.engagement_get(viewer=viewer, engagement_id=engagement_id)
    return {
        "engagement": d.engagement,
        "liquidations": d.liquidations,
        "orders": list(d.orders.values()),
        "payments": list(d.payments.values()),
        "liquidated_dh": d.liquidated_dh,
        "remaining_dh": d.remaining_dh,
    }


# --- Budgets ---------------------------------------------------------------------------------------------------


class BudgetListApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsReader]
    method, output, many = "get", BudgetSerializer, True

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return selectors.budget_list(viewer=request.user)


class BudgetCreateApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsService]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        nomenclature_version = serializers.CharField(
            max_length=20, required=False, default=services.DEFAULT_NOMENCLATURE
        )

    output, success_status = BudgetSerializer, 201

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return services.budget_create(actor=request.user, **data)


class BudgetDetailApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsReader]
    method, output = "get", BudgetSerializer

    def perform(self, request: Request, data: dict[str, Any], budget_id: int) -> Any:
        return selectors.budget_get(viewer=request.user, budget_id=budget_id)


class BudgetVoteApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        council_session = serializers.CharField(max_length=200)
        voted_on = serializers.DateField()
        deliberation_number = serializers.CharField(max_length=50)

    output = BudgetSerializer

    def perform(self, request: Request, data: dict[str, Any], budget_id: int) -> Any:
        return services.budget_vote(actor=request.user, budget_id=budget_id, **data)


class BudgetApproveApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        approved_on = serializers.DateField()
        approval_reference = serializers.CharField(max_length=100)

    output = BudgetSerializer

    def perform(self, request: Request, data: dict[str, Any], budget_id: int) -> Any:
        return services.budget_approve(actor=request.user, budget_id=budget_id, **data)


class BudgetExecuteApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsStaff]

    @extend_schema(request=None, responses=BudgetSerializer)
    def post(self, request: Request, budget_id: int) -> Response:
        return api_call(
            lambda: services.budget_execute(actor=request.user, budget_id=budget_id), output=BudgetSerializer
        )


class BudgetCloseApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsOrdonnateur]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        closed_on = serializers.DateField()

    output = BudgetSerializer

    def perform(self, request: Request, data: dict[str, Any], budget_id: int) -> Any:
        return services.budget_close(actor=request.user, budget_id=budget_id, **data)


def _dh(value: Decimal) -> str:
    return f"{value:.2f}"


def _row_json(r: selectors.ExecutionRow) -> dict[str, Any]:
    # Amounts read from numeric(16, 2) columns and their sums already carry two places: str() writes them as
    # DRF's DecimalField would, at a fraction of the cost.
    return {
        "id": r.id,
        "direction": r.direction,
        "part": r.part,
        "chapter": r.chapter,
        "article": r.article,
        "line": r.line,
        "code": r.code,
        "code_eco": r.code_eco,
        "label_fr": r.label_fr,
        "label_ar": r.label_ar,
        "forecast_dh": str(r.forecast_dh),
        "adjustments_dh": str(r.adjustments_dh),
        "credit_dh": str(r.credit_dh),
        "engaged_dh": str(r.engaged_dh),
        "available_dh": str(r.available_dh),
        "liquidated_dh": str(r.liquidated_dh),
        "ordered_dh": str(r.ordered_dh),
        "paid_dh": str(r.paid_dh),
        "collected_dh": _dh(r.collected_dh),
        "receipts": r.receipts,
        "to_recover_dh": _dh(r.to_recover_dh),
    }


def _report_json(report: selectors.ExecutionReport) -> dict[str, Any]:
    """The report in ExecutionReportSerializer's shape (amounts as strings with two decimals, as DRF writes them)."""
    return {
        "budget": BudgetSerializer(report.budget).data,
        "provisional": report.provisional,
        "revenue": [_row_json(r) for r in report.revenue],
        "spending": [_row_json(r) for r in report.spending],
        "chapters": [
            {
                "direction": c.direction,
                "part": c.part,
                "chapter": c.chapter,
                "chapter_fr": c.chapter_fr,
                "chapter_ar": c.chapter_ar,
                "credit_dh": _dh(c.credit_dh),
                "engaged_dh": _dh(c.engaged_dh),
                "done_dh": _dh(c.done_dh),
            }
            for c in report.chapters
        ],
        "totals": {k: _dh(v) for k, v in report.totals.items()},
    }


class ExecutionApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsReader]

    @extend_schema(responses=ExecutionReportSerializer)
    def get(self, request: Request, budget_id: int) -> Response:
        # 800 lines × 22 fields: written as ExecutionReportSerializer documents them, without a serializer field
        # per value (DRF's per-field work was most of the response time).
        def report() -> selectors.ExecutionReport:
            services.revenue_fold()  # at most once a minute: the régie's receipts folded, the rest read live
            return selectors.execution_report(viewer=request.user, budget_id=budget_id)

        return api_call(report, output=_report_json)


# --- Lines and credits -------------------------------------------------------------------------------------------


class LineForecastApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsService]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        forecast_dh = _amount()

    output = ExecutionRowSerializer

    def perform(self, request: Request, data: dict[str, Any], line_id: int) -> selectors.ExecutionRow:
        line = services.line_forecast_set(actor=request.user, line_id=line_id, **data)
        report = selectors.execution_report(viewer=request.user, budget_id=line.budget_id)
        return next(r for r in report.revenue + report.spending if r.id == line.pk)


class CreditAmendApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsOrdonnateur]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        amount_dh = serializers.DecimalField(min_value=-(10**13), max_value=10**13, **AMOUNT)  # type: ignore[arg-type]
        decision_reference = serializers.CharField(max_length=100)
        decision_date = serializers.DateField()
        reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    output, success_status = MovementCreatedSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], line_id: int) -> Any:
        return services.credit_amend(actor=request.user, line_id=line_id, **data)


class CreditTransferApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsOrdonnateur]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        from_line_id = id_field()
        to_line_id = id_field()
        amount_dh = _amount()
        decision_reference = serializers.CharField(max_length=100)
        decision_date = serializers.DateField()
        reason = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    output, success_status = TransferCreatedSerializer, 201

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return {"group": services.credit_transfer(actor=request.user, **data)}


# --- The spending chain ------------------------------------------------------------------------------------------


class EngagementListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsReader]

    class QuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
        status = serializers.ChoiceField(choices=EngagementStatus.choices, required=False)
        line = id_field(required=False)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, required=False, enum=EngagementStatus.values),
            OpenApiParameter("line", int, required=False),
        ],
        responses=EngagementSerializer(many=True),
    )
    def get(self, request: Request, budget_id: int) -> Response:
        q = query_params(self.QuerySerializer, request.query_params)
        return api_call(
            lambda: selectors.engagement_list(
                viewer=request.user, budget_id=budget_id, status=q.get("status"), line_id=q.get("line")
            ),
            output=EngagementSerializer,
            many=True,
        )


class EngagementProposeApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsService]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        line_id = id_field()
        beneficiary = serializers.CharField(max_length=200)
        subject = serializers.CharField(max_length=300)
        amount_dh = _amount()

    output, success_status = EngagementDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        engagement = services.engagement_propose(actor=request.user, **data)
        return _detail(request.user, engagement.pk)


class EngagementDetailApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsReader]
    method, output = "get", EngagementDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], engagement_id: int) -> Any:
        return _detail(request.user, engagement_id)


class EngagementApproveApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsOrdonnateur]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)

    output = EngagementDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], engagement_id: int) -> dict[str, Any]:
        services.engagement_approve(actor=request.user, engagement_id=engagement_id, **data)
        return _detail(request.user, engagement_id)


class EngagementRejectApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsOrdonnateur]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        note = serializers.CharField(max_length=500)

    output = EngagementDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], engagement_id: int) -> dict[str, Any]:
        services.engagement_reject(actor=request.user, engagement_id=engagement_id, **data)
        return _detail(request.user, engagement_id)


class LiquidationRecordApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsService]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        amount_dh = _amount()
        invoice_reference = serializers.CharField(max_length=100)
        service_done_on = serializers.DateField()

    output, success_status = EngagementDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], engagement_id: int) -> dict[str, Any]:
        services.liquidation_record(actor=request.user, engagement_id=engagement_id, **data)
        return _detail(request.user, engagement_id)


class PaymentOrderIssueApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsOrdonnateur]

    @extend_schema(request=None, responses={201: PaymentOrderSerializer})
    def post(self, request: Request, liquidation_id: int) -> Response:
        return api_call(
            lambda: services.payment_order_issue(actor=request.user, liquidation_id=liquidation_id),
            output=PaymentOrderSerializer,
            status=201,
        )


class PaymentRecordApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsService]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        paid_on = serializers.DateField()
        treasury_reference = serializers.CharField(max_length=100)

    output, success_status = PaymentSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], order_id: int) -> Any:
        return services.payment_record(actor=request.user, order_id=order_id, **data)
