"""Hostile and oversized files through the import's pages: refused with a message that says what
to fix, and the site keeps running (tasks run when their transaction commits)."""

import io
import os

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoiso.conftest import PASSWORD
from hoiso.members.importing import files
from hoiso.members.models import ImportStatus, Member, MemberImport

pytestmark = pytest.mark.django_db(transaction=True)


def _xlsx(far: str | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Thôn 1")
    sheet.write_row(0, 0, ("Họ và tên", "Năm sinh", "Chi hội"))
    sheet.write_row(1, 0, ("Lò Thị Ánh", 1980, "Thôn 1"))
    if far:
        sheet.write(far, "x")
    book.close()
    return SimpleUploadedFile("ds.xlsx", buffer.getvalue())


@pytest.fixture
def hoa(client, cast):
    client.login(username="hoa", password=PASSWORD)
    return client


def test_a_5_kb_file_with_a_cell_at_XFD1048576_fails_its_import_by_name(hoa, cast):
    upload = _xlsx(far="XFD1048576")
    assert upload.size < 6_000
    url = reverse("members:import_new", args=[cast.commune_a.code])
    assert hoa.post(url, {"file": upload}).status_code == 302
    imp = MemberImport.objects.get()
    assert imp.status == ImportStatus.FAILED
    assert "“Thôn 1”" in imp.error and "XFD1048576" in imp.error and "200.000" in imp.error
    page = hoa.get(reverse("members:import", args=[cast.commune_a.code, imp.pk]))
    assert "XFD1048576" in page.content.decode()
    assert not Member.objects.exists()


def test_a_list_with_too_many_columns_gives_no_preview(hoa, cast):
    upload = _xlsx(far="XFD1")
    hoa.post(reverse("members:import_new", args=[cast.commune_a.code]), {"file": upload})
    imp = MemberImport.objects.get()
    assert imp.status == ImportStatus.FAILED and "XFD1" in imp.error
    assert not files.preview_path(imp).exists()


def test_an_upload_past_the_limit_is_refused_naming_the_limit(hoa, cast, settings):
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "sheet": 1}
    big = SimpleUploadedFile("ds.csv", b"Ho va ten\n" + os.urandom(1_200_000).hex().encode())
    response = hoa.post(reverse("members:import_new", args=[cast.commune_a.code]), {"file": big})
    assert response.status_code == 200
    assert "tối đa 1 MB" in response.content.decode()
    assert not MemberImport.objects.exists()


def test_a_replacement_past_the_limit_keeps_the_file_it_would_replace(hoa, cast, settings):
    hoa.post(reverse("members:import_new", args=[cast.commune_a.code]), {"file": _xlsx()})
    imp = MemberImport.objects.get()
    assert imp.status == ImportStatus.PREVIEW
    settings.UPLOAD_MAX_MB = {**settings.UPLOAD_MAX_MB, "sheet": 1}
    big = SimpleUploadedFile("moi.csv", b"Ho va ten\n" + os.urandom(1_200_000).hex().encode())
    url = reverse("members:import_replace", args=[cast.commune_a.code, imp.pk])
    page = hoa.post(url, {"file": big}, follow=True).content.decode()
    assert "tối đa 1 MB" in page
    imp.refresh_from_db()
    assert imp.filename == "ds.xlsx" and files.source_path(imp).exists()
