"""The audit log: an append-only record of every write and every sensitive read."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# What each action means, in words a cadre reads in the log; apps add theirs here.
ACTION_LABELS: dict[str, StrOrPromise] = {
    "account.created": _("Created an account"),
    "account.logged_in": _("Logged in"),
    "account.logged_out": _("Logged out"),
    "account.password_changed": _("Changed the password"),
    "assignment.created": _("Gave a role"),
    "assignment.revoked": _("Removed a role"),
    "demo.loaded": _("Loaded the demo data"),
    "account.token_created": _("Created an API token"),
    "account.token_revoked": _("Revoked an API token"),
    "member.account_enabled": _("Let a member log in"),
    "member.admitted": _("Admitted a member"),
    "member.deletion_answered": _("Answered an erasure request"),
    "member.deletion_requested": _("Asked for her data to be erased"),
    "member.erased": _("Erased a member's personal data"),
    "member.moved": _("Moved a member to another branch"),
    "member.removed": _("Removed a member"),
    "member.restored": _("Restored a member"),
    "member.self_updated": _("Corrected her contact details"),
    "member.sensitive_viewed": _("Viewed sensitive data"),
    "member.transfer_cancelled": _("Cancelled a transfer"),
    "member.transfer_refused": _("Refused a transfer"),
    "member.transfer_requested": _("Asked for a transfer"),
    "member.transferred": _("Accepted a transfer"),
    "member.updated": _("Corrected a member's record"),
    "members.exported": _("Exported a member list"),
    "members.filtered_sensitive": _("Filtered members by sensitive data"),
    "members.import_started": _("Uploaded a member list"),
    "members.imported": _("Imported members"),
    "members.searched_citizen_id": _("Searched by citizen ID"),
    "unit.closed": _("Closed a unit"),
    "unit.created": _("Added a unit"),
    "unit.renamed": _("Renamed a unit"),
    "unit.updated": _("Changed a unit"),
    "units.loaded": _("Loaded official units"),
}


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit record."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    def redact(self, placeholder: str) -> int:
        """Blank what these records say about a person erased at her request (her name as the
        object, the data); who did what, when and from where stays. The one change an audit
        record ever takes (Law 91/2025 on personal data: erasure reaches every copy)."""
        return models.QuerySet.update(self, object_repr=placeholder[:200], data={})

    def within(self, unit: Any) -> AuditEventQuerySet:
        return self.filter(unit_path__startswith=unit.path)


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text as well, so the record reads the same after the account is renamed.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The unit the object belongs to: its path scopes who may read the record.
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("from"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit_path", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Appending is the only write: an existing record is never saved again.
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
