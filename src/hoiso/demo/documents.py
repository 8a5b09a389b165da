"""A few documents in the demo province: the province's plan for 20/10 to every commune (some
have confirmed and reported, one late), a directive, a public notice, and Ea Kar forwarding the
plan to its branches; and online meetings past and upcoming. Built through the documents'
services; called once from demo_load()."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.documents.meetings.services import (
    attendance_join,
    attendance_mark,
    expected_people,
    invitation_answer,
    meeting_create,
    minutes_issue,
)
from hoiso.documents.models import Document, Invitation, Kind, Receipt, Response
from hoiso.documents.services import (
    Recipients,
    document_issue,
    receipt_acknowledge,
    receipt_forward,
    receipt_report,
)
from hoiso.units.models import Level, Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VN)


def populate_documents(province: Unit) -> int:
    """Issue the demo's documents; returns how many receipts they made."""
    lan = User.objects.filter(assignments__unit=province).order_by("pk").first()
    if lan is None:  # the demo's accounts come first; without them there is no one to sign
        return 0
    today = timezone.localdate()
    sign = {"issuer_code": "HLHPN", "signer_name": "Nguyễn Thị Lan", "signer_position": "Chủ tịch"}
    plan = document_issue(
        actor=lan,
        unit=province,
        data={
            **sign,
            "kind": Kind.PLAN,
            "issued_on": today - dt.timedelta(days=20),
            "summary": "Kế hoạch tổ chức các hoạt động kỷ niệm Ngày Phụ nữ Việt Nam 20/10",
            "body": "Các cơ sở hội tổ chức tọa đàm, hội thi và thăm hỏi hội viên khó khăn; "
            "báo cáo kết quả về Hội LHPN tỉnh.",
            "deadline": today + dt.timedelta(days=5),
            "report_required": True,
        },
        recipients=Recipients(level=Level.COMMUNE),
    )
    directive = document_issue(
        actor=lan,
        unit=province,
        data={
            **sign,
            "kind": Kind.DIRECTIVE,
            "issued_on": today - dt.timedelta(days=8),
            "summary": "Chỉ thị về tăng cường chuyển đổi số trong hoạt động Hội các cấp",
            "deadline": today + dt.timedelta(days=20),
        },
        recipients=Recipients(level=Level.COMMUNE),
    )
    document_issue(
        actor=lan,
        unit=province,
        data={
            **sign,
            "kind": Kind.NOTICE,
            "issued_on": today - dt.timedelta(days=3),
            "summary": "Thông báo lịch tiếp dân và tiếp nhận phản ánh của hội viên quý IV",
            "public": True,
        },
        recipients=Recipients(level=Level.COMMUNE),
    )
    receipts = list(
        Receipt.objects.filter(document=plan)
        .select_related("unit", "document")
        .order_by("unit__code")
    )
    for i, receipt in enumerate(receipts):
        answer = User.objects.filter(assignments__unit=receipt.unit).order_by("pk").first() or lan
        if i % 3 == 2:
            continue  # not yet opened
        opened = _at(plan.issued_on + dt.timedelta(days=1 + i % 4), 8)
        receipt_acknowledge(actor=answer, receipt=receipt, at=opened)
        if i % 3 == 0:
            receipt_report(
                actor=answer,
                receipt=receipt,
                at=opened + dt.timedelta(days=3),
                text="Đã tổ chức tọa đàm với hội viên, thăm hỏi hộ khó khăn.",
            )
    ea_kar = Receipt.objects.filter(document=plan, unit__name="Xã Ea Kar").first()
    if ea_kar is not None:
        hoa = User.objects.filter(assignments__unit=ea_kar.unit).order_by("pk").first() or lan
        receipt_forward(actor=hoa, receipt=ea_kar, recipients=Recipients(level=Level.BRANCH))
    populate_meetings(province, lan, directive)
    return Receipt.objects.filter(document__in=[plan, directive]).count()


APOLOGIES = ["Trùng lịch tiếp xúc cử tri của xã", "Cán bộ đi tập huấn tại tỉnh"]


