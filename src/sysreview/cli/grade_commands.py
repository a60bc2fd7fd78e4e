"""``sysreview grade suggest|set|show``, ``sysreview sof``, ``sysreview audit`` and
``sysreview swim``: GRADE certainty, Summary-of-Findings tables computed from the
review's data, the audit of recorded numbers, and SWiM vote counting."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click

from .. import grade, model
from . import review_commands

_LANG = click.option(
    "--lang", type=click.Choice(["en", "nb"]), default="en", show_default=True,
    help="Language of the text (English or Norwegian bokmål).",
)  # fmt: skip
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.group("grade")
def grade_group() -> None:
    """Certainty of evidence per outcome (GRADE): the tool suggests, reviewers judge."""


@grade_group.command("suggest")
@click.argument("assessment", required=False)
@_LANG
@click.option("--rrr", type=float, default=0.25, show_default=True,
              help="Relative risk reduction for the optimal information size.")  # fmt: skip
@click.option("--alpha", type=float, default=0.05, show_default=True)
@click.option("--beta", type=float, default=0.20, show_default=True)
@_JSON
@click.pass_context
def suggest(
    ctx: click.Context,
    assessment: str | None,
    lang: str,
    rrr: float,
    alpha: float,
    beta: float,
    as_json: bool,
) -> None:
    """Suggest each domain from the data, beside the current judgement (the
    suggestions are logged; the judgements stay the reviewers')."""
    with review_commands.open_review(ctx) as review:
        found = review.grade_suggest(assessment, lang=lang, rrr=rrr, alpha=alpha, beta=beta)
        current = {a.id: a for a in review.data().certainty}
    if as_json:
        out = {
            a: [
                s.to_dict() | {"judgement": grade.judgements(current[a])[s.domain]}
                for s in suggestions
            ]
            for a, suggestions in found.items()
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for a, suggestions in found.items():
        click.echo(f"{a} ({current[a].certainty})")
        judged = grade.judgements(current[a])
        for s in suggestions:
            mark = "" if s.level is None or s.level == judged[s.domain] else "  ≠"
            click.echo(
                f"  {s.domain:<22} judged {judged[s.domain]:<14} "
                f"suggested {s.level or '(reviewers)'}{mark}"
            )
            click.echo(f"      {s.reason}")


@grade_group.command("start")
@click.argument("analyses", nargs=-1)
@click.option(
    "--design",
    type=click.Choice(["rct", "non_randomised", "observational"]),
    help="The design of the studies: where the evidence starts (high, or low). "
    "Default: the studies' recorded designs (extract study --design); randomised "
    "where none is recorded.",
)
@review_commands.REVIEWER
@click.pass_context
def start(ctx: click.Context, analyses: tuple[str, ...], design: str | None, reviewer: str) -> None:
    """Start GRADE for ANALYSES (default: every analysis without an assessment), as
    GRADEpro does on importing a RevMan file: an assessment per analysis and a row in
    its comparison's Summary-of-Findings table, the numbers taken from the data."""
    with review_commands.open_review(ctx) as review:
        made = review.grade_start(analyses, design=design, reviewer=reviewer)
        rows = {r.assessment: t.id for t in review.data().sof_tables for r in t.rows}
    if not made:
        click.echo("nothing to start: every analysis has an assessment already, or no studies")
    for a in made:
        click.echo(f"{a.id}: starts {a.certainty} ({a.design}); a row in {rows.get(a.id)}")
    if made:
        click.echo("next: grade suggest, then grade set DOMAIN LEVEL --footnote ... for each")


@grade_group.command("set")
@click.argument("assessment")
@click.argument("domain", type=click.Choice(model.choices(model.GradeDomain)))
@click.argument("level")
@click.option("--footnote", help="Why (required when the judgement moves the certainty).")
@review_commands.REVIEWER
@click.pass_context
def set_(
    ctx: click.Context,
    assessment: str,
    domain: str,
    level: str,
    footnote: str | None,
    reviewer: str,
) -> None:
    """Judge one DOMAIN of an ASSESSMENT: not_serious|serious|very_serious
    (imprecision also extremely_serious), or none|one|two to rate up."""
    with review_commands.open_review(ctx) as review:
        change = review.grade_set(assessment, domain, level, reviewer=reviewer, footnote=footnote)
    moved = (
        f"{change.before} -> {change.after}"
        if change.before != change.after
        else f"stays {change.after}"
    )
    click.echo(f"{assessment}: {domain} {level} (by {reviewer}); certainty {moved}")


@grade_group.command("show")
@click.argument("assessment", required=False)
@_LANG
@_JSON
@click.pass_context
def show(ctx: click.Context, assessment: str | None, lang: str, as_json: bool) -> None:
    """Each assessment's judgements, the certainty they give, the latest
    suggestions and who changed what."""
    with review_commands.open_review(ctx) as review:
        data = review.data()
    chosen = [grade.find(data, assessment)] if assessment else list(data.certainty)
    out: list[dict[str, Any]] = []
    for a in chosen:
        rating = grade.rate(a)
        latest = grade.latest_suggestions(data, a.id)
        out.append(
            {
                "assessment": a.id,
                "comparison": a.comparison,
                "outcome": a.outcome,
                "timepoint": a.timepoint,
                "analysis": a.analysis,
                "design": a.design,
                "start": rating.start,
                "certainty": rating.level,
                "recorded_certainty": a.certainty,
                "symbols": rating.symbols,
                "domains": {
                    d: {
                        "level": grade.judgements(a)[d],
                        "footnote": getattr(a, d).footnote,
                        "suggested": latest[d].level if d in latest else None,
                        "reason": latest[d].reason if d in latest else None,
                    }
                    for d in grade.DOMAINS
                },
                "history": [
                    {
                        "sequence": j.sequence,
                        "domain": j.domain,
                        "level": j.level,
                        "source": j.source,
                        "author": j.author,
                        "at": j.decided_at,
                        "reason": j.reason,
                    }
                    for j in grade.history(data, a.id)
                ],
            }
        )
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for item in out:
        label = grade.certainty_label(item["certainty"], lang)
        click.echo(
            f"{item['assessment']}: {item['symbols']} {label} "
            f"(start {item['start']}; {item['outcome']} {item['timepoint'] or ''})".rstrip()
        )
        if item["certainty"] != item["recorded_certainty"]:
            click.echo(f"  ! recorded as {item['recorded_certainty']}")
        for d, v in item["domains"].items():
            suggested = f"  [suggested {v['suggested']}]" if v["suggested"] else ""
            note = f" — {v['footnote']}" if v["footnote"] else ""
            click.echo(f"  {d:<22} {v['level']}{suggested}{note}")
        for h in item["history"]:
            click.echo(
                f"  #{h['sequence']} {h['at'] or ''} {h['source']} by {h['author']}: "
                f"{h['domain']} {h['level']}"
            )


@click.command("sof")
@click.argument("table", required=False)
@_LANG
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text",
              show_default=True)  # fmt: skip
@click.option("--per", type=click.Choice(["100", "1000", "100000"]),
              help="Absolute effects per 100, 1000 or 100000 (default: the row's).")  # fmt: skip
@click.option("--baseline", type=click.Choice(["pooled", "median"]), default="pooled",
              show_default=True,
              help="Control risk where the reviewers gave none: pooled or median.")  # fmt: skip
@click.option("--nnt", is_flag=True, help="Add the number needed to treat.")
@click.option("--profile", is_flag=True, help="GRADEpro's evidence-profile layout instead.")
@click.option("--compare", is_flag=True, help="Show each cell as recorded under the computed one.")
@click.pass_context
def sof(
    ctx: click.Context,
    table: str | None,
    lang: str,
    fmt: str,
    per: str | None,
    baseline: str,
    nnt: bool,
    profile: bool,
    compare: bool,
) -> None:
    """Summary-of-Findings tables rebuilt from the review's data (or TABLE only)."""
    with review_commands.open_review(ctx) as review:
        tables = review.summary_of_findings(
            lang=lang,
            per=int(per) if per else None,
            baseline=baseline,
            nnt=nnt,
            table=table,
        )
    if profile:
        rows, columns = grade.evidence_profile(tables), grade.PROFILE_COLUMNS
    else:
        rows, columns = grade.flat_rows(tables), grade.CSV_COLUMNS
    if fmt == "json":
        payload: Any = rows if profile else [t.to_dict() for t in tables]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif fmt == "csv" or profile:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo("\n".join(grade.to_text(t, compare=compare) for t in tables), nl=False)


@click.command("audit")
@_JSON
@click.option("--strict", is_flag=True, help="Exit with status 1 when anything disagrees.")
@click.pass_context
def audit(ctx: click.Context, as_json: bool, strict: bool) -> None:
    """Check the recorded SoF numbers, certainty and footnotes against what the
    review's own data give, and the PRISMA arithmetic."""
    with review_commands.open_review(ctx) as review:
        found = review.audit()
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in found], ensure_ascii=False, indent=2))
    else:
        for d in found:
            click.echo(f"{d.where}: {d.what}: recorded {d.recorded}; computed {d.computed}")
            if d.note:
                click.echo(f"    {d.note}")
        click.echo(f"{len(found)} discrepanc{'y' if len(found) == 1 else 'ies'}")
    if strict and found:
        ctx.exit(1)


