"""``sysreview report`` (the report and the plain-language summary, in Norwegian and
English, as HTML, Word and Markdown) and ``sysreview figure`` (one figure alone)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from . import review_commands


@click.command("report")
@click.option(
    "--lang",
    "langs",
    type=click.Choice(["nb", "en"]),
    multiple=True,
    help="Language (repeatable; default both).",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(["html", "docx", "md"]),
    multiple=True,
    help="Format (repeatable; default all three).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into (default: report/ in the review).",
)
@click.option("--no-summary", is_flag=True, help="Leave out the plain-language summary.")
@click.pass_context
def report(
    ctx: click.Context,
    langs: tuple[str, ...],
    formats: tuple[str, ...],
    out: Path | None,
    no_summary: bool,
) -> None:
    """Write the report and the plain-language summary, rebuilt from the data."""
    started = time.perf_counter()
    with review_commands.open_review(ctx) as review:
        paths = review.write_report(
            out,
            langs=langs or ("nb", "en"),
            formats=formats or ("html", "docx", "md"),
            summary=not no_summary,
        )
    for path in paths:
        click.echo(str(path))
    click.echo(f"{len(paths)} files in {time.perf_counter() - started:.1f} s")


@click.command("figure")
@click.argument(
    "kind",
    type=click.Choice(["forest", "funnel", "rob", "rob-summary", "prisma", "effect-direction"]),
)
@click.argument("analysis", required=False)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write: .svg, .png or .pdf.",
)
@click.option("--lang", type=click.Choice(["nb", "en"]), default="en", show_default=True)
@click.pass_context
def figure(ctx: click.Context, kind: str, analysis: str | None, out: Path, lang: str) -> None:
    """Draw one figure: forest ANALYSIS, funnel ANALYSIS (ten studies or more), rob,
    rob-summary, prisma or effect-direction."""
    with review_commands.open_review(ctx) as review:
        path = review.draw_figure(kind, out, analysis=analysis, lang=lang)
    click.echo(f"figure written to {path}")


def register(cli: click.Group) -> None:
    for command in (report, figure):
        cli.add_command(command)
