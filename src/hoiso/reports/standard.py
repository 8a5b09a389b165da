"""The province's usual reports, ready to use: the monthly report and the six-monthly review of
the communes. A province creates either in one step and changes it as it likes; the demo
starts with both. Their words are the union's own (data, not interface: not translated)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from hoiso.accounts.models import User
from hoiso.reports import services
from hoiso.reports.models import ReportForm, SectionKind
from hoiso.units.models import Level, Unit

# (section title, kind, [(key, label, metric or "", is_percent, at_most, weight)])
Figure = tuple[str, str, str, bool, str, str]
MEMBERS: list[Figure] = [
    ("members_end", "Hội viên cuối kỳ", "members.total", False, "", ""),
    (
        "minority",
        "trong đó: hội viên dân tộc thiểu số",
        "members.ethnic_minority",
        False,
        "members_end",
        "",
    ),
    (
        "religious",
        "trong đó: hội viên theo tôn giáo",
        "members.religious",
        False,
        "members_end",
        "",
    ),
    ("admitted", "Hội viên mới kết nạp trong kỳ", "members.new", False, "", ""),
    ("left", "Hội viên ra khỏi hội (chuyển đi, qua đời, xin ra)", "members.removed", False, "", ""),
    (
        "digital",
        "Tỷ lệ hội viên tiếp cận công nghệ số",
        "members.digital_share",
        True,
        "",
        "members_end",
    ),
]
ACTIVITIES: list[Figure] = [
    ("meetings", "Buổi sinh hoạt chi hội", "activities.meeting", False, "", ""),
    ("activities", "Hoạt động đã tổ chức (mọi loại)", "activities.all", False, "", ""),
    ("legal", "Buổi tuyên truyền pháp luật", "activities.legal", False, "", ""),
    ("posts", "Tin, bài trên các kênh truyền thông", "posts.all", False, "", ""),
]
TYPED_MONTH: list[Figure] = [
    ("loans", "Phụ nữ được hỗ trợ vay vốn", "", False, "", ""),
    ("loans_minority", "trong đó: phụ nữ dân tộc thiểu số", "", False, "loans", ""),
    ("poverty", "Hộ phụ nữ được giúp thoát nghèo", "", False, "", ""),
    ("violence", "Vụ bạo lực gia đình được phát hiện, can thiệp", "", False, "", ""),
]
TYPED_HALF: list[Figure] = [
    ("branches", "Số chi hội", "", False, "", ""),
    ("model_branches", "Chi hội kiểu mẫu", "", False, "branches", ""),
    ("loans", "Phụ nữ được hỗ trợ vay vốn", "", False, "", ""),
    ("loans_minority", "trong đó: phụ nữ dân tộc thiểu số", "", False, "loans", ""),
    ("poverty", "Hộ phụ nữ được giúp thoát nghèo", "", False, "", ""),
]
LIFE_HALF: list[Figure] = [
    ("dues", "Tỷ lệ hội viên đóng hội phí", "branch.dues_rate", True, "", "members_end"),
    ("digital_skills", "Buổi tập huấn kỹ năng số", "activities.digital_skills", False, "", ""),
    ("concerns", "Ý kiến hội viên đã tiếp nhận", "voices.raised", False, "", ""),
]

MONTHLY: list[tuple[str, str, list[Figure]]] = [
    ("I. Tình hình hội viên", SectionKind.FIGURES, MEMBERS),
    ("II. Hoạt động", SectionKind.FIGURES, ACTIVITIES),
    ("III. Số liệu đơn vị tự nhập", SectionKind.FIGURES, TYPED_MONTH),
    ("IV. Đánh giá chung", SectionKind.TEXT, []),
    ("V. Nhiệm vụ tháng tới, kiến nghị", SectionKind.TEXT, []),
]
HALF_YEAR: list[tuple[str, str, list[Figure]]] = [
    ("I. Tình hình hội viên", SectionKind.FIGURES, MEMBERS),
    ("II. Hoạt động và sinh hoạt", SectionKind.FIGURES, ACTIVITIES + LIFE_HALF),
    ("III. Số liệu đơn vị tự nhập", SectionKind.FIGURES, TYPED_HALF),
    ("IV. Kết quả nổi bật", SectionKind.TEXT, []),
    ("V. Hạn chế, nguyên nhân", SectionKind.TEXT, []),
    ("VI. Nhiệm vụ 6 tháng cuối năm, kiến nghị", SectionKind.TEXT, []),
]
STANDARD = {
    "monthly": ("Báo cáo tháng", "month", 5, MONTHLY),
    "half": ("Báo cáo sơ kết 6 tháng", "half", 10, HALF_YEAR),
}


def standard_create(
    *,
    actor: User | None,
    owner: Unit,
    which: str,
    starts_on: dt.date,
    level: int = Level.COMMUNE,
) -> ReportForm:
    """Create one of the usual forms for `owner`'s units of `level`."""
    title, frequency, due_days, sections = STANDARD[which]
    data: dict[str, Any] = {"title": title, "frequency": frequency, "due_days": due_days,
                            "starts_on": starts_on, "level": level}  # fmt: skip
    with transaction.atomic():
        form = services.form_create(actor=actor, owner=owner, data=data)
        for title_, kind, figures in sections:
            section = services.section_add(actor=actor, form=form, title=title_, kind=kind)
            for key, label, metric, is_percent, at_most, weight in figures:
                services.item_add(
                    actor=actor,
                    section=section,
                    data={
                        "key": key,
                        "label": label,
                        "source": "metric" if metric else "typed",
                        "metric": metric,
                        "is_percent": is_percent,
                        "at_most": at_most,
                        "weight": weight,
                    },
                )
    return form
