"""ui.background: the console's query runs beside the page's script and hands back what it gave."""

from __future__ import annotations

import threading

import pytest

from ui import background


def test_the_value_comes_back_through_the_future():
    future = background.start(lambda: 6 * 7, name="test-value")
    assert future.result(timeout=5) == 42


def test_the_exception_comes_back_as_raised():
    def fail() -> None:
        raise ValueError("engine said no")

    future = background.start(fail, name="test-error")
    with pytest.raises(ValueError, match="engine said no"):
        future.result(timeout=5)


def test_the_page_does_not_wait_for_the_call():
    release = threading.Event()
    future = background.start(lambda: release.wait(5), name="test-wait")
    # Still running while the page goes on: the page only polls, and may stop polling (Stop).
    assert not future.done()
    release.set()
    assert future.result(timeout=5) is True


def test_a_stopped_query_does_not_keep_the_server_from_exiting():
    release = threading.Event()
    background.start(lambda: release.wait(5), name="test-daemon")
    (worker,) = [t for t in threading.enumerate() if t.name == "test-daemon"]
    assert worker.daemon
    release.set()
