"""Branch names that are not exactly a branch's: a word added or dropped ("Thôn Mỹ Thạnh Tây") is
another place and matches nothing; a near spelling ("Thôn Mỹ Thanh") is only proposed, its rows
wait for the cadre's answer, and the answer she confirms is remembered.

On a real field list, "Thôn Mỹ Thạnh Tây" was taken for "Thôn Mỹ Thạnh" at 0.88 similarity and
its 192 women went into the wrong branch, counted as plain new."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoiso.conftest import PASSWORD, Cast, make_unit
from hoiso.members.importing.places import BranchFound, BranchIndex, branch_key
from hoiso.members.importing.plan import ERROR, NEW, Plan
from hoiso.members.models import ImportMemory, ImportStatus, Member, MemberImport
from hoiso.members.tests.test_import_files import HEADER, member, plan_of, xlsx
from hoiso.units.models import Level, Unit

BRANCHES = {1: "Chi hội Thôn Mỹ Thạnh", 2: "Chi hội Thôn Trung", 3: "Chi hội Thôn 2",
            4: "Chi hội Buôn Ea Kmar", 5: "Chi hội Thôn Thanh Hòa", 6: "Chi hội Thôn 5"}  # fmt: skip


def _find(name: str) -> tuple[int, bool] | None:
    found = BranchIndex(BRANCHES.items()).find(name)
    return (found.pk, found.exact) if found else None


@pytest.mark.parametrize(
    ("cell", "found"),
    [
        # Exact once the prefix, zeros, case and a name typed without accents are set aside.
        ("Thôn Mỹ Thạnh", (1, True)),
        ("CHI HỘI THÔN MỸ THẠNH", (1, True)),
        ("thon my thanh", (1, True)),
        ("Thôn 02", (3, True)),
        ("thôn số 2", (3, True)),
        ("Buôn Eakmar", (4, True)),
        ("Thôn Thanh Hoà", (5, True)),  # the old place of the tone mark is the same spelling
        # A word added or dropped is another place, never a typo.
        ("Thôn Mỹ Thạnh Tây", None),
        ("Thôn Mỹ Thạnh Đông", None),
        ("Thôn Mỹ Thạnh Mới", None),
        ("Thôn Mỹ Thạnh 2", None),
        ("Thôn Mỹ", None),
        ("Thôn Trung Thượng", None),
        ("Thôn Thanh Hòa Ngoài", None),
        # A qualifier or a number in place of another is no typo either.
        ("Thôn Trong", None),  # 0.89 like "Thôn Trung", and the opposite place
        ("Thôn 12", None),
        ("Thôn 2A", None),
        ("Thôn 6", None),
        # A near spelling is proposed, never applied by itself.
        ("Thôn Mỹ Thanh", (1, False)),
        ("Mỹ Thạnh", (1, False)),
        ("Buôn Ea Kma", (4, False)),
        ("Buôn Ea Kmar", (4, True)),
    ],
)
def test_it_matches_exactly_proposes_or_refuses(cell: str, found: tuple[int, bool] | None) -> None:
    assert _find(cell) == found


def test_it_proposes_nothing_when_two_branches_are_as_near() -> None:
    index = BranchIndex([(1, "Thôn Mỹ Thạnh"), (2, "Thôn Mỹ Thành")])
    assert index.find("Thôn Mỹ Thanh") is None
    assert index.find("Thôn Mỹ Thành") == index.find("thôn mỹ thành")


@pytest.fixture
def my_thanh(cast: Cast) -> Unit:
    return make_unit(cast.commune_a, Level.BRANCH, "24373-30", "Chi hội Thôn Mỹ Thạnh")


def _plan(tmp_path: Path, cast: Cast, cells: list[str], **setup: object) -> Plan:
    names = ["Lê Thị Hoa", "Trần Thị Ánh", "Đỗ Thị Mơ", "Vi Thị Bảo"]
    rows = [HEADER, *(member(i, names[i], branch=c) for i, c in enumerate(cells))]
    return plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a, **setup)


def test_a_village_with_a_word_more_is_asked_about_with_nothing_proposed(
    cast: Cast, tmp_path: Path, my_thanh: Unit
) -> None:
    plan = _plan(tmp_path, cast, ["Thôn Mỹ Thạnh Tây", "Thôn Mỹ Thạnh Tây", "Thôn Mỹ Thạnh"])
    assert [(r.status, r.branch_id) for r in plan.rows] == [
        (ERROR, None), (ERROR, None), (NEW, my_thanh.pk)
    ]  # fmt: skip
    key = f"{cast.commune_a.pk}:{branch_key('Thôn Mỹ Thạnh Tây')}"
    assert key in plan.unknown_branches and key not in plan.branch_proposals
    assert plan.branch_rows[key] == 2


def test_a_near_spelling_is_proposed_and_its_rows_wait(
    cast: Cast, tmp_path: Path, my_thanh: Unit
) -> None:
    plan = _plan(tmp_path, cast, ["Thôn Mỹ Thanh", "Thôn Mỹ Thanh", "Thôn 1"])
    key = f"{cast.commune_a.pk}:{branch_key('Thôn Mỹ Thanh')}"
    assert plan.branch_proposals == {key: my_thanh.pk}
    assert plan.branch_rows[key] == 2
    assert [r.status for r in plan.rows] == [ERROR, ERROR, NEW]
    assert plan.rows[0].branch_id is None
    assert "Chi hội Thôn Mỹ Thạnh" in plan.rows[0].problems[0][1]
    # Confirmed, the rows go there.
    plan = _plan(tmp_path, cast, ["Thôn Mỹ Thanh", "Thôn Mỹ Thanh"],
                 branch_choices={key: my_thanh.pk})  # fmt: skip
    assert [(r.status, r.branch_id) for r in plan.rows] == [(NEW, my_thanh.pk)] * 2


# --- Through the pages ---------------------------------------------------------------------------


def _upload(names_and_branches: list[tuple[str, str]]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ("Họ và tên", "Năm sinh", "Chi hội"))
    for i, (name, branch) in enumerate(names_and_branches, start=1):
        sheet.write_row(i, 0, (name, 1985, branch))
    book.close()
    return SimpleUploadedFile("ds.xlsx", buffer.getvalue())


@pytest.mark.django_db(transaction=True)
def test_the_cadre_confirms_a_proposed_branch_and_it_is_remembered(
    client, cast: Cast, my_thanh: Unit
) -> None:
    client.login(username="hoa", password=PASSWORD)
    code = cast.commune_a.code

    def start(rows: list[tuple[str, str]]) -> MemberImport:
        response = client.post(reverse("members:import_new", args=[code]), {"file": _upload(rows)})
        assert response.status_code == 302
        return MemberImport.objects.latest("created_at")

    rows = [("Lê Thị Hoa", "Thôn Mỹ Thanh"), ("Trần Thị Ánh", "Thôn Mỹ Thanh"),
            ("Đỗ Thị Mơ", "Thôn Mỹ Thanh"), ("Vi Thị Bảo", "Thôn Mỹ Thạnh Tây"),
            ("Hà Thị Cúc", "Thôn 1")]  # fmt: skip
    imp = start(rows)
    assert (imp.summary["new"], imp.summary["error"]) == (1, 4)
    page = client.get(reverse("members:import", args=[code, imp.pk])).content.decode()
    near = f"{cast.commune_a.pk}:{branch_key('Thôn Mỹ Thanh')}"
    far = f"{cast.commune_a.pk}:{branch_key('Thôn Mỹ Thạnh Tây')}"
    proposal = page.split(f'name="branch:{near}"')[1].split("</select>")[0]
    assert f'<option value="{my_thanh.pk}" selected>' in proposal
    assert "3 dòng" in page.split(f'name="branch:{near}"')[0].rsplit("<label", 1)[1]
    assert "selected" not in page.split(f'name="branch:{far}"')[1].split("</select>")[0]
    # Nothing is applied until she answers; she confirms the proposal and leaves the other.
    client.post(reverse("members:import_decide", args=[code, imp.pk]),
                {f"branch:{near}": str(my_thanh.pk), f"branch:{far}": ""})  # fmt: skip
    imp.refresh_from_db()
    assert (imp.summary["new"], imp.summary["error"]) == (4, 1)
    client.post(reverse("members:import_confirm", args=[code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and imp.summary["added"] == 4
    assert Member.objects.filter(branch=my_thanh).count() == 3
    assert ImportMemory.objects.filter(
        unit=cast.commune_a, kind="branch", key=near, value=str(my_thanh.pk)
    ).exists()
    # Next time the name is known: its rows are new at once.
    again = start([("Lý Thị Lan", "Thôn Mỹ Thanh")])
    assert (again.summary["new"], again.summary["error"]) == (1, 0)


def test_only_the_kind_of_place_in_front_is_set_aside() -> None:
    index = BranchIndex([(1, "Chi hội Tổ dân phố Dân Chủ"), (2, "Chi hội Thôn Chủ")])
    assert index.find("Thôn Dân Chủ") == BranchFound(1, exact=False)
    assert index.find("Dân Chủ") == BranchFound(1, exact=False)
    assert index.find("Khu phố Chủ") == BranchFound(2, exact=False)
