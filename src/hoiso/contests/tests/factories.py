"""Contests for tests: dates laid out around now so that the contest stands in the stage asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from hoiso.contests.models import Contest, Eligibility
from hoiso.contests.services import contest_save
from hoiso.units.models import Unit

DAY = dt.timedelta(days=1)
# Where "now" falls, by the stage asked: the offsets (in days from now) of each date.
OFFSETS = {
    "upcoming": (1, 10, 10, 15, 10, 20, 21),
    "entries": (-1, 5, 5, 10, 5, 15, 16),
    "judging": (-10, -5, -1, 4, 4, 10, 11),
    "voting": (-20, -10, -10, -5, -1, 4, 5),
    "results": (-30, -20, -20, -15, -15, -10, -1),
}
FIELDS = ("entries_open", "entries_close", "judging_open", "judging_close", "voting_open",
          "voting_close", "results_at")  # fmt: skip


def dates(stage: str, now: dt.datetime | None = None) -> dict[str, dt.datetime]:
    now = now or timezone.now()
    return {f: now + n * DAY for f, n in zip(FIELDS, OFFSETS[stage], strict=True)}


def make_contest(
    unit: Unit, stage: str = "entries", *, title: str = "Ứng dụng CNTT", **data: Any
) -> Contest:
    values = {"title": title, "rules": "Thể lệ", "eligibility": Eligibility.MEMBERS,
              "judge_share": 70, **dates(stage), **data}  # fmt: skip
    return contest_save(None, unit, values)


def move_to(contest: Contest, stage: str) -> Contest:
    """The same contest, its dates moved so that now falls in `stage`."""
    for name, value in dates(stage).items():
        setattr(contest, name, value)
    contest.save()
    return contest
