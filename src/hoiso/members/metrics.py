"""Member metrics for targets: members at the period's end, admitted, removed, net change, and the
share with digital access. One grouped query over the subtree's members per metric.

While the province's member tally is current (members.counting.tally), the counts come from it: one row per
unit and month instead of a scan of the members. Members are counted where they are now placed (a member transferred mid-period counts for her new
branch); status changes are dated, so removals and admissions fall in the period they happened.
Periods measured on units that have closed since (the years before the 2025 reform) count
members where their placements were then (members.history), on the units of then.

A period may name its boundaries (`Period.boundaries`): "then" counts a past period's members
where their placements were on its last day, on the units open in it; "now" counts the same
placements in the units their branches belong to today (a merged commune's members in the
commune that took it over), on today's units. For the period running today both read the
members as they are, from the tally.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoiso.members.choices import FOREIGN, KINH, Religion, Status
from hoiso.members.counting import tally
from hoiso.members.history import NOW, THEN, closed_branches_today, visible_placements
from hoiso.members.models import SCOPE_COLUMN, Member, Placement, scope_q
from hoiso.metrics.grouping import UnitRef, by_ancestor, level_value, units_open
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import LOWER, register
from hoiso.units.history import on_day
from hoiso.units.models import Level, Unit

# Every member metric reads the members, which every member write bumps (members_changed).
READS = ("members",)


def _per_unit(
    level: int, units: list[UnitRef], rows: QuerySet[Any], **aggregates: Any
) -> dict[int, dict[str, Any]]:
    """Aggregate members per unit of `level`: by the indexed placement column where there is one."""
    column = SCOPE_COLUMN.get(Level(level_value(level)))
    if column is None:
        return by_ancestor(rows, "branch_path", units, **aggregates)
    wanted = {u.pk for u in units}
    grouped = rows.order_by().values(f"{column}_id").annotate(**aggregates)
    return {r.pop(f"{column}_id"): r for r in grouped if r[f"{column}_id"] in wanted}


def _subtree(root: Unit) -> QuerySet[Member]:
    return Member.objects.filter(scope_q(root))


def _present_at_end(period: Period) -> Q:
    """A member on the period's last day: joined before its end, not gone before its end."""
    joined = Q(join_date__isnull=True) | Q(join_date__lt=period.end)
    staying = Q(status=Status.ACTIVE) | Q(status_since__gte=period.end)
    return joined & staying


def _then(units: list[UnitRef]) -> bool:
    """Units of then among them (closed since, e.g. before the 2025 reform): members are counted
    where their placements were (members.history), not where they are now."""
    return any(u.closed for u in units)


def _mode(units: list[UnitRef], period: Period) -> str:
    """How a metric counts the period's members: "then" (placements, on the units of then),
    "now" (placements, on today's units) or "members" (the members as they are, or the tally)."""
    running = period.last_day >= timezone.localdate()
    if period.boundaries == NOW and not running:
        return NOW
    if period.boundaries == THEN and not running:
        return THEN
    if period.boundaries == NOW:
        return "members"  # today's members on today's units (see _units)
    return THEN if _then(units) else "members"


def _units(root: Unit, level: int, period: Period) -> tuple[list[UnitRef], str]:
    """The units a metric gives values for, and how it counts (`_mode`): on today's boundaries,
    the units of the level open today."""
    units = units_open(root, level, period)
    if period.boundaries == NOW:
        today = timezone.localdate()
        units = [
            UnitRef(pk, path)
            for pk, path in Unit.objects.within(root)
            .filter(level=level_value(level), valid_from__lte=today, valid_to__isnull=True)
            .values_list("pk", "path")
        ]
    return units, _mode(units, period)


def _per_unit_now(
    root: Unit, units: list[UnitRef], rows: QuerySet[Placement], **aggregates: Any
) -> dict[int, dict[str, int]]:
    """Aggregate placements per unit of today: grouped by branch (one query), each branch's
    figures going to the unit its branch lies in today (a closed branch: its successor's place)."""
    closed = {b: p for b, p in closed_branches_today().items() if p.startswith(root.path)}
    inside = Q(branch__path__startswith=root.path, branch__valid_to__isnull=True)
    if closed:
        inside |= Q(branch_id__in=list(closed))
    grouped = rows.filter(inside).order_by().values("branch_id", "branch__path")
    by_width: dict[int, dict[str, int]] = {}
    for u in units:
        by_width.setdefault(len(u.path), {})[u.path] = u.pk
    out: dict[int, dict[str, int]] = {}
    for row in grouped.annotate(**aggregates):
        where = closed.get(row.pop("branch_id"), row.pop("branch__path"))
        pk = next((m[where[:w]] for w, m in by_width.items() if where[:w] in m), None)
        if pk is None:
            continue
        into = out.setdefault(pk, dict.fromkeys(aggregates, 0))
        for k in aggregates:
            into[k] += row[k]
    return out


