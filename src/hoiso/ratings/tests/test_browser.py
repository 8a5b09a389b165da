"""In a real browser: Hoa self-assesses her commune from a 360 px phone (points, evidence, a file,
send), Lan at the province decides on a desktop, lowering one score with its reason, and the list
by rating shows the commune with its rating."""

from __future__ import annotations

import pytest

from hoiso.conftest import log_in
from hoiso.documents.tests import samples
from hoiso.ratings.models import Assessment, State
from hoiso.ratings.tests.factories import standard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commune_self_assesses_on_a_phone_and_the_province_decides(
    cast, live_server, chromium, tmp_path
):  # type: ignore[no-untyped-def]
    base = live_server.url
    scheme = standard(cast.province)
    first, second = scheme.criteria.filter(kind="manual")
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(samples.pdf())

    phone = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = phone.new_page()
    page.on("dialog", lambda d: d.accept())  # "send it up?" asks before sending
    log_in(page, base, "hoa")
    page.goto(f"{base}/u/{cast.commune_a.code}/ratings/?year=2025")
    page.click(f"a[href='/u/{cast.commune_a.code}/ratings/{scheme.pk}/']")
    assert "không nhập tay" in page.content()  # computed criteria are shown, not typed
    page.fill(f"#id_p{first.pk}", "28")
    page.fill(f"#id_e{first.pk}", "12 buổi sinh hoạt chủ đề chuyển đổi số")
    page.set_input_files(f"#id_f{first.pk}", str(evidence))
    page.fill(f"#id_p{second.pk}", "27")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("button[value=submit]")
    page.locator(".messages").wait_for()
    assert "Đã gửi, chờ cấp trên quyết định" in page.content()
    assert "bien-ban.pdf" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()

    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = desk.new_page()
    log_in(page, base, "lan")
    page.goto(f"{base}/u/{cast.commune_a.code}/ratings/{scheme.pk}/")
    page.click(f"a[href='/u/{cast.commune_a.code}/ratings/{scheme.pk}/decide/']")
    page.fill(f"input[name=p{first.pk}]", "25")
    page.fill(f"input[name=r{first.pk}]", "Thiếu biên bản 3 buổi")
    page.click("form.form button[type=submit] >> text=Quyết định")
    page.locator(".messages").wait_for()
    assessment = Assessment.objects.get()
    assert assessment.state == State.DECIDED and assessment.decided_total == 52
    page.goto(f"{base}/u/{cast.province.code}/ratings/?year=2025&rating=fair")
    row = page.locator("tr", has_text="Xã Ea Kar")
    assert "Hoàn thành nhiệm vụ" in row.inner_text()
    assert page.locator("tr", has_text="Xã Krông Pắc").count() == 0
    desk.close()
