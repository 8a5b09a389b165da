"""The 2025 reform replayed: Đắk Lắk's and Phú Yên's units before 1 July 2025 loaded as history,
linked to today's communes as the published old→new table says."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command

from hoiso.units import history
from hoiso.units.models import REFORM_DAY, Level, SuccessorCandidate, Unit
from hoiso.units.reform import HISTORY_FROM, confirm_successor, load_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    return load_history("Đắk Lắk")


def _published() -> tuple[dict[str, tuple[str, str]], set[str]]:
    """From the data files themselves: old commune code → today's commune (code, name) for each whole
    old commune of Phú Yên and Đắk Lắk, and the codes of those split between several."""
    spec = importlib.util.find_spec("vietnamadminunits")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
    new_code = {
        key: (code, name)
        for key, code, name in db.execute(
            "SELECT wardKey, wardCode, ward FROM admin_units WHERE provinceCode = '66'"
        )
    }
    old_code = {
        f"{p}_{d}_{w}": code
        for p, d, w, code in db.execute(
            "SELECT provinceKey, districtKey, wardKey, wardCode FROM admin_units_legacy "
            "WHERE provinceKey IN ('tinhphuyen', 'tinhdaklak')"
        )
    }
    whole = {
        old_code[old]: new_code[new]
        for new, olds in converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhdaklak"].items()
        for old in olds
    }
    split = {
        old_code[old]
        for old, parts in converter["DICT_PROVINCE_WARD_DIVIDED"]["tinhdaklak"].items()
        if len({p["newWardKey"] for p in parts}) > 1
    }
    return whole, split


def test_the_legacy_phu_yen_communes_land_in_dak_laks_new_ones_as_the_data_says(loaded):
    whole, split = _published()
    phu_yen = Unit.objects.get(code="cu-54")
    assert (phu_yen.level, phu_yen.valid_to) == (Level.PROVINCE, REFORM_DAY)
    assert list(phu_yen.successors.values_list("code", flat=True)) == ["66"]
    old_communes = Unit.objects.filter(path__startswith=phu_yen.path, level=Level.COMMUNE)
    assert old_communes.count() > 100
    for old in old_communes:
        successors = list(old.successors.values_list("code", flat=True))
        if old.official_code in split:
            # Split: never guessed, the candidates wait for a cadre.
            assert successors == []
            assert SuccessorCandidate.objects.filter(unit=old).count() >= 2
        else:
            code, name = whole[old.official_code]
            # The same code in vietnam-provinces, or (for the few it codes differently) the name.
            assert [s.name for s in old.successors.all()] == [name], old.name
            if Unit.objects.filter(code=f"{int(code):05d}").exists():
                assert successors == [f"{int(code):05d}"], old.name
    # Two that the table names: Tuy Hòa's Phường 1 and Phường 2 are today's Phường Tuy Hòa.
    tuy_hoa = Unit.objects.get(code="22015", valid_to=None)
    assert {"cu-22015", "cu-22018"} <= set(tuy_hoa.predecessors.values_list("code", flat=True))


def test_the_old_tree_is_history_ending_on_30_june_2025(loaded):
    ea_kar_town = Unit.objects.get(code="cu-24373")
    district = ea_kar_town.parent
    assert (district.level, district.name, district.parent.code) == (
        Level.DISTRICT, "Huyện Ea Kar", "66"
    )  # fmt: skip
    for unit in (ea_kar_town, district):
        assert (unit.valid_from, unit.valid_to) == (HISTORY_FROM, REFORM_DAY)
        assert history.span_on(unit, dt.date(2025, 6, 30)) is not None
        assert history.span_on(unit, REFORM_DAY) is None
    # Đắk Lắk kept its code: the same union, which now began earlier.
    dak_lak = Unit.objects.get(code="66")
    assert dak_lak.valid_from == HISTORY_FROM
    assert history.path_on(dak_lak, dt.date(2024, 6, 1)) == dak_lak.path
    on_2024 = {s.name for s in history.units_on(dt.date(2024, 6, 1), within=dak_lak)}
    assert "Huyện Ea Kar" in on_2024 and "Xã Ea Kar" not in on_2024


def test_loading_again_changes_nothing(loaded):
    n = Unit.objects.count()
    again = load_history("66")
    assert again.created == 0 and Unit.objects.count() == n


def test_a_cadre_confirms_the_successor_of_a_split_commune(loaded):
    old = Unit.objects.get(code="cu-22225")  # Xã Ea Bar, split between Xã Ea Bá and Xã Ea Ly
    candidates = {c.candidate.name for c in SuccessorCandidate.objects.filter(unit=old)}
    assert candidates == {"Xã Ea Bá", "Xã Ea Ly"}
    ea_ly = Unit.objects.get(name="Xã Ea Ly", valid_to=None)
    confirm_successor(old, ea_ly)
    assert list(old.successors.all()) == [ea_ly]
    assert not SuccessorCandidate.objects.filter(unit=old).exists()


def test_the_command_says_what_it_loaded_and_what_waits_for_a_choice(capsys):
    call_command("load_history", province="Đắk Lắk")
    out = capsys.readouterr().out
    assert "Tỉnh Đắk Lắk" in out and "xã cũ đã nối" in out
    assert "Xã Ea Bar bị chia tách, cần chọn xã tiếp nhận: Xã Ea Bá, Xã Ea Ly" in out
