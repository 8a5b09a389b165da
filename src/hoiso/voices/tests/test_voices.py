"""Members' concerns: where they land, what the units do with them, when they rise, who is told
at once, what an anonymous one keeps, and the metric."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.conftest import Cast, make_member
from hoiso.members.models import Member
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.notifications.models import Message
from hoiso.units.models import Level
from hoiso.voices import services
from hoiso.voices.models import Concern, Source, State, StepKind, Topic, VoiceSettings


@pytest.fixture
def binh(cast: Cast) -> Member:
    member = make_member(cast.branch_a1, "Nguyễn Thị Bình")
    member.user = User.objects.create_user(username="binh", full_name="Nguyễn Thị Bình",
                                           phone="0912345679", password="x")  # fmt: skip
    member.save(update_fields=["user"])
    return member


def _raise(cast: Cast, member: Member, topic: str = Topic.LIVELIHOOD) -> Concern:
    concern, _code = services.concern_raise(
        origin=member.branch, topic=topic, text="Chị cần vay vốn nuôi bò.", reply="app",
        member=member, actor=member.user,
    )  # fmt: skip
    return concern


def test_a_members_concern_lands_in_her_branch_and_commune_and_nowhere_else(
    cast: Cast, binh: Member
) -> None:
    concern = _raise(cast, binh)
    assert (concern.holder, concern.source, concern.state) == (
        cast.branch_a1,
        Source.MEMBER,
        State.OPEN,
    )
    seen = {
        name: cast.client(user).get(f"/u/{unit.code}/voices/{concern.pk}/").status_code
        for name, user, unit in [
            ("branch head", cast.mai, cast.branch_a1),
            ("commune", cast.hoa, cast.commune_a),
            ("province", cast.lan, cast.province),
            ("other commune", cast.thu, cast.commune_b),
        ]
    }
    assert seen == {"branch head": 200, "commune": 200, "province": 200, "other commune": 404}
    inbox = cast.client(cast.thu).get(f"/u/{cast.commune_b.code}/voices/")
    assert "nuôi bò" not in inbox.text
    assert "nuôi bò" in cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/voices/").text


def test_forward_answer_close_and_reopen_are_dated_steps(cast: Cast, binh: Member) -> None:
    concern = _raise(cast, binh)
    services.concern_forward(actor=cast.mai, concern=concern, note="Xã hỗ trợ vốn giúp.")
    concern.refresh_from_db()
    assert concern.holder == cast.commune_a and concern.state == State.OPEN
    services.concern_answer(
        actor=cast.hoa, concern=concern, text="Xã đã đưa chị vào danh sách vay."
    )
    concern.refresh_from_db()
    assert concern.state == State.ANSWERED and concern.first_answer_at is not None
    assert concern.rises_on is None  # answered: it no longer rises
    services.concern_close(actor=cast.hoa, concern=concern)
    with pytest.raises(ValidationError):
        services.concern_answer(actor=cast.hoa, concern=concern, text="Lại")
    services.concern_reopen(actor=cast.hoa, concern=concern)
    concern.refresh_from_db()
    assert concern.state == State.ANSWERED
    kinds = list(concern.steps.values_list("kind", flat=True))
    assert kinds == [StepKind.RAISED, StepKind.FORWARDED, StepKind.ANSWERED, StepKind.CLOSED,
                     StepKind.REOPENED]  # fmt: skip


def test_the_member_sees_the_state_and_the_answer_but_not_the_cadres_notes(
    cast: Cast, binh: Member
) -> None:
    concern = _raise(cast, binh)
    services.concern_forward(actor=cast.mai, concern=concern, note="Ghi chú nội bộ cho xã")
    services.concern_answer(
        actor=cast.hoa, concern=concern, text="Xã đã đưa chị vào danh sách vay."
    )
    client = cast.client(binh.user)
    page = client.get(f"/me/voices/{concern.pk}/").text
    assert "Xã đã đưa chị vào danh sách vay." in page
    assert "Ghi chú nội bộ" not in page
    other = make_member(cast.branch_a1, "Lê Thị Hoa")
    other.user = User.objects.create_user(username="hoa2", full_name="Lê Thị Hoa", password="x")
    other.save(update_fields=["user"])
    assert cast.client(other.user).get(f"/me/voices/{concern.pk}/").status_code == 404


def test_an_unanswered_concern_rises_after_its_units_delay(cast: Cast, binh: Member) -> None:
    VoiceSettings.objects.create(
        unit=cast.commune_a, rise_after=3
    )  # the branch follows its commune
    concern = _raise(cast, binh)
    today = timezone.localdate()
    assert concern.rises_on == today + dt.timedelta(days=3)
    assert services.rise_due(today + dt.timedelta(days=2)) == 0
    assert services.rise_due(today + dt.timedelta(days=3)) == 1
    concern.refresh_from_db()
    assert concern.holder == cast.commune_a
    assert concern.rises_on == today + dt.timedelta(days=6)
    services.rise_due(today + dt.timedelta(days=6))
    concern.refresh_from_db()
    assert concern.holder == cast.province and concern.rises_on is None  # never above the province
    assert services.rise_due(today + dt.timedelta(days=60)) == 0
    assert list(concern.steps.values_list("kind", flat=True)) == [
        StepKind.RAISED, StepKind.ROSE, StepKind.ROSE]  # fmt: skip


def test_an_answered_concern_does_not_rise(cast: Cast, binh: Member) -> None:
    concern = _raise(cast, binh)
    services.concern_answer(actor=cast.mai, concern=concern, text="Đã trả lời")
    assert services.rise_due(timezone.localdate() + dt.timedelta(days=30)) == 0


def test_violence_is_flagged_at_once_to_the_communes_cadres_and_shown_apart(
    cast: Cast, binh: Member, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        concern = _raise(cast, binh, topic=Topic.VIOLENCE)
    assert concern.urgent
    told = Message.objects.filter(kind="concern_urgent")
    assert {m.user_id for m in told} == {cast.hoa.pk}  # the commune's admin and cadre: Hoa
    assert all(m.urgent for m in told)
    assert all("Bình" not in m.body + m.short + m.subject for m in told)  # never who
    page = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/voices/")
    assert page.context["urgent"] == [concern]


def test_a_cadre_records_a_concern_for_a_member_named_exactly(cast: Cast, binh: Member) -> None:
    binh.card_number = "DL0001"
    binh.save(update_fields=["card_number"])
    url = f"/u/{cast.commune_a.code}/voices/new/"
    client = cast.client(cast.hoa)
    wrong = client.post(url, {"topic": "health", "text": "Khám sức khỏe", "member": "DL0002"})
    assert wrong.status_code == 200 and "Vui lòng" in wrong.text
    assert not Concern.objects.exists()
    client.post(url, {"topic": "health", "text": "Khám sức khỏe", "member": "DL0001"})
    concern = Concern.objects.get()
    assert (concern.member, concern.source, concern.raised_by) == (binh, Source.CADRE, cast.hoa)
    assert concern.origin == cast.branch_a1


# --- Anonymity ----------------------------------------------------------------------------------

IP = "203.0.113.77"
AGENT = "Mozilla/5.0 (Linux; Android 9; Redmi 7A) ĐẶC-BIỆT-7731"


def _text_values() -> list[str]:
    """Every text value stored in every table of the project."""
    found = []
    for model in apps.get_models():
        fields = [f.column for f in model._meta.concrete_fields
                  if isinstance(f, models.CharField | models.TextField | models.JSONField)]  # fmt: skip
        if not fields:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(fields)} FROM {model._meta.db_table}")
            for row in cursor.fetchall():
                found.extend(str(v) for v in row if v is not None)
    return found


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_concern_keeps_nothing_that_names_her(
    cast: Cast, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    VoiceSettings.objects.create(unit=cast.commune_a, anonymous=True)
    # She is even logged in as a member: nothing of her account goes with it.
    binh = make_member(cast.branch_a1, "Nguyễn Thị Bình")
    binh.user = User.objects.create_user(username="binh.anon", full_name="Nguyễn Thị Bình",
                                         phone="0912345679", password="x")  # fmt: skip
    binh.save(update_fields=["user"])
    client.force_login(binh.user)
    caplog.set_level(logging.DEBUG)
    before = Counter(_text_values())
    response = client.post(
        f"/y-kien/{cast.commune_a.code}/",
        {"topic": Topic.VIOLENCE, "text": "Nhà bên cạnh đánh vợ mỗi tối.", "reply": "on"},
        REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT,
    )  # fmt: skip
    assert response.status_code == 200
    code = response.context["code"]
    concern = Concern.objects.get()
    assert (concern.member, concern.raised_by, concern.source) == (None, None, Source.ANONYMOUS)
    # Of all the text the request added to the database, none names her or her device.
    added = list((Counter(_text_values()) - before).elements())
    assert "Nhà bên cạnh đánh vợ mỗi tối." in added  # the test sees what was written
    for value in (IP, AGENT, "binh.anon", "0912345679", "Bình", "ĐẶC-BIỆT-7731"):
        assert not any(value in v for v in added), value
    assert not any(IP in r.getMessage() or "7731" in r.getMessage() for r in caplog.records)
    # She reads the answer with her code, and only with it.
    services.concern_answer(actor=cast.hoa, concern=concern, text="Xã đã báo công an xã.")
    check = f"/y-kien/{cast.commune_a.code}/tra-cuu/"
    assert "Xã đã báo công an xã." in client.post(check, {"code": code}).text
    assert "Xã đã báo công an xã." not in client.post(check, {"code": "00000000"}).text
    # The cadres see that it is anonymous, and nobody.
    page = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/voices/{concern.pk}/").text
    assert "Nguyễn Thị Bình" not in page


def test_no_anonymous_concerns_where_the_unit_does_not_take_them(cast: Cast, client: Any) -> None:
    assert client.get(f"/y-kien/{cast.commune_a.code}/").status_code == 404
    with pytest.raises(ValidationError):
        services.concern_raise(origin=cast.commune_a, topic="other", text="x", anonymous=True)


def test_anonymous_floods_from_one_network_are_stopped(cast: Cast, client: Any) -> None:
    VoiceSettings.objects.create(unit=cast.commune_a, anonymous=True)
    url = f"/y-kien/{cast.commune_a.code}/"
    for _ in range(5):
        client.post(url, {"topic": "other", "text": "Góp ý"}, REMOTE_ADDR=IP)
    refused = client.post(url, {"topic": "other", "text": "Góp ý"}, REMOTE_ADDR=IP)
    assert "Vui lòng" in refused.text
    assert Concern.objects.count() == 5


# --- Metrics -------------------------------------------------------------------------------------


def test_the_share_answered_within_a_week(cast: Cast, binh: Member) -> None:
    quick, slow, waiting = (_raise(cast, binh) for _ in range(3))
    services.concern_answer(actor=cast.mai, concern=quick, text="Đã trả lời")
    services.concern_answer(actor=cast.mai, concern=slow, text="Đã trả lời")
    Concern.objects.filter(pk=slow.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    today = timezone.localdate()
    period = Period("month", today - dt.timedelta(days=30), today + dt.timedelta(days=1))
    share = REGISTRY["voices.answered_within_week"].compute(cast.province, Level.COMMUNE, period)
    assert share[cast.commune_a.pk] == pytest.approx(100 / 3)
    assert share[cast.commune_b.pk] is None  # nothing raised there: nothing to divide
    raised = REGISTRY["voices.raised"].compute(cast.province, Level.COMMUNE, period)
    assert raised[cast.commune_a.pk] == 3 and raised[cast.commune_b.pk] == 0
    assert waiting.state == State.OPEN


def test_a_members_message_to_the_zalo_oa_arrives_as_her_concern(cast: Cast, binh: Member) -> None:
    from hoiso.notifications.models import Follower
    from hoiso.notifications.webhooks import receive

    Follower.objects.create(zalo_id="z-binh", member=binh, changed_at=timezone.now())
    Follower.objects.create(zalo_id="z-unknown", changed_at=timezone.now())
    receive("z-binh", "msg-1", "Chi hội cho em hỏi lịch sinh hoạt tháng này?")
    receive("z-binh", "msg-1", "Chi hội cho em hỏi lịch sinh hoạt tháng này?")  # Zalo retries
    receive("z-unknown", "msg-2", "Tôi muốn vào Hội")
    concern = Concern.objects.get()
    assert (concern.member, concern.source, concern.holder) == (binh, Source.ZALO, cast.branch_a1)
    assert concern.text.startswith("Chi hội cho em hỏi")


def test_the_concerns_report_counts_by_topic_and_state_and_by_unit(
    cast: Cast, binh: Member
) -> None:
    a = _raise(cast, binh, topic=Topic.HEALTH)
    _raise(cast, binh, topic=Topic.HEALTH)
    _raise(cast, binh, topic=Topic.FAMILY)
    services.concern_answer(actor=cast.mai, concern=a, text="Đã trả lời")
    page = cast.client(cast.lan).get(f"/u/{cast.province.code}/voices/report/")
    report = page.context["report"]
    rows = {r.topic: r.counts for r in report.rows}
    assert rows[Topic.HEALTH] == {State.OPEN: 1, State.ANSWERED: 1}
    assert rows[Topic.FAMILY] == {State.OPEN: 1}
    assert (report.total, report.open_now) == (3, 2)
    assert report.days_to_answer is not None and report.days_to_answer < 1
    below = {u: (raised, share) for u, raised, share in report.below}
    assert below[cast.commune_a] == (3, pytest.approx(100 / 3))
    assert below[cast.commune_b] == (0, None)


# --- By phone, with a one-time code ----------------------------------------------------------------


def test_a_member_sends_a_concern_from_any_phone_with_a_one_time_code(
    cast: Cast, client: Any
) -> None:
    binh = make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    url = f"/y-kien/{cast.branch_a1.code}/dien-thoai/"
    step2 = client.post(url, {"phone": "0912 345 601"})
    assert step2.context["step"] == 2
    sent = Message.objects.get(kind="concern_code")
    # She asked for it: it goes by Zalo (ZNS), then SMS, though she never agreed to the union's
    # messages by either.
    assert (sent.member, sent.channel, sent.urgent) == (binh, "zns", True)
    assert sent.channels[0] == "sms"
    code = sent.context["code"]
    assert code in sent.short and len(code) == 6
    wrong = client.post(url, {"phone": "0912345601", "code": "000000", "topic": "health",
                              "text": "Khám sức khỏe"})  # fmt: skip
    assert "Vui lòng" in wrong.text and not Concern.objects.exists()
    client.post(url, {"phone": "0912345601", "code": code, "topic": "health",
                      "text": "Chi hội có khám sức khỏe định kỳ không?", "reply": "app"})  # fmt: skip
    concern = Concern.objects.get()
    assert (concern.member, concern.origin, concern.source) == (binh, cast.branch_a1, Source.MEMBER)
    again = client.post(url, {"phone": "0912345601", "code": code, "topic": "health", "text": "x"})
    assert "Vui lòng" in again.text  # a code serves once
    assert Concern.objects.count() == 1


def test_an_unknown_number_gets_the_same_answer_and_no_code(cast: Cast, client: Any) -> None:
    make_member(cast.branch_b1, "Lê Thị Ba", phone="0912345602")  # another commune's member
    response = client.post(f"/y-kien/{cast.branch_a1.code}/dien-thoai/", {"phone": "0912345602"})
    assert response.context["step"] == 2  # says nothing of whose number it is
    assert not Message.objects.filter(kind="concern_code").exists()


def test_codes_are_limited_and_wrong_codes_run_out(cast: Cast, client: Any) -> None:
    make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    url = f"/y-kien/{cast.branch_a1.code}/dien-thoai/"
    for n in range(3):
        client.post(url, {"phone": "0912345601"}, REMOTE_ADDR=f"10.0.0.{n}")
    refused = client.post(url, {"phone": "0912345601"}, REMOTE_ADDR="10.0.0.9")
    assert refused.context["step"] == 1 and "Vui lòng" in refused.text
    code = Message.objects.filter(kind="concern_code").latest("pk").context["code"]
    for _ in range(5):
        client.post(url, {"phone": "0912345601", "code": "111111", "topic": "other", "text": "x"})
    late = client.post(url, {"phone": "0912345601", "code": code, "topic": "other", "text": "x"})
    assert "Vui lòng" in late.text and not Concern.objects.exists()
