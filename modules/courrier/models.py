"""Tables of the bureau d'ordre (the commune's mail registry). One-row rules here (constraints, clean()); writes
go through services.py. The state machine and the append-only rules are also enforced in SQL (migration 0002):
a letter is never deleted (a "deleted" letter is a status with a reason), its number never changes, and its
status moves only along ALLOWED_TRANSITIONS."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")
    INTERNAL = "internal", _("Internal")


class Status(models.TextChoices):
    TO_QUALIFY = "to_qualify", _("To qualify")
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    TO_SIGN = "to_sign", _("To sign")
    CLOSED = "closed", _("Closed")
    DELETED = "deleted", _("Deleted")


# from → the statuses a letter may move to. The trigger in migration 0002 holds the same table (a test
# compares them). Closed and deleted are final.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.TO_QUALIFY: frozenset({Status.NEW, Status.DELETED}),
    Status.NEW: frozenset({Status.IN_PROGRESS, Status.WAITING, Status.TO_SIGN, Status.CLOSED, Status.DELETED}),
    Status.IN_PROGRESS: frozenset({Status.WAITING, Status.TO_SIGN, Status.CLOSED, Status.DELETED}),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.TO_SIGN, Status.CLOSED, Status.DELETED}),
    Status.TO_SIGN: frozenset({Status.IN_PROGRESS, Status.CLOSED, Status.DELETED}),
    Status.CLOSED: frozenset(),
    Status.DELETED: frozenset(),
}
OPEN_STATUSES = (Status.TO_QUALIFY, Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.TO_SIGN)


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    VERY_URGENT = "very_urgent", _("Very urgent")


class Reply(models.TextChoices):
    NONE = "none", _("No reply")
    EXPECTED = "expected", _("Reply expected")
    REPLIED = "replied", _("Replied")


class CorrespondentKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")
    ADMINISTRATION = "administration", _("Administration")


class Administration(models.Model):
    """The reference list of administrations a letter comes from or goes to (seeded by migration 0002)."""

    code = models.SlugField(max_length=40, unique=True)
    name_fr = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)

    class Meta:
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name_fr


class Service(models.Model):
    """A service of the commune that receives letters; its members see its inbox."""

    name_fr = models.CharField(max_length=200, unique=True)
    name_ar = models.CharField(max_length=200, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="courrier_services", blank=True)

    class Meta:
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name_fr


class MailType(models.Model):
    """A type of letter (request, complaint, invitation…); its processing delay gives the limit date."""

    code = models.SlugField(max_length=40, unique=True)
    name_fr = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    processing_days = models.PositiveSmallIntegerField(default=30)

    class Meta:
        ordering = ["name_fr"]

    def __str__(self) -> str:
        return self.name_fr


class Correspondent(models.Model):
    """Who a letter is from or to: a person (CIN), a company (ICE, 15 digits) or an administration of the list."""

    kind = models.CharField(max_length=20, choices=CorrespondentKind.choices)
    name = models.CharField(max_length=200)
    cin = models.CharField(max_length=12, blank=True)
    ice = models.CharField(max_length=15, blank=True)
    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="courrier_correspondent_name"),
            models.CheckConstraint(
                condition=(Q(kind="person") & ~Q(cin="") & Q(ice="") & Q(administration__isnull=True))
                | (Q(kind="company") & Q(ice__regex=r"^[0-9]{15}$") & Q(cin="") & Q(administration__isnull=True))
                | (Q(kind="administration") & Q(administration__isnull=False) & Q(cin="") & Q(ice="")),
                name="courrier_correspondent_identity",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Mail(models.Model):
    """One registered letter. Its (category, year, number) is given at registration, gapless, never reused."""

    category = models.CharField(max_length=10, choices=Category.choices)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    code = models.CharField(max_length=20, unique=True)  # printed on the récépissé, checked by its QR
    correspondent = models.ForeignKey(Correspondent, on_delete=models.PROTECT, related_name="mails")
    subject = models.CharField(max_length=500)
    mail_type = models.ForeignKey(MailType, on_delete=models.PROTECT, null=True, blank=True)
    letter_date = models.DateField(null=True, blank=True)
    arrival_date = models.DateField(null=True, blank=True)
    departure_date = models.DateField(null=True, blank=True)
    limit_date = models.DateField(null=True, blank=True)
    closing_date = models.DateField(null=True, blank=True)
    priority = models.CharField(max_length=12, choices=Priority.choices, default=Priority.NORMAL)
    confidential = models.BooleanField(default=False)
    reply = models.CharField(max_length=10, choices=Reply.choices, default=Reply.NONE)
    reply_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.TO_QUALIFY)
    deleted_reason = models.CharField(max_length=500, blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="mails")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "year", "number"], name="courrier_mail_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="courrier_mail_number_positive"),
            models.CheckConstraint(condition=~Q(subject=""), name="courrier_mail_subject"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="courrier_mail_category"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="courrier_mail_status"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="courrier_mail_priority"),
            models.CheckConstraint(condition=Q(reply__in=Reply.values), name="courrier_mail_reply"),
            # A deleted letter says why; no other letter carries a reason.
            models.CheckConstraint(
                condition=(Q(status="deleted") & ~Q(deleted_reason="")) | (~Q(status="deleted") & Q(deleted_reason="")),
                name="courrier_mail_deleted_reason",
            ),
            # A reply is outgoing mail.
            models.CheckConstraint(
                condition=Q(reply_to__isnull=True) | Q(category="outgoing"), name="courrier_mail_reply_outgoing"
            ),
            # Closed letters have a closing date.
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closing_date__isnull=False), name="courrier_mail_closing_date"
            ),
        ]
        indexes = [
            models.Index(fields=["service", "status"], name="courrier_mail_service_status"),
            models.Index(fields=["reply", "limit_date"], name="courrier_mail_late"),
            models.Index(fields=["registered_at", "id"], name="courrier_mail_registered"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The chrono number as printed: "A-2026/000012" (A incoming, D outgoing, I internal)."""
        return f"{CATEGORY_LETTER[self.category]}-{self.year}/{self.number:06d}"


