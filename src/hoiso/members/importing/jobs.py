"""An import's two background steps, and the services the pages call to start, confirm, retry and
cancel them: read and check the file (the preview), then, once the cadre confirms, check it again
against the database as it is now and write it (`write.members_import_write`).

Each confirm or *Try again* raises the import's `attempt` with a conditional update (only one can
win); every step of a worker first checks that the import is still at its attempt, so a worker
that wakes late stops instead of writing twice or reporting a failure for a newer attempt.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from hoiso.accounts.access import permissions_at
from hoiso.accounts.roles import CHANGE_MEMBERS
from hoiso.core import audit
from hoiso.core.busy import short_transaction
from hoiso.core.sheets import UnreadableFile, read, readable_name
from hoiso.core.uploads import upload_limit
from hoiso.members.importing import errors_book
from hoiso.members.importing.analysis import analyse
from hoiso.members.importing.files import errors_path, save_preview, source_path, store
from hoiso.members.importing.memory import remembered_setup
from hoiso.members.importing.plan import Cancelled, NotAllowed, Plan
from hoiso.members.importing.progress import (
    check_cancel,
    forget_cancel,
    progress_of,
    report,
    request_cancel,
)
from hoiso.members.importing.write import (
    Superseded,
    discard_staged,
    hold,
    members_import_write,
    sweep_staged,
    unmark_staged,
)
from hoiso.members.models import (
    ImportStatus,
    MemberImport,
)

log = logging.getLogger(__name__)


def plan_for(imp: MemberImport, phase: str) -> Plan:
    sheets = read(source_path(imp), imp.filename)
    check_cancel(imp.pk)

    def progress(done: int, total: int) -> None:
        report(imp.pk, phase, done, total)
        check_cancel(imp.pk)

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
    forget_cancel(imp.pk)
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


class Refused(Exception):
    """The import may not be written (its author's rights); the message says why."""


def may_import(user: Any, unit: Any) -> bool:
    """Whether the user still holds a role that may change members at the unit (her assignment
    may have been revoked since she uploaded): checked when she confirms and again by the worker."""
    if user is None or not user.is_active:
        return False
    return CHANGE_MEMBERS in permissions_at(user, unit)


def _end(imp: MemberImport, attempt: int, status: str, **fields: Any) -> bool:
    """Close this attempt (failed or cancelled) if it is still the import's; says whether it was."""
    now = timezone.now()
    ended = MemberImport.objects.filter(
        pk=imp.pk, status=ImportStatus.WRITING, attempt=attempt
    ).update(status=status, finished_at=now, updated_at=now, **fields)
    forget_cancel(imp.pk)
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
            short_transaction(lambda: hold(imp.pk, attempt))
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
                % {"user": imp.user, "unit": imp.unit.union_name}
            )
        members_import_write(plan_for(imp, "checking"), imp=imp, attempt=attempt)
    except Superseded:
        raise
    except Cancelled:
        if _end(imp, attempt, ImportStatus.CANCELLED):
            discard_staged(imp.pk)
    except Exception as e:
        log.exception("import %s failed; nothing was written", imp.pk)
        message = str(e) if isinstance(e, (UnreadableFile, Refused)) else ""
        if isinstance(e, ValidationError):  # a branch to create was added by hand meanwhile
            message = " ".join(e.messages)
        error = (message + " " if message else "") + _(
            "Nothing was written: the members are as they were."
        )
        if _end(imp, attempt, ImportStatus.FAILED, error=error[:500]):
            discard_staged(imp.pk)


@task()
def tidy_staged() -> None:
    sweep_staged()


def import_start(
    *,
    actor: Any,
    unit: Any,
    filename: str,
    chunks: Any,
    default_branch: Any = None,
    language: str = "",
    batch: Any = None,
) -> MemberImport:
    """Keep the uploaded file and read it in the background."""
    name = readable_name(filename)
    imp = MemberImport.objects.create(
        user=actor, unit=unit, filename=name, default_branch=default_branch, language=language,
        batch=batch,
    )  # fmt: skip
    store(imp, chunks, upload_limit("sheet"))
    audit.log(actor, "members.import_started", imp, data={"file": name})
    transaction.on_commit(lambda: analyse_import.enqueue(str(imp.pk), imp.attempt))
    return imp


def import_replace_file(*, imp: MemberImport, filename: str, chunks: Any) -> None:
    """A corrected file for the same import: the cadre's decisions so far are kept."""
    name = readable_name(filename)
    source_path(imp).unlink(missing_ok=True)
    imp.filename = name
    store(imp, chunks, upload_limit("sheet"))
    import_reanalyse(imp=imp)


def import_reanalyse(*, imp: MemberImport) -> None:
    """Read the file again (after the cadre's answers, a new file, or an interrupted reading)."""
    imp.status, imp.error, imp.finished_at = ImportStatus.ANALYSING, "", None
    imp.attempt += 1
    imp.save()
    forget_cancel(imp.pk)
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
    forget_cancel(imp.pk)
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
