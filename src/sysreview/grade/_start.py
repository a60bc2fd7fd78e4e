"""Starting GRADE from the analyses, as GRADEpro does when it imports a RevMan file:
one certainty assessment per analysis and a row for it in its comparison's
Summary-of-Findings table, so the numbers come from the data and nobody retypes them.

The evidence starts where its design puts it (randomised trials high, other designs
low unless their risk of bias was assessed with ROBINS-I/E) and every domain is "not
serious" until the reviewers judge it (``grade suggest`` proposes each from the data).
An analysis that already has an assessment keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..errors import DataError
from ..model import (
    Analysis,
    CertaintyAssessment,
    Comparison,
    ReviewData,
    SofRow,
    SofTable,
    StudyDesign,
    free_id,
)
from ._certainty import ROBINS_TOOLS, rate

_COMPARED = {"nb": "sammenlignet med", "nn": "samanlikna med"}


def start(
    data: ReviewData, analyses: Sequence[str] = (), *, design: StudyDesign | None = None
) -> tuple[ReviewData, tuple[CertaintyAssessment, ...]]:
    """Assessments and Summary-of-Findings rows for ``analyses`` (all when empty) that
    have none yet; returns the new data and the assessments made.

    ``design`` is where the evidence starts; without it, each analysis' studies say
    (:func:`design_of`).  An analysis without studies has no evidence to rate: named,
    it is refused; otherwise it is passed over (GRADEpro shows no certainty for an
    outcome without studies, not "high")."""
    known = {a.id: a for a in data.analyses}
    unknown = [a for a in analyses if a not in known]
    if unknown:
        raise DataError(
            f"no analysis {', '.join(map(repr, unknown))} in this review",
            hint=f"known: {', '.join(list(known)[:8])}{' …' if len(known) > 8 else ''}",
        )
    empty = [a for a in analyses if not known[a].studies]
    if empty:
        raise DataError(
            f"analysis {empty[0]!r} has no studies: there is no evidence to rate yet",
            hint=f"give it its studies first (sysreview analysis studies {empty[0]})",
        )
    assessed = {a.analysis for a in data.certainty if a.analysis}
    chosen = [known[a] for a in dict.fromkeys(analyses)] if analyses else list(data.analyses)
    made: list[CertaintyAssessment] = []
    tables = list(data.sof_tables)
    taken = {a.id for a in data.certainty}
    for analysis in chosen:
        if analysis.id in assessed or not analysis.studies:
            continue
        starts = design or design_of(data, analysis)
        assessment = _assessment(data, analysis, starts, free_id(analysis.id, taken))
        taken.add(assessment.id)
        made.append(assessment)
        tables = _with_row(data, tables, analysis, assessment)
    return (
        replace(data, certainty=(*data.certainty, *made), sof_tables=tuple(tables)),
        tuple(made),
    )


#: words in a study's recorded design, and where the evidence of such studies starts
_DESIGN_WORDS: tuple[tuple[tuple[str, ...], StudyDesign], ...] = (
    (("non-random", "nonrandom", "non random", "quasi", "nrsi", "before-after",
      "before and after", "interrupted time"), "non_randomised"),
    (("rct", "randomi", "randomly"), "rct"),
    (("cohort", "case-control", "case control", "cross-sectional", "observational",
      "registry", "register"), "observational"),
)  # fmt: skip


def design_of(data: ReviewData, analysis: Analysis) -> StudyDesign:
    """Where an analysis' evidence starts, from its studies' recorded designs: trials
    ("RCT", "randomised controlled trial") start high; when every study with a design
    recorded is non-randomised or observational, the evidence is of that kind.  No
    design recorded, or a mix with trials: randomised, as GRADEpro assumes for a
    RevMan analysis."""
    kinds: set[StudyDesign] = set()
    for study in data.studies:
        if study.id in analysis.studies and study.design:
            words = study.design.lower()
            found = next(
                (kind for keys, kind in _DESIGN_WORDS if any(k in words for k in keys)), None
            )
            if found is not None:
                kinds.add(found)
    if not kinds or "rct" in kinds:
        return "rct"
    return "non_randomised" if "non_randomised" in kinds else "observational"


def _assessment(
    data: ReviewData, analysis: Analysis, design: StudyDesign, ident: str
) -> CertaintyAssessment:
    robins = any(
        r.tool.lower() in ROBINS_TOOLS and r.consensus
        for r in data.risk_of_bias
        if r.study in analysis.studies
    )
    draft = CertaintyAssessment(
        id=ident,
        comparison=analysis.comparison,
        outcome=analysis.outcome,
        certainty="high",
        timepoint=analysis.timepoint,
        analysis=analysis.id,
        design=design,
    )
    return replace(draft, certainty=rate(draft, robins=robins).level)  # type: ignore[arg-type]


def _with_row(
    data: ReviewData, tables: list[SofTable], analysis: Analysis, assessment: CertaintyAssessment
) -> list[SofTable]:
    """``tables`` with a row for ``assessment`` in its comparison's table (the first
    one, or a new one named as GRADEpro names it: "X compared to Y")."""
    outcome = next(o for o in data.protocol.outcomes if o.id == analysis.outcome)
    label = f"{outcome.name}, {analysis.timepoint}" if analysis.timepoint else outcome.name
    label_en = (
        f"{outcome.name_en}, {analysis.timepoint}"
        if outcome.name_en and analysis.timepoint
        else outcome.name_en
    )
    at = next((i for i, t in enumerate(tables) if t.comparison == analysis.comparison), None)
    if at is None:
        comparison = next(c for c in data.protocol.comparisons if c.id == analysis.comparison)
        tables.append(_table(data, comparison, {t.id for t in tables}))
        at = len(tables) - 1
    table = tables[at]
    row = SofRow(
        id=free_id(assessment.id, {r.id for t in tables for r in t.rows}),
        outcome=analysis.outcome,
        label=label,
        label_en=label_en,
        certainty=assessment.certainty,
        timepoint=analysis.timepoint,
        measure=analysis.measure,
        assessment=assessment.id,
    )
    tables[at] = replace(table, rows=(*table.rows, row))
    return tables


def _table(data: ReviewData, comparison: Comparison, taken: set[str]) -> SofTable:
    compared = _COMPARED.get(data.review.language, "compared to")
    return SofTable(
        id=free_id(f"sof-{comparison.id}", taken),
        title=f"{comparison.intervention} {compared} {comparison.comparator}",
        comparison=comparison.id,
        intervention=comparison.intervention,
        control=comparison.comparator,
    )
