"""hoiso.core.text: cleaning, folding for search, Vietnamese sorting, phone numbers."""

from __future__ import annotations

import unicodedata
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoiso.core.text import clean, fold, name_sort_key, normalise_phone, sort_key

# --- clean ------------------------------------------------------------------------------------


def test_it_collapses_doubled_spaces_and_trims_the_ends():
    assert clean("  Phường  Buôn Ma Thuột ") == "Phường Buôn Ma Thuột"


def test_it_turns_tabs_newlines_and_non_breaking_spaces_into_one_space():
    assert clean("Xã\tEa\u00a0Kar\n") == "Xã Ea Kar"


def test_it_writes_one_apostrophe():
    # The official list writes "Xã Cư M’gar"; the demo's villages and what cadres type, "M'gar".
    assert clean("Xã Cư M\u2019gar") == clean("Xã Cư M\u02bcgar") == "Xã Cư M'gar"


def test_it_composes_decomposed_letters():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Bình")
    assert clean(decomposed) == "Nguyễn Thị Bình"
    assert unicodedata.is_normalized("NFC", clean(decomposed))


def test_it_drops_invisible_characters():
    # Zero-width spaces and byte-order marks come with text pasted from the web or CSV files.
    assert clean("\ufeffChi hội Thôn 1\u200b") == "Chi hội Thôn 1"


def test_it_leaves_an_empty_string_empty():
    assert clean("   ") == ""


# --- fold -------------------------------------------------------------------------------------


def test_it_folds_a_province_name():
    assert fold("Đắk Lắk") == "dak lak"


def test_it_maps_both_cases_of_d_with_stroke_to_d():
    assert fold("Đặng đình ĐỨC") == "dang dinh duc"


def test_it_folds_decomposed_input_like_composed_input():
    assert fold(unicodedata.normalize("NFD", "Nguyễn Thị Bình")) == "nguyen thi binh"


def test_it_folds_doubled_spaces_away():
    assert fold("Phường  Tân  An") == "phuong tan an"


def test_it_drops_every_vowel_mark_and_tone():
    assert fold("ăâêôơư ẮẰẲẴẶ ỨỪỬỮỰ ỳỷỹýỵ") == "aaeoou aaaaa uuuuu yyyyy"


def test_it_keeps_digits_and_punctuation():
    assert fold("Tổ phụ nữ số 1 - H'Mai") == "to phu nu so 1 - h'mai"


# Vietnamese text as it arrives: precomposed or decomposed, any case, with stray whitespace.
_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
_ALPHABET = _LETTERS + _LETTERS.upper() + "0123456789 \t\u00a0\n'’-.,()"
_FORMS: list[Literal["NFC", "NFD", "NFKC"]] = ["NFC", "NFD", "NFKC"]
vietnamese_text = st.tuples(st.text(alphabet=_ALPHABET, max_size=40), st.sampled_from(_FORMS)).map(
    lambda pair: unicodedata.normalize(pair[1], pair[0])
)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_it_folds_vietnamese_text_idempotently(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.lower()
    assert "đ" not in folded
    assert not any(unicodedata.combining(c) for c in folded)
    assert "  " not in folded


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_it_folds_any_text_without_raising(text):
    assert isinstance(fold(text), str)


def test_it_folds_a_stray_combining_mark_idempotently():
    # Dropping the mark must not leave the two spaces around it side by side.
    text = "Thôn \u0301 Tân Lập"
    assert fold(fold(text)) == fold(text)


# --- sort_key ---------------------------------------------------------------------------------


def _sorted(words: list[str]) -> list[str]:
    return sorted(words, key=sort_key)


def test_it_sorts_by_the_vietnamese_alphabet():
    alphabet = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "i", "o", "ô", "ơ", "u", "ư", "y"]
    assert _sorted(list(reversed(alphabet))) == alphabet


def test_it_sorts_d_with_stroke_after_every_word_with_d():
    assert _sorted(["Đào", "Dương", "Dung", "Đinh"]) == ["Dung", "Dương", "Đào", "Đinh"]


def test_it_sorts_the_letter_before_the_tone():
    # The letter decides first: "mạ" (a, nặng) comes before "mă" (ă, ngang).
    assert _sorted(["mă", "mạ", "mb"]) == ["mạ", "mă", "mb"]


def test_it_orders_tones_ngang_huyen_hoi_nga_sac_nang():
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert _sorted(list(reversed(tones))) == tones


def test_it_orders_tones_on_letters_with_marks():
    tones = ["ư", "ừ", "ử", "ữ", "ứ", "ự"]
    assert _sorted(list(reversed(tones))) == tones


def test_it_ignores_case():
    assert sort_key("Buôn Ea Sinh") == sort_key("buôn ea sinh")


def test_it_sorts_decomposed_input_like_composed_input():
    assert sort_key(unicodedata.normalize("NFD", "Lắk")) == sort_key("Lắk")


