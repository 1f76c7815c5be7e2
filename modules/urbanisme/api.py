"""The API of the urbanisme module: one view per operation, input serializer → one service/selector → output. No
ORM, no try/except (the kernel's api_call and the project's exception handler give the {code, message, extra}
shape). Every endpoint is described for the OpenAPI schema (drf-spectacular)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jamaa.platform.inputs import id_field, query_params
from jamaa.platform.kernel.api import ServiceApi, api_call

from . import exceptions, permissions, selectors, services
from .models import Avis, Kind, PetitionerKind, Status, Use


class DossierRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    subject = serializers.CharField()
    petitioner = serializers.CharField()
    deposited_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    late = serializers.BooleanField()
    instructor = serializers.CharField()


class ParcelSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title_number = serializers.CharField(max_length=40)
    address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6)
    area_m2 = serializers.DecimalField(max_digits=12, decimal_places=2)


class PieceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()
    label_fr = serializers.CharField()
    label_ar = serializers.CharField()
    received_on = serializers.DateField(allow_null=True)


class EventSerializer(serializers.Serializer):  # type: ignore[type-arg]
    on = serializers.DateField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    by = serializers.CharField()
    note = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


class ConsultationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    service = serializers.CharField()
    sent_on = serializers.DateField()
    deadline = serializers.DateField()
    returned_on = serializers.DateField(allow_null=True)
    avis = serializers.CharField()
    avis_note = serializers.CharField()
    late = serializers.BooleanField()


class DocumentSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    version = serializers.IntegerField()
    number = serializers.CharField()
    code = serializers.CharField()
    issued_on = serializers.DateField()
    superseded = serializers.BooleanField()


class DossierDetailSerializer(serializers.Serializer):  # type: ignore[type-arg]
    row = DossierRowSerializer()
    code = serializers.CharField()
    elapsed_days = serializers.IntegerField()
    delay_days = serializers.IntegerField(source="dossier.delay_days")
    size = serializers.CharField(source="dossier.size")
    courrier_reference = serializers.CharField(source="dossier.courrier_reference")
    tax_dh = serializers.DecimalField(source="dossier.tax_dh", max_digits=12, decimal_places=2, allow_null=True)
    tax_quittance = serializers.CharField(source="dossier.tax_quittance")
    parcels = ParcelSerializer(many=True)
    pieces = PieceSerializer(many=True)
    missing = serializers.ListField(child=serializers.CharField())
    events = EventSerializer(many=True)
    consultations = ConsultationSerializer(many=True)
    documents = DocumentSerializer(many=True)
    decision = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField()

    def get_decision(self, obj: selectors.DossierDetail) -> str:
        return obj.decision.reference if obj.decision is not None else ""

    def get_next_statuses(self, obj: selectors.DossierDetail) -> list[str]:
        return sorted(obj.allowed)


def _row_json(r: selectors.DossierRow) -> dict[str, Any]:
    """A row as DossierRowSerializer writes it, without the serializer's per-field cost (lists of a hundred)."""
    return {
        "id": r.id,
        "reference": r.reference,
        "kind": r.kind,
        "status": r.status,
        "subject": r.subject,
        "petitioner": r.petitioner,
        "deposited_on": r.deposited_on.isoformat(),
        "due_on": r.due_on.isoformat() if r.due_on else None,
        "days_left": r.days_left,
        "late": r.late,
        "instructor": r.instructor,
    }


def _rows_json(rows: list[selectors.DossierRow]) -> list[dict[str, Any]]:
    return [_row_json(r) for r in rows]


def _detail(viewer: Any, dossier_id: int) -> selectors.DossierDetail:
    return selectors.dossier_get(viewer=viewer, dossier_id=dossier_id)


class DossierListApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsReader]

    class QuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
        status = serializers.ChoiceField(choices=Status.choices, required=False)
        kind = serializers.ChoiceField(choices=Kind.choices, required=False)
        q = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)

    @extend_schema(parameters=[QuerySerializer], responses=DossierRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        def rows() -> list[selectors.DossierRow]:
            p = query_params(self.QuerySerializer, request.query_params)
            return selectors.dossier_list(viewer=request.user, status=p.get("status"), kind=p.get("kind"), q=p["q"])

        return api_call(rows, output=_rows_json)


class DeskApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsReader]

    @extend_schema(responses=DossierRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The instructor's desk: my open dossiers, nearest deadline first."""
        return api_call(lambda: selectors.desk(viewer=request.user), output=_rows_json)


class LateBoardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    open_count = serializers.IntegerField()
    late_count = serializers.IntegerField()
    stopped_count = serializers.IntegerField()
    by_instructor = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    late = DossierRowSerializer(many=True)


class LateApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsReader]

    @extend_schema(responses=LateBoardSerializer)
    def get(self, request: Request) -> Response:
        """Dossiers past their legal delay (clock running), with counts."""

        def board(b: selectors.LateBoard) -> dict[str, Any]:
            return {
                "open_count": b.open_count,
                "late_count": b.late_count,
                "stopped_count": b.stopped_count,
                "by_instructor": [[name, str(n)] for name, n in b.by_instructor],
                "late": _rows_json(b.late),
            }

        return api_call(lambda: selectors.late_dashboard(viewer=request.user), output=board)


class DossierDepositApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=Kind.choices)
        subject = serializers.CharField(max_length=300)
        petitioner_kind = serializers.ChoiceField(choices=PetitionerKind.choices)
        petitioner_name = serializers.CharField(max_length=200)
        petitioner_cin = serializers.CharField(max_length=12, required=False, default="", allow_blank=True)
        petitioner_rc = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
        petitioner_ice = serializers.CharField(max_length=15, required=False, default="", allow_blank=True)
        petitioner_address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
        petitioner_phone = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
        architect_name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        architect_ordre = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
        use = serializers.ChoiceField(choices=Use.choices, default=Use.HOUSING)
        built_area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, default=Decimal("0"))
        floors = serializers.IntegerField(min_value=0, max_value=200, default=0)
        housing_units = serializers.IntegerField(min_value=0, max_value=30000, default=0)
        parcels = ParcelSerializer(many=True)
        pieces = serializers.ListField(
            child=serializers.CharField(max_length=40), required=False, default=list, max_length=50
        )
        parent_id = id_field(required=False, allow_null=True, default=None)
        rokhas_reference = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)

    output, success_status = DossierDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any]) -> selectors.DossierDetail:
        parcels = tuple(services.ParcelInput(**p) for p in data.pop("parcels"))
        pieces = tuple(data.pop("pieces"))
        dossier = services.dossier_deposit(
            actor=request.user, data=services.DossierInput(**data, parcels=parcels, pieces=pieces)
        )
        return _detail(request.user, dossier.pk)


class DossierDetailApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsReader]
    method, output = "get", DossierDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], dossier_id: int) -> Any:
        return _detail(request.user, dossier_id)


class PiecesApi(ServiceApi):
    """Pieces handed in later; an incomplete dossier missing nothing more resumes its instruction."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        codes = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1, max_length=50)

    output = DossierDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], dossier_id: int) -> selectors.DossierDetail:
        services.pieces_receive(actor=request.user, dossier_id=dossier_id, codes=data["codes"])
        return _detail(request.user, dossier_id)


STEPS = ("instruct", "incomplete", "complete", "favourable", "unfavourable", "withdraw", "tax", "deliver")


class DossierStepApi(ServiceApi):
    """One step of the workflow: take into instruction (or reassign), incomplete (the note says what is
    missing), complete, the instructor's avis on a light dossier, withdraw, liquidate the tax, deliver."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        step = serializers.ChoiceField(choices=[(s, s) for s in STEPS])
        note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
        instructor_id = id_field(required=False, allow_null=True, default=None)

    output = DossierDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], dossier_id: int) -> selectors.DossierDetail:
        user, note, step = request.user, data["note"], data["step"]
        calls = {
            "instruct": lambda: services.dossier_instruct(
                actor=user, dossier_id=dossier_id, instructor_id=data["instructor_id"]
            ),
            "incomplete": lambda: services.dossier_incomplete(actor=user, dossier_id=dossier_id, note=note),
            "complete": lambda: services.dossier_complete(actor=user, dossier_id=dossier_id, note=note),
            "favourable": lambda: services.dossier_decide_light(
                actor=user, dossier_id=dossier_id, favourable=True, note=note
            ),
            "unfavourable": lambda: services.dossier_decide_light(
                actor=user, dossier_id=dossier_id, favourable=False, note=note
            ),
            "withdraw": lambda: services.dossier_withdraw(actor=user, dossier_id=dossier_id, reason=note),
            "tax": lambda: services.tax_liquidate(actor=user, dossier_id=dossier_id),
            "deliver": lambda: services.dossier_deliver(actor=user, dossier_id=dossier_id),
        }
        calls[step]()
        return _detail(user, dossier_id)


