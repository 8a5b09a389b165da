"""Data versions: what a metric declares it reads decides its caching; listeners hear of commits."""

from __future__ import annotations

import pytest

from hoiso.metrics import versions
from hoiso.metrics.registry import REGISTRY, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def metric_code():
    """A metric registered for one test, declaring that it reads posts (comms)."""
    code = "test.posts_read"
    register(code, "posts read", reads=("comms",))(lambda root, level, period: {})
    yield code
    del REGISTRY[code]


def test_it_keeps_a_value_until_an_area_the_metric_reads_changes(metric_code) -> None:
    assert versions.cached(metric_code, "k", 1, lambda: 5) == 5
    versions.bump("members", 1)  # not read: still cached
    assert versions.cached(metric_code, "k", 1, lambda: 6) == 5
    versions.bump("comms", 2)  # another province
    assert versions.cached(metric_code, "k", 1, lambda: 6) == 5
    versions.bump("comms", 1)
    assert versions.cached(metric_code, "k", 1, lambda: 7) == 7


def test_a_metric_that_declares_nothing_is_never_cached() -> None:
    code = "test.declares_nothing"
    register(code, "nothing declared")(lambda root, level, period: {})
    try:
        assert versions.cached(code, "k", 1, lambda: 1) == 1
        assert versions.cached(code, "k", 1, lambda: 2) == 2
    finally:
        del REGISTRY[code]


def test_it_refuses_reads_written_as_one_string() -> None:
    with pytest.raises(ValueError, match="reads"):
        register("test.bad_reads", "bad", reads="members")  # type: ignore[arg-type]
    assert "test.bad_reads" not in REGISTRY


def test_listeners_hear_of_a_bump_once_its_transaction_commits(
    django_capture_on_commit_callbacks,
) -> None:
    heard: list[int] = []
    versions.listen(heard.append)
    versions.listen(heard.append)  # added once however often
    try:
        with django_capture_on_commit_callbacks(execute=True):
            versions.bump("comms", 42)
            assert heard == []  # not before the commit
        assert heard == [42]
    finally:
        versions._listeners.remove(heard.append)
