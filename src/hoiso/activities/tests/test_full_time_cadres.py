"""The article's "cán bộ chuyên trách cơ sở" are the full-time cadres of the communes: the training
metrics count the assignments marked full-time, not branch heads, who are volunteers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.activities import metrics
from hoiso.activities.services import course_create, trainee_add, trainee_assess
from hoiso.conftest import Cast
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY

pytestmark = pytest.mark.django_db
Y2026 = Period.containing("year", dt.date(2026, 1, 1))


def _assess(cast: Cast, results: dict[User, int]) -> None:
    data = {"title": "Phần mềm hội viên", "topic": "member_software",
            "starts_on": dt.date(2026, 3, 1), "ends_on": dt.date(2026, 3, 1)}  # fmt: skip
    course = course_create(actor=None, organiser=cast.province, data=data)
    for user, result in results.items():
        t = trainee_add(actor=None, course=course, user=user)
        trainee_assess(actor=None, trainee=t, attended=True, completed=True, result=result)


@pytest.fixture
def full_time(cast: Cast) -> Cast:
    """Hoa and Thu are their communes' full-time cadres; Mai heads branch A1 as a volunteer."""
    Assignment.objects.filter(role=Role.CADRE, user__in=[cast.hoa, cast.thu]).update(full_time=True)
    Assignment.objects.update(created_at=dt.datetime(2025, 8, 1, tzinfo=dt.UTC))
    return cast


def test_a_branch_head_who_is_not_proficient_does_not_pull_her_commune_down(
    full_time: Cast,
) -> None:
    cast = full_time
    _assess(cast, {cast.hoa: 3, cast.mai: 1, cast.thu: 1})  # Hoa proficient; Mai and Thu not
    proficient = metrics.cadres_proficient(cast.province, "commune", Y2026)
    assert proficient == {cast.commune_a.pk: 100.0, cast.commune_b.pk: 0.0}
    trained = metrics.cadres_trained(cast.province, "commune", Y2026)
    assert trained == {cast.commune_a.pk: 100.0, cast.commune_b.pk: 100.0}
    # No full-time cadre serves at a branch: nothing to count there.
    assert metrics.cadres_proficient(cast.province, "branch", Y2026)[cast.branch_a1.pk] is None
    assert REGISTRY["training.cadres_proficient"].compute(cast.province, 1, Y2026) == {
        cast.province.pk: 50.0
    }


def test_a_cadre_not_marked_full_time_is_not_counted(full_time: Cast) -> None:
    cast = full_time
    Assignment.objects.filter(user=cast.thu).update(full_time=False)
    _assess(cast, {cast.hoa: 3})
    proficient = metrics.cadres_proficient(cast.province, "commune", Y2026)
    assert proficient == {cast.commune_a.pk: 100.0, cast.commune_b.pk: None}


def test_the_province_marks_a_role_full_time_when_giving_it(cast: Cast) -> None:
    nga = User.objects.create(username="nga", full_name="Võ Thị Nga", phone="0912000077")
    url = reverse("people:assign", args=[cast.commune_b.code])
    r = cast.client(cast.lan).post(url, {"who": "nga", "role": Role.CADRE, "full_time": "on"})
    assert r.status_code == 302
    assert Assignment.objects.get(user=nga).full_time
    r = cast.client(cast.lan).post(
        reverse("people:new", args=[cast.commune_b.code]),
        {"full_name": "Đinh Thị Hạnh", "username": "hanh", "phone": "", "role": Role.CADRE,
         "password": "Mat-khau-2026-moi"},
    )  # fmt: skip
    assert r.status_code == 302
    assert not Assignment.objects.get(user__username="hanh").full_time
    people = cast.client(cast.lan).get(reverse("people:list", args=[cast.commune_b.code]))
    assert "chuyên trách" in people.content.decode()
