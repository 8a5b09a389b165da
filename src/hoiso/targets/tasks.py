"""Recomputing a province's targets in the background after its data changes, so that the
dashboard's readers find the values already in the cache instead of paying for them."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from hoiso.targets import compliance
from hoiso.targets.models import Target

QUEUED_KEY = "targets-warm-queued:{}"


@task()
def warm_province(province_id: int) -> int:
    """Compute this period's values of every target of the province; returns how many."""
    cache.delete(QUEUED_KEY.format(province_id))
    store = compliance.Store()
    targets = Target.objects.filter(province_id=province_id, year=timezone.localdate().year)
    n = 0
    for target in targets.select_related("unit"):
        compliance.compute(target, compliance.current_period(target), store)
        n += 1
    return n


def schedule_warm(province_id: int) -> None:
    """Queue one recomputation; changes made while one is queued share it."""
    if cache.add(QUEUED_KEY.format(province_id), 1, timeout=300):
        warm_province.enqueue(province_id)
