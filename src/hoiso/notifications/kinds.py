"""The kinds of message Hội Số sends, each with its channels in the order they are tried, and
their texts: `templates/notifications/messages/<kind>/{subject,body,sms}.txt`, in Vietnamese.

`body` is what the page, the e-mail and the Zalo Official Account show; `sms` is the short plain
form that an SMS carries (cut to its parts, without diacritics when the person chose so) and that
fills the ZNS template's content field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import override

from hoiso.notifications.models import Channel


@dataclass(frozen=True)
class Kind:
    code: str
    # Tried in this order when the person has stated no preference; each needs her consent (but
    # in-app) and an address (a phone, an e-mail, a Zalo follower's id, an account).
    order: tuple[str, ...]
    # SMS parts one message of this kind may take.
    sms_parts: int = 1
    # The person asked for this very message (a one-time code she typed her number for): her
    # request is her consent to it, and it goes the kind's way, not by her usual preference.
    requested: bool = False
    # Its text must not be kept (a one-time code): the message's body is purged once delivered.
    secret: bool = False


_ALL = (
    Kind(
        "notice",
        (Channel.ZALO_OA, Channel.ZNS, Channel.SMS, Channel.EMAIL, Channel.INAPP),
        sms_parts=2,
    ),
    Kind("target_reminder", (Channel.INAPP,)),
    # A unit above reminds a unit's cadres of something that is not a target (its set-up).
    Kind("reminder", (Channel.INAPP,)),
)
KINDS: dict[str, Kind] = {k.code: k for k in _ALL}


def register(kind: Kind) -> None:
    """Add an app's kind of message (from its AppConfig.ready()); its texts are the templates
    `notifications/messages/<code>/{subject,body,sms}.txt` in that app's templates folder."""
    if KINDS.get(kind.code, kind) != kind:
        raise ValueError(f"message kind {kind.code!r} is registered twice")
    KINDS[kind.code] = kind


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str


def render(kind: str, context: dict[str, Any]) -> Rendered:
    """The kind's texts with this context, in Vietnamese whatever the sender's language."""
    base = f"notifications/messages/{kind}"
    with override("vi"):
        parts = [
            render_to_string(f"{base}/{n}.txt", context).strip() for n in ("subject", "body", "sms")
        ]
    return Rendered(parts[0][:200], parts[1], " ".join(parts[2].split()))
