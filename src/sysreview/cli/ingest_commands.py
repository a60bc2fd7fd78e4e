"""``sysreview convert``: export files from one format to another, outside a review."""

from __future__ import annotations

from pathlib import Path

import click

from .. import ingest


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--to",
    "target",
    type=click.Choice(sorted(ingest.WRITERS)),
    required=True,
    help="Output format.",
)
@click.option(
    "--format",
    "source_format",
    type=click.Choice(sorted(ingest.READERS)),
    help="Input format (default: detected from each file).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of standard output.",
)
def convert(
    files: tuple[Path, ...], target: str, source_format: str | None, output: Path | None
) -> None:
    """Convert bibliographic export FILES (RIS, Ovid, MEDLINE/nbib, WoS, PubMed XML,
    EndNote XML, BibTeX, vendor CSV, our own JSON) to RIS, CSV, JSON or BibTeX.

    What it writes, 'sysreview import' reads back; the CSV has the columns
    'sysreview dedup --input' reads.  The folder of --output must exist."""
    if output is not None and not output.resolve().parent.is_dir():
        raise click.BadParameter(
            f"the folder {output.parent} does not exist (create it first)",
            param_hint="'-o' / '--output'",
        )
    results = [ingest.read(path, source_format) for path in files]
    if target != "json":  # JSON carries its warnings; other formats report them here
        for result in results:
            for warning in result.warnings:
                click.echo(f"warning: {warning}", err=True)
    text = ingest.write(results, target)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        total = sum(len(r.records) for r in results)
        click.echo(f"wrote {total} records from {len(results)} files to {output}", err=True)
