"""`audit.log(actor, "unit.renamed", unit, data={…})`: record who did what, to what, from where.

The request's address reaches the log through a context variable set by the middleware, so that
services record it without taking the request as an argument; commands and tasks record none.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse

from hoiso.core.models import AuditEvent

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # Only the socket's address is trusted: X-Forwarded-For is whatever the client wants it to be.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


def _unit_of(obj: models.Model | None) -> Any:
    """The unit an object belongs to: the unit itself, or the object's `unit` attribute."""
    if obj is None:
        return None
    if obj._meta.label == "units.Unit":
        return obj
    return getattr(obj, "audit_unit", None) or getattr(obj, "unit", None)


def log(
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    unit: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; `unit` defaults to the unit the object belongs to."""
    unit = unit or _unit_of(obj)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=actor.get_username() if is_user else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        unit=unit,
        unit_path=unit.path if unit is not None else "",
        ip=_client_ip.get(),
        data=data or {},
    )


def erase_mentions(object_type: str, object_ids: Iterable[Any], placeholder: str) -> int:
    """Redact the records about these objects of one type (`"members.member"`), after an erasure."""
    ids = [str(i) for i in object_ids]
    if not ids:
        return 0
    return AuditEvent.objects.filter(object_type=object_type, object_id__in=ids).redact(placeholder)
