"""Member search and the filtered list: word prefixes without diacritics, numbers, scope, order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from hoiso.conftest import make_member
from hoiso.members import selectors
from hoiso.members.choices import Kind, Religion, RemovalReason, Sex
from hoiso.members.models import Member
from hoiso.members.selectors import Filters, member_list, search
from hoiso.members.services import member_admit, member_remove


@dataclass
class People:
    binh: Member
    lan: Member
    hmai: Member
    dao: Member
    an: Member
    anh: Member
    anh_acute: Member
    bich: Member
    an_b: Member


@pytest.fixture
def people(cast) -> People:
    a1, a2, b1 = cast.branch_a1, cast.branch_a2, cast.branch_b1
    return People(
        binh=make_member(
            a1,
            "Nguyễn Thị Bình",
            phone="0912345678",
            citizen_id="066185000123",
            card_number="DL0001",
        ),
        lan=make_member(a1, "Nguyễn Thị Lan"),
        hmai=make_member(a1, "H'Mai Niê", ethnicity=12, religion=Religion.PROTESTANTISM),
        dao=make_member(a1, "Đỗ Thị Đào"),
        an=make_member(a2, "Trần Văn An", kind=Kind.HONORARY, sex=Sex.MALE),
        anh=make_member(a2, "Hà Anh"),
        anh_acute=make_member(a2, "Lê Thị Ánh"),
        bich=make_member(b1, "Nguyễn Thị Bích"),
        an_b=make_member(b1, "Trần Thị An"),
    )


def names(unit, q: str, **kwargs) -> list[str]:
    return [m.full_name for m in search(unit, q, **kwargs).members]


# --- by name --------------------------------------------------------------------------------


def test_it_finds_a_name_by_the_start_of_each_word(cast, people):
    assert names(cast.commune_a, "ng thi b") == ["Nguyễn Thị Bình"]
    assert names(cast.commune_a, "nguyen thi binh") == ["Nguyễn Thị Bình"]
    assert names(cast.commune_a, "binh nguyen") == ["Nguyễn Thị Bình"]


def test_it_matches_the_start_of_a_word_not_its_middle(cast, people):
    assert names(cast.commune_a, "an") == ["Trần Văn An", "Hà Anh", "Lê Thị Ánh"]
    assert "Nguyễn Thị Lan" not in names(cast.commune_a, "an")
    assert names(cast.commune_a, "lan") == ["Nguyễn Thị Lan"]
    assert names(cast.commune_a, "inh") == []


@pytest.mark.parametrize("q", ["NGUYEN", "nguyễn", "Nguyễn", "NGUYỄN", "ngu"])
def test_it_ignores_case_and_diacritics(cast, people, q):
    assert names(cast.commune_a, q) == ["Nguyễn Thị Bình", "Nguyễn Thị Lan"]


@pytest.mark.parametrize("q", ["do thi dao", "đỗ thị đào", "ĐÀO", "dao", "đ t đ", "D"])
def test_it_folds_d_with_stroke_to_d(cast, people, q):
    assert "Đỗ Thị Đào" in names(cast.commune_a, q)


@pytest.mark.parametrize("q", ["h'mai", "hmai", "h mai", "H’Mai", "HMAI NIE", "nie", "mai"])
def test_it_finds_a_name_with_an_apostrophe_however_it_is_typed(cast, people, q):
    assert names(cast.commune_a, q) == ["H'Mai Niê"]


@pytest.mark.parametrize("q", ["", "   ", "'", "-"])
def test_it_finds_nothing_for_an_empty_search(cast, people, q):
    result = search(cast.commune_a, q)
    assert (result.members, result.more) == ([], False)


def test_it_finds_nothing_for_a_word_no_name_starts_with(cast, people):
    assert names(cast.commune_a, "xuan") == []
    assert names(cast.commune_a, "nguyen xuan") == []


# --- by number ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "091-234-5678",
        "+84 912 345 678",
        "84912345678",
        "912345678",
    ],
)
def test_it_finds_a_member_by_her_phone_in_any_format(cast, people, q):
    assert search(cast.commune_a, q).members == [people.binh]


def test_it_finds_members_by_the_start_of_a_phone_number(cast, people):
    assert search(cast.commune_a, "0912 345").members == [people.binh]
    assert search(cast.commune_a, "0913").members == []


def test_it_finds_a_landline_typed_with_its_area_code_in_parentheses(cast, people):
    landline = make_member(cast.branch_a1, "Phan Thị Dung", phone="02623812345")
    assert search(cast.commune_a, "(0262) 3812 345").members == [landline]


def test_it_finds_a_member_by_her_citizen_id(cast, people):
    assert search(cast.commune_a, "066185000123", sensitive=True).members == [people.binh]
    assert search(cast.commune_a, "066 185 000 123", sensitive=True).members == [people.binh]
    assert search(cast.commune_a, "066185000124", sensitive=True).members == []
    assert search(cast.commune_a, "066185000123", sensitive=True).by_citizen_id


def test_it_does_not_look_up_citizen_ids_for_those_who_may_not_see_them(cast, people):
    assert search(cast.commune_a, "066185000123").members == []


def test_it_finds_a_member_by_her_card_number_in_any_case(cast, people):
    assert search(cast.commune_a, "DL0001").members == [people.binh]
    assert search(cast.commune_a, "dl0001").members == [people.binh]


def test_it_finds_numbers_only_within_the_unit(cast, people):
    assert search(cast.commune_b, "0912345678").members == []
    assert search(cast.branch_a2, "DL0001").members == []
    assert search(cast.province, "066185000123", sensitive=True).members == [people.binh]
    assert search(cast.commune_b, "066185000123", sensitive=True).members == []


# --- scope ----------------------------------------------------------------------------------


def test_it_searches_only_the_communes_members(cast, people):
    assert names(cast.commune_a, "nguyen thi") == ["Nguyễn Thị Bình", "Nguyễn Thị Lan"]
    assert names(cast.commune_b, "nguyen thi") == ["Nguyễn Thị Bích"]


def test_it_searches_only_the_branchs_members(cast, people):
    assert names(cast.branch_a2, "an") == ["Trần Văn An", "Hà Anh", "Lê Thị Ánh"]
    assert names(cast.branch_a1, "an") == []
    assert names(cast.branch_b1, "an") == ["Trần Thị An"]


def test_it_searches_a_group_within_its_branch(cast, people):
    in_group = member_admit(
        actor=cast.hoa,
        branch=cast.branch_a1,
        group=cast.group_a1,
        data={"full_name": "Nguyễn Thị Bông", "birth_date": dt.date(1990, 1, 1)},
    )
    assert search(cast.group_a1, "nguyen").members == [in_group]


def test_it_searches_the_whole_province(cast, people):
    assert names(cast.province, "ng thi b") == ["Nguyễn Thị Bích", "Nguyễn Thị Bình"]
    assert names(cast.province, "an") == [
        "Trần Thị An",
        "Trần Văn An",
        "Hà Anh",
        "Lê Thị Ánh",
    ]


# --- the two search paths -------------------------------------------------------------------

QUERIES = [
    "an",
    "thi",
    "nguyen thi",
    "ng thi b",
    "thi an",
    "h mai",
    "d",
    "t",
    "tran an",
    "le thi anh",
    "xuan",
    "thi xuan",
]


def _answers(cast) -> dict[tuple[str, str], list[int]]:
    return {
        (unit.code, q): [m.pk for m in search(unit, q).members]
        for unit in (cast.province, cast.commune_a, cast.branch_a1, cast.branch_a2)
        for q in QUERIES
    }


@pytest.mark.parametrize("cap", [1, 2, 3])
def test_it_gives_the_same_answers_on_the_dense_path_as_on_the_token_path(
    cast, people, monkeypatch, cap
):
    token_driven = _answers(cast)
    monkeypatch.setattr(selectors, "DRIVE_CAP", cap)
    assert _answers(cast) == token_driven
    assert token_driven[(cast.commune_a.code, "thi")] == [
        people.anh_acute.pk,
        people.binh.pk,
        people.dao.pk,
        people.lan.pk,
    ]


def test_it_walks_the_members_in_name_order_when_every_word_is_common(cast, people, monkeypatch):
    monkeypatch.setattr(selectors, "DRIVE_CAP", 2)
    # "thi" has four hits in commune A, "nguyen" two: both reach the cap, so no word drives.
    assert names(cast.commune_a, "nguyen thi") == ["Nguyễn Thị Bình", "Nguyễn Thị Lan"]
    assert names(cast.commune_a, "thi") == [
        "Lê Thị Ánh",
        "Nguyễn Thị Bình",
        "Đỗ Thị Đào",
        "Nguyễn Thị Lan",
    ]
    # A rare word still drives when another is common.
    assert names(cast.commune_a, "thi dao") == ["Đỗ Thị Đào"]


def test_it_counts_the_more_flag_on_both_paths(cast, monkeypatch):
    for i in range(6):
        make_member(cast.branch_a1, f"Nguyễn Thị Hoa {i}", birth_date=dt.date(1980 + i, 1, 1))
    for cap in (3000, 2):
        monkeypatch.setattr(selectors, "DRIVE_CAP", cap)
        result = search(cast.commune_a, "nguyen hoa", limit=5)
        assert (len(result.members), result.more) == (5, True)
        result = search(cast.commune_a, "nguyen hoa", limit=6)
        assert (len(result.members), result.more) == (6, False)


# --- order ----------------------------------------------------------------------------------


def test_it_orders_by_given_name_then_the_rest_the_vietnamese_way(cast, people):
    listed = [m.full_name for m in member_list(cast.branch_a2)]
    assert listed == ["Trần Văn An", "Hà Anh", "Lê Thị Ánh"]


def test_it_orders_the_vietnamese_alphabet_and_tones(cast):
    for name in [
        "Lê Thị Ánh",
        "Lê Thị Ân",
        "Lê Thị Ăn",
        "Lê Thị Anh",
        "Lê Thị Bé",
        "Lê Thị Đào",
        "Lê Thị Dung",
        "Lê Thị Ơn",
        "Lê Thị Ôn",
        "Lê Thị On",
    ]:
        make_member(cast.branch_a2, name)
    listed = [m.full_name.split()[-1] for m in member_list(cast.branch_a2)]
    assert listed == ["Anh", "Ánh", "Ăn", "Ân", "Bé", "Dung", "Đào", "On", "Ôn", "Ơn"]


def test_it_lists_the_whole_subtree_of_a_unit(cast, people):
    assert member_list(cast.commune_a).count() == 7
    assert member_list(cast.branch_a1).count() == 4
    assert member_list(cast.province).count() == 9


# --- filters --------------------------------------------------------------------------------


def test_it_filters_by_status(cast, people):
    member_remove(actor=cast.hoa, member=people.lan, reason=RemovalReason.LEFT)
    member_remove(actor=cast.hoa, member=people.dao, reason=RemovalReason.DECEASED)
    a1 = cast.branch_a1
    assert [m.full_name for m in member_list(a1)] == ["Nguyễn Thị Bình", "H'Mai Niê"]
    assert [m.full_name for m in member_list(a1, Filters(status="removed"))] == ["Nguyễn Thị Lan"]
    assert [m.full_name for m in member_list(a1, Filters(status="deceased"))] == ["Đỗ Thị Đào"]
    assert member_list(a1, Filters(status="")).count() == 4
    assert names(a1, "nguyen") == ["Nguyễn Thị Bình"]
    assert names(a1, "nguyen", filters=Filters(status="")) == ["Nguyễn Thị Bình", "Nguyễn Thị Lan"]


def test_it_filters_by_age_band(cast):
    year = timezone.localdate().year
    ages = {"Trẻ": 25, "Trung": 40, "Lớn": 55, "Già": 75}
    for name, age in ages.items():
        make_member(
            cast.branch_a1,
            f"Lê Thị {name}",
            birth_date=None,
            birth_year=year - age,
            join_date=dt.date(year - age + 20, 1, 1),
        )
    expected = {"18-30": "Trẻ", "31-45": "Trung", "46-60": "Lớn", "61+": "Già"}
    for band, name in expected.items():
        found = member_list(cast.commune_a, Filters(age=band))
        assert [m.full_name for m in found] == [f"Lê Thị {name}"], band
    assert member_list(cast.commune_a, Filters(age="nonsense")).count() == 4


def test_it_filters_by_digital_access(cast):
    make_member(cast.branch_a1, "Lê Thị Zalo", has_smartphone=True, uses_zalo=True)
    make_member(cast.branch_a1, "Lê Thị Phây", has_smartphone=True, uses_facebook=True)
    make_member(cast.branch_a1, "Lê Thị Không")
    expected = {
        "smartphone": ["Lê Thị Phây", "Lê Thị Zalo"],
        "zalo": ["Lê Thị Zalo"],
        "facebook": ["Lê Thị Phây"],
        "none": ["Lê Thị Không"],
    }
    for digital, wanted in expected.items():
        found = [m.full_name for m in member_list(cast.commune_a, Filters(digital=digital))]
        assert found == wanted, digital


def test_it_filters_by_join_year(cast, people):
    joined = make_member(cast.branch_a1, "Lê Thị Mới", join_date=dt.date(2021, 3, 8))
    assert list(member_list(cast.commune_a, Filters(join_year=2021))) == [joined]
    assert member_list(cast.commune_a, Filters(join_year=2010)).count() == 7


def test_it_filters_by_ethnicity_and_religion(cast, people):
    assert list(member_list(cast.commune_a, Filters(ethnicity=12))) == [people.hmai]
    assert list(member_list(cast.commune_a, Filters(religion=Religion.PROTESTANTISM))) == [
        people.hmai
    ]
    assert member_list(cast.commune_a, Filters(ethnicity=1)).count() == 6
    assert search(cast.commune_a, "nie", Filters(ethnicity=1)).members == []


def test_it_filters_by_a_sub_unit(cast, people):
    assert [m.full_name for m in member_list(cast.commune_a, Filters(branch=cast.branch_a2))] == [
        "Trần Văn An",
        "Hà Anh",
        "Lê Thị Ánh",
    ]
    assert names(cast.commune_a, "an", filters=Filters(branch=cast.branch_a1)) == []
    assert names(cast.province, "an", filters=Filters(branch=cast.commune_b)) == ["Trần Thị An"]
