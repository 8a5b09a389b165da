"""Member counts per unit and month (MemberTally), so that member metrics need not scan members.

A member metric over a province of a million members reads a million index entries (about a
second); the tally answers it from one row per unit and month. It is rebuilt per province in the
background together with MemberStat (counting.stats), for the months from January of last year to
December of this year, and it is never read stale: every member write adds one to the province's
`MemberTallyState.changes` inside its own transaction, a rebuild records the value it started
from, and the metrics read the tally only while the two are equal (otherwise, and for months
outside the kept range, they count the members table as before).

Members are counted where they are placed now, as the metrics do. A member is present at the end
of month m when she joined before its end (or her join date is unknown) and is active, or left
after it; months are exact because periods always start on the first of a month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Case, Count, DateField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from hoiso.members.choices import Status
from hoiso.members.models import (
    SCOPE_COLUMN,
    Member,
    MemberTally,
    MemberTallyState,
    Placement,
    PlacementTally,
)
from hoiso.metrics.grouping import level_value
from hoiso.metrics.periods import Period, add_months
from hoiso.units.history import under
from hoiso.units.models import Level, Unit

BEFORE = dt.date(1900, 1, 1)  # bucket of dates before the kept months (and of unknown dates)
DIGITAL = Q(has_smartphone=True) | Q(uses_zalo=True) | Q(uses_facebook=True)


def mark_changed(province_id: int) -> None:
    """Record, in the caller's transaction, that members of the province changed."""
    if MemberTallyState.objects.filter(pk=province_id).update(changes=F("changes") + 1):
        return
    _, created = MemberTallyState.objects.get_or_create(
        province_id=province_id, defaults={"changes": 1}
    )
    if not created:
        MemberTallyState.objects.filter(pk=province_id).update(changes=F("changes") + 1)


def kept_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first month kept and the first month not kept: last year and this year."""
    return dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 1, 1)


def _bucket(field: str, first: dt.date, end: dt.date) -> Case:
    return Case(
        When(Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": first}), then=Value(BEFORE)),
        When(**{f"{field}__gte": end}, then=Value(end)),
        default=TruncMonth(field, output_field=DateField()),
        output_field=DateField(),
    )


def refresh_tally(province: Unit, today: dt.date | None = None) -> int:
    """Rebuild the province's tally; returns the number of rows written."""
    first, end = kept_months(today or timezone.localdate())
    n_months = (end.year - first.year) * 12 + end.month - first.month

    def index(month: dt.date) -> int:  # -1 before the kept months, n_months after them
        if isinstance(month, dt.datetime):  # PostgreSQL truncates a date to a timestamp
            month = month.date()
        if month < first:
            return -1
        return min(n_months, (month.year - first.year) * 12 + month.month - first.month)

    MemberTallyState.objects.get_or_create(province=province)  # committed before reading
    with transaction.atomic():
        started = MemberTallyState.objects.values_list("changes", flat=True).get(pk=province.pk)
        members = Member.objects.filter(province=province).order_by()
        digital = Case(When(DIGITAL, then=Value(1)), default=Value(0), output_field=IntegerField())
        place = ("commune_id", "branch_id", "group_id")
        size = n_months + 2  # index -1 .. n_months, shifted by one
        Key = tuple[int | None, int | None, int | None]
        enter: dict[Key, list[list[int]]] = defaultdict(lambda: [[0] * size, [0] * size])
        leave: dict[Key, list[list[int]]] = defaultdict(lambda: [[0] * size, [0] * size])
        removed: dict[Key, list[int]] = defaultdict(lambda: [0] * size)
        joined_rows = (
            members.annotate(_j=_bucket("join_date", first, end), _d=digital)
            .values(*place, "_j", "_d")
            .annotate(n=Count("pk"))
        )
        for r in joined_rows:
            key = (r["commune_id"], r["branch_id"], r["group_id"])
            enter[key][r["_d"]][index(r["_j"]) + 1] += r["n"]
        left_rows = (
            members.exclude(status=Status.ACTIVE)
            .annotate(
                _j=_bucket("join_date", first, end),
                _l=_bucket("status_since", first, end),
                _d=digital,
            )
            .values(*place, "_j", "_l", "_d")
            .annotate(n=Count("pk"))
        )
        for r in left_rows:
            key = (r["commune_id"], r["branch_id"], r["group_id"])
            j, gone = index(r["_j"]) + 1, index(r["_l"]) + 1
            # Present while joined <= month < left: one who "left" before joining never is.
            leave[key][r["_d"]][max(j, gone)] += r["n"]
            removed[key][gone] += r["n"]

        # Per unit: [joined, present, present_digital, removed] for each kept month.
        per_unit: dict[int, list[list[int]]] = {}
        for key in set(enter) | set(leave):
            ins, outs, left_in = enter[key], leave[key], removed[key]
            counts = []
            cum = [0, 0]  # present, present digital
            for i in range(size - 1):  # index -1 .. n_months - 1
                for d in (0, 1):
                    cum[d] += ins[d][i] - outs[d][i]
                if i == 0:
                    continue
                total_in = ins[0][i] + ins[1][i]
                counts.append([total_in, cum[0] + cum[1], cum[1], left_in[i]])
            for unit_id in (province.pk, *key):
                if unit_id is None:
                    continue
                into = per_unit.setdefault(unit_id, [[0, 0, 0, 0] for _ in range(n_months)])
                for m, row in enumerate(counts):
                    for k in range(4):
                        into[m][k] += row[k]
        levels = dict(Unit.objects.filter(pk__in=per_unit).values_list("pk", "level"))
        rows = []
        for unit_id, months in per_unit.items():
            for m, (joined, present, present_digital, gone_n) in enumerate(months):
                if joined or present or gone_n:
                    rows.append(
                        MemberTally(
                            province=province,
                            unit_id=unit_id,
                            level=levels.get(unit_id, 0),
                            month=add_months(first, m),
                            present=present,
                            present_digital=present_digital,
                            joined=joined,
                            removed=gone_n,
                        )
                    )
        MemberTally.objects.filter(province=province).delete()
        # Units that came from another province (a district moved between provinces, or moved
        # back) leave that province's rows behind until its own rebuild: theirs are replaced.
        moved_in = list(per_unit)
        for i in range(0, len(moved_in), 500):
            MemberTally.objects.filter(unit_id__in=moved_in[i : i + 500]).delete()
        MemberTally.objects.bulk_create(rows, batch_size=2000)
        refresh_placement_tally(province, first, end)
        MemberTallyState.objects.filter(pk=province.pk).update(
            built_from=started, first_month=first, end_month=end
        )
    return len(rows)


