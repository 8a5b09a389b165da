"""The import pages through Django's client (tasks run when their transaction commits)."""

import io
import time

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoiso.conftest import PASSWORD
from hoiso.members.importing import files, progress
from hoiso.members.models import ImportMemory, ImportStatus, Member, MemberImport

# Tasks run when their transaction commits: the tests let it commit.
pytestmark = pytest.mark.django_db(transaction=True)


def _upload(rows, header=("Họ và tên", "Năm sinh", "Chi hội"), name="ds.xlsx"):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def hoa(client, cast):
    client.login(username="hoa", password=PASSWORD)
    return client


def _start(client, cast, upload, **data):
    url = reverse("members:import_new", args=[cast.commune_a.code])
    response = client.post(url, {"file": upload, **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    return MemberImport.objects.latest("created_at")


def test_upload_preview_correct_a_column_confirm(hoa, cast):
    # "Tên chi hội cũ" is no header the import knows: the cadre says it holds the branch.
    upload = _upload([["Lò Thị Ánh", 1980, "Thôn 1"], ["Vi Thị Bảo", 1985, "Thôn 1"]],
                     header=("Họ và tên", "Năm sinh", "Tên chi hội cũ"))  # fmt: skip
    imp = _start(hoa, cast, upload)
    assert imp.status == ImportStatus.PREVIEW and imp.summary["error"] == 2
    page = hoa.get(reverse("members:import", args=[cast.commune_a.code, imp.pk])).content.decode()
    assert "Tên chi hội cũ" in page and "Thuộc chi hội nào?" in page
    hoa.post(
        reverse("members:import_decide", args=[cast.commune_a.code, imp.pk]),
        {"header:ten chi hoi cu": "branch"},
    )
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PREVIEW and imp.summary["new"] == 2
    assert not Member.objects.exists()
    hoa.post(reverse("members:import_confirm", args=[cast.commune_a.code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and imp.summary["added"] == 2
    assert set(Member.objects.values_list("branch", flat=True)) == {cast.branch_a1.pk}
    # Remembered for the unit: the next file with that header needs no correction.
    assert ImportMemory.objects.filter(
        unit=cast.commune_a, key="ten chi hoi cu", value="branch"
    ).exists()
    again = _start(hoa, cast, _upload([["Hà Thị Cúc", 1990, "Thôn 1"]],
                                      header=("Họ và tên", "Năm sinh", "Tên chi hội cũ")))  # fmt: skip
    assert again.summary["new"] == 1
    # The uploaded list itself is not kept once written.
    assert not files.source_path(imp).exists()


def test_a_default_branch_places_rows_without_one_and_unknown_branches_are_chosen(hoa, cast):
    upload = _upload([["Lò Thị Ánh", 1980, ""], ["Vi Thị Bảo", 1985, "Buôn Không Có"]])
    imp = _start(hoa, cast, upload, default_branch=cast.branch_a2.pk)
    assert (imp.summary["new"], imp.summary["error"]) == (1, 1)
    preview = files.load_preview(imp)
    (key,) = preview["unknown_branches"]
    hoa.post(
        reverse("members:import_decide", args=[cast.commune_a.code, imp.pk]),
        {f"branch:{key}": str(cast.branch_a1.pk)},
    )
    imp.refresh_from_db()
    assert imp.summary["new"] == 2


def test_a_file_that_is_no_spreadsheet_is_refused_with_a_message(hoa, cast):
    url = reverse("members:import_new", args=[cast.commune_a.code])
    response = hoa.post(url, {"file": SimpleUploadedFile("ds.pdf", b"%PDF")})
    assert response.status_code == 200
    assert ".xlsx, .xls, .ods" in response.content.decode()
    assert not MemberImport.objects.exists()


def test_an_interrupted_write_is_shown_as_such_and_can_be_run_again(hoa, cast, settings):
    imp = _start(hoa, cast, _upload([["Lò Thị Ánh", 1980, "Thôn 1"]]))
    MemberImport.objects.filter(pk=imp.pk).update(status=ImportStatus.WRITING)
    progress.report(imp.pk, "writing", 1, 2)
    imp.refresh_from_db()
    assert not progress.progress_of(imp)["stale"]
    # The worker died: nothing has been heard from it for longer than a worker ever stays silent.
    cache_entry = {
        "phase": "writing",
        "done": 1,
        "total": 2,
        "at": time.time() - progress.STALE_SECONDS - 1,
    }
    from django.core.cache import cache

    cache.set(progress.PROGRESS_KEY.format(imp.pk), cache_entry)
    page = hoa.get(reverse("members:import", args=[cast.commune_a.code, imp.pk])).content.decode()
    assert "Chưa có gì được ghi" in page or "Nothing was written" in page
    hoa.post(reverse("members:import_confirm", args=[cast.commune_a.code, imp.pk]))
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and Member.objects.count() == 1


def test_another_cadre_cannot_see_an_import(client, cast):
    client.login(username="hoa", password=PASSWORD)
    imp = _start(client, cast, _upload([["Lò Thị Ánh", 1980, "Thôn 1"]]))
    client.logout()
    from hoiso.accounts.roles import Role
    from hoiso.conftest import make_user

    make_user("lan2", "Đỗ Thị Lan", "", (cast.commune_a, Role.CADRE))
    client.login(username="lan2", password=PASSWORD)
    url = reverse("members:import", args=[cast.commune_a.code, imp.pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("members:import_errors", args=[cast.commune_a.code, imp.pk])).status_code
        == 404
    )
