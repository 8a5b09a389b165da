"""The rows that could not be imported, as a workbook the cadre fixes and uploads again: each
sheet's header, the rows as the file had them, and a last column saying what to fix."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from hoiso.core.workbook import Workbook
from hoiso.members.importing.plan import ERROR, Plan


def write(plan: Plan, path: Path) -> int:
    """Write the error rows to `path`; returns how many there were."""
    errors = [r for r in plan.rows if r.status == ERROR]
    book = Workbook(str(path), large=True)
    try:
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        wrap = book.add_format({"text_wrap": True, "font_color": "#9c0006", "bg_color": "#ffc7ce"})
        layouts = dict(plan.sheets)
        sheets = list(dict.fromkeys(r.sheet for r in errors)) or [_("Errors")]
        for name in sheets:
            sheet = book.add_sheet(name)
            layout = layouts.get(name)
            width = max([*(layout.headers if layout else {0: ""}), 0]) + 1
            rows = [r for r in errors if r.sheet == name]
            width = max([width, *(len(r.cells) for r in rows)])
            for col in range(width):
                sheet.write(0, col, layout.headers.get(col, "") if layout else "", bold)
            sheet.write(0, width, _("What to fix"), bold)
            sheet.set_column(width, width, 60)
            sheet.freeze_panes(1, 0)
            for i, r in enumerate(rows, start=1):
                # The cells as the file had them, each of its own type; text stays text.
                sheet.write_row(i, 0, r.cells)
                text = "; ".join(f"{h}: {m}" if h else m for h, m in r.problems)
                sheet.write(i, width, _("Row %(n)d. ") % {"n": r.number} + text, wrap)
    finally:
        book.close()
    return len(errors)
