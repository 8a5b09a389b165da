"""Contests: stages in order and enforced, who may enter, moderation, judging by weighted criteria,
results in the organiser's ratio with ties broken by the stated rule, export and certificates."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hoiso.activities.tests.images import PNG
from hoiso.conftest import Cast, make_member, make_user
from hoiso.contests import services
from hoiso.contests.models import (
    Contest,
    Eligibility,
    Entry,
    EntryStatus,
    Score,
    Stage,
    TieRule,
    Vote,
)
from hoiso.contests.papers import certificate_pdf, export_xlsx
from hoiso.contests.results import results
from hoiso.contests.tests.factories import dates, make_contest, move_to
from hoiso.core.audit_actions import label
from hoiso.core.models import AuditEvent
from hoiso.core.sheets import read_bytes
from hoiso.notifications.models import Message
from hoiso.units.models import Level

pytestmark = pytest.mark.django_db


def _entry(contest: Contest, title: str, **kw) -> Entry:  # type: ignore[no-untyped-def]
    return services.entry_submit(None, contest, title=title, **kw)


def _approved(contest: Contest, title: str, **kw) -> Entry:  # type: ignore[no-untyped-def]
    entry = _entry(contest, title, **kw)
    return services.entry_moderate(None, entry, approve=True)


def _vote(contest: Contest, entry: Entry, phone: str, voided: bool = False) -> None:
    now = timezone.now()
    Vote.objects.create(contest=contest, entry=entry, phone=phone, slot=f"{entry.pk}",
                        day=timezone.localdate(), voided_at=now if voided else None)  # fmt: skip
    if not voided:
        Entry.objects.filter(pk=entry.pk).update(votes=entry.votes + 1)
        entry.refresh_from_db()


# --- Stages --------------------------------------------------------------------------------------


def test_stages_must_run_in_order(cast: Cast) -> None:
    good = dates("entries")
    bad = {**good, "entries_close": good["entries_open"] - dt.timedelta(hours=1)}
    with pytest.raises(ValidationError) as e:
        make_contest(cast.province, **bad)
    assert "entries_close" in e.value.error_dict
    early = {**good, "judging_open": good["entries_close"] - dt.timedelta(hours=1)}
    with pytest.raises(ValidationError) as e:
        make_contest(cast.province, **early)
    assert "judging_open" in e.value.error_dict
    soon = {**good, "results_at": good["voting_close"] - dt.timedelta(hours=1)}
    with pytest.raises(ValidationError) as e:
        make_contest(cast.province, **soon)
    assert "results_at" in e.value.error_dict
    with pytest.raises(ValidationError) as e:
        make_contest(cast.province, eligibility=Eligibility.UNITS_OF_LEVEL)
    assert "eligible_level" in e.value.error_dict


def test_the_stage_is_read_off_the_dates(cast: Cast) -> None:
    contest = make_contest(cast.province, "upcoming")
    assert contest.stage_at() == Stage.UPCOMING
    for stage in ("entries", "judging", "voting", "results"):
        assert move_to(contest, stage).stage_at() == Stage(stage)


def test_a_slug_is_made_from_the_title_and_kept_unique(cast: Cast) -> None:
    a = make_contest(cast.province, title="Ứng dụng CNTT trong tổ chức sinh hoạt hội")
    b = make_contest(cast.province, title="Ứng dụng CNTT trong tổ chức sinh hoạt hội")
    assert a.slug == "ung-dung-cntt-trong-to-chuc-sinh-hoat-hoi"
    assert b.slug == a.slug + "-2"
    with pytest.raises(ValidationError):
        make_contest(cast.province, slug=a.slug)


def test_entries_are_taken_only_while_entries_are_open(cast: Cast) -> None:
    contest = make_contest(cast.province, "upcoming")
    member = make_member(cast.branch_a1)
    with pytest.raises(ValidationError):
        _entry(contest, "Sớm", member=member)
    move_to(contest, "entries")
    _entry(contest, "Đúng hạn", member=member)
    move_to(contest, "judging")
    with pytest.raises(ValidationError):
        _entry(contest, "Muộn", member=member)


# --- Eligibility ---------------------------------------------------------------------------------


def test_units_of_a_level_enter_and_no_others(cast: Cast) -> None:
    contest = make_contest(cast.province, eligibility=Eligibility.UNITS_OF_LEVEL,
                           eligible_level=Level.COMMUNE)  # fmt: skip
    assert _entry(contest, "Xã Ea Kar", unit=cast.commune_a).unit == cast.commune_a
    with pytest.raises(ValidationError):
        _entry(contest, "Chi hội", unit=cast.branch_a1)
    with pytest.raises(ValidationError):
        _entry(contest, "Hội viên", member=make_member(cast.branch_a1))


def test_members_of_the_organisers_subtree_enter(cast: Cast) -> None:
    contest = make_contest(cast.commune_a)
    inside = make_member(cast.branch_a1, "Y Nguyễn")
    outside = make_member(cast.branch_b1, "Lò Thị Ánh")
    entry = _entry(contest, "Sổ tay số", member=inside)
    assert entry.unit == cast.branch_a1 and entry.entrant == "Y Nguyễn"
    with pytest.raises(ValidationError):
        _entry(contest, "Ngoài xã", member=outside)
    with pytest.raises(ValidationError):
        _entry(contest, "Chi hội", unit=cast.branch_a1)


def test_anyone_means_a_named_entrant_too(cast: Cast) -> None:
    contest = make_contest(cast.province, eligibility=Eligibility.ANYONE)
    assert _entry(contest, "Khách", entrant_name="Trường THCS Ea Kar").entrant == (
        "Trường THCS Ea Kar"
    )
    with pytest.raises(ValidationError):
        _entry(contest, "Không tên")
    members_only = make_contest(cast.province)
    with pytest.raises(ValidationError):
        _entry(members_only, "Khách", entrant_name="Trường THCS Ea Kar")


def test_photos_are_resized_and_links_kept(cast: Cast) -> None:
    contest = make_contest(cast.province)
    entry = _entry(contest, "Ảnh", member=make_member(cast.branch_a1), images=[PNG],
                   links=["https://www.youtube.com/watch?v=abc"])  # fmt: skip
    image = entry.images.get()
    assert image.photo.endswith(".jpg") and services.photo_path(image.photo) is not None
    assert entry.links.get().url.startswith("https://")
    with pytest.raises(ValidationError):
        _entry(contest, "Không phải ảnh", member=make_member(cast.branch_a1), images=[b"text"])


# --- Moderation ----------------------------------------------------------------------------------


def test_moderation_publishes_approved_entries_and_tells_the_submitter(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    contest = make_contest(cast.province)
    member = make_member(cast.branch_a1)
    entry = services.entry_submit(cast.hoa, contest, title="Chờ duyệt", member=member,
                                  images=[PNG])  # fmt: skip
    page = reverse("contest:page", args=[contest.slug])
    photo = reverse("contest:photo", args=[contest.slug, entry.images.get().pk])
    anonymous = cast.client(None)
    assert "Chờ duyệt" not in anonymous.get(page).content.decode()
    assert anonymous.get(photo).status_code == 404
    with pytest.raises(ValidationError):
        services.entry_moderate(cast.lan, entry, approve=False)  # no reason
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_moderate(cast.lan, entry, approve=True)
    assert "Chờ duyệt" in anonymous.get(page).content.decode()
    assert anonymous.get(photo).status_code == 200
    told = Message.objects.get(user=cast.hoa, kind="contest_entry")
    assert "đã được duyệt" in told.body
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_moderate(cast.lan, entry, approve=False, reason="Trùng bài đã gửi")
    assert "Chờ duyệt" not in anonymous.get(page).content.decode()
    assert Message.objects.filter(user=cast.hoa, body__contains="Trùng bài").exists()
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
        "contest.entry_submitted", "contest.entry_approved", "contest.entry_rejected"}  # fmt: skip


def test_the_organiser_moderates_from_the_queue(cast: Cast) -> None:
    contest = make_contest(cast.province)
    entry = _entry(contest, "Trong hàng chờ", member=make_member(cast.branch_a1))
    lan = cast.client(cast.lan)
    queue = reverse("contests:entries", args=[cast.province.code, contest.pk])
    assert "Trong hàng chờ" in lan.get(queue).content.decode()
    url = reverse("contests:moderate", args=[cast.province.code, contest.pk, entry.pk])
    lan.post(url, {"decision": "reject", "reason": ""})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING  # a rejection needs its reason
    lan.post(url, {"decision": "approve"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.moderated_by == cast.lan


# --- Judging -------------------------------------------------------------------------------------


def _panel(cast: Cast, contest: Contest):  # type: ignore[no-untyped-def]
    """Two judges, and criteria weighted 1 (out of 10) and 3 (out of 20)."""
    a = services.judge_add(cast.lan, contest, "hoa")
    b = services.judge_add(cast.lan, contest, "0912000004")  # Thu, by her phone
    idea = services.criterion_add(cast.lan, contest, "Ý tưởng", 1, 10)
    use = services.criterion_add(cast.lan, contest, "Hiệu quả", 3, 20)
    return a, b, idea, use


def test_judges_score_only_while_judging_and_only_their_own(cast: Cast) -> None:
    contest = make_contest(cast.province)
    a, b, idea, use = _panel(cast, contest)
    entry = _approved(contest, "Bài 1", member=make_member(cast.branch_a1))
    with pytest.raises(ValidationError):
        services.scores_save(a, entry, {idea.pk: 5})
    move_to(contest, "judging")
    with pytest.raises(ValidationError):
        services.scores_save(a, entry, {idea.pk: 11})  # above the criterion's highest
    services.scores_save(a, entry, {idea.pk: 8, use.pk: 15})
    assert Score.objects.filter(judge=a).count() == 2
    # Her page is hers: another account gets nothing, not even the list of entries.
    url = reverse("judge:score", args=[contest.pk, entry.pk])
    assert cast.client(cast.mai).get(url).status_code == 404
    assert cast.client(cast.mai).post(url, {f"c{idea.pk}": "1"}).status_code == 404
    thu = cast.client(cast.thu)
    response = thu.post(url, {f"c{idea.pk}": "6", f"c{use.pk}": "10"})
    assert response.status_code == 302
    assert dict(Score.objects.filter(judge=b).values_list("criterion_id", "points")) == {
        idea.pk: 6, use.pk: 10}  # fmt: skip
    assert dict(Score.objects.filter(judge=a).values_list("criterion_id", "points")) == {
        idea.pk: 8, use.pk: 15}  # fmt: skip
    # An empty field withdraws a score; a word is refused with the field named.
    response = thu.post(url, {f"c{idea.pk}": "", f"c{use.pk}": "mười"})
    assert "Vui lòng" in response.content.decode()
    move_to(contest, "voting")
    with pytest.raises(ValidationError):
        services.scores_save(a, entry, {idea.pk: 1})
    with pytest.raises(ValidationError):
        services.criterion_add(cast.lan, contest, "Muộn", 1, 10)


def test_the_judges_score_is_the_mean_of_weighted_scores(cast: Cast) -> None:
    contest = make_contest(cast.province, judge_share=100)
    a, b, idea, use = _panel(cast, contest)
    one = _approved(contest, "Bài 1", member=make_member(cast.branch_a1))
    two = _approved(contest, "Bài 2", member=make_member(cast.branch_a2))
    move_to(contest, "judging")
    services.scores_save(a, one, {idea.pk: 8, use.pk: 15})  # (0.8·1 + 0.75·3)/4 = 76.25
    services.scores_save(b, one, {idea.pk: 6, use.pk: 10})  # (0.6·1 + 0.5·3)/4 = 52.5
    services.scores_save(a, two, {idea.pk: 10, use.pk: 20})  # 100, one judge only
    rows = {r.entry.pk: r for r in results(contest)}
    assert rows[one.pk].judges == (Fraction(7625, 100) + Fraction(525, 10)) / 2
    assert rows[one.pk].judges_shown == 64.38
    assert rows[two.pk].judges == 100 and rows[two.pk].judges_count == 1
    assert [r.entry.pk for r in results(contest)] == [two.pk, one.pk]


def test_results_combine_judges_and_public_in_the_organisers_ratio(cast: Cast) -> None:
    contest = make_contest(cast.province, judge_share=60)
    a, _b, idea, use = _panel(cast, contest)
    one = _approved(contest, "Bài 1", member=make_member(cast.branch_a1))
    two = _approved(contest, "Bài 2", member=make_member(cast.branch_a2))
    move_to(contest, "judging")
    services.scores_save(a, one, {idea.pk: 10, use.pk: 20})  # 100
    services.scores_save(a, two, {idea.pk: 5, use.pk: 10})  # 50
    for i in range(4):
        _vote(contest, two, f"09120001{i:02d}")
    _vote(contest, one, "0912000200")
    _vote(contest, one, "0912000201")
    _vote(contest, one, "0912000202", voided=True)  # a voided vote counts for nothing
    rows = {r.entry.pk: r for r in results(contest)}
    assert rows[one.pk].votes == 2 and rows[one.pk].voided == 1
    assert rows[two.pk].public == 100 and rows[one.pk].public == 50
    assert rows[one.pk].total == Fraction(60) + Fraction(20)  # 100·0.6 + 50·0.4
    assert rows[two.pk].total == Fraction(30) + Fraction(40)  # 50·0.6 + 100·0.4
    assert [r.entry.pk for r in results(contest)] == [one.pk, two.pk]


@pytest.mark.parametrize(
    ("rule", "first"),
    [(TieRule.JUDGES_THEN_EARLIER, "judges"), (TieRule.VOTES_THEN_EARLIER, "votes"),
     (TieRule.EARLIER, "earlier")],
)  # fmt: skip
def test_ties_are_broken_by_the_stated_rule(cast: Cast, rule: str, first: str) -> None:
    """Equal totals: 'earlier' was sent first and has more votes, 'judges' has the higher
    judges' score; each rule puts its own first."""
    contest = make_contest(cast.province, judge_share=50, tie_rule=rule)
    a, _b, idea, _use = _panel(cast, contest)
    Score.objects.all().delete()
    contest.criteria.exclude(pk=idea.pk).delete()
    earlier = _approved(contest, "earlier", member=make_member(cast.branch_a1))
    judged = _approved(contest, "judges", member=make_member(cast.branch_a2))
    move_to(contest, "judging")
    services.scores_save(a, earlier, {idea.pk: 4})  # 40 → 20
    services.scores_save(a, judged, {idea.pk: 8})  # 80 → 40
    for i in range(10):
        _vote(contest, earlier, f"09130000{i:02d}")  # public 100 → 50: total 70
    for i in range(6):
        _vote(contest, judged, f"09140000{i:02d}")  # public 60 → 30: total 70
    rows = results(contest)
    assert rows[0].total == rows[1].total == 70
    expected = {"judges": "judges", "votes": "earlier", "earlier": "earlier"}[first]
    assert rows[0].entry.title == expected
    assert rows[1].tied_by_rule


