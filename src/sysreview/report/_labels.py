"""Words the report derives from data: row labels of the study-characteristics
tables, risk-of-bias judgements in the reader's language, and dates in words.
(Summary-of-Findings row labels are grade's: :func:`sysreview.grade.row_label`.)
"""

from __future__ import annotations

import re

from ..model import ReviewData

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
