"""Apply a restructuring, and undo it: one transaction each, dated, audited.

The tree moves through `units.history` (spans and paths), members through `members.history`
(their branch and placements); what belonged to a unit that closes (roles, channels and their
posts, targets it set, transfers waiting for it) moves to its successor here, and every id moved
is recorded so that the undo puts each back where it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.accounts.services import assignment_revoke
from hoiso.comms.models import Article, Channel, Post
from hoiso.core import audit
from hoiso.members.choices import Status, TransferStatus
from hoiso.members.counting import members_changed
from hoiso.members.history import move_members
from hoiso.members.models import Member, Placement, Transfer
from hoiso.metrics import versions
from hoiso.restructuring import plan as planner
from hoiso.restructuring.models import Kind, Restructuring, State
from hoiso.restructuring.permissions import may_restructure
from hoiso.targets.models import Target
from hoiso.units import history
from hoiso.units.models import Level, Unit, UnitSpan
from hoiso.units.services import unit_insert

# --- From the admin's request to a plan -------------------------------------------------------


def _units(ids: list[int], within: Unit) -> list[Unit]:
    """The units with these ids, all inside `within`'s subtree (or the request is refused)."""
    found = list(Unit.objects.filter(pk__in=ids, path__startswith=within.path).order_by("path"))
    if len(found) != len(set(ids)):
        raise ValidationError(_("Please choose units of your own unit's subtree."))
    return found


def plan_for(kind: str, request: dict[str, Any], root: Unit, actor: User) -> planner.Plan:
    """Run the planner of `kind` on the request; every unit named must lie within `root`."""
    plan = _plan(kind, request, root, actor)
    planner.check_later_changes(plan)
    return plan


def _plan(kind: str, request: dict[str, Any], root: Unit, actor: User) -> planner.Plan:
    on = dt.date.fromisoformat(request["on"])
    if kind == Kind.MERGE:
        units = _units(request["units"], root)
        keep = next((u for u in units if u.pk == request.get("keep")), None)
        return planner.plan_merge(units, on=on, keep=keep, name=request.get("name", ""))
    if kind == Kind.SPLIT:
        (unit,) = _units([request["unit"]], root)
        return planner.plan_split(
            unit,
            on=on,
            names=request["names"],
            children={int(k): v for k, v in request.get("children", {}).items()},
            members={int(k): v for k, v in request.get("members", {}).items()},
        )
    if kind == Kind.MOVE:
        unit, to = (
            _units([request["unit"]], root)[0],
            _units([request["to"]], _restructure_root(actor, root))[0],
        )
        return planner.plan_move(unit, on=on, to=to)
    if kind == Kind.RENAME:
        (unit,) = _units([request["unit"]], root)
        return planner.plan_rename(unit, on=on, name=request["name"])
    if kind == Kind.DISSOLVE:
        return planner.plan_dissolve(root, on=on, level=request.get("level", Level.DISTRICT))
    raise ValueError(kind)


def _restructure_root(actor: User, unit: Unit) -> Unit:
    """Where a moved unit may go: anywhere under the highest unit the actor is admin of above
    it (her province; the whole tree for the central union's admin)."""
    if actor.is_superuser:
        return Unit.objects.filter(path=unit.ancestor_paths[0]).first() or unit
    held = Unit.objects.filter(
        assignments__user=actor, assignments__role=Role.UNIT_ADMIN, path__in=unit.ancestor_paths
    )
    return held.order_by("path").first() or unit


def restructuring_draft(
    *, actor: User, unit: Unit, kind: str, request: dict[str, Any]
) -> Restructuring:
    """Plan the request and keep it as a draft the admin previews before confirming."""
    if not may_restructure(actor, unit):
        raise PermissionDenied
    plan = plan_for(kind, request, unit, actor)
    province = unit.province() or unit
    return Restructuring.objects.create(
        kind=kind,
        unit=unit,
        province=province,
        unit_path=unit.path,
        on=plan.on,
        request=request,
        plan=plan.to_json(),
        created_by=actor,
        summary=_summary(plan),
    )


