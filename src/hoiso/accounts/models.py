"""Users (log in by username or phone) and their assignments to units."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoiso.accounts.roles import Role


class User(AbstractUser):
    # Stored in the national form 0xxxxxxxxx; blank for accounts without a phone.
    phone = models.CharField(_("phone number"), max_length=10, blank=True)
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


class Assignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
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
