"""The metric registry: what a target can measure, for every unit of a level at once.

A metric's `compute(root, level, period)` returns a value for every unit of `level` in `root`'s
subtree that was open at some time during the period, in a small fixed number of set-based queries:
rows are grouped by the unit's ancestor at `level`, which is a prefix of their materialised path
(all units of one level under one root have paths of one length, or of very few lengths where
some communes still sit under a district). Dates are local dates (Asia/Ho_Chi_Minh).

Apps register their metrics from `<app>/metrics.py`, imported in their AppConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hoiso.units.models import Level, Unit

PERIOD_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    start: dt.date  # first day of the period
    end: dt.date  # first day AFTER the period (exclusive)

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        if kind == "month":
            start = day.replace(day=1)
            return cls(kind, start, add_months(start, 1))
        if kind == "quarter":
            start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            return cls(kind, start, add_months(start, 3))
        if kind == "year":
            return cls(kind, dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1))
        raise ValueError(f"unknown period kind {kind!r}")

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return Period.containing(self.kind, self.end)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        """A stable name: `2025-03`, `2025-Q1`, `2025`."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def label(self) -> str:
        """As a cadre writes it: `03/2025`, `Quý 1/2025`, `2025`."""
        if self.kind == "month":
            return f"{self.start:%m/%Y}"
        if self.kind == "quarter":
            return str(
                _("Q%(q)s/%(y)s") % {"q": (self.start.month - 1) // 3 + 1, "y": self.start.year}
            )
        return str(self.start.year)

    def months(self) -> list[Period]:
        """The months the period is made of."""
        out, month = [], Period.containing("month", self.start)
        while month.start < self.end:
            out.append(month)
            month = month.next()
        return out

    def until(self, end: dt.date) -> Period:
        """The part of the period before `end` (to date); the period itself if `end` is later."""
        return Period(self.kind, self.start, max(self.start, min(end, self.end)))


def add_months(day: dt.date, n: int) -> dt.date:
    months = day.year * 12 + day.month - 1 + n
    return dt.date(months // 12, months % 12 + 1, 1)


# The agreed interface names the level's type `str`, the unit tree stores it as an int (`Level`):
# a compute function may annotate either, and the helpers below accept `Level.COMMUNE`, 3, "3" or
# "commune" alike (see `level_value`). The dashboard passes the int.
Compute = Callable[[Unit, Any, Period], dict[int, float | None]]
F = TypeVar("F", bound=Compute)


# Which way a metric's value is better: a target compares "at least" for the first, "at most" for
# the second (communes without a computer: fewer is better).
HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Metric:
    code: str
    label: StrOrPromise
    unit: str  # "count" | "percent"
    compute: Compute
    better: str = HIGHER  # HIGHER | LOWER


REGISTRY: dict[str, Metric] = {}


def register(
    code: str, label: StrOrPromise, unit: str = "count", better: str = HIGHER
) -> Callable[[F], F]:
    """Add a metric to the registry under `code`, saying which way its value is better."""
    if better not in (HIGHER, LOWER):
        raise ValueError(f"metric {code!r}: better must be {HIGHER!r} or {LOWER!r}")

    def decorator(fn: F) -> F:
        if code in REGISTRY and REGISTRY[code].compute is not fn:
            raise ValueError(f"metric {code!r} is registered twice")
        REGISTRY[code] = Metric(code=code, label=label, unit=unit, compute=fn, better=better)
        return fn

    return decorator


def metric_choices() -> list[tuple[str, str]]:
    return sorted(((m.code, str(m.label)) for m in REGISTRY.values()), key=lambda c: c[1])


# --- Helpers for metrics ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRef:
    pk: int
    path: str


def level_value(level: int | str) -> int:
    """The Level as stored: from `Level.COMMUNE`, 3, "3" or "commune"."""
    if isinstance(level, int):
        return int(level)
    if level.isdigit():
        return int(level)
    try:
        return int(Level[level.upper()])
    except KeyError:
        raise ValueError(f"unknown level {level!r}") from None


def units_open(root: Unit, level: int | str, period: Period) -> list[UnitRef]:
    """Units of `level` in the subtree (root included) open at some time during the period."""
    rows = (
        Unit.objects.within(root)
        .filter(level=level_value(level), valid_from__lt=period.end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        .values_list("pk", "path")
    )
    return [UnitRef(pk, path) for pk, path in rows]


def by_ancestor(
    rows: QuerySet[Any], path_field: str, units: list[UnitRef], **aggregates: Any
) -> dict[int, dict[str, Any]]:
    """Aggregate `rows` per unit of `units`, each row going to its ancestor among them.

    One grouped query per distinct path length among the units (one, nearly always).
    """
    by_path = {u.path: u.pk for u in units}
    out: dict[int, dict[str, Any]] = {}
    for width in sorted({len(u.path) for u in units}):
        grouped = (
            rows.order_by()
            .annotate(_anc=Substr(path_field, 1, width))
            .values("_anc")
            .annotate(**aggregates)
        )
        for row in grouped:
            pk = by_path.get(row.pop("_anc"))
            if pk is not None:
                out[pk] = row
    return out


def zero_filled(
    units: Iterable[UnitRef], values: dict[int, Any], default: Any = 0
) -> dict[int, Any]:
    return {u.pk: values.get(u.pk, default) for u in units}


def count_per_unit(
    rows: QuerySet[Any], path_field: str, units: list[UnitRef]
) -> dict[int, float | None]:
    """How many rows fall under each unit; 0 where none."""
    # COUNT(*), not of a column: a covering index then answers without reading the rows.
    counted = by_ancestor(rows, path_field, units, n=Count("*"))
    return {u.pk: float(counted[u.pk]["n"]) if u.pk in counted else 0.0 for u in units}


# Metrics this app owns: the recruitment rate (it needs the population figures kept here).
from hoiso.targets import population_metrics  # noqa: E402, F401
