"""`access_target`: a target concerns the unit when set at it, above it or inside it, and applies
to units at its level or below; anything else answers 404 like a target that does not exist."""

from __future__ import annotations

import pytest
from django.http import Http404

from hoiso.accounts.access import Scope
from hoiso.accounts.models import Assignment, User
from hoiso.targets.selectors import access_target
from hoiso.targets.tests.factories import make_target
from hoiso.units.models import Level, Unit


def _scope(user: User, unit: Unit) -> Scope:
    covering = [
        a for a in Assignment.objects.filter(user=user) if unit.path.startswith(a.unit.path)
    ]
    return Scope(user=user, unit=unit, assignments=covering)


def test_a_provinces_target_for_communes_is_seen_at_the_province_and_at_a_commune(cast):
    target = make_target(cast.province)  # applies to communes
    assert access_target(_scope(cast.lan, cast.province), target.pk) == target
    assert access_target(_scope(cast.hoa, cast.commune_a), target.pk) == target


def test_it_is_not_seen_at_a_branch_below_the_level_it_applies_to(cast):
    target = make_target(cast.province)
    with pytest.raises(Http404):
        access_target(_scope(cast.mai, cast.branch_a1), target.pk)


def test_a_communes_target_is_seen_above_it_and_not_at_the_neighbour(cast):
    theirs = make_target(cast.commune_b)  # applies to commune B's branches
    assert access_target(_scope(cast.lan, cast.province), theirs.pk) == theirs
    assert access_target(_scope(cast.thu, cast.commune_b), theirs.pk) == theirs
    with pytest.raises(Http404):
        access_target(_scope(cast.hoa, cast.commune_a), theirs.pk)


def test_a_branch_level_target_of_the_province_reaches_the_branch(cast):
    target = make_target(cast.province, level=Level.BRANCH)
    assert access_target(_scope(cast.mai, cast.branch_a1), target.pk) == target


def test_one_that_does_not_exist_answers_alike(cast):
    with pytest.raises(Http404):
        access_target(_scope(cast.lan, cast.province), 999_999)
