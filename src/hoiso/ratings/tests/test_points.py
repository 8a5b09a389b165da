"""From figures to points, and from points to a rating: the edges."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from hoiso.metrics.registry import HIGHER, LOWER
from hoiso.ratings import points
from hoiso.ratings.models import Criterion, Mapping, Rating, Scheme

STEPS = [(D(80), D(10)), (D(50), D(6)), (D(20), D(2))]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(100), D(10)),
        (D(80), D(10)),
        (D("79.99"), D(6)),
        (D(50), D(6)),
        (D(20), D(2)),
        (D("19.99"), D(0)),
        (D(0), D(0)),
    ],
)
def test_it_gives_the_points_of_the_best_step_reached(value: D, expected: D) -> None:
    assert points.step_points(STEPS, value, HIGHER) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(0), D(10)),
        (D(1), D(10)),
        (D(2), D(5)),
        (D(3), D(5)),
        (D("3.01"), D(0)),
    ],
)
def test_where_lower_is_better_it_gives_the_points_of_the_smallest_step_kept_under(
    value: D, expected: D
) -> None:
    steps = [(D(1), D(10)), (D(3), D(5))]
    assert points.step_points(steps, value, LOWER) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(0), D(0)),
        (D(5), D(10)),
        (D(10), D(20)),
        (D(25), D(20)),
        (D(1), D(2)),
        (D(3), D(6)),
        (D("3.3333"), D("6.67")),
        (D("-1"), D(0)),
    ],
)
def test_it_gives_points_in_proportion_to_the_target_capped_at_full(value: D, expected: D) -> None:
    assert points.proportional_points(D(20), D(10), value) == expected


def test_rounding_is_half_up_to_two_decimals() -> None:
    assert points.proportional_points(D(1), D(8), D(1)) == D("0.13")  # 0,125 → 0,13
    assert points.rounded(D("2.345")) == D("2.35")


def test_no_figure_earns_nothing_and_points_never_pass_the_maximum() -> None:
    c = Criterion(max_points=D(5), mapping=Mapping.STEPS, steps=[["1", "5"]])
    assert points.computed_points(c, None, HIGHER) == 0
    assert points.computed_points(c, 3.0, HIGHER) == D(5)
    c = Criterion(max_points=D(5), mapping=Mapping.PROPORTIONAL, target=D(4))
    assert points.computed_points(c, 8.0, HIGHER) == D(5)
    assert points.computed_points(c, 1.0, HIGHER) == D("1.25")


def test_steps_are_read_as_typed_and_a_bad_line_is_named() -> None:
    assert points.steps_from_text("80 = 10\n\n 50,5 = 6,5 ", D(10)) == [
        ["80.00", "10.00"],
        ["50.50", "6.50"],
    ]
    with pytest.raises(ValidationError, match="Dòng 2"):
        points.steps_from_text("80 = 10\n50 - 6", D(10))
    with pytest.raises(ValidationError, match="Dòng 1"):
        points.steps_from_text("80 = 12", D(10))
    with pytest.raises(ValidationError):
        points.steps_from_text("  \n", D(10))


def _scheme(**floors: D | None) -> Scheme:
    return Scheme(excellent_from=D(90), good_from=D(70), fair_from=D(50), **floors)


MAXIMA = {1: D(60), 2: D(40)}


@pytest.mark.parametrize(
    ("p1", "p2", "rating"),
    [
        (D(60), D(40), Rating.EXCELLENT),
        (D(50), D(40), Rating.EXCELLENT),
        (D("49.99"), D(40), Rating.GOOD),
        (D(30), D(40), Rating.GOOD),
        (D("29.99"), D(40), Rating.FAIR),
        (D(10), D(40), Rating.FAIR),
        (D(10), D("39.99"), Rating.WEAK),
        (D(0), D(0), Rating.WEAK),
    ],
)
def test_each_rating_starts_exactly_at_its_points(p1: D, p2: D, rating: str) -> None:
    assert points.rate(_scheme(), {1: p1, 2: p2}, MAXIMA).rating == rating


def test_a_condition_holds_a_unit_back_to_the_next_rating_it_meets() -> None:
    scheme = _scheme(excellent_floor=D(50), good_floor=D(25))
    # 90 points, both criteria at half or more: excellent.
    assert points.rate(scheme, {1: D(56), 2: D(34)}, MAXIMA).rating == Rating.EXCELLENT
    scheme.excellent_from = D(70)
    # Exactly half of criterion 2 (20 of 40) meets "no criterion below half".
    assert points.rate(scheme, {1: D(60), 2: D(20)}, MAXIMA).rating == Rating.EXCELLENT
    outcome = points.rate(scheme, {1: D(60), 2: D("19.99")}, MAXIMA)
    assert outcome.rating == Rating.GOOD and outcome.held_back == (Rating.EXCELLENT,)
    # 9 of 40 is below 25%: neither excellent nor well fulfilled; "fulfilled" has no condition.
    scheme.excellent_from = scheme.good_from = D(60)
    outcome = points.rate(scheme, {1: D(60), 2: D(9)}, MAXIMA)
    assert outcome.total == D(69) and outcome.rating == Rating.FAIR
    assert outcome.held_back == (Rating.EXCELLENT, Rating.GOOD)


def test_a_criterion_left_blank_counts_nothing() -> None:
    outcome = points.rate(_scheme(), {1: D(60), 2: None}, MAXIMA)
    assert outcome.total == D(60) and outcome.rating == Rating.FAIR


def test_the_ratings_read_as_the_glossary_names_them() -> None:
    from django.utils import translation

    from hoiso.core.tests.test_glossary import glossary

    levels = next(t["rating_levels"] for t in glossary()["term"] if "rating_levels" in t)
    with translation.override("vi"):
        assert [str(r.label) for r in points.RATING_ORDER] == levels
