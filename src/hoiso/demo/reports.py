"""Demo periodic reports: the province's usual monthly report and six-monthly review for its
communes, with this year's reports in every state a cadre meets: approved, submitted on time and
late, returned with a note, drafts, and missing ones past their due date.

The figures are the metrics' own, computed once per month for every commune (set-based), and
the reports written in bulk: the services would recompute them one commune at a time.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from hoiso.accounts.models import Assignment, User
from hoiso.metrics.periods import Period
from hoiso.metrics.registry import REGISTRY
from hoiso.reports.models import Report, ReportForm, Source, Status, Step
from hoiso.reports.standard import standard_create
from hoiso.units.models import Level, Unit, today

NOTES = [
    "Số hội viên vay vốn chưa khớp với báo cáo của Ngân hàng Chính sách xã hội, đề nghị rà soát lại.",
    "Phần đánh giá chung còn sơ sài, đề nghị bổ sung kết quả nổi bật trong tháng.",
    "Số chi hội kiểu mẫu lớn hơn số chi hội, đề nghị kiểm tra lại.",
]
ASSESSMENTS = [
    "Các chi hội duy trì sinh hoạt đều đặn; phối hợp tổ chức tuyên truyền phòng chống bạo lực gia đình.",
    "Tổ chức ra mắt mô hình “Phụ nữ tiết kiệm” tại hai chi hội; vận động hội viên cài ứng dụng VNeID.",
    "Hội viên tích cực tham gia ngày thứ bảy tình nguyện, vệ sinh môi trường khu dân cư.",
]
PLANS = [
    "Tiếp tục rà soát, cập nhật danh sách hội viên; chuẩn bị sơ kết 6 tháng.",
    "Phối hợp Ngân hàng Chính sách xã hội giải ngân vốn vay cho hội viên khó khăn.",
]


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _figures(form: ReportForm, province: Unit, period: Period) -> dict[int, dict[str, Any]]:
    """Every commune's computed figures for the period: one computation per metric."""
    out: dict[int, dict[str, Any]] = {}
    for item in form.items.filter(source=Source.METRIC):
        metric = REGISTRY.get(item.metric)
        if metric is None:
            continue
        for pk, value in metric.compute(province, Level.COMMUNE, period).items():
            out.setdefault(pk, {})[item.key] = value
    return out


def _typed(form: ReportForm, rng: random.Random) -> dict[str, int]:
    loans = rng.randint(3, 40)
    branches = rng.randint(6, 20)
    values = {"loans": loans, "loans_minority": rng.randint(0, loans), "poverty": rng.randint(0, 6),
              "violence": rng.choice([0, 0, 0, 1, 2]), "branches": branches,
              "model_branches": rng.randint(0, branches // 2)}  # fmt: skip
    keys = set(form.items.filter(source=Source.TYPED).values_list("key", flat=True))
    return {k: v for k, v in values.items() if k in keys}


def _state(rng: random.Random, age: int) -> str:
    """What became of a report `age` periods back (0: the last one due)."""
    roll = rng.random()
    if age >= 3:
        return "approved" if roll < 0.9 else "late_approved" if roll < 0.97 else "missing"
    if age >= 1:
        return ("approved" if roll < 0.6 else "submitted" if roll < 0.8 else "late"
                if roll < 0.9 else "returned" if roll < 0.95 else "missing")  # fmt: skip
    return ("submitted" if roll < 0.45 else "late" if roll < 0.6 else "approved" if roll < 0.7
            else "returned" if roll < 0.78 else "draft" if roll < 0.88 else "missing")  # fmt: skip


def _write(form: ReportForm, province: Unit, periods: list[Period], rng: random.Random,
           cadres: dict[int, User | None], lan: User | None) -> int:  # fmt: skip
    communes = list(Unit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"))
    text_sections = [s.pk for s in form.sections.filter(kind="text")]
    reports, steps = [], []
    for age, period in enumerate(reversed(periods)):
        computed = _figures(form, province, period)
        due = form.due_on(period)
        for commune in communes:
            state = _state(rng, age)
            if commune.name == "Xã Ea Kar" and age == 0:
                state = "returned"  # Hoa's report waits for her to fix it
            if state == "missing":
                continue
            figures = {**computed.get(commune.pk, {}), **_typed(form, rng)}
            late = state.startswith("late")
            sent = _local(
                due + dt.timedelta(days=rng.randint(1, 9) if late else -rng.randint(0, 4)), 9
            )
            texts = {str(pk): rng.choice(ASSESSMENTS if n == 0 else PLANS)
                     for n, pk in enumerate(text_sections)}  # fmt: skip
            status = {"approved": Status.APPROVED, "late_approved": Status.APPROVED,
                      "submitted": Status.SUBMITTED, "late": Status.SUBMITTED,
                      "returned": Status.RETURNED, "draft": Status.DRAFT}[state]  # fmt: skip
            report = Report(
                form=form, unit=commune, unit_path=commune.path, period_kind=period.kind,
                period_start=period.start, period_end=period.end, due_on=due, status=status,
                figures=figures, computed=dict(computed.get(commune.pk, {})), texts=texts,
                first_submitted_at=None if status == Status.DRAFT else sent,
                submitted_at=None if status == Status.DRAFT else sent,
                submitted_by=cadres.get(commune.pk),
                returned_at=sent + dt.timedelta(days=2) if status == Status.RETURNED else None,
                return_note=rng.choice(NOTES) if status == Status.RETURNED else "",
                approved_at=sent + dt.timedelta(days=3) if status == Status.APPROVED else None,
                approved_by=lan if status == Status.APPROVED else None,
            )  # fmt: skip
            reports.append(report)
    Report.objects.bulk_create(reports, batch_size=500)
    for r in Report.objects.filter(form=form).exclude(status=Status.DRAFT):
        steps.append(Step(report=r, action=Step.Action.SUBMITTED, actor=r.submitted_by,
                          actor_name=r.submitted_by.display_name if r.submitted_by else "",
                          at=r.first_submitted_at or timezone.now()))  # fmt: skip
        if r.status == Status.RETURNED:
            steps.append(Step(report=r, action=Step.Action.RETURNED, actor=lan, note=r.return_note,
                              actor_name=lan.display_name if lan else "", at=r.returned_at or timezone.now()))  # fmt: skip
        if r.status == Status.APPROVED:
            steps.append(Step(report=r, action=Step.Action.APPROVED, actor=lan,
                              actor_name=lan.display_name if lan else "", at=r.approved_at or timezone.now()))  # fmt: skip
    Step.objects.bulk_create(steps, batch_size=500)
    return len(reports)


def populate_reports(province: Unit, *, seed: int = 2026) -> int:
    """The two usual forms and this year's reports under them; how many reports were made."""
    rng = random.Random(seed + 17)
    lan = User.objects.filter(assignments__unit=province).order_by("pk").first()
    year_start = dt.date(today().year, 1, 1)
    monthly = standard_create(actor=lan, owner=province, which="monthly", starts_on=year_start)
    half = standard_create(actor=lan, owner=province, which="half", starts_on=year_start)
    # The communes that have a demo account sign their reports with it.
    cadres: dict[int, User | None] = {}
    for a in Assignment.objects.filter(unit__parent=province).select_related("user").order_by("pk"):
        cadres.setdefault(a.unit_id, a.user)
    made = 0
    for form in (monthly, half):
        periods = []
        period = Period.containing(form.frequency, year_start)
        while form.due_on(period) < today():
            periods.append(period)
            period = period.next()
        made += _write(form, province, periods, rng, cadres, lan)
    return made
