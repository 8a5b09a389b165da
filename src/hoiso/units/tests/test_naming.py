"""What each unit prints on its documents, and how sentences name its union."""

from __future__ import annotations

from hoiso.conftest import Cast
from hoiso.units import naming
from hoiso.units.services import central_unit


def test_a_commune_stands_under_its_province_and_signs_for_its_standing_committee(
    cast: Cast,
) -> None:
    paper = naming.paper(cast.commune_a)
    assert paper.heading.superior == "HỘI LHPN TỈNH ĐẮK LẮK"
    assert paper.heading.issuer == "BCH HỘI LHPN XÃ EA KAR"
    assert paper.place == "Ea Kar"
    assert paper.signature.lines == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]
    assert paper.motto


def test_a_province_stands_under_the_union_of_vietnam(cast: Cast) -> None:
    paper = naming.paper(cast.province)
    assert (paper.heading.superior, paper.heading.issuer) == (
        "HỘI LHPN VIỆT NAM", "BCH HỘI LHPN TỈNH ĐẮK LẮK"
    )  # fmt: skip
    assert paper.place == "Đắk Lắk"


def test_a_branch_prints_its_own_name_under_its_commune_and_is_dated_from_it(cast: Cast) -> None:
    paper = naming.paper(cast.branch_a2)
    assert (paper.heading.superior, paper.heading.issuer) == (
        "HỘI LHPN XÃ EA KAR", "CHI HỘI BUÔN EA SINH"
    )  # fmt: skip
    assert paper.place == "Ea Kar"
    assert paper.signature.lines == ["CHI HỘI TRƯỞNG"]
    group = naming.paper(cast.group_a1)
    assert (group.heading.superior, group.place) == ("CHI HỘI THÔN 1", "Ea Kar")


def test_the_central_union_signs_for_its_presidium(db) -> None:  # type: ignore[no-untyped-def]
    paper = naming.paper(central_unit())
    assert (paper.heading.superior, paper.heading.issuer) == ("HỘI LHPN VIỆT NAM", "ĐOÀN CHỦ TỊCH")
    assert paper.place == "Hà Nội"


def test_sentences_name_the_union_not_the_place(cast: Cast) -> None:
    assert naming.union_name(cast.province) == "Hội LHPN tỉnh Đắk Lắk"
    assert naming.union_name(cast.commune_b) == "Hội LHPN xã Krông Pắc"
    assert naming.union_name(cast.branch_b1) == "Chi hội Thôn Tân Lập"
    assert naming.where(cast.branch_a1) == "Chi hội Thôn 1, xã Ea Kar"
    assert naming.where(cast.commune_a) == "Hội LHPN xã Ea Kar"


def test_kinds_of_village_are_known_by_their_words() -> None:
    assert naming.village_kind(("to", "dan", "pho", "3")) == ("to", "dan", "pho")
    assert naming.village_kind(("plei", "oi")) == ("plei",)
    assert naming.village_kind(("my", "thanh")) == ()
    assert naming.is_village_kind("Tổ dân phố") and naming.is_village_kind("Phum")
    assert not naming.is_village_kind("Tổ") and not naming.is_village_kind("Thôn 3")
