"""The per-month member tally: the member metrics give the same hand-counted values from it as
from the members table, and never read it once members changed until it is rebuilt."""

import datetime as dt
import io

import pytest
import xlsxwriter
from django.core.management import call_command
from django.utils import timezone

from hoiso.conftest import make_member
from hoiso.members.counting import tally
from hoiso.members.counting.stats import refresh_province
from hoiso.members.models import Member, MemberTally
from hoiso.members.services import member_admit, member_move, member_remove, member_restore
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.units.models import Level

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 10, 15)  # the tally keeps January 2024 to December 2025
SEP = Period.containing("month", dt.date(2025, 9, 14))
AUG, OCT = SEP.previous(), SEP.next()
Q3 = Period.containing("quarter", SEP.start)
Y2025 = Period.containing("year", SEP.start)
QUEUE_REBUILD = tally._queue_rebuild  # the real one, before the stub below
MEMBER_METRICS = [c for c in REGISTRY if c.startswith("members.")]


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """Rebuilds asked for (the tests build theirs for a fixed date; the task would use today)."""
    asked = []
    monkeypatch.setattr(tally, "_queue_rebuild", asked.append)
    return asked


def values(code, root, level, period):
    return REGISTRY[code].compute(root, level, period)


@pytest.fixture
def members(cast):
    """Hand-counted: commune A has Một (smartphone), Hai (joins 30 Sep), Ba (removed 1 Sep),
    Bốn (joins 1 Oct), Sáu (unknown join date, in group A1 of branch A1) and Bảy (branch A2, (recorded as removed before
    she joined: never present)); commune B has Năm (Zalo)."""
    m1 = make_member(cast.branch_a1, "Nguyễn Thị Một", has_smartphone=True)
    make_member(cast.branch_a1, "Nguyễn Thị Hai", join_date=dt.date(2025, 9, 30))
    m3 = make_member(cast.branch_a1, "Nguyễn Thị Ba")
    make_member(cast.branch_a1, "Nguyễn Thị Bốn", join_date=dt.date(2025, 10, 1))
    make_member(cast.branch_b1, "Lê Thị Năm", uses_zalo=True)
    member_admit(actor=None, branch=cast.branch_a1, group=cast.group_a1, allow_duplicates=True,
                 data={"full_name": "Trần Thị Sáu", "birth_date": dt.date(1990, 1, 1)})  # fmt: skip
    m7 = make_member(cast.branch_a2, "Đỗ Thị Bảy", join_date=dt.date(2025, 9, 20))
    Member.objects.filter(pk=m3.pk).update(status="removed", status_since=dt.date(2025, 9, 1))
    Member.objects.filter(pk=m7.pk).update(status="removed", status_since=dt.date(2025, 8, 10))
    refresh_province(cast.province)
    tally.refresh_tally(cast.province, today=TODAY)
    return m1


