"""Targets (chỉ tiêu) a unit sets for the units of one level below it, population figures for the
recruitment rate. Reminders to lagging units' cadres go through the notifications service."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoiso.metrics.registry import LOWER
from hoiso.units.models import Level, Unit


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Every month")
    QUARTER = "quarter", _("Every quarter")
    YEAR = "year", _("Over the year")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("at least (≥)")
    AT_MOST = "at_most", _("at most (≤)")

    @classmethod
    def for_direction(cls, better: str) -> list[Comparison]:
        """The comparisons that make sense for a metric: "at most" only where lower is better."""
        return [cls.AT_MOST] if better == LOWER else [cls.AT_LEAST]


SIGNS = {Comparison.AT_LEAST: "≥", Comparison.AT_MOST: "≤"}


class Target(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    theme = models.CharField(_("theme of the year"), max_length=300, blank=True)
    title = models.CharField(_("target"), max_length=300)
    metric = models.CharField(_("what is measured"), max_length=60)
    level = models.PositiveSmallIntegerField(_("applies to"), choices=Level.choices)
    period_kind = models.CharField(_("period"), max_length=10, choices=PeriodKind)
    comparison = models.CharField(
        _("each unit's value must be"),
        max_length=10,
        choices=Comparison,
        default=Comparison.AT_LEAST,
    )
    threshold = models.DecimalField(
        _("level each unit must reach"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    required_share = models.DecimalField(
        _("share of units that must reach it (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    remind_days = models.PositiveSmallIntegerField(
        _("remind lagging units this many days before the period ends"),
        default=5,
        validators=[MaxValueValidator(60)],
    )
    # Whether the units see each other's values (a published ranking) or only their own.
    publish_ranking = models.BooleanField(_("units see each other's results"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "unit_path", "level", "id"]
        indexes = [models.Index(fields=["province", "year"], name="target_prov_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def sign(self) -> str:
        """ "≥" or "≤", as the dashboard writes the threshold."""
        return SIGNS[Comparison(self.comparison)]


class PopulationFigure(models.Model):
    """Women aged 18 and over living in a unit's area, as a cadre entered it for a year."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="population_figures")
    year = models.PositiveSmallIntegerField(_("year"))
    women_18_plus = models.PositiveIntegerField(_("women aged 18 and over"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="population_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.women_18_plus}"
