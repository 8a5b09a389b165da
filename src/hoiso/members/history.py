"""Members through time: where each was an active member, day by day (Placement), and the
member counts of any day, on the boundaries of then or of now.

A placement is half-open, [valid_from, valid_to). An active member has exactly one open
placement; the services open, close and cut them (`place`, `unplace`, `replace`), the bulk writers
build theirs with `placement_rows`, and when units move (`units.history.reparent_many`) the
members of the moved subtrees follow through `follow_units`, registered as the units' hook. Where her branch
sat elsewhere in the tree over the span (its UnitSpans), a placement is cut along them, so that
its path is always the branch's path of then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from django.db import connection
from django.db.models import Case, DateField, F, Q, QuerySet, Sum, Value, When

from hoiso.members.counting import members_changed
from hoiso.members.models import (
    ImportStatus,
    Member,
    MemberTallyState,
    NameToken,
    Placement,
    PlacementTally,
    Transfer,
)
from hoiso.units.history import Move, on_day, path_on, under
from hoiso.units.models import SEGMENT_WIDTH, Level, Unit, UnitSpan

Boundaries = Literal["then", "now"]
THEN: Boundaries = "then"
NOW: Boundaries = "now"
# (path, valid_from, valid_to) of one span of a branch.
Span = tuple[str, dt.date, dt.date | None]


def province_of(path: str) -> int:
    """The province's id read off a path below it (its second segment)."""
    step = SEGMENT_WIDTH + 1
    return int(path[step : step + SEGMENT_WIDTH])


def branch_spans(branch_ids: Iterable[int]) -> dict[int, list[Span]]:
    """Each branch's spans, oldest first."""
    found: dict[int, list[Span]] = {}
    ids = sorted(set(branch_ids))
    for start in range(0, len(ids), 500):
        rows = UnitSpan.objects.filter(unit_id__in=ids[start : start + 500]).order_by(
            "unit_id", "valid_from"
        )
        for unit_id, path, vf, vt in rows.values_list("unit_id", "path", "valid_from", "valid_to"):
            found.setdefault(unit_id, []).append((path, vf, vt))
    return found


def pieces(spans: list[Span], start: dt.date, end: dt.date | None = None) -> Iterator[Span]:
    """[start, end) cut along the branch's spans: (path, from, to) of each piece. Days before the
    branch's first span are not covered (she cannot have been in a branch that did not exist);
    the last piece stays open when `end` is None, even past a closing of the branch."""
    live = [s for s in spans if s[2] is None or s[2] > s[1]]  # empty spans hold no day
    for i, (path, vf, vt) in enumerate(live):
        lo = max(start, vf)
        upto = None if i == len(live) - 1 else vt
        hi = upto if end is None else end if upto is None else min(upto, end)
        if hi is not None and hi <= lo:
            continue
        yield path, lo, hi


def placement_rows(
    *,
    member_id: int,
    branch_id: int,
    group_id: int | None,
    spans: list[Span],
    start: dt.date,
    end: dt.date | None = None,
    staged_by: Any = None,
) -> list[dict[str, Any]]:
    """The placement rows (as dicts of attribute names) of a stint [start, end) in a branch."""
    return [
        {
            "member_id": member_id,
            "branch_id": branch_id,
            "group_id": group_id,
            "province_id": province_of(path),
            "path": path,
            "valid_from": lo,
            "valid_to": hi,
            "staged_by_id": staged_by,
        }
        for path, lo, hi in pieces(spans, start, end)
    ]


# --- One member: the services' steps --------------------------------------------------------


def place(member: Member, on: dt.date) -> None:
    """Open her placement in her current branch and group from the day `on`."""
    rows = placement_rows(
        member_id=member.pk,
        branch_id=member.branch_id,
        group_id=member.group_id,
        spans=branch_spans([member.branch_id]).get(member.branch_id)
        or [(member.branch_path, on, None)],
        start=on,
    )
    Placement.objects.bulk_create([Placement(**row) for row in rows])


def unplace(member: Member, on: dt.date) -> None:
    """She is no longer active (or no longer where she was) from the day `on`: her placements
    end that day, and any that began on or after it go."""
    _truncate(Placement.objects.filter(member=member), on)


def replace(member: Member, on: dt.date) -> None:
    """She moved (her branch or group changed) on the day `on`."""
    unplace(member, on)
    place(member, on)


