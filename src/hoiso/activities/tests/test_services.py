from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from hoiso.activities import metrics
from hoiso.activities.metrics import Span
from hoiso.activities.models import Equipment, EquipmentRequest
from hoiso.activities.photos import MAX_SIDE, photo_path
from hoiso.activities.services import (
    activity_record,
    attendance_record,
    dues_record,
    equipment_request_approve,
    equipment_request_create,
    equipment_request_deliver,
    equipment_request_forward,
    equipment_request_refuse,
    quarter_of,
    rule_set,
)
from hoiso.activities.tests.images import image_bytes
from hoiso.conftest import Cast, make_member
from hoiso.core.models import AuditEvent


def test_it_records_an_activity_with_todays_date_and_the_kind_as_title(cast: Cast) -> None:
    activity = activity_record(actor=cast.mai, unit=cast.branch_a1, data={})
    assert activity.on == timezone.localdate()
    assert activity.kind == "meeting"
    assert activity.title in ("Sinh hoạt chi hội", "Branch meeting")
    assert AuditEvent.objects.filter(action="activity.recorded", unit=cast.branch_a1).exists()


def test_it_refuses_a_future_date_and_a_meeting_away_from_a_branch(cast: Cast) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as e:
        activity_record(actor=cast.mai, unit=cast.branch_a1, data={"on": tomorrow})
    assert "on" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        activity_record(actor=cast.hoa, unit=cast.commune_a, data={"kind": "meeting"})
    assert "kind" in e.value.message_dict


def test_it_resizes_a_photo_for_slow_links(cast: Cast) -> None:
    big = image_bytes((4000, 3000), "PNG")
    activity = activity_record(
        actor=cast.mai, unit=cast.branch_a1, data={"kind": "other"}, photo=big
    )
    path = photo_path(activity.photo)
    assert path is not None
    with Image.open(path) as img:
        assert img.format == "JPEG"
        assert max(img.size) == MAX_SIDE
    assert path.stat().st_size < 200_000


def test_it_refuses_a_file_that_is_not_a_photo(cast: Cast) -> None:
    with pytest.raises(ValidationError) as e:
        activity_record(actor=cast.mai, unit=cast.branch_a1, data={}, photo=b"%PDF-1.4 nope")
    assert "photo" in e.value.message_dict


def test_it_never_serves_a_file_outside_the_photo_folder() -> None:
    assert photo_path("../../secret_key") is None


def test_it_takes_attendance_for_every_member_of_the_branch(cast: Cast) -> None:
    a, b, c = (make_member(cast.branch_a1, n) for n in ("Lê Thị A", "Lê Thị B", "Lê Thị C"))
    meeting = activity_record(actor=cast.mai, unit=cast.branch_a1, data={})
    assert attendance_record(actor=cast.mai, activity=meeting, present_ids={a.pk, b.pk}) == 2
    meeting.refresh_from_db()
    assert meeting.participants == 2
    assert meeting.attendance.count() == 3
    # Taken again, it replaces the first list.
    attendance_record(actor=cast.mai, activity=meeting, present_ids={c.pk})
    assert list(meeting.attendance.filter(present=True).values_list("member", flat=True)) == [c.pk]


def test_it_refuses_attendance_of_someone_from_another_branch(cast: Cast) -> None:
    other = make_member(cast.branch_a2, "Lê Thị Khác")
    meeting = activity_record(actor=cast.mai, unit=cast.branch_a1, data={})
    with pytest.raises(ValidationError):
        attendance_record(actor=cast.mai, activity=meeting, present_ids={other.pk})


def test_it_records_dues_per_quarter_and_untick_removes(cast: Cast) -> None:
    a = make_member(cast.branch_a1, "Lê Thị A")
    b = make_member(cast.branch_a1, "Lê Thị B")
    q = quarter_of(timezone.localdate())
    assert dues_record(actor=cast.mai, branch=cast.branch_a1, quarter=q, paid_ids={a.pk, b.pk}) == (
        2,
        0,
    )
    assert dues_record(actor=cast.mai, branch=cast.branch_a1, quarter=q, paid_ids={a.pk}) == (0, 1)
    with pytest.raises(ValidationError):
        dues_record(
            actor=cast.mai,
            branch=cast.branch_a1,
            quarter=q + dt.timedelta(days=100),
            paid_ids=set(),
        )


