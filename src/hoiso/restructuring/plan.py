"""The planner: from what the admin asks (merge these, split that…) to a plan of tree steps.

A plan only reads the tree; nothing is written until it is applied (`services`). It is a list of
steps in the order they run: units created, subtrees moved under another parent, members moved
between branches, units renamed, units closed with their successor. Units not yet created are
named by a reference ("new0") until the apply gives them an id. The preview (`preview.py`) and
the apply read the same plan, so what the admin confirmed is what happens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from hoiso.core.text import clean, fold
from hoiso.members.models import Placement
from hoiso.units.models import Level, Unit, UnitSpan, today

# A unit of the plan: an existing unit's id, or the reference of one the plan creates.
Ref = int | str


@dataclass
class NewUnit:
    ref: str
    parent: int
    level: int
    name: str
    code: str
    # Units this one continues (a split's new part continues the unit it came from).
    predecessors: list[int] = field(default_factory=list)
    flags: dict[str, bool] = field(default_factory=dict)


@dataclass
class Reparent:
    unit: int
    to: Ref
    frm: int


@dataclass
class MemberMove:
    """Members moved from one branch to another: `members` lists them (a split chosen by
    member); empty means every active member of the branch (a merged branch)."""

    frm: int
    to: Ref
    members: list[int] = field(default_factory=list)


@dataclass
class Rename:
    unit: int
    name: str
    old: str


@dataclass
class Close:
    unit: int
    successor: Ref | None


@dataclass
class Plan:
    kind: str
    on: dt.date
    create: list[NewUnit] = field(default_factory=list)
    reparent: list[Reparent] = field(default_factory=list)
    members: list[MemberMove] = field(default_factory=list)
    rename: list[Rename] = field(default_factory=list)
    close: list[Close] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["on"] = self.on.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        return cls(
            kind=data["kind"],
            on=dt.date.fromisoformat(data["on"]),
            create=[NewUnit(**x) for x in data.get("create", [])],
            reparent=[Reparent(**x) for x in data.get("reparent", [])],
            members=[MemberMove(**x) for x in data.get("members", [])],
            rename=[Rename(**x) for x in data.get("rename", [])],
            close=[Close(**x) for x in data.get("close", [])],
        )

    def unit_ids(self) -> set[int]:
        """Every existing unit the plan touches (to lock them and to check the scope)."""
        ids: set[int] = set()
        for r in self.reparent:
            ids |= {r.unit, r.frm} | ({r.to} if isinstance(r.to, int) else set())
        for m in self.members:
            ids |= {m.frm} | ({m.to} if isinstance(m.to, int) else set())
        ids |= {n.parent for n in self.create}
        ids |= {x.unit for x in self.rename} | {c.unit for c in self.close}
        ids |= {c.successor for c in self.close if isinstance(c.successor, int)}
        return ids

    def successors(self) -> dict[int, Ref]:
        """Closed unit → the unit that takes over its people, channels and targets."""
        return {c.unit: c.successor for c in self.close if c.successor is not None}


# --- Checks shared by the planners ------------------------------------------------------------


def _check_date(on: dt.date, units: list[Unit]) -> None:
    if on > today():
        raise ValidationError(
            {
                "on": _(
                    "Please choose a date no later than today: the tree records what has happened."
                )
            }
        )
    for unit in units:
        if on < unit.valid_from:
            raise ValidationError(
                {
                    "on": _("Please choose a date on or after %(date)s, when %(name)s began.")
                    % {"date": unit.valid_from.strftime("%d/%m/%Y"), "name": unit.name}
                }
            )
        if unit.valid_to is not None:
            raise ValidationError(
                _("Please choose open units: %(name)s is closed.") % {"name": unit.name}
            )


def _check_name(parent: Unit, name: str, *, exclude: set[int] | None = None) -> str:
    name = clean(name)
    if not name:
        raise ValidationError({"name": _("Please enter the new unit's name.")})
    for pk, other in Unit.objects.filter(parent=parent, valid_to__isnull=True).values_list(
        "pk", "name"
    ):
        if fold(other) == fold(name) and pk not in (exclude or set()):
            raise ValidationError(
                {
                    "name": _("Please choose another name: %(parent)s already has %(other)s.")
                    % {"parent": parent.name, "other": other}
                }
            )
    return name


def _new_code(parent: Unit, taken: set[str]) -> str:
    """A code for a unit the plan creates: the parent's code and a running letter-number."""
    existing = set(
        Unit.objects.filter(code__startswith=f"{parent.code}-M").values_list("code", flat=True)
    )
    n = 1
    while f"{parent.code}-M{n}" in existing | taken:
        n += 1
    return f"{parent.code}-M{n}"