def test_it_ignores_doubled_spaces():
    assert sort_key("Phường  Tân An") == sort_key("Phường Tân An")


def test_it_sorts_numbers_by_value():
    assert _sorted(["Thôn 10", "Thôn 2", "Thôn 1"]) == ["Thôn 1", "Thôn 2", "Thôn 10"]


def test_it_sorts_numbers_before_letters():
    assert _sorted(["Thôn An", "Thôn 10", "Thôn 2"]) == ["Thôn 2", "Thôn 10", "Thôn An"]


def test_it_sorts_a_shorter_word_before_its_extensions():
    assert _sorted(["Tân Lập", "Tân", "Tân An"]) == ["Tân", "Tân An", "Tân Lập"]


def test_it_sorts_branch_names_the_way_a_cadre_expects():
    names = ["Chi hội Thôn 10", "Chi hội Buôn Ea Sinh", "Chi hội Thôn Đoàn Kết",
             "Chi hội Thôn 2", "Chi hội Thôn Dân Chủ", "Chi hội Ấp Bắc"]  # fmt: skip
    assert _sorted(names) == [
        "Chi hội Ấp Bắc",
        "Chi hội Buôn Ea Sinh",
        "Chi hội Thôn 2",
        "Chi hội Thôn 10",
        "Chi hội Thôn Dân Chủ",
        "Chi hội Thôn Đoàn Kết",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_it_gives_any_text_a_sort_key(text):
    primary, tones = sort_key(text)
    assert all(isinstance(n, int) for n in primary + tones)


# --- name_sort_key ----------------------------------------------------------------------------


def test_it_sorts_people_by_given_name_first():
    people = ["Nguyễn Thị Lan", "Trần Thị Hoa", "Lê Thị Thu", "Phạm Thị Vy", "Đỗ Thị Bình"]
    assert sorted(people, key=name_sort_key) == [
        "Đỗ Thị Bình",
        "Trần Thị Hoa",
        "Nguyễn Thị Lan",
        "Lê Thị Thu",
        "Phạm Thị Vy",
    ]


def test_it_breaks_a_tie_on_the_given_name_by_the_rest_of_the_name():
    people = ["Trần Thị An", "Nguyễn Văn An", "Nguyễn Thị An"]
    assert sorted(people, key=name_sort_key) == ["Nguyễn Thị An", "Nguyễn Văn An", "Trần Thị An"]


def test_it_sorts_a_one_word_name_and_an_empty_name():
    assert sorted(["Mai", "", "Hoa"], key=name_sort_key) == ["", "Hoa", "Mai"]


def test_it_ignores_stray_spaces_in_a_name():
    assert name_sort_key("  Nguyễn  Thị Lan ") == name_sort_key("Nguyễn Thị Lan")


# --- normalise_phone --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "0912000002",
        "0912 000 002",
        "0912.000.002",
        "0912-000-002",
        "(0912) 000 002",
        " 0912 000 002 ",
        "+84912000002",
        "+84 912 000 002",
        "84912000002",
        "84 912 000 002",
        "912000002",
        "912 000 002",
    ],
)
def test_it_normalises_a_phone_number(raw):
    assert normalise_phone(raw) == "0912000002"


def test_it_puts_back_the_leading_zero_a_spreadsheet_dropped_from_a_number():
    assert normalise_phone(912000002) == "0912000002"  # type: ignore[arg-type]


def test_it_keeps_a_number_starting_with_84_after_a_lost_zero():
    # 084… is a mobile prefix: nine digits starting with 84 lost their zero, not a country code.
    assert normalise_phone("843456789") == "0843456789"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "abc", "12345", "0912 000 00", "09120000021", "+1 555 010 0000", "0912-abc-002",
     "+8491200000", "1912000002"],
)  # fmt: skip
def test_it_refuses_what_is_not_a_phone_number(raw):
    with pytest.raises(ValueError):
        normalise_phone(raw)


@pytest.mark.parametrize("raw", ["0912٠٠٠٠٠٢", "09120000²²"])
def test_it_refuses_digits_that_are_not_ascii(raw):
    # str.isdigit() says yes to these; a phone number is ASCII digits only.
    with pytest.raises(ValueError):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0262 3852 123", "02623852123"), ("+84 24 3825 3536", "02438253536"),
     ("84 262 3852 123", "02623852123"), ("262 3852 123", "02623852123")],
)  # fmt: skip
def test_it_normalises_a_landline_number(raw, expected):
    assert normalise_phone(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 +.-()", max_size=16))
def test_it_returns_a_mobile_or_a_landline_number_or_raises(raw):
    try:
        phone = normalise_phone(raw)
    except ValueError:
        return
    assert phone.isascii() and phone.isdigit()
    # A mobile is ten digits (03, 05, 07, 08, 09…); a landline eleven (02…).
    assert (len(phone) == 10 and phone[:2] in {"03", "05", "07", "08", "09"}) or (
        len(phone) == 11 and phone.startswith("02")
    )
    assert normalise_phone(phone) == phone
