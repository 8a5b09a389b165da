"""Counting attempts in a window through the cache (a file cache on one machine, Redis where
several share it): logins, one-time codes, the public vote's challenges."""

from __future__ import annotations

from django.core.cache import cache


def hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt under `key`; True when this one goes past `limit` in the window (the
    window starts at the first attempt and is not extended by the following ones)."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: this attempt starts a new window
        cache.add(key, 1, timeout=window)
        return limit < 1
