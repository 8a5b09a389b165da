"""Each metric against data counted by hand, with the period's edges and units opened or closed
during it. The period is the first quarter of 2026: 01/01/2026 up to (not including) 01/04/2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db.models import Q

from hoiso.accounts.models import Assignment
from hoiso.accounts.roles import Role
from hoiso.activities import metrics
from hoiso.activities.models import Activity, DuesPayment, ModelBranchRule
from hoiso.activities.services import (
    attendance_record,
    course_create,
    equipment_save,
    trainee_add,
    trainee_assess,
)
from hoiso.conftest import Cast, make_member, make_unit, make_user
from hoiso.members.services import member_remove
from hoiso.targets import compliance
from hoiso.targets.metrics import REGISTRY
from hoiso.targets.metrics import Period as RegistryPeriod
from hoiso.units.models import Level, Unit


@dataclass(frozen=True)
class Period:
    """A stand-in for the registry's Period: only .start and .end are used."""

    kind: str
    start: dt.date
    end: dt.date


Q1 = Period("quarter", dt.date(2026, 1, 1), dt.date(2026, 4, 1))
D = dt.date


@dataclass
class World:
    cast: Cast
    a3: Unit  # opened during the period
    a5: Unit  # closed on its first day
    members: dict[str, int]


def _unit(parent: Unit, code: str, valid_from: dt.date, valid_to: dt.date | None = None) -> Unit:
    unit = make_unit(parent, Level.BRANCH, code, f"Chi hội {code}")
    Unit.objects.filter(pk=unit.pk).update(valid_from=valid_from, valid_to=valid_to)
    unit.refresh_from_db()
    return unit


def _activity(unit: Unit, on: dt.date, kind: str) -> Activity:
    # Written directly: the service refuses dates in the future, and these are fixed dates.
    return Activity.objects.create(unit=unit, unit_path=unit.path, on=on, kind=kind, title=kind)


@pytest.fixture
def world(cast: Cast) -> World:
    a, b = cast.commune_a, cast.commune_b
    a3 = _unit(a, "a3", D(2026, 2, 1))
    _unit(a, "a4", D(2025, 7, 1), D(2025, 12, 31))  # closed before the period
    a5 = _unit(a, "a5", D(2025, 7, 1), D(2026, 1, 1))  # closed on the period's first day
    _unit(a, "a6", D(2026, 4, 1))  # opened the day after
    a1 = cast.branch_a1
    m = {
        name: make_member(a1, f"Nguyễn Thị {name}", card_number=card).pk
        for name, card in [("An", "C1"), ("Bích", "C2"), ("Cúc", ""), ("Dung", "")]
    }
    m["Em"] = make_member(a1, "Nguyễn Thị Em", join_date=D(2026, 5, 1), card_number="C5").pk
    gone = make_member(a1, "Nguyễn Thị Gấm", card_number="C6")
    member_remove(actor=None, member=gone, reason="moved_away", on=D(2026, 2, 1))
    m["Hoa"] = make_member(cast.branch_a2, "Lê Thị Hoa", card_number="C7").pk

    meetings = [(D(2025, 12, 31), {"An", "Bích", "Cúc", "Dung"}),  # before
                (D(2026, 1, 10), {"An", "Bích", "Cúc"}),
                (D(2026, 3, 31), {"An"}),  # the last day
                (D(2026, 4, 1), {"An", "Bích", "Cúc", "Dung"})]  # after  # fmt: skip
    for on, present in meetings:
        meeting = _activity(a1, on, "meeting")
        attendance_record(actor=None, activity=meeting, present_ids={m[name] for name in present})
    _activity(cast.branch_a2, D(2026, 1, 1), "digital_skills")  # the first day
    _activity(a, D(2026, 2, 1), "digital_skills")
    _activity(b, D(2026, 2, 15), "communication")
    _activity(b, D(2026, 4, 1), "digital_skills")  # after

    paid = [("An", D(2026, 1, 1)), ("Bích", D(2026, 1, 1)), ("Cúc", D(2025, 10, 1)),
            ("Em", D(2026, 4, 1))]  # fmt: skip
    for name, quarter in paid:
        DuesPayment.objects.create(
            member_id=m[name], quarter=quarter, branch_path=a1.path, paid_on=quarter
        )
    return World(cast=cast, a3=a3, a5=a5, members=m)


def by_code(values: dict[int, float | None]) -> dict[str, float | None]:
    names = dict(Unit.objects.filter(pk__in=values).values_list("pk", "code"))
    return {names[pk]: v for pk, v in values.items()}


