"""Where an import keeps its files (the upload, the errors workbook, the preview), and the preview
the page shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from hoiso.core.sheets import UnreadableFile
from hoiso.core.uploads import too_large_message
from hoiso.members.importing.plan import NEW, UPDATE, Plan, Row
from hoiso.members.models import (
    MemberImport,
)
from hoiso.members.services import SENSITIVE_FIELDS

PREVIEW_ROWS = 200


def folder(imp: MemberImport) -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / str(imp.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def source_path(imp: MemberImport) -> Path:
    return folder(imp) / ("source" + Path(imp.filename).suffix.lower())


def errors_path(imp: MemberImport) -> Path:
    return folder(imp) / "errors.xlsx"


def preview_path(imp: MemberImport) -> Path:
    return folder(imp) / "preview.json"


def store(imp: MemberImport, chunks: Any, limit: int) -> None:
    size = 0
    with source_path(imp).open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise UnreadableFile(too_large_message(None, limit))
            out.write(chunk)


def save_preview(imp: MemberImport, plan: Plan) -> None:
    """What the preview page shows: every row that needs the cadre, and the first new ones."""
    shown: list[dict[str, Any]] = []
    new_shown = 0
    for r in plan.rows:
        if r.status == NEW:
            if new_shown >= PREVIEW_ROWS:
                continue
            new_shown += 1
        shown.append({
            "ref": r.ref, "sheet": r.sheet, "number": r.number, "status": r.status,
            "name": r.name, "problems": r.problems, "match": r.match,
            "branch": _branch_shown(plan, r),
            "changes": [[k, _show(a), _show(b)] for k, (a, b) in r.changes.items()],
            # Showing this row shows her old ethnicity, religion or ID number: a logged read.
            "member": r.member_id if r.status == UPDATE else None,
            "sensitive": not SENSITIVE_FIELDS.isdisjoint(r.changes),
        })  # fmt: skip
    data = {
        "rows": shown,
        "sheets": [
            {"name": name, "headers": {str(c): h for c, h in layout.headers.items()},
             "columns": {str(c): f for c, f in layout.columns.items()}}
            for name, layout in plan.sheets
        ],
        "skipped_sheets": plan.skipped_sheets,
        "set_aside": plan.set_aside,
        "converted": plan.converted,
        "unknown_branches": plan.unknown_branches,
        "branch_proposals": plan.branch_proposals,
        "branch_rows": plan.branch_rows,
        "creatable": plan.creatable,
        "to_create": {k: name for k, (name, _commune) in plan.to_create.items()},
        "ambiguous_places": plan.ambiguous_places,
    }  # fmt: skip
    preview_path(imp).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _branch_shown(plan: Plan, row: Row) -> str:
    if row.new_branch and row.new_branch in plan.to_create:
        return _("%(name)s (new)") % {"name": plan.to_create[row.new_branch][0]}
    return plan.places.branch_names.get(row.branch_id or 0, "") if plan.places else ""


def load_preview(imp: MemberImport) -> dict[str, Any]:
    try:
        return json.loads(preview_path(imp).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def _show(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
