"""Summary-of-Findings tables rebuilt from the review's data, as GRADEpro lays them out.

One table per comparison (population, setting, intervention, comparison); one row
per outcome: pooled (relative effect, anticipated absolute effects for each assumed
control risk, participants and studies, certainty with numbered footnotes) or
narrative (the text summary in place of numbers); and the informative statement
GRADE guidance 26 words from certainty × size of effect.  The evidence-profile
layout (one column per domain) is built from the same rows.

Size of effect, for the statements: against the reviewers' threshold ``t`` (the
assessment's ``threshold``) an absolute effect below ``t`` is trivial, below ``2t``
small, below ``4t`` moderate, else large.  Without a threshold: ratio measures by
their distance from 1 (within 1.1-fold trivial, 1.25-fold small, 2-fold moderate,
beyond large: GRADE guidelines 9), SMDs by Cohen's rule of thumb (Cochrane
Handbook 15.5.3.1).  These are conventions stated here, not GRADE rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataError
from ..model import CertaintyAssessment, Comparison, Outcome, ReviewData, SofRow, SofTable
from ._absolute import (
    AbsoluteEffect,
    absolute_effect,
    continuous_effect,
    format_continuous,
    format_difference,
    format_intervention,
    format_risk,
)
from ._certainty import DOMAINS, footnotes, rate, rating_of
from ._evidence import Evidence, for_row, gather
from ._statements import certainty_label, certainty_symbols, favours, statement

ABSOLUTE_MEASURES = frozenset({"RR", "OR", "HR", "RD"})


@dataclass(frozen=True)
class AbsoluteRow:
    """Anticipated absolute effects for one assumed control risk."""

    label: str
    effect: AbsoluteEffect
    control: str
    intervention: str
    difference: str
    nnt: int | None = None


@dataclass(frozen=True)
class BuiltRow:
    """One Summary-of-Findings row, computed, beside the row as recorded."""

    recorded: SofRow
    label: str
    assessment: CertaintyAssessment | None
    evidence: Evidence | None
    certainty: str
    footnotes: tuple[int, ...]
    relative: str | None
    absolute: tuple[AbsoluteRow, ...]
    continuous: str | None
    participants: str | None
    statement: str | None
    size: str | None
    benefit: bool | None = None

    @property
    def certainty_symbols(self) -> str:
        return certainty_symbols(self.certainty)

    def to_dict(self) -> dict[str, Any]:
        e = self.evidence
        return {
            "row": self.recorded.id,
            "outcome": self.recorded.outcome,
            "label": self.label,
            "source": e.source if e is not None else "none",
            "measure": e.measure if e is not None else None,
            "estimate": e.estimate if e is not None else None,
            "ci_lb": e.ci_lb if e is not None else None,
            "ci_ub": e.ci_ub if e is not None else None,
            "relative": self.relative,
            "absolute": [
                {
                    "label": a.label,
                    "baseline": a.effect.baseline,
                    "per": a.effect.per,
                    "control": a.control,
                    "intervention": a.intervention,
                    "difference": a.difference,
                    "nnt": a.nnt,
                    "values": _effect_values(a.effect),
                }
                for a in self.absolute
            ],
            "continuous": self.continuous,
            "narrative": self.recorded.narrative,
            "participants": self.participants,
            "certainty": self.certainty,
            "footnotes": list(self.footnotes),
            "size": self.size,
            "benefit": self.benefit,
            "statement": self.statement,
            "recorded": {
                "relative": self.recorded.relative_text,
                "control": self.recorded.risk_control_text,
                "intervention": self.recorded.risk_intervention_text,
                "difference": self.recorded.difference_text,
                "participants": self.recorded.participants_text,
                "certainty": self.recorded.certainty,
                "footnotes": list(self.recorded.footnotes),
            },
        }


@dataclass(frozen=True)
class BuiltTable:
    """A Summary-of-Findings table rebuilt from data."""

    recorded: SofTable
    comparison: Comparison | None
    lang: str
    rows: tuple[BuiltRow, ...]
    footnotes: dict[int, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        t = self.recorded
        return {
            "table": t.id,
            "number": t.number,
            "title": t.title,
            "comparison": t.comparison,
            "population": t.population,
            "setting": t.setting,
            "intervention": t.intervention,
            "control": t.control,
            "lang": self.lang,
            "rows": [r.to_dict() for r in self.rows],
            "footnotes": {str(k): v for k, v in self.footnotes.items()},
        }


def build_tables(
    data: ReviewData,
    *,
    lang: str = "en",
    per: int | None = None,
    baseline: str = "pooled",
    nnt: bool = False,
    table: str | None = None,
) -> list[BuiltTable]:
    """Every Summary-of-Findings table (or the one named), rebuilt from the data.

    ``per`` overrides each row's own choice (default 1000); ``baseline`` says which
    control risk to use where the reviewers gave none: ``pooled`` (the control
    groups' events over participants, as GRADEpro's "study population") or
    ``median`` (the median control-group risk).
    """
    if baseline not in ("pooled", "median"):
        raise DataError(f"baseline {baseline!r} is not pooled or median")
    tables = [t for t in data.sof_tables if table is None or t.id == table]
    if table is not None and not tables:
        raise DataError(f"no Summary-of-Findings table {table!r} in this review")
    return [_build_table(data, t, lang, per, baseline, nnt) for t in tables]


def _build_table(
    data: ReviewData, t: SofTable, lang: str, per: int | None, baseline: str, nnt: bool
) -> BuiltTable:
    assessments = {a.id: a for a in data.certainty}
    comparison = next((c for c in data.protocol.comparisons if c.id == t.comparison), None)
    rated = [assessments[r.assessment] for r in t.rows if r.assessment in assessments]
    notes = footnotes(_unique(rated))
    rows = tuple(
        _build_row(
            data,
            t,
            r,
            assessments.get(r.assessment or ""),
            comparison,
            notes.numbers,
            lang,
            per,
            baseline,
            nnt,
        )
        for r in t.rows
    )
    return BuiltTable(t, comparison, lang, rows, notes.texts)


def _unique(assessments: list[CertaintyAssessment]) -> list[CertaintyAssessment]:
    seen: set[str] = set()
    out = []
    for a in assessments:
        if a.id not in seen:
            seen.add(a.id)
            out.append(a)
    return out


def _build_row(
    data: ReviewData,
    t: SofTable,
    row: SofRow,
    assessment: CertaintyAssessment | None,
    comparison: Comparison | None,
    numbers: dict[str, tuple[int, ...]],
    lang: str,
    per: int | None,
    baseline: str,
    nnt: bool,
) -> BuiltRow:
    evidence = gather(data, assessment) if assessment is not None else None
    if evidence is None:
        evidence = for_row(data, row)
    certainty = rate(assessment, robins=evidence.robins).level if assessment else row.certainty
    measure, est, lb, ub = evidence.measure, evidence.estimate, evidence.ci_lb, evidence.ci_ub
    relative: str | None = None
    continuous: str | None = None
    rows: tuple[AbsoluteRow, ...] = ()
    if measure is not None and est is not None:
        relative = relative_text(measure, est, lb, ub, lang)
        if measure in ABSOLUTE_MEASURES and lb is not None and ub is not None:
            rows = tuple(
                _absolute_row(label, measure, est, lb, ub, risk, per or row.per or 1000, nnt, lang)
                for label, risk in _baselines(row, evidence, baseline)
            )
        elif measure in ("MD", "SMD") and lb is not None and ub is not None:
            effect = continuous_effect(
                measure, est, lb, ub, control_mean=row.control_mean or evidence.control_mean
            )
            continuous = format_continuous(effect, lang)
    size = effect_size(evidence, rows[0].effect if rows else None)
    words = _statement(evidence, certainty, size, comparison, row, lang)
    return BuiltRow(
        recorded=row,
        label=row_label(row, evidence.outcome, lang),
        assessment=assessment,
        evidence=evidence,
        certainty=certainty,
        footnotes=numbers.get(assessment.id, ()) if assessment else row.footnotes,
        relative=relative,
        absolute=rows,
        continuous=continuous,
        participants=participants_text(evidence, assessment, lang),
        statement=words,
        size=size,
        benefit=_benefit(evidence),
    )


def _benefit(e: Evidence) -> bool | None:
    if e.estimate is None or e.estimate == e.null:
        return None
    return is_benefit(e.outcome.direction, "increase" if e.estimate > e.null else "decrease")


def _baselines(row: SofRow, e: Evidence, which: str) -> list[tuple[str, float]]:
    if row.baseline_risks:
        return list(row.baseline_risks.items())
    risk = e.control_risk_median if which == "median" else e.control_risk_pooled
    return [("", risk)] if risk is not None else []


def _absolute_row(
    label: str,
    measure: str,
    est: float,
    lb: float,
    ub: float,
    risk: float,
    per: int,
    nnt: bool,
    lang: str,
) -> AbsoluteRow:
    effect = absolute_effect(measure, est, lb, ub, risk, per=per)
    number = effect.nnt() if nnt else None
    return AbsoluteRow(
        label=label,
        effect=effect,
        control=format_risk(effect.control, per, lang),
        intervention=format_intervention(effect, lang),
        difference=format_difference(effect, lang),
        nnt=int(number) if number is not None and math.isfinite(number) else None,
    )


def _effect_values(effect: AbsoluteEffect) -> dict[str, float]:
    return {
        "control": effect.control,
        "intervention": effect.intervention,
        "intervention_lb": effect.intervention_lb,
        "intervention_ub": effect.intervention_ub,
        "difference": effect.difference,
        "difference_lb": effect.difference_lb,
        "difference_ub": effect.difference_ub,
    }


# --- words ---------------------------------------------------------------------------


def number(value: float, decimals: int, lang: str) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",").replace("-", "−") if lang == "nb" else text


def relative_text(measure: str, est: float, lb: float | None, ub: float | None, lang: str) -> str:
    """``RR 1.01 (0.70 to 1.48)``; nb ``RR 1,01 (0,70 til 1,48)``."""
    text = f"{measure} {number(est, 2, lang)}"
    if lb is not None and ub is not None:
        to = "til" if lang == "nb" else "to"
        text += f" ({number(lb, 2, lang)} {to} {number(ub, 2, lang)})"
    return text


_DESIGN_WORDS = {
    "en": {"rct": ("RCT", "RCTs"), "other": ("non-randomised study", "non-randomised studies")},
    "nb": {
        "rct": ("RCT", "RCTer"),
        "other": ("ikke-randomisert studie", "ikke-randomiserte studier"),
    },
}


def participants_text(e: Evidence, assessment: CertaintyAssessment | None, lang: str) -> str | None:
    """``321 (3 RCTs)``; nb ``321 deltakere (3 RCTer)`` as the seed prints it."""
    if e.participants is None and e.k is None:
        return None
    design = "rct" if assessment is None or assessment.design == "rct" else "other"
    one, many = _DESIGN_WORDS["nb" if lang == "nb" else "en"][design]
    studies = f"{e.k} {one if e.k == 1 else many}" if e.k is not None else ""
    if e.participants is None:
        return studies
    people = f"{e.participants} deltakere" if lang == "nb" else f"{e.participants}"
    return f"{people} ({studies})" if studies else people


def is_benefit(direction: str, change: str) -> bool | None:
    """Whether a change in the outcome is good for people: more of an outcome where
    higher is better, or less of one where lower is better.  The one place the
    outcome's declared direction is read; None where it declares none."""
    if direction == "none":
        return None
    return (change == "increase") == (direction == "higher_is_better")


