"""Rows against the registry and against each other: updates of a member found by her citizen ID,
unchanged rows, possible duplicates the cadre decides on, and numbers that belong to someone else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hoiso.conftest import Cast, make_member
from hoiso.members.choices import Religion
from hoiso.members.importing.plan import DUPLICATE, ERROR, NEW, UNCHANGED, UPDATE, Plan
from hoiso.members.models import Member
from hoiso.members.tests.test_import_files import CID, HEADER, member, only_row, plan_of, xlsx


def _plan(cast: Cast, tmp_path: Path, *rows: list[Any], **setup: Any) -> Plan:
    return plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, *rows]}), cast.commune_a, **setup)


def _binh(cast: Cast, **data: Any) -> Member:
    return make_member(cast.branch_a1, "Nguyễn Thị Bình", citizen_id=CID, phone="0912345678",
                       ethnicity=1, religion=Religion.NONE, **data)  # fmt: skip


def test_it_lists_what_an_update_changes_on_the_member_with_that_citizen_id(
    cast: Cast, tmp_path: Path
) -> None:
    binh = _binh(cast)
    row = only_row(_plan(cast, tmp_path, member(cid=CID, phone="0987 654 321",
                                                religion="Phật giáo")))  # fmt: skip
    assert (row.status, row.member_id) == (UPDATE, binh.pk)
    assert row.changes == {
        "phone": ("0912345678", "0987654321"),
        "religion": (Religion.NONE, Religion.BUDDHISM),
    }


def test_it_finds_the_member_even_when_her_citizen_id_lost_its_zero(
    cast: Cast, tmp_path: Path
) -> None:
    binh = _binh(cast)
    row = only_row(_plan(cast, tmp_path, member(name="NGUYỄN THỊ BÌNH", cid=66185000123,
                                                phone=912345678, ethnicity="Kinh",
                                                religion="Không")))  # fmt: skip
    assert (row.status, row.member_id, row.changes) == (UNCHANGED, binh.pk, {})


def test_it_marks_a_member_with_the_same_name_and_birth_as_a_possible_duplicate(
    cast: Cast, tmp_path: Path
) -> None:
    binh = _binh(cast)
    # No citizen ID in the file; the same name (in other capitals) and birth date.
    row = only_row(_plan(cast, tmp_path, member(name="nguyễn thị bình", branch="Buôn Ea Sinh")))
    assert (row.status, row.member_id) == (DUPLICATE, binh.pk)
    assert "Nguyễn Thị Bình" in row.match


def test_it_marks_a_year_of_birth_alone_against_the_members_date(
    cast: Cast, tmp_path: Path
) -> None:
    binh = _binh(cast)
    row = only_row(_plan(cast, tmp_path, member(born=1985)))
    assert (row.status, row.member_id) == (DUPLICATE, binh.pk)


def test_it_marks_the_same_phone_and_given_name_as_a_possible_duplicate(
    cast: Cast, tmp_path: Path
) -> None:
    binh = _binh(cast)
    row = only_row(_plan(cast, tmp_path, member(name="Nguyễn Bình", born=1986,
                                                phone="+84 912 345 678")))  # fmt: skip
    assert (row.status, row.member_id) == (DUPLICATE, binh.pk)
    # The same phone under another given name is a relative sharing it, not her.
    row = only_row(_plan(cast, tmp_path, member(name="Nguyễn Thị Hoa", born=1986,
                                                phone="0912345678")))  # fmt: skip
    assert row.status == NEW


def test_it_adds_a_possible_duplicate_the_cadre_chose_to_add(cast: Cast, tmp_path: Path) -> None:
    _binh(cast)
    row = only_row(_plan(cast, tmp_path, member(), add_duplicates={"DS!2"}))
    assert (row.status, row.member_id) == (NEW, None)


def test_it_refuses_a_citizen_id_held_by_an_active_member_of_another_commune(
    cast: Cast, tmp_path: Path
) -> None:
    make_member(cast.branch_b1, "Nguyễn Thị Bình", citizen_id=CID)
    row = only_row(_plan(cast, tmp_path, member(cid=CID)))
    assert row.status == ERROR and row.member_id is None
    where, message = row.problems[0]
    assert where and message
    # Adding her anyway is not a way round it.
    row = only_row(_plan(cast, tmp_path, member(cid=CID), add_duplicates={"DS!2"}))
    assert row.status == ERROR


def test_it_finds_the_same_citizen_id_twice_in_the_file(cast: Cast, tmp_path: Path) -> None:
    plan = _plan(cast, tmp_path, member(1, cid=CID), member(2, "Trần Thị Ánh", cid=CID))
    first, second = plan.rows
    assert first.status == NEW
    assert second.status == ERROR and "2" in second.problems[0][1]  # names the first row


def test_it_marks_the_same_person_twice_in_the_file_as_a_possible_duplicate(
    cast: Cast, tmp_path: Path
) -> None:
    plan = _plan(cast, tmp_path, member(1), member(2, "NGUYỄN THỊ BÌNH", born="05/03/1985"),
                 member(3, born=dt.date(1986, 3, 5)))  # fmt: skip
    assert [r.status for r in plan.rows] == [NEW, DUPLICATE, NEW]
    assert "2" in plan.rows[1].match  # names the row it repeats
    # The cadre may add her twice all the same (two women of the same name and birth).
    plan = _plan(cast, tmp_path, member(1), member(2), add_duplicates={"DS!3"})
    assert [r.status for r in plan.rows] == [NEW, NEW]


def test_it_counts_each_kind_of_row(cast: Cast, tmp_path: Path) -> None:
    _binh(cast)
    plan = _plan(cast, tmp_path, member(1, cid=CID, phone="0987654321"),
                 member(2, "Trần Thị Ánh"), member(3, "Lê Thị Hoa", cid=241234567))  # fmt: skip
    assert plan.summary() == {"new": 1, "update": 1, "unchanged": 0, "duplicate": 0, "error": 1,
                              "rows": 3}  # fmt: skip


def test_namesakes_are_found_pair_by_pair_across_batches(cast: Cast) -> None:
    """Hundreds of (name, year) pairs go in batches of unequal size: each finds her namesake born
    that year, never one born another year."""
    from hoiso.core.text import fold
    from hoiso.members.importing.matching import _namesakes

    lan = make_member(cast.branch_a1, "Nguyễn Thị Lan", birth_date=dt.date(1980, 5, 1))
    make_member(cast.branch_a1, "Nguyễn Thị Lan", birth_date=dt.date(1981, 5, 1), phone="")
    hoa = make_member(cast.branch_a2, "Trần Thị Hoa", birth_date=dt.date(1975, 1, 2))
    pairs = {(f"nguoi so {i}", 1950 + i % 40) for i in range(450)}
    pairs |= {(fold("Nguyễn Thị Lan"), 1980), (fold("Trần Thị Hoa"), 1975)}
    found = _namesakes(cast.province, pairs)
    assert sorted(m["pk"] for m in found) == sorted([lan.pk, hoa.pk])
