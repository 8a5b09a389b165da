"""The tree through time: where each unit sat, and under which name, day by day (UnitSpan).

Days are dates; a span is half-open, [valid_from, valid_to), valid_to None while it lasts. Every
unit has spans covering its own [valid_from, valid_to), and the open span of an open unit equals
its current parent, path and name. The functions below are the only way the tree changes place or
name once a unit exists (`unit_insert` and the bulk writers record a new unit's first span with
`record_new`); they are primitives: the operations cadres use (merge, split, move, rename,
dissolve a level), with their preview, audit and inverse, are built on them elsewhere.

Moving a subtree rewrites every path under it; the apps above units whose rows copy paths
(members: their branch path and placements) follow through `on_subtree_moved`, which they
register from their AppConfig.ready, since units may not import them. Siblings that move to the
same new parent together (a merged commune's branches) move as one `Move`: each table follows in
a few statements for all of them, whatever their number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.db.models.lookups import In
from django.utils.translation import gettext as _

from hoiso.units.models import SEGMENT_WIDTH, Unit, UnitSpan


@dataclass(frozen=True)
class Move:
    """Subtrees that moved together on the day `on`, from one parent to another: the paths that
    began with `old_base` followed by one of `segments` (each a unit's "00000123.") now begin
    with `new_base` followed by the same segment."""

    old_base: str
    new_base: str
    segments: tuple[str, ...]
    on: dt.date

    @property
    def old_prefix(self) -> str:
        """The first moved subtree's old path (all of them have the same ancestors)."""
        return self.old_base + self.segments[0]

    @property
    def new_prefix(self) -> str:
        return self.new_base + self.segments[0]

    def within(self, field: str = "path") -> Q:
        """Rows whose `field` (a path) lay in one of the moved subtrees, before the move."""
        if len(self.segments) == 1:
            return under(self.old_prefix, field)
        segment = Substr(field, len(self.old_base) + 1, SEGMENT_WIDTH + 1)
        return under(self.old_base, field) & Q(In(segment, list(self.segments)))

    def rewrite(self, field: str = "path") -> Concat:
        """The path `field` of a row within, as it reads after the move."""
        return Concat(Value(self.new_base), Substr(field, len(self.old_base) + 1))


# Called as hook(move) inside the transaction that moved the subtrees (see Move).
SubtreeMoved = Callable[[Move], None]
SUBTREE_MOVED: list[SubtreeMoved] = []


def on_subtree_moved(hook: SubtreeMoved) -> SubtreeMoved:
    """Register what must follow when a subtree moves (from an app's AppConfig.ready)."""
    if hook not in SUBTREE_MOVED:
        SUBTREE_MOVED.append(hook)
    return hook


def on_day(day: dt.date, prefix: str = "") -> Q:
    """Rows of a dated table ([valid_from, valid_to)) that hold on the day."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": day})
    )


def under(prefix: str, field: str = "path") -> Q:
    """Rows whose `field` (a path) lies in the subtree at `prefix`, as the index can answer it:
    a range on SQLite (whose LIKE uses no ordinary index), LIKE on PostgreSQL (with a
    pattern-ops index). Paths hold digits and dots only, and "/" follows "." in every order."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix[:-1] + "/"})
    return Q(**{f"{field}__startswith": prefix})


def record_new(units: Iterable[Unit]) -> None:
    """The first span of units just written (with their paths): from their valid_from to their
    valid_to, under their parent, path and name."""
    UnitSpan.objects.bulk_create(
        [
            UnitSpan(
                unit_id=u.pk,
                parent_id=u.parent_id,
                path=u.path,
                name=u.name,
                valid_from=u.valid_from,
                valid_to=u.valid_to,
            )
            for u in units
        ],
        batch_size=500,
    )


def span_on(unit: Unit, day: dt.date) -> UnitSpan | None:
    """Where and what the unit was on the day; None when it did not exist then."""
    return UnitSpan.objects.filter(on_day(day), unit=unit).first()


def path_on(unit: Unit, day: dt.date) -> str | None:
    """The unit's path on the day; None when it did not exist then."""
    span = UnitSpan.objects.filter(on_day(day), unit=unit).values_list("path", flat=True).first()
    return span


def units_on(day: dt.date, within: Unit | None = None) -> QuerySet[UnitSpan]:
    """The tree as it was on the day: the spans that held then (of `within`'s subtree of then,
    `within` included; empty when it did not exist that day)."""
    spans = UnitSpan.objects.filter(on_day(day)).select_related("unit")
    if within is None:
        return spans
    root = path_on(within, day)
    if root is None:
        return spans.none()
    return spans.filter(under(root))


def _split_open(spans: QuerySet[UnitSpan], on: dt.date, **changes: object) -> None:
    """Close the open spans on `on` and open copies with `changes` (set-based); a span that
    starts on or after `on` is changed in place instead (no empty span is left behind).
    `changes` values may be expressions over the span's own columns."""
    earlier = spans.filter(valid_to__isnull=True, valid_from__lt=on)
    fresh = [
        UnitSpan(unit_id=s.unit_id, parent_id=s.parent_id, path=s.path, name=s.name, valid_from=on)
        for s in earlier
    ]
    earlier.update(valid_to=on)
    UnitSpan.objects.bulk_create(fresh, batch_size=500)
    spans.filter(valid_to__isnull=True).update(**changes)


def _check_on(unit: Unit, on: dt.date) -> None:
    if on < unit.valid_from:
        raise ValidationError(
            _("The date cannot be before the unit began (%(date)s).")
            % {"date": unit.valid_from.strftime("%d/%m/%Y")}
        )
    if unit.valid_to is not None and unit.valid_to <= on:
        raise ValidationError(_("This unit is closed on that date."))


def reparent(unit: Unit, new_parent: Unit, on: dt.date) -> int:
    """Move the unit and everything below it under `new_parent` from the day `on`: their open
    spans close on `on` and reopen with the new paths, every path of the subtree (closed units'
    too) is rewritten at once, and what copies paths follows (SUBTREE_MOVED). Returns how many
    units moved."""
    return reparent_many([unit], new_parent, on)


def reparent_many(units: Sequence[Unit], new_parent: Unit, on: dt.date) -> int:
    """`reparent` for siblings going to the same new parent together (a merged commune's
    branches): one Move, so each table follows in a few statements for all of them. Paths are
    read afresh (an earlier step may have moved an ancestor). Returns how many units moved."""
    if not units:
        return 0
    fresh = dict(Unit.objects.filter(pk__in=[u.pk for u in units]).values_list("pk", "path"))
    new_parent.path = Unit.objects.values_list("path", flat=True).get(pk=new_parent.pk)
    for unit in units:
        unit.path = fresh[unit.pk]
        _check_on(unit, on)
        if new_parent.path.startswith(unit.path):
            raise ValidationError(_("A unit cannot be moved under itself or a unit below it."))
        if new_parent.level >= unit.level:
            raise ValidationError(_("The new parent unit must be above the unit's level."))
    if new_parent.valid_to is not None and new_parent.valid_to <= on:
        raise ValidationError(_("The new parent unit is closed on that date."))
    step = SEGMENT_WIDTH + 1
    old_base = units[0].path[:-step]
    if any(u.path[:-step] != old_base for u in units):
        raise ValueError("reparent_many moves siblings only")
    if old_base == new_parent.path:
        return 0
    move = Move(old_base, new_parent.path, tuple(u.path[-step:] for u in units), on)
    ids = [u.pk for u in units]
    with transaction.atomic():
        subtree = Unit.objects.filter(move.within())
        moved = subtree.count()
        spans = UnitSpan.objects.filter(unit_id__in=subtree.values("pk"))
        _split_open(spans, on, path=move.rewrite("path"))
        UnitSpan.objects.filter(unit_id__in=ids, valid_to__isnull=True).update(parent=new_parent)
        subtree.update(path=move.rewrite("path"))
        Unit.objects.filter(pk__in=ids).update(parent=new_parent)
        for hook in SUBTREE_MOVED:
            hook(move)
    for unit in units:
        unit.parent, unit.path = new_parent, new_parent.path + unit.path[-step:]
    return moved


def rename(unit: Unit, name: str, on: dt.date) -> None:
    """Give the unit a new name from the day `on` (its spans keep the old one before)."""
    _check_on(unit, on)
    with transaction.atomic():
        _split_open(UnitSpan.objects.filter(unit=unit), on, name=Value(name))
        Unit.objects.filter(pk=unit.pk).update(name=name)
    unit.name = name


def close(unit: Unit, on: dt.date, successor: Unit | None = None) -> list[Unit]:
    """Close the unit and its open descendants on `on` (their spans end that day), with an
    optional successor (the unit that takes over, e.g. in a merge). Returns the units closed."""
    if unit.valid_to is not None:
        raise ValidationError(_("This unit is already closed."))
    if on < unit.valid_from:
        raise ValidationError(
            _("The closing date cannot be before the unit was created (%(date)s).")
            % {"date": unit.valid_from.strftime("%d/%m/%Y")}
        )
    if successor is not None and (successor.pk == unit.pk or successor.path.startswith(unit.path)):
        raise ValidationError(_("A unit cannot be its own successor."))
    with transaction.atomic():
        closed = list(Unit.objects.filter(path__startswith=unit.path, valid_to__isnull=True))
        for u in closed:
            u.valid_to = max(on, u.valid_from)
        Unit.objects.bulk_update(closed, ["valid_to"], batch_size=500)
        spans = UnitSpan.objects.filter(unit__path__startswith=unit.path, valid_to__isnull=True)
        # A span that would start on or after its closing day is kept empty ([d, d)): the unit
        # existed, for no day, which keeps every unit with at least one span.
        spans.filter(valid_from__gte=on).update(valid_to=F("valid_from"))
        spans.filter(valid_from__lt=on).update(valid_to=on)
        if successor is not None:
            successor.predecessors.add(unit)
    unit.valid_to = on
    return closed
