"""The files Hội Số writes about members — exports, import previews, error workbooks and the
uploaded lists — are kept only while they serve: the daily job deletes them after
`GENERATED_FILES_RETENTION_DAYS`, and an erasure deletes at once every one that may name her.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoiso.accounts.models import AccountImport
from hoiso.core.text import fold
from hoiso.members.choices import EventKind
from hoiso.members.erasure import eraser
from hoiso.members.export import EXPORT_DIR
from hoiso.members.models import ImportStatus, Member, MemberEvent, MemberExport, MemberImport
from hoiso.units.models import Unit

# Imports still to be checked or written: their files are the cadre's work in progress.
OPEN_IMPORTS = (ImportStatus.ANALYSING, ImportStatus.PREVIEW, ImportStatus.FAILED)


def export_path(export: MemberExport) -> Path:
    return Path(settings.MEDIA_ROOT) / EXPORT_DIR / f"{export.pk}.{export.format}"


def _import_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _drop_export(export: MemberExport, reason: str) -> None:
    export_path(export).unlink(missing_ok=True)
    if not export.error:
        export.error = reason[:300]
        export.finished_at = export.finished_at or timezone.now()
        export.save(update_fields=["error", "finished_at"])


def _drop_import(imp: MemberImport, reason: str) -> None:
    """Delete an import's files; one still open is cancelled, saying why."""
    shutil.rmtree(_import_root() / str(imp.pk), ignore_errors=True)
    # One being written has read its file already and goes on; the others cannot without it.
    if imp.status in OPEN_IMPORTS:
        imp.status, imp.error, imp.finished_at = ImportStatus.CANCELLED, reason, timezone.now()
        imp.save(update_fields=["status", "error", "finished_at", "updated_at"])


# --- the daily job ----------------------------------------------------------------------------


@dataclass
class Purged:
    exports: int = 0
    imports: int = 0
    stray: int = 0
    account_lists: int = 0


def files_purge(*, now: dt.datetime | None = None) -> Purged:
    """Delete the generated files older than the retention period; returns what went."""
    now = now or timezone.now()
    days = settings.GENERATED_FILES_RETENTION_DAYS
    cutoff = now - dt.timedelta(days=days)
    reason = _("The file was deleted after %(days)d days, as all files with personal data are.")
    done = Purged()
    for export in MemberExport.objects.filter(created_at__lt=cutoff):
        if export_path(export).exists() or not export.error:
            _drop_export(export, reason % {"days": days})
            done.exports += 1
    for imp in MemberImport.objects.filter(updated_at__lt=cutoff):
        if (_import_root() / str(imp.pk)).exists() or imp.status in OPEN_IMPORTS:
            _drop_import(imp, reason % {"days": days})
            done.imports += 1
    done.stray = _sweep(cutoff.timestamp())
    # The cadres' spreadsheets (names and phones) kept for an accounts preview go the same way.
    old_lists = AccountImport.objects.filter(created_at__lt=cutoff).exclude(rows=[])
    done.account_lists = old_lists.update(rows=[])
    return done


def _sweep(cutoff: float) -> int:
    """Files left behind by rows that are gone (or never were): by their age on disk."""
    count = 0
    for root in (Path(settings.MEDIA_ROOT) / EXPORT_DIR, _import_root()):
        if not root.exists():
            continue
        for path in sorted(root.rglob("*"), reverse=True):  # files before their folders
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                count += 1
            elif path.is_dir() and not any(path.iterdir()) and path.stat().st_mtime < cutoff:
                path.rmdir()
    return count


# --- erasure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Traces:
    """What finds a woman's data in generated files, taken before her record is blanked."""

    paths: frozenset[str]  # the branches she has belonged to
    province_path: str
    needles: tuple[str, ...]  # folded name, citizen ID, phone


def traces_of(member: Member) -> Traces:
    paths = {member.branch_path}
    for t in member.transfers.all():
        paths |= {t.from_path, t.to_path}
    codes = set()
    for data in MemberEvent.objects.filter(member=member, kind=EventKind.MOVED).values_list(
        "data", flat=True
    ):
        codes |= {data.get("from_branch"), data.get("to_branch")} - {None}
    paths |= set(Unit.objects.filter(code__in=codes).values_list("path", flat=True))
    needles = tuple(x for x in (fold(member.full_name), member.citizen_id, member.phone) if x)
    return Traces(frozenset(paths), member.province.path, needles)


def files_erase(traces: Traces) -> None:
    """Delete every export and import file that may name her: those of the units she belonged to
    and the units above them, and any import of her province whose preview names her."""
    reason = _("The file was deleted because a member's data was erased at her request.")
    above = {a for p in traces.paths for a in Unit(path=p).ancestor_paths}
    for export in MemberExport.objects.filter(unit__path__in=above):
        _drop_export(export, reason)
    nearby = Q(unit__path__startswith=traces.province_path) | Q(unit__path__in=above)
    for imp in MemberImport.objects.filter(nearby).select_related("unit"):
        if imp.unit.path in above or _names_her(imp, traces.needles):
            _drop_import(imp, reason)


def _names_her(imp: MemberImport, needles: tuple[str, ...]) -> bool:
    try:
        text = fold((_import_root() / str(imp.pk) / "preview.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    return any(n in text for n in needles)


@eraser
def _erase_files_of(member: Member) -> None:
    traces = traces_of(member)
    transaction.on_commit(lambda: files_erase(traces))
