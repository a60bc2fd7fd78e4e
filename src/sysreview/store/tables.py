"""The database schema, derived from the model so the two cannot drift.

One table per kind of object.  Rules (applied by ``_columns``):

- every table has ``pk`` (surrogate key) and ``position`` (order within its list);
- a field becomes a column of the same name: text -> TEXT, whole number -> INTEGER,
  number -> DOUBLE, flag -> BOOLEAN, lists and mappings -> JSON;
- a nested object (an analysis' reported result, a GRADE domain) is flattened into
  ``<field>__<subfield>`` columns;
- a list of nested objects (a SoF table's rows) is a child table whose rows name
  their parent's ``id`` in a column named after the parent;
- ``id`` is unique; fields in ``model.REFERENCES`` are foreign keys to ``<table>.id``,
  checked at commit (deferred), so a transaction may insert in any order.

Changing the model changes this metadata; a test compares it with what the Alembic
migrations build, so every change needs a migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .. import model
from .._fields import Kind, kinds

metadata = sa.MetaData(
    naming_convention={
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
    }
)


@dataclass(frozen=True)
class TableSpec:
    """Where a table's objects live in ``ReviewData`` and how they nest."""

    name: str
    cls: type
    path: str
    single: bool = False
    parent: str | None = None
    parent_field: str | None = None


SPECS: tuple[TableSpec, ...] = (
    TableSpec("review", model.ReviewInfo, "review", single=True),
    TableSpec("protocol", model.Protocol, "protocol", single=True),
    TableSpec("criteria", model.Criterion, "protocol.criteria"),
    TableSpec("outcomes", model.Outcome, "protocol.outcomes"),
    TableSpec("comparisons", model.Comparison, "protocol.comparisons"),
    TableSpec("searches", model.Search, "searches"),
    TableSpec("records", model.Record, "records"),
    TableSpec("decisions", model.Decision, "decisions"),
    TableSpec("fulltexts", model.FullText, "fulltexts"),
    TableSpec("duplicate_pairs", model.DuplicatePair, "duplicate_pairs"),
    TableSpec("prisma", model.PrismaCounts, "prisma", single=True),
    TableSpec("studies", model.Study, "studies"),
    TableSpec("reports", model.Report, "reports"),
    TableSpec("exclusions", model.Exclusion, "exclusions"),
    TableSpec("systematic_reviews", model.SystematicReview, "systematic_reviews"),
    TableSpec("risk_of_bias", model.RobAssessment, "risk_of_bias"),
    TableSpec("review_appraisals", model.ReviewAppraisal, "review_appraisals"),
    TableSpec("outcome_data", model.OutcomeData, "outcome_data"),
    TableSpec("extractions", model.Extraction, "extractions"),
    TableSpec("analyses", model.Analysis, "analyses"),
    TableSpec("certainty", model.CertaintyAssessment, "certainty"),
    TableSpec("grade_log", model.GradeJudgement, "grade_log"),
    TableSpec("sof_tables", model.SofTable, "sof_tables"),
    TableSpec(
        "sof_rows", model.SofRow, "sof_tables[].rows", parent="sof_tables", parent_field="sof_table"
    ),
    TableSpec("trends", model.TrendRow, "trends"),
    TableSpec("notes", model.Note, "notes"),
)

TABLE_OF_CLASS: dict[type, str] = {spec.cls: spec.name for spec in SPECS}


def is_child_list(kind: Kind) -> bool:
    """A list of nested objects: stored in a child table, not a column."""
    return kind.base == "tuple" and kind.item is not None and kind.item.base == "dataclass"


def _scalar_type(kind: Kind) -> sa.types.TypeEngine[Any]:
    base = kind.base
    if base in ("str", "literal"):
        return sa.Text()
    if base == "int":
        return sa.Integer()
    if base == "float":
        return sa.Double()
    if base == "bool":
        return sa.Boolean()
    return sa.JSON()


def _columns(spec: TableSpec) -> list[sa.Column[Any]]:
    columns: list[sa.Column[Any]] = [
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("position", sa.Integer, nullable=False),
    ]
    if spec.parent is not None:
        assert spec.parent_field is not None
        columns.append(
            sa.Column(
                spec.parent_field,
                sa.Text,
                sa.ForeignKey(f"{spec.parent}.id", ondelete="CASCADE"),
                nullable=False,
            )
        )
    for name, kind in kinds(spec.cls).items():
        if is_child_list(kind):
            continue
        if kind.base == "dataclass":
            assert kind.cls is not None
            for sub, sub_kind in kinds(kind.cls).items():
                columns.append(sa.Column(f"{name}__{sub}", _scalar_type(sub_kind), nullable=True))
            continue
        target = model.REFERENCES.get((spec.cls, name))
        constraints: list[sa.ForeignKey] = []
        if target is not None and kind.base != "tuple":
            constraints.append(
                sa.ForeignKey(f"{TABLE_OF_CLASS[target]}.id", deferrable=True, initially="DEFERRED")
            )
        columns.append(
            sa.Column(
                name,
                _scalar_type(kind),
                *constraints,
                nullable=kind.optional or kind.base in ("tuple", "dict"),
                unique=name == "id",
            )
        )
    return columns


TABLES: dict[str, sa.Table] = {
    spec.name: sa.Table(spec.name, metadata, *_columns(spec)) for spec in SPECS
}


#: The team's accounts (:class:`model.Account`): beside the review, not part of it, so
#: whole-review writes (which rewrite every table in ``TABLES``) leave them alone.
ACCOUNTS = sa.Table(
    "accounts",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
)

#: The full texts' bytes, by SHA-256 (a :class:`model.FullText` names its file's hash).
#: Beside the review like the accounts: whole-review writes rewrite the small
#: ``fulltexts`` rows, never the files; a file no full text names is deleted.
FILES = sa.Table(
    "fulltext_files",
    metadata,
    sa.Column("sha256", sa.Text, primary_key=True),
    sa.Column("content", sa.LargeBinary, nullable=False),
)
