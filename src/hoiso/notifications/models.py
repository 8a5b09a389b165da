"""Messages to people (one row per recipient and kind), their consent and preferred channels,
each province's daily budget for paid channels, and what Zalo followers write to the unions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.members.models import Member
from hoiso.units.models import Unit


class Channel(models.TextChoices):
    INAPP = "inapp", _("In Hội Số")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    ZNS = "zns", _("Zalo (by phone number)")
    ZALO_OA = "zalo_oa", _("Zalo (union's page)")


# Channels that leave Hội Số: none is used without the person's consent.
EXTERNAL = (Channel.EMAIL, Channel.SMS, Channel.ZNS, Channel.ZALO_OA)
# Channels each message of which costs money, counted against the province's daily budget.
PAID = (Channel.SMS, Channel.ZNS)


class Status(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", pgettext_lazy("message", "Delivered")
    FAILED = "failed", _("Not sent")


# What a secret message's texts become once it has left (see `kinds`): kept in Vietnamese, as the
# texts were.
PURGED = "(nội dung đã xóa sau khi gửi)"
# What pages show of a secret message's texts while it waits.
HIDDEN = _("(secret: only its recipient can read it)")
ERASED = _("(erased once sent)")
FINAL = (Status.SENT, Status.DELIVERED, Status.FAILED)


class MessageQuerySet(models.QuerySet["Message"]):
    def due(self, now: Any) -> MessageQuerySet:
        return self.filter(status=Status.QUEUED, next_try__lte=now)


class Broadcast(models.Model):
    """A notice a unit sent to a list of people: the sender follows its messages from here."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(pgettext_lazy("notice", "title"), max_length=120)
    body = models.TextField(_("message"), max_length=2000)
    audience = models.CharField(max_length=200)
    recipients = models.PositiveIntegerField(default=0)
    estimated_cost = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_unit(self) -> Unit:
        return self.unit


class Message(models.Model):
    """One message to one person: what was rendered, which channel carries it, what became of it.

    `key` is unique: queueing the same notice again adds nothing, and the worker claims a row
    (queued → sending) with a conditional update before it calls a provider, so two workers, or one
    restarted, never send it twice. The provider's own id is kept for its delivery reports.
    """

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=40)
    urgent = models.BooleanField(default=False)
    # Its kind's `secret`: the texts are erased once it has left and never shown meanwhile.
    secret = models.BooleanField(default=False)
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # The plain-text form that fits an SMS (or a Zalo text), rendered once with the rest.
    short = models.CharField(max_length=480, blank=True)
    # The channels still to try, in order; `channel` is the one in use.
    channels = models.JSONField(default=list)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try = models.DateTimeField()
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=80, blank=True)
    cost = models.PositiveIntegerField(default=0)
    # Recipient: an account (cadre or member who logs in), a member, or both.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, related_name="+")
    name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=11, blank=True)
    email = models.CharField(max_length=254, blank=True)
    zalo_id = models.CharField(max_length=40, blank=True)
    province = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, related_name="+")
    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, null=True, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_try"], name="message_due"),
            models.Index(fields=["user", "channel", "read_at"], name="message_inbox"),
            models.Index(fields=["member", "channel"], name="message_member"),
            models.Index(fields=["province", "created_at"], name="message_province"),
            models.Index(fields=["provider_id"], name="message_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.name or self.phone or self.email}"

    @property
    def shown_body(self) -> str:
        """The body as pages may show it: a secret message's only to the delivery adapter."""
        return self._shown(self.body)

    @property
    def shown_short(self) -> str:
        return self._shown(self.short)

    def _shown(self, text: str) -> str:
        if not self.secret:
            return text
        return str(ERASED) if self.status in FINAL else str(HIDDEN)

    def purge(self) -> None:
        """Erase a secret message's texts and context (it has left, or never will)."""
        self.body = self.short = PURGED
        self.context = {}

    @property
    def audit_unit(self) -> Unit | None:
        return self.unit


class Consent(models.Model):
    """A person's consent to be reached on one external channel (Law 91/2025 on personal data):
    given or withdrawn, when, and how it was recorded. Each change is also in the audit log."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    given = models.BooleanField(default=True)
    at = models.DateTimeField()
    source = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "channel"],
                condition=Q(member__isnull=False),
                name="consent_member",
            ),
            models.UniqueConstraint(
                fields=["user", "channel"], condition=Q(user__isnull=False), name="consent_user"
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(user__isnull=False), name="consent_someone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel}: {'yes' if self.given else 'no'}"


class Preference(models.Model):
    """The channels a person wants to be reached on, in order."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, null=True, related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    channels = models.JSONField(default=list)
    # SMS without diacritics: one segment holds 160 letters instead of 70, at the same price.
    sms_plain = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return ", ".join(self.channels)


class Budget(models.Model):
    """What a province spent today on paid channels (VND), against its daily limit."""

    province = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    limit = models.PositiveIntegerField()
    spent = models.PositiveIntegerField(default=0)
    warned = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "day"], name="budget_province_day")
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.day}: {self.spent}/{self.limit}"


class Follower(models.Model):
    """Someone who follows the union's Zalo Official Account; linked to a member once her phone
    number is known and matches exactly one member."""

    zalo_id = models.CharField(max_length=40, unique=True)
    phone = models.CharField(max_length=11, blank=True)
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    following = models.BooleanField(default=True)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.zalo_id


class Inbound(models.Model):
    """A message a follower sent to the Official Account. With a member, it lands in her
    commune's inbox; from someone unknown, it waits apart, in the province's."""

    event_id = models.CharField(max_length=80, unique=True)
    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="messages")
    member = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, null=True, related_name="+")
    text = models.TextField(max_length=2000)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.text[:50]
