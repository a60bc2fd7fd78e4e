"""``sysreview extract``: outcome data entered by two people, then agreed: add, status,
show, conflicts, settle.  Each value has its own option (``--events-1 60 --n-1 66``;
``_1`` is the intervention arm, ``_2`` the control arm); numbers may have a decimal
comma."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from .. import extraction
from . import review_commands

_KEYS = ("study", "outcome", "data_type")
_OPTIONAL = [f for f in extraction.VALUE_FIELDS if f not in _KEYS]


def _value_options(required_keys: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--study``, ``--outcome``, ``--type`` and one option per value of the row."""

    def wrap(command: Callable[..., Any]) -> Callable[..., Any]:
        for name in reversed(_OPTIONAL):
            command = click.option(
                "--" + name.replace("_", "-"), name, default=None, help=extraction.label(name)
            )(command)
        command = click.option(
            "--type",
            "data_type",
            type=click.Choice(["dichotomous", "continuous", "estimate", "narrative"]),
            required=required_keys,
            help="dichotomous: events and participants per arm; continuous: means (or "
            "medians) per arm; estimate: a reported effect (--measure, --estimate or --p); "
            "narrative: --text.",
        )(command)
        for name in ("outcome", "study"):
            command = click.option(
                f"--{name}", name, required=required_keys, help=f"The {name}'s id."
            )(command)
        return command

    return wrap


@click.group("extract")
def extract() -> None:
    """Outcome data: each row entered by two extractors (the protocol's
    screening_reviewers), independently or one checking the other's (the protocol's
    extraction_mode); agreements become the review's data at once, differences are
    settled by a lead."""


@extract.command("add")
@click.option("--row", default=None, help="The row's id (default: study-outcome-timepoint).")
@_value_options(required_keys=True)
@review_commands.REVIEWER
@click.pass_context
def add(ctx: click.Context, /, row: str | None, reviewer: str, **values: Any) -> None:
    """Enter one outcome-data row as you read it (a later entry replaces yours)."""
    with review_commands.open_review(ctx) as review:
        where = review.extract(row, by=reviewer, **values)
        mine = [e for e in review.extractions_seen_by(reviewer) if e.row == where.row]
    click.echo(f"{where.row}: entered by {reviewer} ({', '.join(where.extractors)} so far)")
    for entry in mine[-1:] if mine and mine[-1].extractor == reviewer else ():
        for name, message in extraction.doubts(entry):
            click.echo(f"check: {message} ({name})")
    if where.state == "agreed":
        click.echo("agreed: the row is now the review's outcome data")
    elif where.state == "conflict":
        differ = ", ".join(where.differences)
        click.echo(
            f"the entries differ ({differ}): a conflict for a lead (sysreview extract conflicts)"
        )


@extract.command("import")
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@review_commands.REVIEWER
@click.pass_context
def import_(ctx: click.Context, path: str, reviewer: str) -> None:
    """Enter every row of PATH (CSV, TSV, XLSX or JSON with columns named as the
    values: study, outcome, data_type, events_1 ...; row for the id) as your entries,
    all or nothing: the first value that cannot be taken is named by line and column."""
    with review_commands.open_review(ctx) as review:
        found = review.extract_file(path, by=reviewer)
    counts = {s: sum(p.state == s for p in found) for s in ("agreed", "conflict", "awaiting")}
    said = ", ".join(f"{n} {s}" for s, n in counts.items())
    click.echo(f"{len(found)} row{'' if len(found) == 1 else 's'} entered by {reviewer}: {said}")


