"""The kinds of message Hội Số sends, each with its channels in the order they are tried, and
their texts: `templates/notifications/messages/<kind>/{subject,body,sms}.txt`, in Vietnamese.

`body` is what the page, the e-mail and the Zalo Official Account show; `sms` is the short plain
form that an SMS carries (cut to its parts, without diacritics when the person chose so) and that
fills the ZNS template's content field.

A kind registered with `secret=True` carries something only its recipient may read (a one-time
password, a voting code, a login code). For such a message, Hội Số:

- keeps its texts and context only until it has left: once it is sent (the provider took it),
  delivered or finally failed, the worker replaces its body and SMS text by `PURGED` and empties
  its context, in the same write that records its state; one still waiting after
  `NOTIFY_SECRET_HOURS` fails as expired and is purged the same way;
- never shows them meanwhile: the outbox, a person's messages, a unit's to-do box show
  `Message.shown_body` / `shown_short` (a placeholder for a secret message), the outbox adapter
  logs the placeholder; only the delivery adapter that sends it is handed the text;
- does not add the in-app fallback: a secret is useless in a page its recipient cannot yet reach
  (a password to log in) and would stay there readable. A recipient with no channel the kind can
  use gets no message (`services.reachable` tells the caller beforehand).

The caller passes the secret in the context (`notify([user], "account_password", {"password": …})`)
and keeps no copy of its own; the kind's templates should put the secret early in the SMS text,
which is cut to `sms_parts`.
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
    # The person asked for this very message (a one-time code she typed her number for), or it is
    # her own account's way in, sent to the number that is her login: it goes the kind's way, not
    # by her usual preference, and needs no consent of its own (her request, or the account she
    # holds, is its ground); such a kind carries nothing else.
    requested: bool = False
    # Only its recipient may read it: see the module's docstring.
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
    # A new account's one-time password, to the phone number that is her login (accounts in
    # bulk, sent on the uploader's choice instead of a printed slip).
    Kind("account_password", (Channel.ZNS, Channel.SMS), sms_parts=2, requested=True, secret=True),
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
