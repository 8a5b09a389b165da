"""Per-branch tallies of dues paid (per quarter) and of members and cards, for branch life.

The dues and card rates of a province's 5,000 branches would otherwise group its million
members and their dues rows on every cold read. `DuesTally` holds, per branch, quarter and join
month, the dues paid by the members the branch has now who are active; `RollTally` holds, per
branch and join month, those members and how many have a card. Join months are kept so that
"members who had joined by the period's end" stays exact for periods ending on the first of a
month (every page and target period does); earlier joins share one bucket (`BEFORE`).

`dues_record` changes `DuesTally` in its own transaction. Member writes (removal, move, a join
date or card corrected, the import…) are the members app's: each adds one to the province's
`MemberTallyState.changes` (members.tally.mark_changed), and the tallies are read only while
the version they were built from (`TallyState.members_version`) is that one; otherwise the
metrics count the tables as before and a rebuild of the province is queued.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Count, DateField, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django_tasks import task

from hoiso.activities.models import DuesPayment, DuesTally, RollTally, TallyState
from hoiso.members.choices import Status
from hoiso.members.models import Member, MemberTallyState
from hoiso.units.models import Level, Unit

BEFORE = dt.date(1900, 1, 1)
QUEUED_KEY = "activities-tally-queued:{}"
STATE_MODELS = ("TallyState", "DuesTally", "RollTally")
_MODELS = {
    "TallyState": TallyState,
    "DuesTally": DuesTally,
    "RollTally": RollTally,
    "Member": Member,
    "DuesPayment": DuesPayment,
    "MemberTallyState": MemberTallyState,
}


def _model(_app: str, name: str) -> Any:
    return _MODELS[name]


def first_month(today: dt.date) -> dt.date:
    """Join months kept apart in RollTally: from January of the year before last."""
    return dt.date(today.year - 2, 1, 1)


def _month(value: Any) -> dt.date:
    if value is None:
        return BEFORE
    if isinstance(value, dt.datetime):  # PostgreSQL truncates a date to a timestamp
        return value.date()
    return value


def dues_bucket(join_date: dt.date | None, quarter: dt.date) -> dt.date:
    """The `joined` of a payment for `quarter` by a member who joined on `join_date`."""
    if join_date is None or join_date < quarter:
        return BEFORE
    return join_date.replace(day=1)


def members_version(province_id: int, state: Any = MemberTallyState) -> int:
    return state.objects.filter(pk=province_id).values_list("changes", flat=True).first() or 0


def rebuild(province: Unit, today: dt.date | None = None, apps: Any = None) -> tuple[int, int]:
    """Recount the province's dues and roll tallies; returns the rows written (dues, roll).
    `apps` gives the models as a migration sees them (the data migration builds them too)."""
    model = apps.get_model if apps else _model
    TallyState, DuesTally, RollTally = (model("activities", m) for m in STATE_MODELS)
    Member, DuesPayment = model("members", "Member"), model("activities", "DuesPayment")
    first = first_month(today or timezone.localdate())
    TallyState.objects.get_or_create(province_id=province.pk, defaults={"first_month": first})
    with transaction.atomic():
        # Locked so that a dues_record waits for the rebuild (and the rebuild for it).
        TallyState.objects.select_for_update().get(pk=province.pk)
        version = members_version(province.pk, model("members", "MemberTallyState"))
        active = Member.objects.filter(province_id=province.pk, status=Status.ACTIVE).order_by()
        joined = Case(
            When(join_date__gte=first, then=TruncMonth("join_date", output_field=DateField())),
            default=None,
            output_field=DateField(),
        )
        roll = [
            RollTally(
                province_id=province.pk,
                branch_path=r["branch_path"],
                joined=_month(r["j"]),
                active=r["n"],
                carded=r["c"],
            )
            for r in active.annotate(j=joined)
            .values("branch_path", "j")
            .annotate(n=Count("pk"), c=Count("pk", filter=~Q(card_number="")))
        ]
        paid_joined = Case(
            When(
                member__join_date__gte=F("quarter"),
                then=TruncMonth("member__join_date", output_field=DateField()),
            ),
            default=None,
            output_field=DateField(),
        )
        payments = (
            DuesPayment.objects.filter(
                member__province_id=province.pk, member__status=Status.ACTIVE
            )
            .order_by()
            .annotate(j=paid_joined)
            .values("member__branch_path", "quarter", "j")
            .annotate(n=Count("pk"))
        )
        dues = [
            DuesTally(
                province_id=province.pk,
                branch_path=r["member__branch_path"],
                quarter=r["quarter"],
                joined=_month(r["j"]),
                paid=r["n"],
            )
            for r in payments
        ]
        RollTally.objects.filter(province_id=province.pk).delete()
        DuesTally.objects.filter(province_id=province.pk).delete()
        RollTally.objects.bulk_create(roll, batch_size=2000)
        DuesTally.objects.bulk_create(dues, batch_size=2000)
        TallyState.objects.filter(pk=province.pk).update(members_version=version, first_month=first)
    return len(dues), len(roll)


@task()
def rebuild_tallies(province_id: int) -> tuple[int, int]:
    cache.delete(QUEUED_KEY.format(province_id))
    return rebuild(Unit.objects.get(pk=province_id))


def current(root: Unit, period_end: dt.date) -> tuple[int, bool] | None:
    """Whether the tallies answer for `root` and a period ending on `period_end` (one query):
    (the province, whether the roll does too), or None (the caller counts the tables; a rebuild
    is queued when the tallies are out of date)."""
    changes = MemberTallyState.objects.filter(pk=OuterRef("pk")).values("changes")
    row = (
        Unit.objects.filter(path__in=root.ancestor_paths, level=Level.PROVINCE)
        .annotate(changes=Coalesce(Subquery(changes[:1]), 0))
        .values_list("pk", "branch_tally__members_version", "branch_tally__first_month", "changes")
        .first()
    )
    if row is None:
        return None
    province_id, version, first, changes_now = row
    if version is None or version != changes_now:
        if cache.add(QUEUED_KEY.format(province_id), 1, timeout=300):
            transaction.on_commit(lambda: rebuild_tallies.enqueue(province_id))
        return None
    if period_end.day != 1:
        return None
    # Joins before the roll's first month share one bucket: an earlier end cannot use it.
    return int(province_id), period_end >= first


def dues_paid_changed(
    branch: Unit, quarter: dt.date, joins: Iterable[tuple[dt.date | None, int]]
) -> None:
    """Add (+1) or take off (-1) payments for `quarter` by members of the branch who joined on
    the given dates; inside dues_record's transaction, after the tally is locked."""
    deltas: Counter[dt.date] = Counter()
    for join_date, sign in joins:
        deltas[dues_bucket(join_date, quarter)] += sign
    state = (
        TallyState.objects.select_for_update(of=("self",))
        .filter(province__path__in=branch.ancestor_paths)
        .values_list("pk", flat=True)
        .first()
    )
    if state is None:
        return  # never built: read from the tables until a rebuild
    province_id = state
    for joined, delta in deltas.items():
        if not delta:
            continue
        key = {
            "province_id": province_id,
            "quarter": quarter,
            "branch_path": branch.path,
            "joined": joined,
        }
        if not DuesTally.objects.filter(**key).update(paid=F("paid") + delta):
            DuesTally.objects.create(**key, paid=delta)
