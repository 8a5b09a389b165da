"""Who may restructure: the province's admin (or an admin above her, the central union's),
within her province. A commune's admin runs her branches through the unit pages instead."""

from __future__ import annotations

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.units.models import Level, Unit


def may_restructure(user: User, unit: Unit) -> bool:
    """An admin assignment at a province (or the central union) above or at `unit`."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Assignment.objects.filter(
        user=user,
        role=Role.UNIT_ADMIN,
        unit__path__in=unit.ancestor_paths,
        unit__level__lte=Level.PROVINCE,
    ).exists()
