"""What providers tell us: the Zalo Official Account's events (followers' messages, follow and
unfollow, shared phone numbers), and eSMS's delivery reports.

Zalo signs each event: the header X-ZEvent-Signature is `mac=` followed by the hex SHA-256 of
the app id, the raw body, the event's `timestamp` and the OA secret key, joined as they are. An
event whose signature does not match is refused (403) and nothing of it is kept. Zalo sends an
event again when it is not answered at once, so each message is kept once (by its msg_id).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hoiso.core import audit
from hoiso.core.text import normalise_phone
from hoiso.members.models import Member
from hoiso.notifications.models import Channel, Consent, Follower, Inbound, Message, Status
from hoiso.units.models import Unit


def zalo_signature(body: bytes, timestamp: str) -> str:
    raw = (
        settings.ZALO_APP_ID.encode()
        + body
        + timestamp.encode()
        + settings.ZALO_OA_SECRET_KEY.encode()
    )
    return "mac=" + hashlib.sha256(raw).hexdigest()


def _signed(request: HttpRequest, event: dict[str, Any]) -> bool:
    if not (settings.ZALO_APP_ID and settings.ZALO_OA_SECRET_KEY):
        return False
    if str(event.get("app_id", "")) != settings.ZALO_APP_ID:
        return False
    given = request.headers.get("X-ZEvent-Signature", "")
    expected = zalo_signature(request.body, str(event.get("timestamp", "")))
    return hmac.compare_digest(given.encode(), expected.encode())


def _oa_province() -> Unit | None:
    code = settings.ZALO_OA_PROVINCE
    return Unit.objects.filter(code=code).first() if code else None


def _follower(zalo_id: str) -> Follower:
    follower, _created = Follower.objects.get_or_create(
        zalo_id=zalo_id[:40], defaults={"changed_at": timezone.now()}
    )
    return follower


def follow(zalo_id: str, following: bool) -> None:
    Follower.objects.update_or_create(
        zalo_id=zalo_id[:40], defaults={"following": following, "changed_at": timezone.now()}
    )


def link(zalo_id: str, phone: str) -> Member | None:
    """A follower shared her phone number: link her to the one member with it, if exactly one;
    following the union's page and sharing her number is her consent to messages there."""
    try:
        phone = normalise_phone(phone)
    except ValueError:
        return None
    follower = _follower(zalo_id)
    follower.phone = phone
    matches = list(Member.objects.filter(phone=phone).select_related("branch")[:2])
    member = matches[0] if len(matches) == 1 else None
    follower.member = member
    follower.save(update_fields=["phone", "member"])
    if member is not None:
        Consent.objects.update_or_create(
            member=member, channel=Channel.ZALO_OA,
            defaults={"given": True, "at": timezone.now(), "source": "zalo_follow"},
        )  # fmt: skip
        audit.log(None, "follower.linked", member, unit=member.branch, data={"zalo": zalo_id})
    return member


def receive(zalo_id: str, msg_id: str, text: str) -> Inbound:
    """A follower's message, kept once: in her commune's inbox, or apart if she is unknown."""
    follower = _follower(zalo_id)
    member = follower.member
    unit = member.commune if member is not None else _oa_province()
    inbound, _created = Inbound.objects.get_or_create(
        event_id=msg_id[:80],
        defaults={"follower": follower, "member": member, "unit": unit, "text": text[:2000],
                  "received_at": timezone.now()},
    )  # fmt: skip
    return inbound


@csrf_exempt
@require_POST
def zalo_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(event, dict) or not _signed(request, event):
        return HttpResponse(status=403)
    name = event.get("event_name", "")
    sender = str((event.get("sender") or {}).get("id", ""))
    with transaction.atomic():
        if name in ("follow", "unfollow"):
            follow(str((event.get("follower") or {}).get("id", "")), name == "follow")
        elif name == "user_send_text" and sender:
            message = event.get("message") or {}
            receive(sender, str(message.get("msg_id", "")), str(message.get("text", "")))
        elif name == "user_submit_info" and sender:
            link(sender, str((event.get("info") or {}).get("phone", "")))
    return JsonResponse({"ok": True})


# eSMS's SendStatus in its delivery report: 5 sent successfully, 4 refused.
_ESMS_DELIVERED, _ESMS_REFUSED = "5", "4"


@csrf_exempt
@require_GET
def esms_report(request: HttpRequest, token: str) -> HttpResponse:
    """eSMS calls CallbackUrl with the message's final state; the URL's token is its password."""
    expected = settings.ESMS_CALLBACK_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    sms_id, status = request.GET.get("SMSID", ""), request.GET.get("SendStatus", "")
    messages = Message.objects.filter(provider_id=sms_id, channel=Channel.SMS) if sms_id else None
    if messages is not None and status == _ESMS_DELIVERED:
        messages.filter(status=Status.SENT).update(
            status=Status.DELIVERED, delivered_at=timezone.now()
        )
    elif messages is not None and status == _ESMS_REFUSED:
        messages.update(status=Status.FAILED, reason="eSMS: refused by the network")
    return JsonResponse({"ok": True})
