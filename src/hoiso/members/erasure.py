"""Who else holds a copy of a member's personal data, and how it is erased.

`member_erase` blanks her record; the apps and files that copied her name or numbers (training
records, generated files, …) register here, from their AppConfig.ready, a function that erases
their copy. Each runs inside the erasure's transaction, before her record is blanked, so it can
still find what names her; work on files waits for the commit (`transaction.on_commit`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hoiso.members.models import Member

Eraser = Callable[["Member"], None]
ERASERS: list[Eraser] = []


def eraser(fn: Eraser) -> Eraser:
    """Register `fn(member)` to run on every erasure."""
    if fn not in ERASERS:
        ERASERS.append(fn)
    return fn


def erase_copies(member: Member) -> None:
    for fn in ERASERS:
        fn(member)