def _this_year() -> Span:
    today = timezone.localdate()
    return Span(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1))


def _life(cast: Cast) -> metrics.BranchLife:
    return metrics.branch_life(cast.branch_a1, _this_year())[0]


def test_it_makes_a_model_branch_exactly_at_its_thresholds(cast: Cast) -> None:
    members = [make_member(cast.branch_a1, f"Lê Thị {n}", card_number=f"K{n}") for n in "ABCD"]
    meeting = activity_record(actor=cast.mai, unit=cast.branch_a1, data={})
    attendance_record(actor=cast.mai, activity=meeting, present_ids={m.pk for m in members[:3]})
    for q in metrics.quarters_due(_this_year()):
        dues_record(
            actor=cast.mai, branch=cast.branch_a1, quarter=q, paid_ids={m.pk for m in members[:3]}
        )
    life = _life(cast)
    assert (life.attendance, life.dues, life.carded) == (75.0, 75.0, 100.0)
    assert not life.is_model  # the defaults: 85, 85, 100
    rule_set(actor=cast.lan, province=cast.province, attendance=75, dues=75, carded=100)
    assert _life(cast).is_model
    rule_set(actor=cast.lan, province=cast.province, attendance=76, dues=75, carded=100)
    assert not _life(cast).is_model
    rule_set(actor=cast.lan, province=cast.province, attendance=75, dues=76, carded=100)
    assert not _life(cast).is_model


def test_it_lets_only_a_province_set_thresholds_within_0_to_100(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        rule_set(actor=cast.hoa, province=cast.commune_a, attendance=80, dues=80, carded=100)
    with pytest.raises(ValidationError) as e:
        rule_set(actor=cast.lan, province=cast.province, attendance=101, dues=80, carded=100)
    assert "attendance_min" in e.value.message_dict


def test_an_equipment_request_goes_up_two_levels_and_back(cast: Cast) -> None:
    group = cast.group_a1
    req = equipment_request_create(
        actor=cast.mai, unit=group, kind="laptop", quantity=1, reason="Nhập liệu hội viên"
    )
    assert req.at_unit == cast.branch_a1 and req.status == "pending"
    equipment_request_forward(actor=cast.mai, request=req, note="Chi hội không có kinh phí")
    assert req.at_unit == cast.commune_a
    equipment_request_forward(actor=cast.hoa, request=req)
    assert req.at_unit == cast.province
    with pytest.raises(ValidationError):
        equipment_request_forward(actor=cast.lan, request=req)  # nothing above the province
    equipment_request_approve(actor=cast.lan, request=req)
    with pytest.raises(ValidationError):
        equipment_request_approve(actor=cast.lan, request=req)  # no longer pending
    equipment_request_deliver(actor=cast.lan, request=req, note="Giao tận tổ")
    req.refresh_from_db()
    assert req.status == "delivered"
    assert list(req.steps.values_list("step", "unit__code")) == [
        ("sent", cast.branch_a1.code),
        ("forwarded", cast.commune_a.code),
        ("forwarded", cast.province.code),
        ("approved", cast.province.code),
        ("delivered", cast.province.code),
    ]
    # Back where it came from: the laptop is on the group's equipment list.
    assert Equipment.objects.filter(unit=group, kind="laptop", state="working").exists()


def test_a_refusal_needs_a_reason(cast: Cast) -> None:
    req = equipment_request_create(
        actor=cast.mai, unit=cast.branch_a1, kind="desktop", quantity=1, reason="Họp"
    )
    with pytest.raises(ValidationError) as e:
        equipment_request_refuse(actor=cast.hoa, request=req, note=" ")
    assert "note" in e.value.message_dict
    equipment_request_refuse(actor=cast.hoa, request=req, note="Đã có máy ở xã")
    assert EquipmentRequest.objects.get(pk=req.pk).status == "refused"


def test_a_province_cannot_ask_inside_hoi_so(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        equipment_request_create(
            actor=cast.lan, unit=cast.province, kind="desktop", quantity=1, reason="x"
        )
