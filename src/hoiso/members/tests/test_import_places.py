"""Where imported rows go: branch names as lists write them, pre-2025 communes and districts mapped
to today's communes, a split old commune chosen by the cadre, and remembered header corrections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hoiso.conftest import Cast, make_unit
from hoiso.members.importing.places import branch_key
from hoiso.members.importing.plan import ERROR, NEW
from hoiso.members.tests.test_import_files import HEADER, member, only_row, plan_of, xlsx
from hoiso.units.models import Level, Unit

# --- Branches ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "branch"),
    [
        ("Thôn 1", "branch_a1"),
        ("Chi hội Thôn 1", "branch_a1"),
        ("CHI HỘI THÔN 1", "branch_a1"),
        ("Thôn 01", "branch_a1"),
        ("Chi hội phụ nữ thôn 01", "branch_a1"),
        ("thôn số 1", "branch_a1"),
        ("Buôn Ea Sinh", "branch_a2"),
        ("Chi hội Buôn Ea Sinh", "branch_a2"),
        ("buon ea sinh", "branch_a2"),
    ],
)
def test_it_matches_branch_names_as_lists_write_them(
    cast: Cast, tmp_path: Path, cell: str, branch: str
) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, member(branch=cell)]})
    row = only_row(plan_of(path, cast.commune_a))
    assert (row.status, row.branch_id) == (NEW, getattr(cast, branch).pk), row.problems


def test_it_never_takes_thon_1_for_thon_10(cast: Cast, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, member(branch="Thôn 10")]})
    plan = plan_of(path, cast.commune_a)
    row = only_row(plan)
    assert row.status == ERROR and row.branch_id is None
    # The cadre is asked which branch "Thôn 10" is, among the commune's branches.
    text, options = plan.unknown_branches[f"{cast.commune_a.pk}:thon10"]
    assert "Thôn 10" in text
    assert {pk for pk, _name in options} == {cast.branch_a1.pk, cast.branch_a2.pk}


def test_it_tells_thon_1_and_thon_10_apart_when_both_exist(cast: Cast, tmp_path: Path) -> None:
    thon10 = make_unit(cast.commune_a, Level.BRANCH, "24373-10", "Chi hội Thôn 10")
    rows = [HEADER, member(1, branch="Thôn 1"), member(2, "Lê Thị Hoa", branch="Thôn 10"),
            member(3, "Đỗ Thị Mơ", branch="thôn 01")]  # fmt: skip
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a)
    assert [r.branch_id for r in plan.rows] == [cast.branch_a1.pk, thon10.pk, cast.branch_a1.pk]


def test_it_places_an_unknown_branch_name_where_the_cadre_chose(cast: Cast, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, member(branch="Buôn Ea Sinh A")]})
    choice = {f"{cast.commune_a.pk}:{branch_key('Buôn Ea Sinh A')}": cast.branch_a2.pk}
    row = only_row(plan_of(path, cast.commune_a, branch_choices=choice))
    assert (row.status, row.branch_id) == (NEW, cast.branch_a2.pk)


def test_it_never_places_a_row_in_another_communes_branch(cast: Cast, tmp_path: Path) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, member(branch="Thôn Tân Lập")]})
    row = only_row(plan_of(path, cast.commune_a))
    assert row.status == ERROR and row.branch_id is None


# --- Communes before and after the 2025 reform ----------------------------------------------------

ADDRESS_HEADER = [*HEADER, "Địa chỉ"]


def _with_address(address: str, **cells: Any) -> list[list[Any]]:
    return [ADDRESS_HEADER, [*member(**cells), address]]


@pytest.mark.parametrize(
    "address",
    [
        "Thôn 1, xã Ea Đar, huyện Ea Kar, tỉnh Đắk Lắk",
        "Thôn 1 - X. Cư Huê - H. Ea Kar - Đắk Lắk",
        "Thôn 1, thị trấn Ea Kar, huyện Ea Kar",
        "Thôn 1, Xuân Phú, Ea Kar, Đắk Lắk",  # no types written
        "Thôn 1, xã Ea Kar, tỉnh Đắk Lắk",  # today's name
    ],
)
def test_it_maps_a_pre_2025_address_to_todays_commune(
    cast: Cast, tmp_path: Path, address: str
) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": _with_address(address)})
    row = only_row(plan_of(path, cast.commune_a))
    assert row.status == NEW, row.problems
    assert row.place is not None and row.place.codes == ("24373",)
    assert row.branch_id == cast.branch_a1.pk


def test_it_reads_old_commune_and_district_columns(cast: Cast, tmp_path: Path) -> None:
    rows = [[*HEADER, "Xã", "Huyện"], [*member(), "Xã Ea Kmút", "Huyện Ea Kar"]]
    row = only_row(plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a))
    assert row.status == NEW and row.place is not None and row.place.codes == ("24373",)


def test_it_places_rows_of_a_province_list_in_the_commune_their_old_address_names(
    cast: Cast, tmp_path: Path
) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": _with_address("Buôn Ea Sinh, xã Ea Đar, huyện Ea Kar",
                                                           branch="Buôn Ea Sinh")})  # fmt: skip
    row = only_row(plan_of(path, cast.province))
    assert (row.status, row.branch_id) == (NEW, cast.branch_a2.pk), row.problems


def test_it_refuses_a_row_whose_address_is_in_another_commune_today(
    cast: Cast, tmp_path: Path
) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"DS": _with_address("xã Ea BHốk, huyện Cư Kuin")})
    row = only_row(plan_of(path, cast.commune_a))
    assert row.status == ERROR and "Ea BHốk" in row.problems[0][1]


@pytest.fixture
def split(cast: Cast) -> dict[str, Unit]:
    """The two communes old Xã Ea BHốk (huyện Cư Kuin) was split between in 2025."""
    units = {}
    for code, name in (("24561", "Xã Dray Bhăng"), ("24544", "Xã Ea Ktur")):
        commune = make_unit(cast.province, Level.COMMUNE, code, name)
        units[code] = make_unit(commune, Level.BRANCH, f"{code}-02", "Chi hội Thôn 2")
    return units


def test_it_asks_the_cadre_where_a_split_old_commune_went_and_follows_her_choice(
    cast: Cast, split: dict[str, Unit], tmp_path: Path
) -> None:
    rows = _with_address("Thôn 2, xã Ea BHốk, huyện Cư Kuin, tỉnh Đắk Lắk", branch="Thôn 2")
    path = xlsx(tmp_path / "ds.xlsx", {"DS": rows})
    plan = plan_of(path, cast.province)
    row = only_row(plan)
    assert row.status == ERROR and row.branch_id is None
    [(key, (text, options))] = plan.ambiguous_places.items()
    assert "Ea BHốk" in text
    assert sorted(options) == [("24544", "Xã Ea Ktur"), ("24561", "Xã Dray Bhăng")]

    row = only_row(plan_of(path, cast.province, place_choices={key: "24544"}))
    assert (row.status, row.branch_id) == (NEW, split["24544"].pk), row.problems


def test_it_asks_when_an_old_name_without_its_district_could_be_two_communes(
    cast: Cast, split: dict[str, Unit], tmp_path: Path
) -> None:
    """ "Xã Ea Bar" was a commune of both Sông Hinh and Buôn Đôn."""
    for code, name in (("24250", "Xã Buôn Đôn"), ("22225", "Xã Sông Hinh"),
                       ("22237", "Xã Đức Bình")):  # fmt: skip
        make_unit(make_unit(cast.province, Level.COMMUNE, code, name), Level.BRANCH,
                  f"{code}-02", "Chi hội Thôn 2")  # fmt: skip
    path = xlsx(tmp_path / "ds.xlsx", {"DS": _with_address("Thôn 2, xã Ea Bar", branch="Thôn 2")})
    plan = plan_of(path, cast.province)
    assert only_row(plan).status == ERROR
    [(_key, (_text, options))] = plan.ambiguous_places.items()
    assert {code for code, _name in options} == {"24250", "22225", "22237"}


# --- Headers the cadre corrected -----------------------------------------------------------------


def test_it_reads_a_column_under_a_header_the_unit_taught_it(cast: Cast, tmp_path: Path) -> None:
    rows = [["TT", "Tên chị em:", "Ngày sinh", "Chi hội", "Địa chỉ"],
            [1, "Nguyễn Thị Bình", "05/03/1985", "Thôn 1", "ở nhờ nhà chị gái, xã Ea BHốk"]]  # fmt: skip
    path = xlsx(tmp_path / "ds.xlsx", {"DS": rows})
    # Without the correction the sheet has no name column, so no member list.
    assert plan_of(path, cast.commune_a).skipped_sheets == ["DS"]
    known = {"ten chi em": "full_name", "dia chi": ""}  # "" leaves a column out
    plan = plan_of(path, cast.commune_a, known_headers=known)
    row = only_row(plan)
    assert (row.status, row.name) == (NEW, "Nguyễn Thị Bình"), row.problems
    assert "address" not in row.values
