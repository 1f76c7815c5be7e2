"""The API of the parc automobile: one view per operation, input serializer → one service/selector → output. No
ORM, no try/except (the kernel's api_call and the project's exception handler give the {code, message, extra}
shape). Every endpoint is described for the OpenAPI schema (drf-spectacular)."""

from __future__ import annotations

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
from .models import DocumentKind, Fuel, Kind, MaintenanceKind, State


def _km(**kwargs: Any) -> serializers.IntegerField:
    """A kilometre reading: 1 .. 9,999,999."""
    return serializers.IntegerField(min_value=1, max_value=9_999_999, **kwargs)


class VehicleRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    plate = serializers.CharField()
    plate_ar = serializers.CharField()
    kind = serializers.CharField()
    brand = serializers.CharField()
    model = serializers.CharField()
    fuel = serializers.CharField()
    service_id = serializers.IntegerField()
    service = serializers.CharField()
    state = serializers.CharField()
    driver = serializers.CharField()
    odometer = serializers.IntegerField(allow_null=True)
    tank_litres = serializers.IntegerField(allow_null=True)
    reformed_on = serializers.DateField(allow_null=True)


class DocumentRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    reference = serializers.CharField()
    issuer = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    days_left = serializers.IntegerField()


class AssignmentRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    driver = serializers.CharField()
    start_on = serializers.DateField()
    end_on = serializers.DateField(allow_null=True)


class MaintenanceRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    description = serializers.CharField()
    supplier = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    odometer = serializers.IntegerField()
    done_on = serializers.DateField()


class BookRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    holder = serializers.CharField()
    vehicle_id = serializers.IntegerField(allow_null=True)
    service_id = serializers.IntegerField(allow_null=True)
    fuel = serializers.CharField()
    face_value = serializers.DecimalField(max_digits=10, decimal_places=2)
    first = serializers.CharField()
    last = serializers.CharField()
    count = serializers.IntegerField()
    issued = serializers.IntegerField()
    used = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    issued_on = serializers.DateField()


class VehicleDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    vehicle = VehicleRowSerializer()
    documents = DocumentRowSerializer(many=True)
    assignments = AssignmentRowSerializer(many=True)
    maintenances = MaintenanceRowSerializer(many=True)
    books = BookRowSerializer(many=True)


class VoucherRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    number = serializers.IntegerField()
    year = serializers.IntegerField()
    status = serializers.CharField()
    plate = serializers.CharField()
    used_on = serializers.DateField(allow_null=True)
    station = serializers.CharField()
    litres = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    odometer = serializers.IntegerField(allow_null=True)
    full_tank = serializers.BooleanField()
    cancel_reason = serializers.CharField()


class BookDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    book = BookRowSerializer()
    vouchers = VoucherRowSerializer(many=True)
    supplier = serializers.CharField()


class VoucherDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    voucher = VoucherRowSerializer()
    book_id = serializers.IntegerField()
    book_reference = serializers.CharField()
    holder = serializers.CharField()
    face_value = serializers.DecimalField(max_digits=10, decimal_places=2)
    fuel = serializers.CharField()


class MissionRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    code = serializers.CharField()
    agent_name = serializers.CharField()
    agent_function = serializers.CharField()
    vehicle_id = serializers.IntegerField()
    plate = serializers.CharField()
    driver = serializers.CharField()
    destination = serializers.CharField()
    purpose = serializers.CharField()
    depart_on = serializers.DateField()
    return_on = serializers.DateField()
    status = serializers.CharField()
    start_odometer = serializers.IntegerField(allow_null=True)
    end_odometer = serializers.IntegerField(allow_null=True)
    cancel_reason = serializers.CharField()


class SegmentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    start_km = serializers.IntegerField()
    end_km = serializers.IntegerField()
    end_on = serializers.DateField()
    distance = serializers.IntegerField()
    litres = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    l_per_100km = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    threshold = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    excessive = serializers.BooleanField()


class AnomalySerializer(serializers.Serializer):  # type: ignore[type-arg]
    vehicle_id = serializers.IntegerField()
    plate = serializers.CharField()
    on = serializers.DateField()
    code = serializers.CharField()
    detail = serializers.CharField()


class ConsumptionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    segments = SegmentSerializer(many=True)
    anomalies = AnomalySerializer(many=True)


class ReportLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    service_id = serializers.IntegerField()
    service = serializers.CharField()
    fills = serializers.IntegerField()
    litres = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    distance = serializers.IntegerField()
    l_per_100km = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    anomalies = serializers.IntegerField()


class ReportVehicleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    vehicle_id = serializers.IntegerField()
    plate = serializers.CharField()
    service = serializers.CharField()
    fills = serializers.IntegerField()
    litres = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    distance = serializers.IntegerField()
    l_per_100km = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    anomalies = serializers.IntegerField()


class FuelReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    lines = ReportLineSerializer(many=True)
    vehicles = ReportVehicleSerializer(many=True)
    anomalies = AnomalySerializer(many=True)
    total_litres = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_fills = serializers.IntegerField()


class LogLineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    on = serializers.DateField()
    what = serializers.CharField()
    detail = serializers.CharField()
    odometer = serializers.IntegerField(allow_null=True)


class ChoiceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField(source="label")


def _vehicle(user: Any, vehicle_id: int) -> selectors.VehicleDetail:
    return selectors.vehicle_get(viewer=user, vehicle_id=vehicle_id)


# --- vehicles ----------------------------------------------------------------------------------------------------


class VehicleListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class QuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
        state = serializers.ChoiceField(choices=State.values, required=False, default="")
        q = serializers.CharField(max_length=40, required=False, default="")

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, required=False, enum=State.values),
            OpenApiParameter("q", str, required=False),
        ],
        responses=VehicleRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = query_params(self.QuerySerializer, request.query_params)
        return api_call(
            lambda: selectors.vehicle_list(viewer=request.user, state=params["state"] or None, q=params["q"]),
            output=VehicleRowSerializer,
            many=True,
        )


class _VehicleApi(ServiceApi):
    # An operation on a vehicle (or a new one) answering with the vehicle's detail.
    permission_classes = [IsAuthenticated, permissions.IsManager]
    output, success_status = VehicleDetailSerializer, 201


class VehicleCreateApi(_VehicleApi):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        plate = serializers.CharField(max_length=20)
        plate_ar = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
        kind = serializers.ChoiceField(choices=Kind.values)
        service_id = id_field()
        brand = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
        model = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)
        fuel = serializers.ChoiceField(choices=Fuel.values, required=False, default=Fuel.DIESEL)
        tank_litres = serializers.IntegerField(
            min_value=1, max_value=2000, required=False, allow_null=True, default=None
        )
        odometer = _km(required=False, allow_null=True, default=None)

    def perform(self, request: Request, data: dict[str, Any]) -> selectors.VehicleDetail:
        vehicle = services.vehicle_create(actor=request.user, data=services.VehicleInput(**data))
        return _vehicle(request.user, vehicle.pk)


class VehicleDetailApi(_VehicleApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]
    method, success_status = "get", 200

    def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> selectors.VehicleDetail:
        return _vehicle(request.user, vehicle_id)


class VehicleStateApi(_VehicleApi):
    success_status = 200

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        state = serializers.ChoiceField(choices=State.values)
        reason = serializers.CharField(max_length=300)
        on = serializers.DateField(required=False, allow_null=True, default=None)

    def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> selectors.VehicleDetail:
        services.vehicle_state_change(actor=request.user, vehicle_id=vehicle_id, **data)
        return _vehicle(request.user, vehicle_id)


class AssignmentStartApi(_VehicleApi):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        driver_id = id_field()
        start_on = serializers.DateField()
        end_on = serializers.DateField(required=False, allow_null=True, default=None)
        note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)

    def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> selectors.VehicleDetail:
        services.assignment_start(actor=request.user, vehicle_id=vehicle_id, **data)
        return _vehicle(request.user, vehicle_id)


class AssignmentEndApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]
    output = AssignmentRowSerializer

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        end_on = serializers.DateField()

    def perform(self, request: Request, data: dict[str, Any], assignment_id: int) -> dict[str, Any]:
        a = services.assignment_end(actor=request.user, assignment_id=assignment_id, end_on=data["end_on"])
        return {"id": a.pk, "driver": a.driver.name, "start_on": a.start_on, "end_on": a.end_on}


