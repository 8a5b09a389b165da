"""Accounts and assignments. A unit admin grants inside her subtree, and only what she holds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import MANAGE_ACCOUNTS, PERMISSIONS, Role, permissions_of
from hoiso.accounts.tokens import tokens_revoke_all
from hoiso.core import audit
from hoiso.core.text import clean, normalise_phone
from hoiso.units.models import Unit


def perms_at(user: User, unit: Unit) -> frozenset[str]:
    """The permissions a user holds at a unit through assignments on it or above it."""
    roles = Assignment.objects.filter(user=user, unit__path__in=unit.ancestor_paths)
    return permissions_of(set(roles.values_list("role", flat=True)))


def _check_can_grant(actor: User, unit: Unit, role: str) -> None:
    held = perms_at(actor, unit)
    if MANAGE_ACCOUNTS not in held:
        raise PermissionDenied
    if not PERMISSIONS[role] <= held:
        raise ValidationError({"role": _("You can only grant a role whose rights you hold here.")})


def clean_phone(raw: str) -> str:
    if not clean(raw):
        return ""
    try:
        return normalise_phone(raw)
    except ValueError:
        raise ValidationError(
            {
                "phone": _("“%(value)s” is not a phone number: enter 10 digits starting with 0.")
                % {"value": raw}
            }
        ) from None


def account_create(
    *,
    actor: User,
    unit: Unit,
    role: str,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    full_time: bool = False,
) -> Assignment:
    """Create an account and assign it to `unit` with `role`."""
    _check_can_grant(actor, unit, role)
    user = User(username=clean(username), full_name=clean(full_name), phone=clean_phone(phone))
    if not any(c.isalpha() for c in user.username):
        raise ValidationError(
            {"username": _("A username needs at least one letter (a phone number logs in anyway).")}
        )
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationError({"username": _("This username is taken; choose another.")})
    if user.phone and User.objects.filter(phone=user.phone).exists():
        raise ValidationError({"phone": _("Another account already uses this phone number.")})
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        assignment = Assignment.objects.create(
            user=user, unit=unit, role=role, full_time=full_time, created_by=actor
        )
        audit.log(actor, "account.created", user, unit=unit, data={"username": user.username})
        audit.log(actor, "assignment.created", assignment, data={"role": role})
    return assignment


def assignment_create(
    *, actor: User, user: User, unit: Unit, role: str, full_time: bool = False
) -> Assignment:
    """Give an existing account a role at a unit."""
    _check_can_grant(actor, unit, role)
    if Assignment.objects.filter(user=user, unit=unit, role=role).exists():
        raise ValidationError(_("%(user)s already has this role here.") % {"user": user})
    with transaction.atomic():
        assignment = Assignment.objects.create(
            user=user, unit=unit, role=role, full_time=full_time, created_by=actor
        )
        audit.log(actor, "assignment.created", assignment, data={"role": role})
    return assignment


@dataclass
class Revoking:
    """Whether an actor may take away each of many roles, asked of the database once for all of
    them (the people page shows a *remove* button only where the answer is yes)."""

    actor: User
    perms: dict[int, frozenset[str]]  # unit id → what the actor holds there
    admin_paths: dict[int, list[str]]  # user id → paths of the units she is an admin of
    admins: dict[int, int]  # unit id → how many admins it has

    @classmethod
    def of(cls, actor: User, assignments: Iterable[Assignment]) -> Revoking:
        assignments = list(assignments)
        units = {a.unit_id: a.unit for a in assignments}
        users = {a.user_id for a in assignments} | {actor.pk}
        ancestors = {p for u in units.values() for p in u.ancestor_paths}
        held: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for user_id, path, role in Assignment.objects.filter(
            user_id__in=users, unit__path__in=ancestors
        ).values_list("user_id", "unit__path", "role"):
            held[user_id].append((path, role))
        own = held[actor.pk]
        perms = {
            pk: permissions_of({r for p, r in own if p in unit.ancestor_paths})
            for pk, unit in units.items()
        }
        admin_paths = {u: [p for p, r in held[u] if r == Role.UNIT_ADMIN] for u in users}
        admins = dict(
            Assignment.objects.filter(unit_id__in=units, role=Role.UNIT_ADMIN)
            .values_list("unit_id")
            .annotate(n=Count("pk"))
            .values_list("unit_id", "n")
        )
        return cls(actor, perms, admin_paths, admins)

    def refusal(self, assignment: Assignment) -> ValidationError | PermissionDenied | None:
        """Why the actor may not take this role away, or None if she may.

        One cannot take away one's own role, nor a role one could not grant. An admin's roles
        are hers to lose only by a decision from above: an admin she created (a peer at her unit)
        cannot lock her out. And a unit never loses its last admin."""
        unit = assignment.unit
        if assignment.user_id == self.actor.pk:
            return ValidationError(_("You cannot remove your own role; ask the unit above."))
        superuser = self.actor.is_superuser
        if not superuser:
            held = self.perms.get(unit.pk, frozenset())
            if MANAGE_ACCOUNTS not in held:
                return PermissionDenied()
            if not PERMISSIONS[assignment.role] <= held:
                return ValidationError(
                    {"role": _("You can only grant a role whose rights you hold here.")}
                )
        paths = set(unit.ancestor_paths)
        is_admin = any(p in paths for p in self.admin_paths.get(assignment.user_id, []))
        above = any(p in paths and p != unit.path for p in self.admin_paths.get(self.actor.pk, []))
        if is_admin and not (superuser or above):
            return ValidationError(
                _(
                    "%(user)s is an admin of %(unit)s: only an admin of a unit above can remove her roles."
                )
                % {"user": assignment.user, "unit": unit.name}
            )
        if assignment.role == Role.UNIT_ADMIN and self.admins.get(unit.pk, 0) <= 1:
            return ValidationError(
                _(
                    "%(user)s is the last admin of %(unit)s: give another person the admin role there first."
                )
                % {"user": assignment.user, "unit": unit.name}
            )
        return None


def assignment_set_full_time(*, actor: User, assignment: Assignment, full_time: bool) -> None:
    """Mark a role as held by a full-time (paid) cadre or not: for whoever may grant that role
    there, as giving the role anew would be; not for one's own roles."""
    if assignment.user_id == actor.pk:
        raise ValidationError(_("You cannot change your own role; ask the unit above."))
    if not actor.is_superuser:
        _check_can_grant(actor, assignment.unit, assignment.role)
    if assignment.full_time == full_time:
        return
    with transaction.atomic():
        assignment.full_time = full_time
        assignment.save(update_fields=["full_time"])
        audit.log(
            actor,
            "assignment.full_time",
            assignment,
            data={
                "user": assignment.user.username,
                "role": assignment.role,
                "full_time": full_time,
            },
        )


def assignment_revoke(*, actor: User, assignment: Assignment) -> None:
    """Take a role away, if `Revoking.refusal` finds no reason not to."""
    refusal = Revoking.of(actor, [assignment]).refusal(assignment)
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        audit.log(
            actor,
            "assignment.revoked",
            assignment,
            data={"user": assignment.user.username, "role": assignment.role},
        )
        assignment.delete()


def password_changed(*, user: User) -> None:
    """After a password change: the first-login flag goes, and so do the API tokens."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    audit.log(user, "account.password_changed", user)
    tokens_revoke_all(user=user)


def grantable_roles(actor_perms: frozenset[str]) -> list[tuple[str, Any]]:
    return [(r, label) for r, label in Role.choices if PERMISSIONS[r] <= actor_perms]
