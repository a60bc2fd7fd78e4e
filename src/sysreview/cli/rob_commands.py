"""``sysreview rob``: risk of bias judged independently by two assessors, then agreed:
questions, assess, status, conflicts, agree.  The same commands appraise listed
systematic reviews with AMSTAR 2 (``--tool amstar2``; STUDY is then the review)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from .. import appraisal
from . import review_commands

_TOOL = click.option(
    "--tool",
    default="rob2",
    show_default=True,
    help="rob2 (signalling questions and algorithm), rob1 or robins_i; amstar2 appraises "
    "a listed systematic review (STUDY is its id, DOMAIN an item such as 4 or Q9a).",
)
_VARIANT = click.option(
    "--variant",
    type=click.Choice(appraisal.rob2.VARIANTS),
    default=None,
    help="RoB 2's effect of interest, which sets domain 2's questions (default assignment).",
)


@click.group("rob")
def rob() -> None:
    """Risk of bias: each domain judged independently by two assessors (the protocol's
    screening_reviewers), agreements kept at once, conflicts settled by the team."""


@rob.command("questions")
@click.option("--domain", default=None, help="One domain (code or heading, e.g. D2).")
@_VARIANT
@click.option(
    "--tool",
    type=click.Choice(["rob2", appraisal.amstar2.TOOL]),
    default="rob2",
    show_default=True,
    help="rob2's signalling questions, or amstar2's items.",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def questions(domain: str | None, variant: str | None, tool: str, as_json: bool) -> None:
    """RoB 2's signalling questions, with the answers each allows (or AMSTAR 2's
    items, with their answers and which are critical domains)."""
    if tool == appraisal.amstar2.TOOL:
        _amstar2_items(domain, as_json)
        return
    chosen = variant or "assignment"
    domains = (appraisal.rob2.domain(domain, chosen),) if domain else appraisal.rob2.domains(chosen)
    if as_json:
        body = [
            {
                "domain": d.code,
                "heading": d.heading,
                "name": d.name_en,
                "questions": [
                    {
                        "id": q.id,
                        "text": q.text,
                        "options": list(q.options),
                        "asked_if": str(q.asked_if) if q.asked_if else None,
                    }
                    for q in d.questions
                ],
            }
            for d in domains
        ]
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    for d in domains:
        click.echo(f"{d.heading} {d.name_en} ({d.code})")
        for q in d.questions:
            when = f"({q.asked_if}) " if q.asked_if else ""
            click.echo(f"  {q.id}  {when}{q.text}  [{'/'.join(q.options)}]")


def _amstar2_items(code: str | None, as_json: bool) -> None:
    amstar2 = appraisal.amstar2
    try:
        items = (amstar2.item(code),) if code else amstar2.ITEMS
    except KeyError:
        raise click.BadParameter(
            f"no AMSTAR 2 item {code!r} (items: {', '.join(amstar2.ITEM_CODES)})",
            param_hint="--domain",
        ) from None
    if as_json:
        body = [
            {
                "item": i.code,
                "heading": i.heading,
                "name": i.name_en,
                "question": i.question,
                "options": list(i.answers),
                "critical": i.critical,
            }
            for i in items
        ]
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    for i in items:
        mark = (
            " (critical domain in Shea et al.; the protocol may choose others)"
            if i.critical
            else ""
        )
        click.echo(f"{i.heading} {i.name_en}{mark}")
        click.echo(f"  {i.question}  [{'/'.join(i.answers)}]")


def _judgement_options(command: Callable[..., None]) -> Callable[..., None]:
    """STUDY DOMAIN [--tool --judgement --answers --support --outcome --variant --reviewer]."""
    for option in reversed(
        (
            click.argument("study"),
            click.argument("domain"),
            _TOOL,
            click.option(
                "--judgement",
                default=None,
                help="low, some_concerns, high, ...; AMSTAR 2: yes, partial_yes, no, "
                "no_meta_analysis, not_applicable.",
            ),
            click.option(
                "--answers",
                default=None,
                help='RoB 2 signalling answers, e.g. "1.1=Y 1.2=PY 1.3=N" '
                "(the judgement then follows the tool's algorithm).",
            ),
            click.option(
                "--support",
                default=None,
                help="Support for the judgement (needed to depart from the algorithm).",
            ),
            click.option(
                "--outcome", default=None, help="The outcome (result) judged, if not all."
            ),
            _VARIANT,
            review_commands.REVIEWER,
            click.pass_context,
        )
    ):
        command = option(command)
    return command


@rob.command("assess")
@_judgement_options
def assess(ctx: click.Context, study: str, domain: str, **options: Any) -> None:
    """Record your judgement of STUDY's DOMAIN (a later one replaces yours)."""
    reviewer = options.pop("reviewer")
    with review_commands.open_review(ctx) as review:
        logged = review.assess_risk_of_bias(study, domain, assessor=reviewer, **options)
        where = next(
            p
            for p in review.risk_of_bias_positions(logged.tool)
            if (p.study, p.domain, p.outcome) == (logged.study, logged.domain, logged.outcome)
        )
    answers = f" ({logged.answers})" if logged.answers else ""
    label = _label(logged.study, logged.domain, logged.outcome)
    click.echo(f"{label}: {logged.judgement} by {reviewer}{answers}")
    if where.state == "settled":
        click.echo(f"agreed: {where.judgement} is now the review's judgement")
    elif where.state == "conflict":
        click.echo("the assessors disagree: a conflict for the team (sysreview rob conflicts)")


