"""``sysreview revman export|import``: RevMan 5 files (``.rm5``) out of and into a
review."""

from __future__ import annotations

from pathlib import Path

import click

from . import review_commands


@click.group("revman")
def revman() -> None:
    """RevMan 5 files: write the review as one, or read one into the review."""


@revman.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(["en", "nb"]),
    default="en",
    show_default=True,
    help="Texts in English where the review gives them, or in its own language.",
)
@click.pass_context
def export(ctx: click.Context, out: Path, lang: str) -> None:
    """Write the review as a RevMan 5 file OUT (.rm5): studies, references,
    characteristics, risk of bias and every analysis with arm-level data; or, when OUT
    ends in .csv, as RevMan's "Data and analyses" table (read by R's meta::read.rm5)."""
    with review_commands.open_review(ctx) as review:
        written = review.export_revman(out, lang=lang)
    click.echo(f"wrote {out}: {len(written.analyses)} analyses")
    for analysis, reason in written.left_out:
        click.echo(f"  left out {analysis}: {reason}")


@revman.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a review that already holds data.")
@click.pass_context
def import_(ctx: click.Context, file: Path, replace: bool) -> None:
    """Read a RevMan 5 file (.rm5) into the review (one transaction: all or nothing)."""
    with review_commands.open_review(ctx) as review:
        read = review.import_revman(file, replace=replace)
    data = read.data
    click.echo(
        f"read {file}: {len(data.studies)} studies, {len(data.exclusions)} excluded studies, "
        f"{len(data.risk_of_bias)} risk-of-bias judgements, {len(data.analyses)} analyses, "
        f"{len(data.outcome_data)} rows of outcome data"
    )
    for warning in read.warnings:
        click.echo(f"  warning: {warning}")


def register(cli: click.Group) -> None:
    cli.add_command(revman)
