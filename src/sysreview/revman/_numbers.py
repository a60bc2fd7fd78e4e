"""The analyses as RevMan 5 holds them: comparisons numbered 1, 2, ..., their
dichotomous and continuous outcomes numbered within them, and the numbers RevMan
calculates for each outcome and study (RevMan 5's conventions: :func:`sysreview.grade.pool`).

The ``.rm5`` file and the "Data and analyses" table render the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .. import grade
from ..errors import DataError
from ..model import Analysis, Comparison, OutcomeData, ReviewData, Study
from ._vocab import CONTINUOUS_MEASURES, DICHOTOMOUS_MEASURES, METHODS, PETO_OR, graph_labels

_Z95 = 1.959963984540054


@dataclass(frozen=True)
class RevManFile:
    """What was written: the text, the analyses in it, and those left out with why."""

    text: str
    analyses: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]


class Texts:
    """A model object's text in the chosen language: ``name_en`` over ``name`` when
    ``lang`` is English."""

    def __init__(self, lang: str) -> None:
        self.english = lang == "en"

    def __call__(self, item: object, name: str) -> str:
        own = getattr(item, name, None)
        if self.english:
            english = getattr(item, f"{name}_en", None)
            if english:
                return str(english)
        return "" if own is None else str(own)


@dataclass(frozen=True)
class StudyNumbers:
    """One study's row of an outcome: its data and, when estimable, its effect on the
    natural scale with the CI, the SE and variance on the analysis scale (log for
    ratios), and its weight in per cent."""

    study: Study
    year: str
    order: int
    row: OutcomeData
    effect: float | None
    ci_lb: float | None
    ci_ub: float | None
    se: float | None
    var: float | None
    weight: float

    @property
    def estimable(self) -> bool:
        return self.effect is not None


@dataclass(frozen=True)
class OutcomeNumbers:
    """One analysis as a RevMan outcome, with its totals."""

    analysis: Analysis
    number: int
    name: str
    dichotomous: bool
    measure: str  # RevMan's spelling
    method: str  # MH, PETO or IV
    random: bool
    effect: float | None
    ci_lb: float | None
    ci_ub: float | None
    chi2: float
    df: int
    p_chi2: float
    i2: float
    tau2: float
    z: float
    p_z: float
    weight: float
    group_label_1: str
    group_label_2: str
    graph_labels: tuple[str, str]
    studies: tuple[StudyNumbers, ...]

    @property
    def ratio(self) -> bool:
        return self.measure in ("RR", "OR", PETO_OR)

    def total(self, name: str) -> float:
        """The sum of a study value (``n_1``, ``events_2`` ...) over the studies."""
        return sum(float(getattr(s.row, name)) for s in self.studies)


@dataclass(frozen=True)
class ComparisonNumbers:
    number: int
    name: str
    outcomes: tuple[OutcomeNumbers, ...]


def comparisons(
    data: ReviewData, text: Texts
) -> tuple[list[ComparisonNumbers], list[tuple[str, str]]]:
    """Every comparison with the analyses RevMan 5 can hold, and the analyses it
    cannot, each with the reason."""
    found: list[ComparisonNumbers] = []
    left_out: list[tuple[str, str]] = []
    outcomes = {o.id: o for o in data.protocol.outcomes}
    for number, comparison in enumerate(data.protocol.comparisons, start=1):
        held: list[OutcomeNumbers] = []
        for analysis in (a for a in data.analyses if a.comparison == comparison.id):
            reason = unwritable(data, analysis)
            if reason:
                left_out.append((analysis.id, reason))
                continue
            rows = grade.study_rows(data, analysis)
            assert rows is not None  # unwritable checked
            name = text(outcomes[analysis.outcome], "name")
            if analysis.timepoint:
                name = f"{name}, {analysis.timepoint}"
            labels = graph_labels(outcomes[analysis.outcome].direction)
            held.append(
                _outcome(data, analysis, len(held) + 1, name, rows, comparison, text, labels)
            )
        found.append(ComparisonNumbers(number, comparison_name(comparison, text), tuple(held)))
    known = {c.id for c in data.protocol.comparisons}
    left_out += [
        (a.id, f"no comparison {a.comparison!r}")
        for a in data.analyses
        if a.comparison not in known
    ]
    return found, left_out


def comparison_name(comparison: Comparison, text: Texts) -> str:
    name = text(comparison, "name")
    if name:
        return name
    return f"{text(comparison, 'intervention')} versus {text(comparison, 'comparator')}"


def unwritable(data: ReviewData, analysis: Analysis) -> str | None:
    """Why an analysis cannot be a RevMan 5 dichotomous or continuous outcome."""
    if not analysis.studies:
        return "the review does not list the analysis' studies"
    rows = grade.study_rows(data, analysis)
    if rows is None:
        return "not every study has one row of arm-level data (events or means, SDs and n)"
    dichotomous = rows[0].data_type == "dichotomous"
    measures = DICHOTOMOUS_MEASURES if dichotomous else CONTINUOUS_MEASURES
    if analysis.measure not in measures:
        kind = "dichotomous" if dichotomous else "continuous"
        return f"RevMan 5 has no {kind} outcome with the measure {analysis.measure}"
    return None


def study_year(data: ReviewData, study: Study) -> str:
    """The year of the study's main report (RevMan's YEAR)."""
    reports = [r for r in data.reports if r.study == study.id]
    main = next((r for r in reports if r.main), reports[0] if reports else None)
    return str(main.year) if main is not None and main.year else ""


def _outcome(
    data: ReviewData,
    analysis: Analysis,
    number: int,
    name: str,
    rows: list[OutcomeData],
    comparison: Comparison,
    text: Texts,
    labels: tuple[str, str],
) -> OutcomeNumbers:
    try:
        res = grade.pool(analysis, rows).result
    except DataError as exc:
        raise DataError(f"RevMan export: {exc}") from None
    dichotomous = rows[0].data_type == "dichotomous"
    method = analysis.method if analysis.method in METHODS else "IV"
    if dichotomous and analysis.method is None and analysis.measure in ("RR", "OR", "RD"):
        method = "MH"
    studies = {s.id: s for s in data.studies}
    numbers = []
    for order, (row, yi, vi, weight) in enumerate(
        zip(rows, res.yi, res.vi, res.weights, strict=True), start=1
    ):
        y, v = float(yi), float(vi)
        study = studies[row.study]
        if math.isfinite(y) and math.isfinite(v):
            se = math.sqrt(v)
            numbers.append(
                StudyNumbers(
                    study,
                    study_year(data, study),
                    order,
                    row,
                    res.back(y),
                    res.back(y - _Z95 * se),
                    res.back(y + _Z95 * se),
                    se,
                    v,
                    float(weight),
                )
            )
        else:
            numbers.append(
                StudyNumbers(
                    study, study_year(data, study), order, row, None, None, None, None, None, 0.0
                )
            )
    measures = DICHOTOMOUS_MEASURES if dichotomous else CONTINUOUS_MEASURES
    return OutcomeNumbers(
        analysis=analysis,
        number=number,
        name=name,
        dichotomous=dichotomous,
        measure=PETO_OR if method == "PETO" else measures[analysis.measure],
        method=method if dichotomous else "IV",
        random=analysis.model == "random",
        effect=res.back(res.estimate),
        ci_lb=res.back(res.ci_lb),
        ci_ub=res.back(res.ci_ub),
        chi2=res.Q,
        df=res.Q_df,
        p_chi2=res.Q_p,
        i2=res.I2,
        tau2=res.tau2,
        z=abs(res.stat),
        p_z=res.p,
        weight=float(sum(res.weights)),
        group_label_1=text(comparison, "intervention"),
        group_label_2=text(comparison, "comparator"),
        graph_labels=labels,
        studies=tuple(numbers),
    )
