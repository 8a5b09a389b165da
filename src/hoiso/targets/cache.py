"""Cached metric values that are never stale.

A metric's values for (target, period) are kept in the cache under a key that carries the data's
version for the province: every write of posts (comms), members or activities bumps that version, so the next
reader recomputes. The bump runs again after the commit, so a value computed from data read
before the commit can only be stored under a version no reader asks for any more.
An hour's expiry bounds what a write outside the services (a database console) could leave.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

TTL = 3600
# Which data each metric family reads: its cached values are keyed on that area's version only,
# so a new member does not recompute post counts. A family not listed here is never cached (an
# app adding metrics lists its prefix here and calls bump() from its services).
# "today" is no data: it makes values that depend on the date (dues owed for the quarters begun
# so far) last one local day at most.
AREAS = {
    "posts": ("comms",),
    "members": ("members",),
    "activities": ("activities",),
    "branch": ("activities", "members", "today"),
}


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
        # Recompute the province's targets in the background, so readers find them ready.
        from hoiso.targets.tasks import schedule_warm

        schedule_warm(province_id)

    transaction.on_commit(after_commit)


def version(province_id: int, areas: tuple[str, ...]) -> str:
    keys = [_version_key(a, province_id) for a in areas if a != "today"]
    found = cache.get_many(keys)
    parts = [str(found.get(k, 0)) for k in keys]
    if "today" in areas:
        parts.append(timezone.localdate().isoformat())
    return ".".join(parts)


def cached(code: str, key: str, province_id: int, compute: Callable[[], Any]) -> Any:
    """Metric `code`'s values from `compute()`, reused while the data it reads has not changed."""
    areas = AREAS.get(code.split(".", 1)[0])
    if areas is None:
        return compute()
    full = f"metric:{code}:{key}:{version(province_id, areas)}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value, TTL)
    return value
