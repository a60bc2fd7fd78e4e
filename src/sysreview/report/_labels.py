"""Words the report derives from data: row labels of the study-characteristics
tables, risk-of-bias judgements in the reader's language, dates in words, and the
few recorded values with a fixed English form (country names, units of time, the
review type), so an English report of a Norwegian review does not print "Norge" or
"12 mnd".  Free text the review gives in one language only is not translated.
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
    """An ISO date (``2020-05`` or ``2020-05-04``), or a month and year in words in
    either language ("mai 2020"), as month and year in words in ``lang``: "mai
    2020" / "May 2020"; a date in any other form is returned as given."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*", date)
    month: int | None = None
    if match is not None and 1 <= int(match[2]) <= 12:
        year, month = match[1], int(match[2])
    else:
        words = re.fullmatch(r"\s*([^\W\d_]+)\.?\s+(\d{4})\s*", date)
        if words is not None:
            name = words[1].lower()
            for names in _MONTHS.values():
                lowered = [n.lower() for n in names]
                if name in lowered:
                    year, month = words[2], lowered.index(name) + 1
                    break
    if month is None:
        return date.strip()
    return f"{_MONTHS['nb' if lang == 'nb' else 'en'][month - 1]} {year}"


def search_date(date: str | None, date_text: str | None, lang: str) -> str | None:
    """When a search was run, for the search appendix: a full ISO date as given, a
    month and year in words in ``lang`` (from ``2020-05`` or the source's "mai
    2020"), else the source's words."""
    if date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date.strip()):
        return date.strip()
    shown = date or date_text
    return month_year(shown, lang) if shown else None


#: country names as Norwegian reviews print them, in English
COUNTRIES_EN: dict[str, str] = {
    "norge": "Norway",
    "sverige": "Sweden",
    "danmark": "Denmark",
    "finland": "Finland",
    "island": "Iceland",
    "nederland": "Netherlands",
    "tyskland": "Germany",
    "østerrike": "Austria",
    "sveits": "Switzerland",
    "frankrike": "France",
    "belgia": "Belgium",
    "spania": "Spain",
    "portugal": "Portugal",
    "italia": "Italy",
    "hellas": "Greece",
    "irland": "Ireland",
    "storbritannia": "United Kingdom",
    "england": "England",
    "skottland": "Scotland",
    "polen": "Poland",
    "tsjekkia": "Czech Republic",
    "estland": "Estonia",
    "russland": "Russia",
    "tyrkia": "Turkey",
    "usa": "USA",
    "canada": "Canada",
    "australia": "Australia",
    "new zealand": "New Zealand",
    "japan": "Japan",
    "kina": "China",
    "sør-korea": "South Korea",
    "brasil": "Brazil",
    "israel": "Israel",
    "iran": "Iran",
    "india": "India",
    "sør-afrika": "South Africa",
}


def countries(text: str, lang: str) -> str:
    """A recorded list of countries ("Danmark, Nederland", "Norge og Danmark") in
    ``lang``; a text with any part this list does not know is shown as recorded."""
    if lang != "en":
        return text
    parts = [p.strip() for p in re.split(r",|\bog\b", text)]
    if not all(p.lower() in COUNTRIES_EN for p in parts):
        return text
    return ", ".join(COUNTRIES_EN[p.lower()] for p in parts)


def country(name: str, lang: str) -> str:
    """A recorded country in ``lang``: "Norge" -> "Norway" in English; a name this
    list does not know is shown as recorded."""
    if lang != "en":
        return name
    return COUNTRIES_EN.get(name.strip().lower(), name)


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


#: the review types Norwegian reviews name on their cover, in English
REVIEW_TYPES_EN: dict[str, str] = {
    "systematisk oversikt": "Systematic review",
    "systematisk kunnskapsoppsummering": "Systematic review",
    "oversikt over systematiske oversikter": "Overview of systematic reviews",
    "hurtigoversikt": "Rapid review",
    "kartleggingsoversikt": "Scoping review",
    "metodevurdering": "Health technology assessment",
}


def review_type(text: str, lang: str) -> str:
    """The review type for the cover: "Systematisk oversikt" -> "Systematic review"
    in English; a type this list does not know is shown as recorded."""
    if lang != "en":
        return text
    return REVIEW_TYPES_EN.get(text.strip().lower(), text)


def search_end(data: ReviewData) -> str | None:
    """When the database searches ended: the review's ``search_completed`` where set,
    else the latest date of a database search (other sources do not count)."""
    if data.review.search_completed:
        return data.review.search_completed
    dates = sorted(s.date for s in data.searches if s.source == "database" and s.date)
    return dates[-1] if dates else None
