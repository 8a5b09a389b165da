"""Member lists to .xlsx (the union's layout: title, header, numbered rows) and .csv.

An export is a row (`MemberExport`) that a background task fills: the cadre can leave the page
and come back for the file. Every export is audited; sensitive columns are included only for
roles that may see them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import override as language
from django_tasks import task

from hoiso.core import audit
from hoiso.core.documents import write_heading, write_signature
from hoiso.core.workbook import Workbook
from hoiso.core.workbook import write_csv as core_write_csv
from hoiso.members import selectors
from hoiso.members.models import Member, MemberExport
from hoiso.units import naming
from hoiso.units.models import Unit

EXPORT_DIR = "exports"


@dataclass(frozen=True)
class Column:
    label: Any
    get: Callable[[Member], Any]
    width: int = 14
    sensitive: bool = False


def _date(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


COLUMNS = [
    Column(gettext_lazy("Full name"), lambda m: m.full_name, 26),
    Column(gettext_lazy("Born"), lambda m: _date(m.birth_date) or (m.birth_year or ""), 12),
    Column(gettext_lazy("Branch"), lambda m: m.branch.name, 22),
    Column(gettext_lazy("Village"), lambda m: m.village, 18),
    Column(gettext_lazy("Phone"), lambda m: m.phone, 13),
    Column(gettext_lazy("Card number"), lambda m: m.card_number, 12),
    Column(gettext_lazy("Joined"), lambda m: _date(m.join_date), 12),
    Column(gettext_lazy("Status"), lambda m: m.get_status_display(), 12),
    Column(gettext_lazy("Education"), lambda m: m.get_education_display() or "", 16),
    Column(gettext_lazy("Occupation"), lambda m: m.occupation, 16),
    Column(gettext_lazy("Digital access"), lambda m: _digital(m), 16),
    Column(gettext_lazy("Ethnicity"), lambda m: m.get_ethnicity_display(), 10, sensitive=True),
    Column(gettext_lazy("Religion"), lambda m: m.get_religion_display(), 12, sensitive=True),
    Column(gettext_lazy("Citizen ID"), lambda m: m.citizen_id, 14, sensitive=True),
]


def _digital(m: Member) -> str:
    parts = [_("smartphone")] if m.has_smartphone else []
    parts += ["Zalo"] if m.uses_zalo else []
    parts += ["Facebook"] if m.uses_facebook else []
    return ", ".join(parts)


def columns(sensitive: bool) -> list[Column]:
    return [c for c in COLUMNS if sensitive or not c.sensitive]


def rows(unit: Unit, filters: selectors.Filters, cols: list[Column]) -> Iterator[list[Any]]:
    """The list's rows, numbered, read in chunks so a province does not sit in memory."""
    qs = selectors.member_list(unit, filters).select_related("branch")
    for n, member in enumerate(qs.iterator(chunk_size=2000), start=1):
        yield [n, *(c.get(member) for c in cols)]


def write_xlsx(out: Any, unit: Unit, cols: list[Column], data: Iterator[list[Any]]) -> int:
    """The union's layout (`core.documents`): the unit's heading beside the national motto, the
    title, a header, numbered rows, then the place and date and the signature block."""
    book = Workbook(out, large=True)
    sheet = book.add_sheet(_("Members"))
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    header = book.add_format({"bold": True, "border": 1, "bg_color": "#F3D9E4", "text_wrap": True,
                              "align": "center", "valign": "vcenter"})  # fmt: skip
    cell = book.add_format({"border": 1})
    last = len(cols)
    paper = naming.paper(unit)
    row = write_heading(book, sheet, paper, last)
    sheet.title(row, 0, last, _("LIST OF MEMBERS"), title)
    sheet.title(row + 1, 0, last, naming.union_name(unit))
    top = row + 3
    sheet.write_row(top, 0, [_("No."), *(str(c.label) for c in cols)], header)
    sheet.set_column(0, 0, 6)
    for i, c in enumerate(cols, start=1):
        sheet.set_column(i, i, c.width)
    n = 0
    for n, values in enumerate(data, start=1):
        sheet.write_row(top + n, 0, values, cell)
    write_signature(book, sheet, paper, top + n + 2, last, timezone.localdate())
    sheet.freeze_panes(top + 1, 2)
    book.close()
    return n


def write_csv(out: Any, cols: list[Column], data: Iterator[list[Any]]) -> int:
    header = [_("No."), *(str(c.label) for c in cols)]
    return core_write_csv(out, itertools.chain([header], data)) - 1


def export_create(
    *, actor: Any, unit: Unit, filters: dict[str, Any], fmt: str, sensitive: bool
) -> MemberExport:
    """Record the export, audit it, and have the worker write the file once committed."""
    with transaction.atomic():
        export = MemberExport.objects.create(
            user=actor, unit=unit, filters=filters, format=fmt, sensitive=sensitive,
            language=get_language() or "",
        )  # fmt: skip
        audit.log(
            actor, "members.exported", unit,
            data={"format": fmt, "filters": filters, "sensitive": sensitive},
        )  # fmt: skip
        transaction.on_commit(lambda: write_export.enqueue(str(export.pk)))
    return export


@task()
def write_export(export_id: str) -> int:
    """Write the file of an export, re-checking what its author may still see."""
    export = MemberExport.objects.select_related("unit", "user").get(pk=export_id)
    from hoiso.accounts.roles import MANAGE_MEMBERS, VIEW_SENSITIVE
    from hoiso.accounts.services import perms_at

    held = perms_at(export.user, export.unit)
    if MANAGE_MEMBERS not in held:
        return _finish(export, error=_("You no longer have the right to export this list."))
    cols = columns(export.sensitive and VIEW_SENSITIVE in held)
    filters = selectors.Filters(**export.restored_filters())
    folder = Path(settings.MEDIA_ROOT) / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{export.pk}.{export.format}"
    with language(export.language or settings.LANGUAGE_CODE):
        if export.format == "xlsx":
            with path.open("wb") as out:
                count = write_xlsx(out, export.unit, cols, rows(export.unit, filters, cols))
        else:
            with path.open("w", encoding="utf-8", newline="") as text:
                count = write_csv(text, cols, rows(export.unit, filters, cols))
    return _finish(export, rows=count)


def _finish(export: MemberExport, *, rows: int = 0, error: str = "") -> int:
    export.rows, export.error = rows, error
    export.finished_at = timezone.now()
    export.save(update_fields=["rows", "error", "finished_at"])
    return rows