def test_prizes_go_down_the_order_by_their_quantity(cast: Cast) -> None:
    contest = make_contest(cast.province, judge_share=0)
    services.prize_add(cast.lan, contest, 1, "Giải Nhất", 1)
    services.prize_add(cast.lan, contest, 2, "Giải Nhì", 2)
    entries = [_approved(contest, f"Bài {i}", member=make_member(cast.branch_a1, f"Chị {i}"))
               for i in range(5)]  # fmt: skip
    for n, entry in enumerate(entries):
        for i in range(5 - n):
            _vote(contest, entry, f"0915{n:02d}{i:04d}")
    prizes = [r.prize.name if r.prize else None for r in results(contest)]
    assert prizes == ["Giải Nhất", "Giải Nhì", "Giải Nhì", None, None]


# --- The public page, results, export, certificate -----------------------------------------------


def test_the_public_page_needs_no_account_and_shows_the_exact_count(cast: Cast) -> None:
    contest = make_contest(
        cast.province, "voting", livestream_url="https://facebook.com/hlhpn/live"
    )
    move_to(contest, "entries")
    entry = _approved(contest, "Zalo nhóm chi hội", member=make_member(cast.branch_a1),
                      links=["https://www.youtube.com/watch?v=xyz"])  # fmt: skip
    move_to(contest, "voting")
    for i in range(1234):
        Vote(contest=contest, entry=entry, phone=f"09{i:08d}", slot=str(entry.pk),
             day=timezone.localdate())  # fmt: skip
    Entry.objects.filter(pk=entry.pk).update(votes=1234)
    html = cast.client(None).get(reverse("contest:page", args=[contest.slug])).content.decode()
    assert "Zalo nhóm chi hội" in html and "1.234" in html
    assert "https://facebook.com/hlhpn/live" in html
    assert 'aria-current="step"' in html
    results_url = reverse("contest:results", args=[contest.slug])
    assert cast.client(None).get(results_url).status_code == 404  # not before results_at
    move_to(contest, "results")
    assert "Zalo nhóm chi hội" in cast.client(None).get(results_url).content.decode()