def favour_sides(direction: str, comparison: Comparison, lang: str) -> tuple[str, str] | None:
    """The forest plot's "Favours ..." labels, left (below the null) and right: the
    side where effects are a benefit favours the intervention."""
    right = is_benefit(direction, "increase")
    if right is None:
        return None
    intervention, comparator = (lower_first(n) for n in names(comparison, lang))
    left_label = favours(not right, lang, intervention=intervention, comparator=comparator)
    right_label = favours(right, lang, intervention=intervention, comparator=comparator)
    return left_label, right_label


def effect_size(e: Evidence, absolute: AbsoluteEffect | None) -> str | None:
    """``trivial``, ``small``, ``moderate`` or ``large`` (see the module docstring)."""
    if e.estimate is None or e.measure is None:
        return None
    t = e.assessment.threshold
    if t and absolute is not None:
        return _by_threshold(abs(absolute.difference) / absolute.per, t)
    if t and not e.is_ratio:
        return _by_threshold(abs(e.estimate), t)
    if e.is_ratio:
        if e.estimate <= 0:
            return None
        distance = abs(math.log(e.estimate))
        cuts = (math.log(1.1), math.log(1.25), math.log(2.0))
    elif e.measure == "SMD":
        distance, cuts = abs(e.estimate), (0.2, 0.5, 0.8)
    elif e.control_sd:
        distance, cuts = abs(e.estimate) / e.control_sd, (0.2, 0.5, 0.8)
    else:
        return None
    return ("trivial", "small", "moderate", "large")[sum(distance >= c for c in cuts)]


