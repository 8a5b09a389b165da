"""Sending a notice from a unit (count and cost first), following it, the outbox; a member's own
messages and choices."""

from __future__ import annotations

from django.urls import reverse

from hoiso.conftest import Cast, make_member
from hoiso.core.models import AuditEvent
from hoiso.members.models import Member
from hoiso.members.services import member_account_enable
from hoiso.notifications import delivery
from hoiso.notifications.models import Broadcast, Channel, Consent, Message, Preference
from hoiso.notifications.services import broadcast_send


def test_a_cadre_counts_then_sends_a_notice_to_one_branch(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    bình = make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    Consent.objects.create(member=bình, channel=Channel.SMS, at="2026-01-01T00:00Z", source="paper")
    make_member(cast.branch_a2, "Trần Thị Cúc")
    url = reverse("notifications:notice_new", args=[cast.commune_a.code])
    data = {"audience": f"branch:{cast.branch_a1.pk}", "title": "Họp chi hội",
            "body": "Tối thứ Bảy họp tại nhà văn hoá.", "urgent": "on"}  # fmt: skip
    client = cast.client(cast.hoa)
    preview = client.post(url, {**data, "action": "preview"}).content.decode()
    assert "1 người sẽ nhận" in preview or "1 person will receive" in preview
    assert "750" in preview and not Message.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "action": "send"})
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302 and broadcast.recipients == 1
    assert Message.objects.get().status == "sent"  # the immediate task ran the outbox
    page = client.get(response["Location"]).content.decode()
    assert "Nguyễn Thị Bình" in page and "Cúc" not in page
    assert AuditEvent.objects.filter(action="notice.sent").exists()
    outbox = client.get(
        reverse("notifications:outbox", args=[cast.commune_a.code])
    ).content.decode()
    assert "Hop chi hoi. Toi thu Bay" in outbox


def test_a_branch_head_may_not_send(cast: Cast) -> None:
    url = reverse("notifications:notice_new", args=[cast.branch_a1.code])
    assert cast.client(cast.mai).get(url).status_code == 403


def test_a_member_sees_her_messages_and_sets_her_choices(cast: Cast) -> None:  # type: ignore[no-untyped-def]
    bình = make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    user, _password = member_account_enable(actor=cast.hoa, member=bình)
    user.must_change_password = False
    user.save()
    broadcast_send(actor=cast.hoa, unit=cast.commune_a, title="Họp chi hội", body="Tối nay.",
                   audience="members", audience_label="x", recipients=Member.objects.filter(pk=bình.pk))  # fmt: skip
    delivery.deliver()
    client = cast.client(user)
    page = client.get(reverse("my_messages")).content.decode()
    assert "Họp chi hội" in page
    bad = client.post(reverse("my_messages"), {"consents": ["zns"], "first": "sms"})
    assert bad.status_code == 200 and not Consent.objects.exists()
    ok = client.post(
        reverse("my_messages"), {"consents": ["sms", "zns"], "first": "sms", "sms_plain": "on"}
    )
    assert ok.status_code == 302
    assert set(
        Consent.objects.filter(member=bình, given=True).values_list("channel", flat=True)
    ) == {"sms", "zns"}
    assert Preference.objects.get(member=bình).channels == ["sms", "zns"]
    assert AuditEvent.objects.filter(action="consent.given").count() == 2
    client.post(reverse("my_messages"), {"consents": ["zns"], "first": "zns"})
    assert not Consent.objects.get(member=bình, channel="sms").given
