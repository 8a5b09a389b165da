"""Demo channels, a year of posts, the article's own targets for 2024 and this year, and population
figures, so that the dashboard shows a believable picture: some communes green, some red.

Drawn from a seeded generator; called once from demo_load().
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from hoiso.accounts.models import User
from hoiso.comms.links import recognise
from hoiso.comms.models import (
    Article,
    Channel,
    ChannelKind,
    Post,
    Topic,
    Visibility,
    default_visibility,
)
from hoiso.core.text import fold
from hoiso.members.models import MemberStat
from hoiso.targets.models import PopulationFigure, Target
from hoiso.units.models import REFORM_DAY, Level, Unit

TITLES = [
    "Hội nghị sơ kết công tác Hội 6 tháng", "Ra mắt mô hình “Phụ nữ tiết kiệm”",
    "Tập huấn kỹ năng số cho hội viên", "Trao sinh kế cho hội viên khó khăn",
    "Tuyên truyền phòng chống bạo lực gia đình", "Ngày hội “Phụ nữ khởi nghiệp”",
    "Hướng dẫn cài ứng dụng VNeID", "Ra quân “5 không, 3 sạch”", "Thăm hỏi hội viên ốm đau",
    "Livestream giới thiệu sản phẩm OCOP", "Sinh hoạt chuyên đề sức khỏe sinh sản",
    "Tổ chức “Ngày thứ bảy tình nguyện”",
]  # fmt: skip
TOPICS = [t for t, _ in Topic.choices]


def _slug(name: str) -> str:
    return "".join(ch for ch in fold(name) if ch.isalnum())


def _channel(
    unit: Unit, province: Unit, kind: str, name: str, url: str, rng: random.Random
) -> Channel:
    audience = rng.randint(150, 4000) if kind != ChannelKind.ZALO_GROUP else rng.randint(30, 400)
    return Channel(
        unit=unit, province=province, unit_path=unit.path, kind=kind, name=name, url=url,
        url_key=recognise(url).key, audience=audience,
        audience_on=timezone.localdate() - dt.timedelta(days=rng.randint(0, 60)),
        run_by=f"Cán bộ phụ trách truyền thông, {unit.name}",
        visibility=default_visibility(kind, name),
    )  # fmt: skip


def _channels(
    rng: random.Random, province: Unit, communes: list[Unit], branches: list[Unit]
) -> list[Channel]:
    slug = _slug(province.name)
    out = [
        _channel(province, province, ChannelKind.FACEBOOK_PAGE, f"Hội LHPN {province.name}", f"https://www.facebook.com/hoiphunu{slug}", rng),
        _channel(province, province, ChannelKind.ZALO_OA, f"Zalo OA Hội LHPN {province.name}", "https://zalo.me/4152637485960718", rng),
        _channel(province, province, ChannelKind.TIKTOK, "Phụ nữ Đắk Lắk", f"https://www.tiktok.com/@phunu{slug}", rng),
        _channel(province, province, ChannelKind.YOUTUBE, "Phụ nữ Đắk Lắk TV", f"https://www.youtube.com/@phunu{slug}", rng),
    ]  # fmt: skip
    for c in communes:
        s = _slug(c.name)
        # A few communes have no channel at all yet.
        if rng.random() < 0.05 and c.name not in ("Xã Ea Kar", "Xã Krông Pắc"):
            continue
        # About one commune in six has no fanpage yet: the province's list shows who.
        if rng.random() < 0.84 or c.name in ("Xã Ea Kar", "Xã Krông Pắc"):
            out.append(
                _channel(
                    c,
                    province,
                    ChannelKind.FACEBOOK_PAGE,
                    f"Hội LHPN {c.name}",
                    f"https://www.facebook.com/hoiphunu{s}",
                    rng,
                )
            )
        if rng.random() < 0.8:
            out.append(
                _channel(
                    c,
                    province,
                    ChannelKind.ZALO_GROUP,
                    f"Cán bộ Hội {c.name}",
                    f"https://zalo.me/g/{s[:10]}{c.pk}",
                    rng,
                )
            )
        if rng.random() < 0.12:
            out.append(
                _channel(
                    c,
                    province,
                    ChannelKind.TIKTOK,
                    f"Phụ nữ {c.name}",
                    f"https://www.tiktok.com/@phunu{s}",
                    rng,
                )
            )
    for b in branches:
        if rng.random() < 0.3:
            out.append(
                _channel(
                    b,
                    province,
                    ChannelKind.ZALO_GROUP,
                    f"Nhóm Zalo {b.name}",
                    f"https://zalo.me/g/ch{b.pk}",
                    rng,
                )
            )
    return Channel.objects.bulk_create(out, batch_size=1000)


def _posts(rng: random.Random, channels: list[Channel], today: dt.date) -> int:
    """About a year of posts; each unit has its own habit, from very active to silent."""
    habit: dict[int, float] = {}
    first = dt.date(today.year - 1, today.month, 1)
    posts: list[Post] = []
    for ch in channels:
        p = habit.setdefault(ch.unit_id, rng.choice([0.15, 0.35, 0.55, 0.75, 0.9, 0.97]))
        if ch.unit.name == "Xã Krông Pắc":
            p = 1.0
        month = first
        while month <= today:
            nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            # Xã Ea Kar has not posted yet this month: its cadres see what is still to do.
            quiet = ch.unit.name == "Xã Ea Kar" and nxt > today
            if not quiet and rng.random() < p:
                last = min(today, nxt - dt.timedelta(days=1))
                for _ in range(rng.randint(1, 5 if ch.kind == ChannelKind.FACEBOOK_PAGE else 3)):
                    day = month + dt.timedelta(days=rng.randint(0, (last - month).days))
                    posts.append(Post(
                        channel=ch, unit_id=ch.unit_id, province_id=ch.province_id,
                        unit_path=ch.unit_path, kind=ch.kind, published_on=day,
                        url=f"{ch.url.rstrip('/')}/posts/{len(posts) + 1}" if ch.kind == ChannelKind.FACEBOOK_PAGE else "",
                        title=rng.choice(TITLES), topic=rng.choice(TOPICS),
                        is_livestream=ch.kind in (ChannelKind.FACEBOOK_PAGE, ChannelKind.TIKTOK) and rng.random() < 0.08,
                    ))  # fmt: skip
            month = nxt
    Post.objects.bulk_create(posts, batch_size=2000)
    return len(posts)


def _posts_before_reform(rng: random.Random, province: Unit) -> int:
    """2024 to June 2025 on the units of then: the old districts' and communes' fanpages (no
    longer used since the reform) and their posts, so that 2024's targets read on them."""
    olds = list(
        Unit.objects.within(province)
        .filter(level__in=[Level.DISTRICT, Level.COMMUNE], valid_to=REFORM_DAY)
        .order_by("path")
    )
    channels = []
    for unit in olds:
        if unit.level == Level.COMMUNE and rng.random() < 0.3:
            continue  # many old communes had no fanpage
        ch = _channel(unit, province, ChannelKind.FACEBOOK_PAGE, f"Hội LHPN {unit.name}",
                      f"https://www.facebook.com/hoiphunu{_slug(unit.name)}{unit.pk}", rng)  # fmt: skip
        ch.closed = True
        channels.append(ch)
    Channel.objects.bulk_create(channels, batch_size=1000)
    posts: list[Post] = []
    for ch in channels:
        p = 0.97 if ch.unit.level == Level.DISTRICT else rng.choice([0.3, 0.6, 0.9])
        month = dt.date(2024, 1, 1)
        while month < REFORM_DAY:
            nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            if rng.random() < p:
                day = month + dt.timedelta(days=rng.randint(0, 27))
                posts.append(Post(
                    channel=ch, unit_id=ch.unit_id, province_id=ch.province_id,
                    unit_path=ch.unit_path, kind=ch.kind, published_on=day,
                    url=f"{ch.url}/posts/{len(posts) + 1}", title=rng.choice(TITLES),
                    topic=rng.choice(TOPICS),
                ))  # fmt: skip
            month = nxt
    Post.objects.bulk_create(posts, batch_size=2000)
    return len(posts)


