"""Delivery as background work: one task sends what is due, then books itself for the next
message that waits (a retry's back-off, the end of quiet hours)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from hoiso.notifications import delivery

NOW_KEY = "notify-deliver-now"
LATER_KEY = "notify-deliver:{:%Y%m%d%H%M}"


@task()
def deliver() -> int:
    """Send every due message; returns how many were sent."""
    # From here on, a new message books another run: this one may have passed it already.
    cache.delete(NOW_KEY)
    run = delivery.deliver()
    upcoming = delivery.next_due()
    if upcoming is not None:
        schedule(upcoming)
    return run.sent


def schedule(at: dt.datetime) -> None:
    """Book one delivery run at `at` (at once if it is past): messages queued while a run is
    booked and not yet started share it. A backend that cannot defer (the tests' immediate one)
    leaves later messages to the next run."""
    if at <= timezone.now():
        if cache.add(NOW_KEY, 1, timeout=600):
            deliver.enqueue()
    elif default_task_backend.supports_defer:
        slot = at.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        if cache.add(LATER_KEY.format(slot), 1, timeout=24 * 3600):
            deliver.using(run_after=slot).enqueue()