def test_it_counts_activities_per_kind_within_the_period(world: World) -> None:
    p = world.cast.province
    assert by_code(metrics.activities_total(p, "commune", Q1)) == {"24373": 4.0, "24190": 1.0}
    meetings = metrics.ACTIVITIES_BY_KIND["meeting"]
    assert by_code(meetings(p, "branch", Q1)) == {
        "24373-01": 2.0, "24373-02": 0.0, "a3": 0.0, "a5": 0.0, "24190-01": 0.0
    }  # fmt: skip
    assert by_code(meetings(p, "province", Q1)) == {"66": 2.0}


def test_it_takes_the_level_by_name_or_number(world: World) -> None:
    p = world.cast.province
    assert metrics.activities_total(p, str(int(Level.COMMUNE)), Q1) == metrics.activities_total(
        p, "commune", Q1
    )


def test_it_leaves_out_units_closed_before_or_opened_after_the_period(world: World) -> None:
    codes = {u.code for u in metrics.open_units(world.cast.commune_a, "branch", Q1)}
    assert codes == {"24373-01", "24373-02", "a3", "a5"}


def test_it_gives_nothing_for_a_level_above_the_root(world: World) -> None:
    assert metrics.activities_total(world.cast.branch_a1, "commune", Q1) == {}


def test_it_shares_the_communes_that_held_digital_skills_activities(world: World) -> None:
    p = world.cast.province
    held = metrics.digital_skills_communes
    assert by_code(held(p, "commune", Q1)) == {"24373": 100.0, "24190": 0.0}
    assert by_code(held(p, "province", Q1)) == {"66": 50.0}
    assert by_code(metrics.digital_skills_held(2)(p, "commune", Q1))["24373"] == 100.0
    assert by_code(metrics.digital_skills_held(3)(p, "commune", Q1))["24373"] == 0.0
    # Below communes, each unit counts itself.
    assert by_code(held(world.cast.commune_a, "branch", Q1)) == {
        "24373-01": 0.0, "24373-02": 100.0, "a3": 0.0, "a5": 0.0
    }  # fmt: skip


def test_it_rates_meeting_attendance(world: World) -> None:
    p = world.cast.province
    # In the period: 3 of 4 on 10/01, 1 of 4 on 31/03.
    assert by_code(metrics.attendance_rate(p, "commune", Q1)) == {"24373": 50.0, "24190": None}
    assert by_code(metrics.attendance_rate(p, "branch", Q1))["24373-01"] == 50.0
    assert by_code(metrics.attendance_rate(p, "branch", Q1))["24373-02"] is None


def test_it_rates_dues_over_the_quarters_due(world: World) -> None:
    p = world.cast.province
    # Branch A1: An, Bích, Cúc, Dung owe Q1 (Em joined after it, Gấm was removed): An and Bích
    # paid; Cúc's payment is for the quarter before, Em's for the one after.
    rates = by_code(metrics.dues_rate(p, "branch", Q1))
    assert rates["24373-01"] == 50.0
    assert rates["24373-02"] == 0.0  # Hoa owes and has not paid
    assert rates["24190-01"] is None  # no member
    assert by_code(metrics.dues_rate(p, "commune", Q1))["24373"] == 40.0  # 2 of 5


def test_it_counts_the_quarters_begun_in_a_period() -> None:
    year = Period("year", D(2026, 1, 1), D(2027, 1, 1))
    assert metrics.quarters_due(year, on=D(2026, 7, 1)) == [D(2026, 1, 1), D(2026, 4, 1),
                                                            D(2026, 7, 1)]  # fmt: skip
    november = Period("month", D(2026, 11, 1), D(2026, 12, 1))
    assert metrics.quarters_due(november, on=D(2026, 11, 28)) == [D(2026, 10, 1)]


def test_it_rates_members_with_a_card(world: World) -> None:
    rates = by_code(metrics.carded_rate(world.cast.province, "branch", Q1))
    assert rates["24373-01"] == 50.0  # An, Bích of An, Bích, Cúc, Dung
    assert rates["24373-02"] == 100.0
    assert rates["24190-01"] is None


def test_it_shares_model_branches_at_the_provinces_thresholds(world: World) -> None:
    p = world.cast.province
    # A1 has 50% attendance, 50% dues, 50% cards: short of the default 85/85/100.
    assert by_code(metrics.model_branches(p, "commune", Q1)) == {"24373": 0.0, "24190": 0.0}
    ModelBranchRule.objects.create(province=p, attendance_min=50, dues_min=50, carded_min=50)
    assert by_code(metrics.model_branches(p, "commune", Q1)) == {"24373": 25.0, "24190": 0.0}
    assert by_code(metrics.model_branches(p, "province", Q1)) == {"66": 20.0}
    ModelBranchRule.objects.filter(province=p).update(attendance_min=51)
    assert by_code(metrics.model_branches(p, "commune", Q1))["24373"] == 0.0