def _targets(province: Unit, lan: User | None, today: dt.date) -> None:
    themes = {2024: "Năm “Chuyển đổi số trong công tác Hội”",
              today.year: "Phụ nữ Đắk Lắk đoàn kết, sáng tạo, chuyển đổi số"}  # fmt: skip
    specs = [
        ("40% cơ sở Hội đăng ít nhất 1 bài mỗi tháng trên fanpage", "posts.facebook_page", Level.COMMUNE, "month", 1, 40),
        ("30% chi hội có tin sinh hoạt trên nhóm Zalo mỗi tháng", "posts.zalo_group", Level.BRANCH, "month", 1, 30),
        ("20% cơ sở Hội livestream ít nhất 1 lần mỗi quý", "posts.livestream", Level.COMMUNE, "quarter", 1, 20),
        ("60% cơ sở Hội có ≥ 50% hội viên tiếp cận công nghệ số", "members.digital_share", Level.COMMUNE, "year", 50, 60),
        ("50% cơ sở Hội thu hút ≥ 65% phụ nữ từ 18 tuổi vào Hội", "members.recruitment_rate", Level.COMMUNE, "year", 65, 50),
        ("80% cơ sở Hội kết nạp ít nhất 20 hội viên mới trong năm", "members.new", Level.COMMUNE, "year", 20, 80),
    ]  # fmt: skip
    Target.objects.bulk_create([
        Target(unit=province, province=province, unit_path=province.path, year=year,
               theme=themes[year], title=title, metric=metric, level=level, period_kind=kind,
               threshold=Decimal(threshold), required_share=Decimal(share), created_by=lan,
               publish_ranking=metric.startswith("posts."))
        for year in (2024, today.year)
        for title, metric, level, kind, threshold, share in specs
    ])  # fmt: skip
    # Districts were unions until the reform: 2024 measures them on the units of then.
    Target.objects.create(
        unit=province, province=province, unit_path=province.path, year=2024, theme=themes[2024],
        title="100% Hội LHPN cấp huyện đăng ít nhất 1 bài mỗi tháng trên fanpage",
        metric="posts.facebook_page", level=Level.DISTRICT, period_kind="month",
        threshold=Decimal(1), required_share=Decimal(100), created_by=lan, publish_ranking=True,
    )  # fmt: skip


