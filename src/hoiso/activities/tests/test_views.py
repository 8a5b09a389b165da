from __future__ import annotations

import builtins
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hoiso.activities.models import Activity, DuesPayment, ModelBranchRule
from hoiso.activities.services import (
    activity_record,
    course_create,
    equipment_request_create,
    trainee_add,
    trainee_assess,
)
from hoiso.activities.tests.images import image_bytes
from hoiso.conftest import Cast, make_member
from hoiso.members.models import Member


def _course(cast: Cast, **data: Any) -> Any:
    today = timezone.localdate()
    fields = {"title": "Sử dụng phần mềm quản lý hội viên", "topic": "member_software",
              "starts_on": today, "ends_on": today, **data}  # fmt: skip
    return course_create(actor=cast.lan, organiser=cast.province, data=fields)


def test_a_branch_head_records_an_activity_with_a_photo(cast: Cast) -> None:
    url = reverse("activities:new", args=[cast.branch_a1.code])
    photo = SimpleUploadedFile("anh.jpg", image_bytes((2000, 1500), "JPEG"), "image/jpeg")
    response = cast.client(cast.mai).post(
        url, {"kind": "legal", "on": timezone.localdate().isoformat(), "photo": photo}
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "activities:detail", args=[cast.branch_a1.code, activity.pk]
    )
    assert activity.title == "Giáo dục pháp luật"
    got = cast.client(cast.hoa).get(
        reverse("activities:photo", args=[cast.commune_a.code, activity.pk])
    )
    assert got["Content-Type"] == "image/jpeg"


def test_it_says_what_to_fix_in_vietnamese(cast: Cast) -> None:
    url = reverse("activities:new", args=[cast.branch_a1.code])
    response = cast.client(cast.mai).post(url, {"kind": "meeting", "on": "31/02/2026"})
    assert response.status_code == 200
    assert "Vui lòng nhập ngày theo dạng ngày/tháng/năm (dd/mm/yyyy)." in response.content.decode()


def test_a_meeting_leads_to_attendance_then_the_branch_life(cast: Cast) -> None:
    a = make_member(cast.branch_a1, "Lê Thị A")
    make_member(cast.branch_a1, "Lê Thị B")
    client = cast.client(cast.mai)
    response = client.post(
        reverse("activities:new", args=[cast.branch_a1.code]),
        {"kind": "meeting", "on": timezone.localdate().isoformat()},
    )
    meeting = Activity.objects.get()
    assert response["Location"] == reverse(
        "activities:attendance", args=[cast.branch_a1.code, meeting.pk]
    )
    response = client.post(response["Location"], {"present": [str(a.pk)]})
    assert response["Location"] == reverse("activities:branch_life", args=[cast.branch_a1.code])
    page = client.get(response["Location"]).content.decode()
    assert 'data-rate="attendance">50%' in page


def test_the_commune_sees_every_branchs_status(cast: Cast) -> None:
    page = cast.client(cast.hoa).get(reverse("activities:branch_life", args=[cast.commune_a.code]))
    text = page.content.decode()
    assert cast.branch_a1.name in text and cast.branch_a2.name in text
    assert cast.branch_b1.name not in text


