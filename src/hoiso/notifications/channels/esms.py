"""eSMS.vn brand-name SMS: customer-care messages (SmsType 2) through its JSON API.

POST {ESMS_BASE_URL}/MainService.svc/json/SendMultipleMessage_V4_post_json/ with ApiKey, SecretKey,
Phone, Content, Brandname, SmsType, IsUnicode, Sandbox and RequestId; the answer carries
CodeResult ("100": accepted, with its SMSID) or an error code and ErrorMessage. RequestId is the
message's own key: eSMS refuses a RequestId it has seen (code 124), so a message sent again after
a worker's restart is not sent twice. Delivery reports come back on CallbackUrl (HTTP GET).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from django.conf import settings

from hoiso.notifications.channels import http
from hoiso.notifications.channels.base import Outcome
from hoiso.notifications.models import Message
from hoiso.notifications.sms import is_gsm7

PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
ACCEPTED = "100"
DUPLICATE = "124"  # this RequestId was already sent: the message went out before
# Codes that concern the whole account (credentials, balance, brand name, template, IP): they do
# not pass by retrying in a minute, so the message goes to its next channel.
ERRORS = {
    "99": "the number is blocked",
    "101": "wrong ApiKey or SecretKey",
    "102": "no price list",
    "103": "balance too low",
    "104": "brand name not registered",
    "108": "phone number not valid",
    "118": "message type not supported",
    "140": "IP address not allowed",
    "146": "customer-care template not registered",
    "177": "network not registered",
}


@dataclass
class Esms:
    client: httpx.Client
    api_key: str
    secret_key: str
    brandname: str
    sandbox: bool = False
    callback_url: str = ""

    @classmethod
    def from_settings(cls) -> Esms:
        return cls(
            client=http.client(settings.ESMS_BASE_URL),
            api_key=settings.ESMS_API_KEY,
            secret_key=settings.ESMS_SECRET_KEY,
            brandname=settings.ESMS_BRANDNAME,
            sandbox=settings.ESMS_SANDBOX,
            callback_url=settings.ESMS_CALLBACK_URL,
        )

    def payload(self, message: Message, text: str) -> dict[str, str]:
        payload = {
            "ApiKey": self.api_key,
            "SecretKey": self.secret_key,
            "Phone": message.phone,
            "Content": text,
            "Brandname": self.brandname,
            "SmsType": "2",
            "IsUnicode": "0" if is_gsm7(text) else "1",
            "Sandbox": "1" if self.sandbox else "0",
            "RequestId": message.key,
        }
        if self.callback_url:
            payload["CallbackUrl"] = self.callback_url
        return payload

    def send(self, message: Message, text: str) -> Outcome:
        try:
            response = self.client.post(PATH, json=self.payload(message, text))
        except httpx.HTTPError as e:
            return Outcome(ok=False, retry=True, reason=f"eSMS: {type(e).__name__}")
        if failed := http.transient(response):
            return failed
        try:
            data = response.json()
        except ValueError:
            return Outcome(ok=False, retry=True, reason=f"eSMS: HTTP {response.status_code}")
        code = str(data.get("CodeResult", ""))
        if code == ACCEPTED:
            return Outcome(ok=True, provider_id=str(data.get("SMSID", "")))
        if code == DUPLICATE:
            return Outcome(ok=True, provider_id=str(data.get("SMSID", "")))
        reason = ERRORS.get(code) or str(data.get("ErrorMessage") or data.get("error") or "")
        return Outcome(ok=False, reason=f"eSMS {code or '?'}: {reason}"[:200])
