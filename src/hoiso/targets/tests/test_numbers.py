"""Targets write their numbers as the union does: "mới 33,3/66,67%" in reminders and on the home
page, and the workbook holds real percentages (0.333 shown 33,3%) that sort and sum."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from hoiso.conftest import make_member
from hoiso.targets.models import Notice
from hoiso.targets.services import reminders_send
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import Level

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def target(cast):
    """A third of commune A's members use Zalo; the province wants two thirds (66.67%)."""
    for i, zalo in enumerate([True, False, False]):
        make_member(cast.branch_a1, f"Nguyễn Thị Số {i}", uses_zalo=zalo)
    return make_target(
        cast.province,
        year=TODAY.year,
        title="Hai phần ba hội viên dùng công nghệ số",
        metric="members.digital_share",
        level=Level.COMMUNE,
        period_kind="year",
        threshold=Decimal("66.67"),
        required_share=Decimal("12.5"),
        remind_days=400,
    )


def test_the_reminder_writes_the_share_with_comma_and_sign(cast, target, settings):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cast.hoa.email = "hoa@example.org"
    cast.hoa.save()
    reminders_send(today=TODAY)
    text = Notice.objects.get(user=cast.hoa).text
    assert "mới 33,3/66,67%; cần thêm 33,4%" in text, text
    assert "mới 33,3/66,67%" in mail.outbox[0].body


def test_the_home_page_says_how_far_along_with_the_sign(cast, target):
    home = cast.client(cast.hoa).get(reverse("units:home", args=[cast.commune_a.code]))
    assert "Mới đạt 33,3/66,67%: cần thêm 33,4%" in home.content.decode()


def test_the_dashboard_writes_levels_and_shares_as_the_union_does(cast, target):
    page = cast.client(cast.lan).get(reverse("targets:dashboard", args=[cast.province.code]))
    html = page.content.decode()
    assert "≥ 66,67%" in html
    assert "yêu cầu 12,5%" in html


def test_the_workbook_holds_percentages_as_numbers_shown_with_one_decimal(cast, target):
    response = cast.client(cast.lan).get(reverse("targets:export", args=[cast.province.code]))
    book = load_workbook(io.BytesIO(response.content))
    summary = book.worksheets[0]
    threshold, share, required = summary["E4"], summary["H4"], summary["I4"]
    assert threshold.value == pytest.approx(0.6667) and threshold.number_format == "0.0%"
    assert required.value == pytest.approx(0.125) and required.number_format == "0.0%"
    assert share.value == 0 and share.number_format == "0.0%"  # no commune meets it
    assert summary["G4"].value == 2 and summary["G4"].number_format == "#,##0"
    units = {row[0].value: row for row in book.worksheets[1].iter_rows(min_row=4)}
    value = units["Xã Ea Kar"][1]
    assert value.value == pytest.approx(0.333) and value.number_format == "0.0%"
    assert units["Xã Ea Kar"][3].value == pytest.approx(0.3337)
