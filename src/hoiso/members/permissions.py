"""What a user may do with member records at a unit: which fields she may see and change, and
whose names she may be told. The member pages apply it through the gate (`VIEW_SENSITIVE` takes
the sensitive fields out of the form); the import, which runs in the background without a request,
reads the same thing here from her assignments."""

from __future__ import annotations

from dataclasses import dataclass

from hoiso.accounts.access import assignments_at
from hoiso.accounts.models import User
from hoiso.accounts.roles import CHANGE_MEMBERS, VIEW_MEMBERS, VIEW_SENSITIVE, permissions_of
from hoiso.members.services import RECORD_FIELDS, SENSITIVE_FIELDS
from hoiso.units.models import Unit

ALL_FIELDS = frozenset(RECORD_FIELDS)


@dataclass(frozen=True)
class MemberAccess:
    see: frozenset[str]  # record fields whose stored values she may see
    change: frozenset[str]  # record fields she may write
    paths: tuple[str, ...]  # the subtrees whose members she may be told about by name

    @classmethod
    def of(cls, perms: frozenset[str], paths: tuple[str, ...]) -> MemberAccess:
        """The member form's rule: the sensitive fields only with `VIEW_SENSITIVE`, writing only
        with `CHANGE_MEMBERS`."""
        see = ALL_FIELDS if VIEW_SENSITIVE in perms else ALL_FIELDS - SENSITIVE_FIELDS
        if VIEW_MEMBERS not in perms:
            see = frozenset()
        return cls(see=see, change=see if CHANGE_MEMBERS in perms else frozenset(), paths=paths)

    @classmethod
    def at(cls, user: User, unit: Unit) -> MemberAccess:
        """Her access at `unit` through her assignments on it or above it, as the gate has it."""
        found = assignments_at(user, unit)
        perms = permissions_of({role for role, _path in found})
        return cls.of(perms, tuple(sorted({path for _role, path in found})))

    @classmethod
    def operator(cls) -> MemberAccess:
        """The command line's operator: every field, every name."""
        return cls(see=ALL_FIELDS, change=ALL_FIELDS, paths=("",))

    def names(self, branch_path: str) -> bool:
        """May she be told who the member at this branch is (as the admission form does)?"""
        return any(branch_path.startswith(path) for path in self.paths)
