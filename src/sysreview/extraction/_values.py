"""The values of an outcome-data row: which there are, what they are called, and which
combinations cannot be right (more events than participants, a lower quartile above
the median, an estimate outside its confidence interval)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from ..model import Extraction, OutcomeData

#: an outcome-data row's fields, less its id: what an extractor enters
VALUE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(OutcomeData) if f.name != "id")
#: the fields two extractors must agree on; where in the report they read it
#: (``source``) and the sentence they quote (``text``) may differ
COMPARED: tuple[str, ...] = tuple(f for f in VALUE_FIELDS if f not in ("source", "text"))
NUMBER_FIELDS: frozenset[str] = frozenset(
    f.name for f in fields(OutcomeData) if "float" in str(f.type)
)

_ARMS = {"1": "intervention", "2": "control"}
_NAMES = {
    "events": "Events",
    "n": "Participants",
    "mean": "Mean",
    "sd": "SD",
    "median": "Median",
    "q1": "Lower quartile",
    "q3": "Upper quartile",
}
_OTHER = {
    "study": "Study",
    "outcome": "Outcome",
    "data_type": "Data type",
    "comparison": "Comparison",
    "timepoint": "Time point",
    "group": "Subgroup",
    "report": "Report",
    "measure": "Effect measure (RR, OR, MD, HR ...)",
    "instrument": "Instrument or scale",
    "estimate": "Estimate",
    "ci_lb": "CI lower limit",
    "ci_ub": "CI upper limit",
    "ci_level": "CI level (%)",
    "p": "P value",
    "p_text": "P value as reported",
    "source": "Where in the report",
    "text": "The sentence the numbers come from",
}


def label(name: str) -> str:
    """What a person calls a field: ``events_1`` -> "Events (intervention)"."""
    stat, _, arm = name.rpartition("_")
    if arm in _ARMS and stat in _NAMES:
        return f"{_NAMES[stat]} ({_ARMS[arm]})"
    return _OTHER.get(name, name)


def row_id(study: str, outcome: str, timepoint: str | None = None, group: str | None = None) -> str:
    """A row's id from what identifies it: ``lambeek2010-rtw-12-mnd``."""
    parts = [study, outcome, *(p for p in (timepoint, group) if p)]
    return "-".join(_slug(p) for p in parts)


def row_id_of(values: Mapping[str, Any]) -> str:
    """The id :func:`row_id` makes from an entry's own study, outcome, time point and
    group (for an entry that names no row)."""
    return row_id(
        str(values.get("study") or ""),
        str(values.get("outcome") or ""),
        values.get("timepoint") or None,
        values.get("group") or None,
    )


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


Values = Mapping[str, Any]


def consistency_problems(values: Values | OutcomeData | Extraction) -> list[tuple[str, str]]:
    """Values that cannot all be right, as (field, message): negative counts, more
    events than participants, a negative SD, quartiles out of order, a CI upside down,
    a ratio (RR, OR, HR ...) or its limits at or below 0, a P value outside 0 to 1;
    for values being entered (a mapping), counts that are not whole numbers."""
    get = _getter(values)
    # first: "1.500" read as 1.5 also makes the events outnumber the participants
    found = _fractional_counts(values) if isinstance(values, Mapping) else []
    for arm, who in _ARMS.items():
        events, n, sd = get(f"events_{arm}"), get(f"n_{arm}"), get(f"sd_{arm}")
        if events is not None and events < 0:
            found.append((f"events_{arm}", f"events ({who}) cannot be negative"))
        if n is not None and n <= 0:
            found.append((f"n_{arm}", f"participants ({who}) must be more than 0"))
        if events is not None and n is not None and events > n:
            found.append((f"events_{arm}", f"{events:g} events among {n:g} participants ({who})"))
        if sd is not None and sd < 0:
            found.append((f"sd_{arm}", f"SD ({who}) cannot be negative"))
        quartiles = [get(f"q1_{arm}"), get(f"median_{arm}"), get(f"q3_{arm}")]
        known = [q for q in quartiles if q is not None]
        if known != sorted(known):
            found.append(
                (f"median_{arm}", f"lower quartile, median and upper quartile ({who}) out of order")
            )
    lower, upper = get("ci_lb"), get("ci_ub")
    if lower is not None and upper is not None and lower > upper:
        found.append(("ci_lb", f"CI lower limit {lower:g} above the upper limit {upper:g}"))
    measure = str(get("measure") or "").strip().upper()
    if measure in RATIO_MEASURES:  # reported on the ratio scale: above 0, always
        for name in ("estimate", "ci_lb", "ci_ub"):
            value = get(name)
            if value is not None and value <= 0:
                found.append((name, f"a {measure} is above 0, not {value:g} (a log ratio?)"))
    level = get("ci_level")
    if level is not None and not 0 < level < 100:
        found.append(("ci_level", f"CI level {level:g} is not a percentage between 0 and 100"))
    p = get("p")
    if p is not None and not 0 <= p <= 1:
        found.append(("p", f"P value {p:g} is not between 0 and 1"))
    return found


