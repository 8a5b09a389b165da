"""Recruitment rate: members ÷ women aged 18+, where a cadre has entered that figure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hoiso.targets.metrics import Period, level_value, register, units_open
from hoiso.units.models import Unit


@register("members.recruitment_rate", _("Recruitment rate (members ÷ women aged 18+)"), "percent")
def recruitment_rate(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    from hoiso.members.metrics import members_at_end
    from hoiso.targets.models import PopulationFigure

    units = units_open(root, level, period)
    members = members_at_end(root, level, period, units)
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
    for u in units:
        women = figures.get(u.pk)
        out[u.pk] = round(100 * members.get(u.pk, 0) / women, 1) if women else None
    return out
