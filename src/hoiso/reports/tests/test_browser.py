"""In a real browser: a commune submits its monthly report from a phone, the province returns it,
the commune fixes and resubmits it, the province approves it and downloads the consolidated
workbook."""

import pytest

from hoiso.conftest import log_in
from hoiso.core.sheets import read_bytes
from hoiso.reports.models import Report, Status
from hoiso.reports.tests.factories import OCTOBER, monthly

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submit_return_fix_approve_and_download(cast, live_server, chromium):
    base = live_server.url
    form = monthly(cast.province)
    report_url = f"/u/{cast.commune_a.code}/reports/{form.pk}/{OCTOBER.key}/"

    # Hoa, in commune A, fills in October's report on her phone and submits it.
    phone = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    mobile = phone.new_page()
    log_in(mobile, base, "hoa")
    mobile.goto(f"{base}/u/{cast.commune_a.code}/reports/")
    mobile.click(f"a[href='{report_url}']")
    mobile.fill("input[name=fig_loans]", "10")
    mobile.fill("input[name=fig_loans_minority]", "12")  # more than the women helped: refused
    mobile.fill("input[name=fig_poverty]", "2")
    mobile.fill("input[name=fig_violence]", "0")
    mobile.click("button[value=submit]")
    assert "không được lớn hơn" in mobile.locator("#fig-loans_minority .error").inner_text()
    mobile.fill("input[name=fig_loans_minority]", "4")
    mobile.fill("textarea >> nth=0", "Các chi hội sinh hoạt đều đặn.")
    mobile.click("button[value=submit]")
    mobile.locator(".messages").wait_for()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
    assert Report.objects.get().status == Status.SUBMITTED

    # Lan, at the province, returns it with a note.
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN",
                                accept_downloads=True)  # fmt: skip
    page = desk.new_page()
    log_in(page, base, "lan")
    page.goto(base + report_url)
    page.fill("#decide textarea[name=note]", "Bổ sung số hội viên vay vốn của chi hội Thôn 1.")
    page.click("#decide button.secondary")
    page.locator(".messages").wait_for()
    assert Report.objects.get().status == Status.RETURNED

    # Hoa sees the note, fixes the figure and submits again.
    mobile.goto(base + report_url)
    assert "Bổ sung số hội viên vay vốn" in mobile.content()
    mobile.fill("input[name=fig_loans]", "13")
    mobile.click("button[value=submit]")
    mobile.locator(".messages").wait_for()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()

    # Lan approves it and downloads the province's consolidated report.
    page.goto(base + report_url)
    page.click("#decide form:first-of-type button")
    page.locator(".messages").wait_for()
    assert Report.objects.get().status == Status.APPROVED
    page.goto(f"{base}/u/{cast.province.code}/reports/{form.pk}/{OCTOBER.key}/total/")
    with page.expect_download() as download:
        page.click("a[href$='total.xlsx']")
    with open(download.value.path(), "rb") as f:
        rows = read_bytes(f.read(), "tong-hop.xlsx")[0].rows
    loans = next(r for r in rows if r and r[0] == "Phụ nữ được hỗ trợ vay vốn")
    assert float(loans[2]) == 13
    desk.close()
