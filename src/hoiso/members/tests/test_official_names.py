"""Official names of today on import: the 54 ethnic groups and the religions under their
official names whatever the spelling; a name several groups bore, or a misspelling, is shown to
the cadre (never guessed); every kind of village the country has is read alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hoiso.conftest import Cast
from hoiso.core.text import fold
from hoiso.members.choices import ETHNIC_GROUPS, ETHNICITY_CHOICES, Religion
from hoiso.members.importing.headers import field_of
from hoiso.members.importing.places import BranchIndex
from hoiso.members.importing.plan import ERROR
from hoiso.members.importing.values import parse_ethnicity, parse_religion
from hoiso.members.official import ETHNIC_NAMES, compact
from hoiso.members.tests.test_import_files import HEADER, member, plan_of, rows_by_name, xlsx

MONG, EDE, GIA_RAI, BA_NA, MNONG, KHMER, KINH, XTIENG, CO_LAO, KHO_MU = (
    8,
    12,
    10,
    13,
    20,
    5,
    1,
    22,
    47,
    29,
)


def test_the_list_is_the_54_groups_in_todays_spellings_under_their_codes() -> None:
    assert len(ETHNIC_GROUPS) == 54 == len(set(ETHNIC_GROUPS))
    named = dict(ETHNICITY_CHOICES)
    # The statistics office's codes, which are what is stored, with today's names.
    assert [named[c] for c in (1, 4, 5, 6, 8, 11, 12, 22, 23, 29, 47, 53, 54)] == [
        "Kinh", "Hoa", "Khmer", "Mường", "Mông", "Ngái", "Ê Đê", "Xtiêng", "Bru Vân Kiều",
        "Khơ mú", "Cờ Lao", "Ơ Đu", "Rơ Măm",
    ]  # fmt: skip
    # No two official names read alike once case, marks, hyphens and spaces are set aside.
    assert len({compact(n) for n in ETHNIC_GROUPS}) == 54


@pytest.mark.parametrize(
    ("cell", "code"),
    [("Ê-đê", EDE), ("Êđê", EDE), ("ÊĐÊ", EDE), ("e de", EDE), ("Rhađê", EDE), ("Jrai", GIA_RAI),
     ("J'rai", GIA_RAI), ("Gia-rai", GIA_RAI), ("Bana", BA_NA), ("Ba-na", BA_NA),
     ("M'nông", MNONG), ("M’Nông", MNONG), ("H'Mông", MONG), ("Hmông", MONG), ("HMÔNG", MONG),
     ("Mèo", MONG), ("Khmer", KHMER), ("Khơ-me", KHMER), ("Khơ me", KHMER),
     ("Kinh (Việt)", KINH), ("Việt", KINH), ("dân tộc Kinh", KINH), ("Stiêng", XTIENG),
     ("X'tiêng", XTIENG), ("Cơ Lao", CO_LAO), ("cờ-lao", CO_LAO), ("Khơ Mú", KHO_MU),
     ("Bru-Vân Kiều", 23), ("Vân Kiều", 23), ("Thổ", 24), ("Hoa", 4), ("Người nước ngoài", 55)],
)  # fmt: skip
def test_it_reads_the_usual_spellings_and_old_names_to_the_official_group(cell, code) -> None:  # type: ignore[no-untyped-def]
    assert parse_ethnicity(cell).value == code


def test_a_name_several_groups_bore_is_asked_not_guessed() -> None:
    parsed = parse_ethnicity("Xá")
    assert parsed.value is None
    assert "Khơ mú" in parsed.error and "Kháng" in parsed.error and "Xinh Mun" in parsed.error
    assert parse_ethnicity("Mán").error.count(",") == 2  # Dao, Sán Chay, Sán Dìu


def test_a_misspelling_proposes_the_official_name_without_taking_it() -> None:
    parsed = parse_ethnicity("Ê Đêê")
    assert parsed.value is None and "“Ê Đê”" in parsed.error
    unknown = parse_ethnicity("Tây Nguyên")
    assert unknown.value is None and unknown.error


@pytest.mark.parametrize(
    ("cell", "religion"),
    [("Phật giáo", Religion.BUDDHISM), ("đạo Phật", Religion.BUDDHISM),
     ("Thiên Chúa giáo", Religion.CATHOLICISM), ("Công giáo", Religion.CATHOLICISM),
     ("Tin lành", Religion.PROTESTANTISM), ("TIN LÀNH", Religion.PROTESTANTISM),
     ("Phật giáo Hoà Hảo", Religion.HOA_HAO), ("PG Hòa Hảo", Religion.HOA_HAO),
     ("PGHH", Religion.HOA_HAO), ("Cao đài", Religion.CAO_DAI), ("Hồi giáo", Religion.ISLAM),
     ("Chăm Bani", Religion.ISLAM), ("Bà La Môn", Religion.BRAHMANISM),
     ("Không tôn giáo", Religion.NONE), ("Không", Religion.NONE)],
)  # fmt: skip
def test_it_reads_religions_to_their_recognised_names(cell, religion) -> None:  # type: ignore[no-untyped-def]
    assert parse_religion(cell).value == religion


def test_christianity_alone_is_asked_catholic_or_protestant() -> None:
    parsed = parse_religion("Cơ Đốc giáo")
    assert parsed.value is None
    assert "Công giáo" in parsed.error and "Tin Lành" in parsed.error


def test_the_religions_have_one_spelling_in_the_catalogue() -> None:
    # The labels cadres see, in Vietnamese, are the recognised names (tone marks in the old place).
    from django.utils import translation

    with translation.override("vi"):
        labels = {int(r): str(r.label) for r in Religion}
    assert labels[Religion.HOA_HAO] == "Phật giáo Hòa Hảo"
    assert labels[Religion.PROTESTANTISM] == "Tin Lành"
    assert labels[Religion.BRAHMANISM] == "Bà-la-môn giáo"


def test_every_variant_resolves_to_one_group_and_no_ambiguous_name_to_any() -> None:
    for key, code in ETHNIC_NAMES.by_key.items():
        assert 1 <= code <= 55, key
    assert not set(ETHNIC_NAMES.ambiguous) & set(ETHNIC_NAMES.by_key)


# --- Villages ---------------------------------------------------------------------------------

BRANCHES = {1: "Chi hội Buôn Ea Kmar", 2: "Chi hội Ấp Mỹ Thạnh", 3: "Chi hội Plei Ơi",
            4: "Chi hội Phum Tà Ốt", 5: "Chi hội Tổ dân phố 3", 6: "Chi hội Bản Lướt"}  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "found"),
    [("Plei Ơi", (3, True)), ("Buôn Ea Kmar", (1, True)), ("Bản Lướt", (6, True)),
     # The same place under another kind of village is proposed to the cadre, whatever the kind.
     ("Play Ơi", (3, False)), ("Plơi Ơi", (3, False)), ("Làng Ơi", (3, False)),
     ("Bon Ea Kmar", (1, False)), ("Khóm Mỹ Thạnh", (2, False)), ("Thôn Mỹ Thạnh", (2, False)),
     ("Sóc Tà Ốt", (4, False)), ("Palei Tà Ốt", (4, False)), ("Khu phố 3", (5, False)),
     ("Xóm Lướt", (6, False)), ("Ấp 3", (5, False))],
)  # fmt: skip
def test_every_kind_of_village_is_set_aside_alike(cell, found) -> None:  # type: ignore[no-untyped-def]
    result = BranchIndex(BRANCHES.items()).find(cell)
    assert result is not None and (result.pk, result.exact) == found


@pytest.mark.parametrize(
    "header",
    ["Thôn", "Ấp", "Bản", "Buôn", "Plei", "Phum, sóc", "Thôn/Buôn", "Thôn, bản, tổ dân phố",
     "Ấp (khóm)", "Khu phố", "Làng", "Xóm"],
)  # fmt: skip
def test_a_column_headed_by_kinds_of_village_holds_the_village(header: str) -> None:
    assert field_of(header) == "village"


def test_a_column_headed_only_tổ_is_not_taken_for_the_village() -> None:
    assert field_of("Tổ") != "village"
    assert fold("Tổ") == "to"


def test_an_import_shows_an_unknown_or_ambiguous_ethnicity_on_its_row(
    cast: Cast, tmp_path: Path
) -> None:
    path = xlsx(tmp_path / "ds.xlsx", {"Thôn 1": [
        HEADER,
        member(1, "Hà Thị Mai", ethnicity="Ê-đê", religion="Tin lành"),
        member(2, "Lò Thị Xuân", ethnicity="Xá"),
        member(3, "Vi Thị Hồng", ethnicity="H'Mông", religion="Cơ Đốc giáo"),
    ]})  # fmt: skip
    rows = rows_by_name(plan_of(path, cast.commune_a))
    assert rows["Hà Thị Mai"].values["ethnicity"] == EDE
    assert rows["Hà Thị Mai"].values["religion"] == Religion.PROTESTANTISM
    xuan = rows["Lò Thị Xuân"]
    assert xuan.status == ERROR and "ethnicity" not in xuan.values
    assert any("Dân tộc (F" in where and "Khơ mú" in message for where, message in xuan.problems)
    hong = rows["Vi Thị Hồng"]
    assert hong.values["ethnicity"] == MONG and hong.status == ERROR
    assert any("Tôn giáo (G" in where for where, _ in hong.problems)


def test_an_exported_list_reads_back_through_the_import(cast: Cast, tmp_path: Path) -> None:
    """The heading above and the signature block under the rows are not members."""
    from django.utils import translation

    from hoiso.conftest import make_member
    from hoiso.members import selectors
    from hoiso.members.export import columns, rows, write_xlsx

    make_member(cast.branch_a1, "Nguyễn Thị Bình", birth_date=dt.date(1985, 3, 5))
    make_member(cast.branch_a2, "Lê Thị Lan", birth_date=dt.date(1990, 7, 1))
    path = tmp_path / "xuat.xlsx"
    with translation.override("vi"), path.open("wb") as out:
        cols = columns(False)
        write_xlsx(out, cast.commune_a, cols, rows(cast.commune_a, selectors.Filters(), cols))
    plan = plan_of(path, cast.commune_a)
    assert sorted(r.name for r in plan.rows) == ["Lê Thị Lan", "Nguyễn Thị Bình"]


@pytest.mark.parametrize(
    ("cell", "religion"),
    [("Tịnh độ cư sĩ", Religion.PURE_LAND_LAY), ("Baha'i", Religion.BAHAI),
     ("Cơ đốc Phục lâm", Religion.ADVENTIST), ("Tứ Ân Hiếu Nghĩa", Religion.TU_AN_HIEU_NGHIA),
     ("Bửu Sơn Kỳ Hương", Religion.BUU_SON_KY_HUONG), ("Minh Lý đạo", Religion.MINH_LY),
     ("Mặc Môn", Religion.LATTER_DAY_SAINTS), ("Hiếu Nghĩa Tà Lơn", Religion.HIEU_NGHIA_TA_LON),
     ("Minh Sư đạo", Religion.MINH_SU)],
)  # fmt: skip
def test_every_recognised_religion_has_its_own_value(cell, religion) -> None:  # type: ignore[no-untyped-def]
    assert parse_religion(cell).value == religion
    # The 16 the State recognises, besides none, other and not recorded.
    assert len(Religion) - 3 == 16