def _placed(root: Unit, day: Any) -> QuerySet[Placement]:
    return visible_placements().filter(on_day(day), path__startswith=root.path)


def _last_day(period: Period) -> Any:
    return period.end - dt.timedelta(days=1)


def members_at_end(
    root: Unit, level: int, period: Period, units: list[UnitRef] | None = None
) -> dict[int, int]:
    if units is None:
        units, mode = _units(root, level, period)
    else:
        mode = _mode(units, period)
    if mode == THEN:
        rows = by_ancestor(_placed(root, _last_day(period)), "path", units, n=Count("pk"))
        return {u.pk: rows[u.pk]["n"] if u.pk in rows else 0 for u in units}
    if mode == NOW:
        on_day_ = visible_placements().filter(on_day(_last_day(period)))
        rows = _per_unit_now(root, units, on_day_, n=Count("pk"))
        return {u.pk: rows[u.pk]["n"] if u.pk in rows else 0 for u in units}
    province_id = tally.usable(root, level, period)
    if province_id is not None:
        kept = tally.at_end(province_id, level, period)
        return {u.pk: kept[u.pk][0] if u.pk in kept else 0 for u in units}
    rows = _per_unit(level, units, _subtree(root).filter(_present_at_end(period)), n=Count("pk"))
    return {u.pk: rows[u.pk]["n"] if u.pk in rows else 0 for u in units}


