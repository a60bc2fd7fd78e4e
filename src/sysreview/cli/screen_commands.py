"""``sysreview screen``: blinded dual screening from the terminal (until the web app):
next, decide, conflicts, resolve, stats."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from .. import model, screening
from . import _progress, review_commands

_STAGES = {"ta": "title_abstract", "ft": "full_text"}
_STAGE = click.option(
    "--stage",
    type=click.Choice(["ta", "ft", "title_abstract", "full_text"]),
    default="ta",
    show_default=True,
    help="title/abstract (ta) or full text (ft).",
)


def _stage(value: str) -> str:
    return _STAGES.get(value, value)


def _highlight(text: str, keywords: frozenset[str]) -> str:
    return "".join(
        click.style(piece, bold=True) if marked else piece
        for piece, marked in screening.highlighted(text, keywords)
    )


@click.group("screen")
def screen() -> None:
    """Screen records: each needs independent decisions by two reviewers (the
    protocol's screening_reviewers); disagreements are resolved by a third."""


@screen.command("next")
@_STAGE
@review_commands.REVIEWER
@click.option(
    "--order",
    type=click.Choice(["ranked", "import"]),
    default="ranked",
    show_default=True,
    help="Most likely relevant first (active learning on the decisions so far), or import order.",
)
@click.option(
    "--model",
    default=None,
    help="Ranking model: sysreview-minilm (default once `screen embed` has run) or "
    "sysreview (TF-IDF SVMs; the default before).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@click.pass_context
def next_(
    ctx: click.Context, stage: str, reviewer: str, order: str, model: str | None, as_json: bool
) -> None:
    """Show the next record waiting for you (others' decisions stay hidden)."""
    with review_commands.open_review(ctx) as review:
        item = review.next_to_screen(reviewer, _stage(stage), order=order, model=model)
        keywords = screening.protocol_keywords(review.data().protocol)
    if item is None:
        # a program reading --json gets null, a person the sentence
        click.echo("null" if as_json else f"nothing waits for {reviewer} at {_stage(stage)}")
        return
    record = item.record
    if as_json:
        shown = {"id": record.id, "title": record.title, "abstract": record.abstract,
                 "authors": list(record.authors), "year": record.year,
                 "journal": record.journal, "doi": record.doi,
                 "ranked_by": item.ranked_by, "weight": item.weight}  # fmt: skip
        click.echo(json.dumps(shown, ensure_ascii=False))
        return
    click.echo(f"[{record.id}] {_highlight(record.title or '(no title)', keywords)}")
    click.echo(
        f"{'; '.join(record.authors[:6])} {record.year or ''} {record.journal or ''}".strip()
    )
    if record.abstract:
        click.echo()
        click.echo(_highlight(record.abstract, keywords))
    if item.ranked_by:
        weight = "" if item.weight is None else f", embedding weight {item.weight:g}"
        click.echo(f"\n(ranked by {item.ranked_by}{weight})")
    elif order == "ranked":
        click.echo(
            "\n(import order: nothing to rank by yet; protocol criteria, or one include "
            "and one exclude, let the model rank)"
        )
    click.echo(f"\nsysreview screen decide {record.id} include|exclude|maybe")


@screen.command("embed")
@click.pass_context
def embed_(ctx: click.Context) -> None:
    """Compute every record's sentence embedding once (all-MiniLM-L6-v2, offline), so
    that `screen next` ranks with the embedding model; stored in the embedding cache
    ($SYSREVIEW_CACHE_DIR or ~/.cache/sysreview), about 10 records a second."""
    with review_commands.open_review(ctx) as review, _progress.progress_bar() as update:
        total, new = review.embed_records(lambda done, todo: update("embedding", done, todo))
    click.echo(f"{total} records have embeddings ({new} computed now, {total - new} cached)")


def _decision_arguments(command: Callable[..., None]) -> Callable[..., None]:
    """RECORD VERDICT [--reason] [--stage] [--reviewer]: what decide and resolve share."""
    for option in reversed(
        (
            click.argument("record"),
            click.argument("verdict", type=click.Choice(["include", "exclude", "maybe"])),
            click.option("--reason", help="Why (required for a full-text exclusion)."),
            _STAGE,
            review_commands.REVIEWER,
            click.pass_context,
        )
    ):
        command = option(command)
    return command


def _log(ctx: click.Context, record: str, verdict: str, options: dict[str, Any]) -> model.Decision:
    with review_commands.open_review(ctx) as review:
        return review.decide(
            record,
            verdict,
            reviewer=options["reviewer"],
            stage=_stage(options["stage"]),
            reason=options["reason"],
            resolve=options.get("resolve", False),
        )


@screen.command("decide")
@_decision_arguments
def decide(ctx: click.Context, record: str, verdict: str, **options: Any) -> None:
    """Record your decision on RECORD (a later decision replaces yours; the log keeps both)."""
    logged = _log(ctx, record, verdict, options)
    click.echo(f"{logged.record}: {logged.verdict} by {logged.reviewer} at {logged.stage}")


@screen.command("resolve")
@_decision_arguments
def resolve(ctx: click.Context, record: str, verdict: str, **options: Any) -> None:
    """Settle a conflict on RECORD (third reviewer, or the team's consensus)."""
    logged = _log(ctx, record, verdict, {**options, "resolve": True})
    click.echo(f"{logged.record}: resolved as {logged.verdict} by {logged.reviewer}")


@screen.command("conflicts")
@_STAGE
@click.option("--json", "as_json", is_flag=True, help="Print the conflicts as JSON.")
@click.pass_context
def conflicts(ctx: click.Context, stage: str, as_json: bool) -> None:
    """Records whose reviewers disagree, with each reviewer's latest decision."""
    with review_commands.open_review(ctx) as review:
        found = review.conflicts(_stage(stage))
        data = review.data()
    latest: dict[str, dict[str, Any]] = {}
    for d in sorted(data.decisions, key=lambda d: d.sequence):
        if d.stage == _stage(stage) and not d.consensus:
            latest.setdefault(d.record, {})[d.reviewer] = [d.verdict, d.reason]
    rows: list[dict[str, Any]] = [
        {"record": p.record, "decisions": latest.get(p.record, {})} for p in found
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        votes = ", ".join(
            f"{r}: {v}{f' ({why})' if why else ''}" for r, (v, why) in row["decisions"].items()
        )
        click.echo(f"{row['record']}\t{votes}")
    click.echo(f"{len(rows)} conflicts at {_stage(stage)}")


@screen.command("stats")
@_STAGE
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx: click.Context, stage: str, as_json: bool) -> None:
    """Progress, conflicts, agreement (Cohen's kappa per pair, Fleiss or Gwet overall)
    and whether screening may stop (the recall buscar supports, and each stopping rule)."""
    with review_commands.open_review(ctx) as review:
        totals = next(t for t in review.status().stages if t.stage == _stage(stage))
        agreement = review.agreement(_stage(stage))
        stopping = review.stopping(_stage(stage))
    body = {
        "totals": totals.to_dict(),
        "pairs": [a.to_dict() for a in agreement.pairs],
        "overall": agreement.overall.to_dict() if agreement.overall else None,
        "conflicts_by_reason": agreement.conflicts_by_reason,
        "stopping": stopping.to_dict(),
    }
    if as_json:
        click.echo(json.dumps(body, indent=2))
        return
    t = totals
    click.echo(
        f"{t.stage}: {t.candidates} records; {t.included} included, {t.excluded} excluded, "
        f"{t.maybe} maybe, {t.conflicts} conflicts, {t.undecided} open; "
        f"{t.decisions} decisions"
    )
    for a in agreement.pairs:
        kappa = "undefined" if a.kappa is None else f"{a.kappa:.3f}"
        click.echo(f"  {' & '.join(a.raters)}: {a.items} records, agreement {a.percent:.1%}, "
                   f"kappa {kappa}, AC1 {a.ac1 if a.ac1 is None else round(a.ac1, 3)}")  # fmt: skip
    click.echo(
        f"stopping: {stopping.screened} of {stopping.candidates} records screened, "
        f"{stopping.found} relevant; recall is at least {stopping.estimated_recall:.1%} "
        "(95% confidence, buscar)"
    )
    for point in stopping.rules:
        click.echo(f"  {point.summary()}")


@screen.command("link")
@click.argument("record")
@click.option("--study", default=None, help="An existing study this record reports.")
@click.option("--label", default=None, help='A new study\'s label (default "Author Year").')
@review_commands.REVIEWER
@click.pass_context
def link(
    ctx: click.Context, record: str, study: str | None, label: str | None, reviewer: str
) -> None:
    """Make RECORD (included at full text) a report of a study: of a new one, or of
    --study (one study, several reports)."""
    with review_commands.open_review(ctx) as review:
        report = review.link_report(record, by=reviewer, study=study, label=label)
    main = " (its main report)" if report.main else ""
    click.echo(f"{record} is a report of {report.study}{main}: {report.citation}")


@screen.command("unlink")
@click.argument("record")
@review_commands.REVIEWER
@click.pass_context
def unlink(ctx: click.Context, record: str, reviewer: str) -> None:
    """Undo 'screen link' for RECORD."""
    with review_commands.open_review(ctx) as review:
        report = review.unlink_report(record, by=reviewer)
    click.echo(f"{record} is no longer a report of {report.study}")


@screen.command("unlinked")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def unlinked(ctx: click.Context, as_json: bool) -> None:
    """Full-text inclusions not yet linked to a study."""
    with review_commands.open_review(ctx) as review:
        waiting = review.unlinked_inclusions()
    if as_json:
        rows = [{"record": r.id, "title": r.title, "year": r.year} for r in waiting]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in waiting:
        click.echo(f"{r.id}\t{r.year or ''}\t{r.title or ''}")
    click.echo(f"{len(waiting)} full-text inclusion{'' if len(waiting) == 1 else 's'} to link")


def register(group: click.Group) -> None:
    group.add_command(screen)