class DocumentAddApi(_VehicleApi):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=DocumentKind.values)
        reference = serializers.CharField(max_length=80, required=False, default="", allow_blank=True)
        issuer = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        valid_from = serializers.DateField()
        valid_until = serializers.DateField()
        amount = serializers.DecimalField(
            max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
        )

    def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> selectors.VehicleDetail:
        services.document_add(actor=request.user, vehicle_id=vehicle_id, **data)
        return _vehicle(request.user, vehicle_id)


class ReadingApi(_VehicleApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        odometer = _km()
        read_on = serializers.DateField()

    def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> selectors.VehicleDetail:
        services.odometer_record(
            actor=request.user, vehicle_id=vehicle_id, value=data["odometer"], read_on=data["read_on"]
        )
        return _vehicle(request.user, vehicle_id)


class MaintenanceApi(_VehicleApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=MaintenanceKind.values)
        description = serializers.CharField(max_length=300)
        supplier = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
        odometer = _km()
        done_on = serializers.DateField()

    def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> selectors.VehicleDetail:
        services.maintenance_record(actor=request.user, vehicle_id=vehicle_id, **data)
        return _vehicle(request.user, vehicle_id)


class _ReadApi(ServiceApi):
    # A read for the fleet's agents.
    permission_classes = [IsAuthenticated, permissions.IsAgent]
    method = "get"


class ConsumptionApi(_ReadApi):
    output = ConsumptionSerializer

    def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> dict[str, Any]:
        segments, anomalies = selectors.vehicle_anomalies(viewer=request.user, vehicle_id=vehicle_id)
        return {"segments": segments, "anomalies": anomalies}


class LogbookApi(_ReadApi):
    output, many = LogLineSerializer, True

    def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> Any:
        return selectors.vehicle_logbook(viewer=request.user, vehicle_id=vehicle_id)[1]


# --- voucher books and vouchers ----------------------------------------------------------------------------------


class BookListApi(_ReadApi):
    output, many = BookRowSerializer, True

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return selectors.book_list(viewer=request.user)


class BookIssueApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]
    output, success_status = BookDetailSerializer, 201

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        vehicle_id = id_field(required=False, allow_null=True, default=None)
        service_id = id_field(required=False, allow_null=True, default=None)
        count = serializers.IntegerField(min_value=1, max_value=100)
        face_value = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=1)
        fuel = serializers.ChoiceField(choices=Fuel.values, required=False, default="")
        supplier = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        issued_on = serializers.DateField(required=False, allow_null=True, default=None)

    def perform(self, request: Request, data: dict[str, Any]) -> selectors.BookDetail:
        book = services.book_issue(actor=request.user, **data)
        return selectors.book_get(viewer=request.user, book_id=book.pk)


class BookDetailApi(_ReadApi):
    output = BookDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], book_id: int) -> selectors.BookDetail:
        return selectors.book_get(viewer=request.user, book_id=book_id)


class VoucherFindApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class QuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
        reference = serializers.CharField(max_length=30)

    @extend_schema(parameters=[OpenApiParameter("reference", str, required=True)], responses=VoucherDetailSerializer)
    def get(self, request: Request) -> Response:
        params = query_params(self.QuerySerializer, request.query_params)
        return api_call(
            lambda: selectors.voucher_get(
                viewer=request.user,
                voucher_id=selectors.voucher_find(viewer=request.user, reference=params["reference"]),
            ),
            output=VoucherDetailSerializer,
        )


class VoucherDetailApi(_ReadApi):
    output = VoucherDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], voucher_id: int) -> selectors.VoucherDetail:
        return selectors.voucher_get(viewer=request.user, voucher_id=voucher_id)


class VoucherUseApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]
    output, success_status = VoucherDetailSerializer, 201

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        vehicle_id = id_field()
        used_on = serializers.DateField()
        station = serializers.CharField(max_length=120)
        litres = serializers.DecimalField(
            max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
        )
        amount = serializers.DecimalField(
            max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
        )
        odometer = _km()
        full_tank = serializers.BooleanField(required=False, default=False)

    def perform(self, request: Request, data: dict[str, Any], voucher_id: int) -> selectors.VoucherDetail:
        services.voucher_use(actor=request.user, data=services.FillInput(voucher_id=voucher_id, **data))
        return selectors.voucher_get(viewer=request.user, voucher_id=voucher_id)


class VoucherCancelApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]
    output = VoucherDetailSerializer

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reason = serializers.CharField(max_length=300)

    def perform(self, request: Request, data: dict[str, Any], voucher_id: int) -> selectors.VoucherDetail:
        services.voucher_cancel(actor=request.user, voucher_id=voucher_id, reason=data["reason"])
        return selectors.voucher_get(viewer=request.user, voucher_id=voucher_id)


# --- mission orders ----------------------------------------------------------------------------------------------


class MissionListApi(_ReadApi):
    output, many = MissionRowSerializer, True

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return selectors.mission_list(viewer=request.user)


class _MissionApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]
    output = MissionRowSerializer


class MissionIssueApi(_MissionApi):
    success_status = 201

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        agent_name = serializers.CharField(max_length=120)
        agent_function = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        vehicle_id = id_field()
        driver_id = id_field(required=False, allow_null=True, default=None)
        destination = serializers.CharField(max_length=200)
        purpose = serializers.CharField(max_length=300)
        depart_on = serializers.DateField()
        return_on = serializers.DateField()

    def perform(self, request: Request, data: dict[str, Any]) -> selectors.MissionRow:
        mission = services.mission_issue(actor=request.user, data=services.MissionInput(**data))
        return selectors.mission_get(viewer=request.user, mission_id=mission.pk)


class MissionDetailApi(_MissionApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]
    method = "get"

    def perform(self, request: Request, data: dict[str, Any], mission_id: int) -> selectors.MissionRow:
        return selectors.mission_get(viewer=request.user, mission_id=mission_id)


class MissionCompleteApi(_MissionApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        end_odometer = _km()
        returned_on = serializers.DateField(required=False, allow_null=True, default=None)

    def perform(self, request: Request, data: dict[str, Any], mission_id: int) -> selectors.MissionRow:
        services.mission_complete(actor=request.user, mission_id=mission_id, **data)
        return selectors.mission_get(viewer=request.user, mission_id=mission_id)


class MissionCancelApi(_MissionApi):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        reason = serializers.CharField(max_length=300)

    def perform(self, request: Request, data: dict[str, Any], mission_id: int) -> selectors.MissionRow:
        services.mission_cancel(actor=request.user, mission_id=mission_id, reason=data["reason"])
        return selectors.mission_get(viewer=request.user, mission_id=mission_id)


# --- report and reference lists ----------------------------------------------------------------------------------


class FuelReportApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class QuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        month = serializers.IntegerField(min_value=1, max_value=12)

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=True), OpenApiParameter("month", int, required=True)],
        responses=FuelReportSerializer,
    )
    def get(self, request: Request) -> Response:
        params = query_params(self.QuerySerializer, request.query_params)
        return api_call(lambda: selectors.fuel_report(viewer=request.user, **params), output=FuelReportSerializer)


class ServiceListApi(_ReadApi):
    output, many = ChoiceSerializer, True

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return selectors.services_list(viewer=request.user)


class _ReferenceCreateApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsManager]
    output, success_status = ChoiceSerializer, 201


class ServiceCreateApi(_ReferenceCreateApi):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        name_fr = serializers.CharField(max_length=120)
        name_ar = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        service = services.service_create(actor=request.user, **data)
        return {"id": service.pk, "label": service.name_fr}


class DriverListApi(_ReadApi):
    output, many = ChoiceSerializer, True

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return selectors.drivers_list(viewer=request.user)


class DriverCreateApi(_ReferenceCreateApi):
    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        name = serializers.CharField(max_length=120)
        name_ar = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
        licence = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
        phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)

    def perform(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        driver = services.driver_create(actor=request.user, **data)
        return {"id": driver.pk, "label": driver.name}
