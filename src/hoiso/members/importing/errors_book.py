"""The rows that could not be imported, as a workbook the cadre fixes and uploads again: each
sheet's header, the rows as the file had them, and a last column saying what to fix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from hoiso.members.importing.plan import ERROR, Plan


def write(plan: Plan, path: Path) -> int:
    """Write the error rows to `path`; returns how many there were."""
    errors = [r for r in plan.rows if r.status == ERROR]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    try:
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        wrap = book.add_format({"text_wrap": True, "font_color": "#9c0006", "bg_color": "#ffc7ce"})
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        layouts = dict(plan.sheets)
        sheets = list(dict.fromkeys(r.sheet for r in errors)) or [_("Errors")]
        for name in sheets:
            sheet = book.add_worksheet(_safe_name(name))
            layout = layouts.get(name)
            width = max([*(layout.headers if layout else {0: ""}), 0]) + 1
            rows = [r for r in errors if r.sheet == name]
            width = max([width, *(len(r.cells) for r in rows)])
            for col in range(width):
                _cell(sheet, 0, col, layout.headers.get(col, "") if layout else "", bold, day)
            sheet.write_string(0, width, _("What to fix"), bold)
            sheet.set_column(width, width, 60)
            sheet.freeze_panes(1, 0)
            for i, r in enumerate(rows, start=1):
                for col, value in enumerate(r.cells):
                    _cell(sheet, i, col, value, None, day)
                text = "; ".join(f"{h}: {m}" if h else m for h, m in r.problems)
                sheet.write_string(i, width, _("Row %(n)d. ") % {"n": r.number} + text, wrap)
    finally:
        book.close()
    return len(errors)


def _safe_name(name: str) -> str:
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in name).strip("'") or "Sheet"
    return cleaned[:31]


def _cell(sheet: Any, row: int, col: int, value: Any, fmt: Any, day: Any) -> None:
    # Strings are written as strings: "=…" in a cell stays text, never a formula.
    if value is None or value == "":
        return
    if isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(row, col, value, day)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value), fmt)
