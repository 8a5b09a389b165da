"""Numbers under concurrent issuing: real threads, each with its own database connection,
issue documents of one unit at once; the numbers must come out 1…N, each once.

On PostgreSQL the threads share the test database. SQLite's test database lives in memory with
a shared cache, whose table locks answer at once instead of waiting, unlike the file (WAL, busy
timeout) the site runs on: there the test copies the database into a file and points the
threads' new connections at it, so they meet the same locking as web workers do.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection, connections

from hoiso.conftest import Cast
from hoiso.documents.models import Document
from hoiso.documents.tests.factories import issue

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, EACH = 4, 5


def _run_in_threads(work: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run() -> None:
        try:
            start.wait()
            work()
        except BaseException as e:  # reported in the test's own thread
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _numbers(unit_id: int) -> list[int]:
    rows = Document.objects.filter(unit_id=unit_id).values_list("number", flat=True)
    return sorted(rows)


def test_concurrent_issuing_numbers_without_gaps_or_repeats(
    cast: Cast, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor == "sqlite":
        file = tmp_path / "threads.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(file)
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        monkeypatch.setitem(connections.settings["default"], "NAME", str(file))

    def work() -> None:
        for _ in range(EACH):
            issue(cast.province, units=[cast.commune_a, cast.commune_b])

    found: list[list[int]] = []
    errors = _run_in_threads(work)
    # Read back through a connection of the same kind as the threads' (the file, on SQLite).
    reader = threading.Thread(
        target=lambda: (found.append(_numbers(cast.province.pk)), connections.close_all())
    )
    reader.start()
    reader.join()
    assert errors == []
    assert found == [list(range(1, THREADS * EACH + 1))]
