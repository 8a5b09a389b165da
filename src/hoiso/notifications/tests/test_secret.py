"""Secret kinds (a one-time password, a voting code): the text reaches only the delivery adapter,
is erased once the message has left or failed for good, and is never shown meanwhile."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.conftest import Cast, make_user
from hoiso.notifications import delivery
from hoiso.notifications.channels import Outcome
from hoiso.notifications.kinds import KINDS
from hoiso.notifications.models import PURGED, Channel, Message, Status
from hoiso.notifications.services import notify, passwords_send, reachable

PASSWORD = "k7mq2wx9pz"


@pytest.fixture
def newcomer(cast: Cast) -> User:
    return make_user("sen.lt", "Lò Thị Sen", "0913555666")


def _send_password(cast: Cast, user: User, key: str = "account_password:t") -> int:
    context = {"name": user.full_name, "username": user.username, "password": PASSWORD,
               "unit": cast.commune_a.name, "login_url": "https://hoiso.example/dang-nhap/"}  # fmt: skip
    return notify([user], "account_password", context, sender=cast.hoa, unit=cast.commune_a,
                  key=f"{key}:{user.pk}")  # fmt: skip


class Refusing:
    """A provider that refuses every message for good."""

    def send(self, message: Message, text: str) -> Outcome:
        return Outcome(ok=False, retry=False, reason="refused")


class Recording:
    """A provider that takes every message and keeps the text it was handed."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def send(self, message: Message, text: str) -> Outcome:
        self.texts.append(text)
        return Outcome(ok=True, provider_id="p1")


def test_the_password_kind_is_secret_and_asks_no_consent_of_its_own() -> None:
    kind = KINDS["account_password"]
    assert kind.secret and kind.requested and Channel.INAPP not in kind.order


def test_only_the_adapter_gets_the_text_and_it_is_erased_once_sent(
    cast: Cast, newcomer: User, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    assert _send_password(cast, newcomer) == 1
    m = Message.objects.get(user=newcomer)
    assert m.secret and m.channel == Channel.ZNS and m.channels == [Channel.SMS]
    assert PASSWORD in m.short and m.status == Status.QUEUED  # waiting: kept for the adapter
    provider = Recording()
    monkeypatch.setattr(delivery, "adapter_for", lambda channel: provider)
    assert delivery.deliver().sent == 1
    assert PASSWORD in provider.texts[0]
    m.refresh_from_db()
    assert m.status == Status.SENT
    assert (m.body, m.short, m.context) == (PURGED, PURGED, {})
    assert not Message.objects.filter(body__contains=PASSWORD).exists()


def test_it_is_erased_after_the_last_channel_fails(cast: Cast, newcomer: User, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _send_password(cast, newcomer)
    monkeypatch.setattr(delivery, "adapter_for", lambda channel: Refusing())
    run = delivery.deliver()
    m = Message.objects.get(user=newcomer)
    assert run.failed == 1 and m.status == Status.FAILED and m.channel == Channel.SMS
    assert (m.body, m.short, m.context) == (PURGED, PURGED, {})


def test_a_secret_waiting_too_long_expires_and_is_erased(
    cast: Cast, newcomer: User, settings
) -> None:  # type: ignore[no-untyped-def]
    _send_password(cast, newcomer)
    long_ago = timezone.now() - dt.timedelta(hours=settings.NOTIFY_SECRET_HOURS + 1)
    Message.objects.update(created_at=long_ago, next_try=timezone.now() + dt.timedelta(days=1))
    delivery.deliver()
    m = Message.objects.get(user=newcomer)
    assert m.status == Status.FAILED and m.short == PURGED and m.context == {}


def test_a_notice_keeps_its_text(cast: Cast, newcomer: User) -> None:
    notify([newcomer], "reminder", {"text": "Nhập danh sách hội viên"}, sender=None, key="r")
    delivery.deliver()
    m = Message.objects.get(user=newcomer)
    assert m.status == Status.DELIVERED and "Nhập danh sách" in m.body and not m.secret


def test_no_in_app_fallback_and_no_phone_no_message(cast: Cast) -> None:
    nophone = make_user("no.phone", "Đinh Thị Na", "")
    assert reachable([nophone, cast.mai], "account_password") == {cast.mai.pk}
    assert _send_password(cast, nophone) == 0
    assert not Message.objects.exists()


def test_the_outbox_and_her_messages_never_show_it(
    cast: Cast, newcomer: User, caplog, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _send_password(cast, newcomer)
    outbox = reverse("notifications:outbox", args=[cast.commune_a.code])
    waiting = cast.client(cast.hoa).get(outbox).content.decode()
    assert "Lò Thị Sen" in waiting and PASSWORD not in waiting and "chỉ người nhận" in waiting
    mine = cast.client(newcomer).get(reverse("notify:preferences")).content.decode()
    assert PASSWORD not in mine
    with caplog.at_level(logging.INFO, logger="hoiso.notifications.outbox"):
        delivery.deliver()  # the outbox adapter: nothing leaves, and the log hides it
    assert "0913555666" in caplog.text and PASSWORD not in caplog.text
    sent = cast.client(cast.hoa).get(outbox).content.decode()
    assert PASSWORD not in sent and "đã xóa" in sent


def test_the_courier_queues_one_secret_message_per_account(cast: Cast, newcomer: User) -> None:
    other = make_user("na.dt", "Đinh Thị Na", "0913777888")
    sent = passwords_send(actor=cast.hoa, unit=cast.commune_a, login_url="https://x/",
                          passwords=[(newcomer, "aaaa2222bb"), (other, "cccc3333dd")],
                          key="account_password:t")  # fmt: skip
    assert sent == {newcomer.pk, other.pk}
    assert dict(Message.objects.values_list("user_id", "secret")) == {
        newcomer.pk: True,
        other.pk: True,
    }
    assert "aaaa2222bb" in Message.objects.get(user=newcomer).short
