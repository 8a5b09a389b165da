"""Short words that mean different things in different apps show each its own meaning on the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import override

from hoiso.activities.services import equipment_request_create
from hoiso.comms.tests.factories import make_channel, make_post
from hoiso.conftest import Cast, make_member, make_unit
from hoiso.units.forms import UnitChoiceField
from hoiso.units.models import Level, Unit

pytestmark = pytest.mark.django_db


def _form_button(html: str, action_part: str) -> str:
    """The text of the button of the form posting to a URL containing `action_part`."""
    form = re.search(rf'<form[^>]*action="[^"]*{re.escape(action_part)}".*?</form>', html, re.S)
    assert form, f"no form posting to {action_part}"
    button = re.search(r"<button[^>]*>([^<]+)</button>", form.group(0))
    assert button
    return button.group(1).strip()


def _link(html: str, href_part: str) -> str:
    """The text of the link to a URL containing `href_part`."""
    link = re.search(rf'<a[^>]*href="[^"]*{re.escape(href_part)}"[^>]*>([^<]+)</a>', html)
    assert link, f"no link to {href_part}"
    return link.group(1).strip()


def test_deleting_a_post_says_delete_and_removing_a_member_says_remove(cast: Cast) -> None:
    post = make_post(make_channel(cast.commune_a), by=cast.hoa)
    posts = cast.client(cast.hoa).get(reverse("comms:posts", args=[cast.commune_a.code]))
    assert _form_button(posts.text, f"/posts/{post.pk}/delete/") == "Xóa"

    member = make_member(cast.branch_a1)
    detail = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/members/{member.pk}/")
    assert _link(detail.text, f"/members/{member.pk}/remove/") == "Đưa ra khỏi danh sách"


def test_a_posts_title_is_a_title_and_an_activitys_is_its_name(cast: Cast) -> None:
    make_channel(cast.commune_a)
    post_form = cast.client(cast.hoa).get(reverse("comms:post_new", args=[cast.commune_a.code]))
    assert re.search(r"<label[^>]*>Tiêu đề", post_form.text)
    assert "Tên hoạt động" not in post_form.text
    activity_form = cast.client(cast.hoa).get(reverse("activities:new", args=[cast.commune_a.code]))
    assert re.search(r"<label[^>]*>Tên hoạt động", activity_form.text)


def test_an_equipment_request_is_not_approved_while_a_transfer_is_refused(cast: Cast) -> None:
    req = equipment_request_create(
        actor=cast.mai, unit=cast.branch_a1, kind="desktop", quantity=1, reason="Nhập liệu"
    )
    page = cast.client(cast.hoa).get(
        reverse("activities:request", args=[cast.commune_a.code, req.pk])
    )
    assert re.search(r'value="refuse"[^>]*>Không duyệt</button>', page.text)
    assert "Từ chối" not in page.text


def test_the_branch_life_table_heads_its_commune_column_as_a_commune(cast: Cast) -> None:
    page = cast.client(cast.lan).get(reverse("activities:branch_life", args=[cast.province.code]))
    assert "<th>Xã, phường</th>" in page.text
    assert "Cấp xã" not in page.text


def test_a_unit_is_named_mid_sentence_in_lower_case_and_the_union_as_the_union(cast: Cast) -> None:
    with override("vi"):
        assert cast.province.union_name == "Hội LHPN tỉnh Đắk Lắk"
        assert cast.commune_a.union_name == "Hội LHPN xã Ea Kar"
        assert cast.branch_a1.union_name == "chi hội Thôn 1"
        assert cast.group_a1.in_sentence == "tổ phụ nữ số 1"
        assert capfirst(cast.branch_a1.union_name) == "Chi hội Thôn 1"
    people = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/people/")
    assert "Các tài khoản có vai trò tại Hội LHPN xã Ea Kar" in people.text


def test_options_of_the_same_name_carry_their_commune(cast: Cast) -> None:
    again = make_unit(cast.commune_b, Level.BRANCH, "24190-09", "Chi hội Thôn 1")
    field = UnitChoiceField(queryset=Unit.objects.filter(level=Level.BRANCH).order_by("code"))
    labels = {pk: label for pk, label in field.choices if pk}
    assert labels[cast.branch_a1.pk] == "Chi hội Thôn 1 (xã Ea Kar)"
    assert labels[again.pk] == "Chi hội Thôn 1 (xã Krông Pắc)"
    assert labels[cast.branch_a2.pk] == "Chi hội Buôn Ea Sinh"  # a name met once stays as it is


def test_the_channel_list_says_nothing_of_zero_units(cast: Cast) -> None:
    for unit in (cast.commune_a, cast.commune_b):
        make_channel(unit, kind="zalo_group", url="", name=f"Nhóm Zalo {unit.name}")
    page = cast.client(cast.lan).get(reverse("comms:channels", args=[cast.province.code]))
    assert "Đơn vị nào cũng đã có ít nhất một kênh." in page.text
    assert "0 đơn vị" not in page.text and "đơn vị khác" not in page.text
    assert "2 đơn vị có kênh nhưng chưa có fanpage" in page.text


def test_every_value_of_a_members_record_has_its_label(cast: Cast) -> None:
    member = make_member(cast.branch_a1, card_number="DL7", village="Thôn 1", occupation="Làm nông")
    page = cast.client(cast.hoa).get(f"/u/{cast.commune_a.code}/members/{member.pk}/")
    record = re.search(r'<dl class="record">(.*?)</dl>', page.text, re.S)
    assert record
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>", record.group(1))
    assert len(pairs) == record.group(1).count("<dd>")  # no value without a label
    for label in ["Số thẻ hội viên", "Giới tính", "Thôn, buôn, khu phố", "Kỹ năng số", "Dùng Zalo"]:
        assert label in pairs


def test_the_dues_quarters_are_named_as_the_union_names_them(cast: Cast) -> None:
    page = cast.client(cast.mai).get(reverse("activities:dues", args=[cast.branch_a1.code]))
    assert re.search(r"<option[^>]*>Quý (I|II|III|IV)/20\d\d</option>", page.text)
    assert "quý bắt đầu" not in page.text
