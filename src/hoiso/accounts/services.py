"""Accounts and assignments. A unit admin grants inside her subtree, and only what she holds."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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


def assignment_revoke(*, actor: User, assignment: Assignment) -> None:
    """Take a role away; one cannot take away one's own, nor a role one could not grant.

    An admin's roles are hers to lose only by a decision from above: an admin she created (a
    peer at her unit) cannot lock her out. And a unit never loses its last admin.
    """
    if assignment.user_id == actor.pk:
        raise ValidationError(_("You cannot remove your own role; ask the unit above."))
    if not actor.is_superuser:
        _check_can_grant(actor, assignment.unit, assignment.role)
    unit = assignment.unit
    if is_admin_at(assignment.user, unit) and not (
        actor.is_superuser or _admin_strictly_above(actor, unit)
    ):
        raise ValidationError(
            _(
                "%(user)s is an admin of %(unit)s: only an admin of a unit above can remove her roles."
            )
            % {"user": assignment.user, "unit": unit.union_name}
        )
    if assignment.role == Role.UNIT_ADMIN and not (
        Assignment.objects.filter(unit=unit, role=Role.UNIT_ADMIN)
        .exclude(pk=assignment.pk)
        .exists()
    ):
        raise ValidationError(
            _(
                "%(user)s is the last admin of %(unit)s: give another person the admin role there first."
            )
            % {"user": assignment.user, "unit": unit.union_name}
        )
    with transaction.atomic():
        audit.log(
            actor,
            "assignment.revoked",
            assignment,
            data={"user": assignment.user.username, "role": assignment.role},
        )
        assignment.delete()


def is_admin_at(user: User, unit: Unit) -> bool:
    """Whether the user is an admin of this unit or of a unit above it."""
    return Assignment.objects.filter(
        user=user, role=Role.UNIT_ADMIN, unit__path__in=unit.ancestor_paths
    ).exists()


def _admin_strictly_above(user: User, unit: Unit) -> bool:
    above = [p for p in unit.ancestor_paths if p != unit.path]
    return Assignment.objects.filter(user=user, role=Role.UNIT_ADMIN, unit__path__in=above).exists()


def password_changed(*, user: User) -> None:
    """After a password change: the first-login flag goes, and so do the API tokens."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    audit.log(user, "account.password_changed", user)
    tokens_revoke_all(user=user)


def grantable_roles(actor_perms: frozenset[str]) -> list[tuple[str, Any]]:
    return [(r, label) for r, label in Role.choices if PERMISSIONS[r] <= actor_perms]
