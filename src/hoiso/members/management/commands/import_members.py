"""`python -m hoiso import_members FILE --unit CODE [--dry-run]`: the same import as the web page,
for a province's IT staff; FILE may be a folder of the communes' lists (`--unit` the province),
each routed to its commune by its name (`importing.routing`) or row by row. Prints the preview summary; writes the rows with errors to
FILE-loi.xlsx beside the file; without --dry-run writes the rest through the page's own writer
(`members_import_write`: short staged steps, then one step that shows them all)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hoiso.core.sheets import Sheet, UnreadableFile, read
from hoiso.members.importing import errors_book
from hoiso.members.importing.analysis import analyse
from hoiso.members.importing.memory import remembered_setup
from hoiso.members.importing.plan import Plan
from hoiso.members.importing.prefetch import Prefetcher
from hoiso.members.importing.routing import Route, Router, province_files
from hoiso.members.importing.write import discard_staged, members_import_write, unmark_staged
from hoiso.members.models import ImportStatus, MemberImport
from hoiso.units.models import Level, Unit


def _unit(code: str) -> Unit:
    target = Unit.objects.filter(code=code).first()
    if target is None:
        raise CommandError(f"Không có đơn vị mã {code} / no unit with code {code}")
    if target.level not in (Level.PROVINCE, Level.COMMUNE, Level.BRANCH):
        raise CommandError("Chọn một tỉnh, xã hoặc chi hội / choose a province, commune or branch")
    return target


def _plan(
    file: Path,
    target: Unit,
    *,
    create_branches: bool = False,
    reader: Callable[[Path], list[Sheet]] = read,
) -> Plan:
    if not file.exists():
        raise CommandError(f"Không thấy tệp / no such file: {file}")
    try:
        sheets = reader(file)
    except UnreadableFile as e:
        raise CommandError(str(e)) from None
    setup = remembered_setup(target)
    setup.create_all_branches = create_branches
    return analyse(sheets, setup)


def _write(plan: Plan, target: Unit, file: Path) -> dict[str, int]:
    """Write as an import of the operator's (no user), through the one writer of the pages."""
    imp = MemberImport.objects.create(
        user=None, unit=target, filename=file.name[:200], status=ImportStatus.WRITING, attempt=1
    )
    try:
        written = members_import_write(plan, imp=imp, attempt=imp.attempt)
    except BaseException:
        discard_staged(imp.pk)
        MemberImport.objects.filter(pk=imp.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    unmark_staged(imp.pk)
    return written


def _file_line(result: dict[str, Any], route: Route) -> str:
    name = result["file"]
    if "refused" in result and route.unit is None:
        return (f"{name}: KHÔNG NHẬP — tên tệp hợp với nhiều xã / NOT IMPORTED — the name fits "
                f"several communes: {'; '.join(route.candidates)}")  # fmt: skip
    if "refused" in result:
        return f"{name}: KHÔNG NHẬP / NOT IMPORTED — {result['refused']}"
    where = route.unit.name if route.by_name and route.unit else "theo từng dòng / row by row"
    return (f"{name} → {where}: {result['rows']} dòng / rows, {result.get('added', 0)} mới / "
            f"added, {result['update']} cập nhật / updated, {result['error']} lỗi / errors, "
            f"{result.get('branches', 0)} chi hội mới / branches ({result['seconds']} s)")  # fmt: skip


class Command(BaseCommand):
    help = "Import a member list (.xlsx, .xls, .ods, .csv) into a unit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", required=True, help="the unit's code, e.g. 24373")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")
        parser.add_argument(
            "--create-branches",
            action="store_true",
            help="create a branch for every village the lists name that is not one yet",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=2,
            help="processes for a folder: the next files are read by jobs-1 others while this "
            "one checks and writes, one file after another (default 2)",
        )

    def handle(self, *args: Any, file: Path, unit: str, dry_run: bool, **options: Any) -> None:
        target = _unit(unit)
        if file.is_dir():
            self._folder(file, target, dry_run=dry_run, **options)
            return
        plan = _plan(file, target, create_branches=options["create_branches"])
        summary = plan.summary()
        errors_file = file.with_name(f"{file.stem}-loi.xlsx")
        if summary["error"]:
            errors_book.write(plan, errors_file)
        written = {"added": 0, "updated": 0} if dry_run else _write(plan, target, file)
        written.setdefault("branches", 0)
        if options["json"]:
            self.stdout.write(json.dumps({**summary, **written, "dry_run": dry_run}))
            return
        self._say(file, target, plan, errors_file)
        if dry_run:
            self.stdout.write("Chạy thử: chưa ghi gì / dry run: nothing written.")
        else:
            self.stdout.write(
                f"Đã ghi / written: {written['added']} mới / added, "
                f"{written['updated']} cập nhật / updated, "
                f"{written['branches']} chi hội mới / branches created."
            )

    def _folder(self, folder: Path, province: Unit, *, dry_run: bool, **options: Any) -> None:
        """Every list of a folder, each to the commune its name says (else row by row by its
        commune column), each file all or nothing; a summary per file and in all."""
        router = Router(province)
        routes = [router.route(path) for path in province_files(folder)]
        with Prefetcher([r.file for r in routes if r.unit is not None], options["jobs"]) as ahead:
            results = [self._one(route, ahead, dry_run=dry_run, **options) for route in routes]
        total = {k: sum(r.get(k, 0) for r in results)
                 for k in ("rows", "new", "update", "error", "added", "branches")}  # fmt: skip
        total["files"] = len(results)
        total["files_refused"] = sum(1 for r in results if "refused" in r)
        if options["json"]:
            self.stdout.write(json.dumps({"files": results, "total": total, "dry_run": dry_run},
                                         ensure_ascii=False))  # fmt: skip
            return
        self.stdout.write(
            f"Tổng / total: {total['files']} tệp / files ({total['files_refused']} không nhập / "
            f"refused), {total['rows']} dòng / rows, {total['added']} mới / added, "
            f"{total['error']} lỗi / errors, {total['branches']} chi hội mới / branches created."
        )
        if dry_run:
            self.stdout.write("Chạy thử: chưa ghi gì / dry run: nothing written.")

    def _one(
        self, route: Route, ahead: Prefetcher, *, dry_run: bool, **options: Any
    ) -> dict[str, Any]:
        """One file of a folder, all or nothing; its line of the summary."""
        started = time.monotonic()
        path = route.file
        result: dict[str, Any] = {"file": path.name}
        if route.unit is None:
            result["refused"] = "ambiguous: " + "; ".join(route.candidates)
        else:
            result["unit"] = route.unit.code
            try:
                plan = _plan(path, route.unit, create_branches=options["create_branches"],
                             reader=ahead.sheets)  # fmt: skip
            except CommandError as e:
                result["refused"] = str(e)
            else:
                if plan.summary()["error"]:
                    errors_book.write(plan, path.with_name(f"{path.stem}-loi.xlsx"))
                result.update(plan.summary())
                if not dry_run:
                    try:
                        result.update({"branches": 0, **_write(plan, route.unit, path)})
                    except Exception as e:  # this file only: nothing of it was written
                        result["refused"] = f"không ghi gì / nothing written: {e}"
                del plan
        result["seconds"] = round(time.monotonic() - started, 2)
        if not options["json"]:
            self.stdout.write(_file_line(result, route))
        return result

    def _say(self, file: Path, target: Unit, plan: Plan, errors_file: Path) -> None:
        summary = plan.summary()
        self.stdout.write(
            f"{file.name} → {target.name} ({target.code})\n"
            f"  dòng / rows:                 {summary['rows']}\n"
            f"  mới / new:                   {summary['new']}\n"
            f"  cập nhật / updated:          {summary['update']}\n"
            f"  không đổi / unchanged:       {summary['unchanged']}\n"
            f"  có thể trùng / duplicates:   {summary['duplicate']}\n"
            f"  lỗi / errors:                {summary['error']}"
        )
        for note in plan.converted:
            self.stdout.write(f"  {note}")
        if plan.skipped_sheets:
            self.stdout.write(
                "  bỏ qua trang không có dòng tiêu đề với cột “Họ và tên” / sheets skipped, no "
                "header row with a full-name column: " + ", ".join(plan.skipped_sheets)
            )
        to_choose: list[tuple[str, list[Any]]] = [
            *plan.unknown_branches.values(),
            *plan.ambiguous_places.values(),
        ]
        for text, choices in to_choose:
            names = ", ".join(str(choice[1]) for choice in choices[:8])
            self.stdout.write(
                f"  cần chọn trên trang web / choose on the web page: {text} → {names}"
            )
        if summary["error"]:
            self.stdout.write(f"  các dòng lỗi / rows with errors: {errors_file}")
