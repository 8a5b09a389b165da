"""From a file's rows to a plan: each row new, an update of a member, a possible duplicate, or an
error naming its cell; nothing is written here.

Everything runs in memory over plain values: the rules of the member record are applied by
`rules.record_errors` (the same function the model's `clean` uses), and the database is asked
only in batches (members already known by ID, card, name and birth, or phone).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from hoiso.core.limits import control_error, length_error, max_length
from hoiso.core.text import clean, db_sort_key, fold, words
from hoiso.members import rules
from hoiso.members.choices import Kind, Sex, Status
from hoiso.members.duplicates import Person, Reason, same_person
from hoiso.members.importing import values as v
from hoiso.members.importing.headers import Layout, data_rows, find_layout
from hoiso.members.importing.places import (
    BranchFound,
    BranchIndex,
    PlaceMatch,
    branch_key,
    find_commune,
    province_index,
)
from hoiso.members.importing.reader import Sheet
from hoiso.members.models import Member, visible_sql
from hoiso.members.permissions import MemberAccess
from hoiso.members.services import name_words
from hoiso.units.models import Level, Unit

NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR = "new", "update", "unchanged", "duplicate", "error"
BATCH = 2000
# Fields the file may fill, with their parser; placement columns are read separately.
Parser = Callable[[Any, str], v.Parsed]  # (cell, language) → value or error


def _repeating(parse: Callable[[Any], v.Parsed]) -> Parser:
    """Columns whose values repeat down a list (ethnicity, a village, a name) are parsed once per
    distinct value and language; Parsed is frozen, so results are shared safely."""

    @functools.lru_cache(maxsize=16_384, typed=True)  # True is not 1, nor 1.0 the text "1"
    def cached(cell: Any, language: str) -> v.Parsed:
        return parse(cell)

    def parse_cell(cell: Any, language: str) -> v.Parsed:
        try:
            return cached(cell, language)
        except TypeError:  # an unhashable value
            return parse(cell)

    return parse_cell


def _each(parse: Callable[[Any], v.Parsed]) -> Parser:
    return lambda cell, language: parse(cell)


PARSERS: dict[str, Parser] = {
    "full_name": _repeating(v.parse_name),
    "sex": _repeating(v.parse_sex),
    "citizen_id": _each(v.parse_citizen_id),
    "phone": _each(v.parse_phone),
    "ethnicity": _repeating(v.parse_ethnicity),
    "religion": _repeating(v.parse_religion),
    "address": _repeating(v.parse_text),
    "village": _repeating(v.parse_text),
    "card_number": _each(v.parse_text),
    "education": _repeating(v.parse_education),
    "occupation": _repeating(v.parse_text),
    "party_member": _repeating(v.parse_yes_no),
}
# The longest text each column of the member table holds, read from the model: a longer value is
# a row error here, not a failed write (PostgreSQL) or a value stored whole (SQLite).
LIMITS: dict[str, int] = {
    name: limit for name in PARSERS if (limit := max_length(Member, name)) is not None
}
DATES = ("birth_date", "join_date")
PARSERS_AND_DATES = frozenset({*PARSERS, *DATES})
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
    ambiguous_places: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)
    places: Places | None = None
    # Columns set aside because the author's role may not change what they hold, in words.
    set_aside: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def summary(self) -> dict[str, int]:
        counts = {s: 0 for s in (NEW, UPDATE, UNCHANGED, DUPLICATE, ERROR)}
        for r in self.rows:
            counts[r.status] += 1
        counts["rows"] = len(self.rows)
        return counts


class Places:
    """The units rows can go to, inside the import's unit."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.level = Level(unit.level)
        self.province = Unit.objects.get(
            path__in=[*unit.ancestor_paths, unit.path], level=Level.PROVINCE
        )
        units = Unit.objects.within(unit).active()
        self.communes = {u.code: u for u in units.filter(level=Level.COMMUNE)}
        if self.level in (Level.BRANCH, Level.GROUP):
            self.communes = {}
        by_commune: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.branch_names: dict[int, str] = {}
        self.branch_paths: dict[int, str] = {}
        for pk, parent_id, name, path in units.filter(level=Level.BRANCH).values_list(
            "pk", "parent_id", "name", "path"
        ):
            by_commune[parent_id].append((pk, name))
            self.branch_names[pk] = name
            self.branch_paths[pk] = path
        self.branch_commune = {pk: c for c, pks in by_commune.items() for pk, _n in pks}
        self.indexes = {c: BranchIndex(pks) for c, pks in by_commune.items()}
        self.index = province_index(self.province.code)
        self._communes_seen: dict[tuple[str, str, str], PlaceMatch | None] = {}
        self._branches_seen: dict[tuple[int, str], BranchFound | None] = {}
        # Every commune of the province by code, to name the one a row's address points at.
        self.commune_names = dict(
            Unit.objects.filter(parent=self.province, level=Level.COMMUNE).values_list(
                "code", "name"
            )
        )

    def commune_of(self, address: str, commune: str, district: str) -> PlaceMatch | None:
        """find_commune, once per distinct address: a list repeats its villages."""
        key = (address, commune, district)
        if key not in self._communes_seen:
            self._communes_seen[key] = find_commune(
                self.index, address=address, commune=commune, district=district
            )
        return self._communes_seen[key]

    def find_branch(self, commune_id: int, name: str) -> BranchFound | None:
        key = (commune_id, name)
        if key not in self._branches_seen:
            index = self.indexes.get(commune_id)
            self._branches_seen[key] = index.find(name) if index else None
        return self._branches_seen[key]

    def unit_paths_and_communes(self) -> dict[int, tuple[str, int]]:
        """Branch id → (its path, its commune's id)."""
        return {pk: (path, self.branch_commune[pk]) for pk, path in self.branch_paths.items()}

    def branches_of(self, commune_id: int) -> list[tuple[int, str]]:
        return sorted(
            ((pk, name) for pk, name in self.branch_names.items()
             if self.branch_commune.get(pk) == commune_id),
            key=lambda p: p[1],
        )  # fmt: skip


