"""What the data say about one certainty assessment: the body of evidence GRADE rates.

For an assessment tied to an analysis whose studies all have arm-level data, the
analysis is recomputed with the statistics core (RevMan 5's conventions, the
review's tool of record: Mantel-Haenszel for dichotomous data, DerSimonian-Laird τ²
for random effects).  Otherwise the pooled result the review reports is used, and
for a single-study row the Summary-of-Findings row's own numbers.  ``source`` says
which, so a reader knows what every later number rests on.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .. import stats
from ..errors import DataError, SysreviewError
from ..model import (
    Analysis,
    CertaintyAssessment,
    Outcome,
    OutcomeData,
    ReviewData,
    RobAssessment,
    SofRow,
)
from ._certainty import ROBINS_TOOLS

RATIO = frozenset({"RR", "OR", "HR", "PETO", "IRR", "ROM"})


@dataclass(frozen=True)
class Evidence:
    """The numbers behind one assessment (effects on their natural scale)."""

    assessment: CertaintyAssessment
    outcome: Outcome
    source: str  # "computed" | "reported" | "row" | "none"
    measure: str | None = None
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    k: int | None = None
    participants: int | None = None
    i2: float | None = None
    tau2: float | None = None
    q_p: float | None = None
    pi_lb: float | None = None
    pi_ub: float | None = None
    studies: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    study_ci: tuple[tuple[float, float], ...] = ()
    control_risks: tuple[float, ...] = ()
    control_risk_pooled: float | None = None
    control_mean: float | None = None
    control_sd: float | None = None
    egger_p: float | None = None
    robins: bool = False
    risk_of_bias: tuple[RobAssessment, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def is_ratio(self) -> bool:
        return self.measure in RATIO

    @property
    def null(self) -> float:
        return 1.0 if self.is_ratio else 0.0

    @property
    def control_risk_median(self) -> float | None:
        return statistics.median(self.control_risks) if self.control_risks else None


def gather(data: ReviewData, assessment: CertaintyAssessment) -> Evidence:
    """The evidence for ``assessment`` from the review's analyses, study data and
    Summary-of-Findings row."""
    outcome = next((o for o in data.protocol.outcomes if o.id == assessment.outcome), None)
    if outcome is None:
        raise DataError(f"certainty {assessment.id}: no outcome {assessment.outcome!r}")
    analysis = next((a for a in data.analyses if a.id == assessment.analysis), None)
    row = next((r for t in data.sof_tables for r in t.rows if r.assessment == assessment.id), None)
    study_ids = analysis.studies if analysis is not None else ()
    rob = tuple(r for r in data.risk_of_bias if r.study in study_ids and r.consensus)
    robins = any(r.tool.lower() in ROBINS_TOOLS for r in rob)
    base = Evidence(assessment, outcome, "none", risk_of_bias=rob, robins=robins)
    if analysis is not None:
        rows = pooled_rows(data, analysis)
        if rows is not None:
            return _computed(base, analysis, rows)
        if analysis.reported is not None and analysis.reported.estimate is not None:
            r = analysis.reported
            return _replace(
                base,
                source="reported",
                measure=analysis.measure,
                estimate=r.estimate,
                ci_lb=r.ci_lb,
                ci_ub=r.ci_ub,
                k=r.studies,
                participants=r.participants,
                i2=r.i2,
                tau2=r.tau2,
                q_p=r.p_heterogeneity,
                studies=study_ids,
                settings={"model": analysis.model, "method": analysis.method},
            )
    if row is not None:
        return _from_row(base, row)
    return base


def for_row(data: ReviewData, row: SofRow) -> Evidence:
    """The evidence of a Summary-of-Findings row without an assessment: its own
    numbers (a single study's estimate, or none for a narrative row)."""
    outcome = next((o for o in data.protocol.outcomes if o.id == row.outcome), None)
    if outcome is None:
        raise DataError(f"SoF row {row.id}: no outcome {row.outcome!r}")
    stand_in = CertaintyAssessment(
        id=row.id, comparison="", outcome=row.outcome, certainty=row.certainty
    )
    return _from_row(Evidence(stand_in, outcome, "none"), row)


def _replace(evidence: Evidence, **changes: Any) -> Evidence:
    return replace(evidence, **changes)


def _from_row(base: Evidence, row: SofRow) -> Evidence:
    return _replace(
        base,
        source="row" if row.estimate is not None else "none",
        measure=row.measure,
        estimate=row.estimate,
        ci_lb=row.ci_lb,
        ci_ub=row.ci_ub,
        k=row.studies,
        participants=row.participants,
    )


def _study_rows(
    outcome_data: tuple[OutcomeData, ...], analysis: Analysis, *, generic: bool = False
) -> list[OutcomeData] | None:
    """One arm-level row per study of the analysis (with ``generic``: one reported
    estimate with its CI, in the analysis' measure), or None if any study lacks one."""
    if not analysis.studies:
        return None
    found: list[OutcomeData] = []
    for study in analysis.studies:
        candidates = _candidates(outcome_data, analysis, study, generic)
        if len(candidates) != 1:
            return None
        found.append(candidates[0])
    return found


def _candidates(
    outcome_data: tuple[OutcomeData, ...], analysis: Analysis, study: str, generic: bool
) -> list[OutcomeData]:
    """The rows of ``study`` that ``analysis`` could pool: its outcome, comparison and
    time point, arm-level (or, ``generic``, a reported estimate in its measure)."""
    return [
        d
        for d in outcome_data
        if d.study == study
        and d.outcome == analysis.outcome
        and d.comparison in (None, analysis.comparison)
        and d.timepoint == analysis.timepoint
        and (_estimate_level(d, analysis.measure) if generic else _arm_level(d))
    ]


def _estimate_level(d: OutcomeData, measure: str) -> bool:
    """A reported effect the generic inverse-variance method can pool: an estimate in
    ``measure`` with a CI around it (positive, for a ratio)."""
    if d.data_type != "estimate" or (d.measure or "").upper() != measure.upper():
        return False
    if d.estimate is None or d.ci_lb is None or d.ci_ub is None:
        return False
    if measure.upper() in RATIO and min(d.estimate, d.ci_lb, d.ci_ub) <= 0:
        return False
    return d.ci_lb < d.estimate < d.ci_ub


def _arm_level(d: OutcomeData) -> bool:
    if d.data_type == "dichotomous":
        return None not in (d.events_1, d.n_1, d.events_2, d.n_2)
    if d.data_type == "continuous":
        return None not in (d.mean_1, d.sd_1, d.n_1, d.mean_2, d.sd_2, d.n_2)
    return False


def study_rows(data: ReviewData, analysis: Analysis) -> list[OutcomeData] | None:
    """The arm-level row of each study of ``analysis``, or None if any lacks one."""
    return _study_rows(data.outcome_data, analysis)


def pooled_rows(data: ReviewData, analysis: Analysis) -> list[OutcomeData] | None:
    """The rows ``analysis`` pools: each study's arm-level row where every study has
    one, else each study's reported estimate with its CI (generic inverse variance,
    RevMan's "O-E and variance / generic" outcomes); failing both, the same with a row
    per study and subgroup (a study reported by subgroup); else None.  Rows that all
    name a subgroup (``group``) are pooled by subgroup (:func:`pool`)."""
    rows = data.outcome_data
    return (
        _study_rows(rows, analysis)
        or _study_rows(rows, analysis, generic=True)
        or _grouped_rows(rows, analysis)
        or _grouped_rows(rows, analysis, generic=True)
    )


def poolable_studies(data: ReviewData, analysis: Analysis) -> tuple[str, ...]:
    """Of ``analysis.studies``, the most that :func:`pooled_rows` pools together, in
    their order: those with one arm-level row, with one reported estimate in the
    analysis' measure, or with rows by subgroup (arm-level, then estimates); a tie
    goes to the earlier kind.  A study whose data the analysis cannot pool (a median
    only, an estimate in another measure) is left for the reviewers to add by name."""
    rows = data.outcome_data

    def one(study: str, generic: bool) -> bool:
        return len(_candidates(rows, analysis, study, generic)) == 1

    def grouped(study: str, generic: bool) -> bool:
        groups = [d.group for d in _candidates(rows, analysis, study, generic)]
        return bool(groups) and None not in groups and len(set(groups)) == len(groups)

    kinds: list[tuple[str, ...]] = [
        tuple(s for s in analysis.studies if test(s, generic))
        for test in (one, grouped)
        for generic in (False, True)
    ]
    return max(kinds, key=len)


def _grouped_rows(
    outcome_data: tuple[OutcomeData, ...], analysis: Analysis, *, generic: bool = False
) -> list[OutcomeData] | None:
    """Each study's rows, one per subgroup, where every row names its subgroup."""
    if not analysis.studies:
        return None
    found: list[OutcomeData] = []
    for study in analysis.studies:
        candidates = _candidates(outcome_data, analysis, study, generic)
        groups = [d.group for d in candidates]
        if not candidates or None in groups or len(set(groups)) != len(groups):
            return None
        found.extend(candidates)
    return found


def pool(analysis: Analysis, rows: list[OutcomeData]) -> stats.MetaReport:
    """Pool an analysis' arm-level rows as RevMan 5 does (its tool of record):
    Mantel-Haenszel for dichotomous data unless the analysis names a method,
    inverse variance with DerSimonian-Laird τ² for continuous data under random
    effects; reported estimates by generic inverse variance (each one's SE from its
    CI, on the log scale for a ratio; the result keeps the analysis' measure, so it is
    shown exponentiated); Egger's test where there are ten studies or more.

    Rows that all name a subgroup are also pooled subgroup by subgroup with the same
    method (RevMan 5: a separate τ² per subgroup), with the test for subgroup
    differences (``report.subgroups``; None when a subgroup cannot be pooled alone);
    the result stays that of all rows together."""
    groups = [d.group for d in rows]
    if rows and None not in groups:
        names = list(dict.fromkeys(g for g in groups if g is not None))
        overall = _pooled(analysis, rows)
        try:
            parts = [_pooled(analysis, [d for d in rows if d.group == g]).result for g in names]
        except SysreviewError:  # a subgroup that cannot be pooled alone (no events at all)
            return overall
        method = overall.options.method
        return replace(overall, subgroups=stats.subgroup_differences(names, parts, method=method))
    return _pooled(analysis, rows)


def _pooled(analysis: Analysis, rows: list[OutcomeData]) -> stats.MetaReport:
    if rows[0].data_type == "estimate":
        return _generic(analysis, rows)
    dichotomous = rows[0].data_type == "dichotomous"
    if any((d.data_type == "dichotomous") != dichotomous for d in rows):
        raise DataError(f"analysis {analysis.id}: its studies mix dichotomous and continuous data")
    columns: dict[str, Any]
    if dichotomous:
        columns = {
            "ai": [d.events_1 for d in rows],
            "n1i": [d.n_1 for d in rows],
            "ci": [d.events_2 for d in rows],
            "n2i": [d.n_2 for d in rows],
        }
        method = analysis.method or ("MH" if analysis.measure in ("RR", "OR", "RD") else "DL")
    else:
        columns = {
            "m1i": [d.mean_1 for d in rows],
            "sd1i": [d.sd_1 for d in rows],
            "n1i": [d.n_1 for d in rows],
            "m2i": [d.mean_2 for d in rows],
            "sd2i": [d.sd_2 for d in rows],
            "n2i": [d.n_2 for d in rows],
        }
        method = analysis.method or ("DL" if analysis.model == "random" else "FE")
    options = stats.options_for(
        "revman5", measure=analysis.measure, method=method, model=analysis.model
    )
    try:
        return stats.meta_analysis(
            columns, options, study=[d.study for d in rows], small_study=len(rows) >= 10
        )
    except SysreviewError as exc:
        raise DataError(f"analysis {analysis.id}: {exc}") from None


def _generic(analysis: Analysis, rows: list[OutcomeData]) -> stats.MetaReport:
    """Generic inverse variance: y and its SE from each reported estimate and CI
    (``stats.yi_from_ci``, ``stats.se_from_ci``: on the log scale for ratios)."""
    if any(d.data_type != "estimate" for d in rows):
        raise DataError(f"analysis {analysis.id}: its studies mix estimates and arm-level data")
    ratio = analysis.measure.upper() in RATIO
    lower = [_v(d.ci_lb) for d in rows]
    upper = [_v(d.ci_ub) for d in rows]
    yi = stats.yi_from_ci([_v(d.estimate) for d in rows], lower, upper, log=ratio)
    sei = [
        float(stats.se_from_ci([lo], [hi], level=d.ci_level or 95.0, log=ratio)[0])
        for d, lo, hi in zip(rows, lower, upper, strict=True)
    ]
    method = analysis.method or ("DL" if analysis.model == "random" else "FE")
    if method in ("MH", "PETO"):
        raise DataError(
            f"analysis {analysis.id}: {method} needs 2×2 counts; reported estimates are "
            "pooled by inverse variance"
        )
    options = stats.options_for("revman5", measure="GEN", method=method, model=analysis.model)
    try:
        report = stats.meta_analysis(
            {"yi": list(yi), "sei": sei},
            options,
            study=[d.study for d in rows],
            small_study=len(rows) >= 10,
        )
    except SysreviewError as exc:
        raise DataError(f"analysis {analysis.id}: {exc}") from None
    shown = replace(report.result, measure=analysis.measure.upper())
    return replace(report, result=shown)


def _computed(base: Evidence, analysis: Analysis, rows: list[OutcomeData]) -> Evidence:
    dichotomous = rows[0].data_type == "dichotomous"
    report = pool(analysis, rows)
    options = report.options
    res = report.result
    back = res.back
    yi, vi = np.asarray(res.yi, float), np.asarray(res.vi, float)
    z = 1.959963984540054
    study_ci = tuple(
        (_num(back(float(y - z * math.sqrt(v)))), _num(back(float(y + z * math.sqrt(v)))))
        for y, v in zip(yi, vi, strict=True)
        if np.isfinite(y) and np.isfinite(v)
    )
    generic = rows[0].data_type == "estimate"
    control = (
        [(_v(d.events_2), _v(d.n_2)) if dichotomous else (0.0, _v(d.n_2)) for d in rows]
        if not generic
        else []
    )
    risks = tuple(e / n for e, n in control if n) if dichotomous else ()
    pooled_risk = sum(e for e, _ in control) / sum(n for _, n in control) if dichotomous else None
    egger = report.egger.get("classic_lm") if report.egger else None
    control_mean = control_sd = None
    if not dichotomous and not generic:
        control_mean = statistics.median(_v(d.mean_2) for d in rows)
        control_sd = math.sqrt(
            sum((_v(d.n_2) - 1) * _v(d.sd_2) ** 2 for d in rows) / sum(_v(d.n_2) - 1 for d in rows)
        )
    return _replace(
        base,
        source="computed",
        measure=res.measure,
        estimate=back(res.estimate),
        ci_lb=back(res.ci_lb),
        ci_ub=back(res.ci_ub),
        k=res.k,
        participants=participants(rows),
        i2=res.I2,
        tau2=res.tau2,
        q_p=res.Q_p,
        pi_lb=back(res.pi_higgins_lb),
        pi_ub=back(res.pi_higgins_ub),
        studies=tuple(d.study for d in rows),
        weights=tuple(float(w) for w in res.weights),
        study_ci=study_ci,
        control_risks=risks,
        control_risk_pooled=pooled_risk,
        control_mean=control_mean,
        control_sd=control_sd,
        egger_p=egger.p if egger is not None else None,
        settings=options.to_dict(),
    )


def participants(rows: list[OutcomeData]) -> int | None:
    """The participants of pooled rows (None when a reported estimate does not say
    how many it rests on)."""
    counts = [(d.n_1, d.n_2) for d in rows]
    if any(n1 is None or n2 is None for n1, n2 in counts):
        return None
    return int(sum((n1 or 0) + (n2 or 0) for n1, n2 in counts))


def _v(value: float | None) -> float:
    """A value ``_arm_level`` has checked is there."""
    assert value is not None
    return float(value)


def _num(value: float | None) -> float:
    return float("nan") if value is None else value