class ConsultApi(ServiceApi):
    """Consult a service on the dossier."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        service_id = id_field()
        deadline = serializers.DateField(required=False, allow_null=True, default=None)

    output, success_status = DossierDetailSerializer, 201

    def perform(self, request: Request, data: dict[str, Any], dossier_id: int) -> selectors.DossierDetail:
        services.consultation_send(actor=request.user, dossier_id=dossier_id, **data)
        return _detail(request.user, dossier_id)


class ConsultationReturnApi(ServiceApi):
    """Record a consulted service's answer (once)."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        avis = serializers.ChoiceField(choices=[(a, a) for a in (Avis.FAVOURABLE, Avis.RESERVED, Avis.UNFAVOURABLE)])
        note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
        returned_on = serializers.DateField(required=False, allow_null=True, default=None)

    output = ConsultationSerializer

    def perform(self, request: Request, data: dict[str, Any], consultation_id: int) -> dict[str, Any]:
        c = services.consultation_return(actor=request.user, consultation_id=consultation_id, **data)
        return {
            "id": c.pk,
            "service": c.service.name_fr,
            "sent_on": c.sent_on,
            "deadline": c.deadline,
            "returned_on": c.returned_on,
            "avis": c.avis,
            "avis_note": c.avis_note,
            "late": bool(c.returned_on and c.returned_on > c.deadline),
        }


class SignApi(ServiceApi):
    """Sign the numbered arrêté of a favourable (granted) or unfavourable (refused) dossier."""

    permission_classes = [IsAuthenticated, permissions.IsSignatory]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        signatory = serializers.CharField(max_length=200)
        conditions = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)

    output = DossierDetailSerializer

    def perform(self, request: Request, data: dict[str, Any], dossier_id: int) -> selectors.DossierDetail:
        services.decision_sign(actor=request.user, dossier_id=dossier_id, **data)
        return _detail(request.user, dossier_id)


class PublicStatusSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reference = serializers.CharField()
    kind = serializers.CharField()
    deposited_on = serializers.DateField()
    status = serializers.CharField()
    missing_pieces = serializers.ListField(child=serializers.CharField())
    due_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    delivered_on = serializers.DateField(allow_null=True)
    tax_dh = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class PublicStatusApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsReader]

    class QuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
        kind = serializers.ChoiceField(choices=Kind.choices)
        number = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        code = serializers.CharField(max_length=12)

    @extend_schema(parameters=[QuerySerializer], responses=PublicStatusSerializer)
    def get(self, request: Request) -> Response:
        """What the petitioner-facing portal shows: the status by number and récépissé code (no personal data)."""

        def status() -> selectors.DossierPublicStatus:
            p = query_params(self.QuerySerializer, request.query_params)
            found = selectors.dossier_public_status(**p)
            if found is None:
                raise exceptions.DossierNotFound()
            return found

        return api_call(status, output=PublicStatusSerializer)


class ExportApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsReader]

    class QuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
        year = serializers.IntegerField(min_value=2000, max_value=2100)

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        format = serializers.CharField()
        year = serializers.IntegerField()
        dossiers = serializers.ListField(child=serializers.DictField())

    @extend_schema(parameters=[QuerySerializer], responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        """The year's dossiers in the exchange format for Rokhas (docs/modules/urbanisme.md)."""

        def records() -> dict[str, Any]:
            p = query_params(self.QuerySerializer, request.query_params)
            return {
                "format": "jamaa-urbanisme/1",
                "year": p["year"],
                "dossiers": list(selectors.export_records(viewer=request.user, year=p["year"])),
            }

        return api_call(records)


class SittingItemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    dossier_id = serializers.IntegerField()
    reference = serializers.CharField()
    subject = serializers.CharField()
    petitioner = serializers.CharField()
    avis = serializers.CharField()
    avis_note = serializers.CharField()


class SittingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    reference = serializers.CharField()
    day = serializers.DateField()
    place = serializers.CharField()
    status = serializers.CharField()
    members_present = serializers.CharField()
    items = SittingItemSerializer(many=True)


class SittingCreateApi(ServiceApi):
    """Convene a commission sitting (numbered per year)."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        day = serializers.DateField()
        place = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    output, success_status = SittingSerializer, 201

    def perform(self, request: Request, data: dict[str, Any]) -> selectors.SittingView:
        s = services.sitting_create(actor=request.user, **data)
        return selectors.sitting_get(viewer=request.user, sitting_id=s.pk)


class SittingDetailApi(ServiceApi):
    permission_classes = [IsAuthenticated, permissions.IsReader]
    method, output = "get", SittingSerializer

    def perform(self, request: Request, data: dict[str, Any], sitting_id: int) -> Any:
        return selectors.sitting_get(viewer=request.user, sitting_id=sitting_id)


class SittingAddApi(ServiceApi):
    """Put a dossier on the sitting's agenda."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        dossier_id = id_field()

    output = SittingSerializer

    def perform(self, request: Request, data: dict[str, Any], sitting_id: int) -> selectors.SittingView:
        services.sitting_add(actor=request.user, sitting_id=sitting_id, dossier_id=data["dossier_id"])
        return selectors.sitting_get(viewer=request.user, sitting_id=sitting_id)


class SittingAvisApi(ServiceApi):
    """The commission's avis on a dossier of the agenda (once)."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        avis = serializers.ChoiceField(choices=[(a, a) for a in (Avis.FAVOURABLE, Avis.UNFAVOURABLE, Avis.ADJOURNED)])
        note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)

    output = SittingItemSerializer

    def perform(self, request: Request, data: dict[str, Any], item_id: int) -> dict[str, Any]:
        i = services.sitting_avis(actor=request.user, item_id=item_id, **data)
        return {
            "id": i.pk,
            "position": i.position,
            "dossier_id": i.dossier_id,
            "reference": i.dossier.reference,
            "subject": i.dossier.subject,
            "petitioner": i.dossier.petitioner_name,
            "avis": i.avis,
            "avis_note": i.avis_note,
        }


class SittingHoldApi(ServiceApi):
    """Close the sitting: its minutes become final."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        members_present = serializers.CharField(max_length=4000)
        minutes_note = serializers.CharField(max_length=20000, required=False, default="", allow_blank=True)

    output = SittingSerializer

    def perform(self, request: Request, data: dict[str, Any], sitting_id: int) -> selectors.SittingView:
        services.sitting_hold(actor=request.user, sitting_id=sitting_id, **data)
        return selectors.sitting_get(viewer=request.user, sitting_id=sitting_id)


class ImportApi(ServiceApi):
    """Import dossiers deposited on Rokhas (the exchange format); those already imported are skipped."""

    permission_classes = [IsAuthenticated, permissions.IsAgent]

    class InputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        format = serializers.ChoiceField(choices=[(services.IMPORT_FORMAT, services.IMPORT_FORMAT)])
        dossiers = serializers.ListField(child=serializers.DictField(), max_length=services.IMPORT_MAX)

    class OutputSerializer(serializers.Serializer):  # type: ignore[type-arg]
        imported = serializers.ListField(child=serializers.CharField())
        skipped = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))

    output = OutputSerializer

    def perform(self, request: Request, data: dict[str, Any]) -> Any:
        return services.dossiers_import(actor=request.user, records=data["dossiers"])