def _summary(plan: planner.Plan) -> str:
    names = dict(Unit.objects.filter(pk__in=plan.unit_ids()).values_list("pk", "name"))
    new = {n.ref: n.name for n in plan.create}

    def name(ref: planner.Ref | None) -> str:
        if ref is None:
            return ""
        return new.get(ref, "") if isinstance(ref, str) else names.get(ref, "")

    if plan.kind == Kind.MERGE:
        merged = [name(c.unit) for c in plan.close]
        target = name(plan.close[0].successor)
        return _("%(units)s merged into %(target)s") % {
            "units": ", ".join(merged),
            "target": target,
        }
    if plan.kind == Kind.SPLIT:
        source = names.get(plan.reparent[0].frm if plan.reparent else plan.members[0].frm, "")
        return _("%(unit)s split: %(parts)s") % {"unit": source, "parts": ", ".join(new.values())}
    if plan.kind == Kind.MOVE:
        r = plan.reparent[0]
        return _("%(unit)s moved under %(to)s") % {"unit": name(r.unit), "to": name(r.to)}
    if plan.kind == Kind.RENAME:
        r2 = plan.rename[0]
        return _("%(old)s renamed %(new)s") % {"old": r2.old, "new": r2.name}
    return _("%(n)s units dissolved into %(unit)s") % {
        "n": len(plan.close),
        "unit": name(plan.close[0].successor),
    }


# --- Apply ------------------------------------------------------------------------------------


def _lock(unit_ids: set[int], paths: list[str]) -> list[Transfer]:
    """Lock the units the plan touches, then the transfers waiting to or from their subtrees.

    A cadre accepting a transfer locks it first (members.services): either she finishes before
    the restructuring reads the members, or she waits and then reads the moved tree afresh. So a
    member is neither left behind in a closed unit nor counted twice.
    """
    # "No key" update: rows that point at these units (a member a cadre saves meanwhile) take a
    # key-share lock on them, which this one lets through; a full update lock would deadlock.
    locked = Unit.objects.select_for_update(no_key=True).filter(pk__in=unit_ids)
    list(locked.values_list("pk", flat=True))
    where = Q()
    for p in paths:
        where |= Q(from_path__startswith=p) | Q(to_path__startswith=p)
    if not paths:
        return []
    return list(Transfer.objects.select_for_update().filter(where, status=TransferStatus.PENDING))


def restructuring_apply(*, actor: User, restructuring: Restructuring) -> Restructuring:
    """Apply a previewed restructuring, as previewed; refused if the tree has changed since (the
    draft then holds the new plan, for the admin to preview again)."""
    with transaction.atomic():
        r = Restructuring.objects.select_for_update().get(pk=restructuring.pk)
        if r.state != State.DRAFT:
            raise ValidationError(_("This restructuring has already been applied."))
        if not may_restructure(actor, r.unit):
            raise PermissionDenied
        plan = plan_for(r.kind, r.request, r.unit, actor)
        stale = plan.to_json() != r.plan
        if stale:
            r.plan, r.summary = plan.to_json(), _summary(plan)
            r.save(update_fields=["plan", "summary"])
        else:
            _apply_plan(r, plan, actor)
    if stale:
        raise ValidationError(STALE)
    restructuring.refresh_from_db()
    return restructuring


STALE = gettext_lazy(
    "The units have changed since the preview. Please check the new preview and confirm again."
)


def _apply_plan(r: Restructuring, plan: planner.Plan, actor: User) -> None:
    record = _apply(plan, actor)
    r.record, r.state, r.applied_at = record, State.APPLIED, timezone.now()
    r.save(update_fields=["record", "state", "applied_at"])
    audit.log(
        actor,
        "restructuring.applied",
        r,
        data={"kind": r.kind, "on": plan.on.isoformat(), "summary": r.summary},
    )
    _changed(r.province_id)


