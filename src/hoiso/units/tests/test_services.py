"""The rules of the unit tree's services: create, update and close branches and groups."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hoiso.conftest import make_unit
from hoiso.core.models import AuditEvent
from hoiso.units.models import Level, Unit, today
from hoiso.units.services import unit_close, unit_create_child, unit_update

# --- unit_create_child ------------------------------------------------------------------------


def test_it_adds_a_branch_under_a_commune(cast):
    branch = unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Thôn 5")
    branch.refresh_from_db()
    assert branch.level == Level.BRANCH
    assert branch.parent == cast.commune_a
    assert branch.name == "Chi hội Thôn 5"
    assert branch.valid_from == today()
    assert branch.valid_to is None
    assert branch.official_code == ""


def test_it_codes_a_new_branch_after_its_commune(cast):
    branch = unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Thôn 5")
    # Branches -01 and -02 exist already.
    assert branch.code == f"{cast.commune_a.code}-03"


def test_it_codes_the_first_branch_of_an_empty_commune_01(cast):
    commune = make_unit(cast.province, Level.COMMUNE, "24400", "Xã Ea Ô")
    branch = unit_create_child(actor=cast.lan, parent=commune, name="Chi hội Thôn 1")
    assert branch.code == "24400-01"


def test_it_puts_a_new_branch_under_its_parent_in_the_tree(cast):
    branch = unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Thôn 5")
    assert branch.path == f"{cast.commune_a.path}{branch.pk:08d}."
    assert branch.ancestor_ids == [*cast.commune_a.ancestor_ids, branch.pk]
    assert branch in Unit.objects.below(cast.commune_a)
    assert branch not in Unit.objects.within(cast.commune_b)


def test_it_gives_a_new_branch_its_communes_area_flags(cast):
    cast.commune_a.is_ethnic_minority_area = True
    cast.commune_a.is_border_area = True
    cast.commune_a.save()
    branch = unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Thôn 5")
    assert branch.is_ethnic_minority_area is True
    assert branch.is_border_area is True
    assert branch.is_remote_area is False


def test_it_lets_the_cadre_set_a_new_branchs_flags_herself(cast):
    cast.commune_a.is_ethnic_minority_area = True
    cast.commune_a.save()
    branch = unit_create_child(
        actor=cast.hoa,
        parent=cast.commune_a,
        name="Chi hội Thôn 5",
        is_ethnic_minority_area=False,
        is_remote_area=True,
    )
    assert branch.is_ethnic_minority_area is False
    assert branch.is_remote_area is True


def test_it_audits_a_new_branch(cast):
    branch = unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Thôn 5")
    event = AuditEvent.objects.get(action="unit.created")
    assert event.actor == cast.hoa
    assert event.unit == branch
    assert event.object_id == str(branch.pk)
    assert event.data == {"name": "Chi hội Thôn 5", "parent": cast.commune_a.code}


def test_it_cleans_the_name_of_a_new_unit(cast):
    branch = unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="  Chi hội  Thôn 5 ")
    assert branch.name == "Chi hội Thôn 5"


def test_it_adds_a_group_under_a_branch(cast):
    group = unit_create_child(actor=cast.hoa, parent=cast.branch_a1, name="Tổ phụ nữ số 2")
    assert group.level == Level.GROUP
    assert group.parent == cast.branch_a1
    assert group.code == f"{cast.branch_a1.code}-2"
    assert group.path.startswith(cast.branch_a1.path)


@pytest.mark.parametrize("where", ["group_a1", "province"])
def test_it_refuses_a_unit_under_a_group_or_a_province(cast, where):
    parent = getattr(cast, where)
    before = Unit.objects.count()
    with pytest.raises(ValidationError):
        unit_create_child(actor=cast.lan, parent=parent, name="Tổ mới")
    assert Unit.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_it_refuses_a_unit_under_a_closed_unit(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today())
    cast.branch_a1.refresh_from_db()
    with pytest.raises(ValidationError):
        unit_create_child(actor=cast.hoa, parent=cast.branch_a1, name="Tổ phụ nữ số 2")
    assert not Unit.objects.filter(name="Tổ phụ nữ số 2").exists()


def test_it_refuses_a_unit_under_a_branch_whose_closing_is_scheduled(cast):
    # The new group would otherwise stay open after its branch has closed.
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today() + dt.timedelta(days=30))
    cast.branch_a1.refresh_from_db()
    with pytest.raises(ValidationError):
        unit_create_child(actor=cast.hoa, parent=cast.branch_a1, name="Tổ phụ nữ số 2")
    assert not Unit.objects.filter(name="Tổ phụ nữ số 2").exists()


@pytest.mark.parametrize(
    "name",
    ["Chi hội Thôn 1", "chi hội thôn 1", "CHI HỘI THÔN 1", "Chi hoi Thon 1", "  chi  hoi  thon 1 ",
     "Chi hội Thôn 1\u200b", "\ufeffChi hội Thôn 1"],
)  # fmt: skip
def test_it_refuses_a_name_an_open_sibling_has_already(cast, name):
    with pytest.raises(ValidationError) as info:
        unit_create_child(actor=cast.hoa, parent=cast.commune_a, name=name)
    assert "name" in info.value.message_dict
    assert Unit.objects.filter(parent=cast.commune_a).count() == 2


def test_it_refuses_a_name_that_differs_only_in_d_with_stroke(cast):
    with pytest.raises(ValidationError):
        unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Buôn Ea Sinh")
    unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Thôn Đoàn Kết")
    with pytest.raises(ValidationError):
        unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Thôn Doàn Kết")


def test_it_allows_a_name_used_in_another_commune(cast):
    branch = unit_create_child(actor=cast.thu, parent=cast.commune_b, name="Chi hội Thôn 1")
    assert branch.parent == cast.commune_b


def test_it_allows_the_name_of_a_closed_sibling(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a2, on=today())
    branch = unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội Buôn Ea Sinh")
    # The closed branch keeps its code: the new one does not take it over.
    assert branch.code == f"{cast.commune_a.code}-03"


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_it_refuses_an_empty_name(cast, name):
    with pytest.raises(ValidationError) as info:
        unit_create_child(actor=cast.hoa, parent=cast.commune_a, name=name)
    assert "name" in info.value.message_dict


def test_it_refuses_a_name_too_long_for_the_column(cast):
    with pytest.raises(ValidationError) as info:
        unit_create_child(actor=cast.hoa, parent=cast.commune_a, name="Chi hội " + "x" * 200)
    assert "name" in info.value.message_dict
    assert not AuditEvent.objects.exists()


# --- unit_update ------------------------------------------------------------------------------


def test_it_renames_a_branch(cast):
    unit_update(actor=cast.hoa, unit=cast.branch_a1, name="Chi hội Thôn Một")
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.name == "Chi hội Thôn Một"
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.actor == cast.hoa
    assert event.unit == cast.branch_a1
    assert event.data == {"name": ["Chi hội Thôn 1", "Chi hội Thôn Một"]}


def test_it_renames_a_group(cast):
    unit_update(actor=cast.hoa, unit=cast.group_a1, name="Tổ phụ nữ Buôn Ko Sier")
    cast.group_a1.refresh_from_db()
    assert cast.group_a1.name == "Tổ phụ nữ Buôn Ko Sier"


def test_it_lets_a_branch_change_the_case_of_its_own_name(cast):
    unit_update(actor=cast.hoa, unit=cast.branch_a1, name="Chi hội thôn 1")
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.name == "Chi hội thôn 1"


def test_it_refuses_to_rename_a_branch_to_a_siblings_name(cast):
    with pytest.raises(ValidationError) as info:
        unit_update(actor=cast.hoa, unit=cast.branch_a1, name="chi hoi buon ea sinh")
    assert "name" in info.value.message_dict
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.name == "Chi hội Thôn 1"


def test_it_refuses_to_rename_a_branch_to_nothing(cast):
    with pytest.raises(ValidationError):
        unit_update(actor=cast.hoa, unit=cast.branch_a1, name="  ")


def test_it_refuses_to_rename_a_branch_to_a_name_too_long(cast):
    # Without validation SQLite stores it and PostgreSQL fails with a DataError (a 500).
    with pytest.raises(ValidationError):
        unit_update(actor=cast.hoa, unit=cast.branch_a1, name="Chi hội " + "x" * 200)
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.name == "Chi hội Thôn 1"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("where", ["commune_a", "province"])
def test_it_refuses_to_rename_an_official_unit(cast, where):
    unit = getattr(cast, where)
    with pytest.raises(ValidationError) as info:
        unit_update(actor=cast.lan, unit=unit, name="Xã Mới")
    assert "name" in info.value.message_dict
    unit.refresh_from_db()
    assert unit.name != "Xã Mới"
    assert not AuditEvent.objects.exists()


def test_it_accepts_an_official_units_own_name_back(cast):
    unit_update(actor=cast.lan, unit=cast.commune_a, name=" Xã  Ea Kar ", is_remote_area=True)
    cast.commune_a.refresh_from_db()
    assert cast.commune_a.name == "Xã Ea Kar"
    assert cast.commune_a.is_remote_area is True


def test_it_audits_a_change_of_area_flags_on_an_official_unit(cast):
    unit_update(actor=cast.lan, unit=cast.commune_a, is_border_area=True, is_remote_area=False)
    cast.commune_a.refresh_from_db()
    assert cast.commune_a.is_border_area is True
    event = AuditEvent.objects.get(action="unit.updated")
    # Only what changed is recorded, as [before, after].
    assert event.data == {"is_border_area": [False, True]}
    assert event.unit == cast.commune_a


def test_it_records_nothing_when_nothing_changes(cast):
    before = cast.branch_a1.updated_at
    unit_update(
        actor=cast.hoa,
        unit=cast.branch_a1,
        name="Chi hội Thôn 1",
        is_ethnic_minority_area=False,
        is_remote_area=False,
        is_border_area=False,
    )
    assert not AuditEvent.objects.exists()
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.updated_at == before


def test_it_refuses_a_flag_it_does_not_know(cast):
    with pytest.raises(TypeError):
        unit_update(actor=cast.hoa, unit=cast.branch_a1, is_capital=True)


# --- unit_close -------------------------------------------------------------------------------


def test_it_closes_a_branch_and_its_groups(cast):
    on = today()
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=on)
    cast.branch_a1.refresh_from_db()
    cast.group_a1.refresh_from_db()
    assert cast.branch_a1.valid_to == on
    assert cast.group_a1.valid_to == on
    assert cast.branch_a1.is_closed
    assert cast.group_a1.is_closed


def test_it_leaves_the_siblings_of_a_closed_branch_open(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today())
    cast.branch_a2.refresh_from_db()
    cast.commune_a.refresh_from_db()
    assert cast.branch_a2.valid_to is None
    assert cast.commune_a.valid_to is None


def test_it_audits_a_closing(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=dt.date(2026, 1, 15), reason=" sáp  nhập ")
    event = AuditEvent.objects.get(action="unit.closed")
    assert event.actor == cast.hoa
    assert event.unit == cast.branch_a1
    assert event.data == {"on": "2026-01-15", "reason": "sáp nhập", "units": 2}


def test_it_keeps_a_closed_units_history(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today())
    assert not Unit.objects.active().filter(pk=cast.branch_a1.pk).exists()
    assert not Unit.objects.active().filter(pk=cast.group_a1.pk).exists()
    assert Unit.objects.filter(pk__in=[cast.branch_a1.pk, cast.group_a1.pk]).count() == 2
    # The unit was open the day before it closed.
    yesterday = today() - dt.timedelta(days=1)
    assert Unit.objects.active(on=yesterday).filter(pk=cast.branch_a1.pk).exists()


def test_it_keeps_a_scheduled_closing_open_until_the_day(cast):
    closing = today() + dt.timedelta(days=10)
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=closing)
    cast.branch_a1.refresh_from_db()
    assert not cast.branch_a1.is_closed
    assert Unit.objects.active().filter(pk=cast.branch_a1.pk).exists()
    assert not Unit.objects.active(on=closing).filter(pk=cast.branch_a1.pk).exists()


def test_it_keeps_the_earlier_date_of_a_group_closed_before(cast):
    earlier = dt.date(2025, 9, 1)
    unit_close(actor=cast.hoa, unit=cast.group_a1, on=earlier)
    cast.branch_a1.refresh_from_db()
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=dt.date(2026, 1, 1))
    cast.group_a1.refresh_from_db()
    assert cast.group_a1.valid_to == earlier
    assert AuditEvent.objects.filter(action="unit.closed")[0].data["units"] == 1


def test_it_never_closes_a_group_before_it_was_created(cast):
    cast.group_a1.valid_from = dt.date(2026, 3, 1)
    cast.group_a1.save()
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=dt.date(2026, 1, 1))
    cast.group_a1.refresh_from_db()
    assert cast.group_a1.valid_to == dt.date(2026, 3, 1)


@pytest.mark.parametrize("where", ["commune_a", "province"])
def test_it_refuses_to_close_an_official_unit(cast, where):
    unit = getattr(cast, where)
    with pytest.raises(ValidationError):
        unit_close(actor=cast.lan, unit=unit, on=today())
    unit.refresh_from_db()
    assert unit.valid_to is None
    assert not Unit.objects.exclude(valid_to=None).exists()


def test_it_refuses_a_closing_date_before_the_unit_was_created(cast):
    before = cast.branch_a1.valid_from - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        unit_close(actor=cast.hoa, unit=cast.branch_a1, on=before)
    assert "on" in info.value.message_dict
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.valid_to is None


def test_it_accepts_a_closing_on_the_day_the_unit_was_created(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=cast.branch_a1.valid_from)
    cast.branch_a1.refresh_from_db()
    assert cast.branch_a1.valid_to == cast.branch_a1.valid_from


def test_it_refuses_to_close_a_unit_twice(cast):
    unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today())
    with pytest.raises(ValidationError):
        unit_close(actor=cast.hoa, unit=cast.branch_a1, on=today())
    fresh = Unit.objects.get(pk=cast.branch_a1.pk)
    with pytest.raises(ValidationError):
        unit_close(actor=cast.hoa, unit=fresh, on=today())
    assert AuditEvent.objects.filter(action="unit.closed").count() == 1
