"""Each adapter against its local fake: the request it sends, the credentials it presents, the
provider's error codes, its rate-limit and server-error answers, and the retries they lead to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from hoiso.conftest import Cast, make_member
from hoiso.members.models import Member
from hoiso.notifications import delivery
from hoiso.notifications.channels import http
from hoiso.notifications.channels.esms import Esms
from hoiso.notifications.channels.zalo import ZaloOA, Zns
from hoiso.notifications.fakes import FakeEsms, FakeZalo, Scripted
from hoiso.notifications.models import Channel, Follower, Message, Status
from hoiso.notifications.services import consent_set, notify


def message(**kw) -> Message:  # type: ignore[no-untyped-def]
    data = {"pk": 7, "key": "notice:1:m7", "kind": "notice", "phone": "0912345678",
            "name": "Nguyễn Thị Bình", "zalo_id": "z1"}  # fmt: skip
    return Message(**{**data, **kw})


@pytest.fixture
def esms() -> Iterator[FakeEsms]:
    with FakeEsms(api_key="k", secret_key="s", brandname="HOISO") as fake:
        yield fake


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo(access_token="t", templates={"1001"}, followers={"z1"}) as fake:
        yield fake


def esms_adapter(fake: FakeEsms, **kw) -> Esms:  # type: ignore[no-untyped-def]
    args = {"api_key": "k", "secret_key": "s", "brandname": "HOISO", **kw}
    return Esms(client=http.client(fake.url), **args)


# --- eSMS -------------------------------------------------------------------------------------


def test_esms_sends_the_documented_request(esms: FakeEsms) -> None:
    outcome = esms_adapter(esms).send(message(), "Hop chi hoi toi thu Bay")
    assert outcome.ok and outcome.provider_id == "esms-1"
    path, body = esms.requests[0]
    assert path == "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    assert body == {"ApiKey": "k", "SecretKey": "s", "Phone": "0912345678",
                    "Content": "Hop chi hoi toi thu Bay", "Brandname": "HOISO", "SmsType": "2",
                    "IsUnicode": "0", "Sandbox": "0", "RequestId": "notice:1:m7"}  # fmt: skip


def test_esms_marks_vietnamese_text_as_unicode(esms: FakeEsms) -> None:
    esms_adapter(esms).send(message(), "Họp chi hội")
    assert esms.requests[0][1]["IsUnicode"] == "1"


def test_esms_sends_a_request_id_once(esms: FakeEsms) -> None:
    adapter = esms_adapter(esms)
    assert adapter.send(message(), "a").ok
    again = adapter.send(message(), "a")  # a restarted worker sending it again
    assert again.ok and esms.sent["notice:1:m7"] == 1 and esms.keys["notice:1:m7"] == 2


@pytest.mark.parametrize(
    ("kw", "msg_kw", "code"),
    [({"secret_key": "wrong"}, {}, "101"), ({"brandname": "X"}, {}, "104"),
     ({}, {"phone": "12"}, "108")],
)  # fmt: skip
def test_esms_errors_send_the_message_on_to_its_next_channel(
    esms: FakeEsms, kw, msg_kw, code
) -> None:  # type: ignore[no-untyped-def]
    outcome = esms_adapter(esms, **kw).send(message(**msg_kw), "a")
    assert not outcome.ok and not outcome.retry and outcome.reason.startswith(f"eSMS {code}")


def test_esms_rate_limit_and_server_errors_are_retried(esms: FakeEsms) -> None:
    esms.script = [Scripted(429, {}, {"Retry-After": "20"}), Scripted(503, {})]
    adapter = esms_adapter(esms)
    limited = adapter.send(message(), "a")
    assert (limited.retry, limited.wait) == (True, 20.0)
    assert adapter.send(message(), "a").retry
    assert adapter.send(message(), "a").ok


def test_an_unreachable_provider_is_retried() -> None:
    adapter = Esms(client=http.client("http://127.0.0.1:9"), api_key="k", secret_key="s",
                   brandname="HOISO")  # fmt: skip
    outcome = adapter.send(message(), "a")
    assert not outcome.ok and outcome.retry


# --- Zalo -------------------------------------------------------------------------------------


def test_zns_sends_the_template_to_the_phone_in_international_form(zalo: FakeZalo) -> None:
    zns = Zns(http.client(zalo.url), "t", {"notice": "1001"})
    outcome = zns.send(message(), "Họp chi hội tối thứ Bảy")
    assert outcome.ok and outcome.provider_id == "zns-1"
    assert zalo.requests[0] == ("/message/template", {
        "phone": "84912345678", "template_id": "1001", "tracking_id": "notice:1:m7",
        "template_data": {"name": "Nguyễn Thị Bình", "content": "Họp chi hội tối thứ Bảy"}})  # fmt: skip


def test_zns_errors(zalo: FakeZalo) -> None:
    bad_token = Zns(http.client(zalo.url), "old", {"notice": "1001"}).send(message(), "a")
    assert bad_token.reason.startswith("ZNS -124") and not bad_token.retry
    no_template = Zns(http.client(zalo.url), "t", {}).send(message(), "a")
    assert not no_template.ok and not no_template.retry
    zalo.script = [Scripted(200, {"error": -100, "message": "Unknown error"})]
    assert Zns(http.client(zalo.url), "t", {"notice": "1001"}).send(message(), "a").retry


def test_oa_messages_go_to_followers_only(zalo: FakeZalo) -> None:
    oa = ZaloOA(http.client(zalo.url), "t")
    assert oa.send(message(), "Chào chị").provider_id == "oa-1"
    assert zalo.requests[0] == ("/v3.0/oa/message/cs",
                                {"recipient": {"user_id": "z1"}, "message": {"text": "Chào chị"}})  # fmt: skip
    stranger = oa.send(message(zalo_id="z2"), "Chào chị")
    assert not stranger.ok and stranger.reason.startswith("Zalo OA -213")
    zalo.script = [Scripted(200, {"error": -32, "message": "exceeded rate limit"})]
    assert oa.send(message(), "a").retry


# --- Through the worker -----------------------------------------------------------------------


def test_the_worker_falls_back_from_zalo_to_sms_and_retries_a_rate_limit(
    cast: Cast, esms: FakeEsms, zalo: FakeZalo, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFY_SMS_BACKEND, settings.NOTIFY_ZALO_BACKEND = "esms", "zalo"
    settings.ESMS_BASE_URL, settings.ESMS_API_KEY, settings.ESMS_SECRET_KEY = esms.url, "k", "s"
    settings.ESMS_BRANDNAME = "HOISO"
    settings.ZALO_ZNS_BASE_URL = settings.ZALO_OA_BASE_URL = zalo.url
    settings.ZALO_ACCESS_TOKEN, settings.ZALO_ZNS_TEMPLATES = "t", {"notice": "1001"}
    bình = make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    for ch in (Channel.ZNS, Channel.SMS):
        consent_set(actor=None, member=bình, channel=ch, given=True, source="self")
    # Zalo does not know her number: ZNS refuses it, and the SMS is rate-limited once.
    zalo.script = [Scripted(200, {"error": -118, "message": "Zalo account not existed"})]
    esms.script = [Scripted(429, {}, {"Retry-After": "1"})]
    context = {"title": "Họp", "body": "Tối thứ Bảy.", "unit": "Xã Ea Kar", "unit_short": "Ea Kar"}
    notify(Member.objects.filter(pk=bình.pk), "notice", context, sender=cast.hoa, key="n1",
           unit=cast.commune_a, urgent=True)  # fmt: skip
    delivery.deliver()
    m = Message.objects.get()
    assert (m.channel, m.status, m.reason) == (
        Channel.SMS,
        Status.QUEUED,
        "rate limited (HTTP 429)",
    )
    delivery.deliver(now=timezone.now() + dt.timedelta(seconds=2))
    m.refresh_from_db()
    assert (m.status, m.provider_id) == (Status.SENT, "esms-1")
    assert esms.requests[0][1]["Content"] == "Ea Kar: Hop. Toi thu Bay."


def test_a_follower_gets_the_oa_message(cast: Cast, zalo: FakeZalo, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFY_ZALO_BACKEND, settings.ZALO_OA_BASE_URL = "zalo", zalo.url
    settings.ZALO_ACCESS_TOKEN = "t"
    bình = make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    Follower.objects.create(zalo_id="z1", member=bình, changed_at=timezone.now())
    consent_set(actor=None, member=bình, channel=Channel.ZALO_OA, given=True, source="zalo")
    context = {"title": "Họp", "body": "Tối thứ Bảy.", "unit": "Xã Ea Kar", "unit_short": "Ea Kar"}
    notify(Member.objects.filter(pk=bình.pk), "notice", context, sender=None, key="n1",
           unit=cast.commune_a, urgent=True)  # fmt: skip
    delivery.deliver()
    m = Message.objects.get()
    assert (m.channel, m.status, m.provider_id) == (Channel.ZALO_OA, Status.SENT, "oa-1")
    assert "Tối thứ Bảy." in zalo.requests[0][1]["message"]["text"]
