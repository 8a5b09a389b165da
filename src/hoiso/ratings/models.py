"""The yearly rating of grassroots unions (xếp loại cơ sở Hội): the scheme a unit sets for a year
and a level below it (criteria with their points, the points each rating needs), each unit's
self-assessment, and the upper level's decision."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from hoiso.units.models import Level, Unit


class Rating(models.TextChoices):
    """The four levels, from the best, in the union's own words."""

    EXCELLENT = "excellent", pgettext_lazy("rating", "Excellently fulfilled its tasks")
    GOOD = "good", pgettext_lazy("rating", "Well fulfilled its tasks")
    FAIR = "fair", pgettext_lazy("rating", "Fulfilled its tasks")
    WEAK = "weak", pgettext_lazy("rating", "Did not fulfil its tasks")


# Best first: a unit gets the first rating whose points and condition it meets.
RATING_ORDER = [Rating.EXCELLENT, Rating.GOOD, Rating.FAIR, Rating.WEAK]


class Kind(models.TextChoices):
    COMPUTED = "computed", _("Computed from the year's figures")
    MANUAL = "manual", _("Scored by hand, with evidence")


class Mapping(models.TextChoices):
    STEPS = "steps", _("Points by steps of the figure")
    PROPORTIONAL = "proportional", _("Points in proportion to a target")


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("assessment", "Being filled in")
    SUBMITTED = "submitted", pgettext_lazy("assessment", "Sent, waiting for the decision")
    DECIDED = "decided", pgettext_lazy("assessment", "Rated")


def _share_field(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class Scheme(models.Model):
    """What a unit (the province, usually) rates the units of one level below it on, for a year."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rating_schemes")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.PositiveSmallIntegerField(
        _("units rated"), choices=Level.choices, default=Level.COMMUNE
    )
    title = models.CharField(_("title"), max_length=300)
    # The fewest points for each rating; below `fair_from` a unit did not fulfil its tasks.
    excellent_from = models.DecimalField(
        _("points for “excellently fulfilled”"), max_digits=6, decimal_places=2
    )
    good_from = models.DecimalField(
        _("points for “well fulfilled”"), max_digits=6, decimal_places=2
    )
    fair_from = models.DecimalField(_("points for “fulfilled”"), max_digits=6, decimal_places=2)
    # Optional conditions: no criterion may score below this share of its points for the rating.
    excellent_floor = _share_field(_("“excellently fulfilled” also needs every criterion at (%)"))
    good_floor = _share_field(_("“well fulfilled” also needs every criterion at (%)"))
    fair_floor = _share_field(_("“fulfilled” also needs every criterion at (%)"))
    self_due = models.DateField(_("self-assessments due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "unit_path", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "level"], name="rating_scheme_unit_year_level"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria.all()), Decimal(0))

    def threshold_of(self, rating: str) -> tuple[Decimal | None, Decimal | None]:
        """(points from, share every criterion needs) for a rating; (None, None) for "weak"."""
        if rating == Rating.WEAK:
            return None, None
        return getattr(self, f"{rating}_from"), getattr(self, f"{rating}_floor")


class Criterion(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("criterion"), max_length=300)
    guidance = models.TextField(_("what counts, what evidence to attach"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"), validators=[MinValueValidator(0)], max_digits=6, decimal_places=2
    )
    kind = models.CharField(_("how it is scored"), max_length=10, choices=Kind, default=Kind.MANUAL)
    metric = models.CharField(_("figure from the data"), max_length=60, blank=True)
    mapping = models.CharField(
        _("from figure to points"), max_length=12, choices=Mapping, blank=True
    )
    # Steps: [[figure, points], …] as decimal strings; the best step the figure reaches counts.
    steps = models.JSONField(default=list, blank=True)
    # Proportional: full points at this figure, in proportion below it.
    target = models.DecimalField(
        _("figure for full points"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["scheme", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_computed(self) -> bool:
        return self.kind == Kind.COMPUTED


class Assessment(models.Model):
    """One unit's rating for a scheme's year: its own scores, then the upper level's."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rating_assessments")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)
    state = models.CharField(max_length=10, choices=State, default=State.DRAFT)
    self_total = models.DecimalField(null=True, blank=True, max_digits=6, decimal_places=2)
    self_rating = models.CharField(max_length=10, choices=Rating, blank=True)
    summary = models.TextField(_("the unit's own summary"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_total = models.DecimalField(null=True, blank=True, max_digits=6, decimal_places=2)
    rating = models.CharField(max_length=10, choices=Rating, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    reopen_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit_path"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="rating_assessment_once")
        ]
        indexes = [models.Index(fields=["unit", "scheme"], name="rating_assess_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.scheme.year}"

    @property
    def locked_for_unit(self) -> bool:
        """The unit may no longer change its own scores (sent, or rated)."""
        return self.state != State.DRAFT


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    # The metric's value when the points were computed (computed criteria only).
    figure = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    self_points = models.DecimalField(null=True, blank=True, max_digits=6, decimal_places=2)
    evidence = models.TextField(blank=True)
    decided_points = models.DecimalField(null=True, blank=True, max_digits=6, decimal_places=2)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="rating_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.self_points}"


class EvidenceFile(models.Model):
    """A file attached to a score: checked by its content, kept outside the web root."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    file_type = models.CharField(max_length=10)
    stored_name = models.CharField(max_length=60, unique=True)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
