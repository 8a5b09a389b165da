"""A database busy for a moment: people get "busy, trying again", never a server error, and the
task worker waits and goes on."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django_tasks import task
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from hoiso.conftest import PASSWORD, Cast
from hoiso.core.management.commands.db_worker import SteadyWorker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'"),
]


@contextmanager
def locked() -> Iterator[sqlite3.Connection]:
    """Another process's long write: a second connection holding the write lock, having
    written to the users' table."""
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE accounts_user SET last_login = NULL")
    try:
        yield other
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_login_that_meets_a_locked_database_is_told_to_wait_and_sent_again(cast: Cast) -> None:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
    url = reverse("accounts:login")
    with locked():
        response = client.post(url, {"username": "hoa", "password": PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"] == "3"
    page = response.content.decode()
    assert "Hệ thống đang bận" in page
    # The form comes back with what she typed, to be sent again by itself.
    assert 'data-resend="3"' in page and 'name="username" value="hoa"' in page
    assert "hoiso/busy.js" in page
    # Once the write is over, the same request goes through.
    assert client.post(url, {"username": "hoa", "password": PASSWORD}).status_code == 302


def test_a_page_that_meets_a_locked_database_reloads_itself(cast: Cast) -> None:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
    client.login(username="hoa", password=PASSWORD)
    url = reverse("members:list", args=[cast.commune_a.code])
    with locked():
        response = client.get(url)
        fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 503 and 'http-equiv="refresh"' in response.content.decode()
    # htmx swaps only successful answers: a fragment that asks again after the delay.
    assert fragment.status_code == 200 and fragment["X-Hoiso-Busy"] == "1"
    body = fragment.content.decode()
    assert f'hx-get="{url}"' in body and "load delay:3s" in body and "đang bận" in body


@task()
def noted() -> str:
    return "done"


def test_the_task_worker_outlives_a_locked_database(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # type: ignore[attr-defined]
    result = noted.enqueue()
    worker = SteadyWorker(
        queue_names=["default"], interval=0.1, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    errors: list[BaseException] = []

    def run() -> None:
        try:
            worker.run()
        except BaseException as e:  # the plain worker ends here with "database is locked"
            errors.append(e)
        finally:
            connections.close_all()

    with locked() as other:
        other.execute("UPDATE django_tasks_database_dbtaskresult SET priority = priority")
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(1.5)
        assert thread.is_alive() and not errors  # waiting, not dead
    thread.join(30)
    assert not errors
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL
