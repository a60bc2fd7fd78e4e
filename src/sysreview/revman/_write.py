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
dichotomous or continuous form of) is named in :attr:`RevManFile.left_out` with the
reason, never dropped in silence.
"""

from __future__ import annotations

import hashlib
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

from ..model import ReviewData, Study, free_id
from ._numbers import OutcomeNumbers, RevManFile, StudyNumbers, Texts, comparisons, study_year
from ._vocab import CAUTION, ROB_ITEMS, ROB_QUESTIONS, ROB_RESULTS, encode_id


def write_rm5(data: ReviewData, path: str | Path, *, lang: str = "en") -> RevManFile:
    """Write ``data`` as a RevMan 5 file at ``path`` (UTF-8)."""
    written = rm5(data, lang=lang)
    Path(path).write_text(written.text, encoding="utf-8")
    return written


def rm5(data: ReviewData, *, lang: str = "en") -> RevManFile:
    """The RevMan 5 file of ``data``; texts in English where the review gives them
    (``lang="en"``), else in the review's own language."""
    text = Texts(lang)
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
    _studies(root, data, ids)
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
    return RevManFile(xml, tuple(analyses), tuple(left_out))


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


Outline: TypeAlias = tuple[tuple[str, "Outline"], ...]
#: RevMan 5's outline of a review's text, as it writes a new review: every section
#: present, empty unless the review gives its words (see :func:`_main_text`)
_OUTLINE: Outline = (
    ("SUMMARY", (("TITLE", ()), ("SUMMARY_BODY", ()))),
    (
        "ABSTRACT",
        tuple(
            (tag, ())
            for tag in (
                "ABS_BACKGROUND",
                "ABS_OBJECTIVES",
                "ABS_SEARCH_STRATEGY",
                "ABS_SELECTION_CRITERIA",
                "ABS_DATA_COLLECTION",
                "ABS_RESULTS",
                "ABS_CONCLUSIONS",
            )
        ),
    ),
    (
        "BODY",
        (
            (
                "BACKGROUND",
                tuple((t, ()) for t in ("CONDITION", "INTERVENTION", "THEORY", "IMPORTANCE")),
            ),
            ("OBJECTIVES", ()),
            (
                "METHODS",
                (
                    (
                        "SELECTION_CRITERIA",
                        (
                            ("CRIT_STUDIES", ()),
                            ("CRIT_PARTICIPANTS", ()),
                            ("CRIT_INTERVENTIONS", ()),
                            (
                                "CRIT_OUTCOMES",
                                (("CRIT_OUTCOMES_PRIMARY", ()), ("CRIT_OUTCOMES_SECONDARY", ())),
                            ),
                        ),
                    ),
                    ("SEARCH_METHODS", (("ELECTRONIC_SEARCHES", ()), ("OTHER_SEARCHES", ()))),
                    (
                        "DATA_COLLECTION",
                        tuple(
                            (t, ())
                            for t in (
                                "STUDY_SELECTION",
                                "DATA_EXTRACTION",
                                "QUALITY_ASSESSMENT",
                                "EFFECT_MEASURES",
                                "UNIT_OF_ANALYSIS",
                                "MISSING_DATA",
                                "HETEROGENEITY_ASSESSMENT",
                                "BIAS_ASSESSMENT",
                                "DATA_SYNTHESIS",
                                "SUBGROUP_ANALYSIS",
                                "SENSITIVITY_ANALYSIS",
                            )
                        ),
                    ),
                ),
            ),
            (
                "RESULTS",
                (
                    (
                        "STUDY_DESCRIPTION",
                        tuple(
                            (t, ())
                            for t in (
                                "SEARCH_RESULTS",
                                "INCLUDED_STUDIES_DESCR",
                                "EXCLUDED_STUDIES_DESCR",
                            )
                        ),
                    ),
                    (
                        "STUDY_QUALITY",
                        tuple(
                            (t, ())
                            for t in (
                                "ALLOCATION",
                                "BLINDING",
                                "EXCLUSIONS",
                                "SELECTIVE_REPORTING",
                                "OTHER_BIAS_SOURCES",
                            )
                        ),
                    ),
                    ("INTERVENTION_EFFECTS", ()),
                ),
            ),
            (
                "DISCUSSION",
                tuple(
                    (t, ())
                    for t in (
                        "SUMMARY_OF_RESULTS",
                        "APPLICABILITY_OF_FINDINGS",
                        "QUALITY_OF_EVIDENCE",
                        "POTENTIAL_BIASES",
                        "AGREEMENT",
                    )
                ),
            ),
            ("CONCLUSIONS", (("IMPLICATIONS_PRACTICE", ()), ("IMPLICATIONS_RESEARCH", ()))),
        ),
    ),
    *(
        (t, ())
        for t in (
            "ACKNOWLEDGEMENTS",
            "CONFLICT_OF_INTEREST",
            "CONTRIBUTIONS",
            "PRO_REV_DIFF",
            "PUBLIC_NOTES",
        )
    ),
)
_ADDRESS = ("DEPARTMENT", "ORGANISATION", "ADDRESS_1", "ADDRESS_2", "CITY", "ZIP", "REGION")


