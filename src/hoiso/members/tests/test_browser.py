"""In a real browser: admit a member, find her without diacritics, transfer her, and the
receiving commune accepts."""

import re

import pytest

from hoiso.conftest import log_in
from hoiso.members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_admits_finds_and_transfers_a_member(cast, live_server, chromium):
    base = live_server.url
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, "hoa")

    # Admit her from the commune's member list.
    page.goto(f"{base}/u/{cast.commune_a.code}/members/")
    page.click(f"a[href='/u/{cast.commune_a.code}/members/new/']")
    page.fill("input[name=full_name]", "Nguyễn Thị Hồng Nhung")
    page.fill("input[name=birth_date]", "1990-04-12")
    page.select_option("select[name=branch]", label="Chi hội Thôn 1")
    page.fill("input[name=join_date]", "2015-03-08")
    page.fill("input[name=phone]", "0987 654 321")
    page.check("input[name=consent_purposes][value=membership]")
    page.fill("input[name=consent_date]", "2015-03-08")
    page.select_option("select[name=consent_method]", "paper")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    page.wait_for_url(re.compile(r".*/members/\d+/$"))
    assert page.locator("h1").inner_text() == "Nguyễn Thị Hồng Nhung"
    member = Member.objects.get(full_name="Nguyễn Thị Hồng Nhung")
    assert member.phone == "0987654321"

    # Find her by typing without diacritics; htmx swaps the results in as she types.
    page.goto(f"{base}/u/{cast.commune_a.code}/members/")
    page.fill("input[name=q]", "nguyen thi")
    page.locator("#results").get_by_text("Nguyễn Thị Hồng Nhung").wait_for()
    page.locator("#results a", has_text="Nguyễn Thị Hồng Nhung").click()
    page.wait_for_url(f"**/members/{member.pk}/")

    # Transfer her to the other commune; she stays here, pending, until they accept.
    page.click(f"a[href$='/members/{member.pk}/transfer/']")
    page.select_option("select[name=to_unit]", label="Xã Krông Pắc")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**/members/{member.pk}/")
    member.refresh_from_db()
    assert member.branch == cast.branch_a1
    assert member.transfers.get().status == "pending"
    context.close()

    # The receiving commune's cadre accepts her into one of its branches.
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, "thu")
    page.goto(f"{base}/u/{cast.commune_b.code}/members/inbox/")
    assert "Nguyễn Thị Hồng Nhung" in page.content()
    page.select_option("select[name$=to_branch]", label="Chi hội Thôn Tân Lập")
    page.click("form[action$='/accept/'] button[type=submit]")
    page.wait_for_url(f"{base}/u/{cast.commune_b.code}/members/{member.pk}/")
    member.refresh_from_db()
    assert member.branch == cast.branch_b1 and member.commune == cast.commune_b
    assert member.transfers.get().status == "accepted"
    # And she is gone from the sending commune: its cadre's link now answers 404.
    context.close()
