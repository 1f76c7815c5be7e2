"""Tables of the parc automobile (the commune's fleet). One-row rules here (CHECK constraints); the rules that
span rows (odometer only going up, a voucher used once on its own vehicle, no overlapping assignment or mission,
states moving only forward) are SQL triggers and exclusion constraints (migration 0002). Writes go through
services.py. Nothing here is ever deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Service(models.Model):
    """A commune service vehicles and voucher books belong to (voirie, hygiène, administration…)."""

    name_fr = models.CharField(max_length=120, unique=True)
    name_ar = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_fr"]
        constraints = [models.CheckConstraint(condition=~Q(name_fr=""), name="parc_service_name")]

    def __str__(self) -> str:
        return self.name_fr


class Driver(models.Model):
    name = models.CharField(max_length=120)
    name_ar = models.CharField(max_length=120, blank=True)
    licence = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="parc_driver_name")]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    CAR = "car", _("Car")
    UTILITY = "utility", _("Utility vehicle")
    TRUCK = "truck", _("Truck")
    BUS = "bus", _("Bus")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    MACHINE = "machine", _("Machine")


class Fuel(models.TextChoices):
    DIESEL = "diesel", _("Diesel")
    PETROL = "petrol", _("Petrol")


class State(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    IN_REPAIR = "in_repair", _("In repair")
    REFORMED = "reformed", _("Reformed")


# The SQL trigger on parc_vehicle carries the same pairs (a test compares them).
STATE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.IN_SERVICE: (State.IN_REPAIR, State.REFORMED),
    State.IN_REPAIR: (State.IN_SERVICE, State.REFORMED),
    State.REFORMED: (),
}


class Vehicle(models.Model):
    plate = models.CharField(max_length=20, unique=True)  # Latin, as on the grey card: 12345-A-6, 123456-J
    plate_ar = models.CharField(max_length=20)  # Arabic: 12345-أ-6
    kind = models.CharField(max_length=12, choices=Kind.choices)
    brand = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    fuel = models.CharField(max_length=8, choices=Fuel.choices, default=Fuel.DIESEL)
    tank_litres = models.PositiveIntegerField(null=True, blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="vehicles")
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_SERVICE)
    reformed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plate"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="parc_vehicle_kind"),
            models.CheckConstraint(condition=Q(fuel__in=Fuel.values), name="parc_vehicle_fuel"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="parc_vehicle_state"),
            models.CheckConstraint(condition=~Q(plate="") & ~Q(plate_ar=""), name="parc_vehicle_plates"),
            models.CheckConstraint(
                condition=Q(state=State.REFORMED, reformed_on__isnull=False)
                | (~Q(state=State.REFORMED) & Q(reformed_on__isnull=True)),
                name="parc_vehicle_reformed_on",
            ),
        ]

    def __str__(self) -> str:
        return self.plate


class StateChange(models.Model):
    """Every change of a vehicle's state, with its reason (append-only)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="state_changes")
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    on = models.DateField()
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="parc_statechange_reason")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ConsumptionThreshold(models.Model):
    """Litres per 100 km beyond which a fill is an anomaly, per kind of vehicle (seeded, editable)."""

    kind = models.CharField(max_length=12, choices=Kind.choices, unique=True)
    max_l_per_100km = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(max_l_per_100km__gt=0), name="parc_threshold_positive")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Assignment(models.Model):
    """A driver given a vehicle from a day to a day (open while `end_on` is empty). Never two at once on a vehicle
    (exclusion constraint); the end is written once (set-once trigger)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="assignments")
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="assignments")
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")), name="parc_assignment_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class DocumentKind(models.TextChoices):
    INSURANCE = "insurance", _("Insurance")
    INSPECTION = "inspection", _("Technical inspection")
    VIGNETTE = "vignette", _("Vignette")


class VehicleDocument(models.Model):
    """An insurance certificate, a technical inspection or a vignette, valid until a day (append-only: a renewal
    is a new row)."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=12, choices=DocumentKind.choices)
    reference = models.CharField(max_length=80, blank=True)
    issuer = models.CharField(max_length=120, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_until", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="parc_document_kind"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="parc_document_dates"),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ExpiryNotice(models.Model):
    """The beat announced that a document lapses in `days_before` days (0: lapsed). Once per stage."""

    document = models.ForeignKey(VehicleDocument, on_delete=models.PROTECT, related_name="notices")
    days_before = models.PositiveSmallIntegerField()
    announced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-announced_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["document", "days_before"], name="parc_notice_once")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class ReadingSource(models.TextChoices):
    MANUAL = "manual", _("Reading")
    FUEL = "fuel", _("Fuel")
    MAINTENANCE = "maintenance", _("Maintenance")
    MISSION = "mission", _("Mission")