def _outline(parent: ET.Element, outline: Outline, words: dict[str, list[str]]) -> None:
    for tag, children in outline:
        if children:
            _outline(ET.SubElement(parent, tag), children, words)
        else:
            _paragraphs(parent, tag, words.get(tag, ()))


def _person(parent: ET.Element, role: str, name: str = "") -> None:
    """A person as RevMan keeps one (``Ann Berg``: first name Ann, last name Berg)."""
    given, _, family = name.rpartition(" ")
    person = ET.SubElement(parent, "PERSON", {"ID": "????", "ROLE": role})
    for tag, value in (
        ("PREFIX", ""),
        ("FIRST_NAME", given),
        ("MIDDLE_INITIALS", ""),
        ("LAST_NAME", family),
        ("SUFFIX", ""),
        ("POSITION", ""),
        ("EMAIL_1", ""),
        ("EMAIL_2", ""),
        ("URL", ""),
        ("MOBILE_PHONE", ""),
    ):
        ET.SubElement(person, tag).text = value or None
    address = ET.SubElement(person, "ADDRESS")
    _empty(address, *_ADDRESS)
    ET.SubElement(address, "COUNTRY", {"CODE": "NONE"}).text = "Not specified"
    _empty(address, "PHONE_1", "PHONE_2", "FAX_1", "FAX_2")
    ET.SubElement(person, "FOOTNOTE")


def _date(parent: ET.Element, tag: str, iso: str | None) -> None:
    year, month, day = [*(iso or "").split("-"), "", "", ""][:3]
    holder = ET.SubElement(parent, tag)
    ET.SubElement(
        holder,
        "DATE",
        {"DAY": day.lstrip("0"), "MONTH": month.lstrip("0"), "YEAR": year},
    )


def _cover_sheet(root: ET.Element, data: ReviewData, text: Texts) -> None:
    cover = ET.SubElement(root, "COVER_SHEET")
    ET.SubElement(cover, "TITLE").text = text(data.review, "title")
    contact = ET.SubElement(cover, "CONTACT")
    _person(contact, "CONTACT", data.review.authors[0] if data.review.authors else "")
    creators = ET.SubElement(cover, "CREATORS")
    for author in data.review.authors or ("",):
        _person(creators, "AUTHOR", author)
    dates = ET.SubElement(cover, "DATES")
    searched = sorted(
        s.date for s in data.searches if s.date and re.fullmatch(r"\d{4}-\d\d-\d\d", s.date)
    )
    _date(dates, "UP_TO_DATE", None)
    _date(dates, "LAST_SEARCH", searched[-1] if searched else None)
    _date(dates, "NEXT_STAGE", None)
    for tag in ("PROTOCOL_PUBLISHED", "REVIEW_PUBLISHED", "LAST_CITATION_ISSUE"):
        ET.SubElement(dates, tag, {"ISSUE": "", "YEAR": ""})
    _empty(cover, "WHATS_NEW", "HISTORY")
    _empty(ET.SubElement(cover, "SOURCES_OF_SUPPORT"), "INTERNAL_SOURCES", "EXTERNAL_SOURCES")
    ET.SubElement(cover, "MESH_TERMS", {"VERIFIED": "NO"})
    ET.SubElement(cover, "KEYWORDS")


