"""The Zalo OA webhook (signature, followers' messages, follow/unfollow, shared numbers) and
eSMS's delivery reports."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client
from django.urls import reverse

from hoiso.conftest import Cast, make_member
from hoiso.notifications.models import Channel, Consent, Follower, Inbound, Message, Status


@pytest.fixture(autouse=True)
def _zalo(settings, cast: Cast) -> None:  # type: ignore[no-untyped-def]
    settings.ZALO_APP_ID, settings.ZALO_OA_SECRET_KEY = "4321", "oa-secret"
    settings.ZALO_OA_PROVINCE = cast.province.code


def post(event: dict, *, secret: str = "oa-secret", app_id: str = "4321"):  # type: ignore[no-untyped-def]
    body = json.dumps({"app_id": app_id, "timestamp": "1764480000000", **event}).encode()
    mac = hashlib.sha256(app_id.encode() + body + b"1764480000000" + secret.encode()).hexdigest()
    return Client().post(reverse("notify:zalo_webhook"), body, content_type="application/json",
                         headers={"X-ZEvent-Signature": f"mac={mac}"})  # fmt: skip


TEXT = {"event_name": "user_send_text", "sender": {"id": "z9"}, "recipient": {"id": "oa1"},
        "message": {"text": "Cho em hỏi lịch họp chi hội", "msg_id": "m1"}}  # fmt: skip


def test_the_webhook_refuses_a_forged_signature(cast: Cast) -> None:
    assert post(TEXT, secret="guess").status_code == 403
    assert post(TEXT, app_id="9999").status_code == 403
    assert not Inbound.objects.exists() and not Follower.objects.exists()


def test_an_unknown_followers_message_waits_apart_at_the_province(cast: Cast) -> None:
    assert post(TEXT).status_code == 200
    assert post(TEXT).status_code == 200  # Zalo sends it again: kept once
    inbound = Inbound.objects.get()
    assert (inbound.member, inbound.unit, inbound.text) == (
        None,
        cast.province,
        TEXT["message"]["text"],
    )  # type: ignore[index]
    page = cast.client(cast.lan).get(reverse("notifications:inbox", args=[cast.province.code]))
    assert "Cho em hỏi" in page.content.decode()
    hoa = cast.client(cast.hoa).get(reverse("notifications:inbox", args=[cast.commune_a.code]))
    assert "Cho em hỏi" not in hoa.content.decode()


def test_a_member_who_shares_her_number_is_linked_and_her_messages_reach_her_commune(
    cast: Cast,
) -> None:
    bình = make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    post({"event_name": "follow", "follower": {"id": "z9"}, "oa_id": "oa1"})
    post({"event_name": "user_submit_info", "sender": {"id": "z9"},
          "info": {"name": "Bình", "phone": "84912345601"}})  # fmt: skip
    follower = Follower.objects.get()
    assert follower.member == bình and follower.following
    assert Consent.objects.get(member=bình, channel=Channel.ZALO_OA).source == "zalo_follow"
    post(TEXT)
    assert Inbound.objects.get().unit == cast.commune_a
    page = cast.client(cast.hoa).get(reverse("notifications:inbox", args=[cast.commune_a.code]))
    assert "Nguyễn Thị Bình" in page.content.decode()
    post({"event_name": "unfollow", "follower": {"id": "z9"}, "oa_id": "oa1"})
    assert not Follower.objects.get().following


def test_esms_reports_mark_delivery(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ESMS_CALLBACK_TOKEN = "long-random-token"
    m = Message.objects.create(key="k", kind="notice", channel=Channel.SMS, status=Status.SENT,
                               provider_id="abc", next_try="2026-01-01T00:00Z")  # fmt: skip
    url = reverse("notify:esms_report", args=["long-random-token"])
    assert (
        Client().get(reverse("notify:esms_report", args=["guess"]), {"SMSID": "abc"}).status_code
        == 404
    )
    assert Client().get(url, {"SMSID": "abc", "SendStatus": "5"}).status_code == 200
    m.refresh_from_db()
    assert m.status == Status.DELIVERED and m.delivered_at is not None
