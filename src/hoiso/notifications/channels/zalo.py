"""Zalo: ZNS template messages to a phone number, and Official Account messages to followers.

ZNS: POST {ZALO_ZNS_BASE_URL}/message/template, header `access_token`, body {phone (84…),
template_id, template_data, tracking_id}; the answer is {error: 0, message, data: {msg_id,
sent_time, quota}} or a negative error code. OA: POST {ZALO_OA_BASE_URL}/v3.0/oa/message/cs,
header `access_token`, body {recipient: {user_id}, message: {text}}; the answer is {error: 0,
data: {message_id, user_id}} or a negative error code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from django.conf import settings

from hoiso.notifications.channels import http
from hoiso.notifications.channels.base import Outcome
from hoiso.notifications.models import Message

ZNS_PATH = "/message/template"
OA_PATH = "/v3.0/oa/message/cs"
# Errors that may pass: try the same channel again later.
ZNS_TRANSIENT = {-100: "unknown error"}
OA_TRANSIENT = {-32: "rate limit exceeded"}
ZNS_ERRORS = {
    -108: "phone number not valid",
    -109: "template not valid",
    -112: "template data not valid",
    -114: "the person does not receive ZNS",
    -115: "out of quota",
    -118: "no Zalo account",
    -119: "this account cannot receive ZNS",
    -124: "access token not valid",
}
OA_ERRORS = {
    -201: "parameter not valid",
    -213: "the person does not follow the Official Account",
    -216: "access token not valid",
}


def international(phone: str) -> str:
    """0912345678 → 84912345678, the form Zalo expects."""
    return "84" + phone[1:] if phone.startswith("0") else phone


def _answer(response: httpx.Response, who: str, transient: dict[int, str],
            errors: dict[int, str], id_field: str) -> Outcome:  # fmt: skip
    if failed := http.transient(response):
        return failed
    try:
        data = response.json()
        code = int(data.get("error", -100))
    except (ValueError, TypeError):
        return Outcome(ok=False, retry=True, reason=f"{who}: HTTP {response.status_code}")
    if code == 0:
        return Outcome(ok=True, provider_id=str((data.get("data") or {}).get(id_field, "")))
    if code in transient:
        return Outcome(ok=False, retry=True, reason=f"{who} {code}: {transient[code]}")
    reason = errors.get(code) or str(data.get("message", ""))
    return Outcome(ok=False, reason=f"{who} {code}: {reason}"[:200])


@dataclass
class Zns:
    client: httpx.Client
    access_token: str
    templates: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls) -> Zns:
        return cls(
            http.client(settings.ZALO_ZNS_BASE_URL),
            settings.ZALO_ACCESS_TOKEN,
            settings.ZALO_ZNS_TEMPLATES,
        )

    def payload(self, message: Message, text: str) -> dict[str, object]:
        return {
            "phone": international(message.phone),
            "template_id": self.templates.get(message.kind, ""),
            "template_data": {"name": message.name[:30], "content": text[:400]},
            "tracking_id": message.key,
        }

    def send(self, message: Message, text: str) -> Outcome:
        if not self.templates.get(message.kind):
            return Outcome(ok=False, reason=f"ZNS: no approved template for {message.kind}")
        try:
            response = self.client.post(
                ZNS_PATH,
                json=self.payload(message, text),
                headers={"access_token": self.access_token},
            )
        except httpx.HTTPError as e:
            return Outcome(ok=False, retry=True, reason=f"ZNS: {type(e).__name__}")
        return _answer(response, "ZNS", ZNS_TRANSIENT, ZNS_ERRORS, "msg_id")


@dataclass
class ZaloOA:
    client: httpx.Client
    access_token: str

    @classmethod
    def from_settings(cls) -> ZaloOA:
        return cls(http.client(settings.ZALO_OA_BASE_URL), settings.ZALO_ACCESS_TOKEN)

    def payload(self, message: Message, text: str) -> dict[str, object]:
        return {"recipient": {"user_id": message.zalo_id}, "message": {"text": text[:2000]}}

    def send(self, message: Message, text: str) -> Outcome:
        try:
            response = self.client.post(
                OA_PATH,
                json=self.payload(message, text),
                headers={"access_token": self.access_token},
            )
        except httpx.HTTPError as e:
            return Outcome(ok=False, retry=True, reason=f"Zalo OA: {type(e).__name__}")
        return _answer(response, "Zalo OA", OA_TRANSIENT, OA_ERRORS, "message_id")
