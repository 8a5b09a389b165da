"""Metrics of activities, branch life, training and equipment, for the target registry.

Every compute function has the registry's signature `compute(root, level, period)`: a value for
every unit of `level` in `root`'s subtree that was open at some time during the period, None
where it cannot be computed (nothing to divide by). Rows are grouped by the ancestor at `level`
through the path prefix (a unit of a given level has a path of fixed length), so each function
runs a fixed number of queries whatever the number of units. Shares are percentages (0–100).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.activities import tally
from hoiso.activities.choices import COMPUTER_KINDS, PROFICIENT, ActivityKind, EquipmentState, Topic
from hoiso.activities.models import (
    Activity,
    DuesPayment,
    DuesTally,
    Equipment,
    ModelBranchRule,
    RollTally,
    Trainee,
)
from hoiso.members.choices import DigitalSkill, Status
from hoiso.members.models import Member
from hoiso.metrics.registry import LOWER, register
from hoiso.units.models import Level, Unit, today

Values = dict[int, float | None]
Compute = Callable[[Unit, str, Any], Values]

# The model-branch thresholds until the province sets its own (percent).
DEFAULT_RULE = (85, 85, 100)
# Roles that make a user a grassroots cadre when held at a commune or below.
CADRE_ROLES = (Role.UNIT_ADMIN, Role.CADRE, Role.BRANCH_HEAD)


class PeriodLike(Protocol):
    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...


@dataclass(frozen=True)
class Span:
    """A stretch of days, end exclusive: the pages' own period (the registry has its Period)."""

    start: dt.date
    end: dt.date


def as_level(level: str | int) -> Level:
    """A level from its name ("commune"), its number, or its number as text."""
    if isinstance(level, int):
        return Level(level)
    if level.isdigit():
        return Level(int(level))
    return Level[level.upper()]


class UnitLike(Protocol):
    """What metrics and branch-life lines read of a unit: a Unit, or a UnitRow."""

    @property
    def pk(self) -> Any: ...
    @property
    def path(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class UnitRow:
    """A unit's fields as metrics read them: a province's 5,000 branches load as rows in a
    quarter of the time model instances take."""

    pk: int
    path: str
    level: int
    code: str
    name: str


def open_units(root: Unit, level: str | int, period: PeriodLike) -> list[UnitRow]:
    """Units of `level` in root's subtree open at some time during the period."""
    rows = (
        Unit.objects.within(root)
        .filter(level=as_level(level), valid_from__lt=period.end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period.start))
        .order_by("path")
        .values_list("pk", "path", "level", "code", "name")
    )
    return [UnitRow(*row) for row in rows]


def _grouped(
    qs: QuerySet[Any], path_field: str, units: Sequence[UnitLike], **aggregates: Any
) -> dict:
    """Sums of `qs`'s aggregates (counts and sums) per unit's path, in one query.

    The database groups by the rows' own path, which its index orders (cheaper than grouping by
    a computed prefix); the few thousand groups are then added up under each unit's prefix.
    """
    out: dict[str, dict[str, Any]] = {u.path: dict.fromkeys(aggregates, 0) for u in units}
    if not units:
        return out
    widths = sorted({len(u.path) for u in units})
    rows = qs.values(path_field).annotate(**aggregates).order_by()
    for row in rows:
        path = row[path_field]
        for width in widths:
            bucket = out.get(path[:width])
            if bucket is not None:
                for name in aggregates:
                    bucket[name] += row[name] or 0
    return out


def share(part: float, whole: float) -> float | None:
    """Percent of `whole` that `part` is; None when there is nothing to count."""
    return 100.0 * part / whole if whole else None


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of a local day, for comparing datetimes against period bounds."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


# --- activities -------------------------------------------------------------------------------


def _activities(root: Unit, period: PeriodLike) -> QuerySet[Activity]:
    return Activity.objects.filter(
        unit_path__startswith=root.path, on__gte=period.start, on__lt=period.end
    )


def activities_count(kind: str | None = None) -> Compute:
    """A compute function: the number of activities (of one kind, or all) held in each unit."""

    def compute(root: Unit, level: str, period: PeriodLike) -> Values:
        units = open_units(root, level, period)
        qs = _activities(root, period)
        if kind:
            qs = qs.filter(kind=kind)
        counts = _grouped(qs, "unit_path", units, n=Count("pk"))
        return {u.pk: float(counts.get(u.path, {}).get("n", 0)) for u in units}

    compute.__name__ = f"activities_{kind or 'total'}"
    return compute


