"""An import's two background steps: read and check the file (the preview), then, once the cadre
confirms, check it again against the database as it is now and write it.

The write is all or nothing without one long transaction (on SQLite a writer holds the whole
database, so no write may last more than a second or two): the new members are written in short
steps, marked as staged by the import and invisible to every reader (`members.models.visible_q`);
one short final step applies the updates and turns the import to done, which shows them all at
once. A failed or cancelled write deletes its staged rows; one whose worker died leaves them
invisible until the next attempt (or `sweep_staged`) deletes them.

Each confirm or *Try again* raises the import's `attempt` with a conditional update (only one can
win); every step of a worker first checks that the import is still at its attempt, so a worker
that wakes late stops instead of writing twice or reporting a failure for a newer attempt.

Progress and the cancel request travel through the cache (shared by the web and the worker).
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
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import CHANGE_MEMBERS, permissions_of
from hoiso.core import audit
from hoiso.core.bulk import Writer, reserve_ids
from hoiso.core.busy import short_transaction
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
    Row,
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
# A worker that has said nothing for this long has died: the import shows "interrupted", with
# Try again. Nothing it wrote is visible (staged rows are shown only once the import is done).
STALE_SECONDS = 120
# Members written per short transaction: about 0.05 s each on SQLite (with their ~3 name-index
# rows and an event), so that a login or an edit waits a fraction of a second at most.
STEP_ROWS = 1000
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


def _finish(imp: MemberImport, status: str, *, attempt: int | None = None, **fields: Any) -> bool:
    """End a step: only from the status it had and, given `attempt`, only if no newer attempt
    has started since (a late worker must not undo it). Says whether it did."""
    now = timezone.now()
    ended = MemberImport.objects.filter(pk=imp.pk, status=imp.status)
    if attempt is not None:
        ended = ended.filter(attempt=attempt)
    finished_at = now if status != ImportStatus.PREVIEW else None
    if not ended.update(status=status, finished_at=finished_at, updated_at=now, **fields):
        return False
    imp.status, imp.finished_at = status, finished_at
    for name, value in fields.items():
        setattr(imp, name, value)
    cache.delete(CANCEL_KEY.format(imp.pk))
    if status in (ImportStatus.DONE, ImportStatus.CANCELLED):
        # The uploaded list is personal data: not kept once it has served.
        source_path(imp).unlink(missing_ok=True)
    return True


@task()
def analyse_import(import_id: str, attempt: int | None = None) -> None:
    imp = MemberImport.objects.select_related("unit", "user").get(pk=import_id)
    if imp.status != ImportStatus.ANALYSING or attempt not in (None, imp.attempt):
        return  # a newer attempt, or a cancel, has taken over
    with override(imp.language or settings.LANGUAGE_CODE):
        try:
            plan = plan_for(imp, "reading")
        except Cancelled:
            _finish(imp, ImportStatus.CANCELLED, attempt=attempt)
            return
        except (UnreadableFile, NotAllowed) as e:
            _finish(imp, ImportStatus.FAILED, attempt=attempt, error=str(e))
            return
        except Exception:
            log.exception("import %s could not be read", import_id)
            _finish(imp, ImportStatus.FAILED, attempt=attempt,
                    error=_("The file could not be read."))  # fmt: skip
            return
        save_preview(imp, plan)
        errors_book.write(plan, errors_path(imp))
        _finish(imp, ImportStatus.PREVIEW, attempt=attempt, summary=plan.summary(), error="")


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


class Superseded(Exception):
    """Another attempt, or the cadre's cancel, owns the import now: this worker stops quietly."""


class Refused(Exception):
    """The import may not be written (its author's rights); the message says why."""


def may_import(user: Any, unit: Any) -> bool:
    """Whether the user still holds a role that may change members at the unit (her assignment
    may have been revoked since she uploaded): checked when she confirms and again by the worker."""
    if user is None or not user.is_active:
        return False
    roles = Assignment.objects.filter(user=user, unit__path__in=unit.ancestor_paths)
    return CHANGE_MEMBERS in permissions_of(set(roles.values_list("role", flat=True)))


