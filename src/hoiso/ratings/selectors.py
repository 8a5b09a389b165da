"""Schemes, assessments and evidence by an id from the URL, only through the scope (404 outside),
and who may do what on them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from hoiso.accounts.access import Scope, access
from hoiso.accounts.roles import MANAGE_TARGETS, PERMISSIONS
from hoiso.ratings.models import Assessment, EvidenceFile, Scheme
from hoiso.units.models import Unit


def schemes_concerning(unit: Unit) -> QuerySet[Scheme]:
    """Schemes set at the unit or above it, or inside it, that rate its level or one below."""
    concerns = Q(unit_path__in=unit.ancestor_paths) | Q(unit_path__startswith=unit.path)
    return Scheme.objects.filter(concerns, level__gte=unit.level).select_related("unit")


def access_scheme(scope: Scope, pk: Any) -> Scheme:
    return access(schemes_concerning(scope.unit), pk, "rating scheme")


def access_own_scheme(scope: Scope, pk: Any) -> Scheme:
    """A scheme set at the scope's unit or inside it (to change it), else 404."""
    scheme = access_scheme(scope, pk)
    if not scope.unit.contains(scheme.unit):
        raise Http404("set above")
    return scheme


def access_rated_scheme(scope: Scope, pk: Any) -> Scheme:
    """A scheme that rates the scope's unit itself: set above it, for its level."""
    schemes = (
        schemes_concerning(scope.unit).filter(level=scope.unit.level).exclude(unit_id=scope.unit.pk)
    )
    return access(schemes, pk, "rating scheme")


def access_evidence(assessment: Assessment, pk: Any) -> EvidenceFile:
    return access(EvidenceFile.objects.filter(score__assessment=assessment), pk, "evidence")


def may_assess(scope: Scope) -> bool:
    """The unit's own admins and cadres fill in its assessment (not the levels above it)."""
    return any(
        a.unit_id == scope.unit.pk and MANAGE_TARGETS in PERMISSIONS[a.role]
        for a in scope.assignments
    )


def may_decide(scope: Scope, scheme: Scheme) -> bool:
    """Those who manage targets at the scheme's unit or above it decide (the province)."""
    return any(
        scheme.unit_path.startswith(a.unit.path) and MANAGE_TARGETS in PERMISSIONS[a.role]
        for a in scope.assignments
    )
