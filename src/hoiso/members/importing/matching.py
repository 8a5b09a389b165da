"""Matching rows against the file itself and the members already known (by citizen ID, card, name
and birth, or phone), in batches: each row becomes an update, unchanged, or a possible duplicate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hoiso.members.choices import Status
from hoiso.members.duplicates import Person, Reason, same_person
from hoiso.members.importing.plan import (
    DUPLICATE,
    ERROR,
    NEW,
    UNCHANGED,
    UPDATABLE,
    UPDATE,
    Row,
    Setup,
    name_keys,
)
from hoiso.members.models import (
    Member,
    visible_sql,
)
from hoiso.members.permissions import MemberAccess
from hoiso.units.models import Unit, name_in_sentence


def _chunks(items: list[Any], n: int = 900) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


_MATCH_FIELDS = ("pk", "full_name", "name_folded", "birth_date", "birth_year", "citizen_id",
                 "phone", "card_number", "status", "branch_id", "branch_path", "ethnicity",
                 "religion", "address", "village", "join_date", "education", "occupation",
                 "party_member", "commune_id", "province_id")  # fmt: skip


def _existing(province: Unit, column: str, keys: set[str]) -> list[dict[str, Any]]:
    """Members whose `column` is one of `keys`: in the province, and for a citizen ID also any
    active member elsewhere (the number is unique among active members). Active ones last, so
    that a dict built from the list keeps them.

    Plain SQL: a hundred thousand keys through the ORM cost more in building the queries than
    the database spends answering them.

    A phone is asked by its own index, the province checked here: given "province_id = ? AND
    phone IN (…)", SQLite (which keeps no statistics) chose the province's index and read every
    member of the province for each batch of phones, so that each file's check grew with the
    province (1.2 s a batch at 100,000 members, 11 batches a file)."""
    column_of = _columns()
    chunks = [
        (*_in(column_of[column], chunk), "") for chunk in _chunks(sorted(k for k in keys if k))
    ]
    if column == "phone":
        found = _select(None, chunks)
        return [m for m in found if m["province_id"] == province.pk]
    return _select(province, chunks, anywhere_active=column == "citizen_id")


def _namesakes(province: Unit, people: set[tuple[str, int]]) -> list[dict[str, Any]]:
    """Members of the province with one of these (folded name, birth year) pairs: the only ones
    a row may be by name and birth. Asked pair by pair through the index on (province, name,
    year), not by names and years apart: a common name is shared by thousands in a province,
    born in every year a file holds, and reading all of them made each file's check grow with
    the province (a million-row province's last files read most of its members)."""
    chunks: list[Chunk] = []
    for chunk in _chunks(sorted(people), 400):
        if connection.vendor == "postgresql":
            wanted = "unnest(%s::varchar[], %s::integer[]) AS w(column1, column2)"
            params: list[Any] = [[n for n, _y in chunk], [y for _n, y in chunk]]
        else:  # CROSS JOIN keeps SQLite's loop over the pairs outside, each an index seek
            wanted = f"(VALUES {', '.join(['(%s, %s)'] * len(chunk))}) AS w"
            params = [v for pair in chunk for v in pair]
        chunks.append(('"name_folded" = w.column1 AND "birth_year" = w.column2', params, wanted))
    return _select(province, chunks)


def _in(column: str, values: list[Any]) -> tuple[str, list[Any]]:
    """`column IN (values)`: on PostgreSQL one array parameter, which psycopg sends as it is,
    where a list of hundreds of placeholders cost more to parse client-side than the query."""
    if connection.vendor == "postgresql":
        return f'"{column}" = ANY(%s)', [list(values)]
    return f'"{column}" IN ({", ".join(["%s"] * len(values))})', list(values)


def _columns() -> dict[str, str]:
    return {f.attname: f.column for f in Member._meta.concrete_fields}


# A batch of a look-up: its condition, its parameters, and a row source put before the member
# table ("" for none; its parameters, then, lead the others).
Chunk = tuple[str, list[Any], str]


def _select(
    province: Unit | None, chunks: list[Chunk], *, anywhere_active: bool = False
) -> list[dict[str, Any]]:
    """The match fields of the visible members of the province (None: of any province; or,
    `anywhere_active`, active anywhere) that meet each chunk's condition, active ones last."""
    column_of = _columns()
    columns = ", ".join(f'"{column_of["id" if f == "pk" else f]}"' for f in _MATCH_FIELDS)
    # Not the rows another import is still writing.
    where, params = visible_sql()
    if province is not None:
        mine = '"province_id" = %s'
        if anywhere_active:
            mine = f'({mine} OR "status" = %s)'
        where = f"{mine} AND {where}"
        params = [province.pk, *([Status.ACTIVE] if anywhere_active else []), *params]
    found = []
    with connection.cursor() as cursor:
        table = f'"{Member._meta.db_table}"'
        for condition, chunk_params, joined in chunks:
            if joined:
                sql = f"SELECT {columns} FROM {joined} CROSS JOIN {table} WHERE {condition} AND {where}"
                values = [*chunk_params, *params]
            else:
                sql = f"SELECT {columns} FROM {table} WHERE {where} AND {condition}"
                values = [*params, *chunk_params]
            cursor.execute(sql, values)
            for values in cursor.fetchall():
                m = dict(zip(_MATCH_FIELDS, values, strict=True))
                for day in ("birth_date", "join_date"):  # SQLite hands dates back as text
                    if isinstance(m[day], str):
                        m[day] = dt.date.fromisoformat(m[day])
                m["party_member"] = bool(m["party_member"])
                found.append(m)
    found.sort(key=lambda m: m["status"] == Status.ACTIVE)
    return found


def match_rows(
    rows: list[Row],
    province: Unit,
    setup: Setup,
    *,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> None:
    """Mark updates and possible duplicates: against the file itself, then the database."""
    live = [r for r in rows if r.status != ERROR]
    _within_file(live, setup)
    live = [r for r in live if r.status == NEW]
    known = _Known(province, live, setup.actor)
    if progress:
        progress(total + total // 3, total * 2)
    known.load_people(live)
    for r in live:
        _against_members(r, known, setup)


def _within_file(live: list[Row], setup: Setup) -> None:
    """A row that repeats an earlier one's citizen ID or card is an error; one with the same
    name and birth, a possible duplicate (unless the cadre adds it anyway)."""
    seen_cid: dict[str, Row] = {}
    seen_card: dict[str, Row] = {}
    seen_person: dict[tuple[str, Any], Row] = {}
    for r in live:
        cid, card = r.values.get("citizen_id"), r.values.get("card_number")
        if cid and cid in seen_cid:
            r.problem(
                _("Citizen ID"),
                _("The same citizen ID number as row %(n)d.") % {"n": seen_cid[cid].number},
            )
            continue
        if card and card in seen_card:
            r.problem(
                _("Card number"),
                _("The same card number as row %(n)d.") % {"n": seen_card[card].number},
            )
            continue
        person = (name_keys(r.name)[0], r.values.get("birth_date") or r.values.get("birth_year"))
        if person[1] and person in seen_person and r.ref not in setup.add_duplicates:
            r.status = DUPLICATE
            r.match = _("Same name and birth as row %(n)d of this file.") % {
                "n": seen_person[person].number
            }
            continue
        if cid:
            seen_cid[cid] = r
        if card:
            seen_card[card] = r
        if person[1]:
            seen_person.setdefault(person, r)


class _Known:
    """The members already known that the rows may be, by citizen ID, card, name or phone."""

    def __init__(self, province: Unit, live: list[Row], actor: MemberAccess) -> None:
        self.province = province
        # What the preview may say of each of them, for the import's author.
        self.naming = _Names(actor)
        cids = {r.values.get("citizen_id", "") for r in live}
        self.by_cid = {m["citizen_id"]: m for m in _existing(province, "citizen_id", cids)}
        cards = {r.values.get("card_number", "") for r in live}
        self.by_card = {m["card_number"]: m for m in _existing(province, "card_number", cards)}
        self.by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.by_phone: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def load_people(self, live: list[Row]) -> None:
        people = {(name_keys(r.name)[0], r.values["birth_year"])
                  for r in live if r.values.get("birth_year")}  # fmt: skip
        for m in _namesakes(self.province, people):
            self.by_name[m["name_folded"]].append(m)
        for m in _existing(self.province, "phone", {r.values.get("phone", "") for r in live}):
            self.by_phone[m["phone"]].append(m)


def _against_members(r: Row, known: _Known, setup: Setup) -> None:
    """The row is a known member (an update, or unchanged), or may be one (a duplicate)."""
    naming = known.naming
    cid, card = r.values.get("citizen_id"), r.values.get("card_number")
    by_cid, by_card = known.by_cid, known.by_card
    member = (by_cid.get(cid) if cid else None) or (by_card.get(card) if card else None)
    if member is not None:
        if (
            not member["branch_path"].startswith(setup.unit.path)
            or member["status"] != Status.ACTIVE
        ):
            _elsewhere(r, member, setup, naming)
            return
        other = by_card.get(card) if card else None
        if other is not None and other["pk"] != member["pk"]:
            r.problem(
                _("Card number"),
                _("Card number %(n)s is already used in the province.") % {"n": card},
            )
            return
        r.member_id, r.existing = member["pk"], member
        r.changes = _changes(member, r.values)
        r.status = UPDATE if r.changes else UNCHANGED
        return
    if r.ref in setup.add_duplicates:
        return
    folded = name_keys(r.name)[0]
    phone = r.values.get("phone")
    candidates = [*known.by_name.get(folded, []), *(known.by_phone.get(phone, []) if phone else [])]
    _possible_duplicate(r, folded, candidates, naming)


class _Names:
    """What the preview may say of a member a row may be: her name where the author serves her,
    elsewhere only what the admission form says (the unit, not the woman)."""

    def __init__(self, actor: MemberAccess) -> None:
        self.actor = actor
        self.communes: dict[int, str] = {}

    def visible(self, member: dict[str, Any]) -> bool:
        return self.actor.names(member["branch_path"])

    def say(self, message: str, member: dict[str, Any]) -> str:
        if self.visible(member):
            return message % {"name": member["full_name"]}
        commune_id = member["commune_id"]
        if commune_id not in self.communes:
            found = Unit.objects.filter(pk=commune_id).values_list("name", flat=True).first()
            self.communes[commune_id] = name_in_sentence(found or "")
        return (_("This person may already be a member:") + " "
                + _("a member of another unit (%(commune)s); ask the province if unsure")
                % {"commune": self.communes[commune_id]})  # fmt: skip


def _elsewhere(r: Row, member: dict[str, Any], setup: Setup, names: _Names) -> None:
    """The row's citizen ID or card belongs to a member outside the unit, or no longer active."""
    cid, card = r.values.get("citizen_id"), r.values.get("card_number")
    if member["status"] == Status.ACTIVE and cid and member["citizen_id"] == cid:
        r.problem(
            _("Citizen ID"),
            _("This citizen ID number belongs to an active member of another unit: "
              "ask that unit to transfer her, or check the number."),
        )  # fmt: skip
        return
    if member["card_number"] == card and card and member["citizen_id"] != cid:
        r.problem(
            _("Card number"),
            _("Card number %(n)s is already used in the province.") % {"n": card},
        )
        return
    added = r.ref in setup.add_duplicates
    if added and not names.visible(member):
        return  # as on the admission form: the cadre has checked, and adds her
    r.status = DUPLICATE
    r.member_id = member["pk"]
    r.match = names.say(_("A former member with the same number: %(name)s."), member)
    if added:
        r.problem(_("Citizen ID"), _("Restore her from her page instead of adding her again."))


_SAID = {
    Reason.CITIZEN_ID: gettext_noop("A former member with the same number: %(name)s."),
    Reason.NAME_BIRTH: gettext_noop("Same name and birth as %(name)s, already a member."),
    Reason.PHONE_NAME: gettext_noop("Same phone as %(name)s, already a member."),
}


def _possible_duplicate(
    r: Row, folded: str, candidates: list[dict[str, Any]], names: _Names
) -> None:
    """The first member the row may be, by the one duplicate rule."""
    person = Person(
        name=folded, birth_date=r.values.get("birth_date"), birth_year=r.values.get("birth_year"),
        phone=r.values.get("phone") or "", citizen_id=r.values.get("citizen_id") or "",
    )  # fmt: skip
    for m in candidates:
        found = Person(
            name=m["name_folded"], birth_date=m["birth_date"], birth_year=m["birth_year"],
            phone=m["phone"] or "", citizen_id=m["citizen_id"] or "",
        )  # fmt: skip
        reason = same_person(person, found)
        if reason is not None:
            r.status, r.member_id = DUPLICATE, m["pk"]
            r.match = names.say(_(_SAID[reason]), m)
            return


def _changes(member: dict[str, Any], values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    out = {}
    for name in UPDATABLE:
        if name in values and values[name] not in (None, "") and values[name] != member.get(name):
            if name == "birth_year" and values.get("birth_date"):
                continue
            out[name] = (member.get(name), values[name])
    return out