class OdometerReading(models.Model):
    """A kilometre reading. Append-only; never lower than the vehicle's last one (trigger), never zero."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="readings")
    value = models.PositiveIntegerField()
    read_on = models.DateField()
    source = models.CharField(max_length=12, choices=ReadingSource.choices, default=ReadingSource.MANUAL)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-value", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="parc_reading_positive"),
            models.CheckConstraint(condition=Q(source__in=ReadingSource.values), name="parc_reading_source"),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class MaintenanceKind(models.TextChoices):
    SERVICE = "service", _("Service")
    REPAIR = "repair", _("Repair")
    TYRES = "tyres", _("Tyres")
    OTHER = "other", _("Other")


class Maintenance(models.Model):
    """A service or a repair: type, supplier, amount, odometer (never zero). Append-only."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="maintenances")
    kind = models.CharField(max_length=10, choices=MaintenanceKind.choices)
    description = models.CharField(max_length=300)
    supplier = models.CharField(max_length=120, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    odometer = models.PositiveIntegerField()
    done_on = models.DateField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MaintenanceKind.values), name="parc_maintenance_kind"),
            models.CheckConstraint(condition=Q(odometer__gt=0), name="parc_maintenance_odometer"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="parc_maintenance_amount"),
            models.CheckConstraint(condition=~Q(description=""), name="parc_maintenance_description"),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class VoucherBook(models.Model):
    """A stub book of fuel vouchers given to one vehicle or one service: numbered per year (`parc:book`), its
    vouchers a consecutive block of the year's voucher series (`parc:voucher`). Append-only."""

    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="books", null=True, blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="books", null=True, blank=True)
    fuel = models.CharField(max_length=8, choices=Fuel.choices)
    face_value = models.DecimalField(max_digits=10, decimal_places=2)  # DH per voucher
    first_number = models.PositiveIntegerField()
    count = models.PositiveSmallIntegerField()
    supplier = models.CharField(max_length=120, blank=True)  # the station under contract
    issued_on = models.DateField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="parc_book_number"),
            models.CheckConstraint(
                condition=Q(vehicle__isnull=False, service__isnull=True)
                | Q(vehicle__isnull=True, service__isnull=False),
                name="parc_book_holder",
            ),
            models.CheckConstraint(condition=Q(count__gte=1) & Q(count__lte=100), name="parc_book_count"),
            models.CheckConstraint(condition=Q(face_value__gt=0), name="parc_book_face_value"),
            models.CheckConstraint(condition=Q(fuel__in=Fuel.values), name="parc_book_fuel"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.year}/{self.number:04d}"


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    USED = "used", _("Used")
    CANCELLED = "cancelled", _("Cancelled")


class Voucher(models.Model):
    """One numbered fuel voucher. Its status moves only through a use or a cancellation row (SQL triggers)."""

    book = models.ForeignKey(VoucherBook, on_delete=models.PROTECT, related_name="vouchers")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    code = models.CharField(max_length=12, unique=True)
    status = models.CharField(max_length=10, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED)

    class Meta:
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="parc_voucher_number"),
            models.CheckConstraint(condition=Q(status__in=VoucherStatus.values), name="parc_voucher_status"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"B-{self.year}/{self.number:06d}"


class VoucherUse(models.Model):
    """The fill a voucher paid for: once per voucher (unique), on the book's vehicle or a vehicle of the book's
    service (trigger), litres or amount, the odometer at the pump. Append-only."""

    voucher = models.OneToOneField(Voucher, on_delete=models.PROTECT, related_name="use")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="fills")
    used_on = models.DateField()
    station = models.CharField(max_length=120)
    litres = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    odometer = models.PositiveIntegerField()
    full_tank = models.BooleanField(default=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["used_on", "odometer", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(litres__isnull=False) | Q(amount__isnull=False), name="parc_use_litres_or_amount"
            ),
            models.CheckConstraint(
                condition=(Q(litres__isnull=True) | Q(litres__gt=0)) & (Q(amount__isnull=True) | Q(amount__gt=0)),
                name="parc_use_positive",
            ),
            models.CheckConstraint(condition=Q(odometer__gt=0), name="parc_use_odometer"),
            models.CheckConstraint(condition=~Q(station=""), name="parc_use_station"),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class VoucherCancellation(models.Model):
    """The counter-entry that cancels an unused voucher, with its reason. Append-only, once per voucher."""

    voucher = models.OneToOneField(Voucher, on_delete=models.PROTECT, related_name="cancellation")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="parc_cancellation_reason")]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class MissionStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class MissionOrder(models.Model):
    """An ordre de mission: numbered per year (`parc:mission`) at issue, printed with a QR code. Issued →
    completed (return odometer) or cancelled (reason); never deleted; a vehicle has no two missions at once."""

    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    code = models.CharField(max_length=12, unique=True)
    agent_name = models.CharField(max_length=120)
    agent_function = models.CharField(max_length=120, blank=True)
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="missions")
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="missions", null=True, blank=True)
    destination = models.CharField(max_length=200)
    purpose = models.CharField(max_length=300)
    depart_on = models.DateField()
    return_on = models.DateField()
    status = models.CharField(max_length=10, choices=MissionStatus.choices, default=MissionStatus.ISSUED)
    start_odometer = models.PositiveIntegerField(null=True, blank=True)
    end_odometer = models.PositiveIntegerField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="parc_mission_number"),
            models.CheckConstraint(condition=Q(status__in=MissionStatus.values), name="parc_mission_status"),
            models.CheckConstraint(condition=Q(return_on__gte=models.F("depart_on")), name="parc_mission_dates"),
            models.CheckConstraint(
                condition=~Q(agent_name="") & ~Q(destination="") & ~Q(purpose=""), name="parc_mission_text"
            ),
            models.CheckConstraint(
                condition=~Q(status=MissionStatus.CANCELLED) | ~Q(cancel_reason=""), name="parc_mission_cancel_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status=MissionStatus.COMPLETED) | Q(end_odometer__isnull=False),
                name="parc_mission_completed_odometer",
            ),
            models.CheckConstraint(
                condition=Q(status=MissionStatus.ISSUED, closed_at__isnull=True)
                | (~Q(status=MissionStatus.ISSUED) & Q(closed_at__isnull=False)),
                name="parc_mission_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"OM-{self.year}/{self.number:04d}"
