"""Whole-review integrity: unique identifiers, references that point somewhere,
risk-of-bias judgements that fit their tool's signalling answers, appraisal answers
their tool's items take, outcome data whose values can all be right, and one full
text per record, either held (with its file's hash) or not retrieved (with why).

Pure functions over ``ReviewData``; the bundle reader turns their findings into
errors naming file and line, and the facade runs them before anything is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .appraisal.workflow import problem as rob_problem
from .extraction import consistency_problems
from .model import (
    REFERENCES,
    Extraction,
    FullText,
    OutcomeData,
    ReviewAppraisal,
    ReviewData,
    RobAssessment,
)
from .screening._fulltext import problem as fulltext_problem

#: Where each kind of object lives in ``ReviewData``: collection path -> class name.
#: ``a.b`` is a nested collection (``protocol.outcomes``); ``a[].b`` one inside each
#: element of ``a`` (``sof_tables[].rows``).
COLLECTIONS: tuple[str, ...] = (
    "protocol.criteria",
    "protocol.outcomes",
    "protocol.comparisons",
    "searches",
    "records",
    "decisions",
    "fulltexts",
    "duplicate_pairs",
    "studies",
    "reports",
    "exclusions",
    "systematic_reviews",
    "risk_of_bias",
    "review_appraisals",
    "outcome_data",
    "extractions",
    "analyses",
    "certainty",
    "grade_log",
    "sof_tables",
    "sof_tables[].rows",
    "trends",
    "notes",
)


@dataclass(frozen=True)
class Located:
    """An object and where it sits: collection path and index (and parent index)."""

    collection: str
    index: int
    obj: Any
    parent: int | None = None


def iter_objects(data: ReviewData) -> Iterator[Located]:
    """Every object of every collection, in order."""
    for path in COLLECTIONS:
        if "[]." in path:
            outer, inner = path.split("[].")
            for p, parent in enumerate(getattr(data, outer)):
                for i, obj in enumerate(getattr(parent, inner)):
                    yield Located(path, i, obj, p)
            continue
        holder: Any = data
        for part in path.split("."):
            holder = getattr(holder, part)
        for i, obj in enumerate(holder):
            yield Located(path, i, obj)


@dataclass(frozen=True)
class Problem:
    where: Located
    field: str
    message: str
    dangling: bool = False


def problems(data: ReviewData) -> list[Problem]:
    """Duplicate identifiers and dangling references, in collection order."""
    found: list[Problem] = []
    ids: dict[type, set[str]] = {}
    for item in iter_objects(data):
        ident = getattr(item.obj, "id", None)
        if ident is None:
            continue
        seen = ids.setdefault(type(item.obj), set())
        if ident in seen:
            found.append(Problem(item, "id", f"duplicate id {ident!r}"))
        seen.add(ident)
    for item in iter_objects(data):
        for (cls, field), target in REFERENCES.items():
            if not isinstance(item.obj, cls):
                continue
            value = getattr(item.obj, field)
            for ref in value if isinstance(value, tuple) else (value,):
                if ref is not None and ref not in ids.get(target, set()):
                    message = f"{ref!r} is not the id of any {target.__name__}"
                    found.append(Problem(item, field, message, dangling=True))
    wrong_items = [n for n in data.protocol.amstar2_critical if n not in range(1, 17)]
    if wrong_items:
        where = Located("protocol", 0, data.protocol)
        message = f"AMSTAR 2 has items 1 to 16, not {', '.join(map(str, wrong_items))}"
        found.append(Problem(where, "amstar2_critical", message))
    with_fulltext: set[str] = set()
    for item in iter_objects(data):
        if isinstance(item.obj, RobAssessment | ReviewAppraisal):
            wrong = rob_problem(item.obj)
            if wrong is not None:
                found.append(Problem(item, *wrong))
        elif isinstance(item.obj, OutcomeData | Extraction):
            found += [Problem(item, f, m) for f, m in consistency_problems(item.obj)]
        elif isinstance(item.obj, FullText):
            wrong = fulltext_problem(item.obj)
            if wrong is not None:
                found.append(Problem(item, *wrong))
            if item.obj.record in with_fulltext:
                message = f"a second full text for record {item.obj.record!r}"
                found.append(Problem(item, "record", message))
            with_fulltext.add(item.obj.record)
    return found