@extract.command("status")
@review_commands.REVIEWER
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def status(ctx: click.Context, reviewer: str, as_json: bool) -> None:
    """Where every entered row stands, and whether you have entered it."""
    with review_commands.open_review(ctx) as review:
        found = review.extraction_positions()
    rows: list[dict[str, Any]] = [
        {
            "row": p.row,
            "study": p.study,
            "outcome": p.outcome,
            "state": p.state,
            "extractors": list(p.extractors),
            "yours": reviewer in p.extractors,
        }
        for p in found
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        mine = "entered by you" if r["yours"] else "not entered by you"
        click.echo(f"{r['row']}\t{r['state']}\tby {', '.join(r['extractors'])}\t{mine}")
    counts = {s: sum(r["state"] == s for r in rows) for s in ("agreed", "conflict", "awaiting")}
    click.echo(", ".join(f"{n} {s}" for s, n in counts.items()))


@extract.command("show")
@click.argument("row")
@review_commands.REVIEWER
@click.pass_context
def show(ctx: click.Context, row: str, reviewer: str) -> None:
    """ROW's entries that you may see, value by value (blinded to others' entries until
    you have entered the row yourself, unless you are checking)."""
    with review_commands.open_review(ctx) as review:
        seen = [e for e in review.extractions_seen_by(reviewer) if e.row == row]
        agreed = next((d for d in review.data().outcome_data if d.id == row), None)
    if not seen and agreed is None:
        click.echo(f"{row}: nothing you may see yet (enter it yourself first)")
        return
    columns: list[tuple[str, Any]] = []  # (who, an entry or the agreed row)
    if agreed is not None:
        columns.append(("agreed", agreed))
    columns += [(e.extractor, e) for e in seen]
    click.echo("\t".join(["value", *(name for name, _ in columns)]))
    for name in extraction.VALUE_FIELDS:
        cells = [getattr(obj, name) for _, obj in columns]
        if all(c is None for c in cells):
            continue
        click.echo("\t".join([name, *("-" if c is None else _cell(c) for c in cells)]))


@extract.command("conflicts")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def conflicts(ctx: click.Context, as_json: bool) -> None:
    """Rows whose extractors differ, with each one's value where they differ."""
    with review_commands.open_review(ctx) as review:
        found = review.extraction_conflicts()
    rows: list[dict[str, Any]] = [
        {
            "row": p.row,
            "study": p.study,
            "outcome": p.outcome,
            "differences": {
                name: {e.extractor: getattr(e, name) for e in entries} for name in p.differences
            },
        }
        for p, entries in found
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in rows:
        parts = "; ".join(
            f"{name}: " + ", ".join(f"{who} {_cell(v)}" for who, v in by.items())
            for name, by in r["differences"].items()
        )
        click.echo(f"{r['row']}\t{parts}")
    click.echo(f"{len(rows)} conflict" + ("" if len(rows) == 1 else "s"))


@extract.command("settle")
@click.argument("row")
@click.option("--take", default=None, help="Whose entry to start from.")
@_value_options(required_keys=False)
@review_commands.REVIEWER
@click.pass_context
def settle(ctx: click.Context, /, row: str, take: str | None, reviewer: str, **values: Any) -> None:
    """Write the team's values for ROW: --take someone's entry, changing any value with
    its option (settles a conflict, or corrects agreed data).  A lead's task."""
    with review_commands.open_review(ctx) as review:
        agreed = review.settle_extraction(row, by=reviewer, take=take, **values)
    source = f" from {take}'s entry" if take else ""
    click.echo(f"{agreed.id}: agreed{source} (settled by {reviewer})")


def _described_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for name in reversed(extraction.DESCRIBED):
        hint = "; between countries" if name == "countries" else ""
        hint = "; between measures" if name == "outcome_measures" else hint
        command = click.option(
            "--" + name.replace("_", "-"),
            name,
            default=None,
            help=extraction.DESCRIBED[name] + hint + " (empty clears it).",
        )(command)
    return command


@extract.command("study")
@click.argument("study")
@_described_options
@click.option(
    "--set",
    "cells",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="A characteristics-table cell (age=45, women=60 %); COLUMN= removes it.",
)
@review_commands.REVIEWER
@click.pass_context
def study(
    ctx: click.Context, /, study: str, cells: tuple[str, ...], reviewer: str, **fields: Any
) -> None:
    """Show STUDY's description (the characteristics table's row), or change it with
    the options given."""
    changes: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
    if cells:
        pairs = [c.partition("=") for c in cells]
        bad = next((c for c, (_, sep, _) in zip(cells, pairs, strict=True) if not sep), None)
        if bad is not None:
            raise click.BadParameter(f"{bad!r}: write COLUMN=VALUE", param_hint="--set")
        changes["characteristics"] = {k: v for k, _, v in pairs}
    with review_commands.open_review(ctx) as review:
        if changes:
            review.describe_study(study, by=reviewer, **changes)
        found = next((s for s in review.data().studies if s.id == study), None)
    if found is None:
        raise click.BadParameter(f"no study {study!r} in this review", param_hint="STUDY")
    for name, title in extraction.DESCRIBED.items():
        value = getattr(found, name)
        if isinstance(value, tuple):
            value = "; ".join(value)
        click.echo(f"{title}\t{'-' if value in (None, '') else value}")
    for key, value in found.characteristics.items():
        click.echo(f"{key}\t{value}")


def _cell(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def register(cli: click.Group) -> None:
    cli.add_command(extract)
