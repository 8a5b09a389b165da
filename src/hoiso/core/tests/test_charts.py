"""The server-drawn charts write their numbers as the pages do: a round axis, 53,2%, 1.234."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from hoiso.core.charts import bar_chart, round_top


@pytest.fixture(autouse=True)
def _vietnamese():  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        yield


def axis(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end">([^<]*)</text>', svg)


def titles(svg: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title></rect>", svg)


@pytest.mark.parametrize(
    ("top", "rounded"),
    [(96.0784, 100), (67.7, 80), (100, 100), (1234, 1500), (0.3, 0.3), (7, 8), (0, 1)],
)
def test_the_axis_ends_on_a_round_figure(top, rounded):
    assert round_top(top) == pytest.approx(rounded)


def test_a_unit_s_own_values_get_a_round_axis_and_comma_decimals():
    svg = bar_chart([("01", 96.0784, True), ("02", 53.25, False)], line=50, top=96.0784, suffix="")
    assert axis(svg) == ["100", "0"]
    assert titles(svg) == ["01: 96,1", "02: 53,3"]
    assert "96.0784" not in svg


def test_a_share_keeps_its_sign_and_never_reads_100_below_it():
    svg = bar_chart([("01", 99.95, False), ("02", 40.0, True)], line=100)
    assert axis(svg) == ["100%", "0"]
    assert titles(svg) == ["01: 99,9%", "02: 40%"]


def test_large_counts_are_grouped():
    svg = bar_chart([("01", 1234, True)], top=1, suffix="")
    assert axis(svg) == ["1.500", "0"]
    assert titles(svg) == ["01: 1.234"]


def test_english_writes_its_own_separators():
    with translation.override("en"):
        svg = bar_chart([("01", 1234.5, True)], top=1, suffix="")
    assert axis(svg) == ["1,500", "0"]
    assert titles(svg) == ["01: 1,234.5"]