def test_the_activity_list_answers_htmx_with_its_rows(cast: Cast) -> None:
    activity_record(actor=cast.mai, unit=cast.branch_a1, data={"kind": "contest"})
    url = reverse("activities:list", args=[cast.commune_a.code])
    response = cast.client(cast.hoa).get(url, {"kind": "contest"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="rows">')
    assert "Hội thi" in text


def test_the_province_sets_the_thresholds(cast: Cast) -> None:
    url = reverse("activities:rules", args=[cast.province.code])
    response = cast.client(cast.lan).post(url, {"attendance": 80, "dues": 70, "carded": 90})
    assert response.status_code == 302
    rule = ModelBranchRule.objects.get(province=cast.province)
    assert (rule.attendance_min, rule.dues_min, rule.carded_min) == (80, 70, 90)
    bad = cast.client(cast.lan).post(url, {"attendance": 180, "dues": 70, "carded": 90})
    assert "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 100" in bad.content.decode()


def test_dues_are_ticked_per_quarter(cast: Cast) -> None:
    a = make_member(cast.branch_a1, "Lê Thị A")
    url = reverse("activities:dues", args=[cast.branch_a1.code])
    cast.client(cast.mai).post(url, {"paid": [str(a.pk)]})
    assert DuesPayment.objects.filter(member=a).count() == 1


def test_the_certificate_pdf_carries_the_vietnamese_name(cast: Cast) -> None:
    member = make_member(cast.branch_a1, "Ngô Thị Phượng", card_number="DL0001")
    course = _course(cast)
    trainee = trainee_add(actor=cast.lan, course=course, member=member)
    trainee_assess(actor=cast.lan, trainee=trainee, attended=True, completed=True, result=3)
    url = reverse("activities:certificate", args=[cast.commune_a.code, course.pk, trainee.pk])
    response = cast.client(cast.hoa).get(url)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Ngô Thị Phượng" in text
    assert "Sử dụng phần mềm quản lý hội viên" in text
    assert "GIẤY CHỨNG NHẬN" in text


def test_there_is_no_certificate_before_completion(cast: Cast) -> None:
    member = make_member(cast.branch_a1, "Ngô Thị Phượng")
    course = _course(cast)
    trainee = trainee_add(actor=cast.lan, course=course, member=member)
    url = reverse("activities:certificate", args=[cast.province.code, course.pk, trainee.pk])
    assert cast.client(cast.lan).get(url).status_code == 404


def test_it_explains_when_the_pdf_library_is_missing(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = make_member(cast.branch_a1, "Ngô Thị Phượng")
    course = _course(cast)
    trainee = trainee_add(actor=cast.lan, course=course, member=member)
    trainee_assess(actor=cast.lan, trainee=trainee, attended=True, completed=True, result=2)
    real_import = builtins.__import__

    def no_weasyprint(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    url = reverse("activities:certificate", args=[cast.province.code, course.pk, trainee.pk])
    response = cast.client(cast.lan).get(url, follow=True)
    text = response.content.decode()
    # The cadre is told what to do; the library's name is for the administrator, not for her.
    assert "thiếu phần mềm tạo tệp PDF. Vui lòng báo quản trị hệ thống." in text
    assert "WeasyPrint" not in text and "Pango" not in text


def test_a_trainee_is_found_by_username_phone_or_card(cast: Cast) -> None:
    make_member(cast.branch_a1, "Ngô Thị Phượng", card_number="DL0001")
    course = _course(cast)
    url = reverse("activities:course", args=[cast.province.code, course.pk])
    client = cast.client(cast.lan)
    for who in ("mai", "0912 000 002", "dl0001"):
        assert client.post(url, {"who": who}).status_code == 302
    assert {t.full_name for t in course.trainees.all()} == {
        "H'Mai Niê", "Trần Thị Hoa", "Ngô Thị Phượng"
    }  # fmt: skip
    response = client.post(url, {"who": "khong-ai"})
    assert "Không có cán bộ hay hội viên nào" in response.content.decode()


def test_a_cadres_record_is_visible_to_her_superiors_only(cast: Cast) -> None:
    course = _course(cast)
    t = trainee_add(actor=cast.lan, course=course, user=cast.mai)
    trainee_assess(actor=cast.lan, trainee=t, attended=True, completed=True, result=2)
    url = reverse("activities:cadre", args=[cast.branch_a1.code, cast.mai.pk])
    for superior in (cast.hoa, cast.lan, cast.vy):
        page = cast.client(superior).get(url)
        assert "Sử dụng thành thạo phần mềm quản lý hội viên" in page.content.decode()
    assert cast.client(cast.mai).get(url).status_code == 200  # her own
    assert cast.client(cast.thu).get(url).status_code == 404
    # Hoa's record, at her commune: Vy serves beside her, not above.
    hoa = reverse("activities:cadre", args=[cast.commune_a.code, cast.hoa.pk])
    assert cast.client(cast.vy).get(hoa).status_code == 403
    assert cast.client(cast.lan).get(hoa).status_code == 200


def test_the_cadre_list_shows_those_below(cast: Cast) -> None:
    page = cast.client(cast.hoa).get(reverse("activities:cadres", args=[cast.commune_a.code]))
    text = page.content.decode()
    assert "H&#x27;Mai Niê" in text or "H'Mai Niê" in text
    assert "Trần Thị Hoa" not in text.split("<main>")[1]


def test_digital_capacity_shares_members_and_lists_units_below(cast: Cast) -> None:
    make_member(cast.branch_a1, "Lê Thị A", has_smartphone=True, uses_zalo=True)
    make_member(cast.branch_a1, "Lê Thị B", has_smartphone=True)
    make_member(cast.branch_a1, "Lê Thị C")
    make_member(cast.branch_a1, "Lê Thị D", has_smartphone=True, uses_zalo=True)
    page = cast.client(cast.hoa).get(reverse("activities:digital", args=[cast.commune_a.code]))
    text = page.content.decode()
    assert "75%" in text and "50%" in text
    assert Member.objects.count() == 4


def test_a_commune_decides_a_branchs_request_from_its_own_page(cast: Cast) -> None:
    req = equipment_request_create(
        actor=cast.mai, unit=cast.branch_a1, kind="desktop", quantity=1, reason="Nhập liệu"
    )
    mine = reverse("activities:digital", args=[cast.commune_a.code])
    assert "Nhập liệu" not in cast.client(cast.hoa).get(mine).content.decode()
    assert cast.branch_a1.name in cast.client(cast.hoa).get(mine).content.decode()
    decide = reverse("activities:request_decide", args=[cast.commune_a.code, req.pk])
    cast.client(cast.hoa).post(decide, {"action": "approve", "note": ""})
    cast.client(cast.hoa).post(decide, {"action": "deliver", "note": "Đã giao"})
    req.refresh_from_db()
    assert req.status == "delivered"
    # The branch head cannot decide her own branch's request.
    again = equipment_request_create(
        actor=cast.mai, unit=cast.branch_a1, kind="printer", quantity=1, reason="In"
    )
    url = reverse("activities:request_decide", args=[cast.branch_a1.code, again.pk])
    assert cast.client(cast.mai).post(url, {"action": "approve"}).status_code == 403


def test_an_online_course_needs_its_link(cast: Cast) -> None:
    url = reverse("activities:course_new", args=[cast.commune_a.code])
    day = dt.date(2026, 3, 2).isoformat()
    response = cast.client(cast.hoa).post(
        url,
        {"title": "Luật An ninh mạng", "topic": "cyber_law", "starts_on": day, "ends_on": day,
         "mode": "online"},
    )  # fmt: skip
    assert (
        "Lớp tập huấn trực tuyến cần có đường dẫn phòng họp; vui lòng nhập đường dẫn."
        in response.content.decode()
    )


def test_a_womens_groups_digital_capacity_counts_its_own_members(cast: Cast) -> None:
    a = make_member(cast.branch_a1, "Lê Thị A", has_smartphone=True)
    b = make_member(cast.branch_a1, "Lê Thị B")
    make_member(cast.branch_a1, "Lê Thị C", has_smartphone=True)
    Member.objects.filter(pk__in=[a.pk, b.pk]).update(group=cast.group_a1)
    page = cast.client(cast.mai).get(reverse("activities:digital", args=[cast.group_a1.code]))
    text = page.content.decode()
    assert "2 hội viên đang sinh hoạt" in text and "50%" in text


@pytest.mark.parametrize(
    "name",
    ["activities:list", "activities:branch_life", "activities:digital", "activities:courses"],
)
def test_pages_cost_the_same_queries_for_few_or_many_rows(
    cast: Cast, name: str, django_assert_max_num_queries: Any
) -> None:
    def load() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name, args=[cast.commune_a.code])).status_code == 200
        return len(ctx.captured_queries)

    client = cast.client(cast.hoa)
    activity_record(actor=cast.mai, unit=cast.branch_a1, data={"kind": "other"})
    few = load()
    for i in range(12):
        branch = cast.branch_a1 if i % 2 else cast.branch_a2
        make_member(branch, f"Lê Thị {chr(65 + i)}")
        activity_record(actor=cast.mai, unit=branch, data={"kind": "contest"})
        _course(cast, title=f"Khóa {i}")
        equipment_request_create(
            actor=cast.mai, unit=branch, kind="desktop", quantity=1, reason="Nhập liệu"
        )
    assert load() == few


def test_a_photo_past_the_limit_is_refused_naming_it(cast: Cast, settings: Any) -> None:
    import os

    from PIL import Image

    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "picture": 1}
    out = io.BytesIO()
    Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(out, "PNG")
    photo = SimpleUploadedFile("anh.png", out.getvalue(), "image/png")
    url = reverse("activities:new", args=[cast.branch_a1.code])
    response = cast.client(cast.mai).post(
        url, {"kind": "legal", "on": timezone.localdate().isoformat(), "photo": photo}
    )
    assert response.status_code == 200 and "tối đa 1 MB" in response.content.decode()
    assert not Activity.objects.exists()
