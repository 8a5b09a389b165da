"""An import's two background steps: read and check the file (the preview), then, once the cadre
confirms, check it again against the database as it is now and write it in one transaction.

Progress and the cancel request travel through the cache (shared by the web and the worker), never
through the database: on SQLite the writing transaction holds the database's only write lock.
A failed, cancelled or interrupted write rolls back whole: the members are as they were.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from hoiso.core import audit
from hoiso.core.bulk import Writer, reserve_ids
from hoiso.core.sheets import UnreadableFile, read, readable_name
from hoiso.core.uploads import too_large_message, upload_limit
from hoiso.members.choices import NOT_RECORDED, EventKind, Religion, Status
from hoiso.members.counting import members_changed
from hoiso.members.importing import errors_book
from hoiso.members.importing.plan import (
    NEW,
    UPDATABLE,
    UPDATE,
    Cancelled,
    NotAllowed,
    Places,
    Plan,
    Setup,
    analyse,
    name_keys,
)
from hoiso.members.models import (
    ImportMemory,
    ImportStatus,
    Member,
    MemberEvent,
    MemberImport,
    NameToken,
)
from hoiso.members.permissions import MemberAccess
from hoiso.members.services import SENSITIVE_FIELDS

log = logging.getLogger(__name__)
PROGRESS_KEY = "member-import-progress:{}"
CANCEL_KEY = "member-import-cancel:{}"
# A worker that has said nothing for this long has died: its transaction never committed.
STALE_SECONDS = 120
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


def report(imp_id: Any, phase: str, done: int, total: int) -> None:
    cache.set(
        PROGRESS_KEY.format(imp_id),
        {"phase": phase, "done": done, "total": max(total, 1), "at": time.time()},
        timeout=3600,
    )


def progress_of(imp: MemberImport) -> dict[str, Any]:
    found = cache.get(PROGRESS_KEY.format(imp.pk)) or {}
    percent = int(100 * found.get("done", 0) / found.get("total", 1)) if found else 0
    stale = (
        imp.status in (ImportStatus.ANALYSING, ImportStatus.WRITING)
        and time.time() - found.get("at", imp.updated_at.timestamp()) > STALE_SECONDS
    )
    return {"phase": found.get("phase", ""), "percent": min(percent, 100), "stale": stale}


def request_cancel(imp: MemberImport) -> None:
    cache.set(CANCEL_KEY.format(imp.pk), 1, timeout=3600)


def _check_cancel(imp_id: Any) -> None:
    if cache.get(CANCEL_KEY.format(imp_id)):
        raise Cancelled


def _memory(unit: Any) -> dict[str, dict[str, str]]:
    memory: dict[str, dict[str, str]] = {k: {} for k in ImportMemory.Kind.values}
    for kind, key, value in ImportMemory.objects.filter(unit=unit).values_list(
        "kind", "key", "value"
    ):
        memory[kind][key] = value
    return memory


def remembered_setup(unit: Any, imp: MemberImport | None = None) -> Setup:
    """What the unit's cadres have told earlier imports, then this import's own answers, and
    what the import's author may see and change there today (without an import: the operator)."""
    memory = _memory(unit)
    if imp is not None:
        memory["header"].update(imp.headers)
        memory["branch"].update(imp.branch_choices)
        memory["place"].update(imp.place_choices)
    return Setup(
        unit=unit,
        known_headers=memory["header"],
        branch_choices={k: int(v) for k, v in memory["branch"].items() if str(v).isdigit()},
        place_choices={k: v for k, v in memory["place"].items() if v},
        default_branch_id=imp.default_branch_id if imp else None,
        add_duplicates=set(imp.add_duplicates) if imp else set(),
        actor=MemberAccess.at(imp.user, unit) if imp else MemberAccess.operator(),
    )


def remember(imp: MemberImport) -> None:
    """Keep the cadre's corrections for her unit's next files."""
    for kind, answers in (
        (ImportMemory.Kind.HEADER, imp.headers),
        (ImportMemory.Kind.BRANCH, imp.branch_choices),
        (ImportMemory.Kind.PLACE, imp.place_choices),
    ):
        for key, value in answers.items():
            ImportMemory.objects.update_or_create(
                unit=imp.unit, kind=kind, key=key[:200], defaults={"value": str(value or "")}
            )


def plan_for(imp: MemberImport, phase: str) -> Plan:
    sheets = read(source_path(imp), imp.filename)
    _check_cancel(imp.pk)

    def progress(done: int, total: int) -> None:
        report(imp.pk, phase, done, total)
        _check_cancel(imp.pk)

    return analyse(sheets, remembered_setup(imp.unit, imp), progress=progress)