def _member_software(cast: Cast, ends_on: dt.date) -> object:
    data = {"title": "Phần mềm hội viên", "topic": "member_software",
            "starts_on": ends_on, "ends_on": ends_on}  # fmt: skip
    return course_create(actor=None, organiser=cast.province, data=data)


def test_it_shares_grassroots_cadres_trained_and_proficient(world: World) -> None:
    cast = world.cast
    Assignment.objects.update(created_at=dt.datetime(2025, 8, 1, tzinfo=dt.UTC))
    # The communes' cadres are full-time; Mai heads her branch as a volunteer.
    Assignment.objects.filter(role=Role.CADRE, unit__level=Level.COMMUNE).update(full_time=True)
    # Assigned at 03:00 on 01/04 in Vietnam (20:00 UTC the day before): after the period.
    late = make_user("late", "Phan Thị Muộn", "", (cast.commune_b, Role.CADRE))
    Assignment.objects.filter(user=late).update(
        created_at=dt.datetime(2026, 3, 31, 20, 0, tzinfo=dt.UTC), full_time=True
    )
    early = _member_software(cast, D(2026, 2, 15))
    late_course = _member_software(cast, D(2026, 4, 1))
    for user, course, result in [(cast.hoa, early, 2), (cast.mai, early, 1),
                                 (cast.thu, late_course, 3), (cast.lan, early, 4)]:  # fmt: skip
        t = trainee_add(actor=None, course=course, user=user)  # type: ignore[arg-type]
        trainee_assess(actor=None, trainee=t, attended=True, completed=True, result=result)
    p = cast.province
    # Full-time grassroots cadres: Hoa (commune A), Thu (commune B); Lan serves the province,
    # Mai (not proficient) is a volunteer branch head: not counted.
    trained = by_code(metrics.cadres_trained(p, "commune", Q1))
    assert trained == {"24373": 100.0, "24190": 0.0}
    proficient = by_code(metrics.cadres_proficient(p, "commune", Q1))
    assert proficient == {"24373": 100.0, "24190": 0.0}
    assert by_code(metrics.cadres_proficient(p, "province", Q1))["66"] == 50.0
    assert by_code(metrics.cadres_proficient(p, "branch", Q1))["24373-01"] is None  # Mai
    assert by_code(metrics.cadres_proficient(p, "branch", Q1))["24373-02"] is None


def test_it_counts_communes_without_a_working_computer(world: World) -> None:
    cast = world.cast
    equipment_save(actor=None, unit=cast.commune_a, data={"kind": "laptop", "quantity": 1,
                                                          "state": "working"})  # fmt: skip
    equipment_save(actor=None, unit=cast.commune_b, data={"kind": "desktop", "quantity": 2,
                                                          "state": "broken"})  # fmt: skip
    equipment_save(actor=None, unit=cast.commune_b, data={"kind": "printer", "quantity": 1,
                                                          "state": "working"})  # fmt: skip
    p = cast.province
    assert by_code(metrics.units_without_computer(p, "commune", Q1)) == {"24373": 0.0,
                                                                         "24190": 1.0}  # fmt: skip
    assert by_code(metrics.units_without_computer(p, "province", Q1)) == {"66": 1.0}