CATEGORY_LETTER: dict[str, str] = {Category.INCOMING: "A", Category.OUTGOING: "D", Category.INTERNAL: "I"}


class MailCopy(models.Model):
    """A copy of a letter to another service or to an elected official (by name and office)."""

    mail = models.ForeignKey(Mail, on_delete=models.PROTECT, related_name="copies")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True)
    official_name = models.CharField(max_length=200, blank=True)
    official_office = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(service__isnull=False) & Q(official_name=""))
                | (Q(service__isnull=True) & ~Q(official_name="")),
                name="courrier_copy_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mail_id} → {self.service_id or self.official_name}"


class Assignment(models.Model):
    """The routing history: each routing or reassignment of a letter (append-only)."""

    mail = models.ForeignKey(Mail, on_delete=models.PROTECT, related_name="assignments")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    previous_service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    previous_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.mail_id} → {self.service_id}"


class StatusChange(models.Model):
    """Each status change of a letter (append-only)."""

    mail = models.ForeignKey(Mail, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.mail_id}: {self.from_status} → {self.to_status}"


class Annotation(models.Model):
    """A note written on a letter by the clerk or a service (append-only)."""

    mail = models.ForeignKey(Mail, on_delete=models.PROTECT, related_name="annotations")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="courrier_annotation_text")]

    def __str__(self) -> str:
        return self.text[:50]


class Attachment(models.Model):
    """A scan of a letter (PDF, JPEG or PNG, type read from the content), stored under the commune's schema."""

    mail = models.ForeignKey(Mail, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="courrier_attachment_type",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class Task(models.Model):
    """A piece of work on a letter with a due date, given to a user (or to the letter's service). Never deleted:
    it is done once (who, when, a note), then changes no more (SQL trigger)."""

    mail = models.ForeignKey(Mail, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(max_length=300)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="courrier_task_title"),
            # Done means both who and when; an open task has neither.
            models.CheckConstraint(
                condition=(Q(done_at__isnull=True) & Q(done_by__isnull=True) & Q(done_note=""))
                | (Q(done_at__isnull=False) & Q(done_by__isnull=False)),
                name="courrier_task_done",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "done_at", "due_date"], name="courrier_task_open")]

    def __str__(self) -> str:
        return self.title[:50]


class ReceiptEmail(models.Model):
    """Each sending of a letter's récépissé by email, with its outcome (append-only): a failed sending is
    recorded too, so that the counter knows to print it instead."""

    mail = models.ForeignKey(Mail, on_delete=models.PROTECT, related_name="receipt_emails")
    to = models.EmailField()
    sent = models.BooleanField()
    error = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(sent=True) & Q(error="")) | (Q(sent=False) & ~Q(error="")), name="courrier_email_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mail_id} → {self.to}"
