"""`python -m hoiso load_units --province …`: official province and commune unions."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from vietnam_provinces import Province, Ward

from hoiso.core.models import AuditEvent
from hoiso.core.text import clean
from hoiso.units.models import Level, Unit
from hoiso.units.services import CENTRAL_CODE, find_province

pytestmark = pytest.mark.django_db


def _province(code: int) -> Province:
    return next(p for p in Province.iter_all() if p.code.value == code)


def _dak_lak() -> Province:
    return _province(66)


def _official_communes(province: Province) -> dict[str, str]:
    """Code → name of the province's communes, as the package has them."""
    return {f"{w.code.value:05d}": w.name for w in Ward.iter_by_province(province.code)}


def _load(province: str = "Đắk Lắk") -> str:
    out = StringIO()
    call_command("load_units", province=province, stdout=out)
    return out.getvalue()


def _snapshot() -> list[tuple[str, str, str, int, str]]:
    return list(
        Unit.objects.order_by("code").values_list("code", "name", "path", "level", "official_code")
    )


def test_it_creates_the_province_union_under_the_central_union():
    _load()
    province = Unit.objects.get(code="66")
    assert province.level == Level.PROVINCE
    assert province.name == "Tỉnh Đắk Lắk"
    assert province.official_code == "66"
    assert province.parent == Unit.objects.get(code=CENTRAL_CODE)
    assert province.parent.level == Level.CENTRAL


def test_it_creates_one_commune_union_per_official_commune():
    _load()
    province = Unit.objects.get(code="66")
    communes = Unit.objects.filter(parent=province)
    expected = _official_communes(_dak_lak())
    assert communes.count() == len(expected)
    assert set(communes.values_list("code", flat=True)) == set(expected)
    assert set(communes.values_list("level", flat=True)) == {Level.COMMUNE}
    assert all(c.official_code == c.code for c in communes)
    assert all(c.path.startswith(province.path) for c in communes)


def test_it_creates_nothing_but_the_central_province_and_commune_unions():
    _load()
    assert Unit.objects.count() == 2 + len(_official_communes(_dak_lak()))


def test_it_names_communes_as_the_official_data_does_without_doubled_spaces():
    _load()
    expected = _official_communes(_dak_lak())
    # The official data itself carries doubled spaces (e.g. "Phường  Buôn Ma Thuột").
    assert any("  " in name for name in expected.values())
    names = dict(Unit.objects.filter(level=Level.COMMUNE).values_list("code", "name"))
    assert names == {code: clean(name) for code, name in expected.items()}
    assert not any("  " in n or n != n.strip() for n in names.values())


def test_it_reports_what_it_did():
    first = _load()
    second = _load()
    n = len(_official_communes(_dak_lak()))
    assert first.startswith("Tỉnh Đắk Lắk (mã 66)")
    assert f"{n + 1} đơn vị mới" in first
    assert "0 đơn vị mới, 0 đổi tên" in second
    assert f"{n + 1} không đổi" in second


def test_it_changes_nothing_when_run_twice():
    _load()
    before = _snapshot()
    updated = dict(Unit.objects.values_list("code", "updated_at"))
    _load()
    assert _snapshot() == before
    assert dict(Unit.objects.values_list("code", "updated_at")) == updated


def test_it_audits_the_first_load_only():
    _load()
    _load()
    event = AuditEvent.objects.get(action="units.loaded")
    n = len(_official_communes(_dak_lak()))
    assert event.actor is None
    assert event.unit == Unit.objects.get(code="66")
    assert event.data == {"created": n + 1, "renamed": 0}


def test_it_restores_an_official_name_changed_by_hand():
    _load()
    commune = Unit.objects.get(code="24373")
    commune.name = "Xã Ea Kar cũ"
    commune.save()
    before = _snapshot()
    out = _load()
    commune.refresh_from_db()
    assert commune.name == "Xã Ea Kar"
    assert "1 đổi tên" in out
    assert len(_snapshot()) == len(before)


@pytest.mark.parametrize("query", ["66", "dak lak", "Tỉnh Đắk Lắk"])
def test_it_finds_the_same_province_by_code_or_by_name(query):
    _load("Đắk Lắk")
    before = _snapshot()
    _load(query)
    assert _snapshot() == before


@pytest.mark.parametrize(
    "query", ["066", "DAK LAK", "Dak Lak", "tinh dak lak", "  Đắk   Lắk ", "ĐẮK LẮK"]
)
def test_it_finds_the_province_in_any_spelling(query):
    assert find_province(query).code.value == 66


def test_it_finds_a_centrally_run_city_without_its_title():
    out = _load("ha noi")
    assert Unit.objects.get(level=Level.PROVINCE).name == "Thành phố Hà Nội"
    assert out.startswith("Thành phố Hà Nội (mã 01)")


def test_it_codes_units_with_their_official_zero_padded_codes():
    _load("Hà Nội")
    assert Unit.objects.get(level=Level.PROVINCE).code == "01"
    assert Unit.objects.get(name="Phường Ba Đình").code == "00004"
    codes = Unit.objects.filter(level=Level.COMMUNE).values_list("code", flat=True)
    assert {len(c) for c in codes} == {5}


@pytest.mark.parametrize("query", ["Sài Gòn Cũ", "99", "", "tỉnh"])
def test_it_refuses_an_unknown_province_in_vietnamese(query):
    with pytest.raises(CommandError) as info:
        _load(query)
    assert "Không tìm thấy tỉnh/thành phố" in str(info.value)
    assert not Unit.objects.exists()


def test_it_requires_the_province_option():
    with pytest.raises(CommandError):
        call_command("load_units")


def test_it_keeps_a_province_apart_from_a_commune_of_another_province_with_the_same_number():
    # Hà Nội's Phường Ba Đình is commune 4, and Cao Bằng is province 4.
    _load("Hà Nội")
    ba_dinh = Unit.objects.get(name="Phường Ba Đình")
    _load("Cao Bằng")
    ba_dinh.refresh_from_db()
    assert ba_dinh.name == "Phường Ba Đình"
    assert ba_dinh.level == Level.COMMUNE
    cao_bang = Unit.objects.get(level=Level.PROVINCE, name="Tỉnh Cao Bằng")
    assert Unit.objects.filter(parent=cao_bang).count() == len(_official_communes(_province(4)))
