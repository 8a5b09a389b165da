"""The per-branch dues and roll tallies: equal to a fresh count after every writing service, and
the branch-life metrics read from them give what counting the tables gives."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Q

from hoiso.activities import metrics, tally
from hoiso.activities.models import DuesPayment, DuesTally, RollTally
from hoiso.activities.services import dues_record
from hoiso.conftest import Cast, make_member
from hoiso.members.choices import Status
from hoiso.members.models import Member
from hoiso.members.services import member_move, member_remove, member_update
from hoiso.metrics.periods import Period
from hoiso.units.models import Unit

D = dt.date


def fresh_dues(province: Unit) -> Counter:
    """(branch, quarter, join bucket) → dues paid, counted row by row from the tables."""
    out: Counter = Counter()
    for p in DuesPayment.objects.filter(member__province=province, member__status=Status.ACTIVE):
        member = Member.objects.get(pk=p.member_id)
        out[(member.branch_path, p.quarter, tally.dues_bucket(member.join_date, p.quarter))] += 1
    return out


def fresh_roll(province: Unit, first: dt.date) -> Counter:
    out: Counter = Counter()
    for m in Member.objects.filter(province=province, status=Status.ACTIVE):
        joined = (
            m.join_date.replace(day=1) if m.join_date and m.join_date >= first else tally.BEFORE
        )
        out[(m.branch_path, joined, "n")] += 1
        out[(m.branch_path, joined, "carded")] += bool(m.card_number)
    return out


def kept_dues(province: Unit) -> Counter:
    rows = DuesTally.objects.filter(province=province)
    return Counter({(r.branch_path, r.quarter, r.joined): r.paid for r in rows if r.paid})


def kept_roll(province: Unit) -> Counter:
    out: Counter = Counter()
    for r in RollTally.objects.filter(province=province):
        out[(r.branch_path, r.joined, "n")] += r.active
        out[(r.branch_path, r.joined, "carded")] += r.carded
    return out


def assert_current(province: Unit) -> None:
    assert kept_dues(province) == +fresh_dues(province)
    first = tally.first_month(dt.date.today())
    assert kept_roll(province) == +fresh_roll(province, first)
    assert tally.current(province, D(2027, 1, 1)) == (province.pk, True)


def test_dues_record_keeps_the_tally_through_record_correct_and_undo(cast: Cast) -> None:
    a1, a2, p = cast.branch_a1, cast.branch_a2, cast.province
    q = metrics.quarters_due(Period.containing("year", dt.date.today()))[0]
    old = make_member(a1, "Nguyễn Thị An", join_date=D(2010, 1, 1))
    new = make_member(a1, "Nguyễn Thị Bích", join_date=q + dt.timedelta(days=20))
    unknown = make_member(a1, "Nguyễn Thị Cúc", join_date=None)
    other = make_member(a2, "Lê Thị Hoa")
    tally.rebuild(p)
    assert_current(p)
    dues_record(actor=None, branch=a1, quarter=q, paid_ids={old.pk, new.pk})  # record
    assert kept_dues(p)[(a1.path, q, tally.BEFORE)] == 1
    assert kept_dues(p)[(a1.path, q, new.join_date.replace(day=1))] == 1
    assert_current(p)
    dues_record(actor=None, branch=a1, quarter=q, paid_ids={unknown.pk, new.pk})  # correct
    assert_current(p)
    dues_record(actor=None, branch=a2, quarter=q, paid_ids={other.pk})
    assert_current(p)
    dues_record(actor=None, branch=a1, quarter=q, paid_ids=set())  # undo
    assert_current(p)
    assert kept_dues(p) == Counter({(a2.path, q, tally.BEFORE): 1})


def test_member_writes_retire_the_tally_until_it_is_rebuilt(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    a1, p = cast.branch_a1, cast.province
    q = metrics.quarters_due(Period.containing("year", dt.date.today()))[0]
    members = [make_member(a1, f"Nguyễn Thị {n}", card_number=f"C{i}") for i, n in enumerate("ABC")]
    dues_record(actor=None, branch=a1, quarter=q, paid_ids={m.pk for m in members})
    tally.rebuild(p)
    assert_current(p)
    writes = [
        lambda: member_remove(actor=None, member=members[0], reason="moved_away"),
        lambda: member_update(actor=None, member=members[1], data={"card_number": ""}),
        lambda: member_move(actor=None, member=members[2], branch=cast.branch_a2),
    ]
    for write in writes:
        write()
        # Out of date: the metric counts the tables (and queues a rebuild, here run at once).
        with django_capture_on_commit_callbacks(execute=True):
            assert tally.current(p, D(2027, 1, 1)) is None
        assert_current(p)


def test_the_command_rebuilds_the_tallies(cast: Cast) -> None:
    make_member(cast.branch_a1, "Nguyễn Thị An", card_number="C1")
    call_command("rebuild_branch_tallies", "--province", cast.province.code, verbosity=0)
    assert_current(cast.province)


def test_a_period_not_ending_on_the_first_of_a_month_counts_the_tables(cast: Cast) -> None:
    tally.rebuild(cast.province)
    assert tally.current(cast.province, D(2026, 6, 15)) is None
    assert tally.current(cast.province, D(2026, 7, 1)) == (cast.province.pk, True)
    # Joins before the roll's first month share one bucket: too early a period end cannot use it.
    assert tally.current(cast.province, D(2000, 1, 1)) == (cast.province.pk, False)


@pytest.fixture
def seeded(cast: Cast) -> Cast:
    """Members of four branches joined over years (some this year, some unknown), with and
    without cards, some removed, and dues paid at random for the last eight quarters."""
    rng = random.Random(5)
    today = dt.date.today()
    branches = [cast.branch_a1, cast.branch_a2, cast.branch_b1]
    quarters = [tally.dues_bucket(today, today)]
    for _ in range(7):
        quarters.append(tally.dues_bucket(quarters[-1] - dt.timedelta(days=1), quarters[-1]))
    quarters = [D(q.year, 3 * ((q.month - 1) // 3) + 1, 1) for q in quarters]
    members = []
    for i in range(60):
        join = None if i % 9 == 0 else today - dt.timedelta(days=rng.randint(0, 1500))
        members.append(
            make_member(
                rng.choice(branches),
                f"Nguyễn Thị Số {i}",
                join_date=join,
                card_number=f"C{i}" if rng.random() < 0.7 else "",
            )
        )
    for branch in branches:
        for q in quarters:
            ids = {m.pk for m in members if m.branch_id == branch.pk and rng.random() < 0.6}
            dues_record(actor=None, branch=branch, quarter=q, paid_ids=ids)
    for m in members[::7]:
        member_remove(actor=None, member=m, reason="moved_away")
    return cast


def test_the_metrics_read_from_the_tally_what_the_tables_give(seeded: Cast) -> None:
    p = seeded.province
    tally.rebuild(p)
    today = dt.date.today()
    periods = [Period.containing(kind, today) for kind in ("month", "quarter", "year")]
    periods += [Period.containing("year", D(today.year - 1, 6, 1))]
    periods += [Period.containing("quarter", D(today.year - 1, m, 1)) for m in (1, 4, 7, 10)]
    functions = [metrics.dues_rate, metrics.carded_rate, metrics.model_branches]
    with_tally = {
        (f.__name__, level, i): f(p, level, period)
        for f in functions
        for level in ("province", "commune", "branch")
        for i, period in enumerate(periods)
    }
    assert any(v for values in with_tally.values() for v in values.values())
    with mock.patch.object(tally, "current", return_value=None):
        for (name, level, i), values in with_tally.items():
            assert getattr(metrics, name)(p, level, periods[i]) == values, (name, level, i)
    # The page's own lines too.
    span = metrics.Span(D(today.year, 1, 1), D(today.year + 1, 1, 1))
    lives, communes = metrics.life_by_unit(p, "commune", span)
    with mock.patch.object(tally, "current", return_value=None):
        assert metrics.life_by_unit(p, "commune", span) == (lives, communes)


def test_the_tally_is_read_and_the_members_table_is_not(seeded: Cast) -> None:
    tally.rebuild(seeded.province)
    period = Period.containing("year", dt.date.today())
    with mock.patch.object(metrics, "_members", side_effect=AssertionError("counted members")):
        metrics.dues_rate(seeded.province, "branch", period)
        metrics.carded_rate(seeded.province, "commune", period)
    assert DuesTally.objects.filter(~Q(joined=tally.BEFORE)).exists()
