"""A contest in its public vote, made straight on the models (the contest's own services are the
contests app's; the vote only needs the rows)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from hoiso.contests.models import Contest, Entry, EntryStatus, VoteRule
from hoiso.units.models import Unit

_numbers = itertools.count(1)


def make_voting_contest(
    unit: Unit, *, rule: str = VoteRule.ENTRY_DAY, entries: int = 2,
    opens: dt.datetime | None = None, closes: dt.datetime | None = None,
) -> Contest:  # fmt: skip
    """A contest of `unit` whose public vote is open now (or between the dates given), with
    approved entries and one entry still waiting for review."""
    now = timezone.now()
    day = dt.timedelta(days=1)
    opens = opens or now - day
    closes = closes or now + day
    n = next(_numbers)
    contest = Contest.objects.create(
        unit=unit, title="Ứng dụng CNTT trong tổ chức sinh hoạt hội", slug=f"cntt-{n}",
        entries_open=opens - 30 * day, entries_close=opens - 20 * day,
        judging_open=opens - 20 * day, judging_close=opens - 10 * day,
        voting_open=opens, voting_close=closes, results_at=closes + day, vote_rule=rule,
    )  # fmt: skip
    for i in range(entries):
        Entry.objects.create(
            contest=contest, title=f"Chi hội số {i + 1}", status=EntryStatus.APPROVED
        )
    Entry.objects.create(contest=contest, title="Chờ duyệt", status=EntryStatus.PENDING)
    return contest


def approved(contest: Contest) -> list[Entry]:
    return list(contest.entries.filter(status=EntryStatus.APPROVED).order_by("pk"))


def pending(contest: Contest) -> Entry:
    return contest.entries.get(status=EntryStatus.PENDING)