def reopen_day(member: Member, on: dt.date) -> dt.date:
    """The day a restored member's new placement starts: `on`, but never inside an earlier one."""
    last = (
        Placement.objects.filter(member=member, valid_to__isnull=False)
        .order_by("-valid_to")
        .values_list("valid_to", flat=True)
        .first()
    )
    return max(on, last) if last else on


def _truncate(placements: QuerySet[Placement], on: dt.date) -> None:
    placements.filter(valid_from__gte=on).delete()
    placements.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on)).update(valid_to=on)


# --- Many members: the tree's changes -----------------------------------------------------


def _insert_select(rows: QuerySet[Any], columns: Sequence[str]) -> int:
    """INSERT INTO placements (`columns`) SELECT `rows` (a values_list() queryset giving them
    in that order: model fields first, then any annotation): one statement for all rows."""
    sql, params = rows.query.sql_with_params()
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO "{Placement._meta.db_table}" ({names}) {sql}', params)
        return int(cursor.rowcount)


def placements_follow(move: Move) -> int:
    """Set-based: the open placements of the moved subtrees close on the move's day and the same
    ones open under the new paths from that day (those that began on or after it just change
    path). Returns how many open placements followed."""
    on = move.on
    open_rows = Placement.objects.filter(move.within("path"), valid_to__isnull=True)
    # The closed copies first (a closed row never meets the one-open-per-member rule), then
    # the open rows themselves take the new path and start.
    kept = ("member_id", "branch_id", "group_id", "province_id", "path", "valid_from")
    _insert_select(
        open_rows.filter(valid_from__lt=on)
        .order_by()
        .annotate(_to=Value(on, output_field=DateField()))
        .values_list(*kept, "staged_by_id", "_to"),
        [*kept, "staged_by_id", "valid_to"],
    )
    return open_rows.order_by().update(
        path=move.rewrite("path"),
        province_id=province_of(move.new_prefix),
        valid_from=_later("valid_from", on),
    )


def _later(column: str, on: dt.date) -> Any:
    return Case(When(**{f"{column}__lt": on}, then=Value(on)), default=F(column))


def _commune_of(path: str) -> int | None:
    step = SEGMENT_WIDTH + 1
    ancestors = [path[: i + step] for i in range(0, len(path), step)]
    return (
        Unit.objects.filter(path__in=ancestors, level=Level.COMMUNE)
        .values_list("pk", flat=True)
        .first()
    )


def follow_units(move: Move) -> None:
    """The units' hook (`units.history.on_subtree_moved`): subtrees moved (see Move); their
    members' placements, copies of their place (branch path, commune, province, also on their
    name-index rows) and waiting transfers' paths follow, a few statements for all of them."""
    placements_follow(move)
    members = Member._base_manager.filter(move.within("branch_path"))
    old_province, new_province = province_of(move.old_prefix), province_of(move.new_prefix)
    changes: dict[str, Any] = {"branch_path": move.rewrite("branch_path")}
    token_changes: dict[str, Any] = {}
    if old_province != new_province:
        changes["province_id"] = token_changes["province_id"] = new_province
    # The moved subtrees are siblings: one commune above all of them, before and after.
    old_commune, new_commune = _commune_of(move.old_prefix), _commune_of(move.new_prefix)
    if old_commune != new_commune and new_commune is not None:
        changes["commune_id"] = token_changes["commune_id"] = new_commune
    if token_changes:
        NameToken._base_manager.filter(member__in=members.values("pk")).update(**token_changes)
    members.update(**changes)
    for field in ("from_path", "to_path"):
        Transfer.objects.filter(move.within(field)).update(**{field: move.rewrite(field)})
    members_changed(old_province)
    if new_province != old_province:
        members_changed(new_province)


