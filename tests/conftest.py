"""Shared fixtures: example bundle, shared data, and a database per test on SQLite
and (when reachable) PostgreSQL.

PostgreSQL tests use SYSREVIEW_TEST_PG_URL (default: the local server at
127.0.0.1:5432, user postgres, trust auth).  Unreachable, they skip with a reason --
except under CI=true, where they fail: CI must test both databases.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "niph-rehab"
SHARED = ROOT.parent / "shared"
PG_ADMIN_URL = os.environ.get(
    "SYSREVIEW_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_unavailable_reason() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'sysreview[postgres]')"
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {str(exc).strip().splitlines()[0]}"


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    reason = _pg_unavailable_reason()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"sysreview_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(pg_admin_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(
        database=name
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database URL: a SQLite file, and a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture(scope="session")
def example_bundle() -> Path:
    return EXAMPLE


@pytest.fixture(autouse=True)
def _own_embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test gets an empty embedding cache, never the user's ~/.cache."""
    previous = os.environ.get("SYSREVIEW_CACHE_DIR")
    os.environ["SYSREVIEW_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("SYSREVIEW_CACHE_DIR", None)
    else:
        os.environ["SYSREVIEW_CACHE_DIR"] = previous
