"""``sysreview fulltext``: the full texts of the records sent on to full-text screening
— list, attach (one file, or a folder matched by record id, DOI or PMID), mark not
retrieved, get, remove."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import screening
from ..errors import DataError
from . import review_commands

_STATES = {
    "awaiting": "awaiting",
    "retrieved": "retrieved",
    "assessed-without-file": "assessed_without_file",
    "not-retrieved": "not_retrieved",
}


@click.group("fulltext")
def fulltext() -> None:
    """Full texts of the records title/abstract screening sent on: each one's file,
    or why it could not be retrieved (PRISMA's reports sought and not retrieved)."""


@fulltext.command("list")
@click.option(
    "--state",
    type=click.Choice(sorted(_STATES)),
    default=None,
    help="Only the records in this state of retrieval.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_(ctx: click.Context, state: str | None, as_json: bool) -> None:
    """Every record sought for retrieval: its file, or why it was not retrieved, or
    that it was assessed without a file here, or is still awaited; and whether its
    full-text verdict stands."""
    with review_commands.open_review(ctx) as review:
        positions = review.retrieval()
    if state is not None:
        positions = [p for p in positions if p.state == _STATES[state]]
    if as_json:
        rows = [
            {
                "record": p.record,
                "state": p.state,
                "assessed": p.assessed,
                "file_name": p.fulltext.file_name if p.fulltext else None,
                "media_type": p.fulltext.media_type if p.fulltext else None,
                "size": p.fulltext.size if p.fulltext else None,
                "sha256": p.fulltext.sha256 if p.fulltext else None,
                "reason": p.fulltext.reason if p.fulltext else None,
                "by": p.fulltext.by if p.fulltext else None,
                "at": p.fulltext.at if p.fulltext else None,
            }
            for p in positions
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for p in positions:
        if p.fulltext is None:
            detail = ""
        elif p.fulltext.status == "retrieved":
            detail = f"{p.fulltext.file_name} ({_size(p.fulltext.size or 0)})"
        else:
            detail = p.fulltext.reason or ""
        assessed = "assessed" if p.assessed else "not assessed"
        click.echo(f"{p.record}\t{p.state.replace('_', ' ')}\t{assessed}\t{detail}".rstrip())
    counts = screening.retrieval_tally(positions)
    click.echo(
        f"{len(positions)} sought: {counts['retrieved']} retrieved, "
        + (
            f"{counts['assessed_without_file']} assessed without a file here, "
            if counts["assessed_without_file"]
            else ""
        )
        + f"{counts['not_retrieved']} not retrieved, {counts['awaiting']} awaited"
    )


@fulltext.command("attach")
@click.argument("record")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@review_commands.REVIEWER
@click.pass_context
def attach(ctx: click.Context, record: str, file: Path, reviewer: str) -> None:
    """Keep FILE (a PDF, usually) as the full text of RECORD."""
    with review_commands.open_review(ctx) as review:
        held = review.attach_fulltext(record, file, by=reviewer)
    click.echo(f"{record}: {held.file_name} ({held.media_type}, {_size(held.size or 0)})")


@fulltext.command("attach-dir")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say which file goes to which record; keep none.")
@review_commands.REVIEWER
@click.pass_context
def attach_dir(ctx: click.Context, folder: Path, dry_run: bool, reviewer: str) -> None:
    """Keep each file in FOLDER as the full text of the record its name gives: the
    record's id, its DOI with '/' written '_' (10.1136_bmj.n71.pdf) or its PMID.
    All files in one transaction; files that match no record sought are listed."""
    paths = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    with review_commands.open_review(ctx) as review:
        matched = review.match_fulltexts(paths)
        found = [(path, record) for path, record in matched if record is not None]
        taken: dict[str, Path] = {}
        for path, record in found:
            if record in taken:
                raise DataError(
                    f"{taken[record].name} and {path.name} are both the full text of {record}",
                    hint="keep one of them in the folder",
                )
            taken[record] = path
        if not dry_run and found:
            review.attach_fulltexts(
                [(record, path.read_bytes(), path.name) for path, record in found], by=reviewer
            )
    verb = "would attach" if dry_run else "attached"
    for path, record in found:
        click.echo(f"{verb} {path.name} -> {record}")
    for path, match in matched:
        if match is None:
            click.echo(f"no record sought matches {path.name}")
    click.echo(f"{len(found)} of {len(matched)} files {verb}")


@fulltext.command("not-retrieved")
@click.argument("record")
@click.option("--reason", required=True, help="Why the full text could not be retrieved.")
@review_commands.REVIEWER
@click.pass_context
def not_retrieved(ctx: click.Context, record: str, reason: str, reviewer: str) -> None:
    """Mark the full text of RECORD as not retrieved (PRISMA's reports not retrieved);
    it cannot be assessed at full text until a file is attached."""
    with review_commands.open_review(ctx) as review:
        review.fulltext_not_retrieved(record, reason, by=reviewer)
    click.echo(f"{record}: not retrieved ({reason})")


@fulltext.command("get")
@click.argument("record")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the file (default: its own name, in the working directory).",
)
@click.pass_context
def get(ctx: click.Context, record: str, output: Path | None) -> None:
    """Write the full text of RECORD to a file."""
    with review_commands.open_review(ctx) as review:
        held, content = review.fulltext(record)
    target = output or Path(held.file_name or f"{record}.bin")
    target.write_bytes(content)
    click.echo(f"wrote {target} ({_size(len(content))})")


@fulltext.command("remove")
@click.argument("record")
@review_commands.REVIEWER
@click.pass_context
def remove(ctx: click.Context, record: str, reviewer: str) -> None:
    """Forget the full text of RECORD, or the mark that it was not retrieved."""
    with review_commands.open_review(ctx) as review:
        review.remove_fulltext(record, by=reviewer)
    click.echo(f"{record}: full text removed; it is awaited again")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024**2:
        return f"{n / 1024:.0f} kB"
    return f"{n / 1024**2:.1f} MB"


def register(cli: click.Group) -> None:
    cli.add_command(fulltext)
