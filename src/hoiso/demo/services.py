"""The demo province: Đắk Lắk (with former Phú Yên), its real communes, village branches, accounts.

Everything is drawn from a seeded random generator, so two machines get the same province.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.core import audit
from hoiso.core.text import fold
from hoiso.demo.activities import populate_activities
from hoiso.demo.contests import populate_contests
from hoiso.demo.documents import populate_documents
from hoiso.demo.people import populate
from hoiso.demo.ratings import populate_ratings
from hoiso.demo.reports import populate_reports
from hoiso.demo.targets import demo_comms_and_targets
from hoiso.demo.voices import populate_voices
from hoiso.members.counting.stats import refresh_province
from hoiso.members.models import Member
from hoiso.notifications.models import Channel, Consent
from hoiso.units import history
from hoiso.units.models import Level, SuccessorCandidate, Unit
from hoiso.units.reform import HISTORY_FROM, load_history, place_branches_before
from hoiso.units.services import find_province, load_province

DEMO_PASSWORD = "HoiSo@2026"
PROVINCE = "Đắk Lắk"

# Communes along the Cambodian border (old Ea Súp and Buôn Đôn districts).
BORDER = {"ia lop", "ia rve", "ea sup", "ea bung", "ea rok", "krong na"}
# Names of Ê Đê, M'nông and J'rai origin mark the communes where ethnic minorities live.
MINORITY_PREFIXES = (
    "ea ",
    "krong ",
    "cu ",
    "ia ",
    "dak ",
    "dlie ",
    "buon ",
    "m'",
    "m’",
    "dray ",
    "dur ",
    "yang ",
    "dang ",
    "pong ",
    "nam ka",
    "vu bon",
    "cuor ",
)
BUON_NAMES = [
    "Ko Sier",
    "Ea Bông",
    "Kram",
    "Tơng Jú",
    "Ea Kmát",
    "Cuôr Knia",
    "Ea Nao",
    "Trấp",
    "Drai",
    "Knia",
    "H'Ding",
    "Kô Đung",
    "Ea Sinh",
    "Pơng",
    "Ma Wan",
    "Sút M'rư",
    "Ea Mar",
    "Tring",
    "Ky",
    "Akô Dhông",
]
THON_NAMES = [
    "Tân Lập",
    "Tân Hòa",
    "Thống Nhất",
    "Quyết Thắng",
    "Đoàn Kết",
    "Hòa Bình",
    "Phú Lộc",
    "An Ninh",
    "Xuân Phong",
    "Thanh Xuân",
    "Đông Tác",
    "Phước Lộc",
    "Mỹ Thạnh",
    "Long Thủy",
    "Hòa Thuận",
    "Quảng Hà",
    "Bình Minh",
    "Tân Sơn",
    "Đồng Tâm",
    "Ninh Tịnh",
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    phone: str
    role: str
    where: str  # a commune name, "" for the province, or "branch" for the first branch


MEMBER_LOGIN = DemoAccount("", "", "0912000009", "member", "branch")
ACCOUNTS = [
    DemoAccount("lan.tinh", "Nguyễn Thị Lan", "0912000001", Role.UNIT_ADMIN, ""),
    DemoAccount("hoa.xa", "Trần Thị Hoa", "0912000002", Role.UNIT_ADMIN, "Xã Ea Kar"),
    DemoAccount("mai.chihoi", "H'Mai Niê", "0912000003", Role.BRANCH_HEAD, "branch"),
    DemoAccount("thu.xa", "Lê Thị Thu", "0912000004", Role.UNIT_ADMIN, "Xã Krông Pắc"),
]


def _is_minority(name: str) -> bool:
    bare = fold(name).removeprefix("xa ").removeprefix("phuong ")
    return bare.startswith(MINORITY_PREFIXES)


def _branch_names(rng: random.Random, commune: Unit) -> list[str]:
    count = rng.randint(6, 20)
    if commune.name.startswith("Phường"):
        return [f"Chi hội Khu phố {i}" for i in range(1, count + 1)]
    names: list[str] = []
    buons = rng.sample(BUON_NAMES, k=min(len(BUON_NAMES), count // 2))
    thons = rng.sample(THON_NAMES, k=min(len(THON_NAMES), count))
    numbered = 1
    while len(names) < count:
        kind = rng.random()
        if commune.is_ethnic_minority_area and buons and kind < 0.5:
            names.append(f"Chi hội Buôn {buons.pop()}")
        elif thons and kind < 0.75:
            names.append(f"Chi hội Thôn {thons.pop()}")
        else:
            names.append(f"Chi hội Thôn {numbered}")
            numbered += 1
    return names


def _bulk_children(parent_of: list[tuple[Unit, Unit]]) -> list[Unit]:
    """Insert (parent, child) pairs in bulk and give each child its path."""
    children = [child for _parent, child in parent_of]
    for i, child in enumerate(children):
        child.path = f"~{child.code}-{i}"
    Unit.objects.bulk_create(children, batch_size=500)
    if any(c.pk is None for c in children):  # a backend that does not return ids
        by_code = {u.code: u.pk for u in Unit.objects.filter(code__in=[c.code for c in children])}
        for c in children:
            c.pk = by_code[c.code]
    for child in children:
        child.set_path()
    Unit.objects.bulk_update(children, ["path"], batch_size=500)
    history.record_new(children)
    return children


def _flag_communes(rng: random.Random, communes: list[Unit]) -> None:
    for commune in communes:
        bare = fold(commune.name).removeprefix("xa ").removeprefix("phuong ")
        commune.is_ethnic_minority_area = _is_minority(commune.name)
        commune.is_border_area = bare in BORDER
        commune.is_remote_area = commune.is_border_area or (
            commune.is_ethnic_minority_area and rng.random() < 0.3
        )
    Unit.objects.bulk_update(
        communes, ["is_ethnic_minority_area", "is_remote_area", "is_border_area"]
    )


def _add_branches_and_groups(rng: random.Random, communes: list[Unit]) -> list[Unit]:
    pairs: list[tuple[Unit, Unit]] = []
    for commune in communes:
        for i, name in enumerate(_branch_names(rng, commune), start=1):
            branch = Unit(
                parent=commune,
                level=Level.BRANCH,
                code=f"{commune.code}-{i:02d}",
                name=name,
                valid_from=commune.valid_from,
                is_ethnic_minority_area=commune.is_ethnic_minority_area,
                is_remote_area=commune.is_remote_area,
                is_border_area=commune.is_border_area,
            )
            pairs.append((commune, branch))
    branches = _bulk_children(pairs)
    group_pairs = []
    for branch in branches:
        for j in range(1, rng.randint(2, 4) + 1):
            group = Unit(
                parent=branch,
                level=Level.GROUP,
                code=f"{branch.code}-{j}",
                name=f"Tổ phụ nữ số {j}",
                valid_from=branch.valid_from,
                is_ethnic_minority_area=branch.is_ethnic_minority_area,
                is_remote_area=branch.is_remote_area,
                is_border_area=branch.is_border_area,
            )
            group_pairs.append((branch, group))
    _bulk_children(group_pairs)
    return branches


def _create_accounts(province: Unit) -> None:
    communes = {u.name: u for u in Unit.objects.filter(parent=province)}
    for acc in ACCOUNTS:
        if acc.where == "branch":
            unit = Unit.objects.filter(parent=communes["Xã Ea Kar"]).order_by("code").first()
        else:
            unit = communes[acc.where] if acc.where else province
        assert unit is not None
        user = User(username=acc.username, full_name=acc.full_name, phone=acc.phone)
        user.set_password(DEMO_PASSWORD)
        user.save()
        roles = [acc.role, Role.CADRE] if acc.role == Role.UNIT_ADMIN else [acc.role]
        for role in roles:
            # A commune's cadres are its full-time staff; the branch head is a volunteer.
            full_time = role == Role.CADRE and unit.level == Level.COMMUNE
            Assignment.objects.create(user=user, unit=unit, role=role, full_time=full_time)


def demo_is_loaded() -> bool:
    return User.objects.filter(username=ACCOUNTS[0].username).exists()


def demo_load(*, seed: int = 2026, members: int = 50_000) -> Unit:
    """Build the demo province once; a second call changes nothing."""
    with transaction.atomic():
        province = load_province(province=find_province(PROVINCE)).province
        if demo_is_loaded():
            return province
        rng = random.Random(seed)
        communes = list(Unit.objects.filter(parent=province).order_by("code"))
        _flag_communes(rng, communes)
        branches = _add_branches_and_groups(rng, communes)
        _create_accounts(province)
        _load_history(province)
        members = populate(province, members)
        _create_member_login(province)
        _give_consents(province)
        populate_activities(province, seed=seed)
        refresh_province(province)
        demo_comms_and_targets(province)
        populate_documents(province)
        populate_voices(province, seed=seed)
        populate_reports(province, seed=seed)
        populate_ratings(province, seed=seed)
        populate_contests(province, seed=seed)
        audit.log(
            None, "demo.loaded", province, data={"branches": len(branches), "members": members}
        )
    return province


def _give_consents(province: Unit) -> None:
    """Members with a phone agreed (on the paper form) to the union's messages: by Zalo if they
    use it, else by SMS; so that a notice from the demo shows each channel in the outbox."""
    now = timezone.now()
    rows = Member.objects.filter(province=province).exclude(phone="").values_list("pk", "uses_zalo")
    Consent.objects.bulk_create(
        [Consent(member_id=pk, channel=Channel.ZNS if zalo else Channel.SMS, at=now,
                 source="demo: paper form") for pk, zalo in rows],
        batch_size=2000,
    )  # fmt: skip


def _load_history(province: Unit) -> None:
    """Đắk Lắk's and Phú Yên's units before the 2025 reform, and the demo's branches in their
    old communes: where today's commune came from several old ones, its branches are shared
    among them in turn (the demo builds its villages, so it knows where they were)."""
    load_history(province.code)
    assignment: dict[int, Unit] = {}
    for commune in Unit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"):
        olds = list(commune.predecessors.order_by("code")) or [
            c.unit for c in SuccessorCandidate.objects.filter(candidate=commune).order_by("pk")
        ]
        if not olds:
            continue
        branches = Unit.objects.filter(parent=commune, level=Level.BRANCH).order_by("code")
        for i, branch in enumerate(branches):
            assignment[branch.pk] = olds[i % len(olds)]
    place_branches_before(assignment, HISTORY_FROM)


def _create_member_login(province: Unit) -> None:
    """One member of the demo branch who logs in with her phone, to show the member's pages."""
    member = (
        Member.objects.filter(commune__name="Xã Ea Kar", province=province, status="active")
        .exclude(card_number="")
        .order_by("branch__code", "pk")
        .first()
    )
    if member is None:  # a very small demo may have no one there
        return
    user = User(username=f"hv{member.pk}", full_name=member.full_name, phone=MEMBER_LOGIN.phone)
    user.set_password(DEMO_PASSWORD)
    user.save()
    member.phone, member.user = MEMBER_LOGIN.phone, user
    member.save(update_fields=["phone", "user"])