def _fractional_counts(values: Values) -> list[tuple[str, str]]:
    """Events and participants that are not whole numbers, among values being entered
    ("1.500" read as 1.5 participants).  Only entries are held to it: rows stored
    before the rule keep loading (integrity checks them with the other rules)."""
    found = []
    for arm, who in _ARMS.items():
        for stat, noun in (("events", "events"), ("n", "participants")):
            name = f"{stat}_{arm}"
            value = values.get(name)
            if isinstance(value, int | float) and value != int(value):
                thousands = value * 1000
                guess = (
                    f" (a thousands separator? write {thousands:.0f})"
                    if abs(thousands - round(thousands)) < 1e-6
                    else ""
                )
                found.append((name, f"{value:g} is not a whole number of {noun} ({who}){guess}"))
    return found


def doubts(values: Values | OutcomeData | Extraction) -> list[tuple[str, str]]:
    """Values a paper may well have printed but that deserve a second look, as (field,
    message): an estimate outside its own CI (the NIPH review prints Lambeek 2010's
    pain difference as "0,99 (95 % KI 1,3 til 2,1)")."""
    get = _getter(values)
    lower, upper, estimate = get("ci_lb"), get("ci_ub"), get("estimate")
    if estimate is None or lower is None or upper is None or lower <= estimate <= upper:
        return []
    return [("estimate", f"estimate {estimate:g} lies outside its CI {lower:g} to {upper:g}")]


#: effect measures reported as ratios (RevMan's, metafor's): never 0 or below
RATIO_MEASURES = frozenset({"RR", "OR", "HR", "IRR", "ROM", "PETO", "PETO_OR"})


def _getter(values: Values | OutcomeData | Extraction) -> Any:
    if isinstance(values, Mapping):
        return values.get
    return lambda name: getattr(values, name)


#: what each kind of data needs: every field of one of the alternatives
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "dichotomous": (("events_1", "n_1", "events_2", "n_2"),),
    "continuous": (("mean_1", "mean_2"), ("median_1", "median_2")),
    "estimate": (("measure", "estimate"), ("measure", "p"), ("measure", "p_text")),
    "narrative": (("text",),),
}


def required_problems(values: Values) -> list[tuple[str, str]]:
    """What a new entry lacks for its kind of data, as (field, message): events and
    participants in both arms for dichotomous data, means or medians in both arms for
    continuous data, a measure with its estimate or P value for a reported effect,
    the sentence for a narrative result."""
    kind = values.get("data_type")
    if kind not in _NEEDS:
        return [("data_type", f"data type {kind!r}: one of {', '.join(_NEEDS)}")]
    options = _NEEDS[kind]
    if any(all(values.get(f) not in (None, "") for f in option) for option in options):
        return []
    first = options[0]
    missing = next(f for f in first if values.get(f) in (None, ""))
    alternatives = " or ".join(", ".join(label(f) for f in option) for option in options)
    return [(missing, f"{kind} data need {alternatives}")]