def _apply(plan: planner.Plan, actor: User) -> dict[str, Any]:
    units = {u.pk: u for u in Unit.objects.filter(pk__in=plan.unit_ids())}
    paths = [units[r.unit].path for r in plan.reparent] + [units[c.unit].path for c in plan.close]
    paths += [units[m.frm].path for m in plan.members]
    pending = _lock(set(units), paths)
    record: dict[str, Any] = {"created": {}, "closed": {}, "members": [], "moved_roles": []}
    # Who serves in a subtree that moves: for the admin's review list (their unit moves with it).
    for r in plan.reparent:
        record["moved_roles"] += [
            {"id": a.pk, "unit": a.unit_id, "frm": r.frm, "to": r.to}
            for a in Assignment.objects.filter(unit__path__startswith=units[r.unit].path)
        ]
    for new in plan.create:
        unit = unit_insert(
            parent=units[new.parent],
            level=new.level,
            code=new.code,
            name=new.name,
            valid_from=plan.on,
            **new.flags,
        )
        unit.predecessors.add(*new.predecessors)
        units[unit.pk] = unit
        record["created"][new.ref] = unit.pk

    def resolve(ref: planner.Ref) -> Unit:
        return units[record["created"][ref]] if isinstance(ref, str) else units[ref]

    _reparent([(units[r.unit], units[r.frm], resolve(r.to)) for r in plan.reparent], plan.on)
    for m in plan.members:
        chosen = Member.objects.filter(branch_id=m.frm, status=Status.ACTIVE)
        if m.members:
            chosen = chosen.filter(pk__in=m.members)
        ids = list(chosen.values_list("pk", flat=True))
        # A merged branch's groups come along (moved above): its members stay in them.
        groups = {} if m.members else _groups_of(ids)
        move_members(Member.objects.filter(pk__in=ids), resolve(m.to), plan.on)
        _keep_groups(groups)
        record["members"].append(
            {"frm": m.frm, "to": resolve(m.to).pk, "ids": ids, "groups": groups}
        )
        # Her transfer waiting to leave keeps waiting, from where she now is.
        Transfer.objects.filter(member_id__in=ids, status=TransferStatus.PENDING).update(
            from_branch=resolve(m.to), from_path=resolve(m.to).path
        )
    successors = {pk: resolve(ref) for pk, ref in plan.successors().items()}
    record["transfers"] = _retarget_transfers(pending, successors)
    record["roles"] = _roles_follow(successors, actor)
    record["channels"] = _move_rows(Channel.objects, successors)
    record["posts"] = _move_rows(Post.objects, successors)
    record["articles"] = _move_rows(Article.objects, successors)
    record["targets"] = _move_rows(Target.objects, successors)
    for rn in plan.rename:
        history.rename(units[rn.unit], rn.name, plan.on)
    for c in plan.close:
        closed = history.close(
            units[c.unit], plan.on, resolve(c.successor) if c.successor is not None else None
        )
        record["closed"][str(c.unit)] = [u.pk for u in closed]
    # The targets' cache stamps a subtree by its units' last change: mark the moved ones.
    Unit.objects.filter(pk__in=[*units, *record["created"].values()]).update(
        updated_at=timezone.now()
    )
    return record


def _reparent(steps: list[tuple[Unit, Unit, Unit]], on: dt.date) -> None:
    """(unit, from, to) steps, in order: consecutive siblings going to one parent move together
    (a merged commune's fifty branches in one `reparent_many`, a few statements per table)."""
    batch: list[Unit] = []
    key: tuple[int, int] | None = None
    target: Unit | None = None
    for unit, frm, to in steps:
        if batch and key != (frm.pk, to.pk):
            assert target is not None
            history.reparent_many(batch, target, on)
            batch = []
        batch.append(unit)
        key, target = (frm.pk, to.pk), to
    if batch:
        assert target is not None
        history.reparent_many(batch, target, on)


def _groups_of(ids: list[int]) -> dict[str, list[int]]:
    """Group id (as text, for JSON) → the members in it."""
    groups: dict[str, list[int]] = {}
    rows = Member.objects.filter(pk__in=ids, group__isnull=False).values_list("pk", "group_id")
    for pk, group in rows:
        groups.setdefault(str(group), []).append(pk)
    return groups


def _keep_groups(groups: dict[str, list[int]]) -> None:
    for group, ids in groups.items():
        Member.objects.filter(pk__in=ids).update(group_id=int(group))
        Placement.objects.filter(member_id__in=ids, valid_to__isnull=True).update(
            group_id=int(group)
        )


def _retarget_transfers(
    pending: list[Transfer], successors: dict[int, Unit]
) -> list[dict[str, Any]]:
    """A transfer waiting for a unit that closes now waits for its successor."""
    moved = []
    for t in pending:
        t.refresh_from_db()
        if t.status != TransferStatus.PENDING or t.to_unit_id not in successors:
            continue
        new = successors[t.to_unit_id]
        moved.append({"id": t.pk, "to_unit": t.to_unit_id})
        Transfer.objects.filter(pk=t.pk).update(to_unit=new, to_path=new.path)
    return moved


