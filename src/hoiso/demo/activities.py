"""A year of the demo province's union life: activities, branch meetings with attendance, dues,
training courses with their trainees, each commune's equipment and requests for more.

Drawn from a seeded generator and written in bulk (about 400,000 rows for 50,000 members).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from hoiso.accounts.models import Assignment, User
from hoiso.accounts.roles import Role
from hoiso.activities import services
from hoiso.activities.choices import ActivityKind, EquipmentKind, EquipmentState, Result, Topic
from hoiso.activities.metrics import Span, quarters_due
from hoiso.activities.models import (
    Activity,
    Attendance,
    Course,
    DuesPayment,
    Equipment,
    ModelBranchRule,
    Theme,
)
from hoiso.core.bulk import Writer, reserve_ids
from hoiso.members.models import Member
from hoiso.targets.models import Target
from hoiso.units.models import Level, Unit

THEMES = {
    0: "Phụ nữ Đắk Lắk đoàn kết, sáng tạo, chuyển đổi số vì cộng đồng",
    -1: "Năm dân vận khéo — xây dựng chi hội mạnh",
}
COMMUNE_ACTIVITIES = [
    (ActivityKind.COMMUNICATION, "Truyền thông phòng chống lừa đảo qua mạng", 2),
    (ActivityKind.LEGAL, "Tuyên truyền Luật Phòng, chống bạo lực gia đình", 1),
    (ActivityKind.ECONOMIC, "Hỗ trợ vốn vay phát triển sinh kế cho hội viên", 1),
    (ActivityKind.CONTEST, "Hội thi Phụ nữ với chuyển đổi số", 1),
]
DIGITAL_TITLES = [
    "Hướng dẫn cài đặt và sử dụng VNeID",
    "Thanh toán không dùng tiền mặt cho hội viên",
    "Sử dụng Zalo an toàn, nhận diện tin giả",
    "Bán hàng nông sản qua mạng xã hội",
]
PLACES = ["Nhà văn hóa thôn", "Hội trường UBND xã", "Nhà sinh hoạt cộng đồng buôn"]


def _day(rng: random.Random, span: Span) -> dt.date:
    return span.start + dt.timedelta(days=rng.randrange((span.end - span.start).days))


def _activity(
    rng: random.Random, unit: Unit, on: dt.date, kind: str, title: str, n: int, theme: Theme | None
) -> dict:
    return {"unit_id": unit.pk, "unit_path": unit.path, "on": on, "kind": kind, "title": title,
            "theme_id": theme.pk if theme and theme.year == on.year else None,
            "place": rng.choice(PLACES), "participants": n}  # fmt: skip


def _meetings(
    rng: random.Random, branches: list[Unit], span: Span, theme: Theme | None, strong: set[int]
) -> tuple[int, int]:
    """A meeting each quarter in every branch, with each active member's attendance."""
    by_branch: dict[int, list[int]] = defaultdict(list)
    for pk, branch_id in Member.objects.filter(status="active").values_list("pk", "branch_id"):
        by_branch[branch_id].append(pk)
    quarters = quarters_due(span, on=span.end)
    rows, present_rows = [], []
    for branch in branches:
        # How well this branch's members come; the strong branches are the model ones.
        keen = rng.uniform(0.88, 0.99) if branch.pk in strong else rng.uniform(0.6, 0.95)
        for q in quarters:
            on = max(q, span.start) + dt.timedelta(days=rng.randrange(20, 60))
            if on >= span.end:
                continue
            members = by_branch.get(branch.pk, [])
            came = [m for m in members if rng.random() < keen]
            rows.append({**_activity(rng, branch, on, ActivityKind.MEETING,
                                     f"Sinh hoạt chi hội quý {(q.month - 1) // 3 + 1}/{q.year}",
                                     len(came), theme), "attendance_taken": len(members)})  # fmt: skip
            present_rows.append((members, set(came)))
    ids = reserve_ids(Activity, len(rows))
    Writer(Activity).write({**r, "id": i} for r, i in zip(rows, ids, strict=True))
    attendance = Writer(Attendance, with_id=False)
    n = attendance.write(
        {"activity_id": i, "member_id": m, "present": m in came}
        for i, (members, came) in zip(ids, present_rows, strict=True)
        for m in members
    )
    return len(rows), n


