"""Work that runs beside a page's script, so the page can keep drawing (an elapsed time, a Stop
button) while it waits.

Streamlit runs a page's script from top to bottom and can only interrupt it between two of its
calls: a query blocked in the engine's socket would hold the page until the engine answered. The
console therefore hands its query to a thread and polls the `Future`; a click on Stop reruns the
script, which simply stops waiting. The engine still ends that query at its own time limit, so a
stopped query never runs unbounded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def start(call: Callable[[], T], name: str) -> Future[T]:
    """Run `call` in a daemon thread of its own; the Future holds its value or its exception.

    A thread per call rather than a pool: a stopped query keeps its thread until the engine ends
    it, and must not hold up the next query behind it."""
    future: Future[T] = Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(call())
        except BaseException as exc:  # handed to whoever reads the Future, as `call` raised it
            future.set_exception(exc)

    threading.Thread(target=work, name=name, daemon=True).start()
    return future
