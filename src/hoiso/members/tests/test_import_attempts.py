"""Writing an import in short steps: one writer at a time, staged rows that no reader sees, an
interrupted write tried again, and the author's rights checked at the moment of writing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.urls import reverse
from django.utils.translation import gettext, override

from hoiso.accounts.models import Assignment
from hoiso.conftest import PASSWORD, Cast
from hoiso.core.sheets import read
from hoiso.members.counting.stats import refresh_province
from hoiso.members.importing import files, jobs, progress, write
from hoiso.members.importing.analysis import analyse
from hoiso.members.importing.plan import NEW, Setup
from hoiso.members.models import ImportStatus, Member, MemberImport, MemberStat, NameToken
from hoiso.members.selectors import member_list, search
from hoiso.members.tests.test_import_files import HEADER, member, xlsx

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["Trần Thị Ánh", "Lò Thị Bảo", "Vi Thị Cúc", "Hà Thị Dung", "Đinh Thị Én"]
ROWS = [HEADER, *(member(i + 1, name, born=1980 + i) for i, name in enumerate(NAMES))]


@pytest.fixture
def upload(cast: Cast, settings: Any, tmp_path: Path) -> Callable[..., MemberImport]:
    settings.VAR_DIR = settings.MEDIA_ROOT = tmp_path

    def make(status: str = ImportStatus.PREVIEW) -> MemberImport:
        imp = MemberImport.objects.create(user=cast.hoa, unit=cast.commune_a, filename="DS.xlsx",
                                          language="vi", status=status)  # fmt: skip
        xlsx(files.source_path(imp), {"DS": ROWS})
        return imp

    return make


@pytest.fixture
def one_row_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(write, "STEP_ROWS", 1)


def _go_stale(imp: MemberImport) -> None:
    """Nothing heard from its worker for longer than a worker ever stays silent."""
    entry = cache.get(progress.PROGRESS_KEY.format(imp.pk)) or {"phase": "writing", "done": 1,
                                                            "total": 5}  # fmt: skip
    cache.set(
        progress.PROGRESS_KEY.format(imp.pk),
        {**entry, "at": time.time() - progress.STALE_SECONDS - 1},
    )


def _pause_after_first_step(monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], None]) -> None:
    """Run `meanwhile` once, when the first worker has written its first step of new members."""
    report = progress.report
    done = []

    def reporting(imp_id: Any, phase: str, n: int, total: int) -> None:
        report(imp_id, phase, n, total)
        if phase == "writing" and n and not done:
            done.append(1)
            meanwhile()

    monkeypatch.setattr(write, "report", reporting)


def _names(cast: Cast) -> list[str]:
    return sorted(member_list(cast.commune_a).values_list("full_name", flat=True))


def test_a_stalled_worker_that_wakes_after_try_again_changes_nothing(
    cast: Cast, upload: Callable[..., MemberImport], one_row_steps: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The issue's case: the first worker stalls past the limit, the cadre presses Try again,
    the second attempt writes everything, then the first goes on. The import ends done, each
    woman written once, and no "nothing was written"."""
    imp = upload()

    def try_again_meanwhile() -> None:
        stalled = MemberImport.objects.get(pk=imp.pk)
        _go_stale(stalled)
        assert jobs.import_confirm(imp=stalled)  # what the Try again button does
        assert stalled.attempt == 2
        jobs.commit_import.call(str(imp.pk), 2)  # another worker runs it to the end

    _pause_after_first_step(monkeypatch, try_again_meanwhile)
    jobs.commit_import.call(str(imp.pk))  # attempt 1, which then wakes up and goes on
    imp.refresh_from_db()
    assert (imp.status, imp.attempt, imp.error) == (ImportStatus.DONE, 2, "")
    assert imp.summary["added"] == 5
    assert _names(cast) == sorted(NAMES)
    assert Member._base_manager.count() == 5  # the first attempt's staged row is gone
    assert not Member._base_manager.filter(staged_by__isnull=False).exists()
    assert NameToken.objects.count() == NameToken._base_manager.count() == 15


def test_try_again_after_the_first_attempt_finished_changes_nothing(
    cast: Cast, upload: Callable[..., MemberImport]
) -> None:
    imp = upload()
    jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE
    assert not jobs.import_confirm(imp=imp)
    jobs.commit_import.call(str(imp.pk), 1)  # the same attempt delivered twice
    imp.refresh_from_db()
    assert (imp.status, imp.summary["added"]) == (ImportStatus.DONE, 5)
    assert Member.objects.count() == 5


def test_only_one_of_two_confirms_wins(upload: Callable[..., MemberImport]) -> None:
    imp = upload()
    first, second = MemberImport.objects.get(pk=imp.pk), MemberImport.objects.get(pk=imp.pk)
    assert jobs.claim_write(first) == 1
    assert jobs.claim_write(second) is None
    # A running write is not taken over while its worker is heard from.
    progress.report(imp.pk, "writing", 1, 5)
    assert not jobs.import_confirm(imp=MemberImport.objects.get(pk=imp.pk))


