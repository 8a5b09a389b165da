"""What an adapter answers, and the adapters that need no provider: in-app, the outbox, SMTP."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.core.mail import send_mail

from hoiso.notifications.models import Message

log = logging.getLogger("hoiso.notifications.outbox")


@dataclass(frozen=True)
class Outcome:
    """`ok`: the provider took the message. Otherwise `retry` says the failure may pass (a
    timeout, a rate limit, a server error): try the same channel later, after `wait` seconds if
    the provider said; else the channel cannot carry this message and the next one is tried."""

    ok: bool
    provider_id: str = ""
    delivered: bool = False
    retry: bool = False
    wait: float | None = None
    reason: str = ""


class Adapter(Protocol):
    """Sends one message; called from the worker's threads, so it keeps no per-call state."""

    def send(self, message: Message, text: str) -> Outcome: ...


class InApp:
    """The message row is the notice: the person sees it on her page."""

    def send(self, message: Message, text: str) -> Outcome:
        return Outcome(ok=True, delivered=message.user_id is not None)


class Outbox:
    """Nothing leaves the machine: the message is logged and kept as it would have been sent."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: Message, text: str) -> Outcome:
        to = message.email if self.channel == "email" else message.zalo_id or message.phone
        # A secret (a password, a code) is never written to a log.
        log.info("[%s → %s] %s", self.channel, to, message.shown_short if message.secret else text)
        return Outcome(ok=True, provider_id=f"outbox-{message.pk}")


class SmtpEmail:
    def send(self, message: Message, text: str) -> Outcome:
        try:
            send_mail(message.subject, text, None, [message.email])
        except OSError as e:
            return Outcome(ok=False, retry=True, reason=f"SMTP: {e}"[:200])
        return Outcome(ok=True)
