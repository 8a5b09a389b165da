"""A contest's results: each approved entry's judges' score and public-vote score, both on 0–100,
combined in the contest's ratio, ordered with ties broken by the rule stated in advance, and the
prizes given down that order.

Sums are exact fractions, so two entries tie only when their totals are truly equal (never by a
rounding), and the tie rule then decides; the figures shown are rounded to two decimals.

- A judge's score of an entry: the weighted mean of her points, each criterion's points divided by
  its highest score, times 100 (criteria she left unscored count neither way).
- The judges' score of an entry: the mean of the scores of the judges who scored it.
- The public score of an entry: its counted (not voided) votes ÷ the most counted votes any
  approved entry of the contest has, times 100 (0 when nobody has voted).
- The total: judges' score × judge_share % + public score × (100 − judge_share) %."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Q

from .models import Contest, Entry, EntryStatus, Prize, Score, TieRule, Vote


@dataclass
class Row:
    entry: Entry
    judges: Fraction | None  # None: no judge has scored it
    judges_count: int
    votes: int  # counted votes
    voided: int
    public: Fraction
    total: Fraction
    place: int = 0
    prize: Prize | None = None
    tied_by_rule: bool = False  # its place against the one above was decided by the tie rule
    by_judge: dict[int, Fraction] = field(default_factory=dict)

    @staticmethod
    def shown(value: Fraction | None) -> float | None:
        return None if value is None else round(float(value), 2)

    @property
    def judges_shown(self) -> float | None:
        return self.shown(self.judges)

    @property
    def public_shown(self) -> float | None:
        return self.shown(self.public)

    @property
    def total_shown(self) -> float | None:
        return self.shown(self.total)


def _created(entry: Entry) -> tuple[dt.datetime, int]:
    return (entry.created_at, entry.pk)


def _key(rule: str, row: Row) -> tuple:  # type: ignore[type-arg]
    """The order of the rows: the total first, then the tie rule's own keys, then the earlier."""
    judges = row.judges or Fraction(0)
    if rule == TieRule.JUDGES_THEN_EARLIER:
        return (-row.total, -judges, *_created(row.entry))
    if rule == TieRule.VOTES_THEN_EARLIER:
        return (-row.total, -row.votes, *_created(row.entry))
    return (-row.total, *_created(row.entry))


def judge_scores(contest: Contest) -> dict[int, dict[int, Fraction]]:
    """{entry id: {judge id: her 0–100 weighted score}} from every score of the contest."""
    criteria = {c.pk: c for c in contest.criteria.all()}
    sums: dict[tuple[int, int], list[Fraction]] = defaultdict(lambda: [Fraction(0), Fraction(0)])
    for judge_id, entry_id, criterion_id, points in Score.objects.filter(
        entry__contest=contest
    ).values_list("judge_id", "entry_id", "criterion_id", "points"):
        c = criteria[criterion_id]
        acc = sums[(entry_id, judge_id)]
        acc[0] += Fraction(c.weight * points, c.max_points)
        acc[1] += c.weight
    out: dict[int, dict[int, Fraction]] = defaultdict(dict)
    for (entry_id, judge_id), (weighted, weights) in sums.items():
        out[entry_id][judge_id] = weighted / weights * 100
    return out


def vote_counts(contest: Contest) -> dict[int, tuple[int, int]]:
    """{entry id: (counted votes, voided votes)} in one query."""
    rows = (
        Vote.objects.filter(contest=contest)
        .values("entry_id")
        .annotate(
            counted=Count("pk", filter=Q(voided_at__isnull=True)),
            voided=Count("pk", filter=Q(voided_at__isnull=False)),
        )
    )
    return {r["entry_id"]: (r["counted"], r["voided"]) for r in rows}


def results(contest: Contest) -> list[Row]:
    entries = list(
        Entry.objects.filter(contest=contest, status=EntryStatus.APPROVED).select_related(
            "unit", "member"
        )
    )
    scores = judge_scores(contest)
    votes = vote_counts(contest)
    most = max((votes.get(e.pk, (0, 0))[0] for e in entries), default=0)
    judge_part = Fraction(contest.judge_share, 100)
    public_part = 1 - judge_part
    rows = []
    for e in entries:
        by_judge = scores.get(e.pk, {})
        judges = sum(by_judge.values(), Fraction(0)) / len(by_judge) if by_judge else None
        counted, voided = votes.get(e.pk, (0, 0))
        public = Fraction(counted * 100, most) if most else Fraction(0)
        total = (judges or Fraction(0)) * judge_part + public * public_part
        rows.append(Row(e, judges, len(by_judge), counted, voided, public, total,
                        by_judge=by_judge))  # fmt: skip
    rows.sort(key=lambda r: _key(contest.tie_rule, r))
    prizes = [p for p in contest.prizes.all().order_by("rank") for _ in range(p.quantity)]
    for i, row in enumerate(rows):
        row.place = i + 1
        row.prize = prizes[i] if i < len(prizes) else None
        row.tied_by_rule = i > 0 and rows[i - 1].total == row.total
    return rows


def winners(contest: Contest) -> list[Row]:
    return [r for r in results(contest) if r.prize is not None]
