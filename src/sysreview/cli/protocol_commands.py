"""``sysreview protocol|outcome|comparison|analysis``: the protocol a team writes (PICO,
settings, criteria, exclusion reasons), its outcomes and comparisons, and the
meta-analyses it plans — what RevMan's "Add comparison / Add outcome" do — with each
analysis pooled from the agreed data as it stands."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import click

from .. import model
from ..review import Review
from . import review_commands

# --- protocol ----------------------------------------------------------------------------


@click.group("protocol")
def protocol() -> None:
    """The protocol: PICO, settings, eligibility criteria and exclusion reasons."""


@protocol.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show(ctx: click.Context, as_json: bool) -> None:
    """Print the protocol, its outcomes, comparisons and analyses."""
    with review_commands.open_review(ctx) as review:
        data = review.data()
    p = data.protocol
    if as_json:
        plain = dataclasses.asdict(p)
        plain["analyses"] = [dataclasses.asdict(a) for a in data.analyses]
        click.echo(json.dumps(plain, ensure_ascii=False, indent=2))
        return
    for name in ("population", "intervention", "comparator", "outcome", "registration"):
        click.echo(f"{name}: {getattr(p, name) or '-'}")
    click.echo(f"screening_reviewers: {p.screening_reviewers}")
    click.echo(f"extraction_mode: {p.extraction_mode}")
    click.echo("criteria:" if p.criteria else "criteria: none")
    for i, crit in enumerate(p.criteria, start=1):
        click.echo(f"  {i}. {crit.kind}, {crit.heading}: {crit.text}")
    click.echo(
        "exclusion reasons:" if p.exclusion_reasons else "exclusion reasons: none (free text)"
    )
    for reason in p.exclusion_reasons:
        click.echo(f"  - {reason}")
    click.echo("outcomes:" if p.outcomes else "outcomes: none")
    for o in p.outcomes:
        click.echo(f"  {o.id}: {o.name} ({o.kind}, {o.direction}, {o.importance}, {o.priority})")
    click.echo("comparisons:" if p.comparisons else "comparisons: none")
    for c in p.comparisons:
        click.echo(f"  {c.id}: {c.intervention} vs {c.comparator}")
    click.echo("analyses:" if data.analyses else "analyses: none")
    for a in data.analyses:
        click.echo(f"  {a.id}: {_plan(a)}")


@protocol.command("set")
@click.option("--population")
@click.option("--intervention")
@click.option("--comparator")
@click.option("--outcome", "outcome_text", help="The outcomes in words (PICO).")
@click.option("--registration", help="PROSPERO number or protocol reference.")
@click.option("--screening-reviewers", type=int, help="Independent decisions per record.")
@click.option("--extraction-mode", type=click.Choice(["independent", "checked"]))
@review_commands.REVIEWER
@click.pass_context
def set_(ctx: click.Context, /, reviewer: str, outcome_text: str | None, **options: Any) -> None:
    """Set the protocol's PICO and settings (an empty value clears a text)."""
    changes = {k: v for k, v in options.items() if v is not None}
    if outcome_text is not None:
        changes["outcome"] = outcome_text
    if not changes:
        raise click.UsageError("give at least one setting to change")
    with review_commands.open_review(ctx) as review:
        review.set_protocol(by=reviewer, **changes)
    click.echo("protocol: " + ", ".join(sorted(changes)) + " set")


@protocol.group("reason")
def reason() -> None:
    """The full-text exclusion reasons screeners choose from."""


@reason.command("add")
@click.argument("text")
@review_commands.REVIEWER
@click.pass_context
def reason_add(ctx: click.Context, text: str, reviewer: str) -> None:
    """Add TEXT to the exclusion reasons."""
    with review_commands.open_review(ctx) as review:
        reasons = review.add_exclusion_reason(text, by=reviewer)
    click.echo(f"{len(reasons)} exclusion reasons")


@reason.command("remove")
@click.argument("text")
@review_commands.REVIEWER
@click.pass_context
def reason_remove(ctx: click.Context, text: str, reviewer: str) -> None:
    """Take TEXT off the exclusion reasons (refused while a decision gives it)."""
    with review_commands.open_review(ctx) as review:
        reasons = review.remove_exclusion_reason(text, by=reviewer)
    click.echo(f"{len(reasons)} exclusion reasons")


@protocol.group("criterion")
def criterion() -> None:
    """The eligibility criteria, by heading."""


@criterion.command("add")
@click.argument("kind", type=click.Choice(model.choices(model.CriterionKind)))
@click.argument("heading")
@click.argument("text")
@click.option("--heading-en", help="The heading in English, where the review's is not.")
@review_commands.REVIEWER
@click.pass_context
def criterion_add(
    ctx: click.Context, kind: str, heading: str, text: str, heading_en: str | None, reviewer: str
) -> None:
    """Add a KIND (inclusion or exclusion) criterion under HEADING."""
    with review_commands.open_review(ctx) as review:
        review.add_criterion(kind, heading, text, by=reviewer, heading_en=heading_en)
    click.echo(f"{kind} criterion added under {heading}")