def move_members(member_qs: QuerySet[Member], branch: Unit, on: dt.date) -> int:
    """Set-based, for merges and splits: the given members now belong to `branch` (no group)
    from the day `on`: the active ones' placements end that day and reopen there; their branch,
    commune, province and path (and their name-index rows' copies) change. Returns how many
    members moved. The caller records the events and the audit."""
    if branch.level != Level.BRANCH:
        raise ValueError("move_members needs a branch")
    ids = member_qs.order_by().values("pk")
    old_provinces = set(member_qs.order_by().values_list("province_id", flat=True).distinct())
    province = province_of(branch.path)
    commune = _commune_of(branch.path)
    _truncate(Placement.objects.filter(member_id__in=ids), on)
    table, members = Placement._meta.db_table, Member._meta.db_table
    sub_sql, sub_params = (
        Member._base_manager.filter(pk__in=ids, status="active")
        .values("pk")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        for path, lo, hi in pieces(branch_spans([branch.pk]).get(branch.pk, []), on):
            cursor.execute(
                f'INSERT INTO "{table}" ("member_id", "branch_id", "group_id", "province_id", '
                '"path", "valid_from", "valid_to", "staged_by_id") '
                f'SELECT "id", %s, NULL, %s, %s, %s, %s, "staged_by_id" FROM "{members}" '
                f'WHERE "id" IN ({sub_sql})',
                [branch.pk, province_of(path), path, lo, hi, *sub_params],
            )
    NameToken._base_manager.filter(member__in=ids).update(commune_id=commune, province_id=province)
    moved = Member._base_manager.filter(pk__in=ids).update(
        branch_id=branch.pk,
        group_id=None,
        commune_id=commune,
        province_id=province,
        branch_path=branch.path,
    )
    for pk in old_provinces | {province}:
        members_changed(pk)
    return moved


# --- Counting ----------------------------------------------------------------------------------


def hidden_imports() -> list[Any]:
    """The imports whose members' placements no reader may count yet: still staged (the marks
    of a finished import's rows are cleared in short steps after it is published). Read from
    the partial index of marked placements: nothing to read, nearly always."""
    marked = list(
        Placement.objects.filter(staged_by__isnull=False)
        .order_by()
        .values_list("staged_by", flat=True)
        .distinct()
    )
    if not marked:
        return []
    from hoiso.members.models import MemberImport

    done = set(
        MemberImport.objects.filter(pk__in=marked, status=ImportStatus.DONE).values_list(
            "pk", flat=True
        )
    )
    return [pk for pk in marked if pk not in done]


def visible_placements() -> QuerySet[Placement]:
    """Placements every reader may count: not those of an import's members still staged."""
    hidden = hidden_imports()
    placements = Placement.objects.all()
    return placements.exclude(staged_by__in=hidden) if hidden else placements


def _count(rows: QuerySet[Placement], hidden: list[Any] | None = None) -> int:
    """How many visible placements among `rows`: all of them from the index alone, less the few
    staged ones (the visibility test would otherwise read every row)."""
    total = rows.count()
    hidden = hidden_imports() if hidden is None else hidden
    if hidden:
        total -= rows.filter(staged_by__in=hidden).count()
    return total


def branches_now(unit: Unit) -> set[int]:
    """The branches that are today in the unit's subtree: its open ones, and the closed ones
    whose place today (through their successors, or else their parent's) lies in it."""
    found = set(
        Unit.objects.filter(
            path__startswith=unit.path, level=Level.BRANCH, valid_to__isnull=True
        ).values_list("pk", flat=True)
    )
    found |= {b for b, path in closed_branches_today().items() if path.startswith(unit.path)}
    return found


def closed_branches_today() -> dict[int, str]:
    """Each closed branch and the path of the place it lies in today: its successor's (the
    common part of its successors' when it was split), or else its parent's."""
    if not Unit.objects.filter(level=Level.BRANCH, valid_to__isnull=False).exists():
        return {}  # the common case, in one indexed look
    closed = {
        pk: (path, parent)
        for pk, path, parent in Unit.objects.filter(valid_to__isnull=False).values_list(
            "pk", "path", "parent_id"
        )
    }
    if not closed:
        return {}
    # A link row reads "from_unit has to_unit among its predecessors". Successors may be
    # closed in turn: they are followed.
    successors: dict[int, list[str]] = {}
    succ_ids: dict[int, list[int]] = {}
    links = Unit.predecessors.through.objects.filter(to_unit__valid_to__isnull=False)
    for pred, succ, path in links.values_list("to_unit_id", "from_unit_id", "from_unit__path"):
        successors.setdefault(pred, []).append(path)
        succ_ids.setdefault(pred, []).append(succ)
    parents = dict(
        Unit.objects.filter(pk__in={p for _path, p in closed.values() if p}).values_list(
            "pk", "path"
        )
    )
    memo: dict[int, str] = {}

    def today(pk: int, depth: int = 0) -> str:
        if pk in memo:
            return memo[pk]
        path, parent = closed[pk]
        result = path
        if depth < 50:
            if pk in succ_ids:
                places = [today(s, depth + 1) if s in closed else None for s in succ_ids[pk]]
                paths = [p or q for p, q in zip(places, successors[pk], strict=True)]
                result = _common(paths)
            elif parent in closed:
                result = today(parent, depth + 1)
            elif parent is not None:
                result = parents.get(parent, path)
        memo[pk] = result
        return result

    levels = dict(Unit.objects.filter(pk__in=list(closed)).values_list("pk", "level"))
    return {pk: today(pk) for pk in closed if levels[pk] == Level.BRANCH}


def _common(paths: list[str]) -> str:
    """The path of the lowest unit above (or equal to) all of them."""
    step = SEGMENT_WIDTH + 1
    first = paths[0]
    n = 0
    while n + step <= len(first) and all(p[: n + step] == first[: n + step] for p in paths):
        n += step
    return first[:n]


def _tally_current(provinces: set[int], day: dt.date) -> bool:
    """The PlacementTally of every one of these provinces is current and keeps the day's month,
    and no import's placements are hidden (the tally counts every placement)."""
    month = day.replace(day=1)
    states = list(
        MemberTallyState.objects.filter(province_id__in=provinces).values_list(
            "changes", "built_from", "first_month", "end_month"
        )
    )
    return (
        bool(provinces)
        and len(states) == len(provinces)
        and all(
            changes == built and first is not None and end is not None and first <= month < end
            for changes, built, first, end in states
        )
        and not hidden_imports()
    )


def _from_tally(rows: QuerySet[PlacementTally], day: dt.date) -> int:
    """Active placements among `rows` on the day: its month's first-day rows, and the changes
    of the days after that, up to the day."""
    month = day.replace(day=1)
    # Two queries, each one index range (an OR of the two would read both kinds' rows).
    first = rows.filter(kind=PlacementTally.MONTH, day=month)
    after = rows.filter(kind=PlacementTally.DAY, day__gt=month, day__lte=day)
    return sum(int(q.order_by().aggregate(n=Sum("n"))["n"] or 0) for q in (first, after))


def count_under(root: str, day: dt.date) -> int:
    """Active members on the day placed under the path `root` (a unit's path of that day)."""
    step = SEGMENT_WIDTH + 1
    if len(root) > step:  # below the central union: within one province
        province = province_of(root)
        if _tally_current({province}, day):
            tally = PlacementTally.objects.filter(province_id=province).filter(under(root))
            return _from_tally(tally, day)
    return _count(Placement.objects.filter(on_day(day), under(root)))


def count_in_branches(branch_ids: set[int], day: dt.date) -> int:
    """Active members on the day placed in these branches (wherever they sat then)."""
    ids = sorted(branch_ids)
    chunks = [ids[i : i + 500] for i in range(0, len(ids), 500)]
    # The provinces the branches lay in from the first of the day's month to the day: their
    # placements' rows are summed from that first day on.
    month = day.replace(day=1)
    spans = UnitSpan.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=month), valid_from__lte=day
    ).order_by()
    provinces = {
        province_of(path)
        for chunk in chunks
        for path in spans.filter(unit_id__in=chunk).values_list("path", flat=True).distinct()
    }
    if _tally_current(provinces, day):
        # Only those provinces' rows: another's (stale, or of other days) are not these days'.
        tally = PlacementTally.objects.filter(province_id__in=provinces)
        return sum(_from_tally(tally.filter(branch_id__in=chunk), day) for chunk in chunks)
    hidden = hidden_imports()
    placements = Placement.objects.filter(on_day(day))
    return sum(_count(placements.filter(branch_id__in=chunk), hidden) for chunk in chunks)


