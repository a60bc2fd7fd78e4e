"""A study's description as the characteristics table shows it: design, countries,
participants, population, intervention, control, follow-up, outcome measures, a note,
and the table's other cells (``age``, ``women`` ...) in ``characteristics``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..errors import WorkflowError
from ..model import Study

#: the described fields, in the order a form shows them, with what people call them
DESCRIBED: dict[str, str] = {
    "label": "Label",
    "design": "Design",
    "countries": "Countries",
    "participants": "Participants",
    "population": "Population",
    "intervention": "Intervention",
    "control": "Control",
    "follow_up": "Follow-up",
    "outcome_measures": "Outcome measures",
    "note": "Note",
}
_LISTS = ("countries", "outcome_measures")


def describe(study: Study, changes: Mapping[str, Any]) -> Study:
    """``study`` with ``changes``: text stripped (empty clears a field), lists from
    ``;``-separated text, participants a whole number, and ``characteristics`` cells
    merged in (an empty cell removes its column)."""
    unknown = sorted(set(changes) - set(DESCRIBED) - {"characteristics"})
    if unknown:
        raise WorkflowError(
            f"a study has no field {unknown[0]!r}",
            hint="fields: " + ", ".join([*DESCRIBED, "characteristics"]),
        )
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "characteristics":
            values[name] = _cells(study.characteristics, value)
        elif name in _LISTS:
            values[name] = _listed(value)
        elif name == "participants":
            values[name] = _count(value)
        else:
            text = str(value).strip() if value is not None else ""
            if name == "label" and not text:
                raise WorkflowError("a study needs a label")
            values[name] = text or None
    return replace(study, **values)


def _listed(value: Any) -> tuple[str, ...]:
    parts = value.split(";") if isinstance(value, str) else list(value or ())
    return tuple(p.strip() for p in parts if str(p).strip())


def _count(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise WorkflowError(f"participants: {value!r} is not a whole number") from None
    if number < 0:
        raise WorkflowError(f"participants: {number} cannot be negative")
    return number


def _cells(current: Mapping[str, str], changes: Any) -> dict[str, str]:
    if not isinstance(changes, Mapping):
        raise WorkflowError("characteristics are cells by column: KEY=VALUE")
    out = dict(current)
    for key, value in changes.items():
        key = str(key).strip()
        if not key:
            raise WorkflowError("a characteristics cell needs a column name")
        text = str(value).strip() if value is not None else ""
        if text:
            out[key] = text
        else:
            out.pop(key, None)
    return out
