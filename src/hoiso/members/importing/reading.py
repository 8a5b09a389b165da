"""Reading a row's cells into member values, each bad cell an error that names it ("Ngày sinh
(C12)"), with the rules of the member record applied by `rules.record_errors` (the same function
the model's `clean` uses).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from hoiso.core.limits import control_error, length_error, max_length
from hoiso.core.sheets import column_name
from hoiso.members import rules
from hoiso.members.choices import Kind, Sex
from hoiso.members.importing import values as v
from hoiso.members.importing.headers import Layout
from hoiso.members.importing.plan import Plan, Row
from hoiso.members.models import (
    Member,
)
from hoiso.members.permissions import MemberAccess

# Fields the file may fill, with their parser; placement columns are read separately.
Parser = Callable[[Any, str], v.Parsed]  # (cell, language) → value or error


def repeating(parse: Callable[[Any], v.Parsed]) -> Parser:
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
    "full_name": repeating(v.parse_name),
    "sex": repeating(v.parse_sex),
    "citizen_id": _each(v.parse_citizen_id),
    "phone": _each(v.parse_phone),
    "ethnicity": repeating(v.parse_ethnicity),
    "religion": repeating(v.parse_religion),
    "address": repeating(v.parse_text),
    "village": repeating(v.parse_text),
    "card_number": _each(v.parse_text),
    "education": repeating(v.parse_education),
    "occupation": repeating(v.parse_text),
    "party_member": repeating(v.parse_yes_no),
}

# The longest text each column of the member table holds, read from the model: a longer value is
# a row error here, not a failed write (PostgreSQL) or a value stored whole (SQLite).
LIMITS: dict[str, int] = {
    name: limit for name in PARSERS if (limit := max_length(Member, name)) is not None
}

DATES = ("birth_date", "join_date")

PARSERS_AND_DATES = frozenset({*PARSERS, *DATES})


def set_aside(layout: Layout, actor: MemberAccess, plan: Plan) -> Layout:
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
    return layout.headers.get(col) or column_name(col)


def _where(layout: Layout, col: int, number: int) -> str:
    """ "Ngày sinh (C12)": the header as the file has it, and the cell."""
    return f"{_header(layout, col)} ({column_name(col)}{number})"


def read_row(row: Row, layout: Layout, today: dt.date, language: str, parse_date: Parser) -> None:
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
