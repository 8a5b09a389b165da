"""How the daily reminder check runs: `serve` polls a Daily job that spawns the command."""

from hoiso.core.management.commands.serve import DAILY_SECONDS, Daily


def test_serve_runs_the_reminders_at_start_and_once_a_day():
    now = [1000.0]
    spawned: list[list[str]] = []
    job = Daily(["hoiso", "target_reminders"], clock=lambda: now[0], spawn=spawned.append)
    job.poll()
    assert spawned == [["hoiso", "target_reminders"]]
    now[0] += 3600
    job.poll()
    assert len(spawned) == 1
    now[0] += DAILY_SECONDS
    job.poll()
    job.poll()
    assert len(spawned) == 2