def _main_text(root: ET.Element, data: ReviewData, text: Texts) -> None:
    """RevMan's outline, with what the review's protocol and search log say."""
    protocol = data.protocol
    primary = [text(o, "name") for o in protocol.outcomes if o.priority == "primary"]
    secondary = [text(o, "name") for o in protocol.outcomes if o.priority != "primary"]
    searches = [
        ", ".join(
            p
            for p in (
                s.database,
                s.interface or "",
                f"searched {s.date_text or s.date}" if (s.date or s.date_text) else "",
                f"{s.reported_hits} records" if s.reported_hits is not None else "",
            )
            if p
        )
        for s in data.searches
    ]
    words = {
        "OBJECTIVES": [text(data.review, "question")],
        "CRIT_PARTICIPANTS": [protocol.population or ""],
        "CRIT_INTERVENTIONS": [protocol.intervention or ""],
        "CRIT_OUTCOMES_PRIMARY": primary,
        "CRIT_OUTCOMES_SECONDARY": secondary,
        "ELECTRONIC_SEARCHES": [
            s
            for s, search in zip(searches, data.searches, strict=True)
            if search.source == "database"
        ],
        "OTHER_SEARCHES": [
            s
            for s, search in zip(searches, data.searches, strict=True)
            if search.source != "database"
        ],
    }
    _outline(ET.SubElement(root, "MAIN_TEXT"), _OUTLINE, words)


def _excluded(exclusion_id: str) -> str:
    """An excluded full text's key among the study ids (the two may share an id)."""
    return f"excluded:{exclusion_id}"


