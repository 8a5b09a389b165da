"""In a real browser, from a phone: the province's admin uploads her cadres, chooses to send their
one-time passwords by Zalo or SMS, and the outbox shows each message's state but never its text."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hoiso.accounts.tests.test_bulk import ROWS, _upload
from hoiso.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    # HOISO_SHOTS=folder keeps the screenshots for a person to look at.
    folder = os.environ.get("HOISO_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_admin_sends_the_passwords_and_the_outbox_keeps_them_secret(
    cast, live_server, chromium, tmp_path, width
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    sheet = tmp_path / "can-bo.xlsx"
    sheet.write_bytes(_upload(ROWS[:2]).read())
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = context.new_page()
    log_in(page, base, "lan")
    page.goto(f"{base}/u/{cast.province.code}/people/bulk/")
    page.set_input_files("input[type=file]", str(sheet))
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/people/bulk/*/")
    expect(page.locator("fieldset")).to_contain_text("Cách trao mật khẩu dùng một lần")
    _shot(page, f"bulk-preview-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.check("input[name=passwords][value=send]")
    page.click("form[action$='/confirm/'] button")
    expect(page.locator("main")).to_contain_text("2 mật khẩu dùng một lần đang được gửi")
    expect(page.locator("main")).not_to_contain_text("In phiếu đăng nhập")
    _shot(page, f"bulk-sent-{width}")
    page.click("main a[href$='/notices/outbox/']")
    texts = page.locator("pre.message-text")
    expect(texts).to_have_count(2)
    for text in texts.all_inner_texts():
        assert "mật khẩu" not in text.lower() and "mat khau" not in text.lower()
    _shot(page, f"bulk-outbox-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
