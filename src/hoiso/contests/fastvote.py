"""The vote endpoint, `POST /v/<contest>/<entry>`, served in front of Django's middleware.

When a whole province votes in the last hour, each vote must cost little: this path reads no
session and no cookie and renders no template. What makes it safe without them:
- the voter's proof is a pass signed by the server (`ballots.pass_issue`, after her code), sent
  in a header (`X-Vote-Pass`) that another site's form or link cannot set: no cookie rides along,
  so there is nothing for cross-site request forgery to borrow;
- the request must come from this site's own pages (`Origin` is this host, or a trusted origin),
  to this site's host (ALLOWED_HOSTS), over https when the site is;
- the pass names the contest and the device it was issued to.

Writes are grouped: each worker process has one collector thread that takes every vote waiting,
writes them with one statement (`ballots.ballots_write`), and only after that commit answers
each request. While one batch commits, the next gathers, so a busy minute costs a few hundred
commits, not one per vote, and an entry's count row is updated once per batch instead of being
fought over by every vote.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext, override

from hoiso.contests import ballots
from hoiso.contests.ballots import Ballot, Outcome

log = logging.getLogger(__name__)
PREFIX = "/v/"
_PATH = re.compile(r"/v/(\d{1,12})/(\d{1,12})/?")
BATCH_MOST = 1000
WAIT_SECONDS = 15.0

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _Waiter:
    """A request waiting for its batch: a lock held from the start and released by the
    collector (lighter than an Event, which is a condition and two locks)."""

    __slots__ = ("ballot", "done")

    def __init__(self, ballot: Ballot) -> None:
        self.ballot = ballot
        self.done = threading.Lock()
        self.done.acquire()


class Collector:
    """One thread per process that writes the waiting votes in batches (group commit)."""

    def __init__(self, write: Callable[[list[Ballot]], None] | None = None) -> None:
        self._write = write or ballots.ballots_write
        self._queue: queue.SimpleQueue[_Waiter | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pid = 0
        self._thread: threading.Thread | None = None

    def submit(self, ballot: Ballot, timeout: float = WAIT_SECONDS) -> bool:
        """Queue the ballot and wait until its batch is committed (or failed); False on timeout."""
        self._start()
        waiter = _Waiter(ballot)
        self._queue.put(waiter)
        return waiter.done.acquire(timeout=timeout)

    def stop(self) -> None:
        """End this process's collector thread once the votes before are written (tests)."""
        if self._pid == os.getpid() and self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=WAIT_SECONDS)
            self._pid, self._thread = 0, None

    def _start(self) -> None:
        # Started in each worker process (after gunicorn's fork), once.
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._thread = threading.Thread(
                        target=self._run, name="vote-collector", daemon=True
                    )
                    self._thread.start()
                    self._pid = os.getpid()

    def _take(self, held: list[_Waiter]) -> tuple[list[_Waiter], list[_Waiter], bool]:
        """The next batch, what waits for the one after (a phone's second vote in the same
        batch goes to the next, so that the database decides between them, in order), and
        whether to stop after it."""
        waiting = held or []
        stop = False
        while len(waiting) < BATCH_MOST:
            try:
                got = self._queue.get_nowait() if waiting else self._queue.get()
            except queue.Empty:
                break
            if got is None:
                stop = True
                break
            waiting.append(got)
        batch, later, seen = [], [], set()
        for w in waiting:
            key = (w.ballot.contest_id, w.ballot.phone)
            (later if key in seen else batch).append(w)
            seen.add(key)
        return batch, later, stop

    def _run(self) -> None:
        held: list[_Waiter] = []
        while True:
            batch, held, stop = self._take(held)
            if stop and not batch and not held:
                connection.close()
                return
            try:
                if batch:
                    self._write([w.ballot for w in batch])
            except Exception:
                log.exception("writing %d votes failed", len(batch))
                for w in batch:
                    w.ballot.outcome = ""
                connection.close()  # a broken connection is opened afresh for the next batch
            for w in batch:
                w.done.release()
            if stop:
                self._queue.put(None)  # after the votes held over for the next batch