def _by_threshold(distance: float, t: float) -> str:
    return ("trivial", "small", "moderate", "large")[sum(distance >= c * t for c in (1, 2, 4))]


def _statement(
    e: Evidence,
    certainty: str,
    size: str | None,
    comparison: Comparison | None,
    row: SofRow,
    lang: str,
) -> str | None:
    if comparison is None:
        return None
    if certainty == "very_low":
        # GRADE guidance 26: at very low certainty the statement does not depend on the
        # size or direction of the effect, so a narrative row gets it too
        size, change = size or "trivial", None
    elif size is None or e.estimate is None:
        return None
    else:
        change = "increase" if e.estimate > e.null else "decrease"
    intervention, comparator = names(comparison, lang)
    return statement(
        certainty,
        size,
        change,
        intervention=lower_first(intervention),
        outcome=lower_first(row_label(row, e.outcome, lang)),
        comparator=lower_first(comparator),
        lang=lang,
    )


def prose_statements(
    tables: Sequence[BuiltTable], *, critical_only: bool = False
) -> list[tuple[str, tuple[tuple[BuiltTable, BuiltRow], ...]]]:
    """The statements for prose (key messages, summaries), each with the (table, row)
    pairs it speaks for, in the tables' order: one per row, except that the rows at
    very low certainty of one comparison (however many tables it has) are joined into
    one sentence naming their outcomes ("The evidence is very uncertain about the
    effect of X on return to work at 12 months and pain compared with Y"), placed
    where the first of them is.  GRADE guidance 26's very-low wording does not depend
    on the effect, so one sentence says it all; a list of forty would bury the rest.
    An outcome is named alone only where all its rows are at very low certainty;
    otherwise its very-low rows are named with their time points."""
    groups: dict[str, list[tuple[BuiltTable, BuiltRow]]] = {}
    for table in tables:
        key = table.comparison.id if table.comparison is not None else f"table {table.recorded.id}"
        for row in table.rows:
            if row.statement is None or row.evidence is None:
                continue
            if critical_only and row.evidence.outcome.importance != "critical":
                continue
            groups.setdefault(key, []).append((table, row))
    out: list[tuple[str, tuple[tuple[BuiltTable, BuiltRow], ...]]] = []
    for pairs in groups.values():
        uncertain = [(t, r) for t, r in pairs if r.certainty == "very_low"]
        for table, row in pairs:
            if row.certainty != "very_low":
                out.append((row.statement or "", ((table, row),)))
            elif (table, row) == uncertain[0]:
                out.append((_joined_statement(pairs, uncertain), tuple(uncertain)))
    return out


