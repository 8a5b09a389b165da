"""Courses, trainees and cadres by id: outside what the scope may see is a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from hoiso.accounts.access import Scope
from hoiso.accounts.models import Assignment, User
from hoiso.activities.selectors import access_cadre, access_course, access_trainee
from hoiso.activities.services import course_create, trainee_add, trainee_assess
from hoiso.units.models import Unit


def _scope(user: User, unit: Unit) -> Scope:
    covering = [
        a for a in Assignment.objects.filter(user=user) if unit.path.startswith(a.unit.path)
    ]
    return Scope(user=user, unit=unit, assignments=covering)


@pytest.fixture
def course(cast):
    day = dt.date(2026, 3, 10)
    data = {"title": "Phần mềm hội viên", "topic": "member_software", "starts_on": day,
            "ends_on": day}  # fmt: skip
    return course_create(actor=None, organiser=cast.province, data=data)


def test_a_commune_sees_the_provinces_course_and_only_its_own_trainees(cast, course):
    hoa = trainee_add(actor=None, course=course, user=cast.hoa)
    thu = trainee_add(actor=None, course=course, user=cast.thu)
    scope = _scope(cast.hoa, cast.commune_a)
    assert access_course(scope, course.pk) == course
    assert access_trainee(scope, course, hoa.pk) == hoa
    with pytest.raises(Http404):
        access_trainee(scope, course, thu.pk)
    # The province organised it: every trainee is hers to see.
    assert access_trainee(_scope(cast.lan, cast.province), course, thu.pk) == thu
    # Only the organiser may change it.
    with pytest.raises(Http404):
        access_course(scope, course.pk, organised=True)


def test_a_certificate_needs_a_completed_course(cast, course):
    hoa = trainee_add(actor=None, course=course, user=cast.hoa)
    scope = _scope(cast.lan, cast.province)
    with pytest.raises(Http404):
        access_trainee(scope, course, hoa.pk, completed=True)
    trainee_assess(actor=None, trainee=hoa, attended=True, completed=True, result=3)
    assert access_trainee(scope, course, hoa.pk, completed=True) == hoa


def test_a_commune_with_no_trainee_does_not_see_the_course(cast, course):
    trainee_add(actor=None, course=course, user=cast.hoa)
    with pytest.raises(Http404):
        access_course(_scope(cast.thu, cast.commune_b), course.pk)


def test_a_cadre_is_reached_at_the_unit_she_serves_only(cast):
    scope = _scope(cast.hoa, cast.commune_a)
    assert access_cadre(scope, cast.hoa.pk) == cast.hoa
    for elsewhere in (cast.mai, cast.lan, cast.thu):  # below, above, beside
        with pytest.raises(Http404):
            access_cadre(scope, elsewhere.pk)
