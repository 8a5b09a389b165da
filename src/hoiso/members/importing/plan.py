"""What an import's analysis makes of a file: each row new, an update of a member, a possible
duplicate, or an error naming its cell, gathered in a `Plan`; nothing is written here.

The steps that fill it: `reading` (cells into values), `placing` (the row's branch), `matching`
(against the file itself and the members already known); `analysis.analyse` runs them in turn.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hoiso.core.text import db_sort_key, fold, words
from hoiso.members.importing.headers import Layout
from hoiso.members.importing.places import (
    PlaceMatch,
)
from hoiso.members.permissions import MemberAccess
from hoiso.members.services import name_words
from hoiso.units.models import Unit

if TYPE_CHECKING:
    from hoiso.members.importing.placing import Places

NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR = "new", "update", "unchanged", "duplicate", "error"

BATCH = 2000

PLACE_FIELDS = ("branch", "commune", "district")

# What an update may change on an existing member: what the file says, where it says something.
UPDATABLE = ("full_name", "birth_date", "birth_year", "citizen_id", "phone", "ethnicity",
             "religion", "address", "village", "join_date", "card_number", "education",
             "occupation", "party_member")  # fmt: skip


class Cancelled(Exception):
    """The cadre cancelled the import while it ran."""


class NotAllowed(Exception):
    """The import's author may not change members of its unit (any more)."""


@dataclass
class Row:
    sheet: str
    number: int  # the spreadsheet's own row number
    cells: list[Any]
    status: str = NEW
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    branch_id: int | None = None
    member_id: int | None = None
    # For an update, {field: (old, new)}; for a duplicate, who she may be.
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    match: str = ""
    place: PlaceMatch | None = None
    existing: dict[str, Any] = field(default_factory=dict)  # the member an update changes
    # The question key of the branch the cadre chose to create for this row (its id is known
    # only once the write creates it).
    new_branch: str = ""

    @property
    def ref(self) -> str:
        return f"{self.sheet}!{self.number}"

    @property
    def name(self) -> str:
        return str(self.values.get("full_name") or "")

    def problem(self, header: str, message: str) -> None:
        self.problems.append((header, message))
        self.status = ERROR


@dataclass
class Setup:
    """What the analysis needs besides the file: where the rows go and the cadre's decisions."""

    unit: Unit
    known_headers: dict[str, str] = field(default_factory=dict)
    branch_choices: dict[str, int] = field(default_factory=dict)  # branch_key → branch id
    place_choices: dict[str, str] = field(default_factory=dict)  # place choice key → commune code
    default_branch_id: int | None = None
    add_duplicates: set[str] = field(default_factory=set)  # row refs the cadre adds anyway
    # What the author may see and change, as the member form has it; the command line's operator
    # may do everything. A column she may not change is not read at all (set aside).
    actor: MemberAccess = field(default_factory=MemberAccess.operator)
    # Branch names (question keys) the cadre chose to create, and whether the author may create
    # branches at all (the unit form's right; the operator may).
    create_branches: set[str] = field(default_factory=set)
    may_create_branches: bool = True
    # The command line's --create-branches: every name that may become a branch does.
    create_all_branches: bool = False


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)
    sheets: list[tuple[str, Layout]] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    # Names the file uses that need the cadre: {key: (text, [(id or code, label)])}.
    unknown_branches: dict[str, tuple[str, list[tuple[int, str]]]] = field(default_factory=dict)
    # Of those, the ones near a branch's name: the branch proposed, pre-selected for the cadre.
    branch_proposals: dict[str, int] = field(default_factory=dict)
    branch_rows: dict[str, int] = field(default_factory=dict)  # rows waiting on each name
    # Of those, the ones that may become a new branch: {key: its cleaned name}; and the branches
    # chosen to be created on confirmation: {key: (name, commune id)}, with their rows in
    # `branch_rows` too.
    creatable: dict[str, str] = field(default_factory=dict)
    to_create: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Each new name's spellings in the file: one key written two ways is not offered (two places).
    spellings: dict[str, set[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    created: list[Unit] = field(default_factory=list)  # by the write, opened with its members
    ambiguous_places: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)
    places: Places | None = None
    # Columns set aside because the author's role may not change what they hold, in words.
    set_aside: list[str] = field(default_factory=list)
    # Columns typed with an old Vietnamese font (.VnTime, VNI) and read as Unicode, in words.
    converted: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def summary(self) -> dict[str, int]:
        counts = {s: 0 for s in (NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR)}
        for r in self.rows:
            counts[r.status] += 1
        counts["rows"] = len(self.rows)
        return counts


@functools.cache
def name_keys(name: str) -> tuple[str, str, tuple[str, ...], str]:
    return fold(name), db_sort_key(name), tuple(words(name)), name_words(name)
