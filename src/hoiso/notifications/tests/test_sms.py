"""SMS length rules: 160 GSM-7 or 70 UCS-2 characters a part, 153/67 when cut; Vietnamese
without its marks (đ → d) goes back to GSM-7."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hoiso.notifications.sms import fit, measure, strip_diacritics


def test_plain_text_fits_160_in_one_part() -> None:
    assert (measure("a" * 160).encoding, measure("a" * 160).parts) == ("GSM-7", 1)
    assert measure("a" * 161).parts == 2 and measure("a" * 306).parts == 2
    assert measure("a" * 307).parts == 3


def test_extension_characters_count_twice() -> None:
    assert measure("€" * 80).units == 160 and measure("€" * 80).parts == 1
    assert measure("[" * 81).parts == 2


def test_one_vietnamese_mark_makes_it_ucs2_at_70() -> None:
    assert measure("ạ" + "a" * 69).units == 70
    assert (measure("ạ" + "a" * 69).encoding, measure("ạ" + "a" * 69).parts) == ("UCS-2", 1)
    assert measure("ạ" + "a" * 70).parts == 2 and measure("ạ" * 134).parts == 2
    assert measure("ạ" * 135).parts == 3


def test_diacritics_are_stripped_the_way_people_write_sms() -> None:
    assert (
        strip_diacritics("Hội Liên hiệp Phụ nữ tỉnh Đắk Lắk") == "Hoi Lien hiep Phu nu tinh Dak Lak"
    )
    assert strip_diacritics("đường “Ngô Quyền” – số 5…") == 'duong "Ngo Quyen" - so 5...'
    assert strip_diacritics("Chào 😊") == "Chao ?"


def test_without_diacritics_a_notice_costs_half_or_less() -> None:
    text = "Kính mời chị em hội viên chi hội Thôn 1 dự buổi sinh hoạt lúc 19 giờ tối thứ Bảy tại nhà văn hoá thôn."
    assert measure(text).parts == 2 and measure(strip_diacritics(text)).parts == 1


def test_fit_cuts_to_its_parts_with_an_ellipsis() -> None:
    long = "Họp chi hội " * 30
    cut = fit(long, plain=False, parts=1)
    assert measure(cut).parts == 1 and cut.endswith("...") and len(cut) <= 70
    plain = fit(long, plain=True, parts=2)
    assert plain.isascii() and measure(plain).parts == 2 and len(plain) > 290


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạầẩẫấậ .,ĐÂ", max_size=400),
       st.integers(min_value=1, max_value=3), st.booleans())  # fmt: skip
def test_fit_always_fits(text: str, parts: int, plain: bool) -> None:
    assert measure(fit(text, plain=plain, parts=parts)).parts <= parts
    if plain:
        assert measure(fit(text, plain=True, parts=parts)).encoding == "GSM-7"
