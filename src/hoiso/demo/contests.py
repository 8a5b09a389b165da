"""The year's contest in the demo province: "Ứng dụng CNTT trong tổ chức sinh hoạt hội", entered by
several communes, judged by a panel of two on three weighted criteria, with the public vote under
way (judging is still open, so a judge can try her page) and one entry waiting for review."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.contests import services
from hoiso.contests.models import Contest, Eligibility, Entry, TieRule, Vote, VoteRule
from hoiso.units.models import Level, Unit

TITLE = "Ứng dụng CNTT trong tổ chức sinh hoạt hội"
RULES = """Cuộc thi dành cho Hội LHPN các xã, phường trong tỉnh.

Mỗi đơn vị gửi một bài dự thi: cách chi hội, tổ phụ nữ dùng công nghệ thông tin để tổ chức sinh hoạt hội (nhóm Zalo, họp trực tuyến, sổ sinh hoạt điện tử, bản tin trên fanpage…), kèm ảnh và đường dẫn video không quá 5 phút.

Ban giám khảo chấm theo ba tiêu chí: ý tưởng, hiệu quả thực tế, khả năng nhân rộng. Kết quả chung gồm 70% điểm giám khảo và 30% điểm bình chọn công khai. Mỗi số điện thoại được bình chọn một lần cho mỗi bài mỗi ngày."""
ENTRIES = [
    (
        "Sinh hoạt chi hội qua nhóm Zalo",
        "Mỗi chi hội lập một nhóm Zalo; chi hội trưởng báo lịch sinh hoạt, gửi tài liệu, hội viên vắng họp vẫn nắm được nội dung.",
    ),
    (
        "Sổ sinh hoạt chi hội điện tử",
        "Ghi biên bản sinh hoạt, danh sách dự sinh hoạt và hội phí trên bảng tính dùng chung, chi hội trưởng cập nhật ngay tại buổi họp.",
    ),
    (
        "Họp trực tuyến với hội viên đi làm xa",
        "Hội viên làm việc ở các khu công nghiệp dự sinh hoạt chi hội qua họp trực tuyến mỗi tháng một lần.",
    ),
    (
        "Bản tin hội trên fanpage xã",
        "Mỗi tuần một bản tin ngắn về hoạt động các chi hội, do tổ truyền thông của Hội xã thực hiện bằng điện thoại.",
    ),
    (
        "Mã QR tài liệu sinh hoạt",
        "Dán mã QR tại nhà văn hóa thôn; hội viên quét để đọc tài liệu sinh hoạt chuyên đề bằng tiếng Việt và tiếng Ê Đê.",
    ),
    (
        "Phụ nữ buôn làng học dùng điện thoại thông minh",
        "Tổ phụ nữ hướng dẫn nhau cài VNeID, thanh toán không dùng tiền mặt, nhận thông báo của Hội qua Zalo.",
    ),
    (
        "Chợ phiên trực tuyến của hội viên",
        "Hội viên đăng bán nông sản trong nhóm chung; chi hội tổ chức buổi livestream bán cà phê, sầu riêng mỗi tháng.",
    ),
]
COLOURS = [(166, 30, 77), (29, 79, 145), (27, 94, 32), (122, 91, 0), (94, 53, 177), (0, 121, 107),
           (191, 54, 12)]  # fmt: skip


def _picture(colour: tuple[int, int, int], words: str) -> bytes:
    """A plain poster for the entry (the demo has no photos of its own)."""
    from PIL import Image, ImageDraw, ImageFont

    try:  # DejaVu has every Vietnamese letter (fonts-dejavu-core)
        font: Any = ImageFont.truetype("DejaVuSans-Bold.ttf", 34)
    except OSError:
        font = ImageFont.load_default()
    img = Image.new("RGB", (960, 540), colour)
    draw = ImageDraw.Draw(img)
    for i in range(0, 960, 60):
        draw.line([(i, 540), (i + 200, 0)], fill=tuple(min(255, c + 25) for c in colour), width=8)
    draw.rectangle([(40, 380), (920, 500)], fill=(255, 255, 255))
    draw.text((60, 420), words[:44], fill=colour, font=font)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def populate_contests(province: Unit, *, seed: int = 2026) -> Contest | None:
    rng = random.Random(seed)
    lan = User.objects.filter(username="lan.tinh").first()
    thu = User.objects.filter(username="thu.xa").first()
    hoa = User.objects.filter(username="hoa.xa").first()
    communes = list(
        Unit.objects.filter(parent=province, level=Level.COMMUNE, valid_to__isnull=True).order_by(
            "code"
        )
    )
    if lan is None or len(communes) < 2:
        return None
    ea_kar = next((c for c in communes if c.name == "Xã Ea Kar"), communes[0])
    entrants = [ea_kar] + [c for c in rng.sample(communes, min(8, len(communes))) if c != ea_kar]
    now = timezone.now()
    day = dt.timedelta(days=1)
    # Entries have closed; judging and the public vote run now; the results come next month.
    contest = services.contest_save(lan, province, {
        "title": TITLE, "rules": RULES, "eligibility": Eligibility.UNITS_OF_LEVEL,
        "eligible_level": Level.COMMUNE, "entries_open": now - 60 * day,
        "entries_close": now - 12 * day, "judging_open": now - 10 * day,
        "judging_close": now + 5 * day, "voting_open": now - 6 * day,
        "voting_close": now + 9 * day, "results_at": now + 14 * day,
        "vote_rule": VoteRule.ENTRY_DAY, "judge_share": 70,
        "tie_rule": TieRule.JUDGES_THEN_EARLIER,
        "livestream_url": "https://www.facebook.com/hoilhpndaklak/live",
    })  # fmt: skip
    for rank, name, quantity in ((1, "Giải Nhất", 1), (2, "Giải Nhì", 1), (3, "Giải Ba", 2),
                                 (4, "Giải Khuyến khích", 3)):  # fmt: skip
        services.prize_add(lan, contest, rank, name, quantity)
    # Accepting entries and approving them happened in their own stages: the dates move for it.
    Contest.objects.filter(pk=contest.pk).update(entries_close=now + day)
    contest.refresh_from_db()
    made: list[Entry] = []
    for i, unit in enumerate(entrants[: len(ENTRIES)]):
        title, text = ENTRIES[i]
        entry = services.entry_submit(
            hoa if unit == ea_kar else None, contest, title=title, text=text, unit=unit,
            images=[_picture(COLOURS[i % len(COLOURS)], title)],
            links=["https://www.youtube.com/watch?v=hoiso-demo"] if i % 2 == 0 else [],
        )  # fmt: skip
        Entry.objects.filter(pk=entry.pk).update(created_at=now - (50 - 4 * i) * day)
        made.append(entry)
    # The last one came late and waits for review; one was sent twice and is rejected.
    approved = [services.entry_moderate(lan, entry, approve=True) for entry in made[:-1]]
    if len(made) > 2:
        duplicate = services.entry_submit(None, contest, title=made[1].title + " (gửi lại)",
                                          text=made[1].text, unit=made[1].unit)  # fmt: skip
        services.entry_moderate(lan, duplicate, approve=False,
                                reason="Đơn vị đã gửi bài này; mỗi đơn vị một bài.")  # fmt: skip
    Contest.objects.filter(pk=contest.pk).update(entries_close=now - 12 * day)
    contest.refresh_from_db()
    # The panel and its criteria; Lan has scored every entry, Thu most of them.
    judges = [services.judge_add(lan, contest, u.username) for u in (lan, thu) if u]
    criteria = [
        services.criterion_add(lan, contest, "Ý tưởng sáng tạo", 3, 10),
        services.criterion_add(lan, contest, "Hiệu quả trong sinh hoạt hội", 4, 10),
        services.criterion_add(lan, contest, "Khả năng nhân rộng", 3, 10),
    ]
    for j, judge in enumerate(judges):
        for entry in approved[: len(approved) - j]:
            points = {c.pk: rng.randint(5, 10) for c in criteria}
            services.scores_save(judge, entry, points)
    # Public votes over the last days, one per phone per entry per day; a few voided.
    weights = [rng.randint(20, 160) for _ in approved]
    votes: list[Vote] = []
    for entry, n in zip(approved, weights, strict=True):
        for k in range(n):
            when = now - dt.timedelta(minutes=rng.randint(1, 6 * 24 * 60))
            local = timezone.localtime(when).date()
            phone = f"09{rng.randint(10_000_000, 99_999_999)}"
            votes.append(Vote(contest=contest, entry=entry, phone=phone,
                              slot=f"{entry.pk}:{local.isoformat()}", day=local,
                              created_at=when, network=f"113.161.{k % 200}.0/24",
                              device=f"{rng.getrandbits(40):010x}"))  # fmt: skip
    # What the organiser's flags are for: one evening hour, 120 votes for one entry from one
    # network (one café's Wi-Fi, or someone's SIM bank), 8 phones of them from one device.
    burst = (now - dt.timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    for k in range(120):
        when = burst + dt.timedelta(seconds=rng.randint(0, 3599))
        local = timezone.localtime(when).date()
        votes.append(Vote(contest=contest, entry=approved[-1], phone=f"0867{k:06d}",
                          slot=f"{approved[-1].pk}:{local.isoformat()}", day=local,
                          created_at=when, network="171.244.7.0/24",
                          device="5a1m8a4k2b" if k < 8 else f"{rng.getrandbits(40):010x}"))  # fmt: skip
    Vote.objects.bulk_create(votes, ignore_conflicts=True, batch_size=1000)
    ids = list(Vote.objects.filter(contest=contest).order_by("pk").values_list("pk", flat=True))
    Vote.objects.filter(pk__in=ids[:: max(1, len(ids) // 6)][:6]).update(
        voided_at=now, voided_by=lan, void_reason="Nhiều phiếu từ một thiết bị"
    )
    for entry in approved:
        counted = Vote.objects.filter(entry=entry, voided_at__isnull=True).count()
        Entry.objects.filter(pk=entry.pk).update(votes=counted)
    return contest
