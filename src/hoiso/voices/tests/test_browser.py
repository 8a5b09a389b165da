"""In a real browser: a member raises a concern from her phone, the commune's cadre answers it,
and the member reads the answer on her page."""

import pytest
from playwright.sync_api import expect

from hoiso.conftest import PASSWORD, log_in, make_member
from hoiso.members.services import member_account_enable
from hoiso.voices.models import Concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_raises_a_concern_and_reads_the_communes_answer(cast, live_server, chromium):
    base = live_server.url
    binh = make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    user, _password = member_account_enable(actor=cast.hoa, member=binh)
    user.set_password(PASSWORD)
    user.must_change_password = False
    user.save()

    member = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    mine = member.new_page()
    log_in(mine, base, user.username)
    mine.goto(f"{base}/me/")
    mine.click("a[href='/me/voices/new/']")
    mine.select_option("select[name=topic]", "livelihood")
    mine.fill("textarea[name=text]", "Em muốn vay vốn nuôi bò, hỏi chi hội thủ tục thế nào?")
    mine.click("button[type=submit]")
    expect(mine.locator("main")).to_contain_text("Chi hội và Hội LHPN xã đã nhận")
    expect(mine.locator("main")).to_contain_text("Chờ trả lời")
    assert mine.evaluate("document.documentElement.scrollWidth") <= 360

    cadre = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = cadre.new_page()
    log_in(page, base, "hoa")
    page.goto(f"{base}/u/{cast.commune_a.code}/")
    page.click(f"a[href='/u/{cast.commune_a.code}/voices/']")
    concern = Concern.objects.get()
    page.click(f"a[href='/u/{cast.commune_a.code}/voices/{concern.pk}/']")
    expect(page.locator("main")).to_contain_text("Nguyễn Thị Bình")
    page.fill("textarea[name=text]", "Chị mang sổ hộ khẩu đến hội xã thứ Hai để làm hồ sơ vay.")
    page.click("form[action$='/answer/'] button[type=submit]")
    expect(page.locator("main")).to_contain_text("Đã lưu câu trả lời")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    cadre.close()

    mine.goto(f"{base}/me/voices/")
    mine.click(f"a[href='/me/voices/{concern.pk}/']")
    expect(mine.locator("main")).to_contain_text("Chị mang sổ hộ khẩu đến hội xã")
    expect(mine.locator("main")).to_contain_text("Đã trả lời")
    member.close()
