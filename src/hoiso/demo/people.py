"""Realistic members for the demo province and the benchmarks: Kinh and ethnic-minority names,
ages, join dates, statuses and digital access, drawn from a seeded generator.

Members are written in bulk straight into the tables (with their name index and their admission
event), not through `member_admit`: a province of a million would otherwise take hours.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hoiso.core.bulk import Writer, reserve_ids
from hoiso.core.text import db_sort_key, fold, words
from hoiso.members.choices import (
    ConsentMethod,
    ConsentPurpose,
    DigitalSkill,
    Education,
    EventKind,
    Household,
    Religion,
    RemovalReason,
    Status,
)
from hoiso.members.history import branch_spans, placement_rows
from hoiso.members.models import Member, MemberEvent, NameToken, Placement
from hoiso.members.services import name_words
from hoiso.units.models import Level, Unit

# Family names with their approximate share among the Kinh.
KINH_FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 2),
               ("Phan", 4.5), ("Vũ", 2), ("Võ", 2), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4),
               ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trương", 0.8),
               ("Lương", 0.5), ("Mai", 0.4), ("Hà", 0.5), ("Tạ", 0.3), ("Cao", 0.4), ("Lâm", 0.3)]  # fmt: skip
KINH_MIDDLE = [("Thị", 70), ("Thị Thu", 4), ("Thị Ngọc", 3), ("Thị Kim", 3), ("Ngọc", 4),
               ("Thanh", 3), ("Thu", 3), ("Kim", 2), ("Mỹ", 2), ("Hồng", 2), ("Thị Mỹ", 2),
               ("Bích", 1), ("Minh", 1)]  # fmt: skip
KINH_GIVEN = ["Lan", "Hoa", "Hương", "Mai", "Linh", "Trang", "Hằng", "Thảo", "Ngọc", "Phương", "Hà",
              "Nga", "Loan", "Dung", "Hạnh", "Yến", "Nhung", "Thủy", "Huyền", "Oanh", "Xuân",
              "Tuyết", "Vân", "Anh", "Bình", "Cúc", "Đào", "Liên", "Nhàn", "Sương", "Thơm", "Hiền",
              "Hồng", "Thúy", "Vy", "Nhi", "My", "Thắm", "Lệ", "Bích", "Diệp", "Giang", "Kiều", "Ly",
              "Quyên", "Tâm", "Uyên", "Sen", "Huệ", "Lài", "Trinh", "Tuyền", "Ánh", "Châu", "Diễm",
              "Hậu", "Khánh", "Lụa", "Mận", "Nguyệt", "Phượng", "Quế", "Thoa", "Tươi", "Vui"]  # fmt: skip
# Ê Đê and M'nông women's names (given name with H', then the clan name), and Jrai ones.
EDE_GIVEN = ["H'Mai", "H'Linh", "H'Hen", "H'Yâm", "H'Nhi", "H'Juel", "H'Bia", "H'Ni", "H'Zoan",
             "H'Dơk", "H'Ngơ", "H'Loan", "H'Xíu", "H'Bút", "H'Năm", "H'Lim", "H'Ruôn", "H'Wen",
             "H'Ly", "H'Uôn", "H'Yen", "H'Nga", "H'Bel", "H'Mơ", "H'Đin"]  # fmt: skip
EDE_CLANS = ["Niê", "Mlô", "Ksơr", "Byă", "Êban", "Knul", "Adrơng", "Buôn Yă", "Hwing", "Ayun",
             "Kbuôr", "Mdrang", "Niê Kdăm", "Ênuôl", "Bkrông", "Êya", "Rcăm", "Mlô Duôn Du"]  # fmt: skip
# Northern minorities who settled in the highlands keep Kinh-like names with their own surnames.
NORTH = {2: ["Hoàng", "Nông", "Ma", "Lường"], 7: ["Lục", "Nông", "Vi", "Hoàng"],
         9: ["Triệu", "Bàn", "Lý"], 8: ["Giàng", "Vàng", "Lầu", "Sùng", "Thào"]}  # fmt: skip
OCCUPATIONS = [("Làm nông", 40), ("Trồng cà phê", 10), ("Buôn bán", 12), ("Nội trợ", 8),
               ("Công nhân", 8), ("Làm thuê", 6), ("Chăn nuôi", 4), ("Giáo viên", 3),
               ("Cán bộ, công chức", 3), ("Hưu trí", 4), ("Học sinh, sinh viên", 2)]  # fmt: skip
VILLAGE_PREFIXES = ("Chi hội ",)
# Birth-registration codes for citizen IDs: Đắk Lắk, Phú Yên, and provinces settlers came from.
CID_HOME = [("066", 70), ("054", 15), ("038", 3), ("040", 3), ("004", 2), ("020", 2), ("037", 2),
            ("001", 1), ("079", 2)]  # fmt: skip


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    names, cum_weights = _cumulative(tuple(weighted))
    return rng.choices(names, cum_weights=cum_weights)[0]


@functools.cache
def _cumulative(weighted: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    names = [n for n, _ in weighted]
    return names, list(itertools.accumulate(w for _, w in weighted))


@functools.cache
def _keys(name: str) -> tuple[str, str, list[str], str]:
    """Folded name, sort key, search words, and the words as NameToken stores them; names
    repeat, so each is computed once."""
    return fold(name), db_sort_key(name), words(name), name_words(name)


EDUCATION = list(Education.values)


@dataclass
class Place:
    """Where generated members go: a branch, its commune and province, its groups."""

    province: Unit
    commune: Unit
    branch: Unit
    groups: list[int]
    minority_share: float
    remote: bool


def _name_and_ethnicity(rng: random.Random, minority_share: float) -> tuple[str, int]:
    if rng.random() < minority_share:
        roll = rng.random()
        if roll < 0.55:
            return f"{rng.choice(EDE_GIVEN)} {rng.choice(EDE_CLANS)}", 12  # Ê Đê
        if roll < 0.7:
            return f"{rng.choice(EDE_GIVEN)} {rng.choice(['Bđăp', 'Bon', 'Lơ Mu', 'Kră'])}", 20
        if roll < 0.8:
            return f"{rng.choice(['Ksor', 'Rơ Mah', 'Siu', 'Rơ Châm'])} {rng.choice(EDE_GIVEN)}", 10
        ethnicity = rng.choice(list(NORTH))
        family = rng.choice(NORTH[ethnicity])
        return f"{family} Thị {rng.choice(KINH_GIVEN)}", ethnicity
    family = _pick(rng, KINH_FAMILY)
    return f"{family} {_pick(rng, KINH_MIDDLE)} {rng.choice(KINH_GIVEN)}", 1


def _religion(rng: random.Random, ethnicity: int) -> int:
    roll = rng.random()
    if ethnicity in (12, 20, 10):  # many highland families are Protestant or Catholic
        return [Religion.PROTESTANTISM, Religion.CATHOLICISM, Religion.NONE][
            0 if roll < 0.4 else 1 if roll < 0.55 else 2
        ]
    if roll < 0.75:
        return Religion.NONE
    return (
        Religion.BUDDHISM
        if roll < 0.88
        else Religion.CATHOLICISM
        if roll < 0.97
        else Religion.CAO_DAI
    )


class PhoneBook:
    """Unique mobile numbers, and unique card and ID numbers, across one generation run."""

    PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "033",
                "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079",
                "081", "082", "083", "084", "085", "056", "058"]  # fmt: skip

    def __init__(self, rng: random.Random, card_prefix: str) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        self.ids: set[str] = set()
        self.card_prefix = card_prefix
        self.cards = 0

    def phone(self) -> str:
        while True:
            p = self.rng.choice(self.PREFIXES) + f"{self.rng.randrange(10**7):07d}"
            if p not in self.phones:
                self.phones.add(p)
                return p

    def citizen_id(self, year: int) -> str:
        while True:
            century_sex = 1 if year < 2000 else 3  # female, born in the 1900s or 2000s
            cid = f"{_pick(self.rng, CID_HOME)}{century_sex}{year % 100:02d}{self.rng.randrange(10**6):06d}"
            if cid not in self.ids:
                self.ids.add(cid)
                return cid

    def card(self) -> str:
        self.cards += 1
        return f"{self.card_prefix}{self.cards:07d}"


def generate(rng: random.Random, place: Place, book: PhoneBook, today: dt.date) -> dict[str, Any]:
    """One member of the given branch, with a plausible life in the union (column values)."""
    name, ethnicity = _name_and_ethnicity(rng, place.minority_share)
    age = min(int(rng.triangular(18, 85, 40)), 90)
    year = today.year - age
    birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.9 else None
    joined_year = rng.randint(max(year + 18, 1990), today.year)
    joined = dt.date(joined_year, rng.randint(1, 12), rng.randint(1, 28))
    joined = min(joined, today)
    young = age < 50
    smartphone = rng.random() < (0.8 if young else 0.4) * (0.75 if place.remote else 1)
    zalo = smartphone and rng.random() < 0.85
    roll = rng.random()
    status, reason = Status.ACTIVE, ""
    if roll < 0.02:
        status, reason = (
            Status.REMOVED,
            rng.choice([RemovalReason.MOVED_AWAY, RemovalReason.MARRIED_AWAY, RemovalReason.LEFT]),
        )
    elif roll < 0.03 and age > 60:
        status, reason = Status.DECEASED, RemovalReason.DECEASED
    poor = rng.random()
    household = (
        Household.POOR if poor < (0.12 if place.remote else 0.04)
        else Household.NEAR_POOR if poor < (0.2 if place.remote else 0.08)
        else Household.MODEL if poor > 0.8 else Household.ORDINARY
    )  # fmt: skip
    consent = rng.random() < 0.85
    folded, key, *_ = _keys(name)
    return dict(
        province_id=place.province.pk, commune_id=place.commune.pk, branch_id=place.branch.pk,
        group_id=rng.choice(place.groups) if place.groups and rng.random() < 0.85 else None,
        branch_path=place.branch.path, full_name=name, name_folded=folded, sort_key=key, birth_date=birth, birth_year=year,
        citizen_id=book.citizen_id(year) if rng.random() < 0.7 else "",
        phone=book.phone() if rng.random() < (0.85 if young else 0.55) else "",
        village=place.branch.name.removeprefix("Chi hội "),
        ethnicity=ethnicity, religion=_religion(rng, ethnicity),
        education=rng.choices(EDUCATION, weights=[3, 15, 35, 30, 7, 4, 5, 1])[0],
        occupation=_pick(rng, OCCUPATIONS), party_member=rng.random() < 0.06,
        join_date=joined, card_number=book.card() if rng.random() < 0.85 else "",
        status=status, status_since=joined if status == Status.ACTIVE else today, removal_reason=reason,
        has_smartphone=smartphone, uses_zalo=zalo, uses_facebook=smartphone and rng.random() < 0.5,
        digital_skill=(DigitalSkill.CONFIDENT if zalo and rng.random() < 0.3
                       else DigitalSkill.BASIC if smartphone else DigitalSkill.NONE),
        household=household,
        consent_purposes=[ConsentPurpose.MEMBERSHIP, ConsentPurpose.STATISTICS] if consent else [],
        consent_date=joined if consent else None,
        consent_method=ConsentMethod.PAPER if consent else "",
    )  # fmt: skip


def places(province: Unit) -> list[Place]:
    """Every open branch of the province, with what the generator needs to know about it."""
    communes = {u.pk: u for u in Unit.objects.filter(parent=province, level=Level.COMMUNE)}
    groups: dict[int, list[int]] = {}
    for pk, parent_id in (
        Unit.objects.within(province).filter(level=Level.GROUP).values_list("pk", "parent_id")
    ):
        groups.setdefault(parent_id, []).append(pk)
    result = []
    for branch in Unit.objects.within(province).active().filter(level=Level.BRANCH):
        commune = communes[branch.parent_id]  # type: ignore[index]
        share = 0.65 if commune.is_ethnic_minority_area else 0.04
        result.append(Place(province, commune, branch, groups.get(branch.pk, []), share,
                            commune.is_remote_area))  # fmt: skip
    return result


def _batches(
    rng: random.Random, places: list[Place], total: int, book: PhoneBook, today: dt.date
) -> Iterator[list[dict[str, Any]]]:
    # Branch sizes vary a lot: draw weights so that some branches are five times others.
    weights = [rng.uniform(0.4, 2.0) for _ in places]
    batch: list[dict[str, Any]] = []
    for place in rng.choices(places, weights=weights, k=total):
        batch.append(generate(rng, place, book, today))
        if len(batch) == 20_000:
            yield batch
            batch = []
    if batch:
        yield batch


def populate(province: Unit, total: int, *, seed: int = 7, card_prefix: str = "DL") -> int:
    """Add `total` generated members to the province's branches; returns how many were written."""
    rng = random.Random(seed)
    today = dt.date.today()
    book = PhoneBook(rng, card_prefix)
    members, tokens = Writer(Member), Writer(NameToken, with_id=False)
    events = Writer(MemberEvent, with_id=False)
    placements = Writer(Placement, with_id=False)
    written = 0
    with transaction.atomic():
        where = places(province)
        spans = branch_spans(p.branch.pk for p in where)
        for batch in _batches(rng, where, total, book, today):
            for m, pk in zip(batch, reserve_ids(Member, len(batch)), strict=True):
                m["id"] = pk
            members.write(batch)
            tokens.write(
                {"member_id": m["id"], "token": w[:40], "commune_id": m["commune_id"],
                 "province_id": m["province_id"], "active": m["status"] == Status.ACTIVE,
                 "words": _keys(m["full_name"])[3]}
                for m in batch for w in _keys(m["full_name"])[2]
            )  # fmt: skip
            events.write(
                {"member_id": m["id"], "kind": EventKind.ADMITTED, "on": m["join_date"],
                 "branch_id": m["branch_id"], "actor_id": None}
                for m in batch
            )  # fmt: skip
            events.write(
                {"member_id": m["id"], "kind": EventKind.REMOVED, "on": m["status_since"],
                 "branch_id": m["branch_id"], "actor_id": None,
                 "data": {"reason": m["removal_reason"]}}
                for m in batch if m["status"] != Status.ACTIVE
            )  # fmt: skip
            # Active from joining, under her branch's place of each time; until her removal.
            placements.write(
                row
                for m in batch
                for row in placement_rows(
                    member_id=m["id"], branch_id=m["branch_id"], group_id=m["group_id"],
                    spans=spans[m["branch_id"]], start=m["join_date"],
                    end=None if m["status"] == Status.ACTIVE else m["status_since"],
                )
            )  # fmt: skip
            written += len(batch)
    return written
