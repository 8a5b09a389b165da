"""The organiser's side of the public vote: anomaly flags (a network's burst, many phones on one
device, codes never used), voiding one vote or a flag's votes with exact counts and an audit
event, and who may open the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hoiso.contests import ballots, voting
from hoiso.contests.ballots import Ballot, ballots_write
from hoiso.contests.models import Entry, Vote
from hoiso.contests.tests.vote_factories import approved, make_voting_contest
from hoiso.core.models import AuditEvent
from hoiso.notifications.services import Phone, notify


@pytest.fixture(autouse=True)
def _fresh_rules():  # type: ignore[no-untyped-def]
    ballots._rules.clear()
    yield
    ballots._rules.clear()


def _votes(contest, n, *, network="113.160.22.0/24", device="d", start=0):  # type: ignore[no-untyped-def]
    entries = approved(contest)
    batch = [
        Ballot(contest.pk, entries[i % len(entries)].pk, f"0912{start + i:06d}", network, device)
        for i in range(n)
    ]
    ballots_write(batch)
    return batch


@pytest.mark.django_db
def test_it_flags_a_networks_burst_and_a_device_of_many_phones(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.VOTE_FLAG_NETWORK_HOUR = 5
    contest = make_voting_contest(cast.province)
    _votes(contest, 6, network="14.160.1.0/24", device="")
    for i in range(4):
        _votes(contest, 1, network=f"27.72.{i}.0/24", device="shared", start=100 + i)
    _votes(contest, 1, network="27.72.9.0/24", device="own", start=200)
    found = {(f.kind, f.votes, f.phones) for f in voting.flags(contest)}
    assert found == {("network", 6, 6), ("device", 4, 4)}


@pytest.mark.django_db
def test_it_flags_codes_sent_and_never_used(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    for phone in ("0912000101", "0912000102", "0912000103"):
        notify([Phone(phone)], "vote_code", {"code": "123456", "contest": contest.title},
               sender=None, key=f"vote-code:{contest.pk}:{phone}:1", unit=cast.province)  # fmt: skip
    ballots_write([Ballot(contest.pk, approved(contest)[0].pk, "0912000101")])
    unused = [f for f in voting.flags(contest) if f.kind == "unused"]
    assert [(f.votes, f.phones) for f in unused] == [(2, 2)]


@pytest.mark.django_db
def test_voiding_takes_the_votes_off_the_counts_once_and_is_audited(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.VOTE_FLAG_NETWORK_HOUR = 5
    contest = make_voting_contest(cast.province)
    _votes(contest, 6, network="14.160.1.0/24")
    _votes(contest, 3, network="27.72.1.0/24", start=50)
    flag = next(f for f in voting.flags(contest) if f.kind == "network")
    n = voting.votes_void(actor=cast.hoa, contest=contest, reason="Mua phiếu",
                          votes=voting.flagged(contest, "network", flag.key), flag=flag.key)  # fmt: skip
    assert n == 6
    # Again: nothing left to void, the counts do not move.
    again = voting.votes_void(actor=cast.hoa, contest=contest, reason="Lần hai",
                              votes=voting.flagged(contest, "network", flag.key))  # fmt: skip
    assert again == 0
    assert sum(Entry.objects.filter(contest=contest).values_list("votes", flat=True)) == 3
    assert voting.recount(contest) == {}
    assert Vote.objects.filter(voided_at__isnull=False, voided_by=cast.hoa).count() == 6
    events = AuditEvent.objects.filter(action="vote.voided").order_by("pk")
    assert [e.data["votes"] for e in events] == [6, 0]
    assert events[0].data["reason"] == "Mua phiếu" and events[0].unit_id == cast.province.pk
    # A voided vote still holds its slot: the same phone cannot vote again for that entry today.
    voided = Vote.objects.filter(voided_at__isnull=False).first()
    assert voided is not None
    again_vote = Ballot(contest.pk, voided.entry_id, voided.phone)
    ballots_write([again_vote])
    assert again_vote.outcome == "already"


@pytest.mark.django_db
def test_voiding_needs_a_reason(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    _votes(contest, 1)
    with pytest.raises(ValidationError, match="Vui lòng"):
        voting.votes_void(actor=cast.hoa, contest=contest, votes=Vote.objects.all(), reason=" ")
    assert not Vote.objects.filter(voided_at__isnull=False).exists()


@pytest.mark.django_db
def test_the_organiser_voids_one_vote_from_the_page(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.commune_a)
    vote = _votes(contest, 2)[0]
    client = cast.client(cast.hoa)
    url = f"/u/{cast.commune_a.code}/contests/{contest.pk}/votes/"
    page = client.get(url)
    assert page.status_code == 200
    assert "091•••" in page.content.decode() or "091••••" in page.content.decode()
    stored = Vote.objects.get(contest=contest, phone=vote.phone)
    response = client.post(url + "void/", {"vote": stored.pk, "reason": "Trùng người"})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.voided_at is not None and stored.void_reason == "Trùng người"
    entry = Entry.objects.get(pk=stored.entry_id)
    assert entry.votes == 0


@pytest.mark.django_db
def test_another_communes_cadre_sees_nothing(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.commune_a)
    vote = _votes(contest, 1)[0]
    client = cast.client(cast.thu)
    url = f"/u/{cast.commune_b.code}/contests/{contest.pk}/votes/"
    assert client.get(url).status_code == 404
    stored = Vote.objects.get(phone=vote.phone)
    assert client.post(url + "void/", {"vote": stored.pk, "reason": "x"}).status_code == 404
    assert Vote.objects.get(pk=stored.pk).voided_at is None


@pytest.mark.django_db
def test_the_public_counts_are_exact_and_read_live(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    first, second = approved(contest)
    _votes(contest, 5)
    response = cast.client(None).get(f"/cuoc-thi/{contest.slug}/vote/counts/")
    assert response.json() == {"counts": {str(first.pk): 3, str(second.pk): 2}}
    page = cast.client(None).get(f"/cuoc-thi/{contest.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="votes-{first.pk}"><strong>3<' in html and "data-vote-panel" in html
    assert timezone.now() - dt.timedelta(minutes=1) < Vote.objects.latest("pk").created_at
