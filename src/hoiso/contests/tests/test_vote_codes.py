"""Before a phone votes: the proof of work (good, bad, expired, reused), the one-time code sent
through notify() to a bare number (expiry, reuse, tries, the device it was asked from), the rate
limits per phone, network and device, and the signed pass."""

from __future__ import annotations

import base64
import json
import time

import pytest
from django.core.exceptions import ValidationError

from hoiso.contests import ballots, pow, voting
from hoiso.contests.tests.vote_factories import make_voting_contest
from hoiso.notifications import codes
from hoiso.notifications.models import Channel, Message

VOTER = voting.Voter(device_id="abc123", user_agent="Mozilla/5.0 (Linux; Android 14)",
                     address="113.160.22.41")  # fmt: skip


@pytest.fixture(autouse=True)
def _small_work(settings):  # type: ignore[no-untyped-def]
    settings.VOTE_POW_MAX = 500


def _answer() -> str:
    return pow.solve(pow.challenge_issue())


def _code_sent(phone: str = "0912345678") -> str:
    """The code as the outbox holds it (read from the message, as the voter reads her SMS)."""
    message = Message.objects.filter(kind="vote_code", phone=phone).latest("pk")
    assert message.context["code"] in message.short
    return str(message.context["code"])


# --- Proof of work ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_solved_challenge_is_taken_once() -> None:
    answer = _answer()
    assert pow.answer_check(answer)
    assert not pow.answer_check(answer)


@pytest.mark.django_db
def test_a_wrong_number_or_a_forged_signature_is_refused() -> None:
    challenge = pow.challenge_issue()
    answer = json.loads(base64.b64decode(pow.solve(challenge)))
    wrong = {**answer, "number": answer["number"] + 1}
    assert not pow.answer_check(base64.b64encode(json.dumps(wrong).encode()).decode())
    # A challenge of one's own making, "signed" without the server's key.
    forged = {**answer, "signature": "0" * 64}
    assert not pow.answer_check(base64.b64encode(json.dumps(forged).encode()).decode())
    assert not pow.answer_check("not base64 at all")
    assert not pow.answer_check("")


@pytest.mark.django_db
def test_an_expired_challenge_is_refused() -> None:
    old = pow.challenge_issue(now=time.time() - pow.SECONDS - 1)
    assert not pow.answer_check(pow.solve(old))


# --- Codes ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_code_goes_to_the_bare_number_through_notify(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    phone = voting.code_request(contest=contest, raw_phone="+84 912 345 678", answer=_answer(),
                                voter=VOTER)  # fmt: skip
    assert phone == "0912345678"
    message = Message.objects.get(kind="vote_code")
    assert (message.phone, message.member_id, message.user_id) == ("0912345678", None, None)
    assert message.channel == Channel.ZNS and message.channels == [Channel.SMS]
    assert message.province_id == cast.province.pk