@click.command("swim")
@click.option("--comparison", "comparison_label", help="Only rows with this comparison label.")
@click.option("--ci", type=click.Choice(["wilson", "clopper-pearson"]), default="wilson",
              show_default=True)  # fmt: skip
@_LANG
@_JSON
@click.pass_context
def swim(
    ctx: click.Context, comparison_label: str | None, ci: str, lang: str, as_json: bool
) -> None:
    """Vote counting by direction of effect (SWiM) per outcome domain, with the sign
    test and a CI for the proportion favouring the intervention."""
    with review_commands.open_review(ctx) as review:
        rows = review.data().trends
    counts = grade.vote_count(rows, comparison_label=comparison_label, method=ci)  # type: ignore[arg-type]
    if as_json:
        plot = grade.effect_direction_plot(rows, comparison_label=comparison_label)
        click.echo(
            json.dumps(
                {
                    "votes": [c.__dict__ for c in counts],
                    "plot": {"domains": list(plot.domains),
                             "rows": [[s, list(cells)] for s, cells in plot.rows]},
                },
                ensure_ascii=False,
                indent=2,
            )
        )  # fmt: skip
        return
    for c in counts:
        click.echo(f"{c.domain}: {c.describe(lang)}")


def register(cli: click.Group) -> None:
    for command in (grade_group, sof, audit, swim):
        cli.add_command(command)
