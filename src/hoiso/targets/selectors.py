"""One target by id, through the scope.

`access_target` is `accounts.access.access` over the targets the scope may see: what lies outside
them and what does not exist both answer 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoiso.accounts.access import Scope, access
from hoiso.targets.models import Target


def access_target(scope: Scope, pk: Any) -> Target:
    """A target that concerns the unit, or 404: set at it or above it (a path is a prefix of
    another only for an ancestor, segments being of one width), or inside it; and applying to
    units at the scope's level or below it (a target for districts is not shown at a commune)."""
    unit = scope.unit
    concerns = Q(unit_path__in=unit.ancestor_paths) | Q(unit_path__startswith=unit.path)
    targets = Target.objects.filter(concerns, level__gte=unit.level).select_related("unit")
    return access(targets, pk, "target")
