"""Who meets a target in a period: each unit's value, met or not, and the share against what is
required. One metric computation (a few set-based queries) per target and period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max
from django.utils import timezone

from hoiso.core.text import sort_key
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.metrics.versions import cached
from hoiso.targets.models import Comparison, Target
from hoiso.units.models import Unit


@dataclass
class UnitResult:
    unit: Unit
    value: float | None
    met: bool
    missing: float | None  # how far the value is from the threshold (too low, or too high)


@dataclass
class Compliance:
    target: Target
    period: Period
    results: list[UnitResult] = field(default_factory=list)
    n_units: int = 0
    n_met: int = 0

    @property
    def empty(self) -> bool:
        """No unit of the target's level was open in the period: neither reached nor not."""
        return self.n_units == 0

    @property
    def share(self) -> float:
        return 100 * self.n_met / self.n_units if self.n_units else 0.0

    @property
    def ok(self) -> bool:
        """Enough units meet it: n_met / n_units ≥ required, in exact arithmetic (40% of 5 is 2)."""
        return self.n_units > 0 and self.n_met * 100 >= self.target.required_share * self.n_units

    @property
    def units_needed(self) -> int:
        """How many more units must meet it for the share to be reached."""
        needed = -(-self.target.required_share * self.n_units // 100)  # ceiling
        return max(0, int(needed) - self.n_met)

    @property
    def lagging(self) -> list[UnitResult]:
        return [r for r in self.results if not r.met]


def is_met(target: Target, value: float | None) -> bool:
    """The value is on the right side of the threshold ("at least", or "at most" where lower is
    better); no figure never meets a target."""
    if value is None:
        return False
    if target.comparison == Comparison.AT_MOST:
        return Decimal(str(value)) <= target.threshold
    return Decimal(str(value)) >= target.threshold


def unit_result(target: Target, unit: Unit, value: float | None) -> UnitResult:
    """One unit's line: its value, met or not, and how far it is from the threshold."""
    if value is None:
        return UnitResult(unit, value, False, None)
    gap = value - float(target.threshold)
    missing = max(0.0, gap if target.comparison == Comparison.AT_MOST else -gap)
    return UnitResult(unit, value, is_met(target, value), missing)


def current_period(target: Target, today: dt.date | None = None) -> Period:
    """The period running today, or the last one of the target's year once it is over."""
    today = today or timezone.localdate()
    day = min(max(today, dt.date(target.year, 1, 1)), dt.date(target.year, 12, 31))
    return Period.containing(target.period_kind, day)


def units_stamp(root: Unit, memo: dict[int, str] | None = None) -> str:
    """Changes whenever a unit of the subtree is added, renamed, opened or closed (one query)."""
    if memo is not None and root.pk in memo:
        return memo[root.pk]
    stamp = Unit.objects.within(root).aggregate(n=Count("pk"), last=Max("updated_at"))
    value = f"{stamp['n']}-{stamp['last'].timestamp() if stamp['last'] else 0}"
    if memo is not None:
        memo[root.pk] = value
    return value


@dataclass
class Store:
    """What one request loads once for all its targets: units by id, subtree stamps by root."""

    units: dict[int, Unit] = field(default_factory=dict)
    stamps: dict[int, str] = field(default_factory=dict)


UNIT_FIELDS = ("pk", "name", "code", "path", "level", "valid_from", "valid_to")


def compute(
    target: Target,
    period: Period,
    store: Store | None = None,
    counts_only: bool = False,
    keep: Unit | None = None,
) -> Compliance:
    """Every unit's value and the share meeting the target, over the target's whole subtree.

    `store` is shared by the targets of one request: units and stamps are loaded once.
    `counts_only` (a month of the trend) makes the counts and keeps only the lines of the units
    inside `keep`, unsorted: a drill-down's month over 5,000 branches needs no 5,000 lines.
    """
    metric = REGISTRY.get(target.metric)
    result = Compliance(target=target, period=period)
    store = store or Store()
    units = store.units
    if metric is None:
        return result
    key = (
        f"{target.unit_id}:{target.level}:{period.start}:{period.end}:{period.boundaries}:"
        f"{units_stamp(target.unit, store.stamps)}"
    )
    values = cached(
        target.metric,
        key,
        target.province_id,
        lambda: metric.compute(target.unit, target.level, period),
    )
    if set(values) - units.keys():
        level_units = Unit.objects.within(target.unit).filter(level=target.level).only(*UNIT_FIELDS)
        units.update((u.pk, u) for u in level_units)
    if counts_only:
        met: dict[float | None, bool] = {}  # values repeat (counts): each is compared once
        for value in values.values():
            if value not in met:
                met[value] = is_met(target, value)
            result.n_met += met[value]
        result.n_units = len(values)
        result.results = [
            unit_result(target, units[pk], v)
            for pk, v in values.items()
            if keep is not None and keep.contains(units[pk])
        ]
        return result
    for pk, value in values.items():
        result.results.append(unit_result(target, units[pk], value))
    result.n_units = len(result.results)
    result.n_met = sum(r.met for r in result.results)
    # The lagging first, the furthest behind (or without a figure) first among them.
    result.results.sort(
        key=lambda r: (
            r.met,
            -r.missing if r.missing is not None else -float("inf"),
            sort_key(r.unit.name),
        )
    )
    return result


def trend(
    target: Target,
    today: dt.date | None = None,
    store: Store | None = None,
    viewer: Unit | None = None,
) -> list[tuple[Period, Compliance]]:
    """Month by month through the target's year: the share meeting it in the period to date,
    with the lines of the units inside `viewer` only (all of them without one)."""
    today = today or timezone.localdate()
    store = store or Store()
    points = []
    for month in Period.containing("year", dt.date(target.year, 1, 1)).months():
        if month.start > today:
            break
        period = Period.containing(target.period_kind, month.start).until(month.end)
        c = compute(target, period, store, counts_only=True, keep=viewer)
        points.append((month, c))
    return points