def test_it_uses_a_fixed_number_of_queries(world: World, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    p = world.cast.province
    for level in ("province", "commune", "branch"):
        for compute in (metrics.activities_total, metrics.attendance_rate, metrics.dues_rate,
                        metrics.carded_rate, metrics.model_branches, metrics.cadres_proficient,
                        metrics.digital_skills_communes, metrics.units_without_computer):  # fmt: skip
            with django_assert_max_num_queries(8):
                compute(p, level, Q1)


def test_it_ignores_rows_outside_the_root(world: World) -> None:
    values = metrics.activities_total(world.cast.commune_b, "commune", Q1)
    assert by_code(values) == {"24190": 1.0}
    assert not Unit.objects.filter(Q(pk__in=values) & Q(path__startswith=world.cast.commune_a.path))


# --- through the target registry ----------------------------------------------------------------

REGISTERED = {
    # code: (unit, the function it computes with)
    **{f"activities.{k}": ("count", metrics.ACTIVITIES_BY_KIND[k]) for k in
       ("meeting", "communication", "digital_skills", "legal", "economic", "contest", "other")},
    "activities.all": ("count", metrics.activities_total),
    "activities.digital_skills_units_1": ("percent", metrics.digital_skills_communes),
    "activities.meeting_attendance": ("percent", metrics.attendance_rate),
    "branch.dues_rate": ("percent", metrics.dues_rate),
    "branch.carded_rate": ("percent", metrics.carded_rate),
    "branch.model_share": ("percent", metrics.model_branches),
    "training.cadres_trained": ("percent", metrics.cadres_trained),
    "training.cadres_proficient": ("percent", metrics.cadres_proficient),
    "equipment.units_without_computer": ("count", metrics.units_without_computer),
    "equipment.units_with_computer": ("percent", metrics.units_with_computer),
}  # fmt: skip
RQ1 = RegistryPeriod.containing("quarter", D(2026, 2, 14))


def test_every_metric_is_in_the_registry_with_its_unit_and_a_vietnamese_label() -> None:
    from django.utils import translation

    for code, (unit, compute) in REGISTERED.items():
        metric = REGISTRY[code]
        assert (metric.unit, metric.compute) == (unit, compute), code
        with translation.override("vi"):
            vi = str(metric.label)
        with translation.override("en"):
            assert vi != str(metric.label), code


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("activities.meeting", "branch", {"24373-01": 2.0, "24373-02": 0.0, "24190-01": 0.0}),
        ("activities.communication", "commune", {"24373": 0.0, "24190": 1.0}),
        ("activities.digital_skills", "commune", {"24373": 2.0, "24190": 0.0}),
        ("activities.legal", "province", {"66": 0.0}),
        ("activities.all", "commune", {"24373": 4.0, "24190": 1.0}),
        ("activities.all", "province", {"66": 5.0}),
        ("activities.digital_skills_units_1", "commune", {"24373": 100.0, "24190": 0.0}),
        ("activities.digital_skills_units_1", "province", {"66": 50.0}),
        ("activities.meeting_attendance", "commune", {"24373": 50.0, "24190": None}),
        ("branch.dues_rate", "branch", {"24373-01": 50.0, "24373-02": 0.0, "24190-01": None}),
        ("branch.carded_rate", "branch", {"24373-01": 50.0, "24373-02": 100.0}),
        ("branch.model_share", "commune", {"24373": 0.0, "24190": 0.0}),
    ],
)
def test_the_registry_computes_on_hand_counted_data(
    world: World, code: str, level: str, expected: dict[str, float | None]
) -> None:
    level_number = int(Level[level.upper()])  # the dashboard passes the level as stored
    values = by_code(REGISTRY[code].compute(world.cast.province, level_number, RQ1))
    assert {k: values[k] for k in expected} == expected


def test_the_registry_shares_trained_cadres_and_counts_computers(world: World) -> None:
    cast = world.cast
    Assignment.objects.update(created_at=dt.datetime(2025, 8, 1, tzinfo=dt.UTC))
    Assignment.objects.filter(role=Role.CADRE, unit__level=Level.COMMUNE).update(full_time=True)
    course = _member_software(cast, D(2026, 2, 15))
    for user, result in [(cast.hoa, 2), (cast.mai, 1), (cast.thu, 0)]:
        t = trainee_add(actor=None, course=course, user=user)  # type: ignore[arg-type]
        trainee_assess(actor=None, trainee=t, attended=True, completed=result > 0, result=result)
    p, commune = cast.province, int(Level.COMMUNE)
    # Commune A: Hoa (proficient; Mai, not proficient, is a volunteer branch head); B: Thu (did
    # not complete).
    trained = REGISTRY["training.cadres_trained"].compute(p, commune, RQ1)
    assert by_code(trained) == {"24373": 100.0, "24190": 0.0}
    proficient = REGISTRY["training.cadres_proficient"].compute(p, commune, RQ1)
    assert by_code(proficient) == {"24373": 100.0, "24190": 0.0}
    equipment_save(actor=None, unit=cast.commune_b, data={"kind": "desktop", "quantity": 1,
                                                          "state": "working"})  # fmt: skip
    without = REGISTRY["equipment.units_without_computer"].compute(p, commune, RQ1)
    assert by_code(without) == {"24373": 1.0, "24190": 0.0}
    share = REGISTRY["equipment.units_with_computer"].compute(p, int(Level.PROVINCE), RQ1)
    assert by_code(share) == {"66": 50.0}


