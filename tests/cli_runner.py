"""Running ``sysreview`` commands on one review inside a test, as a user would."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from sysreview.cli import main

Run = Callable[..., tuple[int, str, str]]


def cli_on(
    review: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch | None = None
) -> Run:
    """``run(*args, stdin="")`` → (exit code, stdout, stderr) of ``sysreview --review
    REVIEW *args``; ``stdin`` needs ``monkeypatch``."""

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        if monkeypatch is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--review", str(review), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