def _hold(imp_id: Any, attempt: int, status: str = ImportStatus.WRITING) -> None:
    """Inside a transaction: go on only while the import is still at this attempt (its row is
    locked on PostgreSQL; on SQLite the IMMEDIATE transaction holds the database)."""
    mine = MemberImport.objects.select_for_update().filter(
        pk=imp_id, status=status, attempt=attempt
    )
    if not list(mine.values_list("pk", flat=True)):
        raise Superseded


def _end(imp: MemberImport, attempt: int, status: str, **fields: Any) -> bool:
    """Close this attempt (failed or cancelled) if it is still the import's; says whether it was."""
    now = timezone.now()
    ended = MemberImport.objects.filter(
        pk=imp.pk, status=ImportStatus.WRITING, attempt=attempt
    ).update(status=status, finished_at=now, updated_at=now, **fields)
    cache.delete(CANCEL_KEY.format(imp.pk))
    if ended and status == ImportStatus.CANCELLED:
        source_path(imp).unlink(missing_ok=True)
    return bool(ended)


@task()
def commit_import(import_id: str, attempt: int | None = None) -> None:
    """Write a confirmed import: its new members in short steps that stay invisible, then one
    short step that applies the updates and makes them all visible (see members.models.visible_q).
    Run twice, or late, it does nothing more than once: each step checks the import's attempt."""
    imp = MemberImport.objects.select_related("unit", "user").get(pk=import_id)
    if attempt is None:  # called directly (tests, the shell): claim it as the confirm page does
        attempt = claim_write(imp)
        if attempt is None:
            return
    with override(imp.language or settings.LANGUAGE_CODE):
        try:
            short_transaction(lambda: _hold(imp.pk, attempt))
            _commit(imp, attempt)
        except Superseded:
            log.info("import %s: attempt %s superseded; it stops", import_id, attempt)
            return
    try:
        unmark_staged(imp.pk)
        source_path(imp).unlink(missing_ok=True)
        sweep_staged()
    except Exception:  # the members are written; what is left is tidied by the next import
        log.exception("import %s is written; tidying after it failed", import_id)


def _commit(imp: MemberImport, attempt: int) -> None:
    try:
        if not may_import(imp.user, imp.unit):
            raise Refused(
                _("%(user)s no longer holds a role that may import members into %(unit)s.")
                % {"user": imp.user, "unit": imp.unit}
            )
        discard_staged(imp.pk)  # what an earlier, interrupted attempt left
        plan = plan_for(imp, "checking")
        added = stage(plan, actor=imp.user, imp=imp, attempt=attempt)
        publish(plan, actor=imp.user, imp=imp, attempt=attempt, added=added)
    except Superseded:
        raise
    except Cancelled:
        if _end(imp, attempt, ImportStatus.CANCELLED):
            discard_staged(imp.pk)
    except Exception as e:
        log.exception("import %s failed; nothing was written", imp.pk)
        message = str(e) if isinstance(e, (UnreadableFile, Refused)) else ""
        error = (message + " " if message else "") + _(
            "Nothing was written: the members are as they were."
        )
        if _end(imp, attempt, ImportStatus.FAILED, error=error[:500]):
            discard_staged(imp.pk)


def stage(plan: Plan, *, actor: Any, imp: MemberImport, attempt: int) -> int:
    """Write the plan's new members in short transactions, each row marked as staged by the
    import (invisible to every reader until `publish`); returns how many."""
    new = [r for r in plan.rows if r.status == NEW]
    writer = NewMembers(plan, actor=actor, imp=imp, staged=True)
    total = len(new) + plan.count(UPDATE)
    for start in range(0, len(new), STEP_ROWS):
        _check_cancel(imp.pk)
        batch = new[start : start + STEP_ROWS]

        def step(batch: list[Row] = batch) -> None:
            _hold(imp.pk, attempt)
            writer.write(batch)

        short_transaction(step)
        report(imp.pk, "writing", start + len(batch), total)
    return len(new)