def _study_ids(data: ReviewData) -> dict[str, str]:
    """RevMan's ``STD-`` id of every study (by its id) and excluded full text (by
    :func:`_excluded`), unique."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for key, name in [(s.id, s.label) for s in data.studies] + [
        (_excluded(e.id), _exclusion_name(e.first_author, e.year, e.citation))
        for e in data.exclusions
    ]:
        candidate = free_id("STD-" + encode_id(name), taken, sep="_x002d_")
        taken.add(candidate)
        ids[key] = candidate
    return ids


def _exclusion_name(author: str | None, year: int | None, citation: str) -> str:
    if author:
        return f"{author} {year}" if year else author
    return citation[:40]


def _studies(root: ET.Element, data: ReviewData, ids: dict[str, str]) -> None:
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
                "YEAR": study_year(data, study),
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
            ET.SubElement(reference, "IDENTIFIERS")
        ET.SubElement(element, "IDENTIFIERS")
    for exclusion in data.exclusions:
        element = ET.SubElement(
            groups["excluded"],
            "STUDY",
            {
                "DATA_SOURCE": "PUB",
                "ID": ids[_excluded(exclusion.id)],
                "NAME": _exclusion_name(exclusion.first_author, exclusion.year, exclusion.citation),
                "YEAR": str(exclusion.year or ""),
            },
        )
        reference = ET.SubElement(
            element, "REFERENCE", {"PRIMARY": "YES", "TYPE": "JOURNAL_ARTICLE"}
        )
        ET.SubElement(reference, "SO").text = exclusion.citation
        ET.SubElement(reference, "IDENTIFIERS")
        ET.SubElement(element, "IDENTIFIERS")
    _empty(
        ET.SubElement(both, "OTHER_REFERENCES"),
        "ADDITIONAL_REFERENCES",
        "OTHER_VERSIONS_REFERENCES",
        "PENDING_REFERENCES",
    )


_TABLE = {
    "SORT_BY": "STUDY",
    "USER_DEF_1_ENABLED": "NO",
    "USER_DEF_2_ENABLED": "NO",
    "USER_DEF_3_ENABLED": "NO",
}


def _characteristics(root: ET.Element, data: ReviewData, ids: dict[str, str], text: Texts) -> None:
    chars = ET.SubElement(root, "CHARACTERISTICS_OF_STUDIES")
    included = ET.SubElement(
        chars,
        "CHARACTERISTICS_OF_INCLUDED_STUDIES",
        _TABLE,
    )
    for study in (s for s in data.studies if s.status == "included"):
        char = ET.SubElement(included, "INCLUDED_CHAR", {"STUDY_ID": ids[study.id]})
        for tag, lines in _characteristic_lines(study):
            _paragraphs(char, tag, lines)
    ET.SubElement(included, "FOOTNOTES")
    excluded = ET.SubElement(chars, "CHARACTERISTICS_OF_EXCLUDED_STUDIES", {"SORT_BY": "STUDY"})
    for exclusion in data.exclusions:
        char = ET.SubElement(excluded, "EXCLUDED_CHAR", {"STUDY_ID": ids[_excluded(exclusion.id)]})
        _paragraphs(char, "REASON_FOR_EXCLUSION", [text(exclusion, "reason")])
    ET.SubElement(excluded, "FOOTNOTES")
    for tag in ("CHARACTERISTICS_OF_AWAITING_STUDIES", "CHARACTERISTICS_OF_ONGOING_STUDIES"):
        ET.SubElement(ET.SubElement(chars, tag, _TABLE), "FOOTNOTES")


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
    """The agreed RoB 1 judgements, one per study and domain.  A study judged per
    outcome (RevMan's groups of outcomes, which this file does not define) gets its most
    cautious judgement, each outcome's in the description, as the reader reads it back."""
    items = ET.SubElement(root, "QUALITY_ITEMS")
    agreed = [r for r in data.risk_of_bias if r.tool == "rob1" and r.consensus]
    outcome_names = {o.id: o.name_en or o.name for o in data.protocol.outcomes}
    for number, (domain, (name, level)) in enumerate(ROB_ITEMS.items(), start=1):
        item = ET.SubElement(
            items,
            "QUALITY_ITEM",
            {"CORE_ITEM": "YES", "ID": f"QIT-{number:02d}", "LEVEL": level, "NO": str(number)},
        )
        ET.SubElement(item, "NAME").text = name
        _paragraphs(item, "DESCRIPTION", [ROB_QUESTIONS[domain]])
        entries = ET.SubElement(item, "QUALITY_ITEM_DATA")
        judged = [r for r in agreed if r.domain == domain and r.study in ids]
        for study in sorted({r.study for r in judged}, key=lambda s: ids[s]):
            mine = [r for r in judged if r.study == study]
            judgement = max((r.judgement for r in mine), key=CAUTION.index)
            if len({r.judgement for r in mine}) == 1:
                supports = list(dict.fromkeys(r.support for r in mine if r.support))
            else:
                supports = [
                    f"{outcome_names.get(r.outcome or '', 'all outcomes')}: {r.judgement}"
                    + (f" ({r.support})" if r.support else "")
                    for r in mine
                ]
            entry = ET.SubElement(
                entries,
                "QUALITY_ITEM_DATA_ENTRY",
                {"RESULT": ROB_RESULTS[judgement], "STUDY_ID": ids[study]},
            )
            _paragraphs(entry, "DESCRIPTION", ["; ".join(supports)])


def _analyses(
    root: ET.Element, data: ReviewData, ids: dict[str, str], text: Texts
) -> tuple[list[str], list[tuple[str, str]]]:
    section = ET.SubElement(root, "ANALYSES_AND_DATA", {"CALCULATED_DATA": "YES"})
    found, left_out = comparisons(data, text)
    for comparison in found:
        element = ET.SubElement(
            section,
            "COMPARISON",
            {"ID": f"CMP-{comparison.number:03d}", "NO": str(comparison.number)},
        )
        ET.SubElement(element, "NAME").text = comparison.name
        for outcome in comparison.outcomes:
            _outcome(element, f"CMP-{comparison.number:03d}.{outcome.number:02d}", outcome, ids)
    return [o.analysis.id for c in found for o in c.outcomes], left_out


def _outcome(
    parent: ET.Element, outcome_id: str, outcome: OutcomeNumbers, ids: dict[str, str]
) -> None:
    attributes = {
        "CHI2": _num(outcome.chi2),
        "CI_END": _num(outcome.ci_ub),
        "CI_START": _num(outcome.ci_lb),
        "CI_STUDY": "95",
        "CI_TOTAL": "95",
        "DF": str(outcome.df),
        "EFFECT_MEASURE": outcome.measure,
        "EFFECT_SIZE": _num(outcome.effect),
        "ESTIMABLE": "YES",
        "I2": _num(outcome.i2),
        "I2_Q": "0.0",
        "ID": outcome_id,
        "NO": str(outcome.number),
        "P_CHI2": _num(outcome.p_chi2),
        "P_Q": "0.0",
        "P_Z": _num(outcome.p_z),
        "Q": "0.0",
        "RANDOM": "YES" if outcome.random else "NO",
        "SCALE": "100.0",
        "SORT_BY": "STUDY",
        "STUDIES": str(len(outcome.studies)),
        "SUBGROUPS": "NO",
        "SUBGROUP_TEST": "NO",
        "TAU2": _num(outcome.tau2),
        "TOTALS": "YES",
        "TOTAL_1": _int(outcome.total("n_1")),
        "TOTAL_2": _int(outcome.total("n_2")),
        "WEIGHT": _num(outcome.weight),
        "Z": _num(outcome.z),
    }
    if outcome.dichotomous:
        attributes |= {
            "EVENTS_1": _int(outcome.total("events_1")),
            "EVENTS_2": _int(outcome.total("events_2")),
            "METHOD": outcome.method,
            "SWAP_EVENTS": "NO",
        }
        if outcome.ratio:
            attributes |= _logs(outcome.effect, outcome.ci_lb, outcome.ci_ub)
    else:
        attributes["UNITS"] = ""
    tag = "DICH_OUTCOME" if outcome.dichotomous else "CONT_OUTCOME"
    element = ET.SubElement(parent, tag, dict(sorted(attributes.items())))
    ET.SubElement(element, "NAME").text = outcome.name
    ET.SubElement(element, "GROUP_LABEL_1").text = outcome.group_label_1
    ET.SubElement(element, "GROUP_LABEL_2").text = outcome.group_label_2
    ET.SubElement(element, "GRAPH_LABEL_1").text = outcome.graph_labels[0]
    ET.SubElement(element, "GRAPH_LABEL_2").text = outcome.graph_labels[1]
    for study in outcome.studies:
        _study_data(element, outcome, study, ids)


def _study_data(
    parent: ET.Element, outcome: OutcomeNumbers, study: StudyNumbers, ids: dict[str, str]
) -> None:
    row = study.row
    values: dict[str, str] = {
        "ESTIMABLE": "YES" if study.estimable else "NO",
        "ORDER": str(study.order),
        "STUDY_ID": ids[row.study],
        "TOTAL_1": _int(_n(row.n_1)),
        "TOTAL_2": _int(_n(row.n_2)),
        "CI_END": _num(study.ci_ub),
        "CI_START": _num(study.ci_lb),
        "EFFECT_SIZE": _num(study.effect),
        "SE": _num(study.se),
        "WEIGHT": _num(study.weight),
    }
    if outcome.dichotomous:
        values |= {
            "EVENTS_1": _int(_n(row.events_1)),
            "EVENTS_2": _int(_n(row.events_2)),
            "O_E": "0.0",
            "VAR": _num(study.var),
        }
        if outcome.ratio and study.estimable:
            values |= _logs(study.effect, study.ci_lb, study.ci_ub)
    else:
        values |= {
            "MEAN_1": _num(_n(row.mean_1)),
            "MEAN_2": _num(_n(row.mean_2)),
            "SD_1": _num(_n(row.sd_1)),
            "SD_2": _num(_n(row.sd_2)),
        }
    tag = "DICH_DATA" if outcome.dichotomous else "CONT_DATA"
    ET.SubElement(parent, tag, dict(sorted(values.items())))


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
