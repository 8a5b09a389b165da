"""In a real browser: a commune cadre, on a 360 px phone, opens her calendar, confirms she will
attend the province's online meeting, joins it through Hội Số's link and is marked attended."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hoiso.conftest import log_in
from hoiso.documents.models import Attendance, Invitation, Response
from hoiso.documents.tests.factories import call_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commune_cadre_confirms_and_joins_from_her_phone(cast, live_server, phone_page):
    base, page = live_server.url, phone_page
    # The "video service" is a page of the test server itself: nothing leaves the machine.
    meeting = call_meeting(
        cast.province,
        units=[cast.commune_a, cast.commune_b],
        starts_at=timezone.now() + dt.timedelta(minutes=10),
        video_url=f"{base}/healthz",
        title="Giao ban trực tuyến tháng 12",
    )
    log_in(page, base, "hoa")
    page.click("details.account summary")
    page.click("a[href='/calendar/']")
    card = page.locator(f"#m{meeting.pk}")
    expect(card).to_contain_text("Giao ban trực tuyến tháng 12")
    expect(card).to_contain_text("Chưa trả lời")
    card.locator("button[value=accepted]").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi trả lời")
    expect(page.locator(f"#m{meeting.pk}")).to_contain_text("Tham dự")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    invitation = Invitation.objects.get(meeting=meeting, unit=cast.commune_a)
    assert invitation.response == Response.ACCEPTED and invitation.answered_by == cast.hoa

    page.locator(f"#m{meeting.pk} a.button", has_text="Vào họp").click()
    page.wait_for_url(f"{base}/healthz")
    came = Attendance.objects.get(meeting=meeting)
    assert (came.user, came.unit, came.how) == (cast.hoa, cast.commune_a, Attendance.How.LINK)
    page.goto(f"{base}/calendar/")
    expect(page.locator(f"#m{meeting.pk}")).to_contain_text("Có tham dự")
