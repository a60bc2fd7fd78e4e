"""Commands on a whole review: init, load, export, status, import."""

from __future__ import annotations

import datetime
import getpass
import json
import os
import re
from pathlib import Path

import click

from .. import ingest
from ..review import SETTINGS_FILE, Review, Settings, Status


def _reviewer_name(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """One person, one name: "ann " and "ann" are the same reviewer, "" is none."""
    name = value.strip()
    if not name:
        raise click.BadParameter("a reviewer's name cannot be blank")
    return name


#: who is deciding: kept with each decision and judgement
REVIEWER = click.option(
    "--reviewer",
    default=lambda: os.environ.get("SYSREVIEW_REVIEWER") or getpass.getuser(),
    show_default="$SYSREVIEW_REVIEWER or your login",
    callback=_reviewer_name,
    help="Who is judging (kept with each judgement; surrounding spaces are dropped).",
)


def open_review(ctx: click.Context, *, create_database: bool = False) -> Review:
    """The review named by ``--review`` or found from here; its SQLite database must
    exist unless ``create_database`` (only ``init`` and ``load`` make one)."""
    review_dir = ctx.find_root().obj
    if review_dir:
        return Review.open(review_dir, create_database=create_database)
    return Review.find(create_database=create_database)


def _missing_database(ctx: click.Context) -> Path | None:
    """The SQLite file the review's settings name, if it does not exist."""
    start = ctx.find_root().obj
    here = Path(start or Path.cwd()).resolve()
    candidates = (here,) if start else (here, *here.parents)
    root = next((c for c in candidates if (c / SETTINGS_FILE).is_file()), None)
    return None if root is None else Settings.read(root).missing_database(root)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--database", help="A postgresql:// URL, or a SQLite file name (default review.db).")
@click.option("--title", help="The review's working title.")
def init(directory: Path, database: str | None, title: str | None) -> None:
    """Create a review in DIRECTORY (default: here)."""
    with Review.init(directory, database=database, title=title) as review:
        click.echo(f"created a review in {review.root} (database: {review.settings.database})")


@click.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a review that already holds data.")
@click.pass_context
def load(ctx: click.Context, bundle: Path, replace: bool) -> None:
    """Load a review from a BUNDLE directory (one transaction: all or nothing).  Makes
    the review's database if it is missing."""
    # a database that was missing holds nothing a load could overwrite
    replace = replace or _missing_database(ctx) is not None
    with open_review(ctx, create_database=True) as review:
        data = review.load(bundle, replace=replace)
        click.echo(
            f"loaded {data.review.id}: {len(data.studies)} studies, {len(data.reports)} reports, "
            f"{len(data.searches)} searches, {len(data.records)} records into {review.root}"
        )


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export(ctx: click.Context, directory: Path) -> None:
    """Write the review as a plain-text bundle into DIRECTORY."""
    with open_review(ctx) as review:
        written = review.export(directory)
        click.echo(f"wrote {len(written)} files to {directory}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """PRISMA counts, screening progress and checks that the counts add up."""
    with open_review(ctx) as review:
        result = review.status()
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_format_status(result))


def _format_status(status: Status) -> str:
    d = status.to_dict()
    labels = [
        ("records identified (databases)", "records_identified_databases"),
        ("records identified (other sources)", "records_identified_other"),
        ("duplicates removed", "duplicates_removed"),
        ("records screened", "records_screened"),
        ("records excluded", "records_excluded"),
        ("reports sought for retrieval", "reports_sought"),
        ("reports not retrieved", "reports_not_retrieved"),
        ("full texts assessed", "fulltexts_assessed"),
        ("full texts excluded", "fulltexts_excluded"),
        ("studies included", "studies"),
        ("reports of included studies", "reports"),
        ("systematic reviews listed", "systematic_reviews"),
    ]
    lines = [
        f"{d['title']} ({d['review']})",
        f"database: {d['database']}",
        f"PRISMA counts ({d['prisma_basis']}):",
    ]
    for label, key in labels:
        value = d[key]
        lines.append(f"  {label:<36} {'-' if value is None else f'{value:,}'}")
    for stage in status.stages:
        if stage.decisions:
            lines.append(
                f"  {stage.stage}: {stage.included} included, {stage.excluded} excluded, "
                f"{stage.conflicts} conflicts, {stage.undecided} undecided"
            )
    tally = status.extraction
    if tally is not None and tally.rows:
        lines.append(
            f"  outcome data: {tally.rows} row{'' if tally.rows == 1 else 's'} entered, "
            f"{tally.agreed_at_once} agreed at once, "
            f"{tally.settled} settled after differing, {tally.open} open"
        )
    if status.findings:
        lines.append("checks that fail:")
        lines.extend(
            f"  {f.check}: {f.message} (expected {f.expected}, found {f.found})"
            for f in status.findings
        )
    else:
        lines.append("all PRISMA checks pass")
    return "\n".join(lines)


def _search_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        pass
    raise click.BadParameter(f"{value!r} is not a calendar date written YYYY-MM-DD")


def _search_source(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    source = value.strip()
    if not source:
        raise click.BadParameter(
            'cannot be blank: name the database or source, e.g. "Embase (Ovid)"'
        )
    return source


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--source",
    required=True,
    callback=_search_source,
    help='Where the search ran, e.g. "Embase (Ovid)".',
)
@click.option("--searched", callback=_search_date, help="Date of the search, YYYY-MM-DD.")
@click.option("--interface", help="Platform, e.g. Ovid, EBSCOhost, Web of Science.")
@click.option(
    "--strategy",
    type=click.Path(dir_okay=False, exists=True, readable=True, path_type=Path),
    help="A text file with the search strategy as run (UTF-8; other text is read as "
    "Latin-1, with a warning).",
)
@click.option(
    "--reported-hits",
    type=click.IntRange(min=0),
    help="The hit count the database showed.",
)
@click.option(
    "--other",
    "other_source",
    is_flag=True,
    help="An other source (grey literature, reference lists), not a database.",
)
@click.option("--format", "source_format", help="Export format (default: detected).")
@click.option(
    "--again",
    is_flag=True,
    help="Import a file again that an earlier search with the same source and date "
    "already imported (refused without it: its records would be counted twice).",
)
@click.pass_context
def import_(
    ctx: click.Context,
    files: tuple[Path, ...],
    source: str,
    searched: str | None,
    interface: str | None,
    strategy: Path | None,
    reported_hits: int | None,
    other_source: bool,
    source_format: str | None,
    again: bool,
) -> None:
    """Log a search and import its export FILES into the review (one transaction).

    Each import is one search in the PRISMA counts.  Importing a file again with the
    same --source and --searched date as an earlier search is refused, naming that
    search, since its records would be identified twice; a new export of a search
    re-run on another day is a new search.  Pass --again to import it anyway."""
    strategy_text = _read_strategy(strategy) if strategy else None
    with open_review(ctx) as review:
        result = review.import_search(
            files, source=source, searched=searched, interface=interface,
            strategy=strategy_text, reported_hits=reported_hits, other_source=other_source,
            format=source_format, again=again,
        )  # fmt: skip
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"imported {result.records:,} records as search {result.search.id}")
    if result.hits_match is False:
        click.echo(
            f"check: {source} reported {result.search.reported_hits:,} hits, "
            f"{result.records:,} records were imported",
            err=True,
        )


def _read_strategy(path: Path) -> str:
    """The strategy file's text, read as the export readers read theirs."""
    text, issues = ingest.read_text(path)
    for issue in issues:
        click.echo(f"warning: {issue}", err=True)
    return text


def register(group: click.Group) -> None:
    for command in (init, load, export, status, import_):
        group.add_command(command)
