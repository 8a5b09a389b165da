"""The yearly rating in the demo: the province's 2025 scheme for commune unions (the article's
breakthrough task among its criteria), a dozen communes self-assessed, most of them decided by the
province, Krông Pắc's waiting for the decision and Ea Kar's still being filled in; and 2026's
scheme copied from it, so the cadre sees how a year starts.

Seeded; called once from demo_load().
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hoiso.accounts.models import User
from hoiso.ratings import services
from hoiso.ratings.models import Kind, Mapping, Scheme
from hoiso.units.models import Level, Unit

D = Decimal
# (title, points, guidance) by hand; (title, points, metric, steps or target) computed.
HAND = [
    ("Thực hiện chủ đề năm 2025 và khâu đột phá “Đẩy mạnh chuyển đổi số trong hoạt động Hội”", 20,
     "Kế hoạch, báo cáo kết quả; số hoạt động ứng dụng CNTT trong sinh hoạt Hội."),
    ("Công tác tuyên truyền, giáo dục; fanpage và nhóm Zalo của Hội", 15,
     "Số bài đăng, buổi livestream, cuộc thi trực tuyến; đường dẫn hoặc ảnh chụp."),
    ("Xây dựng tổ chức Hội: chi hội kiểu mẫu, hội viên đóng hội phí, thẻ hội viên", 15,
     "Năm 2025 hội phí còn ghi sổ giấy: kèm sổ theo dõi hội viên đóng hội phí của các chi hội."),
    ("Phối hợp thực hiện an sinh xã hội, hỗ trợ phụ nữ khởi nghiệp", 10,
     "Số hội viên được hỗ trợ vốn, sinh kế; mô hình khởi nghiệp."),
    ("Báo cáo đúng hạn; công tác kiểm tra, giám sát", 10, "Số báo cáo gửi đúng hạn trong năm."),
]  # fmt: skip
COMPUTED = [
    ("Phát triển hội viên mới", 15, "members.new", [["30", "15"], ["15", "12"], ["5", "8"], ["1", "4"]], None),
    ("Hội viên tiếp cận công nghệ số (có điện thoại thông minh, Zalo hoặc Facebook)", 15,
     "members.digital_share", [], "65"),
]  # fmt: skip
EVIDENCE = [
    "Kế hoạch số 05/KH-HPN; báo cáo tổng kết năm; 12 buổi sinh hoạt có lồng ghép kỹ năng số.",
    "Fanpage đăng 4 bài mỗi tháng; 2 buổi livestream giới thiệu sản phẩm OCOP.",
    "Sổ theo dõi hội viên đóng hội phí của 18/20 chi hội; 6 chi hội đạt chi hội kiểu mẫu.",
    "Giới thiệu 35 hội viên vay vốn; ra mắt 2 tổ hợp tác khởi nghiệp.",
    "Gửi đủ 12 báo cáo tháng, 2 báo cáo 6 tháng, đúng hạn 11/14.",
]


def _scheme(province: Unit, lan: User | None) -> Scheme:
    scheme = services.scheme_create(actor=lan, unit=province, data={
        "year": 2025, "level": Level.COMMUNE, "title": "Xếp loại cơ sở Hội năm 2025",
        "excellent_from": D(90), "good_from": D(75), "fair_from": D(50),
        "excellent_floor": D(50), "self_due": dt.date(2026, 1, 15)})  # fmt: skip
    for title, points, guidance in HAND:
        services.criterion_save(actor=lan, scheme=scheme, data={
            "title": title, "max_points": D(points), "kind": Kind.MANUAL, "guidance": guidance})  # fmt: skip
    for title, points, metric, steps, target in COMPUTED:
        services.criterion_save(actor=lan, scheme=scheme, data={
            "title": title, "max_points": D(points), "kind": Kind.COMPUTED, "metric": metric,
            "mapping": Mapping.PROPORTIONAL if target else Mapping.STEPS, "steps": steps,
            "target": D(target) if target else None})  # fmt: skip
    return scheme


def _self_assess(
    rng: random.Random, scheme: Scheme, unit: Unit, send: bool, weak: bool = False
) -> None:
    cadre = User.objects.filter(assignments__unit=unit).first()
    assessment = services.assessment_for(scheme, unit)
    entries = {}
    for n, c in enumerate(scheme.criteria.filter(kind=Kind.MANUAL)):
        share = D(rng.choice([30, 40, 50] if weak else [65, 75, 80, 85, 90, 95, 100])) / 100
        entries[c.pk] = ((c.max_points * share).quantize(D(1)), EVIDENCE[n % len(EVIDENCE)])
    services.assessment_save(actor=cadre, assessment=assessment, entries=entries,
                             summary=f"Hội đã hoàn thành các chỉ tiêu chính của năm {scheme.year}.")  # fmt: skip
    if send:
        services.assessment_submit(actor=cadre, assessment=assessment)


def _last_year(rng: random.Random, province: Unit, lan: User | None, units: list[Unit]) -> None:
    """2024, before Hội Số: every criterion scored by hand, for the communes of then, so that a
    merged commune's history shows the ratings of the communes it was made of."""
    scheme = services.scheme_create(actor=lan, unit=province, data={
        "year": 2024, "level": Level.COMMUNE, "title": "Xếp loại cơ sở Hội năm 2024",
        "excellent_from": D(90), "good_from": D(75), "fair_from": D(50)})  # fmt: skip
    for title, points, guidance in HAND:
        services.criterion_save(actor=lan, scheme=scheme, data={
            "title": title.replace("2025", "2024"), "max_points": D(points), "kind": Kind.MANUAL,
            "guidance": guidance})  # fmt: skip
    services.criterion_save(actor=lan, scheme=scheme, data={
        "title": "Phát triển hội viên, tỷ lệ tập hợp phụ nữ vào Hội", "max_points": D(30),
        "kind": Kind.MANUAL})  # fmt: skip
    for unit in units:
        _self_assess(rng, scheme, unit, send=True)
        services.assessment_decide(actor=lan, assessment=services.assessment_for(scheme, unit),
                                   adjusted={}, on=dt.date(2025, 1, 20))  # fmt: skip


