"""Reading and writing a whole review; every write is one transaction."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import sqlalchemy as sa

from .. import model
from .._fields import from_plain, kinds, to_plain
from ..errors import StoreError
from .engine import current_revision, head_revision, make_engine, migrate
from .tables import ACCOUNTS, FILES, SPECS, TABLES, TableSpec, is_child_list, metadata


class Store:
    """Persistence for one review (one database holds one review)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        store = cls(make_engine(url))
        if migrate_schema:
            store.migrate()
        return store

    def migrate(self) -> None:
        migrate(self.engine)

    def needs_migration(self) -> bool:
        return current_revision(self.engine) != head_revision()

    def dispose(self) -> None:
        self.engine.dispose()

    # --- writing ---------------------------------------------------------------

    def replace(self, data: model.ReviewData, files: Mapping[str, bytes] | None = None) -> None:
        """Make the database hold exactly ``data`` (and the full texts' ``files``, by
        SHA-256): all or nothing."""
        self.update(lambda _: data, read=False, files=files)

    def update(
        self,
        change: Callable[[model.ReviewData], model.ReviewData],
        *,
        read: bool = True,
        files: Mapping[str, bytes] | None = None,
    ) -> model.ReviewData:
        """Read the review, apply ``change`` and store its result, in one transaction.

        The writer's lock is taken first (:func:`_lock_writer`), so a read-modify-write
        never overwrites what another user logged in between: it waits for them, and
        they for it.  ``change`` may raise to leave everything as it was.

        ``files`` are full texts' bytes by SHA-256, stored in the same transaction;
        afterwards every full text must have its file, and a file no full text names
        any more is deleted.
        """
        try:
            with self.engine.begin() as connection:
                _lock_writer(connection)
                data = change(self._read(connection) if read else _EMPTY)
                for table in reversed(metadata.sorted_tables):
                    if table.name in TABLES:
                        connection.execute(table.delete())
                for spec in _insert_order():
                    rows = list(_rows(spec, data))
                    if rows:
                        connection.execute(TABLES[spec.name].insert(), rows)
                _keep_files(connection, files or {})
        except sa.exc.IntegrityError as exc:
            raise StoreError(
                f"the database refused the review, nothing was changed: {exc.orig}",
                hint="check the review for duplicate or dangling identifiers",
            ) from None
        return data

    def change_accounts(
        self, change: Callable[[list[model.Account]], list[model.Account]]
    ) -> list[model.Account]:
        """Read the team's accounts, apply ``change`` and store its result, in one
        transaction under the writer's lock (``change`` may raise to keep them)."""
        with self.engine.begin() as connection:
            _lock_writer(connection)
            accounts = change(_accounts(connection))
            connection.execute(ACCOUNTS.delete())
            if accounts:
                rows = [dataclasses.asdict(a) | {"position": i} for i, a in enumerate(accounts)]
                connection.execute(ACCOUNTS.insert(), rows)
        return accounts

    def accounts(self) -> list[model.Account]:
        """The team's accounts, in the order they were added."""
        with self.engine.connect() as connection:
            return _accounts(connection)

    # --- reading ---------------------------------------------------------------

    def append_decision(
        self,
        decision: model.Decision,
        check: Callable[[model.ReviewData], model.Decision | None],
    ) -> model.Decision:
        """Log one decision in one transaction, without rewriting the review.

        The writer's lock is taken first (:func:`_lock_writer`), so two reviewers
        deciding the same record at the same moment are serialised: ``check`` sees the
        other's decision, neither is lost, and each gets its own next ``sequence``.
        ``check`` raises to refuse, or returns a logged decision that ``decision``
        merely repeats, which is returned and nothing is written.
        """
        decisions = TABLES["decisions"]
        try:
            with self.engine.begin() as connection:
                _lock_writer(connection)
                already = check(self._read(connection))
                if already is not None:
                    return already
                last = connection.execute(
                    sa.select(sa.func.max(decisions.c.sequence), sa.func.max(decisions.c.position))
                ).one()
                logged = dataclasses.replace(decision, sequence=(last[0] or 0) + 1)
                position = (last[1] if last[1] is not None else -1) + 1
                connection.execute(decisions.insert(), [_row(_DECISIONS, position, logged)])
        except sa.exc.IntegrityError as exc:
            raise StoreError(f"the database refused the decision: {exc.orig}") from None
        return logged

    def file(self, sha256: str) -> bytes | None:
        """A full text's bytes, by the SHA-256 its :class:`model.FullText` names."""
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.select(FILES.c.content).where(FILES.c.sha256 == sha256)
            ).scalar_one_or_none()
        return None if found is None else bytes(found)

    def read(self) -> model.ReviewData:
        with self.engine.connect() as connection:
            return self._read(connection)

    def _read(self, connection: sa.Connection) -> model.ReviewData:
        plain = {spec.name: _select(connection, spec) for spec in SPECS}
        if not plain["review"]:
            raise StoreError("the database holds no review", hint="run 'sysreview load BUNDLE'")
        protocol = plain["protocol"][0] if plain["protocol"] else {}
        protocol.update(
            criteria=plain["criteria"], outcomes=plain["outcomes"], comparisons=plain["comparisons"]
        )
        rows_by_table: dict[str, list[dict[str, Any]]] = {}
        for row in plain["sof_rows"]:
            rows_by_table.setdefault(row.pop("sof_table"), []).append(row)
        for table in plain["sof_tables"]:
            table["rows"] = rows_by_table.get(table["id"], [])
        values: dict[str, Any] = {}
        for spec in SPECS:
            if spec.parent is not None or "." in spec.path:
                continue
            rows = plain[spec.name]
            if spec.single:
                values[spec.path] = from_plain(spec.cls, rows[0]) if rows else None
            else:
                values[spec.path] = tuple(from_plain(spec.cls, row) for row in rows)
        values["protocol"] = from_plain(model.Protocol, protocol)
        return model.ReviewData(**values)

    def counts(self) -> dict[str, int]:
        """Rows per table (what is stored, not what the review reports)."""
        with self.engine.connect() as connection:
            return {
                name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in TABLES.items()
            }

    def is_empty(self) -> bool:
        return all(n == 0 for n in self.counts().values())


