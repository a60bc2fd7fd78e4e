"""The store on SQLite and PostgreSQL: round trip, transactions, migrations."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from sysreview import StoreError, model
from sysreview.bundle import render_bundle
from sysreview.store import Store
from sysreview.store.tables import metadata

from .factories import small_review
from .parallel import run_together


def test_round_trip(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        data = small_review()
        store.replace(data)
        assert store.read() == data
        assert render_bundle(store.read()) == render_bundle(data)
    finally:
        store.dispose()


def test_replace_is_all_or_nothing(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        data = small_review()
        store.replace(data)
        before = store.counts()
        # A duplicate id reaches the database only if the caller skipped the checks:
        # the unique constraint refuses it halfway through the inserts.
        broken = model.replace(data, notes=(*data.notes, data.notes[0]))
        with pytest.raises(StoreError, match="nothing was changed"):
            store.replace(broken)
        assert store.counts() == before
        assert store.read() == data
    finally:
        store.dispose()


def test_dangling_foreign_key_is_refused_at_commit(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        data = small_review()
        store.replace(data)
        bad_report = model.replace(data.reports[0], study="nobody")
        with pytest.raises(StoreError):
            store.replace(model.replace(data, reports=(bad_report,)))
        assert store.read() == data
    finally:
        store.dispose()


def test_migrations_build_the_model_schema(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        assert not store.needs_migration()
        with store.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, metadata)
        assert diff == [], "the model changed without a migration: add one in store/migrations"
    finally:
        store.dispose()


def test_migrate_twice_is_harmless(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        store.migrate()
        assert store.is_empty()
    finally:
        store.dispose()


def test_reading_an_empty_database_says_so(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        with pytest.raises(StoreError, match="holds no review"):
            store.read()
    finally:
        store.dispose()


def test_unreachable_database_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot reach"):
        Store.open("postgresql://nobody@127.0.0.1:1/none")


def test_sqlite_enforces_foreign_keys(tmp_path: object) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/x.db")
    try:
        with store.engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
    finally:
        store.dispose()


def test_postgres_without_its_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from sysreview import MissingExtra

    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingExtra) as err:
        Store.open("postgresql://postgres@127.0.0.1:5432/postgres")
    assert err.value.hint == "pip install 'sysreview[postgres]'"


def test_an_older_database_is_migrated_with_its_data(db_url: str) -> None:
    """A review stored at revision 0001 opens under the current schema, data intact."""
    from sysreview.store.engine import make_engine, migrate

    old = make_engine(db_url)
    migrate(old, "0001")
    with old.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO review (position, id, title, language) VALUES (0, 'r', 'T', 'en')")
        )
        connection.execute(sa.text("INSERT INTO records (position, id, title, authors, keywords) "
                                   "VALUES (0, 'x', 'A trial', '[]', '[]')"))  # fmt: skip
    old.dispose()
    store = Store.open(db_url)
    try:
        assert not store.needs_migration()
        data = store.read()
        assert data.records == (model.Record("x", None, title="A trial"),)
    finally:
        store.dispose()


def test_concurrent_whole_review_writers_wait_for_each_other(db_url: str) -> None:
    """Two writers each adding notes by read-modify-write, at the same moments: every
    note lands (none overwritten) and no deadlock, although each write deletes and
    re-inserts every row."""
    first = Store.open(db_url)
    first.replace(small_review())
    first.dispose()

    def write(who: str, barrier: threading.Barrier) -> None:
        store = Store.open(db_url)
        try:
            barrier.wait(timeout=30)
            for i in range(8):
                note = model.Note(id=f"{who}{i}", subject="test", text=who)
                store.update(lambda data, n=note: model.replace(data, notes=(*data.notes, n)))
        finally:
            store.dispose()

    assert run_together(write, ("a", "b")) == []
    store = Store.open(db_url)
    try:
        ids = {n.id for n in store.read().notes}
        assert {f"{w}{i}" for w in "ab" for i in range(8)} <= ids
    finally:
        store.dispose()


def _at(db_url: str, revision: str) -> sa.Engine:
    """A database at an older ``revision`` holding a study, its report and outcome data
    that names the report (what the reports table's batch migration must keep)."""
    from sysreview.store.engine import make_engine, migrate

    old = make_engine(db_url)
    migrate(old, revision)
    with old.begin() as connection:
        for sql in (
            "INSERT INTO review (position, id, title, language) VALUES (0, 'r', 'T', 'en')",
            "INSERT INTO outcomes (position, id, name, kind, direction, importance, priority) "
            "VALUES (0, 'rtw', 'Return to work', 'dichotomous', 'higher_is_better', 'critical', "
            "'primary')",
            "INSERT INTO studies (position, id, label, status) VALUES (0, 's', 'S', 'included')",
            "INSERT INTO reports (position, id, study, citation, main) "
            "VALUES (0, 'p', 's', 'S 2010', true)",
            "INSERT INTO outcome_data (position, id, study, outcome, data_type, report) "
            "VALUES (0, 'o', 's', 'rtw', 'narrative', 'p')",
        ):
            connection.execute(sa.text(sql))
    return old


def test_tables_other_rows_refer_to_are_migrated_with_their_rows(db_url: str) -> None:
    """0011 rebuilds the reports table on SQLite; outcome data names a report, which
    with foreign keys enforced made the commit fail (seen migrating the example)."""
    _at(db_url, "0009").dispose()
    store = Store.open(db_url)
    try:
        data = store.read()
        assert [(r.id, r.study, r.record) for r in data.reports] == [("p", "s", None)]
        assert [o.report for o in data.outcome_data] == ["p"]
        assert data.protocol.amstar2_critical == (2, 4, 7, 9, 11, 13, 15)
    finally:
        store.dispose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # PostgreSQL's DDL is transactional
def test_a_failed_migration_changes_nothing(db_url: str) -> None:
    from sysreview.errors import StoreError

    old = _at(db_url, "0009")
    with old.connect() as connection:  # a row pointing nowhere, written around the check
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql(
            "INSERT INTO outcome_data (position, id, study, outcome, data_type, report) "
            "VALUES (1, 'o2', 's', 'rtw', 'narrative', 'gone')"
        )
        connection.commit()
    with pytest.raises(StoreError, match="pointing nowhere"):
        Store.open(db_url)
    with old.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == "0009"
        columns = {c["name"] for c in sa.inspect(connection).get_columns("protocol")}
        assert "amstar2_critical" not in columns  # 0010 rolled back with the rest
    old.dispose()


def test_a_review_whose_database_went_missing_is_not_recreated_empty(tmp_path: Path) -> None:
    """The CLI and the team server open reviews through Review.open: a moved or
    deleted review.db is named, never silently replaced by an empty database."""
    from sysreview import Review

    Review.init(tmp_path / "rev").close()
    (tmp_path / "rev" / "review.db").unlink()
    with pytest.raises(StoreError, match=r"database .*review\.db is missing"):
        Review.open(tmp_path / "rev")
    assert not (tmp_path / "rev" / "review.db").exists()
    Review.open(tmp_path / "rev", create_database=True).close()  # loading a bundle into it
    assert (tmp_path / "rev" / "review.db").is_file()
