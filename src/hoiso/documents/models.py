"""Documents a unit issues (Decree 30/2020's administrative documents), their delivery to the
units and people they are sent to, and what each recipient did with them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.units.models import Unit


class Kind(models.TextChoices):
    """The kinds of document a union issues; the value is the abbreviation in the symbol."""

    RESOLUTION = "NQ", _("Resolution")
    DIRECTIVE = "CT", _("Directive")
    PLAN = "KH", _("Plan")
    OFFICIAL_LETTER = "CV", _("Official letter")
    GUIDANCE = "HD", _("Guidance")
    NOTICE = "TB", _("Notice")
    REPORT = "BC", _("Report")
    INVITATION = "GM", _("Invitation")
    MINUTES = "BB", _("Minutes")


class Counter(models.Model):
    """The last number a unit gave a document in a year: locked while the next one is taken, so
    that numbers follow each other without a gap or a repeat (Decree 30: one sequence per issuing
    body and year, from 01 on 1 January)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="counter_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class Document(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="documents")
    # Copies of the issuer's path and province: a subtree's documents are one indexed prefix.
    unit_path = models.CharField(max_length=255)
    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(pgettext_lazy("document", "kind"), max_length=2, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    symbol = models.CharField(_("number and symbol"), max_length=60)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("content"), blank=True)
    issued_on = models.DateField(pgettext_lazy("document", "date"))
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_position = models.CharField(_("position"), max_length=150)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    report_required = models.BooleanField(_("report back required"), default=False)
    public = models.BooleanField(_("public"), default=False)
    # The online meeting whose minutes or conclusions this document is.
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    # Folded words of the number, summary, content and attachments' text, for the register.
    search_text = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "number"], name="document_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["unit", "-issued_on"], name="document_unit_date"),
            models.Index(fields=["province", "-issued_on"], name="document_province_date"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.summary}"[:200]

    @property
    def audit_unit(self) -> Unit:
        return self.unit


class ReceiptQuerySet(models.QuerySet["Receipt"]):
    def unread(self) -> ReceiptQuerySet:
        return self.filter(read_at__isnull=True)

    def unacknowledged(self) -> ReceiptQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def unreported(self) -> ReceiptQuerySet:
        return self.filter(document__report_required=True, reported_at__isnull=True)


class Receipt(models.Model):
    """One recipient of a document, a unit or a named person, and what she did with it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="document_receipts",
    )
    # The recipient unit's path ("" for a person), for metrics grouped by ancestor.
    unit_path = models.CharField(max_length=255, blank=True)
    # Who sent it: the issuer, or the unit that forwarded it down (then `forwarded_from` is that
    # unit's own receipt, so the chain can be followed back to the issuer).
    sender = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    forwarded_from = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="forwards"
    )
    sent_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    report_text = models.TextField(blank=True)
    # Acknowledged, and reported where a report is required, by the deadline's end (local time).
    done_on_time = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["unit_path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) ^ Q(user__isnull=True), name="receipt_unit_or_user"
            ),
            models.UniqueConstraint(
                fields=["document", "unit"],
                condition=Q(unit__isnull=False),
                name="receipt_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["document", "user"],
                condition=Q(user__isnull=False),
                name="receipt_once_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "-sent_at"], name="receipt_inbox"),
            # The unit's register of documents received: its documents straight off the index.
            models.Index(fields=["unit", "document"], name="receipt_register"),
            models.Index(fields=["user", "-sent_at"], name="receipt_inbox_person"),
            models.Index(fields=["document", "sender"], name="receipt_tracking"),
        ]

    def __str__(self) -> str:
        return f"{self.document.symbol} → {self.unit or self.user}"

    @property
    def audit_unit(self) -> Any:
        return self.unit or self.sender


class Attachment(models.Model):
    """A file of a document (or of a recipient's report), kept outside the web root under a
    random name and served only through a view that checks who asks."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    receipt = models.ForeignKey(
        Receipt, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    name = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(max_length=80, unique=True)
    file_type = models.CharField(max_length=10)  # pdf | docx | xlsx | png | jpeg | webp
    size = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    # Each embedded signature: signer, signed_at (ISO), intact, valid, trusted, whole.
    signatures = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # A document's, a report's or a meeting's (its agenda papers): exactly one.
            models.CheckConstraint(
                condition=Q(document__isnull=False, receipt__isnull=True, meeting__isnull=True)
                | Q(document__isnull=True, receipt__isnull=False, meeting__isnull=True)
                | Q(document__isnull=True, receipt__isnull=True, meeting__isnull=False),
                name="attachment_of_one",
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- Online meetings --------------------------------------------------------------------------


class Meeting(models.Model):
    """An online meeting a unit holds: when, on which video service, with what agenda."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="meetings")
    # Copies of the organiser's path and province, as documents keep them.
    unit_path = models.CharField(max_length=255)
    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(pgettext_lazy("meeting", "title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    video_url = models.URLField(_("meeting room link"), max_length=500)
    agenda = models.TextField(_("agenda"), blank=True)
    # Documents of the register to be discussed; their files are served to the invitees.
    agenda_documents = models.ManyToManyField(Document, blank=True, related_name="agenda_of")
    # The reminders already queued: 1 the day before, 2 the hour before (see meetings.services).
    reminded = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends")
        ]
        indexes = [
            models.Index(fields=["unit", "starts_at"], name="meeting_unit_time"),
            models.Index(fields=["reminded", "starts_at"], name="meeting_to_remind"),
        ]

    def __str__(self) -> str:
        return self.title[:200]

    @property
    def audit_unit(self) -> Unit:
        return self.unit


class Response(models.TextChoices):
    PENDING = "pending", _("Not answered yet")
    ACCEPTED = "accepted", _("Will attend")
    APOLOGY = "apology", _("Sends apologies")


class Invitation(models.Model):
    """One invitee of a meeting, a unit or a named person, and her answer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    unit_path = models.CharField(max_length=255, blank=True)
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["unit_path", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) ^ Q(user__isnull=True),
                name="invitation_unit_or_user",
            ),
            models.UniqueConstraint(
                fields=["meeting", "unit"],
                condition=Q(unit__isnull=False),
                name="invitation_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="invitation_once_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "meeting"], name="invitation_unit"),
            models.Index(fields=["user", "meeting"], name="invitation_user"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} → {self.unit or self.user}"

    @property
    def audit_unit(self) -> Any:
        return self.unit or self.meeting.unit


class Attendance(models.Model):
    """Who took part in a meeting: marked by the host, or recorded when she joined by Hội Số's
    link."""

    class How(models.TextChoices):
        HOST = "host", _("Marked by the host")
        LINK = "link", _("Joined by the link")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    # The invited unit she took part for (None when she was invited by name).
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    how = models.CharField(max_length=5, choices=How.choices)
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} ← {self.user}"

    @property
    def audit_unit(self) -> Any:
        return self.meeting.unit


class CalendarToken(models.Model):
    """A person's private feed of her meetings (an .ics address a calendar app subscribes to).
    Only the token's hash is kept; it reads that feed and nothing else, until revoked."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.created_at:%Y-%m-%d}"