def publish(plan: Plan, *, actor: Any, imp: MemberImport, attempt: int, added: int) -> None:
    """The one short final step: apply the updates, remember the cadre's answers, and mark the
    import done, which makes its staged members visible all at once."""
    _check_cancel(imp.pk)
    assert plan.places is not None
    province_id = plan.places.province.pk
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None

    def final() -> None:
        _hold(imp.pk, attempt)
        _immediate_constraints()
        updated = _update(plan, actor_id, {"import": str(imp.pk)}, lambda: _check_cancel(imp.pk))
        counts = {"added": added, "updated": updated}
        audit.log(actor, "members.imported", imp, unit=imp.unit,
                  data={"file": imp.filename, **counts})  # fmt: skip
        remember(imp)
        now = timezone.now()
        MemberImport.objects.filter(pk=imp.pk).update(
            status=ImportStatus.DONE, finished_at=now, updated_at=now, error="",
            summary={**plan.summary(), **counts},
        )  # fmt: skip
        members_changed(province_id)

    short_transaction(final)
    cache.delete(CANCEL_KEY.format(imp.pk))
    report(imp.pk, "writing", 1, 1)


def _staged_ids(imp_id: Any) -> list[int]:
    return list(
        Member._base_manager.filter(staged_by=imp_id)
        .order_by()
        .values_list("pk", flat=True)[:STEP_ROWS]
    )


def discard_staged(imp_id: Any) -> int:
    """Delete, in short steps, the members an unfinished import staged (no reader ever saw them)."""
    removed = 0

    def step() -> int:
        ids = _staged_ids(imp_id)
        NameToken._base_manager.filter(member_id__in=ids).delete()
        MemberEvent._base_manager.filter(member_id__in=ids).delete()
        Member._base_manager.filter(pk__in=ids).delete()
        return len(ids)

    while n := short_transaction(step):
        removed += n
    return removed


def unmark_staged(imp_id: Any) -> None:
    """After `publish`: clear the mark on the import's members, in short steps (they are visible
    either way; cleared, readers need not look the import up)."""

    def step() -> int:
        ids = _staged_ids(imp_id)
        return Member._base_manager.filter(pk__in=ids).update(staged_by=None)

    while short_transaction(step):
        pass


def sweep_staged() -> None:
    """Tidy what a worker that died left: staged rows of imports that are no longer being written
    are deleted (or, for a written import, unmarked). Cheap when there are none."""
    marked = (
        Member._base_manager.filter(staged_by__isnull=False)
        .order_by()
        .values_list("staged_by", flat=True)
        .distinct()
    )
    for imp_id in list(marked):
        status = MemberImport.objects.filter(pk=imp_id).values_list("status", flat=True).first()
        if status == ImportStatus.DONE:
            unmark_staged(imp_id)
        elif status != ImportStatus.WRITING:  # its next attempt clears it before writing
            discard_staged(imp_id)


@task()
def tidy_staged() -> None:
    sweep_staged()


def _immediate_constraints() -> None:
    if connection.vendor == "postgresql":
        # Checked row by row as written: cheaper than PostgreSQL's queue of deferred checks run
        # at commit (members are written before the rows that point at them).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class NewMembers:
    """Writes new members with their name-index rows and admission events, batch by batch."""

    def __init__(self, plan: Plan, *, actor: Any, imp: MemberImport | None, staged: bool) -> None:
        assert plan.places is not None
        self.places: Places = plan.places
        self.today = timezone.localdate()
        self.paths = self.places.unit_paths_and_communes()
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        province_id = self.places.province.pk
        # What every new member, name-index row and admission event of this import shares.
        self.members = Writer(Member, fixed={
            "province_id": province_id, "status": Status.ACTIVE,
            # A list that does not say her ethnicity or religion records none, not a guess.
            "ethnicity": NOT_RECORDED, "religion": Religion.NOT_RECORDED,
            "staged_by_id": imp.pk if (imp and staged) else None,
        })  # fmt: skip
        self.tokens = Writer(
            NameToken, with_id=False, fixed={"active": True, "province_id": province_id}
        )
        self.events = Writer(MemberEvent, with_id=False, fixed={
            "kind": EventKind.ADMITTED, "actor_id": actor_id,
            "data": {"import": str(imp.pk)} if imp else {},
        })  # fmt: skip

    def write(self, batch: list[Row]) -> None:
        """Call inside a transaction (ids are reserved in it)."""
        _immediate_constraints()
        rows = []
        token_rows = []
        event_rows = []
        for r, pk in zip(batch, reserve_ids(Member, len(batch)), strict=True):
            assert r.branch_id is not None  # a row without a branch is an error, never new
            path, commune_id = self.paths[r.branch_id]
            folded, key, name_words, stored_words = name_keys(r.name)
            since = r.values.get("join_date") or self.today
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
        self.members.write(rows)
        self.tokens.write(token_rows)
        self.events.write(event_rows)


