"""notify(): one message per recipient, consent, preferences, quiet hours, budget, claims,
retries and the fallback order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hoiso.conftest import Cast, make_member
from hoiso.core.models import AuditEvent
from hoiso.members.models import Member
from hoiso.notifications import delivery
from hoiso.notifications.channels import Outcome
from hoiso.notifications.channels.base import InApp
from hoiso.notifications.models import Budget, Channel, Message, Status
from hoiso.notifications.quiet import LOCAL, in_quiet_hours, not_before
from hoiso.notifications.services import consent_set, notify, preference_set

NOTICE = {"title": "Họp chi hội", "body": "Tối thứ Bảy họp tại nhà văn hoá.", "unit": "Xã Ea Kar",
          "unit_short": "HPN Ea Kar"}  # fmt: skip


@pytest.fixture
def members(cast: Cast) -> list[Member]:
    return [
        make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601"),
        make_member(cast.branch_a1, "Trần Thị Cúc", phone="0912345602"),
        make_member(cast.branch_a1, "Lê Thị Dung"),
    ]


def _send(cast: Cast, key: str = "k1", **kw) -> int:  # type: ignore[no-untyped-def]
    qs = Member.objects.filter(branch=cast.branch_a1)
    return notify(qs, "notice", NOTICE, sender=cast.hoa, key=key, unit=cast.commune_a,
                  urgent=kw.pop("urgent", True), **kw)  # fmt: skip


def test_it_queues_one_message_per_recipient_once_per_key(cast: Cast, members) -> None:  # type: ignore[no-untyped-def]
    assert _send(cast) == 3
    assert _send(cast) == 0
    assert Message.objects.count() == 3
    m = Message.objects.get(member=members[0])
    assert m.subject == "Họp chi hội" and "nhà văn hoá" in m.body
    assert m.province_id == cast.province.pk and m.status == Status.QUEUED


def test_nothing_external_goes_without_consent(cast: Cast, members) -> None:  # type: ignore[no-untyped-def]
    consent_set(actor=None, member=members[0], channel=Channel.SMS, given=True, source="self")
    _send(cast)
    by_member = dict(Message.objects.values_list("member_id", "channel"))
    assert by_member[members[0].pk] == Channel.SMS
    assert by_member[members[1].pk] == Channel.INAPP  # a phone, but no consent
    assert by_member[members[2].pk] == Channel.INAPP
    assert AuditEvent.objects.filter(action="consent.given").count() == 1


def test_a_withdrawn_consent_stops_the_channel(cast: Cast, members) -> None:  # type: ignore[no-untyped-def]
    consent_set(actor=None, member=members[0], channel=Channel.SMS, given=True, source="self")
    consent_set(actor=None, member=members[0], channel=Channel.SMS, given=False, source="self")
    _send(cast)
    assert Message.objects.get(member=members[0]).channel == Channel.INAPP


def test_her_preference_orders_the_channels(cast: Cast, members) -> None:  # type: ignore[no-untyped-def]
    for ch in (Channel.SMS, Channel.ZNS):
        consent_set(actor=None, member=members[0], channel=ch, given=True, source="self")
    preference_set(member=members[0], channels=[Channel.SMS, Channel.ZNS], sms_plain=True)
    _send(cast)
    m = Message.objects.get(member=members[0])
    assert (m.channel, m.channels) == (Channel.SMS, [Channel.ZNS, Channel.INAPP])
    assert m.short.isascii() and "Hop chi hoi" in m.short  # without diacritics, as she chose
    assert m.cost == 750  # one part


def test_the_outbox_sends_and_records_each_message(cast: Cast, members) -> None:  # type: ignore[no-untyped-def]
    consent_set(actor=None, member=members[0], channel=Channel.SMS, given=True, source="self")
    _send(cast)
    run = delivery.deliver()
    assert run.sent == 3
    m = Message.objects.get(member=members[0])
    assert m.status == Status.SENT and m.provider_id == f"outbox-{m.pk}" and m.attempts == 1
    assert Message.objects.get(member=members[2]).status == Status.SENT  # in-app, no account


def test_quiet_hours_hold_what_is_not_urgent(cast: Cast, members, settings) -> None:  # type: ignore[no-untyped-def]
    hour = timezone.now().astimezone(LOCAL).hour
    settings.NOTIFY_QUIET_START, settings.NOTIFY_QUIET_END = hour, (hour + 2) % 24
    consent_set(actor=None, member=members[0], channel=Channel.SMS, given=True, source="self")
    _send(cast, urgent=False)
    held = Message.objects.get(member=members[0])
    assert held.next_try > timezone.now() + dt.timedelta(minutes=50)
    assert delivery.deliver().sent == 2  # the two in-app ones ring no phone
    _send(cast, key="k2", urgent=True)
    assert Message.objects.get(key=f"k2:m{members[0].pk}").next_try <= timezone.now()


def test_quiet_hours_are_21_to_7_in_vietnam() -> None:
    at = dt.datetime(2026, 3, 2, 22, 30, tzinfo=LOCAL)
    assert in_quiet_hours(at) and not in_quiet_hours(at.replace(hour=7))
    assert not_before(at, urgent=False, channel=Channel.SMS) == dt.datetime(
        2026, 3, 3, 7, tzinfo=LOCAL
    )
    early = at.replace(hour=5)
    assert not_before(early, urgent=False, channel=Channel.SMS) == early.replace(hour=7, minute=0)
    assert not_before(at, urgent=True, channel=Channel.SMS) == at


def test_the_budget_warns_at_80_percent_and_stops_at_100(cast: Cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFY_DAILY_BUDGET = 750 * 4
    for i in range(5):
        m = make_member(cast.branch_a1, f"Hội viên {i}", phone=f"09123457{i:02}")
        consent_set(actor=None, member=m, channel=Channel.SMS, given=True, source="self")
    _send(cast)
    run = delivery.deliver()
    budget = Budget.objects.get(province=cast.province)
    assert budget.spent == 3000 and budget.warned
    assert Message.objects.filter(channel=Channel.SMS, status=Status.SENT).count() == 4
    over = Message.objects.get(channel=Channel.INAPP)  # the fifth went on, free
    assert over.reason == "daily budget spent" and over.status == Status.SENT
    assert run.moved == 1
    assert AuditEvent.objects.filter(action="notify.budget_warning").count() == 1


class Flaky:
    """Fails transiently `n` times, then takes the message."""

    def __init__(self, n: int, *, retry: bool = True) -> None:
        self.n, self.retry, self.calls = n, retry, 0

    def send(self, message: Message, text: str) -> Outcome:
        self.calls += 1
        if self.calls <= self.n:
            return Outcome(ok=False, retry=self.retry, reason="HTTP 503")
        return Outcome(ok=True, provider_id="p1")


def _one_sms(cast: Cast, members: list[Member]) -> Message:
    consent_set(actor=None, member=members[0], channel=Channel.SMS, given=True, source="self")
    notify(Member.objects.filter(pk=members[0].pk), "notice", NOTICE, sender=None, key="k",
           unit=cast.commune_a, urgent=True)  # fmt: skip
    return Message.objects.get()


def test_a_transient_failure_is_retried_with_back_off(cast: Cast, members, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    m = _one_sms(cast, members)
    flaky = Flaky(1)
    monkeypatch.setattr(delivery, "adapter_for", lambda channel: flaky)
    start = timezone.now()
    assert delivery.deliver(now=start).retried == 1
    m.refresh_from_db()
    assert m.status == Status.QUEUED and m.reason == "HTTP 503"
    assert m.next_try >= start + dt.timedelta(seconds=29)
    assert delivery.deliver(now=start).sent == 0  # not yet due
    assert delivery.deliver(now=m.next_try).sent == 1
    m.refresh_from_db()
    assert (m.status, m.attempts, m.provider_id) == (Status.SENT, 2, "p1")


def test_after_the_last_attempt_the_next_channel_is_tried(
    cast: Cast, members, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFY_MAX_ATTEMPTS = 2
    m = _one_sms(cast, members)
    flaky = Flaky(99)
    monkeypatch.setattr(
        delivery, "adapter_for", lambda channel: flaky if channel == Channel.SMS else InApp()
    )
    far = timezone.now() + dt.timedelta(days=1)
    delivery.deliver(now=far)
    run = delivery.deliver(now=far + dt.timedelta(hours=1))
    m.refresh_from_db()
    assert flaky.calls == 2 and run.moved == 1
    assert (m.channel, m.status, m.attempts, m.reason) == (
        Channel.INAPP,
        Status.SENT,
        1,
        "HTTP 503",
    )


def test_a_permanent_failure_goes_to_the_next_channel_at_once(
    cast: Cast, members, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    m = _one_sms(cast, members)
    refused = Flaky(99, retry=False)
    monkeypatch.setattr(
        delivery, "adapter_for", lambda channel: refused if channel == Channel.SMS else InApp()
    )
    run = delivery.deliver()
    m.refresh_from_db()
    assert run.moved == 1 and run.sent == 1  # the SMS failed; in-app took it in the same run
    assert (m.channel, m.status) == (Channel.INAPP, Status.SENT)


def test_a_claimed_message_is_not_claimed_again(cast: Cast, members) -> None:  # type: ignore[no-untyped-def]
    _send(cast)
    now = timezone.now()
    first = delivery.claim(now, 10)
    assert len(first) == 3 and delivery.claim(now, 10) == []
    # A worker that died with them: after the timeout they are queued again, same keys.
    assert delivery.recover(now) == 0
    later = now + dt.timedelta(seconds=301)
    assert delivery.recover(later) == 3
    assert {m.key for m in delivery.claim(later, 10)} == {m.key for m in first}
