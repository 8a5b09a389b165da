"""Restructurings by id, through the scope (what is not hers and what does not exist: 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hoiso.accounts.access import Scope, access
from hoiso.restructuring.models import Restructuring
from hoiso.units.models import Unit


def restructurings_within(unit: Unit) -> QuerySet[Restructuring]:
    """Restructurings asked at the unit or below it, latest first."""
    return Restructuring.objects.filter(unit_path__startswith=unit.path).select_related(
        "created_by", "undone_by", "unit"
    )


def access_restructuring(scope: Scope, pk: Any) -> Restructuring:
    return access(restructurings_within(scope.unit), pk, "restructuring")