def _open_children(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=unit, valid_to__isnull=True).order_by("path"))


FLAGS = ("is_ethnic_minority_area", "is_remote_area", "is_border_area")


def check_later_changes(plan: Plan) -> None:
    """The date may not fall before a later change of what the plan touches: the history of a
    unit moved or renamed since, or of a member placed since, would no longer add up."""
    touched = Unit.objects.filter(pk__in=plan.unit_ids()).values_list("path", flat=True)
    where = Q()
    for path in touched:
        where |= Q(path__startswith=path)
    later = (
        UnitSpan.objects.filter(where, valid_from__gt=plan.on)
        .order_by("-valid_from")
        .values_list("name", "valid_from")
        .first()
    )
    placed = (
        Placement.objects.filter(
            branch_id__in=[m.frm for m in plan.members],
            valid_to__isnull=True,
            valid_from__gt=plan.on,
        )
        .order_by("-valid_from")
        .values_list("valid_from", flat=True)
        .first()
    )
    if later or placed:
        day = max(d for d in (later[1] if later else None, placed) if d is not None)
        raise ValidationError(
            {
                "on": _(
                    "Please choose a date on or after %(date)s: the units or members concerned "
                    "changed on that day."
                )
                % {"date": day.strftime("%d/%m/%Y")}
            }
        )


# --- The operations ---------------------------------------------------------------------------


def plan_merge(units: list[Unit], *, on: dt.date, keep: Unit | None, name: str = "") -> Plan:
    """Merge units of one level into one of them (`keep`) or into a new unit named `name`: the
    others' children move under it, a merged branch's members move into it, and the others close
    with it as their successor."""
    if len(units) < 2:
        raise ValidationError({"units": _("Please choose at least two units to merge.")})
    if len({u.level for u in units}) > 1:
        raise ValidationError({"units": _("Please choose units of the same level to merge.")})
    _check_date(on, units)
    plan = Plan(kind="merge", on=on)
    target: Ref
    if keep is not None:
        if keep.pk not in {u.pk for u in units}:
            raise ValidationError(
                {"keep": _("Please choose the surviving unit among the merged ones.")}
            )
        target = keep.pk
        if clean(name) and clean(name) != keep.name:
            assert keep.parent is not None
            new_name = _check_name(keep.parent, name, exclude={keep.pk})
            plan.rename.append(Rename(unit=keep.pk, name=new_name, old=keep.name))
    else:
        parents = {u.parent_id for u in units}
        if len(parents) > 1:
            raise ValidationError(
                {
                    "keep": _(
                        "Please choose a surviving unit: the merged units lie under different units."
                    )
                }
            )
        parent = units[0].parent
        assert parent is not None
        new_name = _check_name(parent, name)
        target = "new0"
        plan.create.append(
            NewUnit(
                ref="new0",
                parent=parent.pk,
                level=units[0].level,
                name=new_name,
                code=_new_code(parent, set()),
                flags={f: any(getattr(u, f) for u in units) for f in FLAGS},
            )
        )
    for unit in units:
        if unit.pk == target:
            continue
        for child in _open_children(unit):
            plan.reparent.append(Reparent(unit=child.pk, to=target, frm=unit.pk))
        if unit.level == Level.BRANCH:
            plan.members.append(MemberMove(frm=unit.pk, to=target))
        plan.close.append(Close(unit=unit.pk, successor=target))
    return plan


