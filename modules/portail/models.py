"""Tables of the citizen portal. One-row rules here (constraints); writes go through services.py.

Citizens are not staff users: they sign in with a one-time code sent to their email or phone and live in
`Citizen`, never in the users table (no role, no staff page, no API token can ever reach them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Citizen(models.Model):
    email = models.CharField(max_length=254, null=True, blank=True, unique=True)
    phone = models.CharField(max_length=20, null=True, blank=True, unique=True)  # +212XXXXXXXXX
    display_name = models.CharField(max_length=120, blank=True, default="")
    # Declared online, never trusted: verified only at the counter by a staff member with the card in hand.
    cin = models.CharField(max_length=12, blank=True, default="")
    cin_verified_at = models.DateTimeField(null=True, blank=True)
    cin_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="portail_citizen_contact"
            ),
            models.CheckConstraint(
                condition=Q(cin_verified_at__isnull=True) | (~Q(cin="") & Q(cin_verified_by__isnull=False)),
                name="portail_citizen_cin_verified",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.phone or f"#{self.pk}"


class OneTimeCode(models.Model):
    """A sign-in code sent to an address: only its hash is kept; 5 attempts, 10 minutes, used once."""

    address = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.address)


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Received")
    IN_PROGRESS = "in_progress", _("Being processed")
    AWAITING_PAYMENT = "awaiting_payment", _("Ready: fee to pay at the counter")
    ISSUED = "issued", _("Document issued")
    ANSWERED = "answered", _("Answered")
    REJECTED = "rejected", _("Refused")


FINAL_STATUSES = (RequestStatus.ISSUED, RequestStatus.ANSWERED, RequestStatus.REJECTED)
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RequestStatus.SUBMITTED: (
        RequestStatus.IN_PROGRESS,
        RequestStatus.AWAITING_PAYMENT,
        RequestStatus.ISSUED,
        RequestStatus.ANSWERED,
        RequestStatus.REJECTED,
    ),
    RequestStatus.IN_PROGRESS: (
        RequestStatus.AWAITING_PAYMENT,
        RequestStatus.ISSUED,
        RequestStatus.ANSWERED,
        RequestStatus.REJECTED,
    ),
    RequestStatus.AWAITING_PAYMENT: (RequestStatus.ISSUED, RequestStatus.REJECTED),
}


class OnlineRequest(models.Model):
    """A request made online. Registered as incoming mail in the bureau d'ordre: its number is the tracking number
    (`reference`, e.g. A-2026/000012) and the récépissé code (`mail_code`) opens its status without an account."""

    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=60)
    mail_id = models.PositiveBigIntegerField(unique=True)  # courrier's letter (id + snapshot: no FK across modules)
    mail_year = models.PositiveSmallIntegerField()
    mail_number = models.PositiveIntegerField()
    mail_code = models.CharField(max_length=16)
    reference = models.CharField(max_length=24, unique=True)
    cin = models.CharField(max_length=12, blank=True, default="")  # as given with the request, upper case
    details = models.JSONField(default=dict)
    module_reference = models.CharField(max_length=60, blank=True, default="")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED)
    deadline = models.DateField()
    public_note = models.TextField(blank=True, default="")
    document_id = models.PositiveBigIntegerField(null=True, blank=True)  # état civil's issued document
    document_code = models.CharField(max_length=32, blank=True, default="")
    quittance_code = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mail_year", "mail_number"], name="portail_request_mail_number"),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="portail_request_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.ISSUED) | (Q(document_id__isnull=False) & ~Q(document_code="")),
                name="portail_request_issued_has_document",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[RequestStatus.REJECTED, RequestStatus.ANSWERED]) | ~Q(public_note=""),
                name="portail_request_answer_has_note",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class RequestEvent(models.Model):
    """The request's history as the citizen sees it (append-only, even in SQL)."""

    request = models.ForeignKey(OnlineRequest, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=20, choices=RequestStatus.choices)
    note = models.TextField(blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return str(self.status)


class RequestAttachment(models.Model):
    """A piece the citizen joined (PDF, JPEG, PNG; checked from the bytes; ≤ 5 MB), append-only."""

    request = models.ForeignKey(OnlineRequest, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.name)


class PublicationKind(models.TextChoices):
    NEWS = "news", _("News")
    DELIBERATION = "deliberation", _("Council decision")


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")


class Publication(models.Model):
    """News or a council decision (délibération, with its vote). Published as written: never edited nor deleted,
    even in SQL; a mistake is withdrawn (once, with a reason) and published again."""

    kind = models.CharField(max_length=15, choices=PublicationKind.choices)
    title_fr = models.CharField(max_length=200)
    title_ar = models.CharField(max_length=200)
    body_fr = models.TextField(blank=True, default="")
    body_ar = models.TextField(blank=True, default="")
    session_date = models.DateField(null=True, blank=True)
    number = models.CharField(max_length=30, blank=True, default="")
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PublicationKind.values), name="portail_publication_kind"),
            models.CheckConstraint(condition=~Q(title_fr="") & ~Q(title_ar=""), name="portail_publication_titles"),
            models.CheckConstraint(
                condition=Q(kind=PublicationKind.NEWS)
                | (
                    Q(session_date__isnull=False)
                    & Q(votes_for__isnull=False)
                    & Q(votes_against__isnull=False)
                    & Q(votes_abstain__isnull=False)
                    & Q(outcome__in=Outcome.values)
                    & ~Q(number="")
                ),
                name="portail_publication_deliberation_vote",
            ),
            models.CheckConstraint(
                condition=(Q(withdrawn_at__isnull=True) & Q(withdrawn_by__isnull=True) & Q(withdrawn_reason=""))
                | (Q(withdrawn_at__isnull=False) & Q(withdrawn_by__isnull=False) & ~Q(withdrawn_reason="")),
                name="portail_publication_withdrawal",
            ),
        ]

    def __str__(self) -> str:
        return str(self.title_fr)


class PublicService(models.Model):
    """A service of the commune as the portal shows it: where, when, how to reach it."""

    name_fr = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    hours_fr = models.CharField(max_length=200, blank=True, default="")
    hours_ar = models.CharField(max_length=200, blank=True, default="")
    place_fr = models.CharField(max_length=200, blank=True, default="")
    place_ar = models.CharField(max_length=200, blank=True, default="")
    phone = models.CharField(max_length=30, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(name_fr="") & ~Q(name_ar=""), name="portail_service_names")]

    def __str__(self) -> str:
        return str(self.name_fr)


class FiguresSnapshot(models.Model):
    """The published figures of one open dataset as last computed from its module (see figures.py): what the
    transparency pages and open-data files read. A cache of aggregates (no personal data), recomputed when the
    commune's data version moves or it is older than figures.MAX_AGE; never an official record."""

    code = models.CharField(max_length=80, unique=True)  # the dataset's code, e.g. "regie.revenue_per_tax_month"
    rows = models.JSONField(default=list)
    version = models.BigIntegerField(default=0)  # the commune's data version it was computed at
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.code
