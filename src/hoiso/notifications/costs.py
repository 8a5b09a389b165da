"""What one message costs on a paid channel (VND): SMS by its parts, ZNS by the message."""

from __future__ import annotations

from django.conf import settings

from hoiso.notifications.models import Channel
from hoiso.notifications.sms import measure


def cost_of(channel: str, short: str) -> int:
    """The price of `short` (already fitted to its parts) on `channel`; 0 if the channel is free."""
    if channel == Channel.SMS:
        return measure(short).parts * settings.NOTIFY_SMS_PRICE
    if channel == Channel.ZNS:
        return int(settings.NOTIFY_ZNS_PRICE)
    return 0
