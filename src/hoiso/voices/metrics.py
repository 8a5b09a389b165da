"""Concerns' metrics for targets and reports: how many were raised, and the share answered within
a week, per unit (where each was raised) and period (when it was raised)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hoiso.metrics.grouping import by_ancestor, count_per_unit, units_open
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import register
from hoiso.units.models import Unit
from hoiso.voices.models import Concern

READS = ("voices",)
ANSWER_WITHIN = dt.timedelta(days=7)


def raised_in(root: Unit, period: Period) -> QuerySet[Concern]:
    """Concerns raised in the root's subtree during the period (local days)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(period.start, dt.time(), zone)
    end = dt.datetime.combine(period.end, dt.time(), zone)
    rows = Concern.objects.filter(
        origin_path__startswith=root.path, created_at__gte=start, created_at__lt=end
    )
    province = root.province()
    return rows.filter(province=province) if province is not None else rows


@register("voices.raised", _("Members' concerns raised"), reads=READS)
def raised(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    return count_per_unit(raised_in(root, period), "origin_path", units_open(root, level, period))


@register(
    "voices.answered_within_week",
    _("Share of members' concerns answered within 7 days"),
    "percent",
    reads=READS,
)
def answered_within_week(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    units = units_open(root, level, period)
    counted = by_ancestor(
        raised_in(root, period),
        "origin_path",
        units,
        n=Count("*"),
        on_time=Count("pk", filter=Q(first_answer_at__lte=F("created_at") + ANSWER_WITHIN)),
    )
    return {
        u.pk: (100.0 * counted[u.pk]["on_time"] / counted[u.pk]["n"])
        if u.pk in counted and counted[u.pk]["n"]
        else None
        for u in units
    }