def refresh_placement_tally(province: Unit, first: dt.date, end: dt.date) -> int:
    """Rebuild the province's PlacementTally for the days from `first` to `end` (exclusive), in
    the caller's transaction: two grouped queries over its placements (their starts, their
    ends; those before `first` gathered on it), then cumulated per branch and path here.
    Returns the number of rows written."""
    placements = Placement.objects.filter(under(province.path)).order_by()

    def on_or_after_first(field: str) -> Case:
        return Case(
            When(**{f"{field}__lt": first}, then=Value(first)),
            default=F(field),
            output_field=DateField(),
        )

    deltas: dict[tuple[int, str], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for field, sign in (("valid_from", 1), ("valid_to", -1)):
        rows = (
            placements.filter(**{f"{field}__isnull": False, f"{field}__lt": end})
            .annotate(_d=on_or_after_first(field))
            .values_list("branch_id", "path", "_d")
            .annotate(n=Count("*"))
        )
        for branch_id, path, day, n in rows:
            if isinstance(day, dt.datetime):
                day = day.date()
            deltas[(branch_id, path)][day] += sign * n
    months = []
    month = first
    while month < end:
        months.append(month)
        month = add_months(month, 1)

    def row(branch_id: int, path: str, kind: int, day: dt.date, n: int) -> PlacementTally:
        return PlacementTally(
            province=province, branch_id=branch_id, path=path, kind=kind, day=day, n=n
        )

    out = []
    for (branch_id, path), changes in deltas.items():
        days = sorted(changes)
        cum, i = 0, 0
        for m in months:
            while i < len(days) and days[i] <= m:
                cum += changes[days[i]]
                i += 1
            if cum:
                out.append(row(branch_id, path, PlacementTally.MONTH, m, cum))
        out += [
            row(branch_id, path, PlacementTally.DAY, d, changes[d])
            for d in days
            if d.day != 1 and changes[d]
        ]
    PlacementTally.objects.filter(province=province).delete()
    PlacementTally.objects.bulk_create(out, batch_size=2000)
    return len(out)


def usable(root: Unit, level: int | str, period: Period) -> int | None:
    """The province whose current tally can answer (root, level, period), or None: one query."""
    if SCOPE_COLUMN.get(Level(level_value(level))) is None:
        return None
    state = (
        MemberTallyState.objects.filter(province__path__in=root.ancestor_paths)
        .values("province_id", "changes", "built_from", "first_month", "end_month")
        .first()
    )
    # A new year began since the rebuild: ask for one that keeps this year's months.
    if state is not None and state["end_month"] and state["end_month"] <= timezone.localdate():
        _queue_rebuild(int(state["province_id"]))
    if (
        state is None
        or state["changes"] != state["built_from"]
        or state["first_month"] is None
        or state["end_month"] is None
        or period.start < state["first_month"]
        or period.end > state["end_month"]
    ):
        return None
    return int(state["province_id"])


def _queue_rebuild(province_id: int) -> None:
    from hoiso.members.counting.stats import queue_recount  # stats rebuilds the tally

    queue_recount(province_id)


def at_end(province_id: int, level: int | str, period: Period) -> dict[int, tuple[int, int]]:
    """Members present at the period's end per unit of `level`: (all, with digital access)."""
    last = Period.containing("month", period.last_day).start
    rows = MemberTally.objects.filter(
        province_id=province_id, level=level_value(level), month=last
    ).values_list("unit_id", "present", "present_digital")
    return {unit_id: (n, d) for unit_id, n, d in rows}


def moves(province_id: int, level: int | str, period: Period) -> dict[int, tuple[int, int]]:
    """Members admitted and removed during the period per unit of `level`."""
    rows = (
        MemberTally.objects.filter(
            province_id=province_id,
            level=level_value(level),
            month__gte=period.start,
            month__lt=period.end,
        )
        .values("unit_id")
        .annotate(j=Sum("joined"), r=Sum("removed"))
        .order_by()
    )
    return {r["unit_id"]: (r["j"], r["r"]) for r in rows}
