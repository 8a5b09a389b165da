"""Periods that metrics are computed for: a month, a quarter, a half year or a year, in local
dates. Targets use the first three (PERIOD_KINDS); periodic reports also the half year.

A period may also say on which boundaries its members are counted (`boundaries`): "then" (where
each member was placed on the period's last day, in the units of then), "now" (the same members,
in the units their branches belong to today), or None, the default, which keeps each metric's
own way (see `hoiso.members.metrics`). Metrics that read no placements ignore it; it travels with
the period so that `compute(root, level, period)` keeps its signature."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

PERIOD_KINDS = ("month", "quarter", "year")
# The boundaries a period's members may be counted on (see the module's docstring).
BOUNDARIES = ("then", "now")
# Quarters are numbered in Roman numerals in the union's reports: "Quý IV/2026".
ROMAN_QUARTERS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "half" | "year"
    start: dt.date  # first day of the period
    end: dt.date  # first day AFTER the period (exclusive)
    boundaries: str | None = None  # "then" | "now" | None (each metric's own way)

    def __post_init__(self) -> None:
        if self.boundaries is not None and self.boundaries not in BOUNDARIES:
            raise ValueError(f"unknown boundaries {self.boundaries!r}")

    @classmethod
    def containing(cls, kind: str, day: dt.date, boundaries: str | None = None) -> Period:
        if kind == "month":
            start = day.replace(day=1)
            return cls(kind, start, add_months(start, 1), boundaries)
        if kind == "quarter":
            start = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            return cls(kind, start, add_months(start, 3), boundaries)
        if kind == "half":
            start = dt.date(day.year, 1 if day.month <= 6 else 7, 1)
            return cls(kind, start, add_months(start, 6), boundaries)
        if kind == "year":
            return cls(kind, dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1), boundaries)
        raise ValueError(f"unknown period kind {kind!r}")

    def on_boundaries(self, boundaries: str | None) -> Period:
        """The same period, its members counted on these boundaries."""
        return replace(self, boundaries=boundaries)

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - dt.timedelta(days=1), self.boundaries)

    def next(self) -> Period:
        return Period.containing(self.kind, self.end, self.boundaries)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        """A stable name: `2025-03`, `2025-Q1`, `2025-H2`, `2025`."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{self.start.year}-H{1 if self.start.month <= 6 else 2}"
        return str(self.start.year)

    def label(self) -> str:
        """As the union's reports write it: `Tháng 3/2026`, `Quý I/2026`, `6 tháng đầu năm 2026`,
        `Năm 2026`."""
        year = self.start.year
        if self.kind == "month":
            return str(_("Month %(m)s/%(y)s") % {"m": self.start.month, "y": year})
        if self.kind == "quarter":
            quarter = ROMAN_QUARTERS[(self.start.month - 1) // 3]
            return str(_("Quarter %(q)s/%(y)s") % {"q": quarter, "y": year})
        if self.kind == "half" and self.start.month <= 6:
            return str(_("First half of %(y)s") % {"y": year})
        if self.kind == "half":
            return str(_("Second half of %(y)s") % {"y": year})
        return str(_("Year %(y)s") % {"y": year})

    def months(self) -> list[Period]:
        """The months the period is made of."""
        out, month = [], Period.containing("month", self.start, self.boundaries)
        while month.start < self.end:
            out.append(month)
            month = month.next()
        return out

    def until(self, end: dt.date) -> Period:
        """The part of the period before `end` (to date); the period itself if `end` is later."""
        return replace(self, end=max(self.start, min(end, self.end)))


def from_key(key: str) -> Period | None:
    """The period a `key` names (`2025-03`, `2025-Q1`, `2025-H2`, `2025`), or None."""
    try:
        if len(key) == 4:
            return Period.containing("year", dt.date(int(key), 1, 1))
        year, rest = int(key[:4]), key[5:]
        if key[4] != "-" or not 2000 <= year <= 2100:
            return None
        if rest[:1] == "Q" and rest[1:] in ("1", "2", "3", "4"):
            return Period.containing("quarter", dt.date(year, 3 * int(rest[1:]) - 2, 1))
        if rest in ("H1", "H2"):
            return Period.containing("half", dt.date(year, 1 if rest == "H1" else 7, 1))
        if rest.isdigit() and len(rest) == 2 and 1 <= int(rest) <= 12:
            return Period.containing("month", dt.date(year, int(rest), 1))
    except (ValueError, IndexError):
        return None
    return None


def add_months(day: dt.date, n: int) -> dt.date:
    months = day.year * 12 + day.month - 1 + n
    return dt.date(months // 12, months % 12 + 1, 1)
