"""Short words that mean different things in different apps show each its own meaning on the page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hoiso.activities.services import equipment_request_create
from hoiso.comms.tests.factories import make_channel, make_post
from hoiso.conftest import Cast, make_member

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
