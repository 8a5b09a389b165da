"""An import's progress and the cadre's cancel request, through the cache (shared by the web and
the worker), and when a silent worker counts as dead.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

from hoiso.members.importing.plan import Cancelled
from hoiso.members.models import (
    ImportStatus,
    MemberImport,
)

PROGRESS_KEY = "member-import-progress:{}"

CANCEL_KEY = "member-import-cancel:{}"

# A worker that has said nothing for this long has died: the import shows "interrupted", with
# Try again. Nothing it wrote is visible (staged rows are shown only once the import is done).
STALE_SECONDS = 120


def report(imp_id: Any, phase: str, done: int, total: int) -> None:
    cache.set(
        PROGRESS_KEY.format(imp_id),
        {"phase": phase, "done": done, "total": max(total, 1), "at": time.time()},
        timeout=3600,
    )


def progress_of(imp: MemberImport) -> dict[str, Any]:
    found = cache.get(PROGRESS_KEY.format(imp.pk)) or {}
    percent = int(100 * found.get("done", 0) / found.get("total", 1)) if found else 0
    stale = (
        imp.status in (ImportStatus.ANALYSING, ImportStatus.WRITING)
        and time.time() - found.get("at", imp.updated_at.timestamp()) > STALE_SECONDS
    )
    return {"phase": found.get("phase", ""), "percent": min(percent, 100), "stale": stale}


def request_cancel(imp: MemberImport) -> None:
    cache.set(CANCEL_KEY.format(imp.pk), 1, timeout=3600)


def check_cancel(imp_id: Any) -> None:
    if cache.get(CANCEL_KEY.format(imp_id)):
        raise Cancelled


def forget_cancel(imp_id: Any) -> None:
    """The step the cancel was meant for has ended: a later one must not see it."""
    cache.delete(CANCEL_KEY.format(imp_id))
