"""A review as a RevMan 5 file (``.rm5``): what a team takes to RevMan, or to anyone
who reads RevMan files (RevMan Web imports them; R's ``meta`` and other readers parse
them).

Written: the title and authors; included studies with their reports, and excluded
studies with the reason; the characteristics of included studies; the agreed
Cochrane risk-of-bias (RoB 1) judgements with their support; and every analysis
whose studies all have arm-level data, as a dichotomous or continuous outcome with
the numbers RevMan itself would calculate (RevMan 5's conventions, the statistics
core's ``revman5`` preset: the same numbers as :func:`sysreview.grade.pool`).  An
analysis that cannot be written (no arm-level data, a measure RevMan 5 has no
dichotomous or continuous form of) is named in :attr:`Rm5File.left_out` with the
reason, never dropped in silence.
"""

from __future__ import annotations

import hashlib
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import grade
from ..errors import DataError
from ..model import Analysis, Comparison, Outcome, OutcomeData, ReviewData, Study
from ._vocab import (
    CONTINUOUS_MEASURES,
    DICHOTOMOUS_MEASURES,
    METHODS,
    RATIO_MEASURES,
    ROB_ITEMS,
    ROB_RESULTS,
    encode_id,
)

_Z95 = 1.959963984540054


@dataclass(frozen=True)
class Rm5File:
    """What was written: the XML, the analyses in it, and those left out with why."""

    text: str
    analyses: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]


def write_rm5(data: ReviewData, path: str | Path, *, lang: str = "en") -> Rm5File:
    """Write ``data`` as a RevMan 5 file at ``path`` (UTF-8)."""
    written = rm5(data, lang=lang)
    Path(path).write_text(written.text, encoding="utf-8")
    return written


def rm5(data: ReviewData, *, lang: str = "en") -> Rm5File:
    """The RevMan 5 file of ``data``; texts in English where the review gives them
    (``lang="en"``), else in the review's own language."""
    text = _Texts(lang)
    root = ET.Element(
        "COCHRANE_REVIEW",
        {
            "DESCRIPTION": "",
            "DOI": "",
            "GROUP_ID": "",
            "ID": _review_number(data.review.id),
            "MERGED_FROM": "",
            "REVIEW_NO": "",
            "REVMAN_SUB_VERSION": "5.3.5",
            "REVMAN_VERSION": "5",
            "SPLIT_FROM": "",
            "STAGE": "R",
            "STATUS": "A",
            "TYPE": "INTERVENTION",
            "VERSION_NO": "1.0",
        },
    )
    _cover_sheet(root, data, text)
    _main_text(root, data, text)
    ids = _study_ids(data)
    _studies(root, data, ids, text)
    _characteristics(root, data, ids, text)
    _quality_items(root, data, ids)
    ET.SubElement(root, "SOF_TABLES")
    ET.SubElement(root, "ADDITIONAL_TABLES")
    analyses, left_out = _analyses(root, data, ids, text)
    for tag in ("FIGURES", "FEEDBACK", "APPENDICES", "EXTENSIONS"):
        ET.SubElement(root, tag)
    ET.indent(root, space="")
    body = ET.tostring(root, encoding="unicode")
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body + "\n"
    return Rm5File(xml, tuple(analyses), tuple(left_out))


class _Texts:
    """A model object's text in the chosen language: ``name_en`` over ``name``."""

    def __init__(self, lang: str) -> None:
        self.english = lang == "en"

    def __call__(self, item: object, name: str) -> str:
        own = getattr(item, name, None)
        if self.english:
            english = getattr(item, f"{name}_en", None)
            if english:
                return str(english)
        return "" if own is None else str(own)


def _review_number(review_id: str) -> str:
    """RevMan numbers its reviews; a stable number from the review's id, so the same
    review gives the same file."""
    return str(int(hashlib.sha256(review_id.encode()).hexdigest()[:15], 16))


def _paragraphs(parent: ET.Element, tag: str, lines: Iterable[str]) -> ET.Element:
    element = ET.SubElement(parent, tag)
    for line in lines:
        if line:
            ET.SubElement(element, "P").text = line
    return element


