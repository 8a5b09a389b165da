"""Users (log in by username or phone) and their assignments to units."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoiso.accounts.roles import Role


class User(AbstractUser):
    # Stored in the national form 0xxxxxxxxx (02xxxxxxxxx for a landline); blank if none.
    phone = models.CharField(_("phone number"), max_length=11, blank=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # Set when someone else chose the password (a member's first login): she must pick her own.
    must_change_password = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="user_phone_unique"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def first_unit(self) -> Any:
        """Her first unit, where what she does to her own account is shown in the audit log."""
        first = self.assignments.select_related("unit").first()
        return first.unit if first else None


class Assignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # A paid, full-time cadre of the union at a commune ("cán bộ chuyên trách cơ sở"), as against
    # volunteers such as branch heads: the training targets count these.
    full_time = models.BooleanField(_("full-time cadre"), default=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__path", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        # The role's code, not its label: this text is kept in the audit log in no one language.
        return f"{self.user} — {self.role} — {self.unit}"

    @property
    def audit_unit(self) -> Any:
        return self.unit


class AccountImport(models.Model):
    """A spreadsheet of cadres uploaded by a unit admin: checked, shown to her, then made into
    accounts and roles when she confirms (`accounts.bulk`). Only its author sees it."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("preview")
        DONE = "done", _("done")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status, default=Status.PREVIEW)
    # The file's rows as read: [[row number, {field: text}], …], checked again on confirm.
    rows = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def audit_unit(self) -> Any:
        return self.unit


class ApiToken(models.Model):
    """A personal API token; only its hash is kept, the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    # A fingerprint of the user's password hash when the token was made: once the password is
    # changed or reset (by any way, the command line included) the token no longer works.
    password_stamp = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def audit_unit(self) -> Any:
        return self.user.first_unit
