"""Data versions, and cached metric values that are never stale.

Each app bumps the version of the data areas it writes, per province (`bump("members", …)` from
the member services, `"comms"` from the post services, `"activities"` from the activity services).
A metric's values are cached under a key that carries the versions of the areas its registration
declares it reads (`register(…, reads=(…))`), so the next reader after a write recomputes, and a
new member does not recompute post counts. The bump runs again after the commit, so a value
computed from data read before the commit can only be stored under a version no reader asks for
any more. An hour's expiry bounds what a write outside the services (a database console) could
leave. The area "today" is no data: it makes values that depend on the date (dues owed for the
quarters begun so far) last one local day at most.

Apps above this one learn of committed changes through `listen()` (targets recomputes
the province's targets in the background, so readers find them ready).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from hoiso.metrics.registry import REGISTRY

TTL = 3600
TODAY = "today"

# Called with the province's id once a transaction that bumped one of its areas commits.
Listener = Callable[[int], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Call `listener(province_id)` after each committed bump (once, however often it is added)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _version_key(area: str, province_id: int) -> str:
    return f"data-version:{area}:{province_id}"


def bump(area: str, province_id: int) -> None:
    """Mark the province's `area` data as changed, now and again once the transaction commits.

    The bump now makes the writer's own next read fresh; the bump after the commit retires any
    value another reader computed meanwhile from the data as it was before.
    """
    key = _version_key(area, province_id)
    cache.set(key, time.time_ns(), None)

    def after_commit() -> None:
        cache.set(key, time.time_ns(), None)
        for listener in list(_listeners):
            listener(province_id)

    transaction.on_commit(after_commit)


def version(province_id: int, areas: tuple[str, ...]) -> str:
    keys = [_version_key(a, province_id) for a in areas if a != TODAY]
    found = cache.get_many(keys)
    parts = [str(found.get(k, 0)) for k in keys]
    if TODAY in areas:
        parts.append(timezone.localdate().isoformat())
    return ".".join(parts)


def cached(code: str, key: str, province_id: int, compute: Callable[[], Any]) -> Any:
    """Metric `code`'s values from `compute()`, reused while the data it reads has not changed."""
    metric = REGISTRY.get(code)
    if metric is None or not metric.reads:
        return compute()
    full = f"metric:{code}:{key}:{version(province_id, metric.reads)}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, TTL)
    return value
