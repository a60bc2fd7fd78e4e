"""PostgreSQL tests skip with a reason on a machine without the server, and fail
under CI=true, where both databases must be tested."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/postgres"


def _run_pg_test(ci: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYSREVIEW_TEST_PG_URL": UNREACHABLE, "CI": ci}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rs",
            "tests/test_store.py::test_round_trip",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("ci", ["", "false"])
def test_postgres_tests_skip_with_a_reason_outside_ci(ci: str) -> None:
    result = _run_pg_test(ci)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout
    assert "PostgreSQL not reachable at postgresql://postgres@127.0.0.1:1/postgres" in result.stdout


def test_postgres_tests_fail_under_ci_when_unreachable() -> None:
    result = _run_pg_test("true")
    assert result.returncode != 0
    assert "CI=true and PostgreSQL not reachable" in result.stdout