def _finish(imp: MemberImport, status: str, **fields: Any) -> None:
    imp.status = status
    imp.finished_at = timezone.now() if status != ImportStatus.PREVIEW else None
    for name, value in fields.items():
        setattr(imp, name, value)
    imp.save()
    cache.delete(CANCEL_KEY.format(imp.pk))
    if status in (ImportStatus.DONE, ImportStatus.CANCELLED):
        # The uploaded list is personal data: not kept once it has served.
        source_path(imp).unlink(missing_ok=True)


@task()
def analyse_import(import_id: str) -> None:
    imp = MemberImport.objects.select_related("unit", "user").get(pk=import_id)
    with override(imp.language or settings.LANGUAGE_CODE):
        try:
            plan = plan_for(imp, "reading")
        except Cancelled:
            _finish(imp, ImportStatus.CANCELLED)
            return
        except (UnreadableFile, NotAllowed) as e:
            _finish(imp, ImportStatus.FAILED, error=str(e))
            return
        except Exception:
            log.exception("import %s could not be read", import_id)
            _finish(imp, ImportStatus.FAILED, error=_("The file could not be read."))
            return
        save_preview(imp, plan)
        errors_book.write(plan, errors_path(imp))
        _finish(imp, ImportStatus.PREVIEW, summary=plan.summary(), error="")


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
            "branch": plan.places.branch_names.get(r.branch_id or 0, "") if plan.places else "",
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
        "unknown_branches": plan.unknown_branches,
        "branch_proposals": plan.branch_proposals,
        "branch_rows": plan.branch_rows,
        "ambiguous_places": plan.ambiguous_places,
    }  # fmt: skip
    preview_path(imp).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


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


@task()
def commit_import(import_id: str) -> None:
    imp = MemberImport.objects.select_related("unit", "user").get(pk=import_id)
    with override(imp.language or settings.LANGUAGE_CODE):
        try:
            plan = plan_for(imp, "checking")
            with transaction.atomic():
                counts = write(
                    plan, actor=imp.user, imp=imp, on_batch=lambda: _check_cancel(imp.pk)
                )
                audit.log(
                    imp.user, "members.imported", imp, unit=imp.unit,
                    data={"file": imp.filename, **counts},
                )  # fmt: skip
        except Cancelled:
            _finish(imp, ImportStatus.CANCELLED)
            return
        except Exception as e:
            log.exception("import %s failed; nothing was written", import_id)
            message = str(e) if isinstance(e, UnreadableFile) else ""
            _finish(
                imp, ImportStatus.FAILED,
                error=(message + " " if message else "")
                + _("Nothing was written: the members are as they were."),
            )  # fmt: skip
            return
        remember(imp)
        _finish(imp, ImportStatus.DONE, summary={**plan.summary(), **counts})


def write(
    plan: Plan,
    *,
    actor: Any,
    imp: MemberImport | None = None,
    on_batch: Callable[[], None] = lambda: None,
) -> dict[str, int]:
    """Write the plan's new members and updates; call inside `transaction.atomic()`."""
    assert plan.places is not None
    places: Places = plan.places
    today = timezone.localdate()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    source = {"import": str(imp.pk)} if imp else {}
    paths = places.unit_paths_and_communes()
    new = [r for r in plan.rows if r.status == NEW]
    province_id = places.province.pk
    # What every new member, name-index row and admission event of this import shares.
    members = Writer(Member, fixed={
        "province_id": province_id, "status": Status.ACTIVE,
        # A list that does not say her ethnicity or religion records none, not a guess.
        "ethnicity": NOT_RECORDED, "religion": Religion.NOT_RECORDED,
    })  # fmt: skip
    tokens = Writer(NameToken, with_id=False, fixed={"active": True, "province_id": province_id})
    events = Writer(MemberEvent, with_id=False, fixed={
        "kind": EventKind.ADMITTED, "actor_id": actor_id, "data": source,
    })  # fmt: skip
    if connection.vendor == "postgresql":
        # Checked row by row as written: cheaper than PostgreSQL's queue of deferred checks run
        # at commit (members are written before the rows that point at them).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    written = 0
    total = len(new) + plan.count(UPDATE)
    for start in range(0, len(new), 5000):
        on_batch()
        batch = new[start : start + 5000]
        rows = []
        token_rows = []
        event_rows = []
        for r, pk in zip(batch, reserve_ids(Member, len(batch)), strict=True):
            assert r.branch_id is not None  # a row without a branch is an error, never new
            path, commune_id = paths[r.branch_id]
            folded, key, name_words, stored_words = name_keys(r.name)
            since = r.values.get("join_date") or today
            row = {k: r.values[k] for k in UPDATABLE if k in r.values}
            row.update(
                id=pk, kind=r.values["kind"], sex=r.values["sex"], name_folded=folded,
                sort_key=key, commune_id=commune_id, branch_id=r.branch_id, branch_path=path,
                status_since=since,
            )  # fmt: skip
            rows.append(row)
            stored = stored_words[:200]
            token_rows += [
                {"member_id": pk, "token": w[:40], "words": stored, "commune_id": commune_id}
                for w in name_words
            ]
            event_rows.append({"member_id": pk, "on": since, "branch_id": r.branch_id})
        members.write(rows)
        tokens.write(token_rows)
        events.write(event_rows)
        written += len(batch)
        if imp:
            report(imp.pk, "writing", written, total)
    updated = _update(plan, actor_id, source, on_batch)
    if imp:
        report(imp.pk, "writing", total, total)
    members_changed(places.province.pk)
    return {"added": written, "updated": updated}