def _roles_follow(successors: dict[int, Unit], actor: User) -> list[dict[str, Any]]:
    """Roles held at a unit that closes move to its successor; one the person already holds
    there is not doubled (the old one is dropped, and the undo gives it back)."""
    moved = []
    for a in Assignment.objects.filter(unit_id__in=successors).select_related("user", "unit"):
        to = successors[a.unit_id]
        held = Assignment.objects.filter(user_id=a.user_id, unit=to, role=a.role).exists()
        moved.append(
            {
                "id": a.pk,
                "user": a.user_id,
                "role": a.role,
                "full_time": a.full_time,
                "frm": a.unit_id,
                "to": to.pk,
                "dropped": held,
            }
        )
        if held:
            a.delete()
        else:
            Assignment.objects.filter(pk=a.pk).update(unit=to)
        audit.log(
            actor,
            "restructuring.assignment_moved",
            a.user,
            unit=to,
            data={"role": a.role, "from": a.unit.code, "to": to.code},
        )
    return moved


def _move_rows(objects: Any, successors: dict[int, Unit]) -> list[dict[str, Any]]:
    """Rows of a closing unit (its channels, their posts, the targets it set) go to its
    successor, with the copies of its path and province."""
    moved = []
    for old, new in successors.items():
        rows = objects.filter(unit_id=old)
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            continue
        moved.append({"frm": old, "to": new.pk, "ids": ids})
        _place_rows(objects, ids, new)
    return moved


def _place_rows(objects: Any, ids: list[int], unit: Unit) -> None:
    """Put rows on a unit, with the copies of its path and province."""
    unit.refresh_from_db(fields=["path"])
    objects.filter(pk__in=ids).update(
        unit=unit, unit_path=unit.path, province=unit.province() or unit
    )


def _changed(province_id: int) -> None:
    """Everything counted per unit may have changed: members' counts and tallies, posts."""
    members_changed(province_id)
    for area in ("comms", "activities"):
        versions.bump(area, province_id)


# --- Undo -------------------------------------------------------------------------------------


def latest_applied(province: Unit) -> Restructuring | None:
    return (
        Restructuring.objects.filter(province=province, state=State.APPLIED)
        .order_by("-applied_at", "-pk")
        .first()
    )


def undo_problems(r: Restructuring) -> list[str]:
    """Why the restructuring cannot be undone now (nothing: it can)."""
    if r.state != State.APPLIED:
        return [_("Only an applied restructuring can be undone.")]
    latest = latest_applied(r.province)
    if latest is not None and latest.pk != r.pk:
        return [_("Please undo the later restructurings of the province first, latest first.")]
    problems = []
    plan = planner.Plan.from_json(r.plan)
    created = r.record.get("created", {})
    moved_members = {pk for m in r.record.get("members", []) for pk in m["ids"]}
    placed = {f"{m.frm}": m.to for m in plan.members}
    for ref, pk in created.items():
        unit = Unit.objects.get(pk=pk)
        given = {r2.unit for r2 in plan.reparent if r2.to == ref}
        extra = Unit.objects.filter(parent=unit, valid_to__isnull=True).exclude(pk__in=given)
        if extra.exists():
            problems.append(
                _("Please move the units added to %(unit)s since (%(names)s) first.")
                % {"unit": unit.name, "names": ", ".join(extra.values_list("name", flat=True)[:5])}
            )
        others = Member.objects.filter(branch=unit, status=Status.ACTIVE).exclude(
            pk__in=moved_members
        )
        if unit.level == Level.BRANCH and ref in placed.values() and others.exists():
            problems.append(
                _("Please move the %(n)s members admitted to %(unit)s since first.")
                % {"n": others.count(), "unit": unit.name}
            )
    return problems


def restructuring_undo(*, actor: User, restructuring: Restructuring) -> Restructuring:
    """Apply the inverse: every unit, member, role, channel, target and transfer goes back where
    it was, on the same date, so that counts as of any day are what they were before."""
    with transaction.atomic():
        r = Restructuring.objects.select_for_update().get(pk=restructuring.pk)
        if not may_restructure(actor, r.unit):
            raise PermissionDenied
        if problems := undo_problems(r):
            raise ValidationError(problems)
        plan = planner.Plan.from_json(r.plan)
        _undo(plan, r.record)
        r.state, r.undone_by, r.undone_at = State.UNDONE, actor, timezone.now()
        r.save(update_fields=["state", "undone_by", "undone_at"])
        audit.log(actor, "restructuring.undone", r, data={"kind": r.kind, "summary": r.summary})
        _changed(r.province_id)
    restructuring.refresh_from_db()
    return restructuring


