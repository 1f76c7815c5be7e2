"""Tables of the police administrative (economic authorisations, occupation of the public domain, regulated
trades, inspections). One-row rules here (constraints); writes go through services.py. The state machines, the
frozen columns, the append-only tables and "no active fee-bearing authorisation without its revenue line" are
also enforced in SQL (migration 0002), so that no code path nor a psql session can break them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class NuisanceClass(models.TextChoices):
    NONE = "none", _("No nuisance")
    SECOND = "class2", _("2nd class (inquiry)")
    THIRD = "class3", _("3rd class (inquiry)")
    REGULATED = "regulated", _("Regulated trade")


INQUIRY_CLASSES = (NuisanceClass.SECOND, NuisanceClass.THIRD)


class Activity(models.Model):
    """The nomenclature of activities, with their class and the régie's tax a licence of it owes (if any)."""

    code = models.SlugField(max_length=40, unique=True)
    label_fr = models.CharField(max_length=200)
    label_ar = models.CharField(max_length=200)
    nuisance_class = models.CharField(max_length=10, choices=NuisanceClass.choices, default=NuisanceClass.NONE)
    fee_tax_code = models.CharField(max_length=30, blank=True, help_text="the régie's tax code, empty: no fee")

    class Meta:
        ordering = ["label_fr"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nuisance_class__in=NuisanceClass.values), name="police_activity_class_known"
            )
        ]

    def __str__(self) -> str:
        return self.label_fr


class OwnerKind(models.TextChoices):
    PERSON = "person", _("Person (CIN)")
    COMPANY = "company", _("Company (RC / ICE)")


class Establishment(models.Model):
    """A shop, café, workshop… and its owner, identified by CIN (a person) or ICE, with its RC (a company)."""

    name = models.CharField(max_length=200, help_text="trade name")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="establishments")
    address = models.CharField(max_length=300)
    owner_kind = models.CharField(max_length=10, choices=OwnerKind.choices)
    owner_name = models.CharField(max_length=200)
    owner_cin = models.CharField(max_length=20, blank=True)
    owner_rc = models.CharField(max_length=30, blank=True)
    owner_ice = models.CharField(max_length=15, blank=True)
    owner_phone = models.CharField(max_length=30, blank=True)
    owner_email = models.EmailField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(owner_kind__in=OwnerKind.values), name="police_owner_kind_known"),
            models.CheckConstraint(
                condition=(Q(owner_kind="person") & ~Q(owner_cin=""))
                | (Q(owner_kind="company") & Q(owner_ice__regex=r"^[0-9]{15}$")),
                name="police_owner_identified",
            ),
            models.CheckConstraint(
                condition=Q(owner_ice="") | Q(owner_ice__regex=r"^[0-9]{15}$"), name="police_owner_ice_15_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    ECONOMIC = "economic", _("Economic activity")
    OCCUPATION = "occupation", _("Occupation of the public domain")
    TRADE = "trade", _("Regulated trade")


KIND_PREFIX = {Kind.ECONOMIC: "AE", Kind.OCCUPATION: "ODP", Kind.TRADE: "MR"}


class OccupationType(models.TextChoices):
    TERRACE = "terrace", _("Terrace")
    KIOSK = "kiosk", _("Kiosk")
    ADVERTISING = "advertising", _("Advertising")
    WORKS = "works", _("Works")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    INQUIRY = "inquiry", _("Commodo-incommodo inquiry")
    COMMISSION = "commission", _("Technical commission")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


# from → the statuses a request may move to; migration 0002's trigger holds the same table (a test compares).
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.SUBMITTED: frozenset({RequestStatus.INQUIRY, RequestStatus.COMMISSION, RequestStatus.REFUSED}),
    RequestStatus.INQUIRY: frozenset({RequestStatus.COMMISSION, RequestStatus.REFUSED}),
    RequestStatus.COMMISSION: frozenset({RequestStatus.GRANTED, RequestStatus.REFUSED}),
    RequestStatus.GRANTED: frozenset(),
    RequestStatus.REFUSED: frozenset(),
}