collector = Collector()


def _messages() -> dict[str, str]:
    with override("vi"):
        return {
            Outcome.COUNTED: gettext("Thank you: your vote is counted."),
            Outcome.ALREADY: gettext(
                "This phone number has already voted for this entry. Please come back when "
                "the contest's rules allow another vote."
            ),
            Outcome.CLOSED: gettext(
                "The public vote of this contest is not open now. Please check its dates."
            ),
            Outcome.REFUSED: gettext("This entry takes no votes. Please choose another entry."),
            "pass": gettext("Please confirm your phone number again to vote."),
            "origin": gettext("Please vote from the contest's page."),
            "busy": gettext("Too many votes at once. Please try again in a moment."),
        }


_said: dict[str, str] = {}
_STATUS = {
    Outcome.COUNTED: "200 OK",
    Outcome.ALREADY: "409 Conflict",
    Outcome.CLOSED: "403 Forbidden",
    Outcome.REFUSED: "404 Not Found",
    "pass": "403 Forbidden",
    "origin": "403 Forbidden",
    "busy": "503 Service Unavailable",
}


def _reply(start_response: StartResponse, what: str, votes: int | None = None) -> list[bytes]:
    if not _said:
        _said.update(_messages())
    body: dict[str, Any] = {"ok": what == Outcome.COUNTED, "message": _said[what]}
    if votes is not None:
        body["votes"] = votes
    data = json.dumps(body, ensure_ascii=False).encode()
    start_response(
        _STATUS[what],
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
    )
    return [data]


_hosts: dict[str, bool] = {}


def _allowed(host: str) -> bool:
    if host not in _hosts:
        if len(_hosts) > 100:
            _hosts.clear()  # someone sending made-up hosts fills nothing
        domain, _port = split_domain_port(host)
        _hosts[host] = bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)
    return _hosts[host]


def same_origin(environ: dict[str, Any]) -> bool:
    """The request is to this site's host and comes from this site's pages."""
    host = environ.get("HTTP_HOST", "")
    if not _allowed(host):
        return False
    if settings.HTTPS and environ.get("HTTP_X_FORWARDED_PROTO", "") != "https":
        return False
    scheme = "https" if settings.HTTPS else environ.get("wsgi.url_scheme", "http")
    origin = environ.get("HTTP_ORIGIN", "")
    return origin == f"{scheme}://{host}" or origin in settings.CSRF_TRUSTED_ORIGINS


def vote(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """Count one vote of a confirmed phone, or say why not."""
    match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
    if match is None or environ.get("REQUEST_METHOD") != "POST":
        start_response("405 Method Not Allowed", [("Allow", "POST"), ("Content-Length", "0")])
        return [b""]
    if not same_origin(environ):
        return _reply(start_response, "origin")
    contest_id, entry_id = int(match[1]), int(match[2])
    held = ballots.pass_read(environ.get("HTTP_X_VOTE_PASS", ""))
    device = ballots.device_of(
        environ.get("HTTP_X_VOTE_DEVICE", ""), environ.get("HTTP_USER_AGENT", "")
    )
    if held is None or held.contest_id != contest_id or held.device != device:
        return _reply(start_response, "pass")
    network = ballots.network_of(environ.get("REMOTE_ADDR", ""))
    ballot = Ballot(contest_id, entry_id, held.phone, network, device)
    if not collector.submit(ballot) or not ballot.outcome:
        return _reply(start_response, "busy")
    return _reply(start_response, ballot.outcome, ballot.votes)


def with_fast_votes(django_app: WSGIApp) -> WSGIApp:
    """Django's application with the vote endpoint in front of it."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(PREFIX):
            return vote(environ, start_response)
        return django_app(environ, start_response)

    return application