def test_a_target_on_an_activities_metric_shows_met_and_not_met(world: World) -> None:
    from django.urls import reverse

    from hoiso.targets.tests.factories import make_target

    cast = world.cast
    target = make_target(
        cast.province, year=2026, metric="activities.meeting_attendance",
        level=Level.COMMUNE, period_kind="year", threshold=60, required_share=50,
    )  # fmt: skip
    # In the first quarter commune A's branch meetings drew 50%: short of 60%.
    result = compliance.compute(target, RQ1)
    assert {r.unit.code: (r.value, r.met) for r in result.results} == {
        "24373": (50.0, False), "24190": (None, False)
    }  # fmt: skip
    assert not result.ok
    # Over 2026 (the page's period): 3 + 1 + 4 present of 4 + 4 + 4 on the list = 66,7%
    # (written with a decimal comma in Vietnamese).
    page = cast.client(cast.lan).get(
        reverse("targets:detail", kwargs={"unit_code": cast.province.code, "pk": target.pk})
    )
    rows = {
        line.split("</a>")[0].rsplit(">", 1)[-1]: line
        for line in page.content.decode().split("<tr>")[1:]
    }
    assert ">66,7%<" in rows["Xã Ea Kar"] and "chip good" in rows["Xã Ea Kar"]
    assert "%" not in rows["Xã Krông Pắc"] and "chip bad" in rows["Xã Krông Pắc"]


def test_a_new_activity_changes_the_dashboard_value(cast: Cast) -> None:
    from django.urls import reverse

    from hoiso.activities.services import activity_record
    from hoiso.targets.tests.factories import make_target

    target = make_target(
        cast.province, metric="activities.digital_skills_units_1", level=Level.COMMUNE,
        period_kind="year", threshold=100, required_share=100,
    )  # fmt: skip
    period = compliance.current_period(target)
    assert compliance.compute(target, period).n_met == 0
    assert compliance.compute(target, period).n_met == 0  # now from the cache
    board = reverse("targets:dashboard", args=[cast.commune_b.code])
    assert "0 / 1" not in cast.client(cast.thu).get(board).content.decode()
    activity_record(
        actor=cast.thu, unit=cast.commune_b,
        data={"kind": "digital_skills", "on": period.start, "participants": 30},
    )  # fmt: skip
    result = compliance.compute(target, period)
    assert {r.unit.code: r.met for r in result.results} == {"24373": False, "24190": True}
    page = cast.client(cast.thu).get(board).content.decode()
    assert "<strong>100%</strong>" in page


def test_cached_branch_values_change_with_dues_cards_and_the_day(cast: Cast) -> None:
    from unittest import mock

    from hoiso.activities.services import dues_record
    from hoiso.members.services import member_update
    from hoiso.targets.tests.factories import make_target

    hanh = make_member(cast.branch_a1, "Nguyễn Thị Hạnh", card_number="")
    dues = make_target(
        cast.commune_a, metric="branch.dues_rate", level=Level.BRANCH,
        period_kind="year", threshold=100, required_share=100,
    )  # fmt: skip
    cards = make_target(
        cast.commune_a, metric="branch.carded_rate", level=Level.BRANCH,
        period_kind="year", threshold=100, required_share=100,
    )  # fmt: skip
    period = compliance.current_period(dues)

    def a1(target: object) -> float | None:
        result = compliance.compute(target, period)  # type: ignore[arg-type]
        return next(r.value for r in result.results if r.unit.pk == cast.branch_a1.pk)

    assert a1(dues) == 0.0 and a1(cards) == 0.0
    for quarter in metrics.quarters_due(period):
        dues_record(actor=cast.mai, branch=cast.branch_a1, quarter=quarter, paid_ids={hanh.pk})
    assert a1(dues) == 100.0  # the dues service retired the cached value
    member_update(actor=cast.mai, member=hanh, data={"card_number": "DL0001"})
    assert a1(cards) == 100.0  # so did the member service
    assert a1(dues) == 100.0  # (recomputed too: a member's change may change what is owed)
    # The next day is a new version: values that depend on the quarters begun are recomputed.
    with mock.patch.object(metrics, "quarters_due", return_value=[]) as due:
        assert a1(dues) == 100.0  # same day: still the cached value, not recomputed
        due.assert_not_called()
        tomorrow = compliance.timezone.localdate() + dt.timedelta(days=1)
        with mock.patch("hoiso.targets.cache.timezone.localdate", return_value=tomorrow):
            assert a1(dues) is None  # recomputed: no quarter owed, nothing to divide
