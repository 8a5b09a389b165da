"""In a real browser: the province sends a plan to every commune, a commune cadre reads it on her
phone, confirms receipt and reports back, and the province's tracking page shows it."""

import pytest
from playwright.sync_api import expect

from hoiso.conftest import log_in
from hoiso.documents.models import Document, Receipt
from hoiso.documents.tests import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_plan_reaches_every_commune_and_one_reports_back(cast, live_server, chromium, tmp_path):
    base = live_server.url
    plan = tmp_path / "ke-hoach-20-10.pdf"
    plan.write_bytes(samples.pdf("Ke hoach ky niem ngay 20/10"))

    # Lan, at the province, issues the plan to every commune from her desk.
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    log_in(page, base, "lan")
    page.goto(f"{base}/u/{cast.province.code}/documents/new/")
    page.select_option("select[name=kind]", "KH")
    page.fill("textarea[name=summary]", "Kế hoạch tổ chức kỷ niệm Ngày Phụ nữ Việt Nam 20/10")
    page.fill("input[name=signer_position]", "Chủ tịch")
    page.fill("input[name=deadline]", "2099-12-31")
    page.check("input[name=report_required]")
    page.select_option("select[name=to-level]", "3")
    page.set_input_files("input[name=attachments]", str(plan))
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/tracking/")
    doc = Document.objects.get()
    assert doc.receipts.count() == 2
    expect(page.locator("#live")).to_contain_text("Xã Ea Kar")

    # Hoa, in commune A, opens it on her phone, confirms receipt and reports back.
    phone = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    mobile = phone.new_page()
    log_in(mobile, base, "hoa")
    mobile.goto(f"{base}/u/{cast.commune_a.code}/")
    mobile.click(f"a[href='/u/{cast.commune_a.code}/documents/']")
    mobile.click(f"a[href='/u/{cast.commune_a.code}/documents/{doc.pk}/']")
    expect(mobile.locator("h1")).to_contain_text(doc.symbol)
    mobile.click("#answer button[type=submit]")  # Đã nhận
    mobile.locator(".messages").wait_for()
    mobile.click(f"a[href='/u/{cast.commune_a.code}/documents/{doc.pk}/report/']")
    mobile.fill("textarea[name=text]", "Đã tổ chức mít tinh với 120 chị em tham dự")
    mobile.click("form.form button[type=submit]")
    mobile.locator(".messages").wait_for()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()
    receipt = Receipt.objects.get(document=doc, unit=cast.commune_a)
    assert receipt.acknowledged_by == cast.hoa and receipt.reported_at is not None

    # Back at the province: the tracking page shows Ea Kar's report; Krông Pắc has not read it.
    page.reload()
    expect(page.locator("#live")).to_contain_text("120 chị em")
    page.goto(f"{base}/u/{cast.province.code}/documents/{doc.pk}/tracking/?state=unread")
    expect(page.locator("#live tbody")).to_contain_text("Xã Krông Pắc")
    expect(page.locator("#live tbody")).not_to_contain_text("Xã Ea Kar")
    desk.close()