# One function per kind, for the registry: "activities.meeting", "activities.digital_skills"…
ACTIVITIES_BY_KIND: dict[str, Compute] = {k.value: activities_count(k.value) for k in ActivityKind}
activities_total = activities_count(None)


def _counted_level(level: Level) -> Level:
    """Which units a "units that…" metric counts: communes for a commune or above."""
    return max(level, Level.COMMUNE)


def digital_skills_held(minimum: int = 1) -> Compute:
    """A compute function: the share of communes (or, below them, units) in each unit's subtree
    that held at least `minimum` digital-skills activities during the period."""

    def compute(root: Unit, level: str, period: PeriodLike) -> Values:
        lvl = as_level(level)
        units = open_units(root, lvl, period)
        counted = open_units(root, _counted_level(lvl), period)
        qs = _activities(root, period).filter(kind=ActivityKind.DIGITAL_SKILLS)
        held = _grouped(qs, "unit_path", counted, n=Count("pk"))
        ok = {c.path for c in counted if held.get(c.path, {}).get("n", 0) >= minimum}
        return _share_of_counted(units, counted, ok)

    compute.__name__ = f"digital_skills_held_{minimum}"
    return compute


def _inside(units: Sequence[UnitLike], counted: Iterable[UnitLike]) -> dict[str, list[UnitLike]]:
    """The counted units under each unit, by path prefix (no unit-by-unit scan)."""
    out: dict[str, list[UnitLike]] = {u.path: [] for u in units}
    widths = {len(u.path) for u in units}
    for c in counted:
        for w in widths:
            if c.path[:w] in out:
                out[c.path[:w]].append(c)
    return out


def _share_of_counted(
    units: Sequence[UnitLike], counted: Sequence[UnitLike], ok: set[str]
) -> Values:
    inside = _inside(units, counted)
    return {
        u.pk: share(sum(c.path in ok for c in inside[u.path]), len(inside[u.path])) for u in units
    }


digital_skills_communes = digital_skills_held(1)


# --- training ---------------------------------------------------------------------------------


def _cadres(root: Unit, period: PeriodLike) -> list[tuple[int, str]]:
    """(user, unit path) of every full-time cadre's assignment at a commune or below in the
    subtree by the period end ("cán bộ chuyên trách cơ sở": branch heads are volunteers)."""
    return list(
        Assignment.objects.filter(
            unit__path__startswith=root.path,
            unit__level__gte=Level.COMMUNE,
            full_time=True,
            created_at__lt=_local_midnight(period.end),
            user__is_active=True,
        )
        .filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=period.start))
        .values_list("user_id", "unit__path")
    )


def _cadre_share(root: Unit, level: str, period: PeriodLike, proficient: bool) -> Values:
    units = open_units(root, level, period)
    cadres = _cadres(root, period)
    done = Trainee.objects.filter(
        user_id__in={user for user, _path in cadres},
        course__topic=Topic.MEMBER_SOFTWARE,
        course__ends_on__lt=period.end,
        completed=True,
    )
    if proficient:
        done = done.filter(result__gte=PROFICIENT)
    trained = set(done.values_list("user_id", flat=True))
    users: dict[str, set[int]] = {u.path: set() for u in units}
    widths = {len(u.path) for u in units}
    for user, path in cadres:
        for w in widths:
            if path[:w] in users:
                users[path[:w]].add(user)
    return {u.pk: share(len(users[u.path] & trained), len(users[u.path])) for u in units}


def cadres_trained(root: Unit, level: str, period: PeriodLike) -> Values:
    """Share of full-time grassroots cadres who completed a member-software course by the
    period's end."""
    return _cadre_share(root, level, period, proficient=False)


def cadres_proficient(root: Unit, level: str, period: PeriodLike) -> Values:
    """Share of full-time grassroots cadres assessed proficient in the member software by the
    period's end."""
    return _cadre_share(root, level, period, proficient=True)


# --- branch life ------------------------------------------------------------------------------


def _attendance(
    root: Unit, units: Sequence[UnitLike], period: PeriodLike
) -> dict[str, float | None]:
    """Present / on the list, over the branch meetings of the period whose attendance was taken."""
    meetings = _activities(root, period).filter(kind=ActivityKind.MEETING, attendance_taken__gt=0)
    rows = _grouped(
        meetings, "unit_path", units, present=Sum("participants"), total=Sum("attendance_taken")
    )
    return {
        u.path: share(rows.get(u.path, {}).get("present", 0), rows.get(u.path, {}).get("total", 0))
        for u in units
    }