def from_members_table(code, root, level, period, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(tally, "usable", lambda *a: None)
        return values(code, root, level, period)


def test_the_metrics_read_the_tally_and_give_the_hand_counted_values(cast, members):
    a, b = cast.commune_a.pk, cast.commune_b.pk
    assert tally.usable(cast.province, Level.COMMUNE, SEP) == cast.province.pk
    # August: Một, Ba, Sáu in A (Bảy "left" before joining); September: Một, Hai, Sáu.
    assert values("members.total", cast.province, Level.COMMUNE, AUG) == {a: 3, b: 1}
    assert values("members.total", cast.province, Level.COMMUNE, SEP) == {a: 3, b: 1}
    assert values("members.total", cast.province, Level.COMMUNE, OCT) == {a: 4, b: 1}
    assert values("members.new", cast.province, Level.COMMUNE, SEP) == {a: 2, b: 0}
    assert values("members.removed", cast.province, Level.COMMUNE, SEP) == {a: 1, b: 0}
    assert values("members.removed", cast.province, Level.COMMUNE, AUG) == {a: 1, b: 0}
    assert values("members.change", cast.province, Level.COMMUNE, Q3) == {a: 0, b: 0}
    assert values("members.new", cast.province, Level.COMMUNE, Y2025) == {a: 3, b: 0}
    got = values("members.digital_share", cast.province, Level.BRANCH, SEP)
    assert got == {cast.branch_a1.pk: 33.3, cast.branch_a2.pk: None, cast.branch_b1.pk: 100.0}
    assert values("members.total", cast.commune_a, Level.GROUP, SEP) == {cast.group_a1.pk: 1}
    assert values("members.total", cast.province, Level.PROVINCE, SEP) == {cast.province.pk: 4}


@pytest.mark.parametrize("code", MEMBER_METRICS)
@pytest.mark.parametrize("level", [Level.PROVINCE, Level.COMMUNE, Level.BRANCH, Level.GROUP])
@pytest.mark.parametrize("period", [AUG, SEP, OCT, Q3, Y2025])
def test_the_tally_agrees_with_the_members_table(cast, members, monkeypatch, code, level, period):
    assert tally.usable(cast.province, level, period) is not None
    for root in (cast.province, cast.commune_a):
        expected = from_members_table(code, root, level, period, monkeypatch)
        assert values(code, root, level, period) == expected


def test_it_is_not_read_for_months_it_does_not_keep(cast, members):
    assert tally.usable(cast.province, Level.COMMUNE, Period.containing("year", TODAY)) is not None
    assert tally.usable(cast.province, Level.COMMUNE, Period.containing("month", dt.date(2023, 12, 1))) is None  # fmt: skip
    assert tally.usable(cast.province, Level.COMMUNE, Period.containing("month", dt.date(2026, 1, 1))) is None  # fmt: skip
    assert tally.usable(cast.province, Level.DISTRICT, SEP) is None


def test_a_member_change_retires_the_tally_until_it_is_rebuilt(cast, members):
    a, b = cast.commune_a.pk, cast.commune_b.pk
    member_remove(actor=None, member=members, reason="moved_away", on=dt.date(2025, 9, 10))
    assert tally.usable(cast.province, Level.COMMUNE, SEP) is None
    # From the members table meanwhile: Một has left in September.
    assert values("members.total", cast.province, Level.COMMUNE, SEP) == {a: 2, b: 1}
    tally.refresh_tally(cast.province, today=TODAY)
    assert tally.usable(cast.province, Level.COMMUNE, SEP) is not None
    assert values("members.total", cast.province, Level.COMMUNE, SEP) == {a: 2, b: 1}
    assert values("members.removed", cast.province, Level.COMMUNE, SEP) == {a: 2, b: 0}
    assert values("members.total", cast.province, Level.COMMUNE, AUG) == {a: 3, b: 1}

    member_restore(actor=None, member=Member.objects.get(pk=members.pk))
    member_move(actor=None, member=Member.objects.get(pk=members.pk), branch=cast.branch_b1)
    assert tally.usable(cast.province, Level.COMMUNE, SEP) is None
    tally.refresh_tally(cast.province, today=TODAY)
    # Counted where she is placed now, for every month.
    assert values("members.total", cast.province, Level.COMMUNE, AUG) == {a: 2, b: 2}
    assert values("members.total", cast.province, Level.COMMUNE, OCT) == {a: 3, b: 2}


def test_an_import_retires_the_tally_and_the_rebuild_counts_the_new_members(cast, tmp_path):
    now = Period.containing("month", timezone.localdate())
    a = cast.commune_a.pk
    make_member(cast.branch_a1, "Nguyễn Thị Một")
    refresh_province(cast.province)
    assert tally.usable(cast.province, Level.COMMUNE, now) is not None
    assert values("members.total", cast.province, Level.COMMUNE, now)[a] == 1
    path = tmp_path / "xa.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Họ tên", "Năm sinh", "Chi hội"])
    sheet.write_row(1, 0, ["Lò Thị Ánh", 1980, "Thôn 1"])
    sheet.write_row(2, 0, ["Vi Thị Bảo", 1981, "Thôn 1"])
    book.close()
    call_command("import_members", str(path), "--unit", cast.commune_a.code, stdout=io.StringIO())
    assert Member.objects.count() == 3
    assert tally.usable(cast.province, Level.COMMUNE, now) is None
    assert values("members.total", cast.province, Level.COMMUNE, now)[a] == 3
    refresh_province(cast.province)
    assert tally.usable(cast.province, Level.COMMUNE, now) is not None
    assert values("members.total", cast.province, Level.COMMUNE, now)[a] == 3
    assert MemberTally.objects.get(unit=cast.branch_a1, month=now.start).present == 3


def test_reading_takes_a_fixed_number_of_queries(cast, members, django_assert_max_num_queries):
    for code in MEMBER_METRICS:
        with django_assert_max_num_queries(4):
            assert len(values(code, cast.province, Level.BRANCH, SEP)) == 3


def test_a_new_year_queues_a_rebuild_that_keeps_its_months(cast, members, queued):
    # Built on 15 October 2025, the tally keeps 2024 and 2025; read in 2026, it asks for a rebuild.
    tally.usable(cast.province, Level.COMMUNE, SEP)
    assert queued == [cast.province.pk]
    jan = Period.containing("month", dt.date(2026, 1, 1))
    assert tally.usable(cast.province, Level.COMMUNE, jan) is None
    tally.refresh_tally(cast.province, today=dt.date(2026, 1, 2))
    assert tally.usable(cast.province, Level.COMMUNE, jan) is not None
    assert values("members.total", cast.province, Level.COMMUNE, jan) == {
        cast.commune_a.pk: 4,
        cast.commune_b.pk: 1,
    }


def test_a_queued_rebuild_is_asked_for_once_while_it_waits(cast, monkeypatch):
    from types import SimpleNamespace

    asked = []
    monkeypatch.setattr(
        "hoiso.members.counting.stats.refresh_member_stats", SimpleNamespace(enqueue=asked.append)
    )
    QUEUE_REBUILD(cast.province.pk)
    QUEUE_REBUILD(cast.province.pk)
    assert asked == [cast.province.pk]
