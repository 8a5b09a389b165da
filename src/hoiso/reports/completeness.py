"""Expected reports, completeness and timeliness: set-based, for every unit of a form's level.

A report is expected from each unit of the form's level in the form's subtree that was open at
some time during the period (a unit closed mid-period owes the period it was open for, as in
the metrics), for each period that began on or after the form applies and has begun by today.
Each expected report is in one state: approved, received on time, received late, returned,
draft, missing (past its due date) or not yet due.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, reduce

from django.db.models import Count, F, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from hoiso.metrics.periods import Period
from hoiso.reports.models import Report, ReportForm, Status, local_day
from hoiso.units.models import Unit, today

# The state of one expected report: its code, the symbol printed beside the colour (never colour
# alone), and its words.
APPROVED, ON_TIME, LATE, RETURNED, DRAFT, MISSING, WAITING = (
    "approved", "on_time", "late", "returned", "draft", "missing", "waiting"
)  # fmt: skip
STATES = {
    APPROVED: ("✔✔", _("approved")),
    ON_TIME: ("✔", _("received on time")),
    LATE: ("✔!", _("received late")),
    RETURNED: ("↩", _("returned to fix")),
    DRAFT: ("✎", _("being written")),
    MISSING: ("✗", _("missing, past its due date")),
    WAITING: ("…", _("not due yet")),
}


def periods_of(form: ReportForm, year: int, on: dt.date | None = None) -> list[Period]:
    """The form's periods of `year` that have begun by `on` (today) and to which it applies."""
    on = on or today()
    out, period = [], Period.containing(form.frequency, dt.date(year, 1, 1))
    while period.start.year == year and period.start <= on:
        if form.applies(period):
            out.append(period)
        period = period.next()
    return out


def root_for(form: ReportForm, unit: Unit) -> Unit | None:
    """Where the form's expected units are looked for, seen from `unit`: the unit itself inside
    the form's subtree, the form's owner when the unit lies above it, else nowhere."""
    if unit.path.startswith(form.owner.path):
        return unit
    if form.owner.path.startswith(unit.path):
        return form.owner
    return None


@dataclass(frozen=True)
class OpenUnit:
    pk: int
    path: str
    valid_from: dt.date
    valid_to: dt.date | None

    def open_in(self, period: Period) -> bool:
        return self.valid_from < period.end and (
            self.valid_to is None or self.valid_to >= period.start
        )


def expected_units(form: ReportForm, root: Unit, periods: list[Period]) -> list[OpenUnit]:
    """The form's level's units under `root` open at some time in any of the periods."""
    if not periods:
        return []
    start, end = periods[0].start, periods[-1].end
    rows = (
        Unit.objects.within(root)
        .filter(level=form.level, valid_from__lt=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .values_list("pk", "path", "valid_from", "valid_to")
    )
    return [OpenUnit(*r) for r in rows]


def state_of(
    status: str | None, first_submitted: dt.datetime | None, due: dt.date, on: dt.date
) -> str:
    if status == Status.APPROVED:
        return APPROVED
    if status == Status.SUBMITTED:
        return ON_TIME if first_submitted and local_day(first_submitted) <= due else LATE
    if status == Status.RETURNED:
        return RETURNED
    if on <= due:
        return WAITING
    return DRAFT if status == Status.DRAFT else MISSING


@dataclass
class Cells:
    """Every expected report's state: {(unit pk, period start): state}."""

    form: ReportForm
    periods: list[Period]
    units: list[OpenUnit]
    states: dict[tuple[int, dt.date], str] = field(default_factory=dict)
    approved_on_time: set[tuple[int, dt.date]] = field(default_factory=set)


def states(form: ReportForm, root: Unit, periods: list[Period], on: dt.date | None = None) -> Cells:
    """The state of every report expected under `root` in the periods: two queries."""
    on = on or today()
    units = expected_units(form, root, periods)
    cells = Cells(form, periods, units)
    if not units:
        return cells
    stored = {
        (unit_id, start): (status, first)
        for unit_id, start, status, first in Report.objects.filter(
            form=form,
            unit_path__startswith=root.path,
            period_start__gte=periods[0].start,
            period_start__lt=periods[-1].end,
        ).values_list("unit_id", "period_start", "status", "first_submitted_at")
    }
    for period in periods:
        due = form.due_on(period)
        for u in units:
            if u.open_in(period):
                status, first = stored.get((u.pk, period.start), (None, None))
                state = state_of(status, first, due, on)
                cells.states[(u.pk, period.start)] = state
                if state == APPROVED and first is not None and local_day(first) <= due:
                    cells.approved_on_time.add((u.pk, period.start))
    return cells


@dataclass
class Tally:
    """Expected reports of a group of units in one period, counted by state (read once the
    counts are complete: the figures below are kept after their first reading)."""

    counts: Counter[str] = field(default_factory=Counter)

    @cached_property
    def expected(self) -> int:
        return sum(n for state, n in self.counts.items() if state != APPROVED_ON_TIME)

    @cached_property
    def received(self) -> int:
        return self.counts[APPROVED] + self.counts[ON_TIME] + self.counts[LATE]

    @property
    def on_time(self) -> int:
        return self.counts[ON_TIME] + self.counts[APPROVED_ON_TIME]

    @property
    def due(self) -> int:
        return self.expected - self.counts[WAITING]

    @cached_property
    def mark(self) -> str:
        return STATES[self.worst][0] if self.worst else ""

    @cached_property
    def worst(self) -> str:
        """The colour of the cell: missing before late before waiting before all received."""
        for state in (MISSING, DRAFT, RETURNED, LATE, WAITING, ON_TIME):
            if self.counts[state]:
                return state
        return APPROVED if self.expected else ""


# Approved reports that were first submitted on time are told apart in the counts only.
APPROVED_ON_TIME = "approved_on_time"


@dataclass
class Row:
    unit: Unit
    tallies: list[Tally]
    periods: list[Period] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[Period, Tally]]:
        return list(zip(self.periods, self.tallies, strict=True))

    @property
    def total(self) -> Tally:
        total = Tally()
        for t in self.tallies:
            total.counts.update(t.counts)
        return total


