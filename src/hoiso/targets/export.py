"""The dashboard as an .xlsx: a summary sheet, then one sheet per target with every unit the
viewer may see, its value, met or not, and the lagging units' cadres with their phones."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter.format import Format

from hoiso.core import formats
from hoiso.core.workbook import Workbook
from hoiso.targets.dashboard import Row, contacts
from hoiso.units.models import Unit


def _measure(book: Workbook, value: Any, is_percent: bool) -> tuple[float | None, Format]:
    """A value as a number cell that sums and sorts, shown as the union writes it: a share as
    Excel's own percentage (0.353 shown 35,3%), a count grouped (1.234)."""
    if is_percent:
        return formats.sheet_percent(value), book.number_format(formats.XLSX_PERCENT)
    if value is None or float(value).is_integer():
        return value, book.number_format(formats.XLSX_COUNT)
    return float(value), book.number_format(formats.XLSX_DECIMAL)


def dashboard_xlsx(out: Any, unit: Unit, rows: list[Row]) -> None:
    book = Workbook(out)
    count = book.number_format(formats.XLSX_COUNT)
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    good = book.add_format({"font_color": "#1B5E20"})
    bad = book.add_format({"font_color": "#A4262C"})
    summary = book.add_sheet(_("Summary"))
    summary.write(
        0,
        0,
        _("Targets of %(unit)s, as of %(t)s")
        % {"unit": unit.name, "t": timezone.localtime().strftime("%H:%M %d/%m/%Y")},
        bold,
    )
    header = [
        _("Target"),
        _("What is measured"),
        _("Period"),
        _("Comparison"),
        _("Level to reach"),
        _("Units meeting it"),
        _("Units"),
        _("Share (%)"),
        _("Required (%)"),
        _("Reached"),
    ]
    summary.write_row(2, 0, header, head)
    for i, row in enumerate(rows, start=3):
        r = row.result
        summary.write_row(
            i, 0, [row.target.title, row.metric_label, r.period.label(), row.target.sign]
        )
        summary.write(i, 4, *_measure(book, row.target.threshold, row.is_percent))
        summary.write(i, 5, r.n_met, count)
        summary.write(i, 6, r.n_units, count)
        summary.write(i, 7, *_measure(book, r.share, True))
        summary.write(i, 8, *_measure(book, row.target.required_share, True))
        if r.empty:
            summary.write(i, 9, _("No units in this period"))
        else:
            summary.write(i, 9, _("yes") if r.ok else _("no"), good if r.ok else bad)
    summary.set_column(0, 1, 40)
    summary.set_column(2, 9, 12)
    lagging_units = [x.unit for row in rows for x in row.visible if not x.met]
    people = contacts(lagging_units[:5000])
    for n, row in enumerate(rows, start=1):
        sheet = book.add_sheet(f"{n}. {row.target.title}")
        sheet.write(0, 0, row.target.title, bold)
        sheet.write_row(
            2,
            0,
            [_("Unit"), _("Value"), _("Met"), _("Still lacking"), _("Cadres to contact")],
            head,
        )
        for i, x in enumerate(row.visible, start=3):
            who = (
                "; ".join(
                    f"{a.user.display_name} {a.user.phone}".strip()
                    for a in people.get(x.unit.pk, [])
                )
                if not x.met
                else ""
            )
            sheet.write(i, 0, x.unit.name)
            if x.value is None:
                sheet.write(i, 1, _("no figure"))
            else:
                sheet.write(i, 1, *_measure(book, x.value, row.is_percent))
            sheet.write(i, 2, _("yes") if x.met else _("no"), good if x.met else bad)
            if not x.met and x.missing is not None:
                sheet.write(i, 3, *_measure(book, x.missing, row.is_percent))
            sheet.write(i, 4, who)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 3, 12)
        sheet.set_column(4, 4, 50)
        sheet.autofilter(2, 0, 2 + len(row.visible), 4)
    book.close()
