"""In a real browser at 360 px: the province's cadre creates a contest, names a judge and a
criterion, approves an entry; the judge scores it on her own page; the organiser reads the results
and the public page shows the entry."""

import pytest
from playwright.sync_api import expect

from hoiso.conftest import log_in, make_member
from hoiso.contests import services
from hoiso.contests.models import Contest, Score
from hoiso.contests.tests.factories import dates, move_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url


def _local(value) -> str:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_organiser_sets_up_a_contest_and_a_judge_scores_from_her_phone(
    cast, live_server, chromium
):
    base = live_server.url
    province = cast.province.code
    organiser = chromium.new_context(viewport={"width": WIDTH, "height": 740}, locale="vi-VN")
    page = organiser.new_page()
    log_in(page, base, "lan")
    page.goto(f"{base}/u/{province}/")
    page.click(f"a[href='/u/{province}/contests/']")
    _fits(page)
    page.click(f"a[href='/u/{province}/contests/new/']")
    page.fill("input[name=title]", "Ứng dụng CNTT trong tổ chức sinh hoạt hội")
    page.fill("textarea[name=rules]", "Mỗi hội viên một bài.")
    for name, value in dates("entries").items():
        page.fill(f"input[name={name}]", _local(value))
    page.fill("input[name=judge_share]", "60")
    _fits(page)
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("Đã lưu cuộc thi")
    contest = Contest.objects.get()
    assert contest.judge_share == 60 and contest.slug == "ung-dung-cntt-trong-to-chuc-sinh-hoat-hoi"
    _fits(page)

    page.fill("#criteria input[name=name]", "Hiệu quả")
    page.fill("#criteria input[name=weight]", "2")
    page.click("#criteria button[type=submit]")
    expect(page.locator("#criteria")).to_contain_text("Hiệu quả")
    page.fill("#judges input[name=account]", "0912000002")  # Hoa, by her phone
    page.click("#judges button[type=submit]")
    expect(page.locator("#judges")).to_contain_text("Trần Thị Hoa")
    page.fill("#prizes input[name=rank]", "1")
    page.fill("#prizes input[name=name]", "Giải Nhất")
    page.click("#prizes button[type=submit]")
    expect(page.locator("#prizes")).to_contain_text("Giải Nhất")
    _fits(page)

    member = make_member(cast.branch_a1, "Y Nguyễn")
    entry = services.entry_submit(None, contest, title="Nhóm Zalo của chi hội", member=member)
    page.click(f"a[href='/u/{province}/contests/{contest.pk}/entries/']")
    expect(page.locator("main")).to_contain_text("Nhóm Zalo của chi hội")
    _fits(page)
    page.click(f"#entry-{entry.pk} button:has-text('Duyệt')")
    expect(page.locator("main")).to_contain_text("Đã duyệt xong bài")

    move_to(contest, "judging")
    judge = chromium.new_context(viewport={"width": WIDTH, "height": 740}, locale="vi-VN")
    phone = judge.new_page()
    log_in(phone, base, "hoa")
    phone.goto(f"{base}/cham-thi/")
    phone.click(f"a[href='/cham-thi/{contest.pk}/']")
    expect(phone.locator("main")).to_contain_text("chưa chấm")
    phone.click(f"a[href='/cham-thi/{contest.pk}/{entry.pk}/']")
    _fits(phone)
    criterion = contest.criteria.get()
    phone.fill(f"input[name=c{criterion.pk}]", "11")
    phone.click("main button[type=submit]")
    expect(phone.locator("main")).to_contain_text("Vui lòng cho điểm từ 0 đến 10")
    phone.fill(f"input[name=c{criterion.pk}]", "8")
    phone.click("main button[type=submit]")
    expect(phone.locator("main")).to_contain_text("Đã lưu điểm của bạn")
    expect(phone.locator("main")).to_contain_text("đã chấm")
    assert Score.objects.get().points == 8
    judge.close()

    page.goto(f"{base}/u/{province}/contests/{contest.pk}/results/")
    expect(page.locator("main")).to_contain_text("Nhóm Zalo của chi hội")
    expect(page.locator("main")).to_contain_text("48")  # 80 × 60 %, no votes yet
    expect(page.locator("main")).to_contain_text("Giải Nhất")
    _fits(page)
    organiser.close()

    public = chromium.new_context(viewport={"width": WIDTH, "height": 740}, locale="vi-VN")
    anyone = public.new_page()
    anyone.goto(f"{base}/cuoc-thi/{contest.slug}/")
    expect(anyone.locator("main")).to_contain_text("Nhóm Zalo của chi hội")
    expect(anyone.locator("[aria-current=step]")).to_contain_text("Chấm thi")
    _fits(anyone)
    public.close()