def _joined_statement(
    pairs: list[tuple[BuiltTable, BuiltRow]], uncertain: list[tuple[BuiltTable, BuiltRow]]
) -> str:
    table, first = uncertain[0]
    if len(uncertain) == 1 or table.comparison is None:
        return first.statement or ""
    lang = table.lang
    rows_of: dict[str, list[BuiltRow]] = {}
    for _, row in pairs:
        assert row.evidence is not None
        rows_of.setdefault(row.evidence.outcome.id, []).append(row)
    named: list[str] = []
    for _, row in uncertain:
        assert row.evidence is not None
        mine = rows_of[row.evidence.outcome.id]
        whole = len(mine) > 1 and all(r.certainty == "very_low" for r in mine)
        name = outcome_name(row.evidence.outcome, lang) if whole else row.label
        name = lower_first(name)
        if name not in named:
            named.append(name)
    joined = listed(named, lang)
    intervention, comparator = names(table.comparison, lang)
    return statement(
        "very_low",
        "trivial",
        None,
        intervention=lower_first(intervention),
        outcome=joined,
        comparator=lower_first(comparator),
        lang=lang,
    )


def names(comparison: Comparison, lang: str) -> tuple[str, str]:
    """The intervention and comparator as a reader of ``lang`` reads them."""
    if lang == "en":
        return (
            comparison.intervention_en or comparison.intervention,
            comparison.comparator_en or comparison.comparator,
        )
    return comparison.intervention, comparison.comparator


