"""Quiet hours: messages that are not urgent do not ring anyone's phone at night."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from hoiso.notifications.models import Channel

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def in_quiet_hours(when: dt.datetime) -> bool:
    start, end = settings.NOTIFY_QUIET_START, settings.NOTIFY_QUIET_END
    hour = when.astimezone(LOCAL).hour
    return (hour >= start or hour < end) if start > end else start <= hour < end


def not_before(when: dt.datetime, *, urgent: bool, channel: str) -> dt.datetime:
    """When a message may go: at once if urgent or in-app (it rings no phone), else after the
    quiet hours (21:00–07:00 by default) if `when` falls in them."""
    if urgent or channel == Channel.INAPP or not in_quiet_hours(when):
        return when
    local = when.astimezone(LOCAL)
    end = local.replace(hour=settings.NOTIFY_QUIET_END, minute=0, second=0, microsecond=0)
    if end <= local:
        end += dt.timedelta(days=1)
    return end
