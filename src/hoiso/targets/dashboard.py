"""Reads shared by the dashboard, its export and the home page box."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from hoiso.accounts.models import Assignment
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.targets import compliance
from hoiso.targets.models import Target
from hoiso.targets.services import RESPONSIBLE_ROLES
from hoiso.units.models import Unit


def targets_for(unit: Unit, year: int) -> QuerySet[Target]:
    """Targets that concern the unit: set at it or above for its level or below, or set inside it."""
    return (
        Target.objects.filter(
            Q(unit_path__in=unit.ancestor_paths) | Q(unit_path__startswith=unit.path), year=year
        )
        .filter(level__gte=unit.level)
        .select_related("unit")
    )


def rows_for(
    unit: Unit, year: int, on: dt.date | None = None, boundaries: str | None = None
) -> list[Row]:
    """Every target that concerns the unit, as seen from it; units are loaded once per level.
    With `on`, each target's period is the one containing that day (of `on`'s year), measured
    on the units open in it (the boundaries of then). With `boundaries` ("then" or "now"), its
    members are counted on those boundaries (`Period.boundaries`)."""
    store = compliance.Store()
    if on is not None:
        year = on.year
    rows = []
    for t in targets_for(unit, year):
        period = Period.containing(t.period_kind, on) if on else compliance.current_period(t)
        rows.append(row_for(unit, t, period.on_boundaries(boundaries), store=store))
    return rows


@dataclass
class Row:
    """One target as seen from a unit: the overall result, and the rows this unit may see."""

    target: Target
    result: compliance.Compliance
    visible: list[compliance.UnitResult]
    own: compliance.UnitResult | None  # the viewing unit's own line, when the target measures it
    whole: bool  # the viewer sees every unit (she set it, or it is set below her, or published)

    @property
    def visible_met(self) -> int:
        return sum(r.met for r in self.visible)

    @property
    def metric_label(self) -> str:
        m = REGISTRY.get(self.target.metric)
        return str(m.label) if m else self.target.metric

    @property
    def is_percent(self) -> bool:
        m = REGISTRY.get(self.target.metric)
        return m is not None and m.unit == "percent"


def row_for(
    unit: Unit, target: Target, period: Period | None = None, store: compliance.Store | None = None
) -> Row:
    period = period or compliance.current_period(target)
    result = compliance.compute(target, period, store)
    whole = unit.contains(target.unit) or target.publish_ranking
    visible = result.results if whole else [r for r in result.results if unit.contains(r.unit)]
    own = next((r for r in result.results if r.unit.pk == unit.pk), None)
    return Row(target, result, visible, own, whole)


def contacts(units: list[Unit]) -> dict[int, list[Assignment]]:
    """The cadres responsible for each unit, with their phones: one query."""
    out: dict[int, list[Assignment]] = {}
    rows = (
        Assignment.objects.filter(unit__in=units, role__in=RESPONSIBLE_ROLES)
        .select_related("user")
        .order_by("unit_id", "role")
    )
    seen: set[tuple[int, int]] = set()
    for a in rows:
        if (a.unit_id, a.user_id) not in seen:
            seen.add((a.unit_id, a.user_id))
            out.setdefault(a.unit_id, []).append(a)
    return out


def todo(unit: Unit, today: dt.date | None = None) -> list[Row]:
    """Targets the unit itself is measured on and does not meet yet this period."""
    year = (today or compliance.timezone.localdate()).year
    rows = []
    for target in targets_for(unit, year).filter(level=unit.level):
        period = compliance.current_period(target, today)
        metric = REGISTRY.get(target.metric)
        if metric is None:
            continue
        values = metric.compute(unit, unit.level, period)
        if unit.pk not in values:
            continue  # the unit was not open in the period: nothing to do
        r = compliance.unit_result(target, unit, values[unit.pk])
        if not r.met:
            res = compliance.Compliance(target=target, period=period, results=[r], n_units=1)
            rows.append(Row(target, res, [r], r, False))
    return rows
