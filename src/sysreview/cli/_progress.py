"""A progress bar on stderr for long work, silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

Update = Callable[[str, int, int], None]
"""update(label, done, total): the bar appears on the first call, with that label."""


@contextmanager
def progress_bar() -> Iterator[Update]:
    state: dict[str, Any] = {}
    if not sys.stderr.isatty():
        yield lambda label, done, total: None
        return

    def update(label: str, done: int, total: int) -> None:
        if "bar" not in state:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"], state["done"] = bar.__enter__(), 0
        state["bar"].update(done - state["done"])
        state["done"] = done

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)
