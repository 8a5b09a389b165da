"""`{% targets_todo scope %}`: on a unit's home page, what the unit must still do this period."""

from __future__ import annotations

from typing import Any

from django import template

from hoiso.accounts.roles import VIEW_TARGETS
from hoiso.notifications.models import Message
from hoiso.targets.dashboard import todo

register = template.Library()


@register.inclusion_tag("targets/todo.html")
def targets_todo(scope: Any) -> dict[str, Any]:
    if scope is None or not scope.can(VIEW_TARGETS):
        return {"rows": []}
    # The person's unread messages about this unit (target reminders among them), whichever
    # channel carried them: the in-app side of the notifications service.
    notices = Message.objects.filter(
        user=scope.user, unit=scope.unit, read_at__isnull=True, secret=False
    )[:5]
    return {"rows": todo(scope.unit), "unit": scope.unit, "notices": list(notices)}