def sheet_layouts(
    sheets: Iterable[Sheet], known: dict[str, str]
) -> Iterator[tuple[Sheet, Layout | None]]:
    for sheet in sheets:
        layout = find_layout(sheet.rows, known=known)
        if layout is not None and layout.column_of("full_name") is None:
            layout = None
        yield sheet, layout


def analyse(
    sheets: list[Sheet],
    setup: Setup,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """The plan for every member row of every sheet that holds a member list."""
    today = today or timezone.localdate()
    if "full_name" not in setup.actor.change:
        raise NotAllowed(_("Your role may not add or change members here."))
    places = Places(setup.unit)
    plan = Plan(places=places)
    work: list[tuple[Sheet, Layout, int, list[Any]]] = []
    for sheet, layout in sheet_layouts(sheets, setup.known_headers):
        if layout is None:
            plan.skipped_sheets.append(sheet.name)
            continue
        plan.sheets.append((sheet.name, layout))
        readable = _set_aside(layout, setup.actor, plan)
        work.extend((sheet, readable, n, list(cells)) for n, cells in data_rows(sheet.rows, layout))
    total = len(work)
    language = get_language() or ""
    # Dates repeat too (a join day for a whole branch, birthdays): parsed once per analysis.
    parse_date = _repeating(lambda cell: v.parse_date(cell, today=today))
    for i, (sheet, layout, number, cells) in enumerate(work):
        row = Row(sheet.name, number, cells)
        _read(row, layout, today, language, parse_date)
        _place(row, layout, sheet, setup, places, plan)
        plan.rows.append(row)
        if progress and i % BATCH == 0:
            progress(i, total * 2)
    _match(plan.rows, places.province, setup, progress=progress, total=total)
    return plan


def _set_aside(layout: Layout, actor: MemberAccess, plan: Plan) -> Layout:
    """The layout the rows are read with: without the columns whose field the author may not
    change (the member form does not show them to her), each one noted for the preview."""
    refused = {c: f for c, f in layout.columns.items() if f in PARSERS_AND_DATES
               and f not in actor.change}  # fmt: skip
    if not refused:
        return layout
    for col, name in sorted(refused.items()):
        note = _("Column “%(header)s” is not imported: your role may not change the %(field)s.") % {
            "header": _header(layout, col), "field": _label(name),
        }  # fmt: skip
        if note not in plan.set_aside:
            plan.set_aside.append(note)
    columns = {c: f for c, f in layout.columns.items() if c not in refused}
    return dataclasses.replace(layout, columns=columns, _by_field={}, _built_for=-1)


def _label(name: str) -> str:
    field = Member._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _header(layout: Layout, col: int) -> str:
    return layout.headers.get(col) or _column_letter(col)


def _where(layout: Layout, col: int, number: int) -> str:
    """ "Ngày sinh (C12)": the header as the file has it, and the cell."""
    return f"{_header(layout, col)} ({_column_letter(col)}{number})"


def _column_letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@functools.cache
def name_keys(name: str) -> tuple[str, str, tuple[str, ...], str]:
    return fold(name), db_sort_key(name), tuple(words(name)), name_words(name)


def _read(row: Row, layout: Layout, today: dt.date, language: str, parse_date: Parser) -> None:
    values = row.values
    cells = row.cells
    for col, name in layout.columns.items():
        if col >= len(cells):
            continue
        cell = cells[col]
        if cell is None or cell == "":
            continue
        if isinstance(cell, str) and (bad := control_error(cell)):
            row.problem(_where(layout, col, row.number), bad)
            continue
        if name in DATES:
            parsed = parse_date(cell, language)
        elif name in PARSERS:
            parsed = PARSERS[name](cell, language)
        else:
            continue
        if parsed.error:
            row.problem(_where(layout, col, row.number), parsed.error)
            continue
        if parsed.value is None:
            continue
        if isinstance(parsed.value, str) and (long := length_error(parsed.value, LIMITS.get(name))):
            row.problem(_where(layout, col, row.number), long)
            continue
        if name == "birth_date":
            if layout.male_birth_column == col:
                values["sex"] = Sex.MALE
            if parsed.year_only:
                values["birth_year"] = parsed.value
            else:
                values["birth_date"] = parsed.value
                values["birth_year"] = parsed.value.year
        elif name == "join_date" and parsed.year_only:
            values["join_date"] = dt.date(parsed.value, 1, 1)
        else:
            values[name] = parsed.value
    name_col = layout.column_of("full_name")
    if name_col is not None and (name_col >= len(cells) or cells[name_col] in (None, "")):
        row.problem(_where(layout, name_col, row.number), _("The full name is empty."))
    sex = values.get("sex") or Sex.FEMALE
    values["sex"] = sex
    values["kind"] = Kind.REGULAR if sex == Sex.FEMALE else Kind.HONORARY
    for fieldname, message in rules.record_errors(
        kind=values["kind"], sex=sex, birth_date=values.get("birth_date"),
        birth_year=values.get("birth_year"), join_date=values.get("join_date"),
        citizen_id=values.get("citizen_id", ""), today=today,
    ):  # fmt: skip
        at = layout.column_of(fieldname if fieldname != "birth_year" else "birth_date")
        row.problem(_where(layout, at, row.number) if at is not None else "", message)


def _cell_text(row: Row, layout: Layout, name: str) -> str:
    col = layout.column_of(name)
    if col is None or col >= len(row.cells) or row.cells[col] in (None, ""):
        return ""
    return _clean_cell(row.cells[col])


@functools.lru_cache(maxsize=16_384, typed=True)
def _clean_cell(value: Any) -> str:
    return clean(str(value))


def _place(
    row: Row, layout: Layout, sheet: Sheet, setup: Setup, places: Places, plan: Plan
) -> None:
    """Choose the row's branch: its branch cell, its village, its sheet's name, or the default."""
    unit = places.unit
    if places.level in (Level.BRANCH, Level.GROUP):
        row.branch_id = unit.pk if places.level == Level.BRANCH else unit.parent_id
        return
    commune: Unit | None = unit if places.level == Level.COMMUNE else None
    match = places.commune_of(
        _cell_text(row, layout, "address"),
        _cell_text(row, layout, "commune"),
        _cell_text(row, layout, "district"),
    )
    row.place = match
    if match is not None and match.codes:
        inside = [c for c in match.codes if c in places.communes]
        if commune is not None:
            if commune.code not in match.codes:
                row.problem(
                    _("Address"),
                    _("“%(place)s” is in %(today)s today, not in %(unit)s: import this row in "
                      "that commune's list, or correct the address.")
                    % {"place": match.text, "today": _commune_label(places, match.codes),
                       "unit": commune.name},
                )  # fmt: skip
                return
        elif len(inside) == 1 and len(match.codes) == 1:
            commune = places.communes[inside[0]]
        elif match.choice_key in setup.place_choices:
            commune = places.communes.get(setup.place_choices[match.choice_key])
        elif inside:
            plan.ambiguous_places.setdefault(
                match.choice_key,
                (match.text, [(c, places.commune_names[c]) for c in inside]),
            )
            row.problem(
                _("Address"),
                _("“%(place)s” was split or is ambiguous: choose today's commune for it above.")
                % {"place": match.text},
            )
            return
        else:
            row.problem(
                _("Address"),
                _("“%(place)s” is outside %(unit)s.") % {"place": match.text, "unit": unit.name},
            )
            return
    elif match is not None and places.level == Level.PROVINCE:
        row.problem(
            _("Address"),
            _("No commune called “%(place)s” was found in the province; check the spelling.")
            % {"place": match.text},
        )
        return
    if commune is None:
        row.problem(
            _("Address"),
            _("Which commune? Add a Xã/Phường column or write the commune in the address."),
        )
        return
    index = places.indexes.get(commune.pk)
    for source in (_cell_text(row, layout, "branch"), _cell_text(row, layout, "village")):
        if not source or index is None:
            continue
        found = places.find_branch(commune.pk, source)
        if found and found.exact:
            row.branch_id = found.pk
            return
        chosen = setup.branch_choices.get(f"{commune.pk}:{branch_key(source)}")
        if chosen:
            row.branch_id = chosen
            return
        # A near spelling is only proposed: her rows wait for the cadre, like an unknown name.
        if found or source == _cell_text(row, layout, "branch"):
            _ask_branch(row, plan, places, commune, source, found)
            return
    found = places.find_branch(commune.pk, sheet.name) if index is not None else None
    if found and found.exact:
        row.branch_id = found.pk
        return
    default = setup.default_branch_id
    if default and places.branch_commune.get(default) == commune.pk:
        row.branch_id = default
        return
    row.problem(
        _("Branch"),
        _("Which branch? Add a “Chi hội” column, or choose a branch for rows without one."),
    )


def _ask_branch(
    row: Row, plan: Plan, places: Places, commune: Unit, name: str, near: BranchFound | None
) -> None:
    """The row waits for the cadre to say which branch `name` is (with the one proposed)."""
    key = f"{commune.pk}:{branch_key(name)}"
    plan.unknown_branches.setdefault(
        key, (f"{name} ({commune.name})", places.branches_of(commune.pk))
    )
    plan.branch_rows[key] = plan.branch_rows.get(key, 0) + 1
    if near is None:
        row.problem(
            _("Branch"),
            _("%(commune)s has no branch called “%(name)s”: choose which branch it is above.")
            % {"commune": commune.name, "name": name},
        )
        return
    plan.branch_proposals[key] = near.pk
    row.problem(
        _("Branch"),
        _("“%(name)s” is not exactly the name of a branch of %(commune)s: confirm above whether "
          "it is “%(branch)s”.")
        % {"name": name, "commune": commune.name, "branch": places.branch_names[near.pk]},
    )  # fmt: skip


def _commune_label(places: Places, codes: Iterable[str]) -> str:
    return " / ".join(places.commune_names.get(code, code) for code in codes)


def _chunks(items: list[Any], n: int = 900) -> Iterator[list[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


_MATCH_FIELDS = ("pk", "full_name", "name_folded", "birth_date", "birth_year", "citizen_id",
                 "phone", "card_number", "status", "branch_id", "branch_path", "ethnicity",
                 "religion", "address", "village", "join_date", "education", "occupation",
                 "party_member", "commune_id", "province_id")  # fmt: skip


def _existing(
    province: Unit, column: str, keys: set[str], *, years: set[int] | None = None
) -> list[dict[str, Any]]:
    """Members whose `column` is one of `keys`: in the province, and for a citizen ID also any
    active member elsewhere (the number is unique among active members). Active ones last, so
    that a dict built from the list keeps them.

    Plain SQL: a hundred thousand keys through the ORM cost more in building the queries than
    the database spends answering them. `years`: only members born in one of them (a common
    name is shared by thousands in a province; only those born the same year can be her)."""
    meta = Member._meta
    column_of = {f.attname: f.column for f in meta.concrete_fields}
    columns = ", ".join(f'"{column_of["id" if f == "pk" else f]}"' for f in _MATCH_FIELDS)
    where = '"province_id" = %s'
    params: list[Any] = [province.pk]
    if column == "citizen_id":
        where = f'({where} OR "status" = %s)'
        params.append(Status.ACTIVE)
    if years is not None:
        if not years:
            return []
        where += f' AND "birth_year" IN ({", ".join(["%s"] * len(years))})'
        params.extend(sorted(years))
    visible, visible_params = visible_sql()  # not the rows another import is still writing
    where += f" AND {visible}"
    params.extend(visible_params)
    found = []
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(k for k in keys if k)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f'SELECT {columns} FROM "{meta.db_table}" '
                f'WHERE {where} AND "{column_of[column]}" IN ({marks})',
                [*params, *chunk],
            )
            for values in cursor.fetchall():
                m = dict(zip(_MATCH_FIELDS, values, strict=True))
                for day in ("birth_date", "join_date"):  # SQLite hands dates back as text
                    if isinstance(m[day], str):
                        m[day] = dt.date.fromisoformat(m[day])
                m["party_member"] = bool(m["party_member"])
                found.append(m)
    found.sort(key=lambda m: m["status"] == Status.ACTIVE)
    return found


def _match(
    rows: list[Row],
    province: Unit,
    setup: Setup,
    *,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> None:
    """Mark updates and possible duplicates: against the file itself, then the database."""
    live = [r for r in rows if r.status != ERROR]
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
    live = [r for r in live if r.status == NEW]
    cids = {r.values.get("citizen_id", "") for r in live}
    by_cid = {m["citizen_id"]: m for m in _existing(province, "citizen_id", cids)}
    cards = {r.values.get("card_number", "") for r in live}
    by_card = {m["card_number"]: m for m in _existing(province, "card_number", cards)}
    if progress:
        progress(total + total // 3, total * 2)
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names = {name_keys(r.name)[0] for r in live}
    years = {r.values["birth_year"] for r in live if r.values.get("birth_year")}
    for m in _existing(province, "name_folded", names, years=years):
        by_name[m["name_folded"]].append(m)
    by_phone: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in _existing(province, "phone", {r.values.get("phone", "") for r in live}):
        by_phone[m["phone"]].append(m)
    scope = setup.unit.path
    naming = _Names(setup.actor)
    for r in live:
        cid, card = r.values.get("citizen_id"), r.values.get("card_number")
        member = (by_cid.get(cid) if cid else None) or (by_card.get(card) if card else None)
        if member is not None:
            if not member["branch_path"].startswith(scope) or member["status"] != Status.ACTIVE:
                _elsewhere(r, member, setup, naming)
                continue
            other = by_card.get(card) if card else None
            if other is not None and other["pk"] != member["pk"]:
                r.problem(
                    _("Card number"),
                    _("Card number %(n)s is already used in the province.") % {"n": card},
                )
                continue
            r.member_id, r.existing = member["pk"], member
            r.changes = _changes(member, r.values)
            r.status = UPDATE if r.changes else UNCHANGED
            continue
        if r.ref in setup.add_duplicates:
            continue
        folded = name_keys(r.name)[0]
        phone = r.values.get("phone")
        candidates = [*by_name.get(folded, []), *(by_phone.get(phone, []) if phone else [])]
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
            self.communes[commune_id] = found or ""
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