@register("members.total", _("Members at the end of the period"), reads=READS)
def total(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    return {k: float(v) for k, v in members_at_end(root, level, period).items()}


def _moves(
    root: Unit, level: int, period: Period
) -> tuple[list[UnitRef], dict[int, dict[str, Any]]]:
    units, mode = _units(root, level, period)
    if mode == THEN:
        return units, _moves_then(root, period, units)
    if mode == NOW:
        return units, _moves_now(root, period, units)
    province_id = tally.usable(root, level, period)
    if province_id is not None:
        kept = tally.moves(province_id, level, period)
        return units, {pk: {"new": j, "removed": r} for pk, (j, r) in kept.items()}
    joined = Q(join_date__gte=period.start, join_date__lt=period.end)
    left = Q(
        status__in=[Status.REMOVED, Status.DECEASED],
        status_since__gte=period.start,
        status_since__lt=period.end,
    )
    rows = _per_unit(
        level,
        units,
        _subtree(root).filter(joined | left),
        new=Count("pk", filter=joined),
        removed=Count("pk", filter=left),
    )
    return units, rows


def _joined_left(period: Period) -> tuple[Q, Q]:
    """Placements that began on the member's join date in the period, and those that ended on
    the day she left, in the period."""
    joined = Q(valid_from__gte=period.start, valid_from__lt=period.end) & Q(
        valid_from=F("member__join_date")
    )
    left = Q(
        valid_to__gte=period.start,
        valid_to__lt=period.end,
        valid_to=F("member__status_since"),
        member__status__in=[Status.REMOVED, Status.DECEASED],
    )
    return joined, left


def _moves_now(root: Unit, period: Period, units: list[UnitRef]) -> dict[int, dict[str, Any]]:
    """Admissions and departures of the period, in the units their branches belong to today."""
    joined, left = _joined_left(period)
    return _per_unit_now(
        root,
        units,
        visible_placements().filter(joined | left),
        new=Count("pk", filter=joined),
        removed=Count("pk", filter=left),
    )


def _moves_then(root: Unit, period: Period, units: list[UnitRef]) -> dict[int, dict[str, Any]]:
    """Admissions and departures where the member was placed when they happened: a placement
    that began on her join date, one that ended on the day she left."""
    placements = visible_placements().filter(path__startswith=root.path)
    joined, left = _joined_left(period)
    return by_ancestor(
        placements.filter(joined | left),
        "path",
        units,
        new=Count("pk", filter=joined),
        removed=Count("pk", filter=left),
    )


@register("members.new", _("New members admitted"), reads=READS)
def new(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    units, rows = _moves(root, level, period)
    return {u.pk: float(rows[u.pk]["new"]) if u.pk in rows else 0.0 for u in units}


@register("members.removed", _("Members who left (removed or deceased)"), better=LOWER, reads=READS)
def removed(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    units, rows = _moves(root, level, period)
    return {u.pk: float(rows[u.pk]["removed"]) if u.pk in rows else 0.0 for u in units}


@register("members.change", _("Change in members (admitted − left)"), reads=READS)
def change(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    units, rows = _moves(root, level, period)
    return {
        u.pk: float(rows[u.pk]["new"] - rows[u.pk]["removed"]) if u.pk in rows else 0.0
        for u in units
    }


@register(
    "members.digital_share", _("Share of members with digital access"), "percent", reads=READS
)
def digital_share(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    """Members with a smartphone, Zalo or Facebook, as a percentage of members at the end."""
    units, mode = _units(root, level, period)
    if mode in (THEN, NOW):
        digital_then = (
            Q(member__has_smartphone=True)
            | Q(member__uses_zalo=True)
            | Q(member__uses_facebook=True)
        )
        counts = {"n": Count("pk"), "digital": Count("pk", filter=digital_then)}
        if mode == THEN:
            placed = by_ancestor(_placed(root, _last_day(period)), "path", units, **counts)
        else:
            on_day_ = visible_placements().filter(on_day(_last_day(period)))
            placed = _per_unit_now(root, units, on_day_, **counts)
        return {
            u.pk: round(100 * placed[u.pk]["digital"] / placed[u.pk]["n"], 1)
            if u.pk in placed and placed[u.pk]["n"]
            else None
            for u in units
        }
    province_id = tally.usable(root, level, period)
    if province_id is not None:
        kept = tally.at_end(province_id, level, period)
        return {
            u.pk: round(100 * kept[u.pk][1] / kept[u.pk][0], 1)
            if u.pk in kept and kept[u.pk][0]
            else None
            for u in units
        }
    digital = tally.DIGITAL
    rows = _per_unit(
        level,
        units,
        _subtree(root).filter(_present_at_end(period)),
        n=Count("pk"),
        digital=Count("pk", filter=digital),
    )
    out: dict[int, float | None] = {}
    for u in units:
        row = rows.get(u.pk)
        out[u.pk] = round(100 * row["digital"] / row["n"], 1) if row and row["n"] else None
    return out


def _at_end_where(
    root: Unit, level: int, period: Period, lookup: str, value: Any
) -> dict[int, float | None]:
    """Members at the end of the period whose own field answers `lookup=value`, per unit: on the
    boundaries the period asks for, as `members_at_end` counts them."""
    units, mode = _units(root, level, period)
    member, placed = Q(**{lookup: value}), Q(**{f"member__{lookup}": value})
    if mode == THEN:
        rows = by_ancestor(_placed(root, _last_day(period)).filter(placed), "path", units,
                           n=Count("pk"))  # fmt: skip
    elif mode == NOW:
        on_day_ = visible_placements().filter(on_day(_last_day(period))).filter(placed)
        rows = _per_unit_now(root, units, on_day_, n=Count("pk"))
    else:
        present = _subtree(root).filter(_present_at_end(period)).filter(member)
        rows = _per_unit(level, units, present, n=Count("pk"))
    return {u.pk: float(rows[u.pk]["n"]) if u.pk in rows else 0.0 for u in units}


@register("members.ethnic_minority", _("Ethnic-minority members at the end of the period"),
          reads=READS)  # fmt: skip
def ethnic_minority(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    """Members of the 53 groups besides the Kinh (neither foreigners nor those not recorded)."""
    return _at_end_where(root, level, period, "ethnicity__range", (KINH + 1, FOREIGN - 1))


@register("members.religious", _("Members who follow a religion, at the end of the period"),
          reads=READS)  # fmt: skip
def religious(root: Unit, level: int, period: Period) -> dict[int, float | None]:
    return _at_end_where(root, level, period, "religion__gt", Religion.NONE)