def populate_ratings(province: Unit, *, seed: int = 2026) -> int:
    """Returns how many communes were decided."""
    rng = random.Random(seed)
    lan = User.objects.filter(username="lan.tinh").first()
    scheme = _scheme(province, lan)
    communes = list(Unit.objects.filter(parent=province, level=Level.COMMUNE, valid_to__isnull=True)
                    .order_by("code")[:12])  # fmt: skip
    named = {
        u.name: u
        for u in Unit.objects.filter(parent=province, name__in=["Xã Ea Kar", "Xã Krông Pắc"])
    }
    communes = [u for u in communes if u.name not in named]
    decided = 0
    for n, unit in enumerate(communes):
        _self_assess(rng, scheme, unit, send=True, weak=n == 5)
        if n % 5 == 4:
            continue  # left waiting for the province
        assessment = services.assessment_for(scheme, unit)
        scores = list(
            assessment.scores.select_related("criterion").filter(criterion__kind=Kind.MANUAL)
        )
        adjusted = {}
        if n % 3 == 0 and scores:  # the province lowers one score, with its reason
            s = scores[0]
            adjusted[s.criterion_id] = (max(D(0), (s.self_points or D(0)) - 4),
                                        "Minh chứng chưa đủ: thiếu báo cáo quý IV.")  # fmt: skip
        services.assessment_decide(actor=lan, assessment=assessment, adjusted=adjusted,
                                   on=dt.date(2026, 1, 28))  # fmt: skip
        decided += 1
    if "Xã Krông Pắc" in named:
        _self_assess(rng, scheme, named["Xã Krông Pắc"], send=True)
    if "Xã Ea Kar" in named:
        _self_assess(rng, scheme, named["Xã Ea Kar"], send=False)
    services.scheme_copy(actor=lan, source=scheme, year=2026)
    _last_year(
        rng, province, lan, [p for u in named.values() for p in u.predecessors.order_by("code")]
    )
    return decided