def write(
    plan: Plan,
    *,
    actor: Any,
    imp: MemberImport | None = None,
    on_batch: Callable[[], None] = lambda: None,
) -> dict[str, int]:
    """Write the plan's new members and updates in the caller's one transaction (the command
    line and the benchmarks; the pages' imports go through `stage` and `publish`)."""
    assert plan.places is not None
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    source = {"import": str(imp.pk)} if imp else {}
    new = [r for r in plan.rows if r.status == NEW]
    writer = NewMembers(plan, actor=actor, imp=imp, staged=False)
    written = 0
    total = len(new) + plan.count(UPDATE)
    for start in range(0, len(new), STEP_ROWS):
        on_batch()
        batch = new[start : start + STEP_ROWS]
        writer.write(batch)
        written += len(batch)
        if imp:
            report(imp.pk, "writing", written, total)
    updated = _update(plan, actor_id, source, on_batch)
    if imp:
        report(imp.pk, "writing", total, total)
    members_changed(plan.places.province.pk)
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
    transaction.on_commit(lambda: analyse_import.enqueue(str(imp.pk), imp.attempt))
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
    """Read the file again (after the cadre's answers, a new file, or an interrupted reading)."""
    imp.status, imp.error, imp.finished_at = ImportStatus.ANALYSING, "", None
    imp.attempt += 1
    imp.save()
    cache.delete(CANCEL_KEY.format(imp.pk))
    report(imp.pk, "reading", 0, 1)
    attempt = imp.attempt
    transaction.on_commit(lambda: analyse_import.enqueue(str(imp.pk), attempt))


def claim_write(imp: MemberImport, *, interrupted: bool = False) -> int | None:
    """Take the import for a new write attempt: from the preview, after a failure, or (when its
    worker died) from an unfinished write. One conditional update, so that of two clicks, two
    tabs or two servers only one wins; returns the new attempt, or None for the loser."""
    statuses = [ImportStatus.PREVIEW, ImportStatus.FAILED]
    if interrupted:
        statuses.append(ImportStatus.WRITING)
    claimed = MemberImport.objects.filter(
        pk=imp.pk, attempt=imp.attempt, status__in=statuses
    ).update(
        status=ImportStatus.WRITING, attempt=F("attempt") + 1, error="", finished_at=None,
        updated_at=timezone.now(),
    )  # fmt: skip
    if not claimed:
        return None
    imp.status, imp.attempt, imp.error, imp.finished_at = (
        ImportStatus.WRITING,
        imp.attempt + 1,
        "",
        None,
    )
    return imp.attempt


def import_confirm(*, imp: MemberImport) -> bool:
    """Write a previewed import (or try again one that failed or was interrupted) in the
    background; False when another attempt already has it."""
    interrupted = imp.status == ImportStatus.WRITING and progress_of(imp)["stale"]
    attempt = claim_write(imp, interrupted=interrupted)
    if attempt is None:
        return False
    cache.delete(CANCEL_KEY.format(imp.pk))
    report(imp.pk, "checking", 0, 1)
    transaction.on_commit(lambda: commit_import.enqueue(str(imp.pk), attempt))
    return True


def import_cancel(*, imp: MemberImport) -> None:
    """Stop a running step (what it wrote is deleted), or discard an import waiting in preview."""
    if imp.status in (ImportStatus.ANALYSING, ImportStatus.WRITING):
        request_cancel(imp)
        # No worker is running it any more: end it here; its staged rows are deleted after.
        if progress_of(imp)["stale"] and _finish(imp, ImportStatus.CANCELLED, attempt=imp.attempt):
            transaction.on_commit(lambda: tidy_staged.enqueue())
    elif imp.status in (ImportStatus.PREVIEW, ImportStatus.FAILED):
        _finish(imp, ImportStatus.CANCELLED, attempt=imp.attempt)
