"""Words the report derives from data: row labels of the study-characteristics
tables, risk-of-bias judgements in the reader's language, dates in words, and the
few recorded values with a fixed English form (country names, the review type), so an
English report of a Norwegian review does not print "Norge".  Units of time ("12
mnd") are grade's :func:`sysreview.grade.timepoint`, which its row labels use too.
Free text the review gives in one language only is not translated.
"""

from __future__ import annotations

import re

from .. import grade
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


def sof_title(data: ReviewData, table: grade.BuiltTable, lang: str) -> str:
    """A Summary-of-Findings table's title: as recorded, except in an English report
    of a review written in another language, where it is made as GRADEpro makes one
    from the comparison's and the outcomes' English names ("Summary of findings:
    multidisciplinary rehabilitation compared with usual care for return to work")."""
    recorded = table.recorded.title
    if lang != "en" or data.review.language == "en" or table.comparison is None:
        return recorded
    intervention, comparator = grade.names(table.comparison, "en")
    if intervention == table.comparison.intervention:  # no English names recorded
        return recorded
    names = {o.id: o.name_en for o in data.protocol.outcomes}
    outcomes: list[str] = []
    for row in table.rows:
        name = names.get(row.recorded.outcome)
        if not name:
            return recorded
        if name not in outcomes:
            outcomes.append(name)
    title = f"Summary of findings: {intervention} compared with {grade.lower_first(comparator)}"
    if outcomes:
        title += f" for {grade.listed([grade.lower_first(o) for o in outcomes], 'en')}"
    return title


#: abbreviations Summary-of-Findings tables define, in English (GRADEpro's wording)
ABBREVIATIONS_EN: dict[str, str] = {
    "KI": "confidence interval",
    "KII": "confidence interval",
    "CI": "confidence interval",
    "RCT": "randomised controlled trial",
    "RR": "risk ratio",
    "OR": "odds ratio",
    "HR": "hazard ratio",
    "MD": "mean difference",
    "SMD": "standardised mean difference",
    "RTW": "return to work",
    "IQR": "interquartile range",
    "ANOVA": "analysis of variance",
}

#: "KI: Konfidensintervall" in an explanation line: a capitalised abbreviation, a colon
#: and its meaning up to the next one
_ABBREVIATION = re.compile(
    r"(?:^|[;,.]\s+|\s)([A-Z][A-Z0-9-]+)\s*:\s*(.+?)\s*(?=[;,]\s*[A-Z][A-Z0-9-]+\s*:|$)"
)

_ABSOLUTE_NOTE_EN = (
    "* The risk in the intervention group (and its 95% confidence interval) is based on "
    "the assumed risk in the comparison group and the relative effect of the "
    "intervention (and its 95% CI)."
)


def sof_explanation(data: ReviewData, table: grade.BuiltTable, lang: str) -> tuple[str, ...]:
    """The lines under a Summary-of-Findings table that explain its marks: the
    recorded explanation as written, except in an English report of a review written
    in another language, where GRADEpro's note on the assumed risk (if the table has
    absolute effects) is given in English, the abbreviations in English where their
    meaning is standard (an abbreviation the review defines its own way, such as
    "CBT: Kognitiv terapi", keeps its definition as written), and the lines that name
    instruments (after a † mark) as written."""
    lines = [line.strip() for line in (table.recorded.explanation or "").splitlines()]
    lines = [line for line in lines if line]
    if lang != "en" or data.review.language == "en":
        return tuple(lines)
    out: list[str] = []
    if any(row.absolute for row in table.rows):
        out.append(_ABSOLUTE_NOTE_EN)
    defined: dict[str, str] = {}
    for line in lines:
        if line.startswith("†"):
            continue
        for key, meaning in _ABBREVIATION.findall(line):
            english = ABBREVIATIONS_EN.get(key)
            name = "CI" if english == "confidence interval" else key
            defined.setdefault(name, english or meaning.strip())
    if defined:
        out.append("; ".join(f"{k}: {v}" for k, v in sorted(defined.items())))
    out += [line for line in lines if line.startswith("†")]
    return tuple(out)


def country(name: str, lang: str) -> str:
    """A recorded country in ``lang``: "Norge" -> "Norway" in English; a name this
    list does not know is shown as recorded."""
    if lang != "en":
        return name
    return COUNTRIES_EN.get(name.strip().lower(), name)


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
