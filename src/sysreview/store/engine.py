"""Engines and migrations: a SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ..errors import MissingExtra, StoreError

MIGRATIONS = Path(__file__).parent / "migrations"


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean the psycopg 3 driver here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> sa.Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise MissingExtra("postgres", "psycopg") from None
        return sa.create_engine(url, pool_pre_ping=True)
    if parsed.get_backend_name() != "sqlite":
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r}",
            hint="use a SQLite file or a postgresql:// URL",
        )
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _enforce_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    sa.event.listen(engine, "handle_error", _damaged_file)
    return engine


def _damaged_file(context: sa.engine.ExceptionContext) -> None:
    """A SQLite file that is not a database, or a damaged one, as a ``StoreError``
    naming the file: whatever statement meets it first (the migration's ``BEGIN``,
    a read), the user sees one line, not the driver's traceback.

    Only the driver's bare ``DatabaseError`` (SQLITE_NOTADB, SQLITE_CORRUPT) is
    turned; its subclasses (locked, constraint failed ...) go to their own handlers.
    """
    error = context.original_exception
    if type(error) is not sqlite3.DatabaseError or context.engine is None:
        return
    database = context.engine.url.database or "?"
    raise StoreError(
        f"the database {database} is damaged or is not a SQLite database ({error})",
        hint="restore it from a backup, or load an exported bundle into a new review "
        "('sysreview init', then 'sysreview load')",
    ) from None


def _alembic_config(connection: sa.Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


#: Alembic keeps its migration context in module state: one migration at a time per
#: process (two screeners' threads opening one review must not race).
_MIGRATING = threading.Lock()


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` in one transaction.

    SQLite alters a table by copying it, dropping the old one and renaming the copy
    (Alembic's batch mode).  With foreign keys enforced, dropping a table that other
    rows refer to (reports, which outcome data names) counts violations the rename
    never clears, and the commit fails.  So on SQLite the migration runs with foreign
    keys off, as Alembic's documentation advises, and checks them all before it commits;
    and in an explicit transaction, since the driver would run the DDL outside one and
    a failed migration would leave the schema half changed.
    """
    from alembic import command

    try:
        with _MIGRATING, engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:  # outside any transaction, or SQLite ignores it
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()
            try:
                with connection.begin():
                    if sqlite:  # pysqlite begins only before DML: DDL would autocommit
                        connection.exec_driver_sql("BEGIN IMMEDIATE")
                    command.upgrade(_alembic_config(connection), revision)
                    if sqlite:
                        _check_foreign_keys(connection)
            finally:
                if sqlite:
                    connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                    connection.commit()
    except sa.exc.OperationalError as exc:
        raise StoreError(
            f"cannot reach or migrate the database at {_safe(engine)}: {exc.orig}",
            hint="check the URL in sysreview.yaml and that the server is running",
        ) from None


def _check_foreign_keys(connection: sa.Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise StoreError(
            f"migrating would leave {len(broken)} rows pointing nowhere (first: {table} row "
            f"{rowid} -> {parent}); nothing was changed",
        )


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        revision: str | None = MigrationContext.configure(connection).get_current_revision()
        return revision


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    with sa.create_engine("sqlite://").connect() as connection:
        script = ScriptDirectory.from_config(_alembic_config(connection))
        head: str | None = script.get_current_head()
        return head


def _safe(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
