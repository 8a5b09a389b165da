"""Active-member counts for every unit of a province, kept in MemberStat.

Counting a province's million members per unit on every page view would cost a scan each time;
instead a background task recounts the whole province in one grouped query per level after
members change, and pages show the counts with the time they were taken.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_tasks import task

from hoiso.members.choices import Status
from hoiso.members.counting.tally import refresh_tally
from hoiso.members.models import Member, MemberStat
from hoiso.units.models import Unit

QUEUED_KEY = "member-stats-queued:{}"


def refresh_province(province: Unit) -> int:
    """Recount every unit of the province; returns the number of units counted."""
    active = Member.objects.filter(province=province, status=Status.ACTIVE).order_by()
    counts: dict[int, int] = {}
    for column in ("commune_id", "branch_id", "group_id"):
        level_counts = {
            row[column]: row["n"]
            for row in active.values(column).annotate(n=Count("pk"))
            if row[column] is not None
        }
        if column == "commune_id":
            counts[province.pk] = sum(level_counts.values())
        counts.update(level_counts)
    now = timezone.now()
    units = Unit.objects.within(province).values_list("pk", flat=True)
    rows = [MemberStat(unit_id=pk, active=counts.get(pk, 0), refreshed_at=now) for pk in units]
    with transaction.atomic():
        MemberStat.objects.filter(unit__path__startswith=province.path).delete()
        MemberStat.objects.bulk_create(rows, batch_size=1000)
    refresh_tally(province)
    return len(rows)


@task()
def refresh_member_stats(province_id: int) -> int:
    cache.delete(QUEUED_KEY.format(province_id))
    province = Unit.objects.get(pk=province_id)
    return refresh_province(province)


def queue_recount(province_id: int) -> None:
    """Queue one recount of the province (MemberStat and the tally); changes meanwhile share it."""
    if cache.add(QUEUED_KEY.format(province_id), 1, timeout=300):
        refresh_member_stats.enqueue(province_id)