def _population(rng: random.Random, communes: list[Unit], today: dt.date) -> None:
    """Women aged 18+ per commune, entered for most communes (some have not done it yet)."""
    stats = dict(MemberStat.objects.filter(unit__in=communes).values_list("unit_id", "active"))
    figures = []
    for c in communes:
        if rng.random() < 0.85 and stats.get(c.pk):
            for year in (2024, today.year):
                women = int(stats[c.pk] / rng.uniform(0.5, 0.9))
                figures.append(PopulationFigure(unit=c, year=year, women_18_plus=women))
    PopulationFigure.objects.bulk_create(figures)


def _articles(province: Unit, communes: list[Unit], today: dt.date) -> None:
    ea_kar = next((c for c in communes if c.name == "Xã Ea Kar"), None)
    items = [
        (province, "Hội LHPN tỉnh phát động phong trào “Phụ nữ Đắk Lắk chuyển đổi số”",
         "<p>Hội LHPN tỉnh phát động phong trào thi đua chuyển đổi số trong các cấp Hội.</p>"
         "<p>Mỗi cơ sở Hội có fanpage và đăng ít nhất một bài mỗi tháng.</p>"),
        (ea_kar, "Chi hội Thôn 1 ra mắt mô hình “Phụ nữ tiết kiệm”",
         "<p>Sáng nay, chi hội ra mắt mô hình với 35 hội viên tham gia.</p>"),
    ]  # fmt: skip
    for unit, title, body in items:
        if unit is None:
            continue
        article = Article.objects.create(unit=unit, province=province, title=title, body=body,
                                         published_on=today - dt.timedelta(days=3))  # fmt: skip
        website, _ = Channel.objects.get_or_create(
            unit=unit, kind=ChannelKind.WEBSITE, url="",
            defaults={"province": province, "unit_path": unit.path, "name": "Tin tức trên Hội Số",
                      "visibility": Visibility.PUBLIC},
        )  # fmt: skip
        Post.objects.create(channel=website, unit=unit, province=province, unit_path=unit.path,
                            kind=ChannelKind.WEBSITE, published_on=article.published_on,
                            title=title, article=article, topic=Topic.UNION)  # fmt: skip


def demo_comms_and_targets(province: Unit, *, seed: int = 2026) -> dict[str, int]:
    """Channels, posts, articles, population figures and targets of the demo province."""
    rng = random.Random(seed)
    today = timezone.localdate()
    communes = list(Unit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"))
    branches = list(Unit.objects.within(province).filter(level=Level.BRANCH).order_by("path"))
    channels = _channels(rng, province, communes, branches)
    by_pk = {u.pk: u for u in [province, *communes, *branches]}
    for ch in channels:
        ch.unit = by_pk[ch.unit_id]
    n_posts = _posts(rng, channels, today) + _posts_before_reform(rng, province)
    _articles(province, communes, today)
    _population(rng, communes, today)
    _targets(province, User.objects.filter(username="lan.tinh").first(), today)
    return {"channels": len(channels), "posts": n_posts}
