"""No bare long number on the pages a cadre reads: 48.938 hội viên, never 48938 (issue 12).

The demo province (with a few thousand members, 1,300-odd branches and their groups) is rendered
page by page as its province cadre sees it, and the visible text is searched for a number of four
digits or more without its thousands dot, for a decimal written with a point (96.0784, 53.2%) and
for a comma grouping (48,938). What is not a quantity is left alone: years (19xx, 20xx), dates
(30/11/2026), phone numbers (0912…, +84…), ID and card numbers, unit codes (24373, 24373-01).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.test import Client, override_settings

from hoiso.accounts.models import User
from hoiso.demo.services import demo_load
from hoiso.ratings.models import Scheme
from hoiso.targets.models import Target
from hoiso.units.models import Level, Unit

HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A run of 4+ digits standing alone: not inside a grouped or decimal number, a time, a code
# (letters or a hyphen beside it), a web address's path, or a phone number written with "+".
# After a "/" it still counts (930/1312 units), unless a letter comes before (…/groups/1234).
BARE = re.compile(r"(?<![\w.,:+\-])(?<![^\W\d_]/)(\d{4,})(?![\w:\-]|[.,]\d)")
# A decimal point (96.0784, 53.2%) or an English thousands comma (48,938) in Vietnamese text.
POINT = re.compile(r"(?<![\w.,/:\-])\d+\.(?:\d{1,2}|\d{4,})(?![\w.,/:\-])")
COMMA = re.compile(r"(?<![\w.,/:\-])\d{1,3}(?:,\d{3})+(?![\w.,/:\-])")
GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?![\w.]|,\d)")
# Preceded by these words, digits are a code: "mã 24373".
CODE_WORDS = re.compile(r"(?:mã|code|số thẻ|CCCD)\s*$", re.IGNORECASE)


def is_quantity(text: str, match: re.Match[str]) -> bool:
    digits = match.group(1)
    if digits.startswith("0") or len(digits) >= 9:  # phones, citizen IDs
        return False
    if len(digits) == 4 and 1900 <= int(digits) <= 2100:  # a year
        return False
    return not CODE_WORDS.search(text[: match.start()])


def badly_written_numbers(text: str) -> list[str]:
    """Each number of `text` that is not written as the union writes it."""
    bare = [m.group(1) for m in BARE.finditer(text) if is_quantity(text, m)]
    return bare + POINT.findall(text) + COMMA.findall(text)


class VisibleText(HTMLParser):
    """The text a reader sees (chart labels included), without scripts, styles or attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def test_the_check_finds_bare_counts_and_leaves_years_dates_phones_and_codes():
    text = (
        "1300 chi hội · 48938 hội viên · 96.0784 · 53.2% · 48,938 · "
        "48.938 hội viên · 53,2% · 1.234,5 · năm 2026 · 30/11/2026 · 14:05 · 0912000001 · "
        "+84912000001 · 066185000123 · DL0000123 · 24373-01 · mã 24373 · 999 · 50/100% · "
        "Quý IV/2026 · 11/2026 · zalo.me/g/1234 · 930/1312 đơn vị"
    )
    assert badly_written_numbers(text) == ["1300", "48938", "1312", "96.0784", "53.2", "48,938"]


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with (
        override_settings(PASSWORD_HASHERS=HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield demo_load(members=3000)
        transaction.set_rollback(True)


def pages(province: Unit) -> list[tuple[str, str]]:
    """(who, url): the province cadre's pages, and the commune cadre's, who sees her own unit's
    values month by month on a chart whose axis follows them (not a round 100)."""
    code = province.code
    commune = Unit.objects.filter(parent=province, name="Xã Ea Kar").get().code
    targets = Target.objects.filter(unit=province).order_by("-year", "pk")
    # Over a thousand branches: "930/1.312 đơn vị đạt".
    branch_target = targets.filter(level=Level.BRANCH).first()
    percent_target = targets.filter(metric="members.digital_share").first()
    assert branch_target is not None and percent_target is not None
    rating = Scheme.objects.get(unit=province, year=2025).pk
    krong_pac = Unit.objects.filter(parent=province, name="Xã Krông Pắc").get().code
    lan = [
        f"/u/{code}/ratings/?year=2025",
        f"/u/{code}/ratings/schemes/{rating}/",
        f"/u/{krong_pac}/ratings/{rating}/decide/",
        f"/u/{code}/",
        f"/u/{code}/members/",
        f"/u/{code}/targets/",
        f"/u/{code}/targets/{branch_target.pk}/",
        f"/u/{code}/targets/{percent_target.pk}/",
        f"/u/{code}/channels/",
        f"/u/{code}/posts/",
        f"/u/{code}/activities/",
        f"/u/{code}/branch-life/",
        f"/u/{code}/training/",
        f"/u/{code}/training/cadres/",
        f"/u/{code}/digital/",
    ]
    hoa = [
        f"/u/{commune}/",
        f"/u/{commune}/members/",
        f"/u/{commune}/targets/",
        f"/u/{commune}/targets/{percent_target.pk}/",
        f"/u/{commune}/branch-life/",
        f"/u/{commune}/digital/",
        f"/u/{commune}/ratings/{rating}/",
        f"/u/{commune}/ratings/history/",
    ]
    return [("lan.tinh", url) for url in lan] + [("hoa.xa", url) for url in hoa]


def test_no_page_shows_a_bare_long_number(province, db):  # type: ignore[no-untyped-def]
    found, grouped = {}, set()
    for username, url in pages(province):
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        if bad := badly_written_numbers(text):
            found[url] = bad[:5]
        grouped.update(GROUPED.findall(text))
    assert found == {}
    # The pages did show large numbers, grouped: the check above had something to catch.
    assert len(grouped) >= 5, grouped
