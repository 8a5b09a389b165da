"""Numbers as Vietnamese write them (48.938, 53,2%), and as English does under the language button."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from hoiso.core import formats


@pytest.fixture(autouse=True)
def _vietnamese():  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, "1.000"),
        (48938, "48.938"),
        (1234567, "1.234.567"),
        (-1234, "-1.234"),
        (1234.6, "1.235"),
        (Decimal("1000"), "1.000"),
        (None, "—"),
    ],
)
def test_it_groups_a_count_with_dots(n, text):
    assert formats.number(n) == text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (53.2, "53,2"),
        (35.29411764705883, "35,3"),
        (96.0784, "96,1"),
        (50.0, "50"),
        (0, "0"),
        (0.05, "0,1"),  # half up on the digits as written, not on the float's binary value
        (0.04, "0"),
        (-0.04, "0"),  # never "-0"
        (-2.25, "-2,3"),
        (1234.5, "1.234,5"),
        (Decimal("2.00"), "2"),
        (Decimal("12345.678"), "12.345,7"),
        (None, "—"),
        (float("nan"), "—"),
    ],
)
def test_it_writes_a_decimal_with_a_comma_and_one_digit(x, text):
    assert formats.decimal(x) == text


def test_it_writes_more_digits_when_asked():
    assert formats.decimal(3.14159, digits=2) == "3,14"
    assert formats.decimal(1234567.891, digits=0) == "1.234.568"
    assert formats.decimal(Decimal("12.50"), digits=2) == "12,5"
    assert formats.decimal(Decimal("-0.001"), digits=2) == "0"


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (53.2, "53,2%"),
        (100, "100%"),
        (100.0, "100%"),
        (0, "0%"),
        (40, "40%"),
        (99.94, "99,9%"),
        (99.95, "99,9%"),  # rounds to 100, but the unit has not reached 100%
        (99.99, "99,9%"),
        (100.04, "100%"),
        (120.25, "120,3%"),
        (Decimal("85.00"), "85%"),
        (None, "—"),
    ],
)
def test_it_writes_a_percentage_with_its_sign(x, text):
    assert formats.percent(x) == text


def test_it_writes_how_far_along_a_unit_is():
    assert formats.ratio(50, 100, is_percent=True) == "50/100%"
    assert formats.ratio(3, 5) == "3/5"
    assert formats.ratio(1200, 2500) == "1.200/2.500"
    assert formats.ratio(None, 5) == "—/5"


def test_it_writes_english_separators_in_english():
    with translation.override("en"):
        assert formats.number(48938) == "48,938"
        assert formats.decimal(1234.5) == "1,234.5"
        assert formats.percent(53.25) == "53.3%"


def test_it_gives_a_workbook_percentage_as_a_fraction():
    assert formats.sheet_percent(35.29411764705883) == pytest.approx(0.3529411764705883)
    assert formats.sheet_percent(Decimal("40")) == pytest.approx(0.4)
    assert formats.sheet_percent(None) is None


def render(source: str, **context) -> str:  # type: ignore[no-untyped-def]
    return Template(source).render(Context(context))


def test_the_filter_needs_no_load_and_formats_each_kind():
    assert render("{{ n|num }}", n=48938) == "48.938"
    assert render("{{ x|num }}", x=53.24) == "53,2"
    assert render('{{ x|num:"%" }}', x=53.25) == "53,3%"
    assert render('{{ x|num:"%" }}', x=None) == "—"
    assert render("{{ x|num }}", x="chưa có") == "chưa có"
    assert render("{{ x|num:2 }}", x=Decimal("2.25")) == "2,25"
    assert render("{{ x|num:2 }}", x=Decimal("20.00")) == "20"
    assert render('{{ x|num:"%2" }}', x=Decimal("12.25")) == "12,25%"


def test_the_filter_leaves_a_plural_sentence_its_count():
    source = (
        "{% blocktranslate count c=total with n=total|num %}{{ n }} member{% plural %}{{ n }} members"
        "{% endblocktranslate %}"
    )
    with translation.override("en"):
        assert render(source, total=1) == "1 member"
        assert render(source, total=48938) == "48,938 members"
    assert render(source, total=48938) == "48.938 hội viên"
