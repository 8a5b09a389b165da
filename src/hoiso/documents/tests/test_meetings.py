"""Online meetings: invitations, answers, attendance both ways, the minutes, the calendar file
and feed, the reminders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from hoiso.conftest import Cast, make_unit
from hoiso.core.models import AuditEvent
from hoiso.documents.meetings import services
from hoiso.documents.models import Attendance, Document, Invitation, Kind, Receipt, Response
from hoiso.documents.tests import samples
from hoiso.documents.tests.factories import call_meeting, issue
from hoiso.notifications.models import Message
from hoiso.units.models import Level
from hoiso.units.services import unit_close

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _soon(minutes: int = 10) -> dt.datetime:
    """A meeting starting in a few minutes: its join link is open."""
    return timezone.now().replace(microsecond=0) + dt.timedelta(minutes=minutes)


def test_it_invites_every_open_unit_of_a_level_inside_the_subtree(cast: Cast) -> None:
    unit_close(actor=None, unit=cast.branch_a2, on=timezone.localdate() - dt.timedelta(days=1))
    meeting = call_meeting(cast.commune_a, level=Level.BRANCH, people=[cast.vy])
    invited = {(i.unit_id, i.user_id) for i in meeting.invitations.all()}
    # Not the closed A2, not B1 of another commune; Vy by name.
    assert invited == {(cast.branch_a1.pk, None), (None, cast.vy.pk)}
    told = Message.objects.filter(kind="meeting")
    assert {m.user for m in told} == {cast.mai, cast.vy}
    assert told.get(user=cast.mai).unit == cast.branch_a1
    assert "08:30 ngày" in told.get(user=cast.mai).body
    assert AuditEvent.objects.filter(action="meeting.created").count() == 1


def test_a_unit_opened_later_is_not_invited(cast: Cast) -> None:
    meeting = call_meeting(cast.province, level=Level.COMMUNE)
    make_unit(cast.province, Level.COMMUNE, "24999", "Xã Mới")
    assert meeting.invitations.count() == 2


def test_it_refuses_a_link_that_is_not_a_web_address(cast: Cast) -> None:
    for bad in ("javascript:alert(1)", "meet.google.com/abc", "ftp://x.vn/a"):
        with pytest.raises(ValidationError) as e:
            call_meeting(cast.commune_a, units=[cast.branch_a1], video_url=bad)
        assert "video_url" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        call_meeting(cast.commune_a, units=[cast.branch_a1], ends_at=_soon(-5), starts_at=_soon())
    assert "ends_at" in e.value.message_dict


def test_invitees_confirm_or_send_apologies_with_a_reason(cast: Cast) -> None:
    meeting = call_meeting(cast.province, units=[cast.commune_a, cast.commune_b])
    url = reverse("calendar:answer", args=[meeting.pk])
    mine = Invitation.objects.get(meeting=meeting, unit=cast.commune_a)
    client = cast.client(cast.hoa)
    client.post(url, {"invitation": mine.pk, "response": "apology", "reason": ""})
    mine.refresh_from_db()
    assert mine.response == Response.PENDING  # an apology needs its reason
    client.post(
        url, {"invitation": mine.pk, "response": "apology", "reason": "Trùng lịch tiếp dân"}
    )
    mine.refresh_from_db()
    assert (mine.response, mine.reason, mine.answered_by) == (
        Response.APOLOGY, "Trùng lịch tiếp dân", cast.hoa,
    )  # fmt: skip
    client.post(url, {"invitation": mine.pk, "response": "accepted"})
    mine.refresh_from_db()
    assert (mine.response, mine.reason) == (Response.ACCEPTED, "")
    # Hoa cannot answer for commune B, nor Vy (a viewer) for her own commune.
    theirs = Invitation.objects.get(meeting=meeting, unit=cast.commune_b)
    assert client.post(url, {"invitation": theirs.pk, "response": "accepted"}).status_code == 404
    viewer = cast.client(cast.vy).post(url, {"invitation": mine.pk, "response": "accepted"})
    assert viewer.status_code == 403
    # Thu, of commune B, answers for hers; a person not invited gets a 404.
    assert cast.client(cast.mai).post(url, {"invitation": mine.pk}).status_code == 404


def test_joining_by_the_link_records_attendance_then_opens_the_video(cast: Cast) -> None:
    meeting = call_meeting(cast.commune_a, units=[cast.branch_a1], starts_at=_soon())
    response = cast.client(cast.mai).get(reverse("calendar:join", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == meeting.video_url
    came = Attendance.objects.get(meeting=meeting)
    assert (came.user, came.unit, came.how) == (cast.mai, cast.branch_a1, Attendance.How.LINK)
    cast.client(cast.mai).get(reverse("calendar:join", args=[meeting.pk]))
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    # Someone not invited (commune B's Thu) finds no such meeting.
    assert cast.client(cast.thu).get(reverse("calendar:join", args=[meeting.pk])).status_code == 404


def test_the_link_records_nothing_before_it_opens_or_after_the_end(cast: Cast) -> None:
    later = call_meeting(cast.commune_a, units=[cast.branch_a1], starts_at=_soon(120))
    response = cast.client(cast.mai).get(reverse("calendar:join", args=[later.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/calendar/")
    assert not Attendance.objects.exists()
    now = later.ends_at + dt.timedelta(minutes=1)
    assert services.attendance_join(user=cast.mai, meeting=later, invitation=None, now=now) is None


def test_the_host_marks_who_attended(cast: Cast) -> None:
    meeting = call_meeting(cast.province, units=[cast.commune_a, cast.branch_b1], people=[cast.vy],
                           starts_at=_soon())  # fmt: skip
    services.attendance_join(user=cast.hoa, meeting=meeting, invitation=None)
    url = reverse("meetings:attendance", args=[cast.province.code, meeting.pk])
    page = cast.client(cast.lan).get(url).content.decode()
    assert "Trần Thị Hoa" in page and "Phạm Thị Vy" in page
    cast.client(cast.lan).post(url, {"present": [cast.hoa.pk, cast.vy.pk, cast.thu.pk]})
    got = dict(Attendance.objects.values_list("user__username", "how"))
    # Thu was not invited (branch B1 was, she serves commune B): the host cannot tick her.
    assert got == {"hoa": Attendance.How.LINK, "vy": Attendance.How.HOST}
    cast.client(cast.lan).post(url, {"present": [cast.vy.pk]})
    assert list(Attendance.objects.values_list("user__username", flat=True)) == ["vy"]
    # Only the organiser's page: commune A's admin has no attendance page for it.
    other = reverse("meetings:attendance", args=[cast.commune_a.code, meeting.pk])
    assert cast.client(cast.hoa).get(other).status_code == 404


def test_the_minutes_are_a_document_sent_to_those_invited(cast: Cast) -> None:
    meeting = call_meeting(cast.province, units=[cast.commune_a], people=[cast.mai])
    url = reverse("meetings:minutes", args=[cast.province.code, meeting.pk])
    response = cast.client(cast.lan).post(url, {
        "kind": Kind.MINUTES, "issuer_code": "HLHPN", "summary": "Biên bản giao ban tháng 12",
        "body": "Thống nhất kế hoạch", "issued_on": "05/12/2026", "signer_name": "Nguyễn Thị Lan",
        "signer_position": "Chủ tịch",
    })  # fmt: skip
    assert response.status_code == 302
    doc = Document.objects.get(meeting=meeting)
    assert doc.symbol == "01/BB-HLHPN"
    got = set(Receipt.objects.filter(document=doc).values_list("unit_id", "user_id"))
    assert got == {(cast.commune_a.pk, None), (None, cast.mai.pk)}
    detail = cast.client(cast.hoa).get(
        reverse("meetings:detail", args=[cast.commune_a.code, meeting.pk])
    )
    assert "01/BB-HLHPN" in detail.content.decode()


def test_agenda_papers_are_served_to_invitees_only(cast: Cast) -> None:
    doc = issue(
        cast.province, units=[cast.commune_b], uploads=[samples.upload("kh.pdf", samples.pdf())]
    )
    meeting = call_meeting(cast.province, units=[cast.commune_a], agenda_documents=[doc],
                           uploads=[samples.upload("chuong-trinh.pdf", samples.pdf())])  # fmt: skip
    own, papers = meeting.files.get(), doc.attachments.get()
    for pk in (own.pk, papers.pk):
        url = reverse("meetings:file", args=[cast.commune_a.code, meeting.pk, pk])
        assert cast.client(cast.hoa).get(url).status_code == 200
        url = reverse("meetings:file", args=[cast.commune_b.code, meeting.pk, pk])
        assert cast.client(cast.thu).get(url).status_code == 404


def test_the_ics_file_parses_back_with_vietnams_time(cast: Cast) -> None:
    start = dt.datetime(2026, 12, 5, 8, 30, tzinfo=VN)
    meeting = call_meeting(cast.commune_a, units=[cast.branch_a1], starts_at=start)
    response = cast.client(cast.mai).get(reverse("calendar:ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    event = cal.walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert event.decoded("dtstart") == start  # 01:30 UTC
    assert event.decoded("dtstart").astimezone(dt.UTC).hour == 1
    assert event.decoded("dtend") == start + dt.timedelta(hours=1)
    assert str(event["summary"]) == meeting.title
    assert f"/calendar/{meeting.pk}/join/" in str(event["url"])
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Asia/Ho_Chi_Minh"
    assert cast.client(cast.thu).get(reverse("calendar:ics", args=[meeting.pk])).status_code == 404


def test_the_feed_reads_with_its_token_until_revoked(cast: Cast) -> None:
    meeting = call_meeting(cast.commune_a, units=[cast.branch_a1])
    call_meeting(cast.commune_b, units=[cast.branch_b1], title="Họp xã Krông Pắc")
    token = services.calendar_token_create(user=cast.mai)
    anonymous = cast.client(None)
    response = anonymous.get(reverse("calendar:feed", args=[token]))
    assert response.status_code == 200
    titles = [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert titles == [meeting.title]
    assert anonymous.get(reverse("calendar:feed", args=[token + "x"])).status_code == 404
    # The token reads the feed, nothing else.
    assert anonymous.get(reverse("calendar:mine")).status_code == 302
    assert anonymous.get(reverse("calendar:ics", args=[meeting.pk])).status_code == 302
    # A new address revokes the old one; revoking leaves none.
    second = services.calendar_token_create(user=cast.mai)
    assert anonymous.get(reverse("calendar:feed", args=[token])).status_code == 404
    cast.client(cast.mai).post(reverse("calendar:subscribe"), {"action": "revoke"})
    assert anonymous.get(reverse("calendar:feed", args=[second])).status_code == 404


def test_the_subscribe_page_shows_the_address_once(cast: Cast) -> None:
    client = cast.client(cast.mai)
    made = client.post(reverse("calendar:subscribe"), {"action": "create"}).content.decode()
    assert "/calendar/feed/" in made
    assert "/calendar/feed/" not in client.get(reverse("calendar:subscribe")).content.decode()


def test_each_reminder_is_sent_once_and_not_to_those_who_sent_apologies(cast: Cast) -> None:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    meeting = call_meeting(cast.province, units=[cast.commune_a, cast.commune_b], starts_at=start)
    services.invitation_answer(actor=cast.thu, invitation=meeting.invitations.get(unit=cast.commune_b),
                               accept=False, reason="Trùng lịch")  # fmt: skip
    reminders = Message.objects.filter(kind="meeting_reminder")
    assert services.reminders_send(now=start - dt.timedelta(days=2)) == 0
    day_before = start - dt.timedelta(hours=23)
    assert services.reminders_send(now=day_before) == 1
    assert services.reminders_send(now=day_before + dt.timedelta(minutes=5)) == 0
    assert [m.user for m in reminders] == [cast.hoa]
    hour_before = start - dt.timedelta(minutes=50)
    assert services.reminders_send(now=hour_before) == 1
    assert services.reminders_send(now=hour_before) == 0
    assert reminders.all().count() == 2
    assert "Sắp đến giờ họp" in reminders.order_by("-pk")[0].body
    assert services.reminders_send(now=start + dt.timedelta(minutes=1)) == 0


def test_a_meeting_called_within_the_hour_gets_no_reminder_on_top(cast: Cast) -> None:
    call_meeting(cast.commune_a, units=[cast.branch_a1], starts_at=_soon(40))
    assert services.reminders_send() == 0
    assert Message.objects.filter(kind="meeting").count() == 1


def test_the_calendar_lists_her_meetings_and_answers(cast: Cast) -> None:
    call_meeting(cast.commune_a, units=[cast.branch_a1], title="Họp chi hội trưởng")
    call_meeting(cast.commune_b, units=[cast.branch_b1], title="Họp xã Krông Pắc")
    page = cast.client(cast.mai).get(reverse("calendar:mine")).content.decode()
    assert "Họp chi hội trưởng" in page and "Krông Pắc" not in page
    assert "Tôi sẽ tham dự" in page
    unit_page = cast.client(cast.hoa).get(reverse("meetings:list", args=[cast.commune_a.code]))
    assert "Họp chi hội trưởng" in unit_page.content.decode()
