"""Members' concerns in the demo province: a few dozen, over the last three months, some answered,
some forwarded, one about violence; Xã Ea Kar takes anonymous ones, and the demo member has one
answered concern on her page."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.members.models import Member
from hoiso.units.models import Level, Unit
from hoiso.voices import services, surveys
from hoiso.voices.models import Concern, Topic, VoiceSettings

SAID = [
    (
        Topic.LIVELIHOOD,
        "Hội viên trong chi hội muốn vay vốn nuôi bò sinh sản, hỏi Hội có nguồn vốn ưu đãi không?",
    ),
    (Topic.LIVELIHOOD, "Giá cà phê xuống, nhiều hộ khó trả nợ ngân hàng, mong Hội hỗ trợ giãn nợ."),
    (Topic.HEALTH, "Trạm y tế xã ít thuốc, phụ nữ đi khám thai phải lên huyện xa."),
    (Topic.CHILDREN, "Trẻ em trong buôn nghỉ học đi làm rẫy theo bố mẹ, mong Hội vận động."),
    (Topic.DIGITAL, "Hội viên muốn học cách bán hàng trên Zalo và Facebook, xin mở lớp tập huấn."),
    (Topic.FAMILY, "Mẹ chồng nàng dâu mâu thuẫn, nhờ tổ hòa giải của chi hội giúp."),
    (Topic.OTHER, "Đường vào buôn mùa mưa lầy lội, xe máy không đi được."),
    (Topic.DIGITAL, "Làm sao cài ứng dụng VNeID để làm thủ tục trên mạng?"),
]
ANSWERS = [
    "Hội xã đã đưa các hội viên vào danh sách vay vốn quỹ Hội, mời hội viên dự buổi hướng dẫn thủ tục.",
    "Hội xã đã báo lên UBND xã; tháng sau trạm y tế có bác sĩ huyện về khám định kỳ.",
    "Tháng sau Hội xã mở lớp tập huấn kỹ năng số tại nhà văn hóa thôn, hội viên đăng ký với chi hội trưởng.",
]


def populate_voices(province: Unit, *, seed: int = 2026) -> int:
    rng = random.Random(seed)
    ea_kar = Unit.objects.filter(parent=province, name="Xã Ea Kar").first()
    if ea_kar is not None:
        VoiceSettings.objects.create(unit=ea_kar, anonymous=True, rise_after=7)
    # Half in Xã Ea Kar (the demo commune cadre's), half anywhere in the province.
    open_branches = Unit.objects.filter(level=Level.BRANCH, valid_to__isnull=True)
    branches = list(open_branches.filter(path__startswith=province.path).order_by("code")[:200])
    if ea_kar is not None:
        branches += list(open_branches.filter(parent=ea_kar).order_by("code")) * 10
    if not branches:
        return 0
    cadre = User.objects.filter(assignments__unit=ea_kar).first() if ea_kar else None
    now = timezone.now()
    made = 0
    for _ in range(40):
        branch = branches[rng.randrange(len(branches))]
        member = Member.objects.filter(branch=branch, status="active").first()
        topic, text = SAID[rng.randrange(len(SAID))]
        concern, _code = services.concern_raise(
            origin=branch, topic=topic, text=text, reply="app", member=member,
            actor=member.user if member else None, source="member" if member else "cadre",
        )  # fmt: skip
        age = dt.timedelta(days=rng.randrange(1, 90), hours=rng.randrange(0, 12))
        Concern.objects.filter(pk=concern.pk).update(created_at=now - age)
        if cadre is not None and rng.random() < 0.5:
            services.concern_answer(actor=cadre, concern=concern, text=rng.choice(ANSWERS))
            answered = now - age + dt.timedelta(days=rng.randrange(0, 12))
            Concern.objects.filter(pk=concern.pk).update(first_answer_at=min(answered, now))
        made += 1
    # The one the cadres must see first.
    if ea_kar is not None:
        first = Unit.objects.filter(parent=ea_kar, level=Level.BRANCH).order_by("code").first()
        if first is not None:
            services.concern_raise(
                origin=first, topic=Topic.VIOLENCE, anonymous=True, reply="app",
                text="Nhà hàng xóm chồng say rượu đánh vợ nhiều lần, người vợ không dám báo.",
            )  # fmt: skip
            made += 1
    # The demo member's own, answered: she sees it on her page.
    member = Member.objects.filter(province=province, user__isnull=False).first()
    if member is not None and member.branch is not None:
        concern, _code = services.concern_raise(
            origin=member.branch, topic=Topic.DIGITAL, reply="app", member=member,
            actor=member.user, text="Chi hội có lớp hướng dẫn dùng điện thoại thông minh không?",
        )  # fmt: skip
        if cadre is not None:
            services.concern_answer(actor=cadre, concern=concern, text=ANSWERS[2])
        made += 1
    Concern.objects.filter(first_answer_at__lt=F("created_at")).update(
        first_answer_at=F("created_at")
    )
    if ea_kar is not None and cadre is not None:
        _survey(ea_kar, cadre, rng)
    return made


def _survey(commune: Unit, cadre: User, rng: random.Random) -> None:
    """Xã Ea Kar asks its members what they want to learn; a few hundred have answered."""
    survey = surveys.survey_create(
        actor=cadre, unit=commune, title="Hội viên muốn học gì về công nghệ số?",
        intro="Hội xã chuẩn bị mở các lớp tập huấn kỹ năng số. Mời bạn trả lời 3 câu hỏi ngắn.",
        closes_on=timezone.localdate() + dt.timedelta(days=14),
    )  # fmt: skip
    phone = surveys.question_add(actor=cadre, survey=survey, kind="one", required=True,
                                 text="Bạn có điện thoại thông minh không?",
                                 options="Có, của riêng tôi\nDùng chung với người nhà\nKhông có")  # fmt: skip
    learn = surveys.question_add(actor=cadre, survey=survey, kind="many", required=False,
                                 text="Bạn muốn học những gì?",
                                 options="Dùng Zalo\nBán hàng trên mạng\nCài và dùng VNeID\n"
                                         "Chuyển tiền qua ngân hàng số\nNhận biết lừa đảo qua mạng")  # fmt: skip
    need = surveys.question_add(actor=cadre, survey=survey, kind="scale", required=True,
                                text="Bạn cần lớp tập huấn đến mức nào?", options="")  # fmt: skip
    surveys.survey_open(actor=cadre, survey=survey, tell=False)
    members = Member.objects.filter(commune=commune, status="active").order_by("pk")[:400]
    for member in members:
        data = QueryDict(mutable=True)
        data[f"q{phone.pk}"] = str(rng.choices([0, 1, 2], weights=[6, 3, 1])[0])
        data.setlist(f"q{learn.pk}", [str(i) for i in range(5) if rng.random() < 0.4])
        data[f"q{need.pk}"] = str(rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 2, 3, 3])[0])
        surveys.response_submit(survey=survey, member=member, data=data)
