"""The unit tree: central → province → (district) → commune → branch → group."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Each path segment is the unit's id, zero-padded, so that siblings' paths have one length and a
# subtree is one indexed prefix query (`path LIKE '0000001.0000042.%'`).
SEGMENT_WIDTH = 8


class Level(models.IntegerChoices):
    CENTRAL = 0, _("Central")
    PROVINCE = 1, _("Province")
    DISTRICT = 2, _("District")
    COMMUNE = 3, _("Commune")
    BRANCH = 4, _("Branch")
    GROUP = 5, _("Group")


# The 2025 reform: districts were abolished and the new communes and provinces began on this day.
REFORM_DAY = dt.date(2025, 7, 1)

# What a cadre may create under a unit of each level (the upper levels come from official data).
CHILD_LEVEL = {Level.COMMUNE: Level.BRANCH, Level.BRANCH: Level.GROUP}
# Levels whose units cadres may add, rename and close themselves.
CADRE_MANAGED_LEVELS = frozenset({Level.BRANCH, Level.GROUP})


def today() -> dt.date:
    return timezone.localdate()


class UnitQuerySet(models.QuerySet["Unit"]):
    def within(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it."""
        return self.filter(path__startswith=unit.path)

    def below(self, unit: Unit) -> UnitQuerySet:
        """Everything below the unit, not the unit itself."""
        return self.within(unit).exclude(pk=unit.pk)

    def active(self, on: dt.date | None = None) -> UnitQuerySet:
        on = on or today()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)


class Unit(models.Model):
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    # The code names the unit in URLs (/u/<code>/); official units use their official code.
    code = models.CharField(_("code"), max_length=40, unique=True)
    official_code = models.CharField(_("official code"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=200)
    path = models.CharField(max_length=255, unique=True, editable=False)
    is_ethnic_minority_area = models.BooleanField(_("ethnic-minority area"), default=False)
    is_remote_area = models.BooleanField(_("especially difficult area"), default=False)
    is_border_area = models.BooleanField(_("border area"), default=False)
    valid_from = models.DateField(_("valid from"), default=REFORM_DAY)
    valid_to = models.DateField(_("closed on"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, related_name="successors", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "name"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, read off the path."""
        return [int(seg) for seg in self.path.split(".") if seg]

    @property
    def ancestor_paths(self) -> list[str]:
        """The paths of this unit and every unit above it."""
        step = SEGMENT_WIDTH + 1
        return [self.path[: i + step] for i in range(0, len(self.path), step)]

    @property
    def is_closed(self) -> bool:
        return self.valid_to is not None and self.valid_to <= today()

    @property
    def child_level(self) -> Level | None:
        return CHILD_LEVEL.get(Level(self.level))

    @property
    def is_cadre_managed(self) -> bool:
        return self.level in CADRE_MANAGED_LEVELS

    def province(self) -> Unit | None:
        """The province this unit lies in (itself for a province); None for the central union."""
        if self.level == Level.PROVINCE:
            return self
        return Unit.objects.filter(path__in=self.ancestor_paths, level=Level.PROVINCE).first()

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)

    def set_path(self) -> None:
        """Derive the path from the parent's path and the id (the row must have an id)."""
        prefix = self.parent.path if self.parent else ""
        self.path = f"{prefix}{self.pk:0{SEGMENT_WIDTH}d}."


class UnitSpan(models.Model):
    """Where a unit sat in the tree, and under which name, over a span of days [valid_from,
    valid_to); valid_to None: still so. Every unit has spans covering [valid_from, valid_to) of the
    unit, and the open span of an open unit equals its current parent, path and name. Written only
    by `units.history` (and the bulk writers that create units)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="spans", db_index=False)
    parent = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    path = models.CharField(max_length=255)
    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["unit", "valid_from"]
        indexes = [
            models.Index(fields=["path", "valid_from"], name="unitspan_path"),
            models.Index(fields=["unit", "valid_from"], name="unitspan_unit"),
            models.Index(fields=["parent"], name="unitspan_parent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(valid_to__isnull=True), name="unitspan_one_open"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unitspan_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.valid_from}–{self.valid_to or ''}"

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class SuccessorCandidate(models.Model):
    """A unit closed in a reorganisation whose territory went to several of today's units: the
    ones it may have become, for a cadre to confirm (never chosen without her)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successor_candidates")
    candidate = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    # What the published data marks as the main part (shown as a hint, never applied).
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "candidate"], name="successor_candidate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.candidate_id}?"