def attendance_rate(root: Unit, level: str, period: PeriodLike) -> Values:
    """Share of members present at the branch meetings held during the period."""
    units = open_units(root, level, period)
    rates = _attendance(root, units, period)
    return {u.pk: rates[u.path] for u in units}


def quarters_due(period: PeriodLike, on: dt.date | None = None) -> list[dt.date]:
    """First days of the quarters that overlap the period and have begun by `on` (today)."""
    on = on or today()
    first = dt.date(period.start.year, 3 * ((period.start.month - 1) // 3) + 1, 1)
    out = []
    while first < period.end and first <= on:
        out.append(first)
        month = first.month + 3
        first = dt.date(first.year + (month > 12), (month - 1) % 12 + 1, 1)
    return out


def _members(root: Unit, period: PeriodLike) -> QuerySet[Member]:
    """Active members of the subtree who had joined by the period's end."""
    return Member.objects.filter(branch_path__startswith=root.path, status=Status.ACTIVE).filter(
        Q(join_date__isnull=True) | Q(join_date__lt=period.end)
    )


def _member_units(units: Sequence[UnitLike]) -> Sequence[UnitLike]:
    # Members carry their branch's path: below a branch they cannot be grouped by it.
    return [u for u in units if u.level <= Level.BRANCH]


def _roll(root: Unit, grouped: Sequence[UnitLike], period: PeriodLike, state: Any = False) -> dict:
    """Active members who had joined by the period's end (n), and of them carded, per unit:
    from the roll tally while it is current, else from the members table. `state` is what
    `tally.current` said, when the caller asked it already."""
    state = tally.current(root, period.end) if state is False else state
    if state is None or not state[1]:
        return _grouped(
            _members(root, period),
            "branch_path",
            grouped,
            n=Count("pk"),
            carded=Count("pk", filter=~Q(card_number="")),
        )
    rows = RollTally.objects.filter(
        province_id=state[0], branch_path__startswith=root.path, joined__lt=period.end
    )
    return _grouped(rows, "branch_path", grouped, n=Sum("active"), carded=Sum("carded"))


def _paid(
    root: Unit, grouped: Sequence[UnitLike], period: PeriodLike, quarters: list[dt.date], state: Any
) -> dict:
    """Dues paid for the quarters by the members counted in `_roll`, per unit."""
    if state is not None:
        rows = DuesTally.objects.filter(
            province_id=state[0],
            branch_path__startswith=root.path,
            quarter__in=quarters,
            joined__lt=period.end,
        )
        return _grouped(rows, "branch_path", grouped, n=Sum("paid"))
    # Joined to the member rather than `member__in=<subquery>`: one join, a third of the time.
    paying = DuesPayment.objects.filter(
        Q(member__join_date__isnull=True) | Q(member__join_date__lt=period.end),
        member__branch_path__startswith=root.path,
        member__status=Status.ACTIVE,
        quarter__in=quarters,
    )
    return _grouped(paying, "member__branch_path", grouped, n=Count("pk"))


def _dues(
    root: Unit,
    units: Sequence[UnitLike],
    period: PeriodLike,
    roll: dict | None = None,
    state: Any = False,
) -> dict[str, float | None]:
    grouped = _member_units(units)
    quarters = quarters_due(period)
    state = tally.current(root, period.end) if state is False else state
    members = roll if roll is not None else _roll(root, grouped, period, state)
    paid = _paid(root, grouped, period, quarters, state)
    out: dict[str, float | None] = {u.path: None for u in units}
    for u in grouped:
        due = members[u.path]["n"] * len(quarters)
        rate = share(paid[u.path]["n"], due)
        out[u.path] = None if rate is None else min(rate, 100.0)
    return out


def dues_rate(root: Unit, level: str, period: PeriodLike) -> Values:
    """Share of the quarterly dues owed by active members for the period (begun quarters) paid."""
    units = open_units(root, level, period)
    rates = _dues(root, units, period)
    return {u.pk: rates[u.path] for u in units}


def _carded(
    root: Unit, units: Sequence[UnitLike], period: PeriodLike, roll: dict | None = None
) -> dict[str, float | None]:
    grouped = _member_units(units)
    rows = roll if roll is not None else _roll(root, grouped, period)
    out: dict[str, float | None] = {u.path: None for u in units}
    for u in grouped:
        out[u.path] = share(rows.get(u.path, {}).get("carded", 0), rows.get(u.path, {}).get("n", 0))
    return out


def carded_rate(root: Unit, level: str, period: PeriodLike) -> Values:
    """Share of active members who have been issued a member card."""
    units = open_units(root, level, period)
    rates = _carded(root, units, period)
    return {u.pk: rates[u.path] for u in units}


@dataclass(frozen=True)
class Rule:
    attendance_min: int
    dues_min: int
    carded_min: int


def rule_for(unit: Unit) -> Rule:
    """The model-branch thresholds of the unit's province (the defaults until it sets them)."""
    row = ModelBranchRule.objects.filter(province__path__in=unit.ancestor_paths).first()
    if row is None:
        return Rule(*DEFAULT_RULE)
    return Rule(row.attendance_min, row.dues_min, row.carded_min)


@dataclass(frozen=True)
class BranchLife:
    branch: UnitLike
    attendance: float | None
    dues: float | None
    carded: float | None
    rule: Rule

    @property
    def is_model(self) -> bool:
        a, d, c = self.attendance, self.dues, self.carded
        r = self.rule
        return (
            a is not None
            and d is not None
            and c is not None
            and a >= r.attendance_min
            and d >= r.dues_min
            and c >= r.carded_min
        )


def _rates(
    root: Unit, units: Sequence[UnitLike], period: PeriodLike
) -> tuple[dict[str, float | None], ...]:
    """Attendance, dues and card rates by unit path; units of several levels share the queries
    (dues and cards one count of the members)."""
    state = tally.current(root, period.end)
    roll = _roll(root, _member_units(units), period, state)
    return (
        _attendance(root, units, period),
        _dues(root, units, period, roll, state),
        _carded(root, units, period, roll),
    )


def _lives(
    branches: Sequence[UnitLike], rates: tuple[dict[str, float | None], ...], rule: Any
) -> list[BranchLife]:
    att, dues, cards = rates
    return [BranchLife(b, att[b.path], dues[b.path], cards[b.path], rule) for b in branches]


def branch_life(root: Unit, period: PeriodLike) -> list[BranchLife]:
    """Attendance, dues, cards and model status of every branch in root's subtree."""
    branches = open_units(root, Level.BRANCH, period)
    return _lives(branches, _rates(root, branches, period), rule_for(root))


@dataclass(frozen=True)
class UnitLife:
    unit: UnitLike
    attendance: float | None
    dues: float | None
    carded: float | None
    model_share: float | None


def life_by_unit(
    root: Unit, level: str | int, period: PeriodLike
) -> tuple[list[BranchLife], list[UnitLife]]:
    """Every branch's life, and summed up for every unit of `level` (communes of a province, say),
    from one pass of the grouped queries."""
    branches = open_units(root, Level.BRANCH, period)
    units = open_units(root, level, period)
    rates = _rates(root, [*branches, *units], period)
    lives = _lives(branches, rates, rule_for(root))
    model = {life.branch.path for life in lives if life.is_model}
    shares = _share_of_counted(units, branches, model)
    att, dues, cards = rates
    summed = [UnitLife(u, att[u.path], dues[u.path], cards[u.path], shares[u.pk]) for u in units]
    return lives, summed


def model_branches(root: Unit, level: str, period: PeriodLike) -> Values:
    """Share of the branches in each unit's subtree that met the model-branch thresholds."""
    units = open_units(root, level, period)
    lives = branch_life(root, period)
    model = {life.branch.path for life in lives if life.is_model}
    return _share_of_counted(units, [life.branch for life in lives], model)


# --- equipment --------------------------------------------------------------------------------


def _working_computers(root: Unit) -> set[str]:
    return set(
        Equipment.objects.filter(
            unit_path__startswith=root.path, kind__in=COMPUTER_KINDS, state=EquipmentState.WORKING
        ).values_list("unit_path", flat=True)
    )


def units_without_computer(root: Unit, level: str, period: PeriodLike) -> Values:
    """How many communes (or, below them, units) in each unit's subtree have no working computer
    of their own (as the equipment list stands now: it keeps no history)."""
    lvl = as_level(level)
    units = open_units(root, lvl, period)
    counted = open_units(root, _counted_level(lvl), period)
    working = _working_computers(root)
    inside = _inside(units, counted)
    return {u.pk: float(sum(c.path not in working for c in inside[u.path])) for u in units}


def members_digital(root: Unit, units: Iterable[UnitLike]) -> dict[int, dict[str, int]]:
    """Active members of each unit in root's subtree: in all, with a smartphone, using Zalo or
    Facebook, and at each digital skill level (two queries at most)."""

    units = list(units)
    counts = {
        "total": Count("pk"),
        "smartphone": Count("pk", filter=Q(has_smartphone=True)),
        "zalo": Count("pk", filter=Q(uses_zalo=True)),
        "facebook": Count("pk", filter=Q(uses_facebook=True)),
        **{f"skill_{s.value}": Count("pk", filter=Q(digital_skill=s.value)) for s in DigitalSkill},
    }
    members = Member.objects.within(root).filter(status=Status.ACTIVE)
    rows = _grouped(members, "branch_path", _member_units(units), **counts)
    groups = [u for u in units if u.level > Level.BRANCH]
    if groups:
        # Members carry their branch's path; those of a women's group are found by its id.
        by_group = members.filter(group__in=groups).values("group_id").annotate(**counts)
        paths = {g.pk: g.path for g in groups}
        rows.update({paths[r["group_id"]]: r for r in by_group.order_by()})
    empty = dict.fromkeys(counts, 0)
    return {u.pk: {**empty, **rows.get(u.path, {})} for u in units}


def units_with_computer(root: Unit, level: str, period: PeriodLike) -> Values:
    """Share of communes (or, below them, units) in each unit's subtree that have a working
    computer: the same count as `units_without_computer`, turned so that a target's "at least"
    reads the right way (100 = every commune has one)."""
    lvl = as_level(level)
    units = open_units(root, lvl, period)
    counted = open_units(root, _counted_level(lvl), period)
    working = _working_computers(root)
    return _share_of_counted(units, counted, {c.path for c in counted if c.path in working})


# --- the target registry ----------------------------------------------------------------------
#
# Each registration says which data its values read, which decides their caching
# (hoiso.metrics.versions): "activities.*" read activities and meeting attendance only, which the
# activity services bump as "activities". "branch.*" also read dues, the model-branch rule
# (bumped as "activities" too), members' status, join date and card (bumped as "members") and
# today's date (which quarters' dues are owed). "training.*" (cadres' assignments, written outside
# this app) and "equipment.*" are cheap and declare nothing: computed afresh on each read, they
# cannot be stale.
ACTIVITIES = ("activities",)
BRANCH_LIFE = ("activities", "members", "today")

# The first part of the codes this app registers.
CODE_PREFIXES = ("activities", "branch", "training", "equipment")

KIND_LABELS = {
    ActivityKind.MEETING: _("Branch meetings held"),
    ActivityKind.COMMUNICATION: _("Communication activities held"),
    ActivityKind.DIGITAL_SKILLS: _("Digital-skills activities held"),
    ActivityKind.LEGAL: _("Legal education activities held"),
    ActivityKind.ECONOMIC: _("Economic support activities held"),
    ActivityKind.CONTEST: _("Contests held"),
    ActivityKind.OTHER: _("Other activities held"),
}
for _kind, _label in KIND_LABELS.items():
    register(f"activities.{_kind.value}", _label, reads=ACTIVITIES)(ACTIVITIES_BY_KIND[_kind.value])
register("activities.all", _("Activities held (all kinds)"), reads=ACTIVITIES)(activities_total)

# The article: every commune holds at least one digital-skills activity for members a year.
# (Another minimum is one more line: `digital_skills_held(n)` under its own code.)
register(
    "activities.digital_skills_units_1",
    _("Share of communes that held a digital-skills activity"),
    "percent",
    reads=ACTIVITIES,
)(digital_skills_communes)
register(
    "activities.meeting_attendance",
    _("Attendance at branch meetings"),
    "percent",
    reads=ACTIVITIES,
)(attendance_rate)
register(
    "branch.dues_rate",
    _("Membership dues paid (quarters begun)"),
    "percent",
    reads=BRANCH_LIFE,
)(dues_rate)
register("branch.carded_rate", _("Members with a member card"), "percent", reads=BRANCH_LIFE)(
    carded_rate
)
register("branch.model_share", _("Share of model branches"), "percent", reads=BRANCH_LIFE)(
    model_branches
)
register(
    "training.cadres_trained",
    _("Share of full-time grassroots cadres trained in the member software"),
    "percent",
)(cadres_trained)
register(
    "training.cadres_proficient",
    _("Share of full-time grassroots cadres proficient in the member software"),
    "percent",
)(cadres_proficient)
register(
    "equipment.units_without_computer",
    _("Communes without a working computer (number)"),
    better=LOWER,
)(units_without_computer)
register(
    "equipment.units_with_computer", _("Share of communes with a working computer"), "percent"
)(units_with_computer)