def _empty(parent: ET.Element, *tags: str) -> None:
    for tag in tags:
        ET.SubElement(parent, tag)


def _cover_sheet(root: ET.Element, data: ReviewData, text: _Texts) -> None:
    cover = ET.SubElement(root, "COVER_SHEET")
    ET.SubElement(cover, "TITLE").text = text(data.review, "title")
    creators = ET.SubElement(cover, "CREATORS")
    for author in data.review.authors:
        given, _, family = author.rpartition(" ")
        person = ET.SubElement(creators, "PERSON", {"ROLE": "AUTHOR"})
        ET.SubElement(person, "FIRST_NAME").text = given
        ET.SubElement(person, "LAST_NAME").text = family
    _empty(cover, "WHATS_NEW", "HISTORY")


def _main_text(root: ET.Element, data: ReviewData, text: _Texts) -> None:
    main = ET.SubElement(root, "MAIN_TEXT")
    _empty(main, "SUMMARY", "ABSTRACT")
    body = ET.SubElement(main, "BODY")
    ET.SubElement(body, "BACKGROUND")
    _paragraphs(body, "OBJECTIVES", [text(data.review, "question")])
    methods = ET.SubElement(body, "METHODS")
    criteria = ET.SubElement(methods, "SELECTION_CRITERIA")
    protocol = data.protocol
    _paragraphs(criteria, "CRIT_PARTICIPANTS", [protocol.population or ""])
    _paragraphs(criteria, "CRIT_INTERVENTIONS", [protocol.intervention or ""])
    _paragraphs(criteria, "CRIT_OUTCOMES", [protocol.outcome or ""])
    _empty(body, "RESULTS", "DISCUSSION", "CONCLUSIONS")


