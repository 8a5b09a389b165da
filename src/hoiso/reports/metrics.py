"""Completeness and timeliness of periodic reports, as metrics a target can set: for each unit
of a level, the reports due in the period from the units of its subtree (every form that
applies there), and how many were received, on time, approved or are missing.

A report counts in the period its due date falls in, once that date has passed (or once it was
received before). Not cached (no data area declared): reports change as units submit them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoiso.metrics.grouping import units_open
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import LOWER, register
from hoiso.reports import completeness as c
from hoiso.reports.models import ReportForm
from hoiso.units.models import Unit, today


def _periods_due_in(form: ReportForm, period: Period, on: dt.date) -> list[Period]:
    """The form's periods whose reports fall due within `period`, begun by `on`."""
    out = []
    step = Period.containing(form.frequency, period.start - dt.timedelta(days=form.due_days + 1))
    while form.due_on(step) < period.end and step.start <= on:
        if form.due_on(step) >= period.start and form.applies(step):
            out.append(step)
        step = step.next()
    return out


def counts(root: Unit, level: int, period: Period) -> dict[int, Counter[str]]:
    """Per unit of `level` under `root`: the expected reports due in the period, by state (and
    `c.APPROVED_ON_TIME` for approved ones first submitted on time)."""
    on = today()
    units = units_open(root, level, period)
    out: dict[int, Counter[str]] = {u.pk: Counter() for u in units}
    by_path = {u.path: u.pk for u in units}
    forms = (
        ReportForm.objects.filter(active=True)
        .filter(Q(owner__path__in=root.ancestor_paths) | Q(owner__path__startswith=root.path))
        .select_related("owner")
    )
    paths = list(by_path)
    for form in forms:
        where = c.root_for(form, root)
        periods = _periods_due_in(form, period, on)
        if where is None or not periods:
            continue
        for (path, _start), tally in c.tallies(form, where, periods, paths, on).items():
            for state, n in tally.counts.items():
                if state != c.WAITING:
                    out[by_path[path]][state] += n
    return out


def _share(counted: Counter[str], *states: str) -> float | None:
    expected = sum(v for k, v in counted.items() if k != c.APPROVED_ON_TIME)
    if not expected:
        return None
    return round(100 * sum(counted[s] for s in states) / expected, 1)


@register("reports.received_share", _("Periodic reports received"), "percent")
def received_share(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    return {
        pk: _share(n, c.APPROVED, c.ON_TIME, c.LATE)
        for pk, n in counts(root, level, period).items()
    }


@register("reports.on_time_share", _("Periodic reports received on time"), "percent")
def on_time_share(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    return {
        pk: _share(n, c.ON_TIME, c.APPROVED_ON_TIME)
        for pk, n in counts(root, level, period).items()
    }


@register("reports.approved_share", _("Periodic reports approved"), "percent")
def approved_share(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    return {pk: _share(n, c.APPROVED) for pk, n in counts(root, level, period).items()}


@register("reports.missing", _("Periodic reports missing past their due date"), better=LOWER)
def missing(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    return {pk: float(n[c.MISSING] + n[c.DRAFT]) for pk, n in counts(root, level, period).items()}