@criterion.command("remove")
@click.argument("number", type=int)
@review_commands.REVIEWER
@click.pass_context
def criterion_remove(ctx: click.Context, number: int, reviewer: str) -> None:
    """Remove criterion NUMBER (as `protocol show` numbers them)."""
    with review_commands.open_review(ctx) as review:
        gone = review.remove_criterion(number, by=reviewer)
    click.echo(f"removed: {gone.heading}: {gone.text}")


# --- outcomes and comparisons --------------------------------------------------------------


def _options(*options: Callable[..., Any]) -> Callable[..., Any]:
    """One decorator that adds ``options`` to a command, in the order given."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


_outcome_options = _options(
    click.option("--name", help="The outcome's name, in the review's language."),
    click.option("--name-en", help="Its name in English."),
    click.option("--kind", type=click.Choice(model.choices(model.OutcomeKind))),
    click.option(
        "--direction",
        type=click.Choice(model.choices(model.Direction)),
        help="Which way is good for patients.",
    ),
    click.option("--importance", type=click.Choice(model.choices(model.Importance))),
    click.option("--priority", type=click.Choice(model.choices(model.Priority))),
    click.option("--description"),
)


@click.group("outcome")
def outcome() -> None:
    """The protocol's outcomes (GRADE rates each one per comparison)."""


@outcome.command("add")
@click.argument("id")
@_outcome_options
@review_commands.REVIEWER
@click.pass_context
def outcome_add(ctx: click.Context, /, id: str, reviewer: str, **fields: Any) -> None:
    """Add outcome ID (--name needed)."""
    with review_commands.open_review(ctx) as review:
        added = review.add_outcome(id, by=reviewer, **_given(fields))
    click.echo(f"outcome {added.id}: {added.name} ({added.kind}, {added.direction})")


@outcome.command("set")
@click.argument("id")
@_outcome_options
@review_commands.REVIEWER
@click.pass_context
def outcome_set(ctx: click.Context, /, id: str, reviewer: str, **fields: Any) -> None:
    """Change outcome ID's fields."""
    with review_commands.open_review(ctx) as review:
        changed = review.set_outcome(id, by=reviewer, **_given(fields))
    click.echo(f"outcome {changed.id}: {changed.name} ({changed.kind}, {changed.direction})")


@outcome.command("remove")
@click.argument("id")
@review_commands.REVIEWER
@click.pass_context
def outcome_remove(ctx: click.Context, id: str, reviewer: str) -> None:
    """Remove outcome ID (refused while data refer to it)."""
    with review_commands.open_review(ctx) as review:
        review.remove_outcome(id, by=reviewer)
    click.echo(f"outcome {id} removed")


_comparison_options = _options(
    click.option("--intervention", help="The intervention (experimental arm)."),
    click.option("--comparator", help="What it is compared against (control arm)."),
    click.option("--name", help="A name (default: 'intervention vs comparator')."),
    click.option("--name-en"),
    click.option("--intervention-en"),
    click.option("--comparator-en"),
)


@click.group("comparison")
def comparison() -> None:
    """The protocol's comparisons (RevMan's comparisons)."""


@comparison.command("add")
@click.argument("id")
@_comparison_options
@review_commands.REVIEWER
@click.pass_context
def comparison_add(ctx: click.Context, /, id: str, reviewer: str, **fields: Any) -> None:
    """Add comparison ID (--intervention and --comparator needed)."""
    with review_commands.open_review(ctx) as review:
        added = review.add_comparison(id, by=reviewer, **_given(fields))
    click.echo(f"comparison {added.id}: {added.intervention} vs {added.comparator}")


@comparison.command("set")
@click.argument("id")
@_comparison_options
@review_commands.REVIEWER
@click.pass_context
def comparison_set(ctx: click.Context, /, id: str, reviewer: str, **fields: Any) -> None:
    """Change comparison ID's fields."""
    with review_commands.open_review(ctx) as review:
        changed = review.set_comparison(id, by=reviewer, **_given(fields))
    click.echo(f"comparison {changed.id}: {changed.intervention} vs {changed.comparator}")


@comparison.command("remove")
@click.argument("id")
@review_commands.REVIEWER
@click.pass_context
def comparison_remove(ctx: click.Context, id: str, reviewer: str) -> None:
    """Remove comparison ID (refused while data refer to it)."""
    with review_commands.open_review(ctx) as review:
        review.remove_comparison(id, by=reviewer)
    click.echo(f"comparison {id} removed")


# --- analyses -----------------------------------------------------------------------------

_ALL_MEASURES = sorted({m for ms in Review.ANALYSIS_MEASURES.values() for m in ms})


@click.group("analysis")
def analysis() -> None:
    """Meta-analyses: comparison × outcome × time point, pooled from the agreed data."""