def _dues(rng: random.Random, span: Span, strong: set[str]) -> int:
    quarters = quarters_due(span, on=span.end)
    rows: list[dict] = []
    keen: dict[str, float] = {}
    for pk, path in Member.objects.filter(status="active").values_list("pk", "branch_path"):
        rate = keen.setdefault(
            path, rng.uniform(0.92, 1.0) if path in strong else rng.uniform(0.7, 0.98)
        )
        rows.extend(
            {"member_id": pk, "quarter": q, "branch_path": path, "paid_on": q + dt.timedelta(20)}
            for q in quarters
            if rng.random() < rate and q + dt.timedelta(20) < span.end
        )
    return Writer(DuesPayment, with_id=False).write(rows)


def _cards(branches: list[Unit]) -> int:
    """Strong branches have issued a card to every member."""
    lacking = list(
        Member.objects.filter(branch__in=branches, status="active", card_number="").only("pk")
    )
    for n, member in enumerate(lacking, 1):
        member.card_number = f"DLT{n:06d}"
    Member.objects.bulk_update(lacking, ["card_number"], batch_size=500)
    return len(lacking)


def _other_activities(
    rng: random.Random, communes: list[Unit], branches: list[Unit], span: Span, theme: Theme | None
) -> int:
    rows = []
    # Most communes hold digital-skills activities; about one in ten has held none this year.
    quiet = {c.pk for c in rng.sample(communes, len(communes) // 10)}
    for commune in communes:
        for _i in range(0 if commune.pk in quiet else rng.choice([1, 1, 2, 2, 3, 4])):
            rows.append(_activity(rng, commune, _day(rng, span), ActivityKind.DIGITAL_SKILLS,
                                  rng.choice(DIGITAL_TITLES), rng.randrange(20, 90), theme))  # fmt: skip
        for kind, title, most in COMMUNE_ACTIVITIES:
            for _i in range(rng.randrange(most + 1)):
                rows.append(_activity(rng, commune, _day(rng, span), kind, title,
                                      rng.randrange(15, 120), theme))  # fmt: skip
    for branch in rng.sample(branches, len(branches) // 3):
        if branch.parent_id in quiet:
            continue
        rows.append(_activity(rng, branch, _day(rng, span), ActivityKind.DIGITAL_SKILLS,
                              rng.choice(DIGITAL_TITLES), rng.randrange(8, 40), theme))  # fmt: skip
    return Writer(Activity, with_id=False).write(rows)


def _equipment(rng: random.Random, communes: list[Unit]) -> int:
    rows = []
    for commune in communes:
        for kind, most in ((EquipmentKind.DESKTOP, 3), (EquipmentKind.LAPTOP, 1),
                           (EquipmentKind.PRINTER, 1)):  # fmt: skip
            n = rng.randrange(most + 1)
            if n:
                state = rng.choices(list(EquipmentState), weights=[70, 20, 10])[0]
                rows.append({"unit_id": commune.pk, "unit_path": commune.path, "kind": kind,
                             "quantity": n, "state": state})  # fmt: skip
        internet = EquipmentState.WORKING if rng.random() < 0.9 else EquipmentState.BROKEN
        rows.append({"unit_id": commune.pk, "unit_path": commune.path,
                     "kind": EquipmentKind.INTERNET, "quantity": 1, "state": internet})  # fmt: skip
    return Writer(Equipment, with_id=False).write(rows)


def _requests(rng: random.Random, province: Unit, communes: list[Unit], lan: User | None) -> int:
    """Communes short of a computer ask the province; some of it is decided and delivered."""
    working = set(
        Equipment.objects.filter(
            unit__in=communes, kind__in=["desktop", "laptop"], state="working"
        ).values_list("unit_id", flat=True)
    )
    lacking = [c for c in communes if c.pk not in working]
    for i, commune in enumerate(lacking):
        req = services.equipment_request_create(
            actor=None, unit=commune, kind=EquipmentKind.DESKTOP, quantity=1,
            reason="Xã chưa có máy tính dùng được để cập nhật phần mềm quản lý hội viên.",
        )  # fmt: skip
        if i % 4 == 3:
            continue  # still waiting at the province
        if i % 4 == 2:
            services.equipment_request_refuse(
                actor=lan, request=req, note="Chờ nguồn kinh phí năm sau."
            )
            continue
        services.equipment_request_approve(actor=lan, request=req)
        if i % 4 == 0:
            services.equipment_request_deliver(actor=lan, request=req)
    return len(lacking)


FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Võ", "Đặng", "Bùi", "Hoàng"]
GIVEN = ["Thị Hằng", "Thị Lan", "Thị Nga", "Thị Thu", "Thị Mai", "Thị Hương", "Thị Yến", "Thị Ngọc"]
EDE = ["H'Hen Niê", "H'Blứ Êban", "H'Djuin Byă", "H'Juel Mlô", "H'Nhi Ktla", "H'Linh Niê"]


def _commune_cadres(rng: random.Random, communes: list[Unit]) -> list[User]:
    """A full-time cadre for each commune that has none in Hội Số yet, so that the share of
    grassroots cadres trained has someone to count. Their accounts have no password (nobody logs
    in as them; the demo logins keep theirs)."""
    served = set(Assignment.objects.filter(unit__in=communes).values_list("unit_id", flat=True))
    users = []
    for commune in communes:
        if commune.pk in served:
            continue
        name = (
            rng.choice(EDE) if rng.random() < 0.3 else f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        )
        user = User(username=f"canbo.{commune.code}", full_name=name,
                    phone=f"09{rng.randrange(10**8):08d}")  # fmt: skip
        user.set_unusable_password()
        user.save()
        Assignment.objects.create(user=user, unit=commune, role=Role.CADRE, full_time=True)
        users.append(user)
    # They have served for years: the trend of the year counts them from January.
    since = timezone.now() - dt.timedelta(days=730)
    Assignment.objects.filter(user__in=users).update(created_at=since)
    return users


def _courses(rng: random.Random, province: Unit, span: Span, cadres: list[User]) -> int:
    """The province's courses for cadres, and a commune's digital-skills class for members.

    Most communes' full-time cadres have completed the member-software course and use it
    proficiently; a few failed the assessment or have not been trained yet (the 100% target)."""
    users = {u.username: u for u in User.objects.filter(assignments__isnull=False).distinct()}
    plan = [
        ("Tập huấn sử dụng phần mềm quản lý hội viên", Topic.MEMBER_SOFTWARE, 40, "online"),
        ("Pháp luật về an ninh mạng cho cán bộ Hội", Topic.CYBER_LAW, 120, "in_person"),
        ("Kỹ năng số cho cán bộ Hội cơ sở", Topic.DIGITAL_SKILLS, 200, "in_person"),
    ]
    results = {"hoa.xa": Result.GOOD, "mai.chihoi": Result.NOT_PASSED, "thu.xa": Result.PASSED}
    for title, topic, offset, mode in plan:
        start = span.start + dt.timedelta(days=offset)
        course = Course.objects.create(
            organiser=province, organiser_path=province.path, title=title, topic=topic,
            starts_on=start, ends_on=start + dt.timedelta(days=1), mode=mode,
            meeting_link="https://meet.example.org/hoiso-tap-huan" if mode == "online" else "",
            place="" if mode == "online" else "Hội trường Hội LHPN tỉnh",
        )  # fmt: skip
        for username, result in results.items():
            if username in users:
                t = services.trainee_add(actor=None, course=course, user=users[username])
                services.trainee_assess(
                    actor=None, trainee=t, attended=True, completed=result != Result.NOT_PASSED
                    or topic != Topic.MEMBER_SOFTWARE, result=result,
                )  # fmt: skip
        if topic != Topic.MEMBER_SOFTWARE:
            continue
        for cadre in cadres:
            roll = rng.random()
            if roll < 0.06:
                continue  # not trained yet
            t = services.trainee_add(actor=None, course=course, user=cadre)
            result = Result.NOT_PASSED if roll < 0.12 else rng.choice([Result.PASSED, Result.GOOD])
            services.trainee_assess(actor=None, trainee=t, attended=True,
                                    completed=result != Result.NOT_PASSED, result=result)  # fmt: skip
    commune = Unit.objects.filter(parent=province, name="Xã Ea Kar").first()
    if commune is None:
        return len(plan)
    start = span.end - dt.timedelta(days=30)
    course = Course.objects.create(
        organiser=commune, organiser_path=commune.path, title="Lớp kỹ năng số cho hội viên",
        topic=Topic.DIGITAL_SKILLS, starts_on=start, ends_on=start, place="Hội trường UBND xã",
    )  # fmt: skip
    members = Member.objects.filter(commune=commune, status="active").exclude(card_number="")
    for member in members.order_by("pk")[:25]:
        t = services.trainee_add(actor=None, course=course, member=member)
        done = rng.random() < 0.85
        services.trainee_assess(
            actor=None, trainee=t, attended=True, completed=done,
            result=rng.choice([Result.PASSED, Result.GOOD, Result.EXCELLENT]) if done else 0,
        )  # fmt: skip
    return len(plan) + 1


def populate_activities(province: Unit, *, seed: int = 2026) -> dict[str, int]:
    """A year of union life up to today for the demo province (call inside its transaction)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    span = Span(today - dt.timedelta(days=365), today + dt.timedelta(days=1))
    themes = {
        today.year + k: Theme.objects.create(province=province, year=today.year + k, title=t)
        for k, t in THEMES.items()
    }
    theme = themes[today.year]
    ModelBranchRule.objects.create(
        province=province, attendance_min=85, dues_min=85, carded_min=100
    )
    communes = list(Unit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"))
    branches = list(Unit.objects.within(province).filter(level=Level.BRANCH).order_by("path"))
    strong = rng.sample(branches, len(branches) // 4)
    meetings, attendance = _meetings(rng, branches, span, theme, {b.pk for b in strong})
    lan = User.objects.filter(username="lan.tinh").first()
    counts = {
        "meetings": meetings,
        "attendance": attendance,
        "dues": _dues(rng, span, {b.path for b in strong}),
        "cards": _cards(strong),
        "activities": _other_activities(rng, communes, branches, span, theme),
        "equipment": _equipment(rng, communes),
        "courses": _courses(rng, province, span, _commune_cadres(rng, communes)),
    }
    counts["requests"] = _requests(rng, province, communes, lan)
    counts["targets"] = _targets(province, lan, today)
    mai = User.objects.filter(username="mai.chihoi").first()
    assignment = mai.assignments.select_related("unit").first() if mai else None
    if assignment is not None:
        branch = assignment.unit
        group = Unit.objects.filter(parent=branch).order_by("code").first()
        services.equipment_request_create(
            actor=mai, unit=branch, kind=EquipmentKind.LAPTOP, quantity=1,
            reason="Chi hội cần máy để ghi nhận dự sinh hoạt và hội viên đóng hội phí tại buổi sinh hoạt.",
        )  # fmt: skip
        if group is not None:
            services.equipment_request_create(
                actor=mai, unit=group, kind=EquipmentKind.TABLET, quantity=1,
                reason="Tổ phụ nữ cần máy tính bảng để hướng dẫn hội viên dùng VNeID.",
            )  # fmt: skip
    return counts


def _targets(province: Unit, lan: User | None, today: dt.date) -> int:
    """The article's targets for activities, training and equipment, for this year (the demo's
    activities cover the last twelve months: an earlier year would have nothing to measure)."""
    theme = THEMES[0]
    specs = [
        ("100% cơ sở Hội tổ chức ít nhất 1 hoạt động nâng cao kỹ năng số cho hội viên trong năm",
         "activities.digital_skills_units_1", Level.COMMUNE, "year", 100, 100),
        ("100% cán bộ Hội chuyên trách cơ sở sử dụng thành thạo phần mềm quản lý hội viên",
         "training.cadres_proficient", Level.COMMUNE, "year", 100, 100),
        ("50% cơ sở Hội có ít nhất 20% chi hội kiểu mẫu",
         "branch.model_share", Level.COMMUNE, "year", 20, 50),
        ("70% chi hội có tỷ lệ hội viên dự sinh hoạt từ 70% trở lên mỗi quý",
         "activities.meeting_attendance", Level.BRANCH, "quarter", 70, 70),
        ("100% Hội LHPN cơ sở có máy tính làm việc",
         "equipment.units_with_computer", Level.COMMUNE, "year", 100, 100),
    ]  # fmt: skip
    return len(Target.objects.bulk_create([
        Target(unit=province, province=province, unit_path=province.path, year=today.year,
               theme=theme, title=title, metric=metric, level=level, period_kind=kind,
               threshold=Decimal(threshold), required_share=Decimal(share), created_by=lan)
        for title, metric, level, kind, threshold, share in specs
    ]))  # fmt: skip
