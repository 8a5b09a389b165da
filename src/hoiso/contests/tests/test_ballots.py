"""The one-vote rules: slots by the contest's rule and the local day (23:59 and 00:00 in Việt
Nam), the stage and the entry's approval, exact counts, and two votes at once counted once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from hoiso.contests import ballots
from hoiso.contests.ballots import Ballot, Outcome, ballots_write, local_day, slot_for
from hoiso.contests.models import Entry, Vote, VoteRule
from hoiso.contests.tests.vote_factories import approved, make_voting_contest, pending

UTC = dt.UTC
# 23:59:59 on 1 December and 00:00 on 2 December in Việt Nam (UTC+7).
LATE = dt.datetime(2026, 12, 1, 16, 59, 59, tzinfo=UTC)
MIDNIGHT = dt.datetime(2026, 12, 1, 17, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_rules():  # type: ignore[no-untyped-def]
    ballots._rules.clear()  # ids are reused between tests; the process's copy must not be
    yield
    ballots._rules.clear()


def _open_around(cast, rule):  # type: ignore[no-untyped-def]
    return make_voting_contest(
        cast.province, rule=rule, opens=LATE - dt.timedelta(days=2),
        closes=MIDNIGHT + dt.timedelta(days=2),
    )  # fmt: skip


def _vote(contest, entry, phone="0912345678", now=None):  # type: ignore[no-untyped-def]
    ballot = Ballot(contest.pk, entry.pk, phone, "113.160.1.0/24", "d1")
    ballots_write([ballot], now=now)
    return ballot


def test_the_local_day_turns_at_midnight_in_vietnam() -> None:
    assert local_day(LATE) == dt.date(2026, 12, 1)
    assert local_day(MIDNIGHT) == dt.date(2026, 12, 2)
    assert slot_for(VoteRule.ENTRY_DAY, 7, dt.date(2026, 12, 2)) == "7:2026-12-02"
    assert slot_for(VoteRule.ENTRY, 7, dt.date(2026, 12, 2)) == "7"
    assert slot_for(VoteRule.CONTEST, 7, dt.date(2026, 12, 2)) == ""


@pytest.mark.django_db
def test_it_counts_one_vote_a_day_at_2359_and_another_at_0000(cast) -> None:  # type: ignore[no-untyped-def]
    contest = _open_around(cast, VoteRule.ENTRY_DAY)
    entry = approved(contest)[0]
    assert _vote(contest, entry, now=LATE).outcome == Outcome.COUNTED
    assert _vote(contest, entry, now=LATE + dt.timedelta(microseconds=1)).outcome == Outcome.ALREADY
    after = _vote(contest, entry, now=MIDNIGHT)
    assert after.outcome == Outcome.COUNTED and after.votes == 2
    assert _vote(contest, entry, now=MIDNIGHT).outcome == Outcome.ALREADY
    assert sorted(Vote.objects.values_list("day", flat=True)) == [
        dt.date(2026, 12, 1), dt.date(2026, 12, 2)
    ]  # fmt: skip
    entry.refresh_from_db()
    assert entry.votes == 2


@pytest.mark.django_db
def test_one_vote_per_entry_holds_across_midnight(cast) -> None:  # type: ignore[no-untyped-def]
    contest = _open_around(cast, VoteRule.ENTRY)
    first, second = approved(contest)
    assert _vote(contest, first, now=LATE).outcome == Outcome.COUNTED
    assert _vote(contest, first, now=MIDNIGHT).outcome == Outcome.ALREADY
    assert _vote(contest, second, now=MIDNIGHT).outcome == Outcome.COUNTED


@pytest.mark.django_db
def test_one_vote_per_contest_holds_for_every_entry(cast) -> None:  # type: ignore[no-untyped-def]
    contest = _open_around(cast, VoteRule.CONTEST)
    first, second = approved(contest)
    assert _vote(contest, first, now=LATE).outcome == Outcome.COUNTED
    assert _vote(contest, second, now=MIDNIGHT).outcome == Outcome.ALREADY
    assert _vote(contest, second, phone="0987654321", now=MIDNIGHT).outcome == Outcome.COUNTED
    assert dict(Entry.objects.filter(contest=contest).values_list("title", "votes")) == {
        "Chi hội số 1": 1, "Chi hội số 2": 1, "Chờ duyệt": 0
    }  # fmt: skip


@pytest.mark.django_db
def test_it_takes_votes_only_in_the_public_vote_stage(cast) -> None:  # type: ignore[no-untyped-def]
    contest = _open_around(cast, VoteRule.ENTRY_DAY)
    entry = approved(contest)[0]
    too_early = contest.voting_open - dt.timedelta(seconds=1)
    assert _vote(contest, entry, now=too_early).outcome == Outcome.CLOSED
    assert _vote(contest, entry, now=contest.voting_close).outcome == Outcome.CLOSED
    assert _vote(contest, entry, now=contest.voting_open).outcome == Outcome.COUNTED


@pytest.mark.django_db
def test_it_refuses_an_entry_not_approved_or_of_another_contest(cast) -> None:  # type: ignore[no-untyped-def]
    contest = _open_around(cast, VoteRule.ENTRY_DAY)
    other = _open_around(cast, VoteRule.ENTRY_DAY)
    assert _vote(contest, pending(contest), now=LATE).outcome == Outcome.REFUSED
    stray = Ballot(contest.pk, approved(other)[0].pk, "0912345678")
    ballots_write([stray], now=LATE)
    assert stray.outcome == Outcome.REFUSED
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_a_batch_counts_each_vote_and_gives_each_entry_its_new_count(cast) -> None:  # type: ignore[no-untyped-def]
    contest = _open_around(cast, VoteRule.ENTRY_DAY)
    first, second = approved(contest)
    batch = [
        Ballot(contest.pk, (first if i % 3 else second).pk, f"09000000{i:02d}") for i in range(9)
    ]
    ballots_write(batch, now=LATE)
    assert {b.outcome for b in batch} == {Outcome.COUNTED}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.votes, second.votes) == (6, 3)
    assert {b.votes for b in batch if b.entry_id == first.pk} == {6}


@pytest.mark.django_db(transaction=True)
def test_two_votes_at_once_by_one_phone_count_once(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    entry = approved(contest)[0]
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def vote() -> None:
        try:
            ballot = Ballot(contest.pk, entry.pk, "0912345678", "", "")
            ballots.contest_rule(contest.pk)
            start.wait()
            ballots_write([ballot])
            outcomes.append(ballot.outcome)
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(outcomes) == [Outcome.ALREADY, Outcome.COUNTED]
    assert Vote.objects.filter(contest=contest).count() == 1
    entry.refresh_from_db()
    assert entry.votes == 1


@pytest.mark.django_db(transaction=True)
def test_two_processes_batches_over_the_same_entries_do_not_deadlock(cast) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: row locks; SQLite takes one write lock for the whole batch")
    contest = make_voting_contest(cast.province, entries=4)
    entries = approved(contest)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def batch(n: int) -> None:
        try:
            order = entries if n else entries[::-1]
            votes = [Ballot(contest.pk, e.pk, f"09{n}{i:08d}") for i in range(50) for e in order]
            start.wait()
            ballots_write(votes)
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=batch, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(Entry.objects.filter(contest=contest).values_list("votes", flat=True)) == 400
