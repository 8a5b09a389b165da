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


# --- For the permission matrix: (cast, place, user) → URL kwargs --------------------------------


def _place(cast: Any, place: str) -> Unit:
    return cast.branch_a1 if place == "inside" else cast.branch_b1


def matrix_contest(cast: Any, place: str, user: Any = None) -> dict[str, Any]:
    """A contest organised by the target branch, with an approved entry that won a prize, a
    photo, a judge (Hoa) without scores and a criterion."""
    from hoiso.activities.tests.images import PNG
    from hoiso.conftest import make_member
    from hoiso.contests import services

    unit = _place(cast, place)
    contest = make_contest(unit, title=f"Cuộc thi {unit.code}")
    member = make_member(unit, "Đinh Thị Hương")
    entry = services.entry_submit(None, contest, title="Bài", member=member, images=[PNG])
    services.entry_moderate(None, entry, approve=True)
    prize = services.prize_add(None, contest, 1, "Giải Nhất", 1)
    judge = services.judge_add(None, contest, cast.hoa.username)
    criterion = services.criterion_add(None, contest, "Ý tưởng", 1, 10)
    return {"pk": contest.pk, "entry": entry.pk, "image": entry.images.get().pk,
            "prize": prize.pk, "judge": judge.pk, "criterion": criterion.pk}  # fmt: skip


def matrix_kwargs(*names: str) -> Any:
    def build(cast: Any, place: str, user: Any = None) -> dict[str, Any]:
        found = matrix_contest(cast, place, user)
        return {n: found[n] for n in ("pk", *names)}

    return build


def matrix_enterable(cast: Any, place: str, user: Any = None) -> dict[str, Any]:
    """A contest of the province, taking entries from members (any branch may enter it)."""
    return {"pk": make_contest(cast.province, title="Cuộc thi của tỉnh").pk}


def matrix_public(cast: Any, place: str, user: Any = None) -> dict[str, Any]:
    """A contest with its results out and a photo of an approved entry, by its public address."""
    found = matrix_contest(cast, "inside")
    from hoiso.contests.models import Contest

    contest = move_to(Contest.objects.get(pk=found["pk"]), "results")
    return {"slug": contest.slug, "image": found["image"]}


def matrix_judging(cast: Any, place: str, user: Any = None) -> dict[str, Any]:
    """A contest on whose panel Hoa sits (and nobody else of the matrix)."""
    found = matrix_contest(cast, "inside")
    return {"pk": found["pk"], "entry": found["entry"]}
