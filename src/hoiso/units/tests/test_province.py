"""`Unit.province()`: the one way to ask which province a unit lies in."""

from __future__ import annotations

from hoiso.conftest import Cast
from hoiso.units.services import central_unit


def test_it_is_the_province_above_a_unit_and_the_province_itself(cast: Cast) -> None:
    for unit in (cast.province, cast.commune_a, cast.branch_a1, cast.commune_b):
        assert unit.province() == cast.province


def test_the_central_union_lies_in_no_province(cast: Cast) -> None:
    assert central_unit().province() is None
