"""The adapters that carry a message on one channel; `adapter_for(channel)` picks the configured
one (the outbox unless a provider is set in settings)."""

from __future__ import annotations

from django.conf import settings

from hoiso.notifications.channels.base import Adapter, InApp, Outbox, Outcome, SmtpEmail
from hoiso.notifications.channels.esms import Esms
from hoiso.notifications.channels.zalo import ZaloOA, Zns
from hoiso.notifications.models import Channel

__all__ = ["Adapter", "Outcome", "adapter_for"]


def adapter_for(channel: str) -> Adapter:
    if channel == Channel.INAPP:
        return InApp()
    if channel == Channel.EMAIL:
        return SmtpEmail() if settings.EMAIL_HOST else Outbox(channel)
    if channel == Channel.SMS:
        return Esms.from_settings() if settings.NOTIFY_SMS_BACKEND == "esms" else Outbox(channel)
    if channel == Channel.ZNS:
        return Zns.from_settings() if settings.NOTIFY_ZALO_BACKEND == "zalo" else Outbox(channel)
    if channel == Channel.ZALO_OA:
        return ZaloOA.from_settings() if settings.NOTIFY_ZALO_BACKEND == "zalo" else Outbox(channel)
    raise ValueError(channel)