#: the PostgreSQL advisory lock every writer of a review's database holds
WRITER_LOCK = 0x5359_5352_4556  # "SYSREV"


def _lock_writer(connection: sa.Connection) -> None:
    """One writer at a time, taken before reading, so a read-modify-write cannot
    interleave with another writer's.  Readers are never blocked.

    SQLite: ``BEGIN IMMEDIATE`` (it has no row locks, and its default transactions
    only lock at the first write).  PostgreSQL: a transaction-scoped advisory lock.
    A row lock would not do: a whole-review write deletes and re-inserts every row,
    so a writer waiting on the old row would find it gone and go on unlocked.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITER_LOCK)))


_EMPTY = model.ReviewData(review=model.ReviewInfo(id="", title=""))
_DECISIONS = next(spec for spec in SPECS if spec.name == "decisions")


def _accounts(connection: sa.Connection) -> list[model.Account]:
    query = sa.select(ACCOUNTS).order_by(ACCOUNTS.c.position)
    rows = connection.execute(query).mappings()
    return [model.Account(**{k: v for k, v in row.items() if k != "position"}) for row in rows]


def _keep_files(connection: sa.Connection, files: Mapping[str, bytes]) -> None:
    """Store the new files, drop those no full text names, and make sure every full
    text has its file (inside the caller's transaction)."""
    named = sa.select(TABLES["fulltexts"].c.sha256).where(TABLES["fulltexts"].c.sha256.is_not(None))
    held = set(connection.execute(sa.select(FILES.c.sha256)).scalars())
    wanted = set(connection.execute(named).scalars())
    new = [{"sha256": k, "content": v} for k, v in files.items() if k in wanted and k not in held]
    if new:
        connection.execute(FILES.insert(), new)
    if held - wanted:
        connection.execute(FILES.delete().where(FILES.c.sha256.in_(sorted(held - wanted))))
    missing = sorted(wanted - held - set(files))
    if missing:
        raise StoreError(
            f"no file for the full text with SHA-256 {missing[0]}, nothing was changed",
            hint="add the full text's file again",
        )


def _insert_order() -> list[TableSpec]:
    order = {table.name: i for i, table in enumerate(metadata.sorted_tables)}
    return sorted(SPECS, key=lambda spec: order[spec.name])


def _objects(spec: TableSpec, data: model.ReviewData) -> Iterator[tuple[int, Any, str | None]]:
    """(position, object, parent id) for the objects a table holds."""
    if spec.parent is not None:
        outer, inner = spec.path.split("[].")
        for parent in getattr(data, outer):
            for position, obj in enumerate(getattr(parent, inner)):
                yield position, obj, parent.id
        return
    holder: Any = data
    for part in spec.path.split("."):
        holder = getattr(holder, part)
    if spec.single:
        if holder is not None:
            yield 0, holder, None
        return
    for position, obj in enumerate(holder):
        yield position, obj, None


def _rows(spec: TableSpec, data: model.ReviewData) -> Iterator[dict[str, Any]]:
    for position, obj, parent in _objects(spec, data):
        yield _row(spec, position, obj, parent)


def _row(spec: TableSpec, position: int, obj: Any, parent: str | None = None) -> dict[str, Any]:
    """One object as its table's row (nested dataclasses flattened to ``a__b``)."""
    plain = to_plain(obj)
    row: dict[str, Any] = {c.name: None for c in TABLES[spec.name].columns if c.name != "pk"}
    row["position"] = position
    if spec.parent_field is not None:
        row[spec.parent_field] = parent
    for name, kind in kinds(spec.cls).items():
        if is_child_list(kind) or name not in plain:
            continue
        if kind.base == "dataclass":
            for sub, value in plain[name].items():
                row[f"{name}__{sub}"] = value
        else:
            row[name] = plain[name]
    return row


def _select(connection: sa.Connection, spec: TableSpec) -> list[dict[str, Any]]:
    table = TABLES[spec.name]
    order = [table.c[spec.parent_field]] if spec.parent_field else []
    result = connection.execute(sa.select(table).order_by(*order, table.c.position, table.c.pk))
    rows = []
    spec_kinds = kinds(spec.cls)
    for raw in result.mappings():
        row: dict[str, Any] = {}
        nested: dict[str, dict[str, Any]] = {}
        for column, value in raw.items():
            if column in ("pk", "position") or value is None:
                continue
            if "__" in column:
                field, sub = column.split("__", 1)
                nested.setdefault(field, {})[sub] = value
            else:
                row[column] = value
        for field, sub_values in nested.items():
            row[field] = sub_values
        for name, kind in spec_kinds.items():
            if kind.base == "dataclass" and not kind.optional and name not in row:
                row[name] = {}
        rows.append(row)
    return rows