def populate_meetings(province: Unit, lan: User, directive: Document) -> None:
    """Online meetings: the province's review a week ago (answers, who came, its minutes), its
    meeting on digital transformation in two days (the directive on its agenda), and Ea Kar's
    branch heads tomorrow evening."""
    today = timezone.localdate()
    communes = Recipients(level=Level.COMMUNE)
    past = meeting_create(
        actor=lan, unit=province, recipients=communes,
        data={"title": "Hội nghị trực tuyến sơ kết công tác Hội và phong trào phụ nữ 6 tháng",
              "starts_at": _at(today - dt.timedelta(days=7), 8),
              "ends_at": _at(today - dt.timedelta(days=7), 10),
              "video_url": "https://meet.google.com/hoi-sokt-6th",
              "agenda": "1. Báo cáo sơ kết 6 tháng\n2. Tham luận của các xã\n3. Kết luận"},
    )  # fmt: skip
    invitations = list(past.invitations.select_related("unit").order_by("unit__code"))
    for i, invitation in enumerate(invitations):
        cadre = User.objects.filter(assignments__unit=invitation.unit).order_by("pk").first()
        if cadre is None:
            continue
        # Answered before the meeting (the service takes answers only until its end).
        apology = i % 9 == 4
        Invitation.objects.filter(pk=invitation.pk).update(
            response=Response.APOLOGY if apology else Response.ACCEPTED,
            reason=APOLOGIES[i % 2] if apology else "", answered_by=cadre,
            answered_at=past.starts_at - dt.timedelta(days=1),
        )  # fmt: skip
        if not apology and i % 3 != 2:
            attendance_join(user=cadre, meeting=past, invitation=invitation,
                            now=past.starts_at + dt.timedelta(minutes=i % 10))  # fmt: skip
    came = set(past.attendances.values_list("user_id", flat=True))
    late = [u.pk for u, _unit in expected_people(past)][:5]
    attendance_mark(actor=lan, meeting=past, present=came | set(late))
    minutes_issue(
        actor=lan, meeting=past,
        data={"kind": Kind.NOTICE, "issuer_code": "HLHPN", "signer_name": "Nguyễn Thị Lan",
              "signer_position": "Chủ tịch", "issued_on": timezone.localdate(past.starts_at),
              "summary": "Thông báo kết luận hội nghị trực tuyến sơ kết 6 tháng",
              "body": "Các xã hoàn thành báo cáo số liệu hội viên trước ngày 15 hằng tháng."},
    )  # fmt: skip
    soon = meeting_create(
        actor=lan, unit=province, recipients=communes, agenda_documents=[directive],
        data={"title": "Giao ban trực tuyến triển khai chuyển đổi số trong hoạt động Hội",
              "starts_at": _at(today + dt.timedelta(days=2), 14),
              "ends_at": _at(today + dt.timedelta(days=2), 16),
              "video_url": "https://zoom.us/j/8123456789",
              "agenda": "1. Quán triệt Chỉ thị về chuyển đổi số\n2. Hướng dẫn dùng Hội Số"},
    )  # fmt: skip
    for i, invitation in enumerate(soon.invitations.select_related("unit").order_by("unit__code")):
        cadre = User.objects.filter(assignments__unit=invitation.unit).order_by("pk").first()
        # Xã Ea Kar's cadre (the demo's hoa.xa) finds it still to answer in her calendar.
        ea_kar_itself = invitation.unit is not None and invitation.unit.name == "Xã Ea Kar"
        if cadre is not None and i % 4 != 3 and not ea_kar_itself:
            invitation_answer(actor=cadre, invitation=invitation, accept=i % 7 != 5,
                              reason=APOLOGIES[0])  # fmt: skip
    ea_kar = Unit.objects.filter(parent=province, name="Xã Ea Kar").first()
    hoa = User.objects.filter(assignments__unit=ea_kar).order_by("pk").first()
    if ea_kar is not None and hoa is not None:
        tomorrow = today + dt.timedelta(days=1)
        meeting_create(
            actor=hoa, unit=ea_kar, recipients=Recipients(level=Level.BRANCH),
            data={"title": "Họp chi hội trưởng: chuẩn bị sinh hoạt chi hội tháng này",
                  "starts_at": _at(tomorrow, 19) + dt.timedelta(minutes=30),
                  "ends_at": _at(tomorrow, 21),
                  "video_url": "https://meet.google.com/eak-chih-oit",
                  "agenda": "1. Nội dung sinh hoạt chi hội\n2. Hội viên đóng hội phí\n3. Ý kiến hội viên"},
        )  # fmt: skip
