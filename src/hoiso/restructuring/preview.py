"""What a plan moves, in words and numbers, before it is applied: units, members counted, roles,
channels, targets and waiting transfers. It reads only; a few grouped queries per plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.comms.models import Channel
from hoiso.core.text import fold
from hoiso.members.choices import Status, TransferStatus
from hoiso.members.models import Member, Transfer
from hoiso.restructuring.plan import Plan, Ref
from hoiso.targets.models import Target
from hoiso.units.models import Level, Unit

COUNT_COLUMN = {Level.BRANCH: "branch_id", Level.COMMUNE: "commune_id", Level.GROUP: "group_id"}


@dataclass
class Step:
    text: str
    members: int | None = None


@dataclass
class MovedRole:
    user: str
    role: str
    frm: str
    to: str
    note: str = ""


@dataclass
class Preview:
    steps: list[Step] = field(default_factory=list)
    members: int = 0
    roles: list[MovedRole] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    transfers: int = 0
    warnings: list[str] = field(default_factory=list)


def member_counts(units: list[Unit]) -> dict[int, int]:
    """Active members in each unit's subtree: one grouped query per level."""
    counts: dict[int, int] = {}
    by_level: dict[int, list[Unit]] = {}
    for u in units:
        by_level.setdefault(u.level, []).append(u)
    active = Member.objects.filter(status=Status.ACTIVE)
    for level, group in by_level.items():
        column = COUNT_COLUMN.get(Level(level))
        if column:
            rows = (
                active.filter(**{f"{column}__in": [u.pk for u in group]})
                .values(column)
                .annotate(n=Count("pk"))
            )
            counts.update({r[column]: r["n"] for r in rows})
        else:
            for u in group:
                counts[u.pk] = active.filter(branch_path__startswith=u.path).count()
    return {u.pk: counts.get(u.pk, 0) for u in units}


def preview(plan: Plan) -> Preview:
    units = {u.pk: u for u in Unit.objects.filter(pk__in=plan.unit_ids())}
    new = {n.ref: n for n in plan.create}

    def name(ref: Ref | None) -> str:
        if ref is None:
            return ""
        return new[ref].name if isinstance(ref, str) else units[ref].name

    result = Preview()
    for n in plan.create:
        result.steps.append(
            Step(
                _("A new unit, %(name)s, opens under %(parent)s.")
                % {"name": n.name, "parent": units[n.parent].name}
            )
        )
    counts = member_counts([units[r.unit] for r in plan.reparent])
    # One step per (from, to): a merged commune's fifty branches are one line, not fifty.
    moves: dict[tuple[int, Ref], list[int]] = {}
    for r in plan.reparent:
        moves.setdefault((r.frm, r.to), []).append(r.unit)
    for (frm, to), ids in moves.items():
        moving = sum(counts[pk] for pk in ids)
        names = ", ".join(units[pk].name for pk in ids)
        result.steps.append(
            Step(
                _("From %(frm)s to %(to)s, with everything in them: %(units)s.")
                % {"frm": units[frm].name, "to": name(to), "units": names},
                moving,
            )
        )
        result.members += moving
    for m in plan.members:
        moving = len(m.members) or member_counts([units[m.frm]])[m.frm]
        result.steps.append(
            Step(
                _("Members of %(frm)s move to %(to)s.")
                % {"frm": units[m.frm].name, "to": name(m.to)},
                moving,
            )
        )
        result.members += moving
    for rn in plan.rename:
        result.steps.append(
            Step(_("%(old)s is renamed %(new)s.") % {"old": rn.old, "new": rn.name})
        )
    for c in plan.close:
        text = _("%(unit)s closes on %(date)s") % {
            "unit": units[c.unit].name,
            "date": plan.on.strftime("%d/%m/%Y"),
        }
        if c.successor is not None:
            text += _("; %(successor)s takes over from it.") % {"successor": name(c.successor)}
        result.steps.append(Step(text))
    _people(plan, units, name, result)
    _rows(plan, units, name, result)
    _clashes(plan, units, new, result)
    return result


def _people(plan: Plan, units: dict[int, Unit], name: Any, result: Preview) -> None:
    roles = dict(Role.choices)
    closing = plan.successors()
    for a in Assignment.objects.filter(unit_id__in=closing).select_related("user", "unit"):
        result.roles.append(
            MovedRole(
                a.user.display_name, str(roles[a.role]), a.unit.name, name(closing[a.unit_id])
            )
        )
    for r in plan.reparent:
        moved = Assignment.objects.filter(unit__path__startswith=units[r.unit].path)
        for a in moved.select_related("user", "unit"):
            result.roles.append(
                MovedRole(
                    a.user.display_name,
                    str(roles[a.role]),
                    a.unit.name,
                    a.unit.name,
                    _("stays at %(unit)s, which moves to %(to)s")
                    % {"unit": a.unit.name, "to": name(r.to)},
                )
            )


def _rows(plan: Plan, units: dict[int, Unit], name: Any, result: Preview) -> None:
    closing = plan.successors()
    for ch in Channel.objects.filter(unit_id__in=closing).select_related("unit"):
        result.channels.append(
            f"{ch.name} ({ch.get_kind_display()}): {ch.unit.name} → {name(closing[ch.unit_id])}"
        )
    for t in Target.objects.filter(unit_id__in=closing).select_related("unit"):
        result.targets.append(f"{t.title} ({t.year}): {t.unit.name} → {name(closing[t.unit_id])}")
    paths = [units[r.unit].path for r in plan.reparent] + [units[m.frm].path for m in plan.members]
    pending = Transfer.objects.filter(status=TransferStatus.PENDING)
    n = pending.filter(to_unit_id__in=closing).count()
    for p in paths:
        n += pending.filter(from_path__startswith=p).count()
    result.transfers = n


def _clashes(plan: Plan, units: dict[int, Unit], new: dict[str, Any], result: Preview) -> None:
    """Two units of one name under one parent after the plan: a warning, to rename afterwards."""
    arriving: dict[Ref, list[str]] = {}
    for r in plan.reparent:
        arriving.setdefault(r.to, []).append(units[r.unit].name)
    leaving = {r.unit for r in plan.reparent}
    for to, names in arriving.items():
        staying: list[str] = []
        if isinstance(to, int):
            staying = list(
                Unit.objects.filter(parent_id=to, valid_to__isnull=True)
                .exclude(pk__in=leaving)
                .values_list("name", flat=True)
            )
        seen: set[str] = set()
        doubled: dict[str, str] = {}
        for n in [*staying, *names]:
            if fold(n) in seen:
                doubled.setdefault(fold(n), n)
            seen.add(fold(n))
        if doubled:
            target = new[to].name if isinstance(to, str) else units[to].name
            result.warnings.append(
                _(
                    "%(unit)s will have several units of the same name (%(names)s): rename them afterwards."
                )
                % {"unit": target, "names": ", ".join(sorted(doubled.values()))}
            )
