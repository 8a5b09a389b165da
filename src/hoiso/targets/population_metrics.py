"""Recruitment rate: members ÷ women aged 18+, where a cadre has entered that figure.

The members are counted by the members' own metric, looked up by its code: targets reads metrics
through the registry and imports no domain app.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hoiso.metrics.grouping import level_value
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY, register
from hoiso.units.models import Unit

MEMBERS = "members.total"


@register(
    "members.recruitment_rate",
    _("Recruitment rate (members ÷ women aged 18+)"),
    "percent",
    reads=("members", "population"),
)
def recruitment_rate(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    from hoiso.targets.models import PopulationFigure

    # A value for every unit of the level open in the period: those are the units to answer for.
    members = REGISTRY[MEMBERS].compute(root, level, period)
    # The latest figure entered for a year up to the period's: 2 queries whatever the units.
    figures: dict[int, int] = {}
    for unit_id, count in (
        PopulationFigure.objects.filter(
            unit__path__startswith=root.path,
            unit__level=level_value(level),
            year__lte=period.start.year,
        )
        .order_by("unit_id", "year")
        .values_list("unit_id", "women_18_plus")
    ):
        figures[unit_id] = count
    out: dict[int, float | None] = {}
    for pk, n in members.items():
        women = figures.get(pk)
        out[pk] = round(100 * (n or 0) / women, 1) if women else None
    return out