def test_the_export_holds_scores_votes_and_voided_counts(cast: Cast) -> None:
    contest = make_contest(cast.province)
    a, _b, idea, use = _panel(cast, contest)
    entry = _approved(contest, "=HYPERLINK(1)", member=make_member(cast.branch_a1))
    move_to(contest, "judging")
    services.scores_save(a, entry, {idea.pk: 7, use.pk: 14})
    _vote(contest, entry, "0912345678")
    _vote(contest, entry, "0912345679", voided=True)
    sheets = read_bytes(export_xlsx(contest), "x.xlsx")
    summary, scores = sheets[0].rows, sheets[1].rows
    row = next(r for r in summary if r and r[1] == "=HYPERLINK(1)")  # text, never a formula
    assert row[0] == 1 and row[6] == 1 and row[7] == 1
    assert row[4] == 70  # (0.7 + 0.7·3)/4 · 100
    assert [r[2:5] for r in scores[1:]] == [["Ý tưởng", 1, 7], ["Hiệu quả", 3, 14]]
    response = cast.client(cast.lan).get(
        reverse("contests:export", args=[cast.province.code, contest.pk])
    )
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def test_a_winner_gets_a_certificate_in_the_union_layout(cast: Cast) -> None:
    contest = make_contest(cast.province, judge_share=0,
                           title="Ứng dụng CNTT trong tổ chức sinh hoạt hội")  # fmt: skip
    services.prize_add(cast.lan, contest, 1, "Giải Nhất", 1)
    winner = _approved(contest, "Sổ tay chi hội số", member=make_member(cast.branch_a1, "Y Nguyễn"))
    loser = _approved(contest, "Khác", member=make_member(cast.branch_a2))
    _vote(contest, winner, "0912345678")
    row = results(contest)[0]
    text = " ".join(PdfReader(io.BytesIO(certificate_pdf(contest, row))).pages[0]
                    .extract_text().split())  # fmt: skip
    for words in ("GIẤY CHỨNG NHẬN", "Y Nguyễn", "Chi hội Thôn 1, xã Ea Kar", "Giải Nhất",
                  "Ứng dụng CNTT trong tổ chức sinh hoạt hội", "BCH HỘI LHPN TỈNH ĐẮK LẮK",
                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TM. BAN THƯỜNG VỤ"):  # fmt: skip
        assert words in text, words
    lan = cast.client(cast.lan)
    url = reverse("contests:certificate", args=[cast.province.code, contest.pk, winner.pk])
    assert lan.get(url)["Content-Type"] == "application/pdf"
    no_prize = reverse("contests:certificate", args=[cast.province.code, contest.pk, loser.pk])
    assert lan.get(no_prize).status_code == 404


# --- The organiser's and the entrants' pages -----------------------------------------------------


def _form(stage: str = "entries", **extra: object) -> dict[str, object]:
    data = {f: v.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%dT%H:%M")
            for f, v in dates(stage).items()}  # fmt: skip
    return {"title": "Ứng dụng CNTT", "slug": "", "rules": "Thể lệ", "eligibility": "members",
            "eligible_level": "", "vote_rule": "entry_day", "judge_share": "70",
            "tie_rule": "judges_then_earlier", "livestream_url": "", **data, **extra}  # fmt: skip


def test_a_cadre_creates_and_edits_a_contest(cast: Cast) -> None:
    lan = cast.client(cast.lan)
    url = reverse("contests:new", args=[cast.province.code])
    bad = _form(judge_share="120")
    bad["results_at"] = bad["entries_open"]
    response = lan.post(url, bad)
    assert response.status_code == 200 and "Vui lòng" in response.content.decode()
    assert not Contest.objects.exists()
    response = lan.post(url, _form())
    contest = Contest.objects.get()
    assert response.status_code == 302 and contest.unit == cast.province
    assert contest.created_by == cast.lan and contest.judge_share == 70
    edit = reverse("contests:edit", args=[cast.province.code, contest.pk])
    lan.post(edit, _form(title="Đổi tên", slug=contest.slug, judge_share="50"))
    contest.refresh_from_db()
    assert contest.title == "Đổi tên" and contest.public_share == 50
    assert AuditEvent.objects.filter(action="contest.changed").exists()


def test_cadres_outside_the_organiser_and_lower_roles_cannot_manage(cast: Cast) -> None:
    contest = make_contest(cast.commune_a)
    detail_b = reverse("contests:detail", args=[cast.commune_b.code, contest.pk])
    assert cast.client(cast.thu).get(detail_b).status_code == 404
    detail_a = reverse("contests:detail", args=[cast.commune_a.code, contest.pk])
    assert cast.client(cast.mai).get(
        reverse("contests:detail", args=[cast.branch_a1.code, contest.pk])
    ).status_code in (403, 404)
    assert cast.client(cast.vy).get(detail_a).status_code == 403
    assert cast.client(cast.hoa).get(detail_a).status_code == 200
    assert cast.client(cast.lan).get(detail_a).status_code == 200  # from the province above


def test_a_branch_head_enters_a_member_by_her_card_number(cast: Cast) -> None:
    contest = make_contest(cast.commune_a)
    member = make_member(cast.branch_a1, "Nguyễn Thị Hạnh", phone="0987654321")
    mai = cast.client(cast.mai)
    url = reverse("contests:enter", args=[cast.branch_a1.code, contest.pk])
    response = mai.post(url, {"who": "member", "member": "0987000000", "title": "Bài"})
    assert "Vui lòng" in response.content.decode() and not Entry.objects.exists()
    response = mai.post(url, {"who": "member", "member": "0987654321", "title": "Bài",
                              "link1": "https://youtu.be/x"})  # fmt: skip
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.member == member and entry.submitted_by == cast.mai
    assert entry.status == EntryStatus.PENDING
    # Commune B's cadre cannot reach commune A's contest at all.
    other = reverse("contests:enter", args=[cast.branch_b1.code, contest.pk])
    assert cast.client(cast.thu).get(other).status_code == 404


def test_a_member_enters_herself(cast: Cast) -> None:
    contest = make_contest(cast.province)
    member = make_member(cast.branch_a1, "Trần Thị Mơ")
    user = make_user("mo", "Trần Thị Mơ", "0987111222")
    member.user = user
    member.save(update_fields=["user"])
    client = cast.client(user)
    assert contest.title in client.get(reverse("my_contests:list")).content.decode()
    url = reverse("my_contests:enter", args=[contest.pk])
    response = client.post(url, {"title": "Nhóm Zalo của tổ", "text": "Mô tả"})
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.member == member and entry.submitted_by == user
    commune_only = make_contest(cast.commune_b, title="Xã khác")
    assert client.get(reverse("my_contests:enter", args=[commune_only.pk])).status_code == 404


def test_every_audit_action_is_declared() -> None:
    from hoiso.contests.apps import AUDIT_ACTIONS

    for action, words in AUDIT_ACTIONS.items():
        assert label(action) == str(words)
