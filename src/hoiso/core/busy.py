"""A database that is busy for a moment: short retried transactions for workers, and a "busy,
trying again" answer instead of a server error for people.

SQLite has one writer at a time. Long jobs write in short steps, so a request waits at most a
second or two for the lock; should one still give up waiting (`database is locked`), the person
gets a page that says so in her language and tries again by itself.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.signals import got_request_exception
from django.db import OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRY_AFTER = 3  # seconds


def is_locked(error: BaseException) -> bool:
    """The database refused a write because another one holds it (SQLite's one writer)."""
    return isinstance(error, OperationalError) and "locked" in str(error).lower()


def short_transaction(step: Callable[[], T], *, tries: int = 5) -> T:
    """Run `step` in a transaction of its own; when the database is locked, wait and run it again
    (the step must not have done anything outside the database)."""
    for n in range(1, tries + 1):
        try:
            with transaction.atomic():
                return step()
        except OperationalError as e:
            if not is_locked(e) or n == tries:
                raise
            log.warning("database locked; trying again (%d/%d)", n, tries)
            time.sleep(n)
    raise AssertionError("unreachable")


def _note_locked(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Django turns an exception into a 500 response in the layer that raised it (a view, or a
    middleware saving the session); remember that it was a lock, for BusyMiddleware above."""
    error = sys.exc_info()[1]
    if request is not None and error is not None and is_locked(error):
        request._hoiso_busy = True  # type: ignore[attr-defined]


got_request_exception.connect(_note_locked, dispatch_uid="hoiso-busy")


class BusyMiddleware:
    """Answer 503 "busy, trying again" (with Retry-After) where a request met a locked database.

    A page asked for normally reloads itself; a form sent is sent again by itself (its fields are
    kept, files excepted); an htmx request gets a fragment that asks again after a moment.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "_hoiso_busy", False):
            return busy_response(request)
        return response


def busy_response(request: HttpRequest) -> HttpResponse:
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        for value in values
        if request.method == "POST"
    ]
    context = {
        "method": request.method,
        "path": request.get_full_path(),
        "fields": fields,
        "files": bool(request.FILES),
        "retry_after": RETRY_AFTER,
        "vals": json.dumps(dict(fields)),
    }
    htmx = request.headers.get("HX-Request") == "true"
    template = "core/busy_fragment.html" if htmx else "core/busy.html"
    # htmx swaps only successful answers: its fragment comes as 200, marked busy in a header.
    # Rendered without the request: its context processors would read the locked database.
    response = HttpResponse(render_to_string(template, context), status=200 if htmx else 503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    if htmx:
        response["X-Hoiso-Busy"] = "1"
    return response
