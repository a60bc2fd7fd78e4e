"""The HTML report: searches, PRISMA flow, studies, risk of bias, exclusions and
Summary-of-Findings tables as recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2

from ..appraisal import rob1
from ..model import PrismaCounts, ReviewData, RobAssessment
from ..prisma import Finding

CERTAINTY_SYMBOLS = {"high": "⨁⨁⨁⨁", "moderate": "⨁⨁⨁◯", "low": "⨁⨁◯◯", "very_low": "⨁◯◯◯"}
CERTAINTY_LABELS = {"high": "High", "moderate": "Moderate", "low": "Low", "very_low": "Very low"}
JUDGEMENT_SYMBOLS = {"low": "+", "unclear": "?", "high": "−", "some_concerns": "!"}


@dataclass(frozen=True)
class RobRow:
    study: str
    label: str
    cells: tuple[RobAssessment | None, ...]


def _rob_rows(data: ReviewData) -> tuple[tuple[rob1.Domain, ...], list[RobRow]]:
    published = [a for a in data.risk_of_bias if a.consensus and a.tool == "rob1"]
    by_study: dict[str, dict[str, RobAssessment]] = {}
    for item in published:
        by_study.setdefault(item.study, {})[item.domain] = item
    labels = {s.id: s.label for s in data.studies}
    rows = [
        RobRow(study, labels.get(study, study), tuple(cells.get(d.code) for d in rob1.DOMAINS))
        for study, cells in by_study.items()
    ]
    rows.sort(key=lambda r: r.label.lower())
    return rob1.DOMAINS, rows


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_template_source),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = lambda n: "–" if n is None else f"{n:,}".replace(",", " ")
    env.globals["zip"] = zip
    return env


def _template_source(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def render_html(data: ReviewData, prisma: PrismaCounts, findings: Sequence[Finding] = ()) -> str:
    """The whole report as one self-contained HTML page."""
    domains, rob_rows = _rob_rows(data)
    reports_by_study: dict[str, list[Any]] = {}
    for report in data.reports:
        reports_by_study.setdefault(report.study, []).append(report)
    exclusion_groups: dict[str, list[Any]] = {}
    for exclusion in data.exclusions:
        exclusion_groups.setdefault(exclusion.group, []).append(exclusion)
    studies_per_comparison = {
        c.id: sum(1 for s in data.studies if c.id in s.comparisons)
        for c in data.protocol.comparisons
    }
    template = _environment().get_template("report.html")
    return template.render(
        d=data,
        review=data.review,
        prisma=prisma,
        findings=findings,
        domains=domains,
        rob_rows=rob_rows,
        reports_by_study=reports_by_study,
        exclusion_groups=exclusion_groups,
        studies_per_comparison=studies_per_comparison,
        study_labels={s.id: s.label for s in data.studies},
        certainty_symbols=CERTAINTY_SYMBOLS,
        certainty_labels=CERTAINTY_LABELS,
        judgement_symbols=JUDGEMENT_SYMBOLS,
        css=_template_source("report.css"),
    )
