"""Helpers for compute functions: the units of a level open in a period, and rows grouped per unit.

Rows are grouped by the unit's ancestor at `level`, which is a prefix of their materialised path
(all units of one level under one root have paths of one length, or of very few lengths where
some communes still sit under a district).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from hoiso.metrics.periods import Period
from hoiso.units.models import Level, Unit


@dataclass(frozen=True)
class UnitRef:
    pk: int
    path: str
    # Closed since (a unit of then, e.g. before the 2025 reform): member metrics count members
    # where they were placed then.
    closed: bool = False


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
        .values_list("pk", "path", "valid_to")
    )
    return [UnitRef(pk, path, valid_to is not None) for pk, path, valid_to in rows]


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
