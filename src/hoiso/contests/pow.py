"""A proof-of-work challenge, as ALTCHA does it, with no service outside Hội Số.

The server picks a random salt (carrying its expiry) and a secret number up to `maxnumber`, and
sends the SHA-256 of salt + number, signed with an HMAC. The browser (`static/hoiso/pow.js`,
SubtleCrypto in a Web Worker) tries numbers from 0 until the hash matches: on average
`maxnumber / 2` hashes, a fraction of a second on a phone, but hours for someone who wants ten
thousand code requests. The server checks the signature, the hash, the expiry, and that the
answer was not used before: nothing is stored until an answer arrives.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

ALGORITHM = "SHA-256"
SECONDS = 10 * 60  # a challenge must be answered within this


def _key() -> bytes:
    return hashlib.sha256(f"hoiso.contests.pow:{settings.SECRET_KEY}".encode()).digest()


def _sign(text: str) -> str:
    return hmac.new(_key(), text.encode(), hashlib.sha256).hexdigest()


def challenge_issue(*, maxnumber: int | None = None, now: float | None = None) -> dict[str, Any]:
    """A new challenge, as the browser's solver reads it."""
    maxnumber = maxnumber or settings.VOTE_POW_MAX
    expires = int((now or time.time()) + SECONDS)
    salt = f"{secrets.token_hex(12)}?expires={expires}"
    number = secrets.randbelow(maxnumber + 1)
    digest = hashlib.sha256(f"{salt}{number}".encode()).hexdigest()
    return {
        "algorithm": ALGORITHM,
        "challenge": digest,
        "maxnumber": maxnumber,
        "salt": salt,
        "signature": _sign(digest),
    }


def solve(challenge: dict[str, Any]) -> str:
    """The answer the browser would send (for tests and the benchmark's set-up)."""
    for n in range(int(challenge["maxnumber"]) + 1):
        if hashlib.sha256(f"{challenge['salt']}{n}".encode()).hexdigest() == challenge["challenge"]:
            answer = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
            return base64.b64encode(json.dumps({**answer, "number": n}).encode()).decode()
    raise ValueError("no solution")


def answer_check(payload: str, *, now: float | None = None) -> bool:
    """True for the right answer to a challenge of ours, in time, seen for the first time."""
    try:
        answer = json.loads(base64.b64decode(payload, validate=True))
        salt, digest, signature = answer["salt"], answer["challenge"], answer["signature"]
        number = int(answer["number"])
        expires = int(salt.rpartition("?expires=")[2])
    except (ValueError, KeyError, TypeError, AttributeError):
        return False
    if answer.get("algorithm") != ALGORITHM or not isinstance(signature, str):
        return False
    if not hmac.compare_digest(_sign(str(digest)), signature):
        return False
    if hashlib.sha256(f"{salt}{number}".encode()).hexdigest() != digest:
        return False
    if expires < (now or time.time()):
        return False
    # Once only: the first request to mark this challenge used wins.
    return bool(cache.add(f"pow-used:{signature}", 1, timeout=SECONDS + 60))
