"""Running the same work in several threads at once, for the tests of concurrent
writers (screening decisions, risk-of-bias judgements, whole-review writes, the web
app): each thread gets its name and a barrier shared by all, to start steps together."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence


def run_together(
    work: Callable[[str, threading.Barrier], None], names: Sequence[str], timeout: float = 120
) -> list[BaseException]:
    """``work(name, barrier)`` in one thread per name; what the threads raised."""
    barrier = threading.Barrier(len(names))
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            work(name, barrier)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return errors
