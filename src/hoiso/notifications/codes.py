"""One-time codes sent to a phone number: the person proves the number is hers by typing back
what was sent to it (members' concerns, the public vote). The code is kept hashed in the cache
with what it unlocks; it lasts ten minutes, is refused after five wrong tries, and works once.

Sending is the caller's: it passes the code to `notify()` with a kind registered
`requested=True` (her request is her consent) and `secret=True` (its text is not kept).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.cache import cache

CODE_MINUTES = 10
CODE_TRIES = 5


def _hash(text: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()


def phone_key(purpose: str, phone: str) -> str:
    """A key naming this phone for this purpose, without the number itself (cache keys, logs)."""
    return _hash(f"otp:{purpose}:{phone}")


def code_issue(*, purpose: str, phone: str, data: dict[str, Any]) -> str:
    """A new six-digit code for this phone and purpose, replacing any earlier one; `data` is
    what `code_take` gives back when the right code is typed."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    held = {"code": _hash(code), "data": data, "tries": 0}
    cache.set(f"otp:{phone_key(purpose, phone)}", held, timeout=CODE_MINUTES * 60)
    return code


def code_take(*, purpose: str, phone: str, code: str) -> dict[str, Any] | None:
    """What the code unlocks, if it is this phone's current code; None when it is wrong, has
    expired, was used already, or was tried wrongly too often. A right code works once."""
    key = f"otp:{phone_key(purpose, phone)}"
    held = cache.get(key)
    if not held or held["tries"] >= CODE_TRIES:
        return None
    if not secrets.compare_digest(held["code"], _hash("".join(code.split()))):
        held["tries"] += 1
        cache.set(key, held, timeout=CODE_MINUTES * 60)
        return None
    # Once: the first to mark it used wins, a second request with the same code is refused.
    if not cache.add(f"otp-used:{held['code']}", 1, timeout=CODE_MINUTES * 60):
        return None
    cache.delete(key)
    data: dict[str, Any] = held["data"]
    return data


def code_pending(*, purpose: str, phone: str) -> bool:
    """A code was sent to this phone for this purpose and is still waiting to be typed."""
    return cache.get(f"otp:{phone_key(purpose, phone)}") is not None
