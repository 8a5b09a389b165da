"""Failed-login throttling, per account name and per address, in the shared cache."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

from hoiso.core.text import fold


def _account_key(username: str) -> str:
    """One key per account however it is named: username or phone, in any format or case."""
    from hoiso.accounts.backends import find_account

    user = find_account(username)
    name = f"#{user.pk}" if user is not None else fold(username)
    return "login-fail:user:" + hashlib.sha256(name.encode()).hexdigest()[:32]


def _keys(username: str, ip: str | None) -> list[tuple[str, int]]:
    limit = settings.LOGIN_MAX_FAILURES
    keys = [(_account_key(username), limit)]
    if ip:
        keys.append((f"login-fail:ip:{ip}", limit * 10))
    return keys


def is_locked(username: str, ip: str | None) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit in _keys(username, ip))


def record_failure(username: str, ip: str | None) -> None:
    for key, _limit in _keys(username, ip):
        cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW)


def reset(username: str) -> None:
    cache.delete(_account_key(username))
