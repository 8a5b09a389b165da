"""Who may already be a member: the one rule that the admission form and the import apply.

Two records may be the same woman when they have the same citizen ID number; or the same name
(ignoring case, spaces and diacritics) and the same birth (two full dates must agree; where either
side knows only the year, the years must); or the same phone and a similar name: the same given
name, or the whole name one slip of the keyboard apart ("Lan Anh" typed "Lan Ahn"). A household
often shares one phone, so a sister or a mother-in-law under it ("Nguyễn Thị Hoa" beside
"Nguyễn Thị Bình") is not flagged.

The rule works on plain values; `find_duplicates` asks the database for the candidates of one
record (the form), the import asks for a whole file's candidates in batches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from hoiso.core.text import fold
from hoiso.members.models import Member


class Reason(StrEnum):
    CITIZEN_ID = "citizen_id"
    NAME_BIRTH = "name_birth"
    PHONE_NAME = "phone_name"


@dataclass(frozen=True, slots=True)
class Person:
    """What the rule compares: the folded name, birth, normalised phone and citizen ID."""

    name: str
    birth_date: dt.date | None = None
    birth_year: int | None = None
    phone: str = ""
    citizen_id: str = ""

    @classmethod
    def of(
        cls,
        *,
        full_name: str = "",
        name_folded: str | None = None,
        birth_date: dt.date | None = None,
        birth_year: int | None = None,
        phone: str | None = "",
        citizen_id: str | None = "",
    ) -> Person:
        return cls(
            name=name_folded if name_folded is not None else fold(full_name),
            birth_date=birth_date,
            birth_year=birth_date.year if birth_date else birth_year,
            phone=phone or "",
            citizen_id=citizen_id or "",
        )

    @classmethod
    def of_member(cls, member: Member) -> Person:
        return cls.of(
            name_folded=member.name_folded or fold(member.full_name),
            birth_date=member.birth_date,
            birth_year=member.birth_year,
            phone=member.phone,
            citizen_id=member.citizen_id,
        )


def same_person(new: Person, old: Person) -> Reason | None:
    """Why `new` may be `old`, or None."""
    if new.citizen_id and new.citizen_id == old.citizen_id:
        return Reason.CITIZEN_ID
    if new.name and new.name == old.name and same_birth(new, old):
        return Reason.NAME_BIRTH
    if new.phone and new.phone == old.phone and similar_names(new.name, old.name):
        return Reason.PHONE_NAME
    return None


def same_birth(a: Person, b: Person) -> bool:
    """Two full dates must agree; where either side knows only the year, the years must."""
    if a.birth_date and b.birth_date:
        return a.birth_date == b.birth_date
    return bool(a.birth_year) and a.birth_year == b.birth_year


def similar_names(a: str, b: str) -> bool:
    """Folded names with the same given name (the last word), or one slip apart."""
    a_words, b_words = a.split(), b.split()
    if not a_words or not b_words:
        return False
    return a_words[-1] == b_words[-1] or _one_slip_apart(a, b)


def _one_slip_apart(a: str, b: str) -> bool:
    """One letter changed, added or dropped, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    a_rest, b_rest = a[start:], b[start:]
    return (
        a_rest[1:] == b_rest[1:]  # changed
        or a_rest[1:] == b_rest  # dropped from b
        or a_rest == b_rest[1:]  # added to b
        or (len(a_rest) >= 2 and a_rest[:2] == b_rest[1::-1] and a_rest[2:] == b_rest[2:])
    )


def find_duplicates(member: Member, *, exclude_pk: int | None = None) -> list[Member]:
    """Members of the province who may be this person, by the rule above."""
    person = Person.of_member(member)
    q = Q()
    if person.citizen_id:
        q |= Q(citizen_id=person.citizen_id)
    if person.birth_year:
        q |= Q(name_folded=person.name, birth_year=person.birth_year)
    if person.phone:
        q |= Q(phone=person.phone)
    if not q:
        return []
    found = Member.objects.filter(q, province_id=member.province_id)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    found = found.select_related("branch", "commune")[:20]
    return [m for m in found if same_person(person, Person.of_member(m))]
