"""Branches from the first list: a commune's villages that are not branches yet are offered for
creation (their names cleaned), each with its rows; nothing is created before the cadre confirms
the import, and the branches and the members are written together or not at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoiso.conftest import PASSWORD, Cast, make_unit
from hoiso.core.models import AuditEvent
from hoiso.members.importing import write
from hoiso.members.importing.new_branches import new_branch_name
from hoiso.members.importing.places import branch_key
from hoiso.members.importing.plan import ERROR, NEW
from hoiso.members.models import ImportMemory, ImportStatus, Member, MemberImport
from hoiso.members.tests.test_import_files import HEADER, member, plan_of, xlsx
from hoiso.units.models import Level, Unit


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("CHI HỘI THÔN 3", "Chi hội Thôn 3"),
        ("thôn 03", "Chi hội Thôn 3"),
        ("Thôn số 3", "Chi hội Thôn 3"),
        ("Chi hội PN buôn ea kmar", "Chi hội Buôn Ea Kmar"),
        ("  Thôn   Mỹ  Thạnh ", "Chi hội Thôn Mỹ Thạnh"),
        ("BUÔN H'MAI", "Chi hội Buôn H'Mai"),
        ("Buôn Ea H'Dinh", "Chi hội Buôn Ea H'Dinh"),  # mixed case: kept as typed
        ("Tổ dân phố 5", "Chi hội Tổ dân phố 5"),
        # Abbreviations and bare numbers say no place for sure: never a branch by themselves.
        ("T3", ""),
        ("3", ""),
        ("Chi hội 3", ""),
    ],
)
def test_it_cleans_a_village_name_into_a_branch_name(written: str, name: str) -> None:
    assert new_branch_name(written) == name


@pytest.fixture
def empty_commune(cast: Cast) -> Unit:
    """A commune as a province starts: no branches yet."""
    return make_unit(cast.province, Level.COMMUNE, "24400", "Xã Cư Huê")


def _key(commune: Unit, name: str) -> str:
    return f"{commune.pk}:{branch_key(name)}"


def test_a_list_for_a_commune_without_branches_offers_each_village(
    cast: Cast, tmp_path: Path, empty_commune: Unit
) -> None:
    rows = [HEADER, member(1, "Lê Thị Hoa", branch="THÔN 3"), member(2, "Đỗ Thị Mơ", branch="thon 3"),
            member(3, "Vi Thị Bảo", branch="Buôn Ea Kmar"), member(4, "Hà Thị Cúc", branch="T3")]  # fmt: skip
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), empty_commune)
    assert [r.status for r in plan.rows] == [ERROR] * 4
    assert plan.creatable == {
        _key(empty_commune, "Thôn 3"): "Chi hội Thôn 3",
        _key(empty_commune, "Buôn Ea Kmar"): "Chi hội Buôn Ea Kmar",
    }
    assert plan.branch_rows[_key(empty_commune, "Thôn 3")] == 2
    assert _key(empty_commune, "T3") in plan.unknown_branches  # asked, but not offered
    # Chosen: the rows are new, in the branch to come; nothing exists yet.
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), empty_commune,
                   create_branches={_key(empty_commune, "Thôn 3")})  # fmt: skip
    assert [r.status for r in plan.rows] == [NEW, NEW, ERROR, ERROR]
    assert plan.to_create == {_key(empty_commune, "Thôn 3"): ("Chi hội Thôn 3", empty_commune.pk)}
    assert not Unit.objects.filter(parent=empty_commune).exists()


def test_two_spellings_of_one_name_are_never_merged_into_one_branch(
    cast: Cast, tmp_path: Path, empty_commune: Unit
) -> None:
    rows = [HEADER, member(1, "Lê Thị Hoa", branch="Thôn Mỹ Thạnh"),
            member(2, "Đỗ Thị Mơ", branch="Thôn Mỹ Thanh"), member(3, "Vi Thị Bảo", branch="thon my thanh")]  # fmt: skip
    key = _key(empty_commune, "Thôn Mỹ Thạnh")
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), empty_commune, create_branches={key})
    assert key not in plan.creatable and key not in plan.to_create
    assert [r.status for r in plan.rows] == [ERROR] * 3


def test_a_near_spelling_of_a_branch_stays_a_proposal(cast: Cast, tmp_path: Path) -> None:
    rows = [HEADER, member(1, "Lê Thị Hoa", branch="Buôn Ea Sin")]
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a)
    key = _key(cast.commune_a, "Buôn Ea Sin")
    assert plan.branch_proposals == {key: cast.branch_a2.pk} and key not in plan.creatable


def test_a_role_that_may_not_add_branches_is_not_offered_them(cast: Cast, tmp_path: Path) -> None:
    rows = [HEADER, member(1, "Lê Thị Hoa", branch="Thôn 9")]
    plan = plan_of(xlsx(tmp_path / "ds.xlsx", {"DS": rows}), cast.commune_a,
                   may_create_branches=False, create_branches={_key(cast.commune_a, "Thôn 9")})  # fmt: skip
    assert plan.creatable == {} and plan.to_create == {}
    assert plan.rows[0].status == ERROR


# --- Through the pages ---------------------------------------------------------------------------


def _upload(rows: list[tuple[str, str]]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ("Họ và tên", "Năm sinh", "Thôn, buôn"))
    for i, (name, village) in enumerate(rows, start=1):
        sheet.write_row(i, 0, (name, 1985, village))
    book.close()
    return SimpleUploadedFile("ds.xlsx", buffer.getvalue())


LIST = [("Lê Thị Hoa", "THÔN 3"), ("Trần Thị Ánh", "Thôn 3"), ("Đỗ Thị Mơ", "buôn ea kmar"),
        ("Vi Thị Bảo", "Thôn 4")]  # fmt: skip


def _start_and_choose(client, cast: Cast, commune: Unit, *, create: list[str]) -> MemberImport:  # type: ignore[no-untyped-def]
    client.login(username="lan", password=PASSWORD)
    code = commune.code
    client.post(reverse("members:import_new", args=[code]), {"file": _upload(LIST)})
    imp = MemberImport.objects.latest("created_at")
    assert (imp.summary["new"], imp.summary["error"]) == (0, 4)
    page = client.get(reverse("members:import", args=[code, imp.pk])).content.decode()
    assert "Tạo chi hội mới: Chi hội Thôn 3" in page
    answers = {f"branch:{_key(commune, v)}": "new" for v in create}
    client.post(reverse("members:import_decide", args=[code, imp.pk]), answers)
    imp.refresh_from_db()
    return imp


@pytest.mark.django_db(transaction=True)
def test_the_cadre_confirms_and_her_branches_are_made_with_their_members(
    client, cast: Cast, empty_commune: Unit
) -> None:
    imp = _start_and_choose(client, cast, empty_commune, create=["Thôn 3", "Buôn Ea Kmar"])
    assert (imp.summary["new"], imp.summary["error"]) == (3, 1)
    page = client.get(reverse("members:import", args=[empty_commune.code, imp.pk])).content.decode()
    assert "Chi hội Thôn 3" in page.split('id="new-branches"')[1] and "2 dòng" in page
    assert not Unit.objects.filter(parent=empty_commune).exists()  # nothing before she confirms
    client.post(reverse("members:import_confirm", args=[empty_commune.code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and imp.summary["branches"] == 2
    made = {u.name: u for u in Unit.objects.filter(parent=empty_commune).active()}
    assert set(made) == {"Chi hội Thôn 3", "Chi hội Buôn Ea Kmar"}
    assert Member.objects.filter(branch=made["Chi hội Thôn 3"]).count() == 2
    assert made["Chi hội Thôn 3"].level == Level.BRANCH
    created = AuditEvent.objects.filter(action="unit.created", data__import=str(imp.pk))
    assert created.count() == 2 and {e.actor_id for e in created} == {cast.lan.pk}
    # A made branch is a branch like any other: the next list finds it by name, nothing asked.
    assert not ImportMemory.objects.filter(unit=empty_commune, value="new").exists()
    client.post(reverse("members:import_new", args=[empty_commune.code]),
                {"file": _upload([("Lý Thị Lan", "thôn 03")])})  # fmt: skip
    again = MemberImport.objects.latest("created_at")
    assert (again.summary["new"], again.summary["error"]) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_nothing_is_created_when_the_cadre_does_not_confirm(
    client, cast: Cast, empty_commune: Unit
) -> None:
    imp = _start_and_choose(client, cast, empty_commune, create=["Thôn 3"])
    client.post(reverse("members:import_cancel", args=[empty_commune.code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CANCELLED
    assert not Unit.objects.filter(parent=empty_commune).exists()
    assert not Member.objects.filter(commune=empty_commune).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_creates_no_branch(
    client, cast: Cast, empty_commune: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    imp = _start_and_choose(client, cast, empty_commune, create=["Thôn 3", "Buôn Ea Kmar"])

    def broken(*args: object, **kwargs: object) -> int:
        # The branches are prepared by now: the failure must take them away too.
        assert Unit.objects.filter(parent=empty_commune).count() == 2
        assert not Unit.objects.filter(parent=empty_commune).active().exists()
        raise RuntimeError("disk full")

    monkeypatch.setattr(write, "stage", broken)
    client.post(reverse("members:import_confirm", args=[empty_commune.code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED
    assert not Unit.objects.filter(parent=empty_commune).exists()
    assert not AuditEvent.objects.filter(action="unit.created", data__import=str(imp.pk)).exists()
    assert not Member.objects.filter(commune=empty_commune).exists()


@pytest.mark.django_db(transaction=True)
def test_a_branch_added_by_hand_before_the_write_receives_the_rows(
    client, cast: Cast, empty_commune: Unit
) -> None:
    imp = _start_and_choose(client, cast, empty_commune, create=["Thôn 3"])
    by_hand = make_unit(empty_commune, Level.BRANCH, "24400-99", "Chi hội Thôn 3")
    client.post(reverse("members:import_confirm", args=[empty_commune.code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and "branches" not in imp.summary
    assert list(Unit.objects.filter(parent=empty_commune)) == [by_hand]
    assert Member.objects.filter(branch=by_hand).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_branch_added_by_hand_during_the_write_fails_it_and_nothing_is_created(
    client, cast: Cast, empty_commune: Unit, monkeypatch: pytest.MonkeyPatch
) -> None:
    imp = _start_and_choose(client, cast, empty_commune, create=["Thôn 3"])
    stage = write.stage

    def meanwhile(*args: object, **kwargs: object) -> int:
        make_unit(empty_commune, Level.BRANCH, "24400-99", "Chi hội Thôn 3")
        return stage(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(write, "stage", meanwhile)
    client.post(reverse("members:import_confirm", args=[empty_commune.code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and "Chi hội Thôn 3" in imp.error
    assert [u.code for u in Unit.objects.filter(parent=empty_commune)] == ["24400-99"]
    assert not Member.objects.filter(commune=empty_commune).exists()
