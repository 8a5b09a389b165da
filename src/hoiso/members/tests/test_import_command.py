"""The import from the command line, and the template a cadre downloads."""

import io
import json

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.urls import reverse

from hoiso.conftest import PASSWORD
from hoiso.core.models import AuditEvent
from hoiso.core.sheets import read
from hoiso.members.importing.headers import find_layout
from hoiso.members.importing.template import build
from hoiso.members.models import ImportStatus, Member, MemberImport

pytestmark = pytest.mark.django_db


def _list(path, rows):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Họ tên", "Năm sinh", "Chi hội", "Số CCCD"])
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return path


def _run(*args):
    out = io.StringIO()
    call_command("import_members", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_summary_writes_the_errors_beside_the_file_and_nothing_else(
    cast, tmp_path
):
    path = _list(tmp_path / "xa.xlsx", [["Lò Thị Ánh", 1980, "Thôn 1", ""],
                                        ["Vi Thị Bảo", 1981, "Thôn 1", "123"]])  # fmt: skip
    out = _run(str(path), "--unit", cast.commune_a.code, "--dry-run")
    assert "mới / new:                   1" in out
    assert "lỗi / errors:                1" in out
    assert "dry run: nothing written" in out
    errors = read(tmp_path / "xa-loi.xlsx")[0].rows
    assert errors[1][0] == "Vi Thị Bảo" and "12" in errors[1][-1]
    assert not Member.objects.exists()


def test_without_dry_run_it_writes_the_good_rows_and_reports_json(cast, tmp_path):
    path = _list(tmp_path / "xa.xlsx", [["Lò Thị Ánh", 1980, "Thôn 1", ""]])
    result = json.loads(_run(str(path), "--unit", cast.commune_a.code, "--json"))
    assert result["new"] == 1 and result["added"] == 1 and not result["dry_run"]
    member = Member.objects.get()
    assert (member.full_name, member.birth_year, member.branch) == (
        "Lò Thị Ánh",
        1980,
        cast.branch_a1,
    )


def test_it_writes_through_the_pages_staged_write_as_an_import_of_the_operator(cast, tmp_path):
    path = _list(tmp_path / "xa.xlsx", [["Lò Thị Ánh", 1980, "Thôn 1", ""]])
    _run(str(path), "--unit", cast.commune_a.code)
    imp = MemberImport.objects.get()
    assert (imp.user, imp.unit, imp.status) == (None, cast.commune_a, ImportStatus.DONE)
    assert imp.summary["added"] == 1
    # Staged, then shown: no member is left marked as staged by it.
    assert Member._base_manager.filter(staged_by__isnull=False).count() == 0
    event = AuditEvent.objects.get(action="members.imported")
    assert event.object_id == str(imp.pk) and event.actor is None


def test_it_refuses_an_unknown_unit_and_a_missing_file(cast, tmp_path):
    with pytest.raises(CommandError, match="99999"):
        _run(str(tmp_path / "x.xlsx"), "--unit", "99999")
    with pytest.raises(CommandError, match=r"x\.xlsx"):
        _run(str(tmp_path / "x.xlsx"), "--unit", cast.commune_a.code)


def test_the_template_is_read_back_with_every_column_recognised(cast, tmp_path):
    path = tmp_path / "mau.xlsx"
    path.write_bytes(build(cast.commune_a))
    members, how_to, branches = read(path)
    layout = find_layout(members.rows)
    assert layout is not None
    assert sorted(layout.columns.values()) == sorted([
        "number", "full_name", "birth_date", "sex", "citizen_id", "phone", "ethnicity",
        "religion", "branch", "village", "address", "join_date", "card_number", "education",
        "occupation", "party_member",
    ])  # fmt: skip
    assert len(how_to.rows) > 16
    assert ["Chi hội Thôn 1", "Xã Ea Kar"] in branches.rows


def test_the_template_downloads_for_a_cadre(cast, client):
    client.login(username="hoa", password=PASSWORD)
    response = client.get(reverse("members:import_template", args=[cast.commune_a.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('mau-danh-sach-hoi-vien-24373.xlsx"')
    assert response.content[:2] == b"PK"


# --- A whole province from one folder ----------------------------------------------------------


def _village_list(path, rows, header=("Họ tên", "Năm sinh", "Thôn")):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return path


def test_a_folder_is_routed_file_by_file_and_each_file_is_all_or_nothing(cast, tmp_path):
    from hoiso.conftest import make_unit
    from hoiso.units.models import Level, Unit

    folder = tmp_path / "tinh"
    folder.mkdir()
    # By its name: Ea Kar (and its villages that are no branches yet become branches).
    _village_list(folder / "DS hoi vien xa Ea Kar.xlsx",
                  [["Lò Thị Ánh", 1980, "Thôn 1"], ["Vi Thị Bảo", 1981, "Thôn 7"]])  # fmt: skip
    # By its commune column: no commune in its name (the test's Krông Pắc has not its real code:
    # the address index does not know it, and its row is an error).
    _village_list(folder / "tong-hop.xlsx",
                  [["Hà Thị Cúc", 1982, "Thôn Tân Lập", "Xã Krông Pắc"],
                   ["Lê Thị Dung", 1983, "Thôn 1", "Xã Ea Kar"]],
                  header=("Họ tên", "Năm sinh", "Thôn", "Xã"))  # fmt: skip
    # A name two communes share: reported, not guessed.
    make_unit(cast.province, Level.COMMUNE, "24500", "Phường Hòa Thắng")
    make_unit(cast.province, Level.COMMUNE, "24501", "Xã Hòa Thắng")
    _village_list(folder / "Hoa Thang.xlsx", [["Đỗ Thị Mơ", 1984, "Thôn 1"]])
    (folder / "ghi-chu.txt").write_text("not a list")
    out = _run(str(folder), "--unit", cast.province.code, "--create-branches")
    lines = {line.split(" ")[0]: line for line in out.splitlines()}
    assert "Xã Ea Kar: 2 dòng / rows, 2 mới / added" in out
    assert "1 chi hội mới / branches" in lines["DS"]
    assert "tong-hop.xlsx → theo từng dòng / row by row: 2 dòng / rows, 1 mới" in out
    assert "Hoa Thang.xlsx: KHÔNG NHẬP" in out and "Phường Hòa Thắng (24500)" in out
    assert "Tổng / total: 3 tệp / files (1 không nhập / refused), 4 dòng / rows, 3 mới" in out
    assert Unit.objects.filter(parent=cast.commune_a, name="Chi hội Thôn 7").active().exists()
    assert set(Member.objects.values_list("full_name", "commune__code")) == {
        ("Lò Thị Ánh", "24373"), ("Vi Thị Bảo", "24373"), ("Lê Thị Dung", "24373"),
    }  # fmt: skip
    assert MemberImport.objects.filter(status=ImportStatus.DONE).count() == 2


def test_a_folder_without_create_branches_leaves_unknown_villages_as_errors(cast, tmp_path):
    folder = tmp_path / "tinh"
    folder.mkdir()
    _village_list(folder / "24373.xlsx", [["Lò Thị Ánh", 1980, "Thôn 1"],
                                          ["Vi Thị Bảo", 1981, "Thôn 7"]])  # fmt: skip
    result = json.loads(_run(str(folder), "--unit", cast.province.code, "--json"))
    (only,) = result["files"]
    assert (only["unit"], only["added"], only["error"], only["branches"]) == ("24373", 1, 1, 0)
    assert (folder / "24373-loi.xlsx").exists()
    # The error workbook beside it is not taken for a list the next time.
    again = json.loads(_run(str(folder), "--unit", cast.province.code, "--json", "--dry-run"))
    assert [f["file"] for f in again["files"]] == ["24373.xlsx"]


def test_files_read_ahead_by_a_worker_give_what_reading_them_here_gives(cast, tmp_path):
    folder = tmp_path / "tinh"
    folder.mkdir()
    _village_list(folder / "24373.xlsx", [["Lò Thị Ánh", 1980, "Thôn 1"]])
    (folder / "24190.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    _village_list(folder / "Ea Kar.xlsx", [["Lò Thị Ánh", 1980, "Thôn 1"],
                                           ["Vi Thị Bảo", 1981, "Thôn 1"]])  # fmt: skip
    ahead = json.loads(_run(str(folder), "--unit", cast.province.code, "--json", "--dry-run",
                            "--jobs", "2"))  # fmt: skip
    here = json.loads(_run(str(folder), "--unit", cast.province.code, "--json", "--dry-run",
                           "--jobs", "1"))  # fmt: skip
    for result in (ahead, here):
        for f in result["files"]:
            f.pop("seconds")
    assert ahead == here
    refused = {f["file"]: f.get("refused", "") for f in ahead["files"]}
    assert "Excel" in refused["24190.xlsx"] and not refused["24373.xlsx"]
    # Written for real, file after file: the second file sees the first one's member.
    result = json.loads(_run(str(folder), "--unit", cast.province.code, "--json"))
    by_file = {f["file"]: f for f in result["files"]}
    assert by_file["24373.xlsx"]["added"] == 1
    assert (by_file["Ea Kar.xlsx"]["added"], by_file["Ea Kar.xlsx"]["duplicate"]) == (1, 1)
