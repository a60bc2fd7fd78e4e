"""``sysreview dedup``: standalone on a table of records, or on a review's imports;
``dedup review`` walks the uncertain pairs, ``dedup decide`` and ``dedup undo`` record a
person's judgement."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .. import dedup, model
from . import _progress, review_commands


@contextmanager
def _progress_bar() -> Iterator[dedup.Progress]:
    """A bar for the comparison stage (silent when stderr is not a terminal)."""
    with _progress.progress_bar() as update:
        yield lambda stage, done, total: update(f"{stage} pairs", done, total)


@click.group(invoke_without_command=True)
@click.option(
    "--input",
    "input_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Standalone: a CSV/TSV/XLSX/JSON table with record_id, title, author, year, "
    "journal, volume, number, pages, doi, abstract (other columns ignored), as "
    "'sysreview convert --to csv' writes it.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Standalone: write record_id,group_id here (default: standard output).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def dedup_group(
    ctx: click.Context, input_file: Path | None, output: Path | None, as_json: bool
) -> None:
    """Find duplicate records: in a table (--input) or among the review's imports.

    Nothing is merged on an uncertain verdict; those pairs wait for
    `sysreview dedup review`.  A person's judgement is never overruled.
    """
    if ctx.invoked_subcommand is not None:
        return
    if input_file is not None:
        _standalone(input_file, output, as_json)
        return
    if output is not None:
        raise click.UsageError("--output needs --input (a review keeps its groups itself)")
    with review_commands.open_review(ctx) as review, _progress_bar() as progress:
        summary = review.deduplicate(progress)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
        return
    click.echo(
        f"{summary.records} records -> {summary.references} references: "
        f"{summary.duplicates_removed} duplicates removed, "
        f"{summary.uncertain} uncertain pairs to review, "
        f"{summary.judged_by_people} judgements by people kept"
    )
    if summary.decisions_on_duplicates:
        click.echo(
            f"warning: {len(summary.decisions_on_duplicates)} records with screening "
            f"decisions are now duplicates: {', '.join(summary.decisions_on_duplicates[:5])}",
            err=True,
        )
    if summary.uncertain:
        click.echo("next: sysreview dedup review")


def _standalone(input_file: Path, output: Path | None, as_json: bool) -> None:
    records = dedup.read_csv(input_file)
    with _progress_bar() as progress:
        result = dedup.deduplicate(records, progress=progress)
    if output is not None:
        dedup.write_groups(output, result.groups, (r.id for r in records))
    if as_json:
        body = {
            "input": str(input_file),
            "records": len(records),
            "references": len(set(result.groups.values())),
            "duplicates_removed": result.duplicates_removed,
            "groups": result.groups,
            "uncertain": [p.to_dict() for p in result.uncertain],
        }
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
    elif output is None:
        click.echo("record_id,group_id")
        for record in records:
            click.echo(f"{record.id},{result.groups[record.id]}")
    else:
        click.echo(
            f"{len(records)} records -> {len(set(result.groups.values()))} groups "
            f"({result.duplicates_removed} duplicates, {len(result.uncertain)} uncertain pairs); "
            f"wrote {output}",
            err=True,
        )


def _describe(record: model.Record) -> list[str]:
    authors = "; ".join(record.authors[:3]) + (" et al." if len(record.authors) > 3 else "")
    where = ", ".join(
        str(v)
        for v in (record.journal, record.year, record.volume, record.issue, record.pages)
        if v
    )
    lines = [
        f"  [{record.id}] {record.title or '(no title)'}",
        f"      {authors or '(no authors)'}",
        f"      {where or '(no source)'}",
    ]
    ids = ", ".join(f"{k} {v}" for k, v in (("DOI", record.doi), ("PMID", record.pmid)) if v)
    if ids:
        lines.append(f"      {ids}")
    origin = f"{record.search or ''} {record.source_file or ''}:{record.source_line or ''}"
    lines.append(f"      from {origin.strip()}")
    return lines


def _show(pair: model.DuplicatePair, records: dict[str, model.Record]) -> None:
    click.echo(f"similarity {pair.similarity or 0:.2f} - {pair.reason or ''}")
    for rid in (pair.a, pair.b):
        for line in _describe(records[rid]):
            click.echo(line)


@dedup_group.command("review")
@click.option("--list", "list_only", is_flag=True, help="List the queue and stop.")
@click.option("--json", "as_json", is_flag=True, help="With --list: print the queue as JSON.")
@review_commands.REVIEWER
@click.pass_context
def review_pairs(ctx: click.Context, list_only: bool, as_json: bool, reviewer: str) -> None:
    """Walk the uncertain pairs: [d]uplicate, [n]ot a duplicate, [s]kip, [q]uit.

    Each answer is saved at once (one transaction) and the groups rebuilt."""
    with review_commands.open_review(ctx) as review:
        pairs = review.duplicate_queue()
        if list_only or as_json:
            _list(pairs, as_json)
            return
        if not pairs:
            click.echo("no uncertain pairs are waiting")
            return
        records = {r.id: r for r in review.data().records}
        for n, pair in enumerate(pairs, start=1):
            click.echo(f"\n{n}/{len(pairs)}")
            _show(pair, records)
            answer = click.prompt(
                "duplicate?", type=click.Choice(["d", "n", "s", "q"]), show_choices=True
            )
            if answer == "q":
                break
            if answer in ("d", "n"):
                review.judge_duplicates(pair.a, pair.b, same=answer == "d", reviewer=reviewer)
        click.echo(f"{len(review.duplicate_queue())} uncertain pairs left")


def _list(pairs: list[model.DuplicatePair], as_json: bool) -> None:
    if as_json:
        rows = [{"a": p.a, "b": p.b, "similarity": p.similarity, "reason": p.reason} for p in pairs]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for p in pairs:
        click.echo(f"{p.a}\t{p.b}\t{p.similarity or 0:.2f}\t{p.reason or ''}")


@dedup_group.command("decide")
@click.argument("a")
@click.argument("b")
@click.argument("verdict", type=click.Choice(["duplicate", "distinct"]))
@review_commands.REVIEWER
@click.pass_context
def decide(ctx: click.Context, a: str, b: str, verdict: str, reviewer: str) -> None:
    """Judge records A and B duplicate or distinct (kept on every later run)."""
    with review_commands.open_review(ctx) as review:
        summary = review.judge_duplicates(a, b, same=verdict == "duplicate", reviewer=reviewer)
    click.echo(f"{a} and {b}: {verdict}; {summary.references} references now")


@dedup_group.command("undo")
@click.argument("record")
@review_commands.REVIEWER
@click.pass_context
def undo(ctx: click.Context, record: str, reviewer: str) -> None:
    """Take RECORD out of its duplicate group (it stays out on later runs)."""
    with review_commands.open_review(ctx) as review:
        summary = review.undo_merge(record, reviewer=reviewer)
    click.echo(f"{record} is its own reference again; {summary.references} references now")


def register(group: click.Group) -> None:
    group.add_command(dedup_group, "dedup")
