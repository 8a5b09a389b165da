"""The vote endpoint (`/v/<contest>/<entry>`) as the WSGI entry point serves it in front of
Django, and as Django serves it where that entry point is not used: the same checks."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hoiso.contests import ballots, fastvote
from hoiso.contests.models import Vote
from hoiso.contests.tests.vote_factories import approved, make_voting_contest, pending

UA = "Mozilla/5.0 (Linux; Android 14)"


@pytest.fixture(autouse=True)
def _fresh_rules():  # type: ignore[no-untyped-def]
    ballots._rules.clear()
    yield
    ballots._rules.clear()


@pytest.fixture
def direct(monkeypatch):  # type: ignore[no-untyped-def]
    """The collector's batch written in the test's own thread (and transaction)."""

    def submit(ballot: ballots.Ballot, timeout: float = 0) -> bool:
        ballots.ballots_write([ballot])
        return True

    monkeypatch.setattr(fastvote.collector, "submit", submit)


def _call(path: str, headers: dict[str, str], method: str = "POST") -> tuple[int, dict[str, Any]]:
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method, "wsgi.url_scheme": "http",
               "HTTP_HOST": "testserver", "REMOTE_ADDR": "113.160.22.41", "HTTP_USER_AGENT": UA}  # fmt: skip
    environ.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    status: list[str] = []
    body = b"".join(fastvote.vote(environ, lambda s, h: status.append(s)))
    return int(status[0][:3]), json.loads(body) if body else {}


def _headers(contest_id: int, phone: str = "0912345678", device: str = "abc") -> dict[str, str]:
    token = ballots.pass_issue(contest_id, phone, ballots.device_of(device, UA))
    return {"Origin": "http://testserver", "X-Vote-Pass": token, "X-Vote-Device": device}


@pytest.mark.django_db
def test_a_confirmed_phone_votes_once_a_day(cast, direct) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    entry = approved(contest)[0]
    status, body = _call(f"/v/{contest.pk}/{entry.pk}", _headers(contest.pk))
    assert (status, body["ok"], body["votes"]) == (200, True, 1)
    status, body = _call(f"/v/{contest.pk}/{entry.pk}", _headers(contest.pk))
    assert status == 409 and "Vui lòng" in body["message"]
    vote = Vote.objects.get()
    assert (vote.phone, vote.network) == ("0912345678", "113.160.22.0/24")
    assert vote.device == ballots.device_of("abc", UA)


@pytest.mark.django_db
def test_it_refuses_another_site_a_forged_pass_and_another_device(cast, direct) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    url = f"/v/{contest.pk}/{approved(contest)[0].pk}"
    assert _call(url, {**_headers(contest.pk), "Origin": "https://evil.example"})[0] == 403
    assert _call(url, {k: v for k, v in _headers(contest.pk).items() if k != "Origin"})[0] == 403
    assert (
        _call(url, {**_headers(contest.pk), "X-Vote-Pass": "1.0912345678.x.9999999999.AAAA"})[0]
        == 403
    )
    assert _call(url, {**_headers(contest.pk), "X-Vote-Device": "another"})[0] == 403
    other = make_voting_contest(cast.province)
    assert _call(url, _headers(other.pk))[0] == 403  # a pass of another contest
    assert _call(url, {**_headers(contest.pk), "Host": "evil.example"})[0] == 403
    assert _call(url, _headers(contest.pk), method="GET")[0] == 405
    assert not Vote.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_entry_waiting_for_review(cast, direct) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    status, body = _call(f"/v/{contest.pk}/{pending(contest).pk}", _headers(contest.pk))
    assert status == 404 and "Vui lòng" in body["message"]


@pytest.mark.django_db
def test_django_serves_the_same_endpoint_without_cookies_or_csrf(cast, direct) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    entry = approved(contest)[0]
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=UA)
    headers = _headers(contest.pk)
    response = client.post(f"/v/{contest.pk}/{entry.pk}", headers=headers)
    assert response.status_code == 200 and response.json()["votes"] == 1
    assert response["Cache-Control"] == "no-store"
    evil = client.post(f"/v/{contest.pk}/{entry.pk}", headers={**headers, "Origin": "http://x.vn"})
    assert evil.status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_collector_counts_a_phones_two_votes_in_one_batch_once(cast) -> None:  # type: ignore[no-untyped-def]
    import threading

    contest = make_voting_contest(cast.province)
    entry = approved(contest)[0]
    collector = fastvote.Collector()
    votes = [ballots.Ballot(contest.pk, entry.pk, "0912345678") for _ in range(4)]
    votes += [ballots.Ballot(contest.pk, entry.pk, f"09876543{i:02d}") for i in range(6)]
    threads = [threading.Thread(target=collector.submit, args=(b,)) for b in votes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    collector.stop()
    assert sorted(b.outcome for b in votes[:4]) == ["already"] * 3 + ["counted"]
    assert {b.outcome for b in votes[4:]} == {"counted"}
    entry.refresh_from_db()
    assert entry.votes == 7 == Vote.objects.count()
