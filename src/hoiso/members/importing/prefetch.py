"""Reading a folder's files ahead, in a process of their own, while this one checks and writes.

A province's import is a loop of read → check → write per file; the writes must stay one after
another (SQLite has one writer, and each file's check must see the members the files before it
wrote, for duplicates and new branches), but reading a file (calamine, the CSV decoder, the
old-font conversion) needs nothing from the database. So with `jobs` > 1 the next files are read
by `jobs − 1` worker processes, a few files ahead, while this process checks and writes the
current one: on a 2-core machine, reading costs no wall time at all.

The workers are started with `spawn` (fresh interpreters: no database connection is inherited,
nothing of the parent's state is shared), set Django up for the translations of the reader's
messages, and get the limits from this process (settings a test overrides are not seen there).
A worker's failure to read a file is raised here, for that file, as the same `UnreadableFile`;
a pool that breaks (a worker killed) leaves the remaining files to be read here.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType

from hoiso.core.sheets import Limits, Sheet, read

# Files read ahead of the one being checked, per worker: a file's rows are a few megabytes.
AHEAD = 2


def _start_worker() -> None:
    import django

    django.setup()


def _read(path: Path, limits: Limits) -> list[Sheet]:
    return read(path, limits=limits)


class Prefetcher:
    """The files of `paths`, read in order, ahead of their use when `jobs` > 1."""

    def __init__(self, paths: Sequence[Path], jobs: int) -> None:
        self.paths = list(paths)
        self.limits = Limits.from_settings()
        self.pending: dict[Path, Future[list[Sheet]]] = {}
        self.next = 0
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1 and len(self.paths) > 1:
            self.pool = ProcessPoolExecutor(
                max_workers=jobs - 1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
            self.ahead = AHEAD * (jobs - 1)

    def __enter__(self) -> Prefetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _fill(self, upto: int) -> None:
        assert self.pool is not None
        while self.next < min(upto, len(self.paths)):
            path = self.paths[self.next]
            self.pending[path] = self.pool.submit(_read, path, self.limits)
            self.next += 1

    def sheets(self, path: Path) -> list[Sheet]:
        """The sheets of `path` (one of `paths`), as `core.sheets.read` gives them."""
        if self.pool is None:
            return read(path, limits=self.limits)
        try:
            self._fill(self.paths.index(path) + 1 + self.ahead)
            future = self.pending.pop(path, None)
            if future is not None:
                return future.result()
        except BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
        return read(path, limits=self.limits)
