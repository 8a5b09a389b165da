"""A few documents in the demo province: the province's plan for 20/10 to every commune (some
have confirmed and reported, one late), a directive, a public notice, and Ea Kar forwarding the
plan to its branches. Built through the documents' services; called once from demo_load()."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.documents.models import Kind, Receipt
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
    return Receipt.objects.filter(document__in=[plan, directive]).count()
