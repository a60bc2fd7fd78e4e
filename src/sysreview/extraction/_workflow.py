"""Each outcome-data row read by ``required`` people, then agreed.

- :func:`record` logs one person's entry for a row (replacing their earlier one).  When
  ``required`` entries agree on every compared value, the row is written to
  ``outcome_data`` at once; when they differ, the row is a conflict a lead settles
  (:func:`settle`).  An agreed row no longer takes entries: the lead changes it.
- Blinding (:func:`visible`): working independently, nobody sees another's entry for a
  row before recording their own; in the protocol's ``checked`` mode the checker sees
  the first entry, as the NIPH review's second researcher did.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from ..errors import EntryError, WorkflowError
from ..model import Extraction, ExtractionMode, OutcomeData, ReviewData
from ._values import (
    COMPARED,
    NUMBER_FIELDS,
    VALUE_FIELDS,
    consistency_problems,
    label,
    required_problems,
)

State = Literal["awaiting", "conflict", "agreed"]
_DECIMAL_COMMA = re.compile(r"-?\d*,\d+")
_THOUSANDS = re.compile(r"-?\d{1,3},\d{3}")


@dataclass(frozen=True)
class ExtractionPosition:
    """Where one outcome-data row stands."""

    row: str
    study: str
    outcome: str
    state: State
    #: who has entered it, in order
    extractors: tuple[str, ...]
    #: the compared fields on which the entries differ (a conflict's)
    differences: tuple[str, ...] = ()


def entry(
    row: str,
    extractor: str,
    values: Mapping[str, Any],
    extracted_at: str | None = None,
    *,
    complete: bool = True,
) -> Extraction:
    """One person's entry, checked: known fields only, what its kind of data needs
    (unless ``complete`` is false: a correction of data a review already holds), and no
    values that cannot all be right (each error names the field)."""
    if not row.strip():
        raise WorkflowError("an outcome-data row needs an id")
    if not extractor.strip():
        raise WorkflowError("an entry needs the extractor's name")
    unknown = sorted(set(values) - set(VALUE_FIELDS))
    if unknown:
        raise EntryError(
            f"no field {unknown[0]!r} in outcome data",
            field=unknown[0],
            hint="fields: " + ", ".join(VALUE_FIELDS),
        )
    cleaned = {k: _value(k, v) for k, v in values.items()}
    for name in ("study", "outcome"):
        if not cleaned.get(name):
            raise EntryError(f"{label(name)} is needed", field=name)
    needs = required_problems(cleaned) if complete else []
    for name, message in needs + consistency_problems(cleaned):
        raise EntryError(f"{label(name)} ({name}): {message}", field=name)
    return Extraction(
        row=row.strip(), extractor=extractor.strip(), extracted_at=extracted_at, **cleaned
    )


def _is_count(name: str) -> bool:
    """A field holding people or events, never a fraction (n_1, events_2 ...)."""
    return name.startswith(("n_", "events_"))


def _value(name: str, value: Any) -> Any:
    """Text stripped (empty is missing); numbers from text, a decimal comma allowed
    (``0,97``, as Norwegian and many European papers print them)."""
    if isinstance(value, str):
        value = value.strip() or None
    if name not in NUMBER_FIELDS or value is None or isinstance(value, float):
        return value
    if isinstance(value, str) and "," in value:
        if _THOUSANDS.fullmatch(value):
            raise EntryError(
                f"{label(name)} ({name}): is {value!r} a thousands separator or a decimal comma?",
                field=name,
                hint=f"write {value.replace(',', '')}"
                + ("" if _is_count(name) else f", or {value.replace(',', '.')} for a decimal"),
            )
        if _DECIMAL_COMMA.fullmatch(value):
            value = value.replace(",", ".")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise EntryError(f"{label(name)} ({name}): {value!r} is not a number", field=name) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise EntryError(f"{label(name)} ({name}): {value!r} is not a number", field=name)
    return number


def differences(a: Extraction, b: Extraction | OutcomeData) -> tuple[str, ...]:
    """The compared fields on which two readings differ."""
    return tuple(f for f in COMPARED if getattr(a, f) != getattr(b, f))


def _entries(data: ReviewData, row: str) -> list[Extraction]:
    return [e for e in data.extractions if e.row == row]


def _agreed(data: ReviewData) -> dict[str, OutcomeData]:
    return {d.id: d for d in data.outcome_data}


def record(
    data: ReviewData, new: Extraction, required: int
) -> tuple[ReviewData, ExtractionPosition]:
    """``new`` logged (replacing its extractor's earlier entry for the row); the row
    written to ``outcome_data`` once ``required`` entries agree."""
    if new.row in _agreed(data):
        raise WorkflowError(
            f"outcome data {new.row!r} are agreed: entries no longer change them",
            hint="a lead changes the agreed values (sysreview extract settle)",
        )
    kept = [e for e in data.extractions if not (e.row == new.row and e.extractor == new.extractor)]
    data = replace(data, extractions=(*kept, new))
    entries = _entries(data, new.row)
    if len(entries) >= required and not _disagreeing(entries):
        data = _write(data, new.row, _merged(entries))
    return data, _position(data, new.row)


def _disagreeing(entries: Sequence[Extraction]) -> tuple[str, ...]:
    first = entries[0]
    found: list[str] = []
    for other in entries[1:]:
        found += [f for f in differences(first, other) if f not in found]
    return tuple(f for f in COMPARED if f in found)


def _merged(entries: Sequence[Extraction]) -> dict[str, Any]:
    """Agreed values, with the first source and quoted sentence anyone gave."""
    values = {f: getattr(entries[0], f) for f in VALUE_FIELDS}
    for name in ("source", "text"):
        values[name] = next((getattr(e, name) for e in entries if getattr(e, name)), None)
    return values


def _write(data: ReviewData, row: str, values: Mapping[str, Any]) -> ReviewData:
    agreed = OutcomeData(id=row, **values)
    rows = list(data.outcome_data)
    at = next((i for i, d in enumerate(rows) if d.id == row), None)
    if at is None:
        rows.append(agreed)
    else:
        rows[at] = agreed
    return replace(data, outcome_data=tuple(rows))


def settle(
    data: ReviewData, row: str, *, take: str | None = None, values: Mapping[str, Any] | None = None
) -> tuple[ReviewData, OutcomeData]:
    """The team's values for ``row``: ``take``'s entry (or the agreed row, or the only
    entry) with ``values`` changed, or ``values`` alone when they give every field;
    checked as an entry is.  Settles a conflict, or changes a row already agreed."""
    entries = _entries(data, row)
    agreed = _agreed(data).get(row)
    base: Mapping[str, Any]
    if take is None and values is not None and set(VALUE_FIELDS) <= set(values):
        base = {}  # the team's own reading, every field given (the web's form)
    elif take is not None:
        chosen = next((e for e in entries if e.extractor == take), None)
        if chosen is None:
            who = ", ".join(e.extractor for e in entries) or "nobody"
            raise WorkflowError(f"{take} has no entry for {row!r} (entered by: {who})")
        base = _merged([chosen, *entries])
    elif agreed is not None:
        base = {f: getattr(agreed, f) for f in VALUE_FIELDS}
    elif len(entries) == 1 or (entries and not _disagreeing(entries)):
        base = _merged(entries)
    elif entries:
        raise WorkflowError(
            f"the entries for {row!r} differ: say whose to take",
            hint="--take " + " or --take ".join(e.extractor for e in entries),
        )
    else:
        raise WorkflowError(f"no outcome data {row!r} and nobody has entered it")
    merged = {**base, **(values or {})}
    # a correction of data the review holds need not complete them (a paper may not
    # report an SD); new values are checked as an entry's are
    checked = entry(row, "team", merged, complete=agreed is None or bool(entries))
    final = {f: getattr(checked, f) for f in VALUE_FIELDS}
    data = _write(data, row, final)
    return data, _agreed(data)[row]


def _position(data: ReviewData, row: str) -> ExtractionPosition:
    entries = _entries(data, row)
    agreed = _agreed(data).get(row)
    subject = agreed if agreed is not None else entries[0]
    disagreeing = _disagreeing(entries) if entries else ()
    state: State
    if agreed is not None:
        state = "agreed"
    elif disagreeing and len(entries) >= 2:
        state = "conflict"
    else:
        state = "awaiting"
    return ExtractionPosition(
        row=row,
        study=subject.study,
        outcome=subject.outcome,
        state=state,
        extractors=tuple(e.extractor for e in entries),
        differences=disagreeing if state == "conflict" else (),
    )


def positions(data: ReviewData, required: int) -> list[ExtractionPosition]:
    """Every row anyone has entered, in the order first entered.  A row whose entries
    differ is a conflict once ``required`` people have entered it."""
    rows = list(dict.fromkeys(e.row for e in data.extractions))
    found = [_position(data, row) for row in rows]
    return [
        replace(p, state="awaiting", differences=())
        if p.state == "conflict" and len(p.extractors) < required
        else p
        for p in found
    ]


def visible(data: ReviewData, extractor: str, mode: ExtractionMode) -> list[Extraction]:
    """The entries ``extractor`` may see: their own, and others' for rows they have
    entered themselves (or, checking, every row) or that are agreed."""
    own_rows = {e.row for e in data.extractions if e.extractor == extractor}
    agreed = set(_agreed(data))
    return [
        e
        for e in data.extractions
        if e.extractor == extractor or mode == "checked" or e.row in own_rows or e.row in agreed
    ]


@dataclass(frozen=True)
class Tally:
    """How extraction went, for the methods: rows entered by two or more, of which
    agreed at once, settled after their entries differed, and still open."""

    rows: int
    agreed_at_once: int
    settled: int
    open: int


def tally(data: ReviewData) -> Tally:
    """Counts over every row anyone has entered."""
    agreed = _agreed(data)
    at_once = settled = still_open = 0
    rows = list(dict.fromkeys(e.row for e in data.extractions))
    for row in rows:
        entries = _entries(data, row)
        if row not in agreed:
            still_open += 1
        elif len(entries) > 1 and _disagreeing(entries):
            settled += 1
        else:
            at_once += 1
    return Tally(len(rows), at_once, settled, still_open)
