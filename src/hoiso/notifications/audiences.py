"""Who a unit's notice can go to: its members, one branch's members, its branch heads, its
cadres. Each is a value a form can carry ("branch:42") and a set of people in the unit's scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hoiso.accounts.models import User
from hoiso.accounts.roles import Role
from hoiso.members.models import Member
from hoiso.units.models import Level, Unit

MAX_BRANCHES = 300  # a commune's branches; above that, choose the commune first


def branches(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.active().below(unit).filter(level=Level.BRANCH).order_by("path")


def choices(unit: Unit) -> list[tuple[str, str]]:
    found = [
        ("members", _("All members of %(unit)s") % {"unit": unit.name}),
        ("branch_heads", _("Branch heads of %(unit)s") % {"unit": unit.name}),
        ("cadres", _("Cadres of %(unit)s") % {"unit": unit.name}),
    ]
    if unit.level == Level.BRANCH:
        return found
    below = list(branches(unit)[: MAX_BRANCHES + 1])
    if len(below) <= MAX_BRANCHES:
        found += [
            (f"branch:{b.pk}", _("Members of %(branch)s") % {"branch": b.name}) for b in below
        ]
    return found


def _users(unit: Unit, roles: Iterable[str]) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            assignments__unit__path__startswith=unit.path,
            assignments__role__in=list(roles),
        )
        .distinct()
        .order_by("pk")
    )


def resolve(unit: Unit, value: str) -> QuerySet[Member] | QuerySet[User] | None:
    """The people `value` names within `unit`, or None if it names nothing there."""
    if value == "members":
        return Member.objects.within(unit).active()
    if value == "branch_heads":
        return _users(unit, [Role.BRANCH_HEAD])
    if value == "cadres":
        return _users(unit, [Role.UNIT_ADMIN, Role.CADRE])
    if value.startswith("branch:") and value[7:].isdigit():
        branch = branches(unit).filter(pk=int(value[7:])).first()
        return Member.objects.within(branch).active() if branch is not None else None
    return None
