"""Periodic reports: the forms a unit sets for the levels below, and each unit's report for a
period, from draft to approval (DHIS2's data sets, expected reports and approval levels)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoiso.metrics.periods import Period
from hoiso.units.models import Level, Unit


class Frequency(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF = "half", _("Every six months")
    YEAR = "year", _("Yearly")


class SectionKind(models.TextChoices):
    FIGURES = "figures", _("Figures")
    TEXT = "text", _("Text")


class Source(models.TextChoices):
    METRIC = "metric", _("From Hội Số's data")
    TYPED = "typed", _("Typed by the unit")


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("report status", "Submitted")
    RETURNED = "returned", pgettext_lazy("report status", "Returned")
    APPROVED = "approved", pgettext_lazy("report status", "Approved")


# The statuses in which the reporting unit may still change its report.
EDITABLE = (Status.DRAFT, Status.RETURNED)
# The statuses that count as received by the level above.
RECEIVED = (Status.SUBMITTED, Status.APPROVED)


class ReportForm(models.Model):
    """What the units of one level below `owner` report, and how often."""

    owner = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="report_forms")
    level = models.PositiveSmallIntegerField(_("reporting level"), choices=Level.choices)
    title = models.CharField(_("title"), max_length=200)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    # The report of a period is due this many days after the period ends (5: by the 5th of the
    # next month for a monthly report).
    due_days = models.PositiveSmallIntegerField(_("days after the period to submit"), default=5)
    # The first period the form applies to: no report is expected before it.
    starts_on = models.DateField(_("applies from"))
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner__path", "level", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_unit(self) -> Unit:
        return self.owner

    def period_of(self, day: dt.date) -> Period:
        return Period.containing(self.frequency, day)

    def due_on(self, period: Period) -> dt.date:
        return period.end + dt.timedelta(days=self.due_days - 1)

    def applies(self, period: Period) -> bool:
        return period.end > self.starts_on


class Section(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(max_length=8, choices=SectionKind.choices, default=SectionKind.FIGURES)
    guidance = models.CharField(_("guidance"), max_length=500, blank=True)

    class Meta:
        ordering = ["form", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    """One figure of a form: read from a metric by its code, or typed under a rule."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    # Names the figure within its form, in stored values and rules ("members_end").
    key = models.SlugField(max_length=40)
    label = models.CharField(_("figure"), max_length=200)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    metric = models.CharField(_("metric"), max_length=80, blank=True)
    is_percent = models.BooleanField(default=False)
    # A typed figure may not exceed this other figure of the form (women trained ≤ members).
    at_most = models.SlugField(_("at most the figure"), max_length=40, blank=True)
    # A percentage is consolidated as the parts' weighted mean: weighted by this count figure.
    weight = models.SlugField(_("weighted by the figure"), max_length=40, blank=True)

    class Meta:
        ordering = ["form", "section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="reports_item_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class ReportQuerySet(models.QuerySet["Report"]):
    def within(self, unit: Unit) -> ReportQuerySet:
        return self.filter(unit_path__startswith=unit.path)

    def received(self) -> ReportQuerySet:
        return self.filter(status__in=RECEIVED)


class Report(models.Model):
    """A unit's report for one period of a form. Stored once the unit first saves it; until then
    the page shows a draft computed from the data."""

    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    unit_path = models.CharField(max_length=255)
    period_kind = models.CharField(max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()  # the first day after the period
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The figures as they stand: {key: number or None}; `computed` holds what the data said
    # when it was last saved, `reasons` why a computed figure was corrected.
    figures = models.JSONField(default=dict)
    computed = models.JSONField(default=dict)
    reasons = models.JSONField(default=dict)
    texts = models.JSONField(default=dict)  # {section pk: text}
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_note = models.TextField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["unit_path", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "unit", "period_start"], name="reports_one_per_period"
            )
        ]
        indexes = [
            models.Index(fields=["form", "period_start", "unit_path"], name="reports_grid"),
            models.Index(fields=["unit_path", "status"], name="reports_lock"),
        ]

    def __str__(self) -> str:
        return f"{self.form.title} · {self.unit.name} · {self.period.label()}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start, self.period_end)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def on_time(self) -> bool:
        return self.first_submitted_at is not None and local_day(self.first_submitted_at) <= (
            self.due_on
        )


def local_day(at: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(at).date()


class Step(models.Model):
    """One dated step of a report's life, shown on its page (the audit log keeps them too)."""

    class Action(models.TextChoices):
        SAVED = "saved", _("Saved the draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned with a note")
        APPROVED = "approved", pgettext_lazy("report step", "Approved")
        UNAPPROVED = "unapproved", _("Approval withdrawn")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d/%m/%Y}"


def received_q() -> Q:
    return Q(status__in=RECEIVED)


def as_number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