@pytest.mark.django_db
def test_the_right_code_gives_a_pass_once(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    voting.code_request(contest=contest, raw_phone="0912345678", answer=_answer(), voter=VOTER)
    code = _code_sent()
    token = voting.code_confirm(contest=contest, raw_phone="0912345678", code=code, voter=VOTER)
    held = ballots.pass_read(token)
    assert held == ballots.Pass(contest.pk, "0912345678", VOTER.device)
    with pytest.raises(ValidationError, match="Vui lòng"):
        voting.code_confirm(contest=contest, raw_phone="0912345678", code=code, voter=VOTER)


@pytest.mark.django_db
def test_a_code_from_another_device_is_refused(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    voting.code_request(contest=contest, raw_phone="0912345678", answer=_answer(), voter=VOTER)
    other = voting.Voter("zzz999", VOTER.user_agent, VOTER.address)
    with pytest.raises(ValidationError):
        voting.code_confirm(contest=contest, raw_phone="0912345678", code=_code_sent(), voter=other)


def test_a_code_expires_after_ten_minutes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code = codes.code_issue(purpose="vote:1", phone="0912345678", data={"device": "d"})
    later = time.time() + codes.CODE_MINUTES * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert codes.code_take(purpose="vote:1", phone="0912345678", code=code) is None


def test_five_wrong_tries_spend_the_code() -> None:
    code = codes.code_issue(purpose="vote:1", phone="0912345678", data={"device": "d"})
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(codes.CODE_TRIES):
        assert codes.code_take(purpose="vote:1", phone="0912345678", code=wrong) is None
    assert codes.code_take(purpose="vote:1", phone="0912345678", code=code) is None


def test_a_code_is_for_its_own_purpose_and_phone() -> None:
    code = codes.code_issue(purpose="vote:1", phone="0912345678", data={"device": "d"})
    assert codes.code_take(purpose="vote:2", phone="0912345678", code=code) is None
    assert codes.code_take(purpose="vote:1", phone="0987654321", code=code) is None
    assert codes.code_take(purpose="vote:1", phone="0912345678", code=code) == {"device": "d"}


@pytest.mark.django_db
def test_no_code_without_a_fresh_proof_of_work(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    answer = _answer()
    voting.code_request(contest=contest, raw_phone="0912345678", answer=answer, voter=VOTER)
    with pytest.raises(ValidationError, match="Vui lòng"):
        voting.code_request(contest=contest, raw_phone="0912345679", answer=answer, voter=VOTER)
    assert Message.objects.filter(kind="vote_code").count() == 1


@pytest.mark.django_db
def test_no_code_outside_the_public_vote_or_to_a_bad_number(cast) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    later = timezone.now() + dt.timedelta(days=3)
    closed = make_voting_contest(cast.province, opens=later, closes=later + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="Vui lòng"):
        voting.code_request(contest=closed, raw_phone="0912345678", answer=_answer(), voter=VOTER)
    with pytest.raises(ValidationError, match="Vui lòng"):
        voting.code_request(contest=make_voting_contest(cast.province), raw_phone="12345",
                            answer=_answer(), voter=VOTER)  # fmt: skip
    assert not Message.objects.exists()


# --- Rate limits ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_phone_gets_three_codes_an_hour(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    for i in range(3):
        voter = voting.Voter(f"device{i}", "UA", f"10.0.{i}.1")
        voting.code_request(contest=contest, raw_phone="0912345678", answer=_answer(), voter=voter)
    with pytest.raises(ValidationError, match="Vui lòng thử lại sau"):
        voting.code_request(contest=contest, raw_phone="0912345678", answer=_answer(),
                            voter=voting.Voter("device9", "UA", "10.0.9.1"))  # fmt: skip


@pytest.mark.django_db
def test_a_device_gets_five_codes_an_hour_whatever_the_numbers(cast) -> None:  # type: ignore[no-untyped-def]
    contest = make_voting_contest(cast.province)
    for i in range(5):
        voting.code_request(contest=contest, raw_phone=f"091234560{i}", answer=_answer(),
                            voter=VOTER)  # fmt: skip
    with pytest.raises(ValidationError, match="Vui lòng thử lại sau"):
        voting.code_request(contest=contest, raw_phone="0912345609", answer=_answer(), voter=VOTER)


@pytest.mark.django_db
def test_a_network_is_limited_as_a_whole(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.VOTE_CODES_PER_NETWORK = 4
    contest = make_voting_contest(cast.province)
    # Four devices on one /24 (a café's Wi-Fi, one operator's block): the fifth waits.
    for i in range(4):
        voter = voting.Voter(f"device{i}", "UA", f"113.160.22.{10 + i}")
        voting.code_request(contest=contest, raw_phone=f"091234560{i}", answer=_answer(),
                            voter=voter)  # fmt: skip
    with pytest.raises(ValidationError, match="Vui lòng thử lại sau"):
        voting.code_request(contest=contest, raw_phone="0912345609", answer=_answer(),
                            voter=voting.Voter("device9", "UA", "113.160.22.200"))  # fmt: skip
    # Another network is not held back.
    voting.code_request(contest=contest, raw_phone="0912345609", answer=_answer(),
                        voter=voting.Voter("device9", "UA", "113.161.22.200"))  # fmt: skip


def test_networks_are_slash_24_and_slash_64() -> None:
    assert ballots.network_of("113.160.22.41") == "113.160.22.0/24"
    assert ballots.network_of("2001:ee0:4041:1234:a:b:c:d") == "2001:ee0:4041:1234::/64"
    assert ballots.network_of("nonsense") == ""


# --- The pass ---------------------------------------------------------------------------------


def test_a_pass_is_refused_when_altered_or_expired() -> None:
    token = ballots.pass_issue(3, "0912345678", "dev")
    assert ballots.pass_read(token) == ballots.Pass(3, "0912345678", "dev")
    assert ballots.pass_read(token.replace("0912345678", "0912345679")) is None
    assert ballots.pass_read(token.replace("3.", "4.", 1)) is None
    assert ballots.pass_read(token, now=time.time() + ballots.PASS_MINUTES * 60 + 1) is None
    assert ballots.pass_read("") is None
