"""What the unit's cadres have told earlier imports (header spellings, branch and commune choices),
kept for its next files.
"""

from __future__ import annotations

from typing import Any

from hoiso.accounts.access import permissions_at
from hoiso.accounts.roles import CHANGE_UNITS
from hoiso.members.importing.plan import Setup
from hoiso.members.models import (
    ImportMemory,
    MemberImport,
)
from hoiso.members.permissions import MemberAccess

# The cadre's answer "create this branch" to a branch name (else a branch's id).
NEW_BRANCH = "new"


def _memory(unit: Any) -> dict[str, dict[str, str]]:
    memory: dict[str, dict[str, str]] = {k: {} for k in ImportMemory.Kind.values}
    for kind, key, value in ImportMemory.objects.filter(unit=unit).values_list(
        "kind", "key", "value"
    ):
        memory[kind][key] = value
    return memory


def remembered_setup(unit: Any, imp: MemberImport | None = None) -> Setup:
    """What the unit's cadres have told earlier imports, then this import's own answers, and
    what the import's author may see and change there today (without an import: the operator)."""
    memory = _memory(unit)
    if imp is not None:
        memory["header"].update(imp.headers)
        memory["branch"].update(imp.branch_choices)
        memory["place"].update(imp.place_choices)
    create = {k for k, v in memory["branch"].items() if v == NEW_BRANCH}
    return Setup(
        unit=unit,
        known_headers=memory["header"],
        branch_choices={k: int(v) for k, v in memory["branch"].items() if str(v).isdigit()},
        place_choices={k: v for k, v in memory["place"].items() if v},
        default_branch_id=imp.default_branch_id if imp else None,
        add_duplicates=set(imp.add_duplicates) if imp else set(),
        actor=MemberAccess.at(imp.user, unit) if imp and imp.user else MemberAccess.operator(),
        create_branches=create,
        may_create_branches=may_create_branches(imp.user if imp else None, unit),
    )


def may_create_branches(user: Any, unit: Any) -> bool:
    """Whether the import's author may add branches where it imports (the unit form's right,
    units.change; the command line's operator may)."""
    return user is None or CHANGE_UNITS in permissions_at(user, unit)


def remember(imp: MemberImport) -> None:
    """Keep the cadre's corrections for her unit's next files."""
    for kind, answers in (
        (ImportMemory.Kind.HEADER, imp.headers),
        (ImportMemory.Kind.BRANCH, imp.branch_choices),
        (ImportMemory.Kind.PLACE, imp.place_choices),
    ):
        for key, value in answers.items():
            if value == NEW_BRANCH:  # made by this import: its name is a branch's from now on
                continue
            ImportMemory.objects.update_or_create(
                unit=imp.unit, kind=kind, key=key[:200], defaults={"value": str(value or "")}
            )