def _undo(plan: planner.Plan, record: dict[str, Any]) -> None:
    created: dict[str, int] = record.get("created", {})
    ids = plan.unit_ids() | set(created.values())
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    paths = [u.path for u in units.values()]
    pending = _lock(set(units), paths)

    def resolve(ref: planner.Ref) -> Unit:
        return units[created[ref]] if isinstance(ref, str) else units[ref]

    for c in reversed(plan.close):
        _reopen(units[c.unit], record["closed"].get(str(c.unit), [c.unit]), plan.on)
    for rn in reversed(plan.rename):
        history.rename(units[rn.unit], rn.old, plan.on)
    for objects, key in (
        (Target.objects, "targets"),
        (Channel.objects, "channels"),
        (Post.objects, "posts"),
        (Article.objects, "articles"),
    ):
        for moved in record.get(key, []):
            _place_rows(objects, moved["ids"], units[moved["frm"]])
    _roles_back(record.get("roles", []), units)
    back = {t["id"]: t["to_unit"] for t in record.get("transfers", [])}
    for t in pending:
        if t.pk in back:
            Transfer.objects.filter(pk=t.pk).update(
                to_unit=units[back[t.pk]], to_path=units[back[t.pk]].path
            )
    for m in reversed(record.get("members", [])):
        still = Member.objects.filter(pk__in=m["ids"], branch_id=m["to"], status=Status.ACTIVE)
        back_ids = list(still.values_list("pk", flat=True))
        move_members(Member.objects.filter(pk__in=back_ids), units[m["frm"]], plan.on)
        _keep_groups(m.get("groups", {}))
        Transfer.objects.filter(member_id__in=back_ids, status=TransferStatus.PENDING).update(
            from_branch=units[m["frm"]], from_path=units[m["frm"]].path
        )
    _reparent(
        [(units[rp.unit], resolve(rp.to), units[rp.frm]) for rp in reversed(plan.reparent)],
        plan.on,
    )
    for pk in created.values():
        unit = Unit.objects.get(pk=pk)
        unit.predecessors.clear()
        history.close(unit, plan.on)
    Unit.objects.filter(pk__in=ids).update(updated_at=timezone.now())


def _reopen(unit: Unit, closed_ids: list[int], on: dt.date) -> None:
    """Undo `history.close`: the units it closed are open again, with their last span."""
    Unit.objects.filter(pk__in=closed_ids).update(valid_to=None)
    for pk in closed_ids:
        last = UnitSpan.objects.filter(unit_id=pk).order_by("-valid_from", "-pk").first()
        if last is not None and last.valid_to in (on, last.valid_from):
            UnitSpan.objects.filter(pk=last.pk).update(valid_to=None)
    for successor in Unit.objects.filter(predecessors=unit):
        successor.predecessors.remove(unit)
    unit.valid_to = None


def _roles_back(moved: list[dict[str, Any]], units: dict[int, Unit]) -> None:
    for a in moved:
        frm = units.get(a["frm"]) or Unit.objects.get(pk=a["frm"])
        if a["dropped"]:
            Assignment.objects.get_or_create(
                user_id=a["user"], unit=frm, role=a["role"], defaults={"full_time": a["full_time"]}
            )
        else:
            # Ended by the admin after the review: it stays ended.
            Assignment.objects.filter(pk=a["id"], unit_id=a["to"]).update(unit=frm)


# --- The review of people who moved ---------------------------------------------------------


def assignment_end(*, actor: User, restructuring: Restructuring, assignment: Assignment) -> None:
    """End a role the admin reviews after a restructuring (through the accounts service, whose
    rules apply: not her own, not the last admin of a unit…)."""
    with transaction.atomic():
        assignment_revoke(actor=actor, assignment=assignment)
        audit.log(
            actor,
            "restructuring.assignment_ended",
            restructuring,
            data={"user": assignment.user.username, "role": assignment.role},
        )
