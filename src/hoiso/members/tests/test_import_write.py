"""Writing an import: the error workbook, the one atomic write (members, name index, history) and
what it leaves when anything fails, and the background task that runs it."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from hoiso.conftest import Cast, make_member
from hoiso.core import bulk
from hoiso.core.models import AuditEvent
from hoiso.core.sheets import Sheet, read
from hoiso.core.text import words
from hoiso.members.choices import EventKind, Religion, Status
from hoiso.members.importing import errors_book, files, jobs, memory, progress, write
from hoiso.members.importing.analysis import analyse
from hoiso.members.importing.plan import ERROR, NEW, UPDATE, Plan, Setup
from hoiso.members.models import (
    ImportMemory,
    ImportStatus,
    Member,
    MemberEvent,
    MemberImport,
    NameToken,
)
from hoiso.members.selectors import member_list, search
from hoiso.members.tests.test_import_files import CID, HEADER, member, plan_of, xlsx

NOTHING_WRITTEN = "Nothing was written: the members are as they were."


def _counts() -> tuple[int, int, int]:
    """Every row, staged ones included (the default managers hide those)."""
    return tuple(m._base_manager.count() for m in (Member, NameToken, MemberEvent))  # type: ignore[return-value]


def _binh(cast: Cast) -> Member:
    return make_member(cast.branch_a1, "Nguyễn Thị Bình", citizen_id=CID, phone="0912345678",
                       religion=Religion.NONE)  # fmt: skip


LIST = [
    HEADER,
    member(1, cid=CID, phone="0987 654 321"),  # an update of Bình
    member(2, unicodedata.normalize("NFD", "Trần Thị Ánh"), born="05/03/1990"),
    member(3, "H'MAI  NIÊ", born=1988, ethnicity="Ê Đê", branch="Buôn Ea Sinh"),
    member(4, "Lê Thị Hoa", cid=241234567),  # an error: the old 9-digit card
]


# --- The error workbook --------------------------------------------------------------------------


def test_it_writes_the_error_rows_as_they_were_with_what_to_fix(cast: Cast, tmp_path: Path) -> None:
    rows = [[*HEADER, "Địa chỉ"],
            [*member(1, "Nguyễn Thị Bình"), "Thôn 1"],
            [*member(2, "Lê Thị Hoa", cid=241234567), '=HYPERLINK("http://x.vn","Thôn 1")'],
            [*member(3, "Đỗ Thị Mơ", born="31/02/1985", phone=912345678), "-Thôn 1"]]  # fmt: skip
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a)
    assert [r.status for r in plan.rows] == [NEW, ERROR, ERROR]
    out = tmp_path / "errors.xlsx"
    assert errors_book.write(plan, out) == 2

    [sheet] = read(out)
    assert sheet.name == "DS"
    header, hoa, mo = sheet.rows
    assert header[:9] == [*HEADER, "Địa chỉ"]
    with override("vi"):
        assert header[9] == gettext("What to fix")
    # The rows as the file had them: the same cells, the same types.
    assert hoa[:9] == [2.0, "Lê Thị Hoa", dt.date(1985, 3, 5), 241234567.0, "", "", "", "Thôn 1",
                       '=HYPERLINK("http://x.vn","Thôn 1")']  # fmt: skip
    assert mo[1:5] == ["Đỗ Thị Mơ", "31/02/1985", "", 912345678.0]
    # What to fix names the row and the cell.
    assert "3" in hoa[9] and "241234567" in hoa[9] and "(D3)" in hoa[9]
    assert "(C4)" in mo[9]
    # Text that looks like a formula stays text: the workbook holds no formula at all.
    with zipfile.ZipFile(out) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if "worksheets" in n)


def test_it_reads_its_own_error_workbook_back(cast: Cast, tmp_path: Path) -> None:
    """The cadre fixes the cells and uploads the workbook again: same columns, same rows."""
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": LIST}), cast.commune_a)
    errors_book.write(plan, tmp_path / "errors.xlsx")
    again = plan_of(tmp_path / "errors.xlsx", cast.commune_a)
    assert [(r.name, r.status) for r in again.rows] == [("Lê Thị Hoa", ERROR)]
    # Fixed: the cell emptied (the CMND is not a CCCD), it imports.
    [sheet] = read(tmp_path / "errors.xlsx")
    sheet.rows[1][3] = None
    fixed = analyse([sheet], Setup(unit=cast.commune_a))
    assert [(r.name, r.status) for r in fixed.rows] == [("Lê Thị Hoa", NEW)]


# --- The write -----------------------------------------------------------------------------------


def _plan(cast: Cast, tmp_path: Path, rows: list[list[Any]] = LIST) -> Plan:
    return plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a)


def _write(plan: Plan, cast: Cast) -> dict[str, int]:
    """Hoa's import written by the one writer, as the command does: staged rows of a failed
    write are discarded, those of a finished one unmarked."""
    imp = MemberImport.objects.create(
        user=cast.hoa, unit=cast.commune_a, filename="ds.xlsx", status=ImportStatus.WRITING,
        attempt=1,
    )  # fmt: skip
    try:
        counts = write.members_import_write(plan, imp=imp, attempt=imp.attempt)
    except Exception:
        write.discard_staged(imp.pk)
        raise
    write.unmark_staged(imp.pk)
    return counts


def test_it_writes_new_members_findable_by_name_with_their_admission(
    cast: Cast, tmp_path: Path
) -> None:
    binh = _binh(cast)
    plan = _plan(cast, tmp_path)
    assert plan.summary()["new"] == 2 and plan.summary()["update"] == 1
    counts = _write(plan, cast)
    assert counts == {"added": 2, "updated": 1}

    anh = Member.objects.get(full_name="Trần Thị Ánh")
    mai = Member.objects.get(full_name="H'Mai Niê")
    assert (anh.branch, anh.commune, anh.province) == (cast.branch_a1, cast.commune_a,
                                                        cast.province)  # fmt: skip
    assert (anh.birth_date, anh.status) == (dt.date(1990, 3, 5), Status.ACTIVE)
    assert (mai.branch, mai.birth_year, mai.birth_date, mai.ethnicity) == (
        cast.branch_a2, 1988, None, 12
    )  # fmt: skip
    for m in (anh, mai):
        tokens = set(NameToken.objects.filter(member=m).values_list("token", flat=True))
        assert tokens == set(words(m.full_name))
        [event] = MemberEvent.objects.filter(member=m)
        assert (event.kind, event.actor, event.branch) == (EventKind.ADMITTED, cast.hoa, m.branch)
        assert event.on == timezone.localdate()
    # The list and the search show them like any member.
    assert set(member_list(cast.commune_a)) == {binh, anh, mai}
    assert set(member_list(cast.branch_a2)) == {mai}
    assert search(cast.commune_a, "tr thi a").members == [anh]
    assert search(cast.commune_a, "hmai").members == [mai]
    assert search(cast.province, "anh").members == [anh]
    assert search(cast.commune_b, "anh").members == []
    # The update: the new phone, and a line in her history saying what changed.
    binh.refresh_from_db()
    assert binh.phone == "0987654321"
    updated = MemberEvent.objects.get(member=binh, kind=EventKind.UPDATED)
    assert updated.data["fields"] == ["phone"] and updated.actor == cast.hoa


def test_its_new_members_are_placed_from_their_admission_and_counted_once_published(
    cast: Cast, tmp_path: Path
) -> None:
    from hoiso.members.history import active_count_on
    from hoiso.members.models import Placement

    _write(_plan(cast, tmp_path), cast)
    anh = Member.objects.get(full_name="Trần Thị Ánh")
    [placement] = Placement.objects.filter(member=anh)
    assert (placement.branch_id, placement.path, placement.valid_from, placement.valid_to) == (
        cast.branch_a1.pk, cast.branch_a1.path, timezone.localdate(), None
    )  # fmt: skip
    assert placement.staged_by_id is None
    assert active_count_on(cast.commune_a, timezone.localdate()) == 2


def test_it_reindexes_the_name_an_update_changes(cast: Cast, tmp_path: Path) -> None:
    binh = _binh(cast)
    plan = _plan(cast, tmp_path, [HEADER, member(1, "Nguyễn Thị Bình Minh", cid=CID)])
    assert plan.rows[0].status == UPDATE
    _write(plan, cast)
    binh.refresh_from_db()
    assert binh.full_name == "Nguyễn Thị Bình Minh"
    assert search(cast.commune_a, "minh").members == [binh]


def test_it_keeps_a_join_date_or_year_from_the_file(cast: Cast, tmp_path: Path) -> None:
    rows = [[*HEADER, "Ngày vào hội"], [*member(1), "01/05/2010"],
            [*member(2, "Lê Thị Hoa", born=1980), 2005]]  # fmt: skip
    _write(_plan(cast, tmp_path, rows), cast)
    binh = Member.objects.get(full_name="Nguyễn Thị Bình")
    hoa = Member.objects.get(full_name="Lê Thị Hoa")
    assert (hoa.join_date, binh.join_date) == (dt.date(2005, 1, 1), dt.date(2010, 5, 1))
    event = MemberEvent.objects.get(member=binh, kind=EventKind.ADMITTED)
    assert event.on == dt.date(2010, 5, 1)


# --- A failure in the middle of the write ---------------------------------------------------------

GIVEN = ["An", "Bình", "Chi", "Dung", "Hoa", "Lan", "Mai", "Nga", "Thu", "Vy"]


def _many(n: int) -> list[list[Any]]:
    """n different women (name and birth), enough for more than one batch of the write."""
    day = dt.date(1950, 1, 1)
    return [member(i, f"Nguyễn Thị {GIVEN[i % 10]}", born=day + dt.timedelta(days=i))
            for i in range(n)]  # fmt: skip


def _fail_on(monkeypatch: pytest.MonkeyPatch, model: type, call: int) -> list[int]:
    """Make the bulk insert of `model` raise on its `call`-th use; returns the calls made."""
    calls: list[int] = []
    insert = bulk.insert

    def failing(target: type, columns: Any, rows: Any) -> int:
        if target is model:
            calls.append(1)
            if len(calls) == call:
                raise RuntimeError("disk full")
        return insert(target, columns, rows)

    monkeypatch.setattr(bulk, "insert", failing)
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_first_batch_leaves_the_database_as_it_was(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    binh = _binh(cast)
    plan = analyse([Sheet("DS", [HEADER, *_many(5001)])], Setup(unit=cast.commune_a))
    assert plan.count(NEW) == 5001
    before = _counts()
    calls = _fail_on(monkeypatch, NameToken, call=2)
    with pytest.raises(RuntimeError):
        _write(plan, cast)
    assert len(calls) == 2  # the first batch was written, then the second failed
    assert _counts() == before
    assert list(member_list(cast.commune_a)) == [binh]
    assert search(cast.commune_a, "nguyen thi an").members == []


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_the_updates_undoes_the_new_members_too(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binh = _binh(cast)
    plan = _plan(cast, tmp_path)
    before = _counts()

    def failing(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("connection lost")

    monkeypatch.setattr(Member.objects, "bulk_update", failing)
    with pytest.raises(RuntimeError):
        _write(plan, cast)
    assert _counts() == before
    binh.refresh_from_db()
    assert binh.phone == "0912345678"


# --- The background task -------------------------------------------------------------------------


@pytest.fixture
def upload(cast: Cast, settings: Any, tmp_path: Path) -> Callable[..., MemberImport]:
    """An import of LIST by Hoa into commune A, in the given status, its file in place."""
    settings.VAR_DIR = settings.MEDIA_ROOT = tmp_path

    def make(status: str = ImportStatus.PREVIEW, rows: list[list[Any]] = LIST,
             **fields: Any) -> MemberImport:  # fmt: skip
        imp = MemberImport.objects.create(user=cast.hoa, unit=cast.commune_a, filename="DS.xlsx",
                                          language="vi", status=status, **fields)  # fmt: skip
        xlsx(files.source_path(imp), {"DS": rows})
        return imp

    return make


@pytest.fixture
def binh(cast: Cast) -> Member:
    return _binh(cast)


def test_the_analysis_task_prepares_the_preview_and_the_error_workbook(
    upload: Callable[..., MemberImport], binh: Member
) -> None:
    imp = upload(ImportStatus.ANALYSING)
    jobs.analyse_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PREVIEW
    assert imp.summary == {"new": 2, "update": 1, "unchanged": 0, "duplicate": 0, "error": 1,
                           "rows": 4}  # fmt: skip
    preview = files.load_preview(imp)
    assert {r["name"]: r["status"] for r in preview["rows"]}["Lê Thị Hoa"] == ERROR
    assert [r[1] for r in read(files.errors_path(imp))[0].rows[1:]] == ["Lê Thị Hoa"]
    assert Member.objects.count() == 1  # nothing written yet


def test_the_analysis_task_says_why_a_file_cannot_be_read(
    upload: Callable[..., MemberImport],
) -> None:
    imp = upload(ImportStatus.ANALYSING)
    files.source_path(imp).write_bytes(b"not a spreadsheet")
    jobs.analyse_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and imp.error


def test_the_commit_task_writes_the_members_and_remembers_the_cadres_answers(
    cast: Cast, upload: Callable[..., MemberImport], binh: Member
) -> None:
    rows = [["STT", "Tên chị em", *HEADER[2:]], *LIST[1:]]
    imp = upload(rows=rows, headers={"ten chi em": "full_name"})
    jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE, imp.error
    assert imp.finished_at is not None
    assert (imp.summary["added"], imp.summary["updated"], imp.summary["error"]) == (2, 1, 1)
    assert set(member_list(cast.commune_a).values_list("full_name", flat=True)) == {
        "Nguyễn Thị Bình", "Trần Thị Ánh", "H'Mai Niê"
    }  # fmt: skip
    event = AuditEvent.objects.get(action="members.imported")
    assert (event.actor, event.data["added"]) == (cast.hoa, 2)
    # The header correction is kept for the commune's next files.
    assert ImportMemory.objects.filter(unit=cast.commune_a, key="ten chi em",
                                       value="full_name").exists()  # fmt: skip
    later = MemberImport.objects.create(user=cast.hoa, unit=cast.commune_a, filename="x.xlsx")
    assert memory.remembered_setup(later.unit, later).known_headers["ten chi em"] == "full_name"


def test_a_cancelled_import_writes_nothing(
    upload: Callable[..., MemberImport], binh: Member
) -> None:
    imp = upload()
    before = _counts()
    progress.request_cancel(imp)
    jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CANCELLED
    assert _counts() == before


def test_an_import_cancelled_while_it_writes_writes_nothing(
    upload: Callable[..., MemberImport], binh: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    imp = upload()
    before = _counts()
    report = progress.report

    def cancel_once_writing(imp_id: Any, phase: str, done: int, total: int) -> None:
        report(imp_id, phase, done, total)
        if phase == "writing" and done:  # the new members are written; the updates are next
            progress.request_cancel(imp)

    monkeypatch.setattr(write, "report", cancel_once_writing)
    jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CANCELLED
    assert _counts() == before
    binh.refresh_from_db()
    assert binh.phone == "0912345678"
    assert not AuditEvent.objects.filter(action="members.imported").exists()


@pytest.fixture
def failing_write(
    upload: Callable[..., MemberImport], binh: Member, monkeypatch: pytest.MonkeyPatch
) -> MemberImport:
    imp = upload()
    before = _counts()
    _fail_on(monkeypatch, MemberEvent, call=1)
    jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert _counts() == before
    return imp


def test_a_failed_import_writes_nothing_and_says_so(failing_write: MemberImport) -> None:
    assert failing_write.status == ImportStatus.FAILED
    with override("vi"):
        assert failing_write.error == gettext(NOTHING_WRITTEN)
    assert not AuditEvent.objects.filter(action="members.imported").exists()


def test_a_failed_import_says_so_in_vietnamese(failing_write: MemberImport) -> None:
    assert failing_write.error and failing_write.error != NOTHING_WRITTEN
