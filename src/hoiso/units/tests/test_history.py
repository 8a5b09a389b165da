"""The tree through time: spans, moving, renaming and closing units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hoiso.units import history
from hoiso.units.models import REFORM_DAY, Unit, UnitSpan


def test_every_new_unit_has_one_open_span_equal_to_its_place(cast):
    for unit in Unit.objects.all():
        (span,) = UnitSpan.objects.filter(unit=unit)
        assert (span.parent_id, span.path, span.name) == (unit.parent_id, unit.path, unit.name)
        assert (span.valid_from, span.valid_to) == (unit.valid_from, unit.valid_to)


def test_reparent_moves_the_subtree_and_keeps_where_it_was(cast):
    on = dt.date(2026, 3, 1)
    old_path = cast.branch_a1.path
    assert history.reparent(cast.branch_a1, cast.commune_b, on) == 2  # the branch and its group
    cast.group_a1.refresh_from_db()
    assert cast.branch_a1.path.startswith(cast.commune_b.path)
    assert cast.group_a1.path.startswith(cast.branch_a1.path)
    assert history.path_on(cast.branch_a1, dt.date(2026, 2, 28)) == old_path
    assert history.path_on(cast.branch_a1, on) == cast.branch_a1.path
    assert history.span_on(cast.branch_a1, on).parent_id == cast.commune_b.pk
    assert history.path_on(cast.group_a1, dt.date(2026, 2, 28)).startswith(old_path)
    then = {s.unit_id for s in history.units_on(dt.date(2026, 2, 28), within=cast.commune_a)}
    assert cast.branch_a1.pk in then and cast.group_a1.pk in then
    now = {s.unit_id for s in history.units_on(on, within=cast.commune_a)}
    assert cast.branch_a1.pk not in now
    assert history.path_on(cast.branch_a1, REFORM_DAY - dt.timedelta(days=1)) is None


def test_a_move_on_the_day_a_span_began_changes_it_in_place(cast):
    history.reparent(cast.branch_a1, cast.commune_b, REFORM_DAY)
    assert UnitSpan.objects.filter(unit=cast.branch_a1).count() == 1


def test_reparent_refuses_a_move_under_itself(cast):
    with pytest.raises(ValidationError):
        history.reparent(cast.commune_a, cast.branch_a1, dt.date(2026, 3, 1))


def test_rename_keeps_the_old_name_before_the_day(cast):
    history.rename(cast.branch_a1, "Chi hội Thôn Một", dt.date(2026, 3, 1))
    assert history.span_on(cast.branch_a1, dt.date(2026, 2, 1)).name == "Chi hội Thôn 1"
    assert history.span_on(cast.branch_a1, dt.date(2026, 3, 1)).name == "Chi hội Thôn Một"
    assert Unit.objects.get(pk=cast.branch_a1.pk).name == "Chi hội Thôn Một"


def test_close_ends_the_spans_of_the_subtree_and_links_the_successor(cast):
    on = dt.date(2026, 3, 1)
    history.close(cast.branch_a1, on, successor=cast.branch_a2)
    assert history.span_on(cast.branch_a1, on) is None
    assert history.span_on(cast.group_a1, dt.date(2026, 2, 28)) is not None
    assert history.span_on(cast.group_a1, on) is None
    assert list(cast.branch_a2.predecessors.all()) == [cast.branch_a1]
