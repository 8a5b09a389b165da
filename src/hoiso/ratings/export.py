"""The list by rating as an .xlsx, through core's workbook writer: one sheet per scheme, each
unit with its own score, the decided score and the rating, then the counts per rating."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.core import formats
from hoiso.core.workbook import Workbook
from hoiso.ratings.board import Board
from hoiso.ratings.models import RATING_ORDER, Rating, State
from hoiso.units.models import Unit


def boards_xlsx(out: Any, unit: Unit, year: int, boards: list[Board]) -> None:
    book = Workbook(out)
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    points = book.number_format("0.00")
    count = book.number_format(formats.XLSX_COUNT)
    states = dict(State.choices)
    if not boards:
        sheet = book.add_sheet(_("Rating"))
        sheet.write(0, 0, _("No rating for %(year)s here.") % {"year": year}, bold)
    for board in boards:
        sheet = book.add_sheet(f"{board.scheme.year} {board.scheme.title}")
        sheet.write(0, 0, board.scheme.title, bold)
        sheet.write(
            1,
            0,
            _("%(unit)s, as of %(t)s")
            % {"unit": unit.union_name, "t": timezone.localtime().strftime("%H:%M %d/%m/%Y")},
        )
        header = [
            _("No."),
            _("Unit"),
            _("State"),
            _("Self-assessed points"),
            _("Decided points"),
            _("Rating"),
            _("Date of the decision"),
        ]
        sheet.write_row(3, 0, header, head)
        row = 4
        for n, line in enumerate(board.lines, start=1):
            a = line.assessment
            sheet.write(row, 0, n)
            sheet.write(row, 1, line.unit.name)
            sheet.write(row, 2, states.get(line.state, _("Not begun")))
            sheet.write(row, 3, line.self_total, points)
            sheet.write(row, 4, line.decided_total, points)
            sheet.write(row, 5, str(Rating(line.rating).label) if line.rating else "")
            sheet.write(row, 6, a.decided_on if a and a.decided_on else None)
            row += 1
        if board.lines:
            sheet.autofilter(3, 0, row - 1, len(header) - 1)
        row += 1
        sheet.write(row, 1, _("Units per rating"), bold)
        for r in RATING_ORDER:
            row += 1
            sheet.write(row, 1, str(r.label))
            sheet.write(row, 2, board.counts.get(r.value, 0), count)
        sheet.set_column(0, 0, 5)
        sheet.set_column(1, 1, 34)
        sheet.set_column(2, 2, 26)
        sheet.set_column(3, 4, 12)
        sheet.set_column(5, 5, 30)
        sheet.set_column(6, 6, 14)
    book.close()