def _study_ids(data: ReviewData) -> dict[str, str]:
    """RevMan's ``STD-`` id of every study and excluded full text, unique."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for key, name in [(s.id, s.label) for s in data.studies] + [
        (e.id, _exclusion_name(e.first_author, e.year, e.citation)) for e in data.exclusions
    ]:
        base = "STD-" + encode_id(name)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}_x002d_{n}"
        taken.add(candidate)
        ids[key] = candidate
    return ids


def _exclusion_name(author: str | None, year: int | None, citation: str) -> str:
    if author:
        return f"{author} {year}" if year else author
    return citation[:40]


def _year(data: ReviewData, study: Study) -> str:
    reports = [r for r in data.reports if r.study == study.id]
    main = next((r for r in reports if r.main), reports[0] if reports else None)
    return str(main.year) if main is not None and main.year else ""


def _studies(root: ET.Element, data: ReviewData, ids: dict[str, str], text: _Texts) -> None:
    both = ET.SubElement(root, "STUDIES_AND_REFERENCES")
    studies = ET.SubElement(both, "STUDIES")
    groups = {
        status: ET.SubElement(studies, tag)
        for status, tag in (
            ("included", "INCLUDED_STUDIES"),
            ("excluded", "EXCLUDED_STUDIES"),
            ("awaiting", "AWAITING_STUDIES"),
            ("ongoing", "ONGOING_STUDIES"),
        )
    }
    for study in data.studies:
        element = ET.SubElement(
            groups[study.status],
            "STUDY",
            {
                "DATA_SOURCE": "PUB",
                "ID": ids[study.id],
                "NAME": study.label,
                "YEAR": _year(data, study),
            },
        )
        for report in (r for r in data.reports if r.study == study.id):
            reference = ET.SubElement(
                element,
                "REFERENCE",
                {"PRIMARY": "YES" if report.main else "NO", "TYPE": "JOURNAL_ARTICLE"},
            )
            ET.SubElement(reference, "AU").text = report.first_author or ""
            ET.SubElement(reference, "TI").text = report.title or ""
            ET.SubElement(reference, "SO").text = report.citation
            ET.SubElement(reference, "YR").text = str(report.year or "")
    for exclusion in data.exclusions:
        element = ET.SubElement(
            groups["excluded"],
            "STUDY",
            {
                "DATA_SOURCE": "PUB",
                "ID": ids[exclusion.id],
                "NAME": _exclusion_name(exclusion.first_author, exclusion.year, exclusion.citation),
                "YEAR": str(exclusion.year or ""),
            },
        )
        reference = ET.SubElement(
            element, "REFERENCE", {"PRIMARY": "YES", "TYPE": "JOURNAL_ARTICLE"}
        )
        ET.SubElement(reference, "SO").text = exclusion.citation
    _empty(ET.SubElement(both, "OTHER_REFERENCES"), "ADDITIONAL_REFERENCES")


def _characteristics(root: ET.Element, data: ReviewData, ids: dict[str, str], text: _Texts) -> None:
    chars = ET.SubElement(root, "CHARACTERISTICS_OF_STUDIES")
    included = ET.SubElement(
        chars,
        "CHARACTERISTICS_OF_INCLUDED_STUDIES",
        {"SORT_BY": "STUDY", "USER_DEF_1_ENABLED": "NO"},
    )
    for study in (s for s in data.studies if s.status == "included"):
        char = ET.SubElement(included, "INCLUDED_CHAR", {"STUDY_ID": ids[study.id]})
        for tag, lines in _characteristic_lines(study):
            _paragraphs(char, tag, lines)
    ET.SubElement(included, "FOOTNOTES")
    excluded = ET.SubElement(chars, "CHARACTERISTICS_OF_EXCLUDED_STUDIES", {"SORT_BY": "STUDY"})
    for exclusion in data.exclusions:
        char = ET.SubElement(excluded, "EXCLUDED_CHAR", {"STUDY_ID": ids[exclusion.id]})
        _paragraphs(char, "REASON_FOR_EXCLUSION", [text(exclusion, "reason")])
    ET.SubElement(excluded, "FOOTNOTES")


def _characteristic_lines(study: Study) -> list[tuple[str, list[str]]]:
    """The table's five cells, as RevMan heads them, from the study's description."""
    participants = []
    if study.countries:
        participants.append("Countries: " + ", ".join(study.countries))
    if study.participants is not None:
        participants.append(f"Participants randomised: {study.participants}")
    participants.append(study.population or "")
    outcomes = list(study.outcome_measures)
    if study.follow_up:
        outcomes.append(f"Follow-up: {study.follow_up}")
    notes = [f"{key}: {value}" for key, value in study.characteristics.items()]
    return [
        ("CHAR_METHODS", [study.design or ""]),
        ("CHAR_PARTICIPANTS", participants),
        (
            "CHAR_INTERVENTIONS",
            [
                f"Intervention: {study.intervention}" if study.intervention else "",
                f"Control: {study.control}" if study.control else "",
            ],
        ),
        ("CHAR_OUTCOMES", outcomes),
        ("CHAR_NOTES", [*notes, study.note or ""]),
    ]


def _quality_items(root: ET.Element, data: ReviewData, ids: dict[str, str]) -> None:
    """The agreed RoB 1 judgements (one per study and domain; per-outcome judgements are
    RevMan's outcome groups, which this file does not define, so they are written as
    the study's when the study has only one)."""
    items = ET.SubElement(root, "QUALITY_ITEMS")
    agreed = [r for r in data.risk_of_bias if r.tool == "rob1" and r.consensus]
    for number, (domain, (name, level)) in enumerate(ROB_ITEMS.items(), start=1):
        item = ET.SubElement(
            items,
            "QUALITY_ITEM",
            {"CORE_ITEM": "YES", "ID": f"QIT-{number:02d}", "LEVEL": level, "NO": str(number)},
        )
        ET.SubElement(item, "NAME").text = name
        entries = ET.SubElement(item, "QUALITY_ITEM_DATA")
        judged = [r for r in agreed if r.domain == domain and r.study in ids]
        for study in sorted({r.study for r in judged}, key=lambda s: ids[s]):
            mine = [r for r in judged if r.study == study]
            if len({r.judgement for r in mine}) != 1:
                continue  # judged differently per outcome: RevMan needs outcome groups
            entry = ET.SubElement(
                entries,
                "QUALITY_ITEM_DATA_ENTRY",
                {"RESULT": ROB_RESULTS[mine[0].judgement], "STUDY_ID": ids[study]},
            )
            _paragraphs(entry, "DESCRIPTION", [mine[0].support or ""])


def _analyses(
    root: ET.Element, data: ReviewData, ids: dict[str, str], text: _Texts
) -> tuple[list[str], list[tuple[str, str]]]:
    section = ET.SubElement(root, "ANALYSES_AND_DATA", {"CALCULATED_DATA": "YES"})
    written: list[str] = []
    left_out: list[tuple[str, str]] = []
    outcomes = {o.id: o for o in data.protocol.outcomes}
    for number, comparison in enumerate(data.protocol.comparisons, start=1):
        element = ET.SubElement(
            section, "COMPARISON", {"ID": f"CMP-{number:03d}", "NO": str(number)}
        )
        ET.SubElement(element, "NAME").text = _comparison_name(comparison, text)
        count = 0
        for analysis in (a for a in data.analyses if a.comparison == comparison.id):
            reason = _unwritable(data, analysis)
            if reason:
                left_out.append((analysis.id, reason))
                continue
            rows = grade.study_rows(data, analysis)
            assert rows is not None  # _unwritable checked
            count += 1
            _outcome(
                element,
                f"CMP-{number:03d}.{count:02d}",
                count,
                analysis,
                rows,
                outcomes[analysis.outcome],
                comparison,
                ids,
                text,
            )
            written.append(analysis.id)
    for analysis in data.analyses:
        if analysis.comparison not in {c.id for c in data.protocol.comparisons}:
            left_out.append((analysis.id, f"no comparison {analysis.comparison!r}"))
    return written, left_out


def _comparison_name(comparison: Comparison, text: _Texts) -> str:
    name = text(comparison, "name")
    if name:
        return name
    return f"{text(comparison, 'intervention')} versus {text(comparison, 'comparator')}"


def _unwritable(data: ReviewData, analysis: Analysis) -> str | None:
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


def _outcome(
    comparison_element: ET.Element,
    outcome_id: str,
    number: int,
    analysis: Analysis,
    rows: list[OutcomeData],
    outcome: Outcome,
    comparison: Comparison,
    ids: dict[str, str],
    text: _Texts,
) -> None:
    try:
        report = grade.pool(analysis, rows)
    except DataError as exc:
        raise DataError(f"RevMan export: {exc}") from None
    res = report.result
    dichotomous = rows[0].data_type == "dichotomous"
    ratio = analysis.measure in RATIO_MEASURES
    method = analysis.method if analysis.method in METHODS else None
    if dichotomous and analysis.method is None and analysis.measure in ("RR", "OR", "RD"):
        method = "MH"
    totals = {
        "TOTAL_1": _int(sum(_n(d.n_1) for d in rows)),
        "TOTAL_2": _int(sum(_n(d.n_2) for d in rows)),
    }
    attributes = {
        "CHI2": _num(res.Q),
        "CI_END": _num(res.back(res.ci_ub)),
        "CI_START": _num(res.back(res.ci_lb)),
        "CI_STUDY": "95",
        "CI_TOTAL": "95",
        "DF": str(res.Q_df),
        "EFFECT_MEASURE": (DICHOTOMOUS_MEASURES if dichotomous else CONTINUOUS_MEASURES)[
            analysis.measure
        ],
        "EFFECT_SIZE": _num(res.back(res.estimate)),
        "ESTIMABLE": "YES",
        "I2": _num(res.I2),
        "I2_Q": "0.0",
        "ID": outcome_id,
        "NO": str(number),
        "P_CHI2": _num(res.Q_p),
        "P_Q": "0.0",
        "P_Z": _num(res.p),
        "Q": "0.0",
        "RANDOM": "YES" if analysis.model == "random" else "NO",
        "SCALE": "100.0",
        "SORT_BY": "STUDY",
        "STUDIES": str(res.k),
        "SUBGROUPS": "NO",
        "SUBGROUP_TEST": "NO",
        "TAU2": _num(res.tau2),
        "TOTALS": "YES",
        **totals,
        "WEIGHT": _num(float(sum(res.weights))),
        "Z": _num(abs(res.stat)),
    }
    if dichotomous:
        attributes |= {
            "EVENTS_1": _int(sum(_n(d.events_1) for d in rows)),
            "EVENTS_2": _int(sum(_n(d.events_2) for d in rows)),
            "METHOD": method or "IV",
            "SWAP_EVENTS": "NO",
        }
        if ratio:
            attributes |= _logs(res.back(res.estimate), res.back(res.ci_lb), res.back(res.ci_ub))
    else:
        attributes["UNITS"] = ""
    tag = "DICH_OUTCOME" if dichotomous else "CONT_OUTCOME"
    element = ET.SubElement(comparison_element, tag, dict(sorted(attributes.items())))
    name = text(outcome, "name")
    if analysis.timepoint:
        name = f"{name}, {analysis.timepoint}"
    ET.SubElement(element, "NAME").text = name
    ET.SubElement(element, "GROUP_LABEL_1").text = text(comparison, "intervention")
    ET.SubElement(element, "GROUP_LABEL_2").text = text(comparison, "comparator")
    ET.SubElement(element, "GRAPH_LABEL_1").text = "Favours experimental"
    ET.SubElement(element, "GRAPH_LABEL_2").text = "Favours control"
    for order, (row, yi, vi, weight) in enumerate(
        zip(rows, res.yi, res.vi, res.weights, strict=True), start=1
    ):
        _study_data(
            element,
            dichotomous,
            ratio,
            order,
            row,
            float(yi),
            float(vi),
            float(weight),
            res.back,
            ids,
        )


def _study_data(
    parent: ET.Element,
    dichotomous: bool,
    ratio: bool,
    order: int,
    row: OutcomeData,
    yi: float,
    vi: float,
    weight: float,
    back: Callable[[float], float | None],
    ids: dict[str, str],
) -> None:
    estimable = math.isfinite(yi) and math.isfinite(vi)
    values: dict[str, str] = {
        "ESTIMABLE": "YES" if estimable else "NO",
        "ORDER": str(order),
        "STUDY_ID": ids[row.study],
        "TOTAL_1": _int(_n(row.n_1)),
        "TOTAL_2": _int(_n(row.n_2)),
    }
    if estimable:
        se = math.sqrt(vi)
        effect, low, high = (back(v) for v in (yi, yi - _Z95 * se, yi + _Z95 * se))
        values |= {
            "CI_END": _num(high),
            "CI_START": _num(low),
            "EFFECT_SIZE": _num(effect),
            "SE": _num(se),
            "WEIGHT": _num(weight),
        }
        if dichotomous:
            values["VAR"] = _num(vi)
            if ratio:
                values |= _logs(effect, low, high)
    else:
        values |= {"CI_END": "", "CI_START": "", "EFFECT_SIZE": "", "SE": "", "WEIGHT": "0.0"}
    if dichotomous:
        values |= {
            "EVENTS_1": _int(_n(row.events_1)),
            "EVENTS_2": _int(_n(row.events_2)),
            "O_E": "0.0",
        }
    else:
        values |= {
            "MEAN_1": _num(_n(row.mean_1)),
            "MEAN_2": _num(_n(row.mean_2)),
            "SD_1": _num(_n(row.sd_1)),
            "SD_2": _num(_n(row.sd_2)),
        }
    ET.SubElement(parent, "DICH_DATA" if dichotomous else "CONT_DATA", dict(sorted(values.items())))


def _logs(effect: float | None, low: float | None, high: float | None) -> dict[str, str]:
    """RevMan's LOG_ attributes: base-10 logarithms of a ratio and its CI."""
    return {
        "LOG_CI_END": _num(math.log10(high)) if high else "",
        "LOG_CI_START": _num(math.log10(low)) if low else "",
        "LOG_EFFECT_SIZE": _num(math.log10(effect)) if effect else "",
    }


def _n(value: float | None) -> float:
    assert value is not None  # arm-level rows have every value (grade.study_rows)
    return float(value)


def _int(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _num(value: float | None) -> str:
    """Full precision, as RevMan writes its calculated numbers; empty when undefined."""
    if value is None or not math.isfinite(value):
        return ""
    return repr(float(value))