@analysis.command("add")
@click.option("--comparison", "comparison_id", required=True)
@click.option("--outcome", "outcome_id", required=True)
@click.option("--timepoint", help="As the outcome data give it ('12 months').")
@click.option(
    "--measure",
    type=click.Choice(_ALL_MEASURES, case_sensitive=False),
    help="Default by the outcome's kind: RR (dichotomous), MD (continuous).",
)
@click.option(
    "--model", type=click.Choice(["random", "fixed"]), default="random", show_default=True
)
@click.option(
    "--method",
    help="MH or PETO (2×2 data), or a τ² estimator: DL (default for random), REML, PM ...",
)
@click.option(
    "--study",
    "studies",
    multiple=True,
    help="A study to pool (repeat); default: the studies whose agreed data it can pool.",
)
@click.option("--id", "analysis_id", help="Default: COMPARISON-OUTCOME[-TIMEPOINT].")
@review_commands.REVIEWER
@click.pass_context
def analysis_add(
    ctx: click.Context,
    /,
    comparison_id: str,
    outcome_id: str,
    analysis_id: str | None,
    reviewer: str,
    **options: Any,
) -> None:
    """Plan a meta-analysis, and pool it if its studies' data allow."""
    with review_commands.open_review(ctx) as review:
        added = review.add_analysis(
            comparison_id, outcome_id, by=reviewer, id=analysis_id, **options
        )
        result = next(r for r in review.analysis_results() if r.analysis.id == added.id)
    click.echo(f"analysis {added.id}: {_plan(added)}")
    click.echo(f"  {_pooled(result)}")


@analysis.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with metafor's result keys).")
@click.pass_context
def analysis_list(ctx: click.Context, as_json: bool) -> None:
    """Every analysis with its pooled result as the data now stand."""
    with review_commands.open_review(ctx) as review:
        results = review.analysis_results()
    if as_json:
        rows = [
            {
                "id": r.analysis.id,
                "comparison": r.analysis.comparison,
                "outcome": r.analysis.outcome,
                "timepoint": r.analysis.timepoint,
                "measure": r.analysis.measure,
                "model": r.analysis.model,
                "method": r.analysis.method,
                "studies": list(r.analysis.studies),
                "participants": r.participants,
                "result": r.result.to_dict() if r.result is not None else None,
                "why_not_pooled": r.why,
                "also_poolable": list(r.also_poolable),
            }
            for r in results
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not results:
        click.echo("no analyses yet (sysreview analysis add)")
    for r in results:
        click.echo(f"{r.analysis.id}: {_plan(r.analysis)}")
        click.echo(f"  {_pooled(r)}")


@analysis.command("studies")
@click.argument("id")
@click.option("--study", "studies", multiple=True, help="A study to pool (repeat).")
@review_commands.REVIEWER
@click.pass_context
def analysis_studies(ctx: click.Context, id: str, studies: tuple[str, ...], reviewer: str) -> None:
    """Set the studies analysis ID pools: those given, or (none given) the studies
    whose agreed outcome data it can pool together now."""
    with review_commands.open_review(ctx) as review:
        changed = review.set_analysis_studies(id, studies, by=reviewer)
        result = next(r for r in review.analysis_results() if r.analysis.id == id)
    click.echo(f"analysis {changed.id}: {_plan(changed)}")
    click.echo(f"  {_pooled(result)}")


@analysis.command("remove")
@click.argument("id")
@review_commands.REVIEWER
@click.pass_context
def analysis_remove(ctx: click.Context, id: str, reviewer: str) -> None:
    """Drop analysis ID (refused while a GRADE assessment rates it)."""
    with review_commands.open_review(ctx) as review:
        review.remove_analysis(id, by=reviewer)
    click.echo(f"analysis {id} removed")


def _plan(a: model.Analysis) -> str:
    at = f" at {a.timepoint}" if a.timepoint else ""
    method = f", {a.method}" if a.method else ""
    k = len(a.studies)
    return (
        f"{a.outcome} in {a.comparison}{at}: {a.measure}, {a.model} effects{method}, "
        f"{k} stud{'y' if k == 1 else 'ies'}"
    )


def _pooled(r: Any) -> str:
    more = (
        f"\n  agreed data it could pool, not in it: {', '.join(r.also_poolable)} "
        f"(sysreview analysis studies {r.analysis.id})"
        if r.also_poolable
        else ""
    )
    if r.result is None:
        return f"not pooled: {r.why}{more}"
    res = r.result
    est, lb, ub = res.estimate_exp, res.ci_lb_exp, res.ci_ub_exp
    people = f"{r.participants} participants; " if r.participants is not None else ""
    text = (
        f"{r.analysis.measure} {est:.2f} ({lb:.2f} to {ub:.2f}); {res.k} studies, {people}"
        f"I² {res.I2:.0f}%"
    )
    sub = r.subgroups
    if sub is not None and len(sub.groups) > 1:
        text += (
            f"\n  by subgroup ({', '.join(sub.groups)}): test for subgroup differences "
            f"χ² {sub.Q:.2f}, df {sub.Q_df}, P {sub.Q_p:.2f}"
        )
    return text + more


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def register(cli: click.Group) -> None:
    for group in (protocol, outcome, comparison, analysis):
        cli.add_command(group)