@rob.command("agree")
@_judgement_options
def agree(ctx: click.Context, study: str, domain: str, **options: Any) -> None:
    """Record the team's consensus on STUDY's DOMAIN (settles a conflict)."""
    reviewer = options.pop("reviewer")
    judgement = options.pop("judgement")
    with review_commands.open_review(ctx) as review:
        logged = review.agree_risk_of_bias(study, domain, judgement, by=reviewer, **options)
    click.echo(
        f"{_label(logged.study, logged.domain, logged.outcome)}: agreed {logged.judgement} "
        f"(settled by {reviewer})"
    )


@rob.command("status")
@click.option("--tool", default=None, help="Only this tool.")
@review_commands.REVIEWER
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def status(ctx: click.Context, tool: str | None, reviewer: str, as_json: bool) -> None:
    """Where every judged domain stands, with your own judgements (not others' until
    you have judged the same domain: assessors are blinded to each other)."""
    with review_commands.open_review(ctx) as review:
        found = review.risk_of_bias_positions(tool)
        seen = review.risk_of_bias_seen_by(reviewer)
        ratings = review.systematic_review_confidence() if tool in (None, "amstar2") else {}
    mine = {
        (a.study, a.tool, a.domain, a.outcome): a.judgement
        for a in seen
        if not a.consensus and a.assessor == reviewer
    }
    rows: list[dict[str, Any]] = [
        {
            "study": p.study,
            "tool": p.tool,
            "domain": p.domain,
            "outcome": p.outcome,
            "state": p.state,
            "judgement": p.judgement,
            "assessors": list(p.assessors),
            "yours": mine.get((p.study, p.tool, p.domain, p.outcome)),
        }
        for p in found
    ]
    confidence = [
        {
            "review": review_id,
            "tool": appraisal.amstar2.TOOL,
            "confidence": r.rating,
            "critical_flaws": list(r.critical_flaws),
            "weaknesses": list(r.weaknesses),
            "unanswered": list(r.unanswered),
        }
        for review_id, r in ratings.items()
    ]
    if as_json:
        body: Any = {"domains": rows, "confidence": confidence} if confidence else rows
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(
            f"{_label(row['study'], row['domain'], row['outcome'])}\t{row['tool']}\t"
            f"{row['state']}\t{row['judgement'] or '-'}\tyours: {row['yours'] or '-'}\t"
            f"by {', '.join(row['assessors']) or '-'}"
        )
    counts = {s: sum(r["state"] == s for r in rows) for s in ("settled", "conflict", "awaiting")}
    click.echo(", ".join(f"{n} {s}" for s, n in counts.items()))
    for c in confidence:
        click.echo(f"{c['review']}: AMSTAR 2 confidence {_confidence(c)}")


def _confidence(c: dict[str, Any]) -> str:
    """``low (critical flaw: item 7; weaknesses: items 3, 10)``, or ``not yet rated
    (2 items to agree; critical flaw: item 7)``."""
    why = []
    left = len(c["unanswered"])
    if c["confidence"] is None:
        why.append(f"{left} item{'' if left == 1 else 's'} to agree")
    for key, one, many in (
        ("critical_flaws", "critical flaw", "critical flaws"),
        ("weaknesses", "weakness", "weaknesses"),
    ):
        items = c[key]
        if items:
            label, noun = (one, "item") if len(items) == 1 else (many, "items")
            why.append(f"{label}: {noun} {', '.join(map(str, items))}")
    found = c["confidence"] or "not yet rated"
    return found + (f" ({'; '.join(why)})" if why else "")


@rob.command("conflicts")
@click.option("--tool", default=None, help="Only this tool.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def conflicts(ctx: click.Context, tool: str | None, as_json: bool) -> None:
    """Domains whose assessors disagree, with each one's judgement, answers and support."""
    with review_commands.open_review(ctx) as review:
        found = review.risk_of_bias_conflicts(tool)
    rows: list[dict[str, Any]] = []
    for p, judged in found:
        rows.append(
            {
                "study": p.study,
                "tool": p.tool,
                "domain": p.domain,
                "outcome": p.outcome,
                "judgements": {
                    a.assessor: {
                        "judgement": a.judgement,
                        "answers": a.answers,
                        "support": a.support,
                    }
                    for a in judged
                },
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        votes = "; ".join(
            f"{who}: {j['judgement']}" + (f" ({j['answers']})" if j["answers"] else "")
            for who, j in row["judgements"].items()
        )
        click.echo(f"{_label(row['study'], row['domain'], row['outcome'])}\t{votes}")
    click.echo(f"{len(rows)} conflict" + ("" if len(rows) == 1 else "s"))


def _label(study: str, domain: str, outcome: str | None) -> str:
    return f"{study} {domain}" + (f" [{outcome}]" if outcome else "")


def register(cli: click.Group) -> None:
    cli.add_command(rob)
