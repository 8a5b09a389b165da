"""In a real browser: the province's admin previews and merges two communes; the targets of the
year before the merge still read on the two communes of then, this year's on the merged one; the
dashboard as of a day before the merge shows the two communes of then, or, on today's
boundaries, the merged one."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from hoiso.conftest import log_in, make_member
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import Level, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_province_previews_and_merges_two_communes(cast, live_server, chromium):
    base = live_server.url
    for i in range(3):
        make_member(cast.branch_b1, f"Lê Thị C{i}")
    last_year = make_target(cast.province, year=2025, period_kind="year", title="Đăng bài năm 2025")
    this_month = make_target(cast.province, title="Đăng bài hằng tháng")
    members = make_target(cast.province, year=2026, title="Mỗi xã có hội viên",
                          metric="members.total", level=Level.COMMUNE, period_kind="month",
                          threshold=Decimal(1), required_share=Decimal(100))  # fmt: skip

    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    log_in(page, base, "lan")
    page.goto(f"{base}/u/{cast.province.code}/")
    page.click(f"#restructure a[href='/u/{cast.province.code}/restructure/new/merge/']")
    page.check(f"input[name=units][value='{cast.commune_a.pk}']")
    page.check(f"input[name=units][value='{cast.commune_b.pk}']")
    page.select_option("select[name=keep]", str(cast.commune_a.pk))
    page.fill("input[name=on]", "2026-07-01")
    page.click("form.form button[type=submit]")

    # The preview: what moves, with its members and the people whose roles follow.
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Chi hội Thôn Tân Lập")
    expect(preview).to_contain_text("3 hội viên")
    expect(page.locator("main")).to_contain_text("Lê Thị Thu")
    assert Unit.objects.get(pk=cast.commune_b.pk).valid_to is None
    page.click("form.buttons button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("Đã thực hiện")
    expect(page.locator("#people")).to_contain_text("Lê Thị Thu")
    assert Unit.objects.get(pk=cast.commune_b.pk).valid_to == dt.date(2026, 7, 1)

    # Last year's target reads on the units of then: both communes are still there.
    page.goto(f"{base}/u/{cast.province.code}/targets/{last_year.pk}/")
    units = page.locator("table.table tbody")
    expect(units).to_contain_text("Xã Krông Pắc")
    expect(units).to_contain_text("Xã Ea Kar")
    # This month's reads on today's: the merged commune only.
    page.goto(f"{base}/u/{cast.province.code}/targets/{this_month.pk}/")
    units = page.locator("table.table tbody")
    expect(units).to_contain_text("Xã Ea Kar")
    expect(units).not_to_contain_text("Xã Krông Pắc")

    # The dashboard as of a day in June 2026, before the merge: on the boundaries of then, the
    # two communes of June (Ea Kar had nobody, Krông Pắc three); on today's, the merged one.
    page.goto(f"{base}/u/{cast.province.code}/targets/")
    page.fill("#as-of input[name=on]", "2026-06-15")
    expect(page.locator("#as-of select[name=boundaries]")).to_have_value("then")
    page.click("#as-of button")
    card = page.locator(f"#target-{members.pk}")
    expect(card).to_contain_text("1/2 đơn vị đạt")
    page.select_option("#as-of select[name=boundaries]", "now")
    page.click("#as-of button")
    assert "boundaries=now" in page.url and "on=2026-06-15" in page.url
    expect(card).to_contain_text("1/1 đơn vị đạt")
    expect(page.locator("main")).to_contain_text("Theo địa giới hiện nay")
    desk.close()
