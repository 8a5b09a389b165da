"""The concerns report of a unit for a period: counts by topic and state, the time to a first
answer, what is still open, and each unit one level down, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import median

from django.db.models import Count, QuerySet

from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.units.models import Level, Unit
from hoiso.voices.metrics import raised_in
from hoiso.voices.models import Concern, State, Topic


@dataclass
class TopicRow:
    topic: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Report:
    unit: Unit
    period: Period
    rows: list[TopicRow]
    totals: dict[str, int]
    days_to_answer: float | None  # the median, over those answered
    open_now: int
    below: list[tuple[Unit, float | None, float | None]]  # unit, raised, % answered within 7 days

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def _rows(concerns: QuerySet[Concern]) -> tuple[list[TopicRow], dict[str, int]]:
    rows = {t: TopicRow(t, str(label)) for t, label in Topic.choices}
    totals = dict.fromkeys(State.values, 0)
    for topic, state, n in concerns.values_list("topic", "state").annotate(n=Count("*")).order_by():
        rows[topic].counts[state] = n
        totals[state] += n
    return list(rows.values()), totals


def concerns_report(unit: Unit, period: Period) -> Report:
    concerns = raised_in(unit, period)
    rows, totals = _rows(concerns)
    waits = [
        (answered - raised).total_seconds() / 86400
        for raised, answered in concerns.filter(first_answer_at__isnull=False).values_list(
            "created_at", "first_answer_at"
        )
        if answered is not None
    ]
    open_now = concerns.filter(state=State.OPEN).count()
    below: list[tuple[Unit, float | None, float | None]] = []
    level = unit.level + 1 if unit.level != Level.PROVINCE else Level.COMMUNE
    if unit.level < Level.BRANCH:
        raised = REGISTRY["voices.raised"].compute(unit, level, period)
        share = REGISTRY["voices.answered_within_week"].compute(unit, level, period)
        units = Unit.objects.filter(pk__in=raised).order_by("name")
        below = [(u, raised.get(u.pk), share.get(u.pk)) for u in units]
    return Report(
        unit, period, rows, totals, round(median(waits), 1) if waits else None, open_now, below
    )


def period_of(kind: str, day: str, today: dt.date) -> Period:
    """The period the page asks for (`?period=quarter&on=2026-11-30`), this month by default."""
    try:
        on = dt.date.fromisoformat(day) if day else today
    except ValueError:
        on = today
    return Period.containing(kind if kind in ("month", "quarter", "year") else "month", on)
