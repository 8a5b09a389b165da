"""On a phone-sized window: a branch head records a meeting and who came, and sees her branch's
attendance rate and model-branch status change."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from hoiso.activities import metrics
from hoiso.activities.metrics import Span
from hoiso.activities.services import dues_record
from hoiso.conftest import log_in, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_branch_head_records_a_meeting_and_its_attendance(cast, live_server, phone_page):
    branch = cast.branch_a1
    names = ["Y Bơ Niê", "H'Lan Mlô", "Nguyễn Thị Xuân", "Trần Thị Thu"]
    members = [make_member(branch, n, card_number=f"DL{i}") for i, n in enumerate(names)]
    today = timezone.localdate()
    year = Span(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1))
    for quarter in metrics.quarters_due(year):
        dues_record(actor=None, branch=branch, quarter=quarter, paid_ids={m.pk for m in members})
    base, page = live_server.url, phone_page
    log_in(page, base, "mai")

    page.goto(f"{base}/u/{branch.code}/branch-life/")
    assert page.locator(".status").inner_text() == "Chưa đạt chi hội kiểu mẫu"
    assert page.locator("[data-rate=attendance]").inner_text() == "—"

    started = time.monotonic()
    page.click("text=+ Ghi buổi sinh hoạt")
    # The kind (branch meeting) and the date (today) are filled in: she only saves.
    assert page.locator("input[name=kind][value=meeting]").is_checked()
    assert page.locator("input[name=on]").input_value() == today.isoformat()
    page.click("button.big")
    page.wait_for_url("**/attendance/")
    assert page.locator("h1").inner_text() == "Ai đã đến dự?"
    page.click("text=Tất cả đều đến")
    page.locator("label", has_text="Trần Thị Thu").click()  # she did not come
    box = page.locator("button.big").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300
    page.click("button.big")
    page.wait_for_url(f"**/u/{branch.code}/branch-life/")
    assert time.monotonic() - started < 60

    assert page.locator("[data-rate=attendance]").inner_text() == "75%"
    assert page.locator(".status").inner_text() == "Chưa đạt chi hội kiểu mẫu"  # 75% < 85%

    # She corrects it: Trần Thị Thu was there after all.
    page.goto(f"{base}/u/{branch.code}/activities/")
    page.locator("#rows a").first.click()
    page.click("text=Dự sinh hoạt")
    page.locator("label", has_text="Trần Thị Thu").click()
    page.click("button.big")
    page.wait_for_url(f"**/u/{branch.code}/branch-life/")
    assert page.locator("[data-rate=attendance]").inner_text() == "100%"
    assert page.locator(".status").inner_text() == "Chi hội kiểu mẫu"
