"""The analyses as RevMan 5's "Data and analyses" table (File > Export > Data and
analyses, CSV): one row per comparison, per outcome and per study, with RevMan's
calculated numbers to eight decimals.  R's ``meta`` package reads this table
(``read.rm5``, then ``metacr`` redoes any analysis), as do other tools that take
RevMan exports.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..model import ReviewData
from ._numbers import OutcomeNumbers, RevManFile, StudyNumbers, Texts, comparisons

COLUMNS = (
    "Comparison Number",
    "Outcome Number",
    "Subgroup Number",
    "Name",
    "Data Type",
    "Statistical Method",
    "Effect Measure",
    "Analysis Model",
    "Events 1",
    "Mean 1",
    "SD 1",
    "Total 1",
    "Events 2",
    "Mean 2",
    "SD 2",
    "Total 2",
    "Effect Estimate",
    "SE",
    "CI Start",
    "CI End",
    "Weight",
    "Q",
    "P(Q)",
    "I²(Q)",
    "Tau²",
    "Z",
    "P(Z)",
    "Qint",
    "P(Qint)",
    "I²(Qint)",
    "df",
    "Group Label 1",
    "Group Label 2",
    "Left Graph Label",
    "Right Graph Label",
    "Year of study",
    "User defined order",
)


def write_table(data: ReviewData, path: str | Path, *, lang: str = "en") -> RevManFile:
    """Write the "Data and analyses" table of ``data`` at ``path`` (UTF-8 CSV)."""
    written = analyses_table(data, lang=lang)
    Path(path).write_text(written.text, encoding="utf-8")
    return written


def analyses_table(data: ReviewData, *, lang: str = "en") -> RevManFile:
    """The table, the analyses in it, and those it cannot hold with the reason (as
    for the ``.rm5`` file)."""
    found, left_out = comparisons(data, Texts(lang))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for comparison in found:
        writer.writerow(
            [_cell(column, comparison.number, 0, {"Name": comparison.name}) for column in COLUMNS]
        )
        for outcome in comparison.outcomes:
            writer.writerow(_outcome_row(comparison.number, outcome))
            for study in outcome.studies:
                writer.writerow(_study_row(comparison.number, outcome, study))
    analyses = tuple(o.analysis.id for c in found for o in c.outcomes)
    return RevManFile(out.getvalue(), analyses, tuple(left_out))


def _outcome_row(comparison: int, outcome: OutcomeNumbers) -> list[str]:
    cells = {
        "Name": outcome.name,
        "Data Type": "DIC" if outcome.dichotomous else "CON",
        "Statistical Method": outcome.method,
        "Effect Measure": outcome.measure,
        "Analysis Model": "Random" if outcome.random else "Fixed",
        "Events 1": _n(outcome.total("events_1")) if outcome.dichotomous else "0",
        "Total 1": _n(outcome.total("n_1")),
        "Events 2": _n(outcome.total("events_2")) if outcome.dichotomous else "0",
        "Total 2": _n(outcome.total("n_2")),
        "Effect Estimate": _n(outcome.effect),
        "CI Start": _n(outcome.ci_lb),
        "CI End": _n(outcome.ci_ub),
        "Weight": _n(outcome.weight),
        "Q": _n(outcome.chi2),
        "P(Q)": _n(outcome.p_chi2),
        "I²(Q)": _n(outcome.i2),
        "Tau²": _n(outcome.tau2),
        "Z": _n(outcome.z),
        "P(Z)": _n(outcome.p_z),
        "df": str(outcome.df),
        "Group Label 1": outcome.group_label_1,
        "Group Label 2": outcome.group_label_2,
        "Left Graph Label": outcome.graph_labels[0],
        "Right Graph Label": outcome.graph_labels[1],
    }
    return [_cell(column, comparison, outcome.number, cells) for column in COLUMNS]


def _study_row(comparison: int, outcome: OutcomeNumbers, study: StudyNumbers) -> list[str]:
    row = study.row
    if outcome.dichotomous:
        arms = {
            "Events 1": _n(row.events_1),
            "Mean 1": "0",
            "SD 1": "0",
            "Events 2": _n(row.events_2),
            "Mean 2": "0",
            "SD 2": "0",
        }
    else:
        arms = {
            "Events 1": "0",
            "Mean 1": _n(row.mean_1),
            "SD 1": _n(row.sd_1),
            "Events 2": "0",
            "Mean 2": _n(row.mean_2),
            "SD 2": _n(row.sd_2),
        }
    cells = {
        "Name": study.study.label,
        **arms,
        "Total 1": _n(row.n_1),
        "Total 2": _n(row.n_2),
        "Effect Estimate": _n(study.effect),
        "SE": _n(study.se),
        "CI Start": _n(study.ci_lb),
        "CI End": _n(study.ci_ub),
        "Weight": _n(study.weight),
        "Year of study": study.year,
        "User defined order": str(study.order),
    }
    return [_cell(column, comparison, outcome.number, cells) for column in COLUMNS]


def _cell(column: str, comparison: int, outcome: int, cells: dict[str, str]) -> str:
    fixed = {"Comparison Number": str(comparison), "Outcome Number": str(outcome)}
    if column in fixed:
        return fixed[column]
    if column == "Subgroup Number":
        return "0"
    return cells.get(column, "")


def _n(value: float | None) -> str:
    """Eight decimals, trailing zeros dropped, as RevMan writes the table (``100``,
    ``0.8405144``, ``-1.5``); empty when there is no value."""
    if value is None or value != value:
        return ""
    text = f"{float(value):.8f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
