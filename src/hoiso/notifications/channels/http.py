"""One HTTP client per provider and worker run: connections kept alive and shared by the threads."""

from __future__ import annotations

import httpx
from django.conf import settings

from hoiso.notifications.channels.base import Outcome


def client(base_url: str) -> httpx.Client:
    n = settings.NOTIFY_SEND_THREADS
    return httpx.Client(
        base_url=base_url,
        timeout=settings.NOTIFY_HTTP_TIMEOUT,
        limits=httpx.Limits(max_connections=n, max_keepalive_connections=n),
    )


def transient(response: httpx.Response) -> Outcome | None:
    """The answer for a rate limit (429, with its Retry-After) or a server error, else None."""
    if response.status_code == 429:
        after = response.headers.get("Retry-After", "")
        wait = float(after) if after.replace(".", "", 1).isdigit() else None
        return Outcome(ok=False, retry=True, wait=wait, reason="rate limited (HTTP 429)")
    if response.status_code >= 500:
        return Outcome(ok=False, retry=True, reason=f"HTTP {response.status_code}")
    return None
