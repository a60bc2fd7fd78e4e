"""Words the report derives from data: row labels of the study-characteristics
tables, risk-of-bias judgements in the reader's language, dates in words, and
Summary-of-Findings row labels that keep what sets a row apart from the others.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from .. import grade
from ..model import Comparison, Outcome, ReviewData, SofRow

#: human labels of the characteristics cells a study description commonly has
CHARACTERISTIC_LABELS: dict[str, dict[str, str]] = {
    "nb": {
        "age": "Alder",
        "women": "Kvinner",
        "men": "Menn",
        "sex": "Kjønn",
        "sick_leave": "Sykmelding",
        "diagnosis": "Diagnose",
        "setting": "Setting",
        "country": "Land",
        "countries": "Land",
        "design": "Design",
        "population": "Populasjon",
        "participants": "Deltakere",
        "intervention": "Tiltak",
        "intervention_details": "Beskrivelse av tiltaket",
        "intervention_duration": "Varighet av tiltaket",
        "control": "Kontroll",
        "comparator": "Sammenligning",
        "follow_up": "Oppfølging",
        "follow_up_note": "Merknad om oppfølging",
        "outcome_measures": "Utfallsmål",
        "outcomes": "Utfall",
        "funding": "Finansiering",
        "publications": "Publikasjoner",
        "note": "Merknad",
        "notes": "Merknader",
        "included_studies": "Inkluderte studier",
        "search_date": "Søkedato",
    },
    "en": {
        "age": "Age",
        "women": "Women",
        "men": "Men",
        "sex": "Sex",
        "sick_leave": "Sick leave",
        "diagnosis": "Diagnosis",
        "setting": "Setting",
        "country": "Country",
        "countries": "Countries",
        "design": "Design",
        "population": "Population",
        "participants": "Participants",
        "intervention": "Intervention",
        "intervention_details": "Intervention details",
        "intervention_duration": "Duration of the intervention",
        "control": "Control",
        "comparator": "Comparator",
        "follow_up": "Follow-up",
        "follow_up_note": "Note on follow-up",
        "outcome_measures": "Outcome measures",
        "outcomes": "Outcomes",
        "funding": "Funding",
        "publications": "Publications",
        "note": "Note",
        "notes": "Notes",
        "included_studies": "Included studies",
        "search_date": "Search date",
    },
}


def characteristic_label(key: str, lang: str) -> str:
    """The row label of a characteristics cell: ``age`` -> "Alder" / "Age"; a key
    not known here is made readable (``time_off_work`` -> "Time off work")."""
    known = CHARACTERISTIC_LABELS["nb" if lang == "nb" else "en"].get(key.strip().lower())
    if known:
        return known
    words = " ".join(key.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]


#: a risk-of-bias judgement as a table cell, RevMan's way ("Low risk", "Lav risiko")
ROB_JUDGEMENTS: dict[str, dict[str, str]] = {
    "nb": {
        "low": "Lav risiko",
        "unclear": "Uklar risiko",
        "high": "Høy risiko",
        "some_concerns": "Noe bekymring",
        "moderate": "Moderat risiko",
        "serious": "Alvorlig risiko",
        "critical": "Kritisk risiko",
        "no_information": "Ingen informasjon",
    },
}


def rob_judgement(judgement: str, lang: str) -> str:
    """A judgement as the table prints it in ``lang``; English keeps the code."""
    return ROB_JUDGEMENTS.get(lang, {}).get(judgement, judgement)


_MONTHS = {
    "nb": [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def month_year(date: str, lang: str) -> str:
    """An ISO date (``2020-05`` or ``2020-05-04``) as month and year in words: "mai
    2020" / "May 2020"; a date in any other form is returned as given."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*", date)
    if match is None or not 1 <= int(match[2]) <= 12:
        return date.strip()
    return f"{_MONTHS['nb' if lang == 'nb' else 'en'][int(match[2]) - 1]} {match[1]}"


def search_end(data: ReviewData) -> str | None:
    """When the database searches ended: the review's ``search_completed`` where set,
    else the latest date of a database search (other sources do not count)."""
    if data.review.search_completed:
        return data.review.search_completed
    dates = sorted(s.date for s in data.searches if s.source == "database" and s.date)
    return dates[-1] if dates else None


# --- Summary-of-Findings labels ------------------------------------------------------

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


def is_specific(row: SofRow, outcome: Outcome | None) -> bool:
    """Whether a row's label says more than its outcome's name and time point (e.g.
    "Symptomreduksjon: depresjon ved 12 måneder" for the outcome "Symptomreduksjon"),
    so that the outcome's name alone would lose it."""
    if outcome is None:
        return True
    known = _words(outcome.name) | _words(row.timepoint or "") | _FILLERS
    return bool(_words(row.label) - known)


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def sof_rows(
    tables: list[grade.BuiltTable], outcomes: Sequence[Outcome], lang: str
) -> list[grade.BuiltTable]:
    """``tables`` with English row labels that keep each row's specific part: a row
    without its own English label whose label says more than its outcome's name is
    shown with its label as recorded (not the outcome's English name), and rows of
    one table never share a label.  Statements are reworded with the label shown."""
    if lang != "en":
        return tables
    by_id = {o.id: o for o in outcomes}
    out = []
    for table in tables:
        labels = []
        for row in table.rows:
            own = row.recorded.label_en
            keep = own or not is_specific(row.recorded, by_id.get(row.recorded.outcome))
            labels.append(row.label if keep else row.recorded.label)
        repeated = Counter(labels)
        for i, row in enumerate(table.rows):
            if repeated[labels[i]] > 1 and not row.recorded.label_en:
                labels[i] = row.recorded.label
        rows = tuple(
            row if label == row.label else _relabelled(row, label, table.comparison, lang)
            for row, label in zip(table.rows, labels, strict=True)
        )
        out.append(replace(table, rows=rows))
    return out


def _relabelled(
    row: grade.BuiltRow, label: str, comparison: Comparison | None, lang: str
) -> grade.BuiltRow:
    e = row.evidence
    statement = row.statement
    pending = statement is not None and comparison is not None and row.size
    if pending and e is not None and e.estimate is not None:
        assert comparison is not None and row.size is not None
        intervention, comparator = grade.names(comparison, lang)
        statement = grade.statement(
            row.certainty,
            row.size,
            "increase" if e.estimate > e.null else "decrease",
            intervention=_lower_first(intervention),
            outcome=_lower_first(label),
            comparator=_lower_first(comparator),
            lang=lang,
        )
    return replace(row, label=label, statement=statement)
