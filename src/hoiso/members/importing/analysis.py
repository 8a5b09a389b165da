"""From a file's sheets to a plan: find each sheet's member list, then read, place and match every
row (see `plan`); the database is asked only in batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hoiso.core.legacy_text import FONTS
from hoiso.core.sheets import Sheet, column_name
from hoiso.members.importing import values as v
from hoiso.members.importing.headers import Layout, data_rows, find_layout
from hoiso.members.importing.matching import match_rows
from hoiso.members.importing.placing import Places, place_row, settle_new_branches
from hoiso.members.importing.plan import BATCH, NotAllowed, Plan, Row, Setup
from hoiso.members.importing.reading import read_row, repeating, set_aside


def sheet_layouts(
    sheets: Iterable[Sheet], known: dict[str, str]
) -> Iterator[tuple[Sheet, Layout | None]]:
    for sheet in sheets:
        layout = find_layout(sheet.rows, known=known)
        if layout is not None and layout.column_of("full_name") is None:
            layout = None
        yield sheet, layout


def converted_notes(sheet: Sheet, layout: Layout) -> list[str]:
    """One line per old font the sheet's columns were typed in, naming the columns converted."""
    notes = []
    for table in sorted(set(sheet.converted.values())):
        columns = [
            f"{column_name(c)} (“{layout.headers[c]}”)" if layout.headers.get(c) else column_name(c)
            for c, t in sorted(sheet.converted.items())
            if t == table
        ]
        notes.append(
            _(
                "Sheet “%(sheet)s”: columns %(columns)s were typed with the old %(font)s font; "
                "Hội Số has read them as Unicode. Check a few names below."
            )
            % {"sheet": sheet.name, "columns": ", ".join(columns), "font": FONTS[table]}
        )
    return notes


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
        plan.converted.extend(converted_notes(sheet, layout))
        readable = set_aside(layout, setup.actor, plan)
        work.extend((sheet, readable, n, list(cells)) for n, cells in data_rows(sheet.rows, layout))
    total = len(work)
    language = get_language() or ""
    # Dates repeat too (a join day for a whole branch, birthdays): parsed once per analysis.
    parse_date = repeating(lambda cell: v.parse_date(cell, today=today))
    for i, (sheet, layout, number, cells) in enumerate(work):
        row = Row(sheet.name, number, cells)
        read_row(row, layout, today, language, parse_date)
        place_row(row, layout, sheet, setup, places, plan)
        plan.rows.append(row)
        if progress and i % BATCH == 0:
            progress(i, total * 2)
    settle_new_branches(plan)
    match_rows(plan.rows, places.province, setup, progress=progress, total=total)
    return plan
