"""Concerns through the scope: a cadre sees those raised or held in her subtree; a member sees
her own; nobody sees who wrote an anonymous one, because nobody was stored."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from hoiso.accounts.access import Scope, access
from hoiso.members.models import Member
from hoiso.voices.models import Concern


def concerns_of(scope: Scope) -> QuerySet[Concern]:
    """Concerns raised in the scope's subtree or held there now (one forwarded up from below
    stays visible to the unit it came from)."""
    path = scope.unit.path
    province = scope.unit.province()
    qs = Concern.objects.filter(Q(origin_path__startswith=path) | Q(holder_path__startswith=path))
    if province is not None:
        qs = qs.filter(province=province)
    return qs.select_related("origin", "holder", "member")


def access_concern(scope: Scope, pk: Any) -> Concern:
    """A concern of the scope's subtree, or 404."""
    return access(concerns_of(scope), pk, "concern")


def concerns_of_member(member: Member) -> QuerySet[Concern]:
    return Concern.objects.filter(member=member).select_related("holder").order_by("-created_at")


def access_own_concern(member: Member, pk: Any) -> Concern:
    """One of the member's own concerns, or 404."""
    return access(concerns_of_member(member), pk, "concern")
