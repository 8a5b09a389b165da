"""The import template: the header the import knows, two example rows, a sheet explaining each
column, and the unit's branches to copy names from."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hoiso.core.workbook import Workbook
from hoiso.units.models import Level, Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _columns() -> list[tuple[str, bool, str, str]]:
    """(header as the field writes it, required, what it accepts, example)."""
    return [
        ("STT", False, _("Row number; any numbers, or leave it empty."), "1"),
        ("Họ và tên", True, _("Full name; capitals and double spaces are corrected."), "Nguyễn Thị Lan"),
        ("Ngày sinh", False, _("dd/mm/yyyy, an Excel date, or the year alone."), "05/03/1985"),
        ("Giới tính", False, _("Nữ or Nam; empty means Nữ. Men become honorary members."), "Nữ"),
        ("Số định danh (CCCD)", False, _("The 12-digit citizen ID; spaces and lost leading zeros are fine. "
                             "An old 9-digit CMND is not accepted: leave it empty."), "066185000123"),
        ("Số điện thoại", False, _("10 digits starting with 0; +84 and spaces are fine."), "0905123456"),
        ("Dân tộc", False, _("One of the 54 ethnic groups by its official name; usual spellings are understood (Ê-đê, Jrai, H'Mông…)."), "Kinh"),
        ("Tôn giáo", False, _("Không, Phật giáo, Công giáo, Tin Lành, Cao Đài, Phật giáo Hòa Hảo…"), "Không"),
        ("Chi hội", False, _("The branch's name as on the “Branches” sheet (“Thôn 3” is enough). "
                             "Needed unless the sheet is named after the branch or you choose one "
                             "branch for the whole file."), ""),
        ("Thôn, buôn", False, _("Village; also used to find the branch when there is no branch column."), ""),
        ("Địa chỉ", False, _("Address; old (before July 2025) commune and district names are "
                             "understood and matched to today's commune."), ""),
        ("Ngày vào Hội", False, _("dd/mm/yyyy or the year alone (then 1 January of that year)."), "2010"),
        ("Số thẻ hội viên", False, _("Card number; a member already holding it is updated, not added again."), ""),
        ("Trình độ học vấn", False, _("9/12, 12/12, Trung cấp, Cao đẳng, Đại học…"), "12/12"),
        ("Nghề nghiệp", False, _("Occupation, as text."), "Làm nông"),
        ("Đảng viên", False, _("x for a Party member, else empty."), ""),
    ]  # fmt: skip


def build(unit: Unit) -> bytes:
    buffer = io.BytesIO()
    book = Workbook(buffer)
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    title = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    columns = _columns()
    sheet = book.add_sheet(_("Members"))
    sheet.write(0, 0, _("MEMBER LIST OF %(unit)s") % {"unit": unit.name.upper()}, title)
    for col, (header, required, _help, example) in enumerate(columns):
        sheet.write(2, col, header + (" *" if required else ""), bold)
        sheet.set_column(
            col, col, 24 if col == 1 else 15, text if header == "Số định danh (CCCD)" else None
        )
        if example:
            sheet.write(3, col, example)
    sheet.freeze_panes(3, 2)
    help_sheet = book.add_sheet(_("How to fill in"))
    help_sheet.set_column(0, 0, 22)
    help_sheet.set_column(1, 1, 12)
    help_sheet.set_column(2, 2, 90)
    help_sheet.write(0, 0, _("How to fill in the member list"), title)
    help_sheet.write(1, 0, _(
        "One member per row under the header. Rows of totals and signatures at the end are "
        "skipped. You may keep your own titles above the header, several sheets (one per "
        "branch), and other spellings of the headers: Hội Số recognises the usual ones, and you "
        "can correct what it did not recognise before anything is written."
    ), wrap)  # fmt: skip
    for col, head in enumerate((_("Column"), _("Required"), _("What to write"))):
        help_sheet.write(3, col, head, bold)
    for row, (header, required, help_text, _example) in enumerate(columns, start=4):
        help_sheet.write(row, 0, header)
        help_sheet.write(row, 1, _("yes") if required else "")
        help_sheet.write(row, 2, help_text, wrap)
    branches = book.add_sheet(_("Branches"))
    branches.set_column(0, 1, 36)
    branches.write(0, 0, _("Branch"), bold)
    branches.write(0, 1, pgettext("column header", "Commune"), bold)
    found = (
        Unit.objects.within(unit)
        .active()
        .filter(level=Level.BRANCH)
        .select_related("parent")
        .order_by("parent__name", "name")
    )
    for row, branch in enumerate(found, start=1):
        branches.write(row, 0, branch.name)
        branches.write(row, 1, branch.parent.name if branch.parent else "")
    book.close()
    return buffer.getvalue()


def template_response(unit: Unit) -> HttpResponse:
    response = HttpResponse(build(unit), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="mau-danh-sach-hoi-vien-{unit.code}.xlsx"'
    )
    return response
