"""Restructurings by id, through the scope (what is not hers and what does not exist: 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoiso.accounts.access import Scope, access
from hoiso.accounts.models import Assignment
from hoiso.restructuring.models import Restructuring
from hoiso.units.models import Unit


def restructurings_within(unit: Unit) -> QuerySet[Restructuring]:
    """Restructurings asked at the unit or below it, latest first."""
    return Restructuring.objects.filter(unit_path__startswith=unit.path).select_related(
        "created_by", "undone_by", "unit"
    )


def access_restructuring(scope: Scope, pk: Any) -> Restructuring:
    return access(restructurings_within(scope.unit), pk, "restructuring")


def access_moved_assignment(r: Restructuring, pk: Any) -> Assignment:
    """A role the restructuring moved (listed in its record), wherever in the province it now
    stands: a branch moved out of the commune it was asked from is still hers to review."""
    listed = [x["id"] for x in (*r.record.get("roles", []), *r.record.get("moved_roles", []))]
    roles = Assignment.objects.filter(pk__in=listed, unit__path__startswith=r.province.path)
    return access(roles.select_related("user", "unit"), pk, "assignment")
