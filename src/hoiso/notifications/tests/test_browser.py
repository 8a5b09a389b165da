"""In a real browser: a commune cadre sends a notice to one branch's members from her phone,
sees how many it reaches and what it costs, then its delivery; the member sees it on her page."""

import pytest
from playwright.sync_api import expect

from hoiso.conftest import PASSWORD, log_in, make_member
from hoiso.members.services import member_account_enable
from hoiso.notifications.models import Channel, Consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_cadre_sends_a_notice_and_the_member_sees_it(cast, live_server, chromium):
    base = live_server.url
    bình = make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    Consent.objects.create(member=bình, channel=Channel.SMS, at="2026-01-01T00:00Z", source="paper")
    make_member(cast.branch_a1, "Lê Thị Dung")
    make_member(cast.branch_a2, "Trần Thị Cúc")  # another branch: not in the list
    user, _password = member_account_enable(actor=cast.hoa, member=bình)
    user.set_password(PASSWORD)
    user.must_change_password = False
    user.save()

    phone = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = phone.new_page()
    log_in(page, base, "hoa")
    page.goto(f"{base}/u/{cast.commune_a.code}/")
    page.click(f"a[href='/u/{cast.commune_a.code}/notices/']")
    page.click(f"a[href='/u/{cast.commune_a.code}/notices/new/']")
    page.select_option("select[name=audience]", f"branch:{cast.branch_a1.pk}")
    page.fill("input[name=title]", "Họp chi hội tháng 12")
    page.fill("textarea[name=body]", "Tối thứ Bảy 19 giờ họp tại nhà văn hoá thôn.")
    page.check("input[name=urgent]")
    page.click("button[value=preview]")
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text("2 người sẽ nhận thông báo")
    expect(estimate).to_contain_text("750 đ")  # one SMS part, to the one who agreed to SMS
    page.click("button[value=send]")
    page.wait_for_url("**/notices/*/")
    status = page.locator("#status")
    expect(status).to_contain_text("Nguyễn Thị Bình")
    expect(status).to_contain_text("Lê Thị Dung")
    expect(status).not_to_contain_text("Trần Thị Cúc")
    expect(status.locator("li.status-sent")).to_contain_text("Đã gửi: 2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{base}/u/{cast.commune_a.code}/notices/outbox/")
    texts = page.locator("pre.message-text")
    expect(texts.filter(has_text="Hop chi hoi thang 12")).to_have_count(1)  # the SMS, plain
    expect(texts.filter(has_text="Họp chi hội tháng 12")).to_have_count(1)  # in Hội Số
    phone.close()

    member = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    mine = member.new_page()
    mine.goto(f"{base}/accounts/login/")
    mine.fill("input[name=username]", user.username)
    mine.fill("input[name=password]", PASSWORD)
    mine.click("button[type=submit]")
    mine.wait_for_load_state()
    mine.goto(f"{base}/me/")
    mine.click("a[href='/me/messages/']")
    expect(mine.locator("#received")).to_contain_text("Họp chi hội tháng 12")
    expect(mine.locator("#received")).to_contain_text("Tối thứ Bảy 19 giờ")
    member.close()