def active_count_on(unit: Unit, day: dt.date, boundaries: Boundaries = NOW) -> int:
    """Active members on the day in the unit. "then": placed that day under the unit's path of
    that day (0 when the unit did not exist); "now": placed that day in a branch that is today
    (following closed units' successors) in the unit. Read from the placements' tally while it
    is current (see PlacementTally), else from the placements."""
    root = path_on(unit, day)
    if boundaries == THEN:
        if root is None:
            return 0
        return count_under(root, day)
    now = branches_now(unit)
    if root is not None:
        then = set(
            UnitSpan.objects.filter(on_day(day), under(root), unit__level=Level.BRANCH).values_list(
                "unit_id", flat=True
            )
        )
        existed = set(
            UnitSpan.objects.filter(on_day(day), unit__in=now).values_list("unit_id", flat=True)
        ) if len(now) < 20_000 else now  # fmt: skip
        if then == existed:
            # Nothing has come in or gone out since: the same members as on that day's tree.
            return count_under(root, day)
    return count_in_branches(now, day)


def backdate_placements(branch_ids: list[int], since: dt.date) -> int:
    """The reform's hook (`units.reform.on_branches_backdated`): branches now have a place
    before 1 July 2025; their members who were already active then get placements there, from
    when they became active (not before `since`) to the reform. Returns how many were added."""
    from hoiso.units.models import REFORM_DAY

    table, members = Placement._meta.db_table, Member._meta.db_table
    start = (
        'CASE WHEN m."status" = \'active\' THEN COALESCE(m."status_since", m."join_date") '
        'ELSE m."join_date" END'
    )
    added = 0
    spans = branch_spans(branch_ids)
    with connection.cursor() as cursor:
        for branch_id in branch_ids:
            for path, lo, hi in pieces(spans.get(branch_id, []), since, REFORM_DAY):
                cursor.execute(
                    f'INSERT INTO "{table}" ("member_id", "branch_id", "group_id", '
                    '"province_id", "path", "valid_from", "valid_to", "staged_by_id") '
                    f'SELECT p."member_id", p."branch_id", p."group_id", %s, %s, '
                    f'CASE WHEN {start} > %s THEN {start} ELSE %s END, %s, p."staged_by_id" '
                    f'FROM "{table}" p JOIN "{members}" m ON m."id" = p."member_id" '
                    'WHERE p."branch_id" = %s AND p."valid_from" = %s '
                    f"AND {start} < %s "
                    f'AND NOT EXISTS (SELECT 1 FROM "{table}" q '
                    'WHERE q."member_id" = p."member_id" AND q."valid_from" < %s)',
                    [province_of(path), path, lo, lo, hi, branch_id, REFORM_DAY, hi, REFORM_DAY],
                )
                added += cursor.rowcount
    for province in {province_of(p) for s in spans.values() for p, _f, _t in s}:
        members_changed(province)
    return added