def _update(
    plan: Plan, actor_id: int | None, source: dict[str, Any], on_batch: Callable[[], None]
) -> int:
    rows = [r for r in plan.rows if r.status == UPDATE and r.member_id]
    if not rows:
        return 0
    now = timezone.now()
    fields = [*UPDATABLE, "name_folded", "sort_key", "updated_at"]
    renamed = []
    objs = []
    for r in rows:
        member = Member(pk=r.member_id)
        merged = {**r.existing, **{k: new for k, (_old, new) in r.changes.items()}}
        for name in UPDATABLE:
            setattr(member, name, merged.get(name))
        if r.values.get("birth_date"):
            member.birth_year = r.values["birth_date"].year
        folded, key, _words, _stored = name_keys(member.full_name)
        member.name_folded, member.sort_key, member.updated_at = folded, key, now
        objs.append(member)
        if "full_name" in r.changes:
            renamed.append(r)
    for start in range(0, len(objs), 1000):
        on_batch()
        Member.objects.bulk_update(objs[start : start + 1000], fields)
    if renamed:
        ids = [r.member_id for r in renamed]
        NameToken.objects.filter(member_id__in=ids).delete()
        token_rows = []
        for r in renamed:
            folded, key, name_words, stored = name_keys(r.values["full_name"])
            token_rows += [
                {"member_id": r.member_id, "token": w[:40], "words": stored[:200], "active": True,
                 "commune_id": r.existing["commune_id"], "province_id": r.existing["province_id"]}
                for w in name_words
            ]  # fmt: skip
        Writer(NameToken, with_id=False).write(token_rows)
    Writer(MemberEvent, with_id=False).write(
        {"member_id": r.member_id, "kind": EventKind.UPDATED, "on": timezone.localdate(),
         "branch_id": r.existing["branch_id"], "actor_id": actor_id,
         "data": {**source, "fields": sorted(r.changes)}}
        for r in rows
    )  # fmt: skip
    return len(rows)


# --- What the views and the command call -------------------------------------------------------


def import_start(
    *,
    actor: Any,
    unit: Any,
    filename: str,
    chunks: Any,
    default_branch: Any = None,
    language: str = "",
) -> MemberImport:
    """Keep the uploaded file and read it in the background."""
    name = readable_name(filename)
    imp = MemberImport.objects.create(
        user=actor, unit=unit, filename=name, default_branch=default_branch, language=language
    )
    _store(imp, chunks, upload_limit("sheet"))
    audit.log(actor, "members.import_started", imp, data={"file": name})
    transaction.on_commit(lambda: analyse_import.enqueue(str(imp.pk)))
    return imp


def _store(imp: MemberImport, chunks: Any, limit: int) -> None:
    size = 0
    with source_path(imp).open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise UnreadableFile(too_large_message(None, limit))
            out.write(chunk)


def import_replace_file(*, imp: MemberImport, filename: str, chunks: Any) -> None:
    """A corrected file for the same import: the cadre's decisions so far are kept."""
    name = readable_name(filename)
    source_path(imp).unlink(missing_ok=True)
    imp.filename = name
    _store(imp, chunks, upload_limit("sheet"))
    import_reanalyse(imp=imp)


def import_reanalyse(*, imp: MemberImport) -> None:
    imp.status, imp.error, imp.finished_at = ImportStatus.ANALYSING, "", None
    imp.save()
    cache.delete(CANCEL_KEY.format(imp.pk))
    report(imp.pk, "reading", 0, 1)
    transaction.on_commit(lambda: analyse_import.enqueue(str(imp.pk)))


def import_confirm(*, imp: MemberImport) -> None:
    """Write a previewed import (or one whose writing was interrupted) in the background."""
    imp.status = ImportStatus.WRITING
    imp.save()
    cache.delete(CANCEL_KEY.format(imp.pk))
    report(imp.pk, "checking", 0, 1)
    transaction.on_commit(lambda: commit_import.enqueue(str(imp.pk)))


def import_cancel(*, imp: MemberImport) -> None:
    """Stop a running step (it rolls back), or discard an import waiting in preview."""
    if imp.status in (ImportStatus.ANALYSING, ImportStatus.WRITING):
        request_cancel(imp)
        if progress_of(imp)["stale"]:  # no worker is running it any more
            _finish(imp, ImportStatus.CANCELLED)
    elif imp.status in (ImportStatus.PREVIEW, ImportStatus.FAILED):
        _finish(imp, ImportStatus.CANCELLED)
