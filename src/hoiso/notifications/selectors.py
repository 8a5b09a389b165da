"""Reads shared by the pages: a unit's notices, its messages, its followers' messages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from hoiso.accounts.access import Scope, access
from hoiso.notifications.models import Broadcast, Inbound, Message
from hoiso.units.models import Level, Unit


def broadcasts_of(unit: Unit) -> QuerySet[Broadcast]:
    return Broadcast.objects.filter(unit__path__startswith=unit.path).select_related(
        "unit", "sender"
    )


def access_broadcast(scope: Scope, pk: Any) -> Broadcast:
    return access(broadcasts_of(scope.unit), pk, "notice")


def messages_within(unit: Unit) -> QuerySet[Message]:
    return Message.objects.filter(unit__path__startswith=unit.path).order_by("-created_at", "-id")


def messages_of(**who: Any) -> QuerySet[Message]:
    """A person's own messages (`member=` or `user=`), newest first."""
    return Message.objects.filter(**who).select_related("unit").order_by("-created_at", "-id")


def inbound_within(unit: Unit) -> QuerySet[Inbound]:
    """Followers' messages for the unit's communes; the unknown senders' wait at the province."""
    q = Q(unit__path__startswith=unit.path)
    if unit.level <= Level.PROVINCE:
        q |= Q(unit__isnull=True)
    return Inbound.objects.filter(q).select_related("member", "member__branch", "follower")
