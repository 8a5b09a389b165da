"""The consolidated report as an .xlsx (core's writer) and as a PDF (WeasyPrint, DejaVu Serif),
both in the union's document layout: the issuing unit under its superior, number, place and
date, recipients, signature block."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from hoiso.core import formats
from hoiso.core.documents import context, write_heading, write_signature
from hoiso.core.workbook import Workbook
from hoiso.reports.consolidation import Consolidated
from hoiso.units import naming
from hoiso.units.models import Unit


class PdfUnavailable(Exception):
    """WeasyPrint or the library under it is missing on this server."""


def title_of(result: Consolidated) -> str:
    """ "BÁO CÁO THÁNG — Tháng 3/2026"."""
    return f"{result.form.title.upper()} — {result.period.label().upper()}"


def recipients_of(unit: Unit) -> list[str]:
    """Who the report goes to, as "Nơi nhận" lists them: the union above, then the file."""
    above = [naming.union_name(unit.parent)] if unit.parent is not None else []
    return [*above, "Lưu VP"]


def _value(book: Workbook, value: Any, is_percent: bool) -> tuple[Any, Any]:
    if is_percent:
        return formats.sheet_percent(value), book.number_format(formats.XLSX_PERCENT)
    return value, book.number_format(formats.XLSX_COUNT)


def consolidated_xlsx(out: Any, result: Consolidated, signed_on: dt.date | None = None) -> None:
    """One sheet: heading, title, completeness, figures with their totals by area, signature."""
    signed_on = signed_on or timezone.localdate()
    book = Workbook(out)
    sheet = book.add_sheet(result.form.title)
    last = 2 + len(result.areas)
    paper = naming.paper(result.unit)
    row = write_heading(book, sheet, paper, last)
    bold = book.add_format({"bold": True, "font_size": 13, "align": "center"})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
    section_format = book.add_format({"bold": True})
    sheet.title(row, 0, last, title_of(result), bold)
    row += 1
    sheet.write(row, 0, _("Reports expected %(e)s, received %(r)s, on time %(t)s, approved %(a)s")
                % {"e": result.expected, "r": result.received, "t": result.on_time,
                   "a": result.approved})  # fmt: skip
    row += 2
    sheet.write_row(row, 0, [_("Figure"), _("Reports"), _("Total"), *result.areas], head)
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, last, 14)
    row += 1
    for section, lines in result.sections:
        sheet.write(row, 0, section.title, section_format)
        row += 1
        for line in lines:
            sheet.write(row, 0, line.item.label)
            sheet.write(row, 1, line.parts)
            for col, value in enumerate([line.total, *line.by_area], start=2):
                cell, fmt = _value(book, value, line.item.is_percent)
                sheet.write(row, col, cell if cell is not None else "—", fmt)
            row += 1
    for section, texts in result.texts:
        row += 1
        sheet.write(row, 0, section.title, section_format)
        row += 1
        for unit_name, text in texts:
            sheet.write(row, 0, f"{unit_name}: {text}")
            row += 1
    write_signature(book, sheet, paper, row + 1, last, signed_on)
    book.close()


def consolidated_html(
    result: Consolidated, signed_on: dt.date | None = None, number: str = ""
) -> str:
    signed_on = signed_on or timezone.localdate()
    paper = naming.paper(result.unit)
    left = format_html(
        "<p class='doc-to'><b><i>Nơi nhận:</i></b></p><ul class='doc-to'>{}</ul>",
        format_html_join("", "<li>- {};</li>", ((r,) for r in recipients_of(result.unit))),
    )
    return render_to_string(
        "reports/consolidated_pdf.html",
        {
            **context(paper, signed_on, number=number),
            "left": left,
            "result": result,
            "title": title_of(result),
            "union": naming.union_name(result.unit),
        },
    )


def consolidated_pdf(
    result: Consolidated, signed_on: dt.date | None = None, number: str = ""
) -> bytes:
    """The consolidated report as a PDF page in the union's layout, with a text layer."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as e:
        raise PdfUnavailable(str(e)) from e
    pdf = HTML(string=consolidated_html(result, signed_on, number)).write_pdf()
    assert pdf is not None
    return pdf
