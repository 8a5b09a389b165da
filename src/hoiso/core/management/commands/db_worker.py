"""django-tasks-db's worker, made to outlive a locked database.

Its loop takes the next task in an EXCLUSIVE transaction whose BEGIN is outside its own guard:
on SQLite, a write holding the database past the busy timeout ended the worker with
"database is locked" (and `serve` with it). Here the worker waits and goes on instead.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands import db_worker as base

from hoiso.core.busy import is_locked

log = logging.getLogger(__name__)


class SteadyWorker(base.Worker):
    def run(self) -> None:
        while True:
            try:
                super().run()
                return
            except OperationalError as e:
                if not is_locked(e) or not self.running:
                    raise
                log.warning("the database is locked; the task worker waits and goes on")
                close_old_connections()
                time.sleep(1)


class Command(base.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        # The base command builds its worker by this module-level name.
        base.Worker = SteadyWorker  # type: ignore[misc]
        super().handle(*args, **options)