class Request(models.Model):
    """A request for an authorisation, registered as incoming mail in the bureau d'ordre (its chrono reference
    kept as a snapshot); numbered without gaps per (kind, year)."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="requests")
    nuisance_class = models.CharField(max_length=10, choices=NuisanceClass.choices)
    occupation_type = models.CharField(max_length=12, choices=OccupationType.choices, blank=True)
    surface_m2 = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    description = models.CharField(max_length=500, blank=True)
    mail_id = models.PositiveIntegerField(help_text="the bureau d'ordre's letter (no foreign key across modules)")
    mail_reference = models.CharField(max_length=30)
    mail_code = models.CharField(max_length=16, blank=True, help_text="the letter's récépissé code (its QR)")
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    decision_reason = models.CharField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="police_request_number_unique"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="police_request_kind_known"),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="police_request_status_known"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="police_request_period"),
            models.CheckConstraint(
                condition=~Q(kind="occupation") | (~Q(occupation_type="") & Q(surface_m2__gt=0)),
                name="police_request_occupation_surface",
            ),
            models.CheckConstraint(
                condition=Q(kind="occupation") | Q(occupation_type=""), name="police_request_occupation_only"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["granted", "refused"])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="police_request_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(decision_reason=""), name="police_request_refusal_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"D{KIND_PREFIX[Kind(self.kind)]}-{self.year}/{self.number:06d}"


class Inquiry(models.Model):
    """The commodo-incommodo inquiry of a 2nd or 3rd class request: opened, then closed with a conclusion."""

    request = models.OneToOneField(Request, on_delete=models.PROTECT, related_name="inquiry")
    opened_on = models.DateField()
    closes_on = models.DateField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=16, unique=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conclusion = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gt=F("opened_on")), name="police_inquiry_dates"),
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(closed_by__isnull=True) & Q(conclusion=""))
                | (Q(closed_at__isnull=False) & Q(closed_by__isnull=False) & ~Q(conclusion="")),
                name="police_inquiry_closed_together",
            ),
        ]

    def __str__(self) -> str:
        return f"inquiry {self.request_id} {self.opened_on}→{self.closes_on}"


class Objection(models.Model):
    """An objection (or remark) recorded during the inquiry. Append-only."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.PROTECT, related_name="objections")
    author = models.CharField(max_length=200)
    text = models.CharField(max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class Opinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favourable")
    RESERVED = "reserved", _("Favourable with reservations")
    UNFAVOURABLE = "unfavourable", _("Unfavourable")


class Avis(models.Model):
    """One commission member's avis on a request (one per member). Append-only."""

    request = models.ForeignKey(Request, on_delete=models.PROTECT, related_name="avis")
    member_name = models.CharField(max_length=200)
    member_service = models.CharField(max_length=200)
    opinion = models.CharField(max_length=14, choices=Opinion.choices)
    remarks = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "member_name"], name="police_avis_one_per_member"),
            models.CheckConstraint(condition=Q(opinion__in=Opinion.values), name="police_avis_opinion_known"),
            models.CheckConstraint(
                condition=Q(opinion="favourable") | ~Q(remarks=""), name="police_avis_reservations_stated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_name}: {self.opinion}"


class AuthorisationStatus(models.TextChoices):
    ACTIVE = "active", _("In force")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


AUTHORISATION_TRANSITIONS: dict[str, frozenset[str]] = {
    AuthorisationStatus.ACTIVE: frozenset(
        {AuthorisationStatus.SUSPENDED, AuthorisationStatus.WITHDRAWN, AuthorisationStatus.EXPIRED}
    ),
    AuthorisationStatus.SUSPENDED: frozenset(
        {AuthorisationStatus.ACTIVE, AuthorisationStatus.WITHDRAWN, AuthorisationStatus.EXPIRED}
    ),
    AuthorisationStatus.WITHDRAWN: frozenset(),
    AuthorisationStatus.EXPIRED: frozenset(),
}


class Authorisation(models.Model):
    """A granted authorisation: personal (the holder's name frozen), revocable, numbered without gaps per
    (kind, year). A fee-bearing one carries its revenue line in the régie (redevable, bien) and, from its
    first day, its first period's ordre de recette (SQL: a CHECK and a deferred constraint trigger)."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    code = models.CharField(max_length=16, unique=True, help_text="printed under the QR code")
    request = models.OneToOneField(Request, on_delete=models.PROTECT, related_name="authorisation")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="authorisations")
    holder_name = models.CharField(max_length=200)
    holder_identifier = models.CharField(max_length=40)
    activity_label = models.CharField(max_length=200)
    occupation_type = models.CharField(max_length=12, choices=OccupationType.choices, blank=True)
    surface_m2 = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    conditions = models.CharField(max_length=2000, blank=True)
    fee_tax_code = models.CharField(max_length=30, blank=True)
    # the tax is declared (débits de boissons on turnover): the régie liquidates each declaration, no ordre per period
    fee_on_declarations = models.BooleanField(default=False)
    regie_redevable_id = models.PositiveIntegerField(null=True, blank=True)
    regie_asset_id = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=AuthorisationStatus.choices, default=AuthorisationStatus.ACTIVE)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="police_authorisation_number_unique"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="police_authorisation_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=AuthorisationStatus.values), name="police_authorisation_status_known"
            ),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="police_authorisation_dates"),
            models.CheckConstraint(
                condition=Q(fee_tax_code="") | (Q(regie_redevable_id__isnull=False) & Q(regie_asset_id__isnull=False)),
                name="police_authorisation_revenue_line",
            ),
            models.CheckConstraint(
                condition=~Q(kind="occupation") | (~Q(fee_tax_code="") & Q(surface_m2__gt=0)),
                name="police_authorisation_occupation_fee",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{KIND_PREFIX[Kind(self.kind)]}-{self.year}/{self.number:06d}"


class AuthorisationEvent(models.Model):
    """Every change of an authorisation's status, with its reason and the decision (arrêté) it rests on.
    Append-only."""

    authorisation = models.ForeignKey(Authorisation, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=1000)
    decision = models.CharField(max_length=100, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.authorisation_id} {self.from_status}→{self.to_status}"


class RevenuePeriod(models.Model):
    """One billing period (a calendar quarter) of a fee-bearing authorisation and the régie's ordre de recette
    issued for it (ids and number as snapshots). Append-only; one per (authorisation, start)."""

    authorisation = models.ForeignKey(Authorisation, on_delete=models.PROTECT, related_name="periods")
    period = models.CharField(max_length=20)
    start = models.DateField()
    end = models.DateField()
    regie_ordre_id = models.PositiveIntegerField()
    ordre_reference = models.CharField(max_length=30)
    amount_dh = models.DecimalField(max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["authorisation", "start"], name="police_period_once"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="police_period_amount_positive"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="police_period_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.authorisation_id} {self.period} {self.ordre_reference}"


class Inspection(models.Model):
    """A control in the street and its PV: findings, the surface measured, the GPS point. Numbered without gaps
    per year. Append-only."""

    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    code = models.CharField(max_length=16, unique=True)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="inspections")
    authorisation = models.ForeignKey(
        Authorisation, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections"
    )
    findings = models.CharField(max_length=4000)
    compliant = models.BooleanField()
    measured_surface_m2 = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    inspected_at = models.DateTimeField()

    class Meta:
        ordering = ["-inspected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="police_inspection_number_unique"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90) & Q(latitude__lte=90) & Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="police_inspection_gps",
            ),
            models.CheckConstraint(
                condition=Q(measured_surface_m2__isnull=True) | Q(measured_surface_m2__gt=0),
                name="police_inspection_surface_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"PV-{self.year}/{self.number:06d}"


class InspectionPhoto(models.Model):
    """A photo taken during the control, stored in the commune's files. Append-only."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="photos")
    file_name = models.CharField(max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file_name


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    CLOSURE = "closure", _("Closure")


class SanctionOutcome(models.TextChoices):
    COMPLIED = "complied", _("Complied")
    NOT_COMPLIED = "not_complied", _("Not complied")


class Sanction(models.Model):
    """A sanction following a PV, with the deadline to comply; its outcome is recorded once (set-once)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(max_length=10, choices=SanctionKind.choices)
    reason = models.CharField(max_length=1000)
    deadline = models.DateField()
    amount_dh = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=14, choices=SanctionOutcome.choices, blank=True)
    # a fine's ordre de recette in the régie (snapshots), issued with it: its debtor the holder, due by the deadline
    regie_ordre_id = models.PositiveIntegerField(null=True, blank=True)
    ordre_reference = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="fine") & Q(regie_ordre_id__isnull=False) & ~Q(ordre_reference=""))
                | (~Q(kind="fine") & Q(regie_ordre_id__isnull=True) & Q(ordre_reference="")),
                name="police_sanction_fine_ordre",
            ),
            models.CheckConstraint(condition=Q(kind__in=SanctionKind.values), name="police_sanction_kind_known"),
            models.CheckConstraint(
                condition=(Q(kind="fine") & Q(amount_dh__gt=0)) | (~Q(kind="fine") & Q(amount_dh__isnull=True)),
                name="police_sanction_fine_amount",
            ),
            models.CheckConstraint(
                condition=(Q(resolved_at__isnull=True) & Q(resolved_by__isnull=True) & Q(outcome=""))
                | (
                    Q(resolved_at__isnull=False)
                    & Q(resolved_by__isnull=False)
                    & Q(outcome__in=["complied", "not_complied"])
                ),
                name="police_sanction_resolved_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.inspection_id}"


class NoticeKind(models.TextChoices):
    RENEWAL_DUE = "renewal_due", _("Renewal due")
    EXPIRED = "expired", _("Expired")


class Notice(models.Model):
    """An announcement to the holder and the service (renewal due soon, expiry), once per (authorisation, kind).
    Append-only."""

    authorisation = models.ForeignKey(Authorisation, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    sent_to = models.CharField(max_length=254, blank=True, help_text="the holder's email, empty: none known")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["authorisation", "kind"], name="police_notice_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.authorisation_id}"
