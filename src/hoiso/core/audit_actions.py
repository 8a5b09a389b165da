"""The actions written to the audit log, each with the words a cadre reads on the audit page.

Each app declares its own in its `apps.py` (`AUDIT_ACTIONS = {"post.logged": _("Logged a post")}`)
and registers them from its AppConfig.ready(); a test reads every `audit.log(` call in the source
and fails on an action nobody declared, so the page never shows a bare code.
"""

from __future__ import annotations

from collections.abc import Mapping

from django_stubs_ext import StrOrPromise

ACTIONS: dict[str, StrOrPromise] = {}


def declare(actions: Mapping[str, StrOrPromise]) -> None:
    """Register an app's actions and their labels; an action has one label only."""
    for code, label in actions.items():
        if code in ACTIONS and ACTIONS[code] is not label:
            raise ValueError(f"audit action {code!r} is declared twice")
        ACTIONS[code] = label


def label(action: str) -> str:
    """The action in words, or its code for one no longer declared (old log entries)."""
    return str(ACTIONS.get(action, action))