def plan_split(
    unit: Unit,
    *,
    on: dt.date,
    names: list[str],
    children: dict[int, int] | None = None,
    members: dict[int, int] | None = None,
) -> Plan:
    """Split a unit: each new part (named in `names`) takes the children (or, for a branch, the
    members) given to it: `children`/`members` map an id to its part, 0 for the unit itself and
    1… for the new parts. The unit keeps what is not given away; each new part continues it."""
    _check_date(on, [unit])
    parent = unit.parent
    if parent is None:
        raise ValidationError(_("This unit cannot be split here."))
    names = [clean(n) for n in names if clean(n)]
    if not names:
        raise ValidationError({"name": _("Please enter the new unit's name.")})
    plan = Plan(kind="split", on=on)
    taken: set[str] = set()
    seen: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = _check_name(parent, raw)
        if fold(name) in seen or fold(name) == fold(unit.name):
            raise ValidationError({"name": _("Please give each part its own name.")})
        seen.add(fold(name))
        code = _new_code(parent, taken)
        taken.add(code)
        plan.create.append(
            NewUnit(
                ref=f"new{i}",
                parent=parent.pk,
                level=unit.level,
                name=name,
                code=code,
                predecessors=[unit.pk],
                flags={f: getattr(unit, f) for f in FLAGS},
            )
        )
    given: dict[int, int] = {}
    if unit.level == Level.BRANCH:
        given = {pk: part for pk, part in (members or {}).items() if part}
        for part in range(1, len(names) + 1):
            ids = sorted(pk for pk, p in given.items() if p == part)
            if not ids:
                raise ValidationError(_("Please give each new part at least one member."))
            plan.members.append(MemberMove(frm=unit.pk, to=f"new{part}", members=ids))
    else:
        open_ids = {c.pk for c in _open_children(unit)}
        given = {pk: part for pk, part in (children or {}).items() if part and pk in open_ids}
        for part in range(1, len(names) + 1):
            ids = sorted(pk for pk, p in given.items() if p == part)
            if not ids:
                raise ValidationError(_("Please give each new part at least one unit."))
            plan.reparent += [Reparent(unit=pk, to=f"new{part}", frm=unit.pk) for pk in ids]
    if any(p > len(names) for p in given.values()):
        raise ValidationError(_("Please choose one of the parts listed."))
    return plan


def plan_move(unit: Unit, *, on: dt.date, to: Unit) -> Plan:
    """Move a unit and everything below it under another unit."""
    _check_date(on, [unit, to])
    if to.pk == unit.parent_id:
        raise ValidationError({"to": _("Please choose another unit: it is already there.")})
    if to.path.startswith(unit.path):
        raise ValidationError({"to": _("Please choose a unit that is not inside the one moved.")})
    if to.level >= unit.level:
        raise ValidationError({"to": _("Please choose a unit of a higher level.")})
    assert unit.parent_id is not None
    return Plan(kind="move", on=on, reparent=[Reparent(unit=unit.pk, to=to.pk, frm=unit.parent_id)])


def plan_rename(unit: Unit, *, on: dt.date, name: str) -> Plan:
    _check_date(on, [unit])
    assert unit.parent is not None
    new = _check_name(unit.parent, name, exclude={unit.pk})
    if new == unit.name:
        raise ValidationError({"name": _("Please enter a name different from the current one.")})
    return Plan(kind="rename", on=on, rename=[Rename(unit=unit.pk, name=new, old=unit.name)])


def plan_dissolve(unit: Unit, *, on: dt.date, level: int = Level.DISTRICT) -> Plan:
    """Dissolve a whole level under the unit (every district of a province): the children of each
    unit of that level move up under `unit`, and those units close with it as their successor."""
    doomed = list(
        Unit.objects.below(unit).filter(level=level, valid_to__isnull=True).order_by("path")
    )
    if not doomed:
        raise ValidationError(_("There is no open unit of this level to dissolve here."))
    _check_date(on, [unit, *doomed])
    plan = Plan(kind="dissolve", on=on)
    for d in doomed:
        for child in _open_children(d):
            plan.reparent.append(Reparent(unit=child.pk, to=unit.pk, frm=d.pk))
        plan.close.append(Close(unit=d.pk, successor=unit.pk))
    return plan
