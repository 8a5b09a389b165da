"""In a real browser at 360 px: a member (no account needed) confirms her phone with the code the
outbox holds, votes for an entry, and sees its count go up by one."""

import re
import time

import pytest
from playwright.sync_api import expect

from hoiso.conftest import make_member
from hoiso.contests import ballots, fastvote
from hoiso.contests.models import Entry
from hoiso.contests.tests.vote_factories import approved, make_voting_contest
from hoiso.notifications.channels.base import Outbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_in_outbox(sent: dict[str, str], phone: str) -> str:
    """The code as the outbox (standing for her phone) received it: the stored message is purged
    once delivered, so the text is read where it was sent."""
    for _ in range(100):
        if phone in sent:
            found = re.search(r"\b(\d{6})\b", sent[phone])
            assert found, sent[phone]
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError("no code in the outbox")


def test_a_member_votes_from_her_phone_and_the_count_goes_up(
    cast, live_server, phone_page, settings, monkeypatch
):  # type: ignore[no-untyped-def]
    sent: dict[str, str] = {}
    send = Outbox.send

    def received(self, message, text):  # type: ignore[no-untyped-def]
        sent[message.phone] = text
        return send(self, message, text)

    monkeypatch.setattr(Outbox, "send", received)
    settings.VOTE_POW_MAX = 2000  # a few hundred hashes: the test measures the flow, not the work
    ballots._rules.clear()
    make_member(cast.branch_a1, "Nguyễn Thị Bình", phone="0912345601")
    contest = make_voting_contest(cast.province)
    entry = approved(contest)[1]
    page = phone_page
    page.goto(f"{live_server.url}/cuoc-thi/{contest.slug}/")
    count = page.locator(f"#votes-{entry.pk} strong")
    expect(count).to_have_text("0")

    # The proof of work runs in a worker; the button comes alive when it is done.
    send = page.locator("form[data-vote-code] button")
    expect(send).to_be_enabled(timeout=20_000)
    page.fill("#vote-phone", "0912 345 601")
    send.click()
    expect(page.locator("[data-vote-status]")).to_contain_text("Mã đã được gửi tới 0912345601")
    page.fill("#vote-code", _code_in_outbox(sent, "0912345601"))
    page.click("form[data-vote-confirm] button")
    expect(page.locator("[data-step=ready]")).to_be_visible()

    page.click(f'[data-vote-entry="{entry.pk}"]')
    expect(count).to_have_text("1")
    expect(page.locator(".vote-note").nth(1)).to_contain_text("Cảm ơn bạn")
    # Again the same day: refused, in words, and the count stays.
    page.click(f'[data-vote-entry="{entry.pk}"]')
    expect(page.locator(".vote-note").nth(1)).to_contain_text("Vui lòng")
    expect(count).to_have_text("1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert Entry.objects.get(pk=entry.pk).votes == 1
    fastvote.collector.stop()
