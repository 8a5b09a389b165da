"""A province's lists on a page: several communes' files uploaded at once, each routed to its
commune by its name (a name several communes fit is refused with a message), each an ordinary
import whose progress and summary the batch page shows, confirmed together."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoiso.conftest import Cast, make_unit
from hoiso.members.models import ImportStatus, Member, MemberImport
from hoiso.units.models import Level

pytestmark = pytest.mark.django_db(transaction=True)


def _file(name: str, rows: list[tuple[str, int, str]]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ("Họ và tên", "Năm sinh", "Chi hội"))
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return SimpleUploadedFile(name, buffer.getvalue())


def test_the_communes_files_are_routed_checked_and_confirmed_together(cast: Cast) -> None:
    make_unit(cast.province, Level.COMMUNE, "24500", "Phường Hòa Thắng")
    make_unit(cast.province, Level.COMMUNE, "24501", "Xã Hòa Thắng")
    client = cast.client(cast.lan)
    url = reverse("members:province_import", args=[cast.province.code])
    response = client.post(url, {"lists": [
        _file("Xã Ea Kar.xlsx", [("Lò Thị Ánh", 1980, "Thôn 1"), ("Vi Thị Bảo", 1981, "Thôn 9")]),
        _file("Krông Pắc.xlsx", [("Hà Thị Cúc", 1982, "Thôn Tân Lập")]),
        _file("Hòa Thắng.xlsx", [("Đỗ Thị Mơ", 1984, "Thôn 1")]),
    ]}, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "Hòa Thắng.xlsx: vui lòng đổi tên tệp" in page and "Phường Hòa Thắng (24500)" in page
    imports = {i.filename: i for i in MemberImport.objects.all()}
    assert set(imports) == {"Xã Ea Kar.xlsx", "Krông Pắc.xlsx"}
    assert imports["Xã Ea Kar.xlsx"].unit == cast.commune_a
    assert imports["Krông Pắc.xlsx"].unit == cast.commune_b
    assert imports["Xã Ea Kar.xlsx"].summary["error"] == 1  # Thôn 9 waits for her answer
    assert "2 danh sách: 3 dòng, 2 hội viên mới, 1 dòng lỗi" in page
    assert "Xác nhận 2 danh sách" in page
    assert not Member.objects.exists()
    batch = imports["Xã Ea Kar.xlsx"].batch
    client.post(reverse("members:province_confirm", args=[cast.province.code, batch]))
    assert set(MemberImport.objects.values_list("status", flat=True)) == {ImportStatus.DONE}
    assert set(Member.objects.values_list("full_name", flat=True)) == {"Lò Thị Ánh", "Hà Thị Cúc"}
    done = client.get(reverse("members:province_batch", args=[cast.province.code, batch]))
    assert "đã ghi 2 hội viên" in done.content.decode()


def test_another_cadres_batch_is_not_found(cast: Cast) -> None:
    cast.client(cast.lan).post(
        reverse("members:province_import", args=[cast.province.code]),
        {"lists": [_file("Xã Ea Kar.xlsx", [("Lò Thị Ánh", 1980, "Thôn 1")])]},
    )
    batch = MemberImport.objects.get().batch
    other = cast.client(cast.hoa)
    response = other.get(reverse("members:province_batch", args=[cast.province.code, batch]))
    assert response.status_code == 404