def outcome_name(outcome: Outcome, lang: str) -> str:
    return (outcome.name_en or outcome.name) if lang == "en" else outcome.name


#: units of time as Norwegian reviews abbreviate them: (singular, plural) in English
_UNITS_EN = (
    (r"mnd\.?|måneder|måneders|måned", ("month", "months")),
    (r"uker|ukers|uke", ("week", "weeks")),
    (r"dager|døgn|dag", ("day", "days")),
    (r"år", ("year", "years")),
)


def timepoint(text: str, lang: str) -> str:
    """A recorded time point or follow-up in ``lang``: "12 mnd" -> "12 months",
    "1 mnd" -> "1 month", "4 til 20 uker" -> "4 to 20 weeks" in English.  Only a
    unit after a number is changed; other words are kept as recorded."""
    if lang != "en" or not text:
        return text
    out = text
    for pattern, (one, many) in _UNITS_EN:  # only a unit after a number

        def english(m: re.Match[str], one: str = one, many: str = many) -> str:
            return f"{m[1]}{m[2] or ' '}{one if m[1] == '1' else many}"

        out = re.sub(
            rf"(?<![\w.,])(\d+(?:[.,]\d+)?)(\s*)(?:{pattern})(?!\w)",
            english,
            out,
            flags=re.IGNORECASE,
        )
    return re.sub(r"(?<=[\w)])\s+til\s+(?=\d)", " to ", out)


#: words that join an outcome's name to its time point, and units of time
_FILLERS = frozenset(
    [
        "ved",
        "etter",
        "i",
        "på",
        "til",
        "opp",
        "inntil",
        "mht",
        "av",
        "og",
        "at",
        "after",
        "in",
        "on",
        "to",
        "up",
        "until",
        "of",
        "and",
        "the",
        "mnd",
        "måned",
        "måneder",
        "uke",
        "uker",
        "år",
        "months",
        "month",
        "weeks",
        "week",
        "years",
        "year",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^\wæøå]+", text.lower()) if w and not w.isdigit()}


def _specific(row: SofRow, outcome: Outcome) -> bool:
    """Whether a row's label says more than its outcome's name and time point (e.g.
    "Symptomreduksjon: depresjon ved 12 måneder" for the outcome "Symptomreduksjon"),
    so that the outcome's name alone would lose it."""
    known = _words(outcome.name) | _words(row.timepoint or "") | _FILLERS
    return bool(_words(row.label) - known)


def row_label(row: SofRow, outcome: Outcome | None, lang: str) -> str:
    """The row's label in ``lang``: its own English label, else the outcome's English
    name with the time point, else the label as recorded.  A row whose label says
    more than its outcome and time point ("Symptomreduksjon: depresjon") keeps that
    label rather than collapse, with its neighbours, into the outcome's name."""
    if lang != "en" or row.label_en:
        return row.label_en if lang == "en" and row.label_en else row.label
    if outcome is None or not outcome.name_en or _specific(row, outcome):
        return row.label
    if not row.timepoint:
        return outcome.name_en
    return f"{outcome.name_en} at {timepoint(row.timepoint, 'en')}"


def listed(words: Sequence[str], lang: str) -> str:
    """Words as a reader of ``lang`` lists them: "a, b and c" ("a, b og c")."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + (" og " if lang == "nb" else " and ") + words[-1]


def lower_first(text: str) -> str:
    """Lower-case a leading capital unless the word is an abbreviation (``RTW``)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def certainty_cell(row: BuiltRow, lang: str) -> str:
    marks = " ".join(str(n) for n in row.footnotes)
    label = certainty_label(row.certainty, lang)
    return f"{row.certainty_symbols} {label}" + (f" {marks}" if marks else "")


def judgements(assessment: CertaintyAssessment) -> dict[str, str]:
    """Each domain's current judgement, by domain."""
    return {d: rating_of(assessment, d).level for d in DOMAINS}
