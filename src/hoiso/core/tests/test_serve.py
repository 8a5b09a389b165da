"""`serve`'s supervisor with real child processes: a child that dies is started again, one that
keeps dying waits longer each time, and only a stop request ends the others."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from hoiso.core.management.commands.serve import Child, Supervisor, banners

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
QUITTER = [sys.executable, "-c", "raise SystemExit(3)"]


def _until(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_killed_worker_is_started_again_and_the_web_server_keeps_running():
    web = Child("web", SLEEPER, first_pause=0.1)
    worker = Child("worker", SLEEPER, first_pause=0.1)
    supervisor = Supervisor([web, worker])
    runner = threading.Thread(target=supervisor.run, kwargs={"interval": 0.05})
    runner.start()
    try:
        _until(lambda: web.proc is not None and worker.proc is not None)
        assert worker.proc is not None and web.proc is not None
        first, web_pid = worker.proc.pid, web.proc.pid
        os.kill(first, signal.SIGKILL)
        _until(lambda: worker.proc is not None and worker.proc.pid != first)
        assert worker.proc is not None and worker.proc.poll() is None
        assert worker.starts == 2
        # The other child was left alone.
        assert web.proc.pid == web_pid and web.proc.poll() is None
        os.kill(web_pid, signal.SIGKILL)  # gunicorn's master dying is no end either
        _until(lambda: web.proc is not None and web.proc.pid != web_pid)
    finally:
        supervisor.stop()
        runner.join(timeout=30)
    assert not runner.is_alive()
    # Stopping ends every child.
    assert all(c.proc is not None and c.proc.poll() is not None for c in (web, worker))


def test_a_crash_loop_waits_longer_each_time_instead_of_spinning():
    crashing = Child("worker", QUITTER, first_pause=0.2, longest_pause=0.8, settled=60)
    supervisor = Supervisor([crashing])
    runner = threading.Thread(target=supervisor.run, kwargs={"interval": 0.02})
    started = time.monotonic()
    runner.start()
    try:
        _until(lambda: crashing.starts >= 4)
    finally:
        supervisor.stop()
        runner.join(timeout=30)
    # Pauses of 0.2, 0.4 and 0.8 s came between the four starts: no spinning.
    assert time.monotonic() - started >= 1.4
    assert crashing.pause == 0.8  # and they stop growing at the longest pause


def test_a_child_that_ran_a_good_while_is_started_again_after_the_first_pause():
    now = [0.0]
    child = Child("worker", QUITTER, first_pause=1, longest_pause=60, settled=30,
                  clock=lambda: now[0])  # fmt: skip
    child.start()
    assert child.proc is not None
    child.proc.wait()
    for _ in range(3):  # three quick deaths: 1, 2 and 4 s of pause
        child.poll()
        now[0] = child.restart_at or now[0]
        child.poll()
        assert child.proc is not None
        child.proc.wait()
    assert child.pause == 8
    now[0] += 100  # this time it had run long enough
    child.poll()
    assert child.restart_at == now[0] + 1


@pytest.mark.django_db
def test_it_says_nothing_of_a_demo_that_is_not_loaded():
    # The demo's logins come through its AppConfig (demo/tests has the loaded case).
    assert banners() == []