def test_no_reader_sees_the_rows_of_an_import_being_written(
    cast: Cast, upload: Callable[..., MemberImport], one_row_steps: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    imp = upload()
    refresh_province(cast.province)
    stat_before = MemberStat.objects.get(unit=cast.commune_a).active
    seen: dict[str, Any] = {}

    def look() -> None:
        assert Member._base_manager.count() == 1  # the first step is in the database…
        seen["count"] = Member.objects.count()  # …and nobody sees it
        seen["list"] = list(member_list(cast.commune_a))
        seen["search"] = search(cast.commune_a, "tran thi anh").members
        seen["tokens"] = NameToken.objects.count()
        refresh_province(cast.province)
        seen["stat"] = MemberStat.objects.get(unit=cast.commune_a).active
        # Another import of the same list meanwhile finds her new, not a duplicate.
        plan = analyse(read(files.source_path(imp)), Setup(unit=cast.commune_a))
        seen["plan"] = {r.status for r in plan.rows}

    _pause_after_first_step(monkeypatch, look)
    jobs.commit_import.call(str(imp.pk))
    assert seen == {"count": 0, "list": [], "search": [], "tokens": 0, "stat": stat_before,
                    "plan": {NEW}}  # fmt: skip
    # Once done, all of them at once.
    assert Member.objects.count() == 5
    assert search(cast.commune_a, "tran thi anh").members[0].full_name == "Trần Thị Ánh"


class WorkerDied(BaseException):
    """The process ended in the middle (nothing of it runs after)."""


def test_an_interrupted_write_shows_interrupted_and_try_again_writes_it_once(
    client: Any, cast: Cast, upload: Callable[..., MemberImport], one_row_steps: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    imp = upload()

    def die() -> None:
        raise WorkerDied

    _pause_after_first_step(monkeypatch, die)
    with pytest.raises(WorkerDied):
        jobs.commit_import.call(str(imp.pk))
    monkeypatch.undo()
    imp.refresh_from_db()
    assert imp.status == ImportStatus.WRITING
    assert Member._base_manager.count() == 1 and Member.objects.count() == 0

    _go_stale(imp)
    client.login(username="hoa", password=PASSWORD)
    url = reverse("members:import", args=[cast.commune_a.code, imp.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    with override("vi"):
        assert gettext("Interrupted") == "Bị gián đoạn"
        assert "Bị gián đoạn" in page and gettext("Try again") in page
    client.post(reverse("members:import_confirm", args=[cast.commune_a.code, imp.pk]))
    imp.refresh_from_db()
    assert (imp.status, imp.summary["added"]) == (ImportStatus.DONE, 5)
    assert _names(cast) == sorted(NAMES)
    assert Member._base_manager.count() == 5


def test_a_stale_import_cancelled_leaves_nothing_behind(
    client: Any, cast: Cast, upload: Callable[..., MemberImport], one_row_steps: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    imp = upload()

    def die() -> None:
        raise WorkerDied

    _pause_after_first_step(monkeypatch, die)
    with pytest.raises(WorkerDied):
        jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    _go_stale(imp)
    client.login(username="hoa", password=PASSWORD)
    client.post(reverse("members:import_cancel", args=[cast.commune_a.code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CANCELLED
    assert Member._base_manager.count() == 0 and NameToken._base_manager.count() == 0


def test_confirming_needs_the_right_to_import_still(
    client: Any, cast: Cast, upload: Callable[..., MemberImport]
) -> None:
    imp = upload()
    client.login(username="hoa", password=PASSWORD)
    # Her assignments at the commune are taken away between the preview and the confirm.
    Assignment.objects.filter(user=cast.hoa).delete()
    response = client.post(reverse("members:import_confirm", args=[cast.commune_a.code, imp.pk]))
    assert response.status_code == 404
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PREVIEW and Member.objects.count() == 0


def test_the_worker_checks_the_right_to_import_again(
    cast: Cast, upload: Callable[..., MemberImport]
) -> None:
    imp = upload()
    assert jobs.claim_write(imp) == 1  # confirmed; her assignment goes before the worker runs
    Assignment.objects.filter(user=cast.hoa).delete()
    jobs.commit_import.call(str(imp.pk), imp.attempt)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED
    with override("vi"):
        assert gettext("Nothing was written: the members are as they were.") in imp.error
    assert Member._base_manager.count() == 0


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_two_workers_at_once_on_postgresql_write_each_woman_once(
    cast: Cast, upload: Callable[..., MemberImport], one_row_steps: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Two real workers (threads with their own connections): the first stalls after a step,
    the cadre tries again, the second runs while the first goes on."""
    imp = upload()
    first_wrote = threading.Event()
    go_on = threading.Event()
    report = progress.report
    errors: list[BaseException] = []

    def reporting(imp_id: Any, phase: str, n: int, total: int) -> None:
        report(imp_id, phase, n, total)
        if phase == "writing" and n == 1 and threading.current_thread().name == "first":
            first_wrote.set()
            go_on.wait(30)

    monkeypatch.setattr(write, "report", reporting)

    def work(attempt: int | None) -> None:
        try:
            jobs.commit_import.call(str(imp.pk), attempt)
        except BaseException as e:  # pragma: no cover - shown by the assertion below
            errors.append(e)
        finally:
            connections.close_all()

    first = threading.Thread(target=work, args=(None,), name="first")
    first.start()
    assert first_wrote.wait(30)
    stalled = MemberImport.objects.get(pk=imp.pk)
    _go_stale(stalled)
    assert jobs.import_confirm(imp=stalled)
    second = threading.Thread(target=work, args=(stalled.attempt,), name="second")
    second.start()
    time.sleep(0.2)
    go_on.set()  # the first goes on while the second writes
    first.join(60)
    second.join(60)
    assert not errors
    imp.refresh_from_db()
    assert (imp.status, imp.attempt, imp.summary["added"]) == (ImportStatus.DONE, 2, 5)
    assert _names(cast) == sorted(NAMES)
    assert Member._base_manager.count() == 5
    assert connection.vendor == "postgresql"