def _cutoff(day: dt.date) -> dt.datetime:
    """The first instant after `day` ends, in local time: submitted before it is on `day` or
    earlier (so the comparison runs in the database, whatever its time zone functions)."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def tallies(
    form: ReportForm,
    root: Unit,
    periods: list[Period],
    groups: list[str],
    on: dt.date | None = None,
) -> dict[tuple[str, dt.date], Tally]:
    """Expected reports under `root` in each period, counted by state per group: each expected
    unit goes to the group whose path starts its own (`groups` are paths of units that do not
    lie under one another). Set-based: per length of group path, one query counts the open
    units of each period and one counts the stored reports by state; nothing is done per
    unit. {(group path, period start): Tally}, every pair present."""
    on = on or today()
    out = {(g, p.start): Tally() for g in groups for p in periods}
    if not periods or not groups:
        return out
    start, end = periods[0].start, periods[-1].end
    wanted = set(groups)
    cutoffs = {p.start: _cutoff(form.due_on(p)) for p in periods}
    in_time = reduce(
        operator.or_,
        (Q(period_start=p.start, first_submitted_at__lt=cutoffs[p.start]) for p in periods),
    )
    # The reporting unit was open during the report's period (the row's own dates).
    open_units = Q(unit__valid_from__lt=F("period_end")) & (
        Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=F("period_start"))
    )
    for width in sorted({len(g) for g in groups}):
        group = Substr("path", 1, width)
        units = (
            Unit.objects.within(root)
            .filter(level=form.level, valid_from__lt=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
            .annotate(group=group)
            .values("group")
            .annotate(
                **{
                    f"p{n}": Count(
                        "pk",
                        filter=Q(valid_from__lt=p.end)
                        & (Q(valid_to__isnull=True) | Q(valid_to__gte=p.start)),
                    )
                    for n, p in enumerate(periods)
                }
            )
            .order_by()
        )
        expected: dict[tuple[str, dt.date], int] = {}
        for row in units:
            if row["group"] in wanted:
                for n, p in enumerate(periods):
                    expected[(row["group"], p.start)] = row[f"p{n}"]
        reports = (
            Report.objects.filter(
                form=form,
                unit_path__startswith=root.path,
                unit__path__startswith=root.path,
                unit__level=form.level,
                period_start__in=[p.start for p in periods],
            )
            .filter(open_units)
            .annotate(group=Substr("unit__path", 1, width))
            .values("group", "period_start")
            .annotate(
                approved=Count("pk", filter=Q(status=Status.APPROVED)),
                approved_on_time=Count("pk", filter=Q(status=Status.APPROVED) & in_time),
                submitted_on_time=Count("pk", filter=Q(status=Status.SUBMITTED) & in_time),
                submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
                returned=Count("pk", filter=Q(status=Status.RETURNED)),
                draft=Count("pk", filter=Q(status=Status.DRAFT)),
            )
            .order_by()
        )
        stored = {(r["group"], r["period_start"]): r for r in reports if r["group"] in wanted}
        for p in periods:
            due = form.due_on(p)
            for g in groups:
                if len(g) != width or not expected.get((g, p.start)):
                    continue
                n = expected[(g, p.start)]
                r = stored.get((g, p.start))
                counts = out[(g, p.start)].counts
                if r:
                    counts[APPROVED] = r["approved"]
                    counts[APPROVED_ON_TIME] = r["approved_on_time"]
                    counts[ON_TIME] = r["submitted_on_time"]
                    counts[LATE] = r["submitted"] - r["submitted_on_time"]
                    counts[RETURNED] = r["returned"]
                    n -= r["approved"] + r["submitted"] + r["returned"]
                    if on > due:
                        counts[DRAFT] = r["draft"]
                        n -= r["draft"]
                counts[WAITING if on <= due else MISSING] = n
                for state in [s for s, v in counts.items() if not v]:
                    del counts[state]
    return out


def grid(
    form: ReportForm, viewer: Unit, year: int, on: dt.date | None = None
) -> tuple[list[Period], list[Row]]:
    """The completeness grid seen from `viewer`: one row per unit just below it (the expected
    units themselves where they are its children), one column per period of the year; each cell
    counts the expected reports under the row's unit by state. Counted in the database (see
    `tallies`): a few queries and one row per row unit and period, however many units."""
    periods = periods_of(form, year, on)
    root = root_for(form, viewer)
    if root is None or not periods:
        return periods, []
    start, end = periods[0].start, periods[-1].end
    if root.level >= form.level:
        row_units = [root]
    else:
        row_units = list(
            Unit.objects.filter(parent=root, level__lte=form.level, valid_from__lt=end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
            .only("pk", "path", "name", "code", "level", "valid_to")
        )
    counted = tallies(form, root, periods, [u.path for u in row_units], on)
    rows = [Row(u, [counted[(u.path, p.start)] for p in periods], periods) for u in row_units]
    return periods, sorted(rows, key=lambda r: r.unit.name)
