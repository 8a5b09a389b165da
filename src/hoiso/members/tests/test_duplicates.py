"""Who may already be a member: one rule, given the same answer by the admission form and by the
import; and the import names a possible duplicate only where the form would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils.translation import gettext, override

from hoiso.accounts.models import User
from hoiso.conftest import Cast, make_member
from hoiso.core.sheets import read
from hoiso.members.duplicates import Person, Reason, same_person
from hoiso.members.importing import memory
from hoiso.members.importing.analysis import analyse
from hoiso.members.importing.plan import DUPLICATE, NEW, Setup
from hoiso.members.models import MemberImport
from hoiso.members.services import DuplicateWarning, member_admit, member_remove
from hoiso.members.tests.test_import_files import xlsx
from hoiso.units.models import Unit

BORN = dt.date(1985, 3, 5)
HEADER = ["Họ và tên", "Ngày sinh", "Số CCCD", "SĐT", "Chi hội"]

# (the member on record, the person being added, may she be the same?): each side is
# (full name, birth date or year, phone, citizen ID).
CASES: list[tuple[tuple[Any, ...], tuple[Any, ...], bool]] = [
    (("Nguyễn Thị Lan Anh", BORN, "0912345678", ""),
     ("Nguyen Thi Lan Ahn", dt.date(1990, 1, 1), "0912345678", ""), True),  # a typo, one phone
    (("Nguyễn Thị Bình", BORN, "0912345678", ""),
     ("Nguyễn Bình", dt.date(1986, 1, 1), "0912345678", ""), True),  # the same given name
    (("Nguyễn Thị Bình", BORN, "0912345678", ""),
     ("Nguyễn T. Bình", dt.date(1986, 1, 1), "+84 912 345 678", ""), True),
    (("Nguyễn Thị Bình", BORN, "0912345678", ""),
     ("Nguyễn Thị Hoa", dt.date(1986, 1, 1), "0912345678", ""), False),  # her sister
    (("Nguyễn Thị Bình", BORN, "0912345678", ""),
     ("Lê Thị Hương", dt.date(1958, 2, 2), "0912345678", ""), False),  # her mother-in-law
    (("Nguyễn Thị Bình", BORN, "", ""), ("nguyen  thi BINH", BORN, "", ""), True),
    (("Nguyễn Thị Bình", 1985, "", ""), ("Nguyễn Thị Bình", BORN, "", ""), True),
    (("Nguyễn Thị Bình", BORN, "", ""), ("Nguyễn Thị Bình", 1985, "", ""), True),
    (("Nguyễn Thị Bình", BORN, "", ""), ("Nguyễn Thị Bình", dt.date(1985, 9, 9), "", ""), False),
    (("Nguyễn Thị Bình", BORN, "", ""), ("Nguyễn Thị Bình", dt.date(1990, 1, 1), "", ""), False),
    (("Nguyễn Thị Bình", BORN, "", ""), ("Nguyễn Thị Bình Minh", BORN, "", ""), False),
    (("Nguyễn Thị Bình", BORN, "0912345678", ""),
     ("Nguyễn Thị Bình", dt.date(1990, 1, 1), "0912345678", ""), True),
    (("Nguyễn Thị Bình", BORN, "0912345678", ""),
     ("Trần Thị Bình", dt.date(1990, 1, 1), "0987654321", ""), False),
]  # fmt: skip
IDS = [f"{old[0]}|{new[0]}|{new[1]}" for old, new, _same in CASES]


def _record(side: tuple[Any, ...]) -> dict[str, Any]:
    name, born, phone, cid = side
    birth = (
        {"birth_date": born}
        if isinstance(born, dt.date)
        else {"birth_date": None, "birth_year": born}
    )
    return {"full_name": name, "phone": phone, "citizen_id": cid, **birth}


def _form_says(cast: Cast, new: tuple[Any, ...]) -> bool:
    data = {**_record(new), "join_date": dt.date(2010, 1, 1)}
    try:
        member_admit(actor=cast.hoa, branch=cast.branch_a2, data=data)
    except DuplicateWarning:
        return True
    return False


def _import_says(cast: Cast, new: tuple[Any, ...], tmp_path: Path) -> bool:
    name, born, phone, cid = new
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, [name, born, cid, phone, "Buôn Ea Sinh"]]})
    (row,) = analyse(read(path), Setup(unit=cast.commune_a)).rows
    assert row.status in (NEW, DUPLICATE), row.problems
    return row.status == DUPLICATE


@pytest.mark.parametrize(("old", "new", "same"), CASES, ids=IDS)
def test_the_form_and_the_import_give_the_same_answer(
    cast: Cast, tmp_path: Path, old: tuple[Any, ...], new: tuple[Any, ...], same: bool
) -> None:
    make_member(cast.branch_a1, **_record(old))
    # The import first: the form admits her when it sees no duplicate.
    by_import = _import_says(cast, new, tmp_path)
    assert (_form_says(cast, new), by_import) == (same, same)


def test_the_rule_says_why_two_records_may_be_one_person() -> None:
    binh = Person.of(full_name="Nguyễn Thị Bình", birth_date=BORN, phone="0912345678")
    assert same_person(Person.of(full_name="Nguyễn Thị Bình", birth_year=1985), binh) == (
        Reason.NAME_BIRTH
    )
    assert same_person(Person.of(full_name="Nguyễn Thị Bính", phone="0912345678"), binh) == (
        Reason.PHONE_NAME
    )
    assert same_person(Person.of(full_name="Trần Thị Hà", citizen_id="1"),
                       Person.of(full_name="Lê Thị Cúc", citizen_id="1")) == Reason.CITIZEN_ID  # fmt: skip
    assert same_person(Person.of(full_name="Nguyễn Thị Bình"), binh) is None


def test_a_removed_members_citizen_id_is_checked_by_both(cast: Cast, tmp_path: Path) -> None:
    cid = "066185000123"
    cuc = make_member(cast.branch_a1, "Lê Thị Cúc", citizen_id=cid)
    member_remove(actor=None, member=cuc, reason="moved_away")
    new = ("Phan Thị Dung", BORN, "", cid)
    by_import = _import_says(cast, new, tmp_path)
    assert (_form_says(cast, new), by_import) == (True, True)


# --- What the import says of a possible duplicate outside the cadre's scope ---------------------


def _analysed_by(user: User, unit: Unit, row: list[Any], tmp_path: Path) -> str:
    imp = MemberImport(user=user, unit=unit)
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, row]})
    with override("vi"):
        (found,) = analyse(read(path), memory.remembered_setup(unit, imp)).rows
        assert found.status == DUPLICATE, found.problems
        return found.match


def _what_the_form_says(commune: str) -> str:
    with override("vi"):
        return (gettext("This person may already be a member:") + " "
                + gettext("a member of another unit (%(commune)s); ask the province if unsure")
                % {"commune": commune})  # fmt: skip


@pytest.mark.parametrize(
    "row",
    [
        # By the citizen ID of a removed member of commune B.
        ["Phan Thị Dung", BORN, "066185000123", "", "Thôn 1"],
        # By her phone and a similar name.
        ["Lê Thị Cuc", dt.date(1990, 1, 1), "", "0912345678", "Thôn 1"],
        # By her name and birth.
        ["Lê Thị Cúc", BORN, "", "", "Thôn 1"],
    ],
    ids=["citizen-id", "phone", "name-birth"],
)
def test_the_import_does_not_name_a_member_outside_the_cadres_scope(
    cast: Cast, tmp_path: Path, row: list[Any]
) -> None:
    cuc = make_member(cast.branch_b1, "Lê Thị Cúc", citizen_id="066185000123", phone="0912345678")
    if row[2]:
        member_remove(actor=cast.thu, member=cuc, reason="moved_away")
    said = _analysed_by(cast.hoa, cast.commune_a, row, tmp_path)
    assert "Cúc" not in said
    assert said == _what_the_form_says("xã Krông Pắc")
    # The province's cadre serves both communes: she is told who it is.
    assert "Lê Thị Cúc" in _analysed_by(cast.lan, cast.commune_a, row, tmp_path)


def test_a_hidden_former_member_can_be_added_anyway_as_the_form_allows(
    cast: Cast, tmp_path: Path
) -> None:
    cuc = make_member(cast.branch_b1, "Lê Thị Cúc", citizen_id="066185000123")
    member_remove(actor=cast.thu, member=cuc, reason="moved_away")
    path = xlsx(tmp_path / "ds.xlsx", {"DS": [HEADER, ["Phan Thị Dung", BORN, "066185000123",
                                                       "", "Thôn 1"]]})  # fmt: skip
    imp = MemberImport(user=cast.hoa, unit=cast.commune_a)
    setup = memory.remembered_setup(cast.commune_a, imp)
    setup.add_duplicates = {"DS!2"}
    (row,) = analyse(read(path), setup).rows
    assert row.status == NEW, row.problems
