"""What the member table can hold, checked before it is asked: a value longer than its column or
holding a control character is a row error naming its cell, the other rows go on, and the write
then succeeds on SQLite and PostgreSQL alike (PostgreSQL refuses both; SQLite stored them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from hoiso.conftest import Cast, make_member
from hoiso.members.importing import files, jobs
from hoiso.members.importing.plan import ERROR, NEW, UPDATE
from hoiso.members.models import ImportStatus, Member, MemberImport
from hoiso.members.services import member_update
from hoiso.members.tests.test_import_files import HEADER, member, plan_of, xlsx

# The usual columns, then the free-text ones the record keeps.
WIDE = [*HEADER, "Địa chỉ", "Thôn", "Số thẻ", "Nghề nghiệp"]
EXTRA = ("address", "village", "card", "occupation")
LONG_NAME = "Nguyễn Thị " + "Hoàng " * 25 + "Anh"  # 164 characters


def row(n: int, name: str = "", **cells: Any) -> list[Any]:
    """A valid woman under WIDE, each named cell replaced."""
    names = ["Lê Thị Hoa", "Trần Thị Ánh", "Đỗ Thị Mơ", "Vi Thị Bảo", "Hà Thị Cúc", "Lò Thị Én",
             "Phan Thị Gấm", "Võ Thị Hạnh", "Lý Thị Lan", "Mai Thị Nga"]  # fmt: skip
    base = member(n, name or names[n % len(names)], **{k: v for k, v in cells.items()
                                                        if k not in EXTRA})  # fmt: skip
    return [*base, *(cells.get(k, "") or None for k in EXTRA)]


# (cells of the bad row, the cell named, what the message says in Vietnamese)
CASES = [
    ({"name": LONG_NAME}, "Họ và tên (B3)", "dài 164 ký tự, tối đa 100"),
    ({"name": "Nguyễn Thị\x00 Bình"}, "Họ và tên (B3)", "ký tự thứ 11"),
    ({"name": "Nguyễn Thị\x1b Bình"}, "Họ và tên (B3)", "ký tự thứ 11"),
    ({"phone": "0912\x07345678"}, "SĐT (E3)", "ký tự thứ 5"),
    ({"address": "Thôn 1\x00, xã Ea Đar"}, "Địa chỉ (I3)", "ký tự thứ 7"),
    ({"address": "Thôn 1\x9f xã Ea Đar"}, "Địa chỉ (I3)", "ký tự thứ 7"),
    ({"address": "Thôn 1, " + "đường Hùng Vương " * 12}, "Địa chỉ (I3)", "tối đa 200"),
    ({"village": "Thôn " + "Ea " * 40}, "Thôn (J3)", "tối đa 100"),
    ({"card": "PN-2025-000000001234567"}, "Số thẻ (K3)", "dài 23 ký tự, tối đa 20"),
    ({"occupation": "Nông\x00dân"}, "Nghề nghiệp (L3)", "ký tự thứ 5"),
    ({"occupation": "Làm nông " * 12}, "Nghề nghiệp (L3)", "tối đa 100"),
]
IDS = ["long-name", "nul-name", "esc-name", "bell-phone", "nul-address", "c1-address",
       "long-address", "long-village", "long-card", "nul-occupation", "long-occupation"]  # fmt: skip


def _bad_and_good(cells: dict[str, Any]) -> list[list[Any]]:
    return [WIDE, row(1), row(2, **cells), row(3)]


@pytest.mark.parametrize(("cells", "where", "says"), CASES, ids=IDS)
def test_a_value_the_table_cannot_hold_is_a_row_error_naming_its_cell(
    cast: Cast, tmp_path: Path, cells: dict[str, Any], where: str, says: str
) -> None:
    with override("vi"):
        plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": _bad_and_good(cells)}), cast.commune_a)
    assert [r.status for r in plan.rows] == [NEW, ERROR, NEW], [r.problems for r in plan.rows]
    problems = plan.rows[1].problems
    assert any(h == where and says in m for h, m in problems), problems


def test_a_long_name_reads_as_the_issue_asks(cast: Cast, tmp_path: Path) -> None:
    rows = [WIDE, *[row(n) for n in range(1, 6)], row(6, LONG_NAME)]
    with override("vi"):
        plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a)
    assert plan.rows[-1].problems == [("Họ và tên (B7)", "dài 164 ký tự, tối đa 100.")]


def test_an_update_longer_than_the_column_is_a_row_error(cast: Cast, tmp_path: Path) -> None:
    make_member(cast.branch_a1, "Nguyễn Thị Bình", card_number="PN-1")
    rows = [WIDE, row(1, "Nguyễn Thị Bình", card="PN-1", occupation="Giáo viên"),
            row(2, "Nguyễn Thị Bình", card="PN-1", address="x" * 201)]  # fmt: skip
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows[:2]}), cast.commune_a)
    assert plan.rows[0].status == UPDATE
    plan = plan_of(xlsx(tmp_path / "ds2.xlsx", {"DS": [WIDE, rows[2]]}), cast.commune_a)
    assert plan.rows[0].status == ERROR


def test_line_breaks_and_tabs_in_a_cell_are_spaces_not_errors(cast: Cast, tmp_path: Path) -> None:
    rows = [WIDE, row(1, "Nguyễn Thị\nBình", address="Thôn 1,\r\n\txã Ea Đar")]
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a)
    [found] = plan.rows
    assert found.status == NEW, found.problems
    assert (found.name, found.values["address"]) == ("Nguyễn Thị Bình", "Thôn 1, xã Ea Đar")


@pytest.fixture
def upload(cast: Cast, settings: Any, tmp_path: Path) -> Callable[..., MemberImport]:
    settings.VAR_DIR = settings.MEDIA_ROOT = tmp_path

    def make(rows: list[list[Any]]) -> MemberImport:
        imp = MemberImport.objects.create(user=cast.hoa, unit=cast.commune_a, filename="DS.xlsx",
                                          language="vi", status=ImportStatus.ANALYSING)  # fmt: skip
        xlsx(files.source_path(imp), {"DS": rows})
        return imp

    return make


def test_the_whole_import_writes_its_valid_rows_whatever_the_bad_ones_hold(
    cast: Cast, upload: Callable[..., MemberImport]
) -> None:
    bad = [row(10 + i, **cells) for i, (cells, _where, _says) in enumerate(CASES)]
    imp = upload([WIDE, row(1), *bad, row(2)])
    jobs.analyse_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PREVIEW, imp.error
    assert (imp.summary["new"], imp.summary["error"]) == (2, len(CASES))
    jobs.commit_import.call(str(imp.pk))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE, imp.error
    assert imp.summary["added"] == 2
    assert set(Member.objects.values_list("full_name", flat=True)) == {"Trần Thị Ánh", "Đỗ Thị Mơ"}


# --- The member form and services hold the same limits ----------------------------------------


def test_the_member_record_refuses_a_control_character_on_its_field(cast: Cast) -> None:
    binh = make_member(cast.branch_a1)
    for field, value in (("full_name", "Nguyễn Thị\x07 Bình"), ("address", "Thôn\x00 1"),
                         ("occupation", "Nông\x1bdân")):  # fmt: skip
        with pytest.raises(ValidationError) as e:
            member_update(actor=cast.hoa, member=binh, data={field: value})
        assert field in e.value.message_dict, e.value.message_dict
        binh.refresh_from_db()
        assert "\x00" not in binh.address


def test_the_member_record_refuses_a_name_longer_than_its_column(cast: Cast) -> None:
    binh = make_member(cast.branch_a1)
    with pytest.raises(ValidationError) as e:
        member_update(actor=cast.hoa, member=binh, data={"full_name": LONG_NAME})
    assert "full_name" in e.value.message_dict