def children_counts_on(
    unit: Unit, day: dt.date, boundaries: Boundaries = NOW
) -> list[tuple[Unit | UnitSpan, int]]:
    """The units just below `unit` with their active members on the day: on the boundaries of
    then, the units below it that day (their spans, with the names of then); on today's, its
    children today (those open then or now). Two grouped queries."""
    from django.db.models import Count

    from hoiso.metrics.grouping import UnitRef, by_ancestor

    hidden = hidden_imports()
    placements = Placement.objects.filter(on_day(day)).exclude(staged_by__in=hidden)
    if boundaries == THEN:
        root = path_on(unit, day)
        if root is None:
            return []
        spans = list(
            UnitSpan.objects.filter(on_day(day), parent=unit)
            .select_related("unit")
            .order_by("name")
        )
        refs = [UnitRef(s.unit_id, s.path) for s in spans]
        rows = by_ancestor(placements.filter(under(root)), "path", refs, n=Count("*"))
        return [(s, rows[s.unit_id]["n"] if s.unit_id in rows else 0) for s in spans]
    children = list(
        Unit.objects.filter(parent=unit).filter(Q(valid_to__isnull=True)).order_by("name")
    )
    per_branch: dict[int, int] = {}
    ids = sorted(branches_now(unit))
    for i in range(0, len(ids), 500):
        grouped = (
            placements.filter(branch_id__in=ids[i : i + 500])
            .order_by()
            .values("branch_id")
            .annotate(n=Count("*"))
        )
        per_branch.update({r["branch_id"]: r["n"] for r in grouped})
    closed = closed_branches_today()
    paths = dict(Unit.objects.filter(pk__in=list(per_branch)).values_list("pk", "path"))
    totals = {c.pk: 0 for c in children}
    for branch_id, n in per_branch.items():
        where = closed.get(branch_id, paths.get(branch_id, ""))
        for c in children:
            if where.startswith(c.path):
                totals[c.pk] += n
                break
    return [(c, totals[c.pk]) for c in children]
