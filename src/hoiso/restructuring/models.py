"""A restructuring of the unit tree as it was applied: what moved where, so it can be undone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoiso.units.models import Unit


class Kind(models.TextChoices):
    MERGE = "merge", _("Merge units")
    SPLIT = "split", _("Split a unit")
    MOVE = "move", _("Move a unit")
    RENAME = "rename", _("Rename a unit")
    DISSOLVE = "dissolve", _("Dissolve a level")


class State(models.TextChoices):
    DRAFT = "draft", _("Previewed")
    APPLIED = "applied", _("Applied")
    UNDONE = "undone", _("Undone")


class Restructuring(models.Model):
    """One operation on the tree: previewed as a draft, then applied, perhaps later undone.

    `request` is what the admin asked (the form's data, by unit ids); `plan` is what the planner
    made of it when it was applied; `record` is what each part of the system moved (assignment,
    channel, target, transfer and member ids, with where they were), which the undo puts back.
    """

    kind = models.CharField(max_length=10, choices=Kind)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    # The unit whose page the operation was asked from (its province or commune), and its province.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255)
    on = models.DateField(_("effective date"))
    request = models.JSONField(default=dict)
    plan = models.JSONField(default=dict)
    record = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["province", "state"], name="restructuring_prov")]

    def __str__(self) -> str:
        return self.summary or self.get_kind_display()

    @property
    def audit_unit(self) -> Unit:
        return self.unit
