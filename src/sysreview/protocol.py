"""The protocol as a team writes it, and the analyses it plans: PICO and settings,
eligibility criteria, full-text exclusion reasons, outcomes, comparisons, and each
meta-analysis (comparison × outcome × time point, its measure, model and method, and
its studies), as RevMan's "Add comparison / Add outcome" and GRADEpro's outcome list
let a user build them.

Pure functions over ``ReviewData``, each returning the changed review and what it
made; the facade stores them in one transaction.  Removing what other data refers to
is refused, naming what refers to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from .errors import SysreviewError, WorkflowError
from .model import (
    Analysis,
    Comparison,
    Criterion,
    CriterionKind,
    Direction,
    ExtractionMode,
    Importance,
    Model,
    Outcome,
    OutcomeKind,
    Priority,
    Protocol,
    ReviewData,
    choices,
    free_id,
    replace,
)

#: the protocol's own fields a team sets (PICO and settings), with what they hold
SETTINGS: dict[str, str] = {
    "population": "Population (PICO)",
    "intervention": "Intervention (PICO)",
    "comparator": "Comparator (PICO)",
    "outcome": "Outcomes (PICO), in words",
    "registration": "Registration (PROSPERO number or protocol reference)",
    "screening_reviewers": "Independent decisions each record needs (1 or more)",
    "extraction_mode": "Outcome data extracted 'independent'ly by two, or 'checked' by a second",
}
#: the effect measures an analysis may pool, by the kind of outcome; reported
#: estimates in any of them are pooled by generic inverse variance (a hazard ratio of
#: a dichotomous outcome such as return to work, as RevMan's generic outcomes allow)
MEASURES: dict[str, tuple[str, ...]] = {
    "dichotomous": ("RR", "OR", "RD", "HR"),
    "continuous": ("MD", "SMD"),
    "time_to_event": ("HR",),
    "count": ("IRR", "RR"),
    "cost": ("MD",),
}
_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
#: narrows the studies an analysis takes by default (the facade's: those it can pool)
Select = Callable[[ReviewData, Analysis], tuple[str, ...]]


# --- PICO and settings ---------------------------------------------------------------


def set_protocol(data: ReviewData, changes: Mapping[str, Any]) -> tuple[ReviewData, Protocol]:
    """The protocol with ``changes`` to its PICO and settings (empty text clears)."""
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise WorkflowError(
            f"the protocol has no setting {unknown[0]!r}", hint="settings: " + ", ".join(SETTINGS)
        )
    values: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "screening_reviewers":
            values[name] = _whole(value, name, least=1)
        elif name == "extraction_mode":
            values[name] = _code(value, choices(ExtractionMode), name)
        else:
            values[name] = _text(value)
    protocol = replace(data.protocol, **values)
    return _with(data, protocol), protocol


def add_reason(data: ReviewData, reason: str) -> tuple[ReviewData, tuple[str, ...]]:
    """Add a full-text exclusion reason to the protocol's list (screeners choose
    from it)."""
    text = _required(reason, "an exclusion reason")
    reasons = data.protocol.exclusion_reasons
    if text in reasons:
        raise WorkflowError(f"{text!r} is already an exclusion reason")
    protocol = replace(data.protocol, exclusion_reasons=(*reasons, text))
    return _with(data, protocol), protocol.exclusion_reasons


def remove_reason(data: ReviewData, reason: str) -> tuple[ReviewData, tuple[str, ...]]:
    """Take a reason off the list; refused while a full-text exclusion gives it."""
    reasons = data.protocol.exclusion_reasons
    if reason not in reasons:
        raise WorkflowError(
            f"{reason!r} is not one of the protocol's exclusion reasons",
            hint="reasons: " + "; ".join(reasons) if reasons else "the list is empty",
        )
    used = sorted(
        {d.record for d in data.decisions if d.reason == reason and d.stage == "full_text"}
    )
    if used:
        raise WorkflowError(
            f"{len(used)} full-text decision{'s' if len(used) > 1 else ''} give {reason!r} "
            f"(record {used[0]}{' …' if len(used) > 1 else ''})",
            hint="keep the reason, or change those decisions first",
        )
    protocol = replace(data.protocol, exclusion_reasons=tuple(r for r in reasons if r != reason))
    return _with(data, protocol), protocol.exclusion_reasons


def add_criterion(
    data: ReviewData, kind: str, heading: str, text: str, heading_en: str | None = None
) -> tuple[ReviewData, Criterion]:
    """Add an eligibility criterion under its heading (Population, Intervention ...)."""
    criterion = Criterion(
        kind=_code(kind, choices(CriterionKind), "kind"),  # type: ignore[arg-type]
        heading=_required(heading, "a criterion's heading"),
        text=_required(text, "a criterion's text"),
        heading_en=_text(heading_en),
    )
    protocol = replace(data.protocol, criteria=(*data.protocol.criteria, criterion))
    return _with(data, protocol), criterion


def remove_criterion(data: ReviewData, number: int) -> tuple[ReviewData, Criterion]:
    """Take off criterion ``number`` (1 is the first, as ``protocol show`` lists them)."""
    criteria = data.protocol.criteria
    if not 1 <= number <= len(criteria):
        raise WorkflowError(f"there is no criterion {number} (the protocol has {len(criteria)})")
    gone = criteria[number - 1]
    protocol = replace(data.protocol, criteria=criteria[: number - 1] + criteria[number:])
    return _with(data, protocol), gone


# --- outcomes and comparisons ---------------------------------------------------------

_OUTCOME_FIELDS = ("name", "name_en", "kind", "direction", "importance", "priority", "description")
_COMPARISON_FIELDS = (
    "intervention",
    "comparator",
    "name",
    "name_en",
    "intervention_en",
    "comparator_en",
)


def add_outcome(data: ReviewData, id: str, **fields: Any) -> tuple[ReviewData, Outcome]:
    """Add an outcome (``name`` needed; ``kind``, ``direction``, ``importance``,
    ``priority`` from their vocabularies)."""
    return _add(data, Outcome(id=id, name=""), fields, _outcome)


def set_outcome(data: ReviewData, id: str, **fields: Any) -> tuple[ReviewData, Outcome]:
    """Change an outcome's fields (its id stays: data refer to it)."""
    return _set(data, Outcome, id, fields, _outcome)


def remove_outcome(data: ReviewData, id: str) -> tuple[ReviewData, Outcome]:
    """Take an outcome off the protocol; refused while data refer to it."""
    return _remove(data, Outcome, id)


def add_comparison(data: ReviewData, id: str, **fields: Any) -> tuple[ReviewData, Comparison]:
    """Add a comparison (``intervention`` and ``comparator`` needed)."""
    return _add(data, Comparison(id=id, intervention="", comparator=""), fields, _comparison)


def set_comparison(data: ReviewData, id: str, **fields: Any) -> tuple[ReviewData, Comparison]:
    """Change a comparison's fields (its id stays)."""
    return _set(data, Comparison, id, fields, _comparison)


def remove_comparison(data: ReviewData, id: str) -> tuple[ReviewData, Comparison]:
    """Take a comparison off the protocol; refused while data refer to it."""
    return _remove(data, Comparison, id)


# An outcome and a comparison are both a list of the protocol's, entries with ids that
# data refer to: one way to add, change and remove either.


Entry = TypeVar("Entry", Outcome, Comparison)


def _what(cls: type[Outcome] | type[Comparison]) -> str:
    return "outcome" if cls is Outcome else "comparison"


def _entries(data: ReviewData, cls: type[Entry]) -> tuple[Entry, ...]:
    entries: tuple[Entry, ...] = getattr(data.protocol, f"{_what(cls)}s")
    return entries


def _stored(data: ReviewData, cls: type[Entry], entries: tuple[Entry, ...]) -> ReviewData:
    return _with(data, replace(data.protocol, **{f"{_what(cls)}s": entries}))


#: checks ``fields`` and gives the entry with them
Build = Callable[[Entry, Mapping[str, Any]], Entry]


def _add(
    data: ReviewData, blank: Entry, fields: Mapping[str, Any], build: Build[Entry]
) -> tuple[ReviewData, Entry]:
    cls: type[Entry] = type(blank)
    held: tuple[Entry, ...] = _entries(data, cls)
    ident = _new_id(blank.id, [e.id for e in held], _what(cls))
    made = build(replace(blank, id=ident), fields)
    entries = list(held)
    entries.append(made)
    return _stored(data, cls, tuple(entries)), made


def _set(
    data: ReviewData, cls: type[Entry], id: str, fields: Mapping[str, Any], build: Build[Entry]
) -> tuple[ReviewData, Entry]:
    held = list(_entries(data, cls))
    at = _index([e.id for e in held], id, _what(cls))
    held[at] = build(held[at], fields)
    return _stored(data, cls, tuple(held)), held[at]


def _remove(data: ReviewData, cls: type[Entry], id: str) -> tuple[ReviewData, Entry]:
    held = _entries(data, cls)
    gone = held[_index([e.id for e in held], id, _what(cls))]
    _unreferenced(data, _what(cls), id)
    return _stored(data, cls, tuple(e for e in held if e.id != id)), gone


# --- analyses ----------------------------------------------------------------------------


def add_analysis(
    data: ReviewData,
    comparison: str,
    outcome: str,
    *,
    id: str | None = None,
    timepoint: str | None = None,
    measure: str | None = None,
    model: str = "random",
    method: str | None = None,
    studies: Sequence[str] = (),
    select: Select | None = None,
) -> tuple[ReviewData, Analysis]:
    """Plan a meta-analysis of ``outcome`` in ``comparison`` (at ``timepoint``).

    ``measure`` defaults by the outcome's kind (RR for dichotomous, MD for
    continuous); ``method`` by the measure when pooled (Mantel-Haenszel for RR, OR,
    RD; inverse variance with DerSimonian-Laird τ² under random effects, as RevMan 5).
    Without ``studies``, the studies with agreed outcome data for this comparison,
    outcome and time point, in the order of the studies list — narrowed by
    ``select`` (the facade's: those the analysis can pool together).  An analysis
    that would repeat one already planned (same plan, same studies: a form sent
    twice) is refused; a sensitivity analysis differs in its studies.
    """
    _index([c.id for c in data.protocol.comparisons], comparison, "comparison")
    kind = data.protocol.outcomes[
        _index([o.id for o in data.protocol.outcomes], outcome, "outcome")
    ]
    point = _text(timepoint)
    chosen = measure.strip().upper() if measure else MEASURES.get(kind.kind, ("RR",))[0]
    model = _check_pooling(chosen, model, method, kind)
    study_ids = _studies(data, studies, comparison, outcome, point)
    slug = "-".join(p for p in (comparison, outcome, _slug(point or "")) if p)
    taken = [a.id for a in data.analyses]
    ident = _new_id(id, taken, "analysis") if id else free_id(slug, taken)
    analysis = Analysis(
        id=ident,
        comparison=comparison,
        outcome=outcome,
        timepoint=point,
        measure=chosen,
        model=model,  # type: ignore[arg-type]
        method=method.upper() if method else None,
        studies=study_ids,
    )
    if select is not None and not studies:
        analysis = replace(analysis, studies=select(data, analysis))
    for a in data.analyses:
        if replace(a, id=ident) == analysis:
            raise WorkflowError(
                f"analysis {a.id!r} already pools these studies this way",
                hint="a sensitivity analysis names its own studies (--study)",
            )
    return replace(data, analyses=(*data.analyses, analysis)), analysis


def set_analysis_studies(
    data: ReviewData, id: str, studies: Sequence[str] = (), select: Select | None = None
) -> tuple[ReviewData, Analysis]:
    """The studies an analysis pools: those named, or (none named) every study with
    agreed outcome data for it now — after extraction has moved on — narrowed by
    ``select``."""
    analyses = list(data.analyses)
    at = _index([a.id for a in analyses], id, "analysis")
    a = analyses[at]
    a = replace(a, studies=_studies(data, studies, a.comparison, a.outcome, a.timepoint))
    if select is not None and not studies:
        a = replace(a, studies=select(data, a))
    analyses[at] = a
    return replace(data, analyses=tuple(analyses)), a


def remove_analysis(data: ReviewData, id: str) -> tuple[ReviewData, Analysis]:
    """Drop a planned analysis; refused while a GRADE assessment rates it."""
    gone = data.analyses[_index([a.id for a in data.analyses], id, "analysis")]
    rating = [c.id for c in data.certainty if c.analysis == id]
    if rating:
        raise WorkflowError(
            f"analysis {id!r} is rated by the GRADE assessment {rating[0]!r}",
            hint="remove or re-point the assessment first",
        )
    return replace(data, analyses=tuple(a for a in data.analyses if a.id != id)), gone


def _studies(
    data: ReviewData,
    named: Sequence[str],
    comparison: str,
    outcome: str,
    timepoint: str | None,
) -> tuple[str, ...]:
    study_ids = tuple(named) or _with_data(data, comparison, outcome, timepoint)
    known = {s.id for s in data.studies}
    for study in study_ids:
        if study not in known:
            raise WorkflowError(f"{study!r} is not the id of any study")
    if len(set(study_ids)) != len(study_ids):
        raise WorkflowError("a study is named twice in the analysis")
    return study_ids


def _with_data(
    data: ReviewData, comparison: str, outcome: str, timepoint: str | None
) -> tuple[str, ...]:
    having = {
        d.study
        for d in data.outcome_data
        if d.outcome == outcome and d.comparison in (None, comparison) and d.timepoint == timepoint
    }
    return tuple(s.id for s in data.studies if s.id in having)


def _check_pooling(measure: str, model: str, method: str | None, outcome: Outcome) -> str:
    """The model's code, once measure, model and method are known to fit the outcome."""
    allowed = MEASURES.get(outcome.kind)
    if allowed is None:
        raise WorkflowError(
            f"outcome {outcome.id!r} is {outcome.kind}: it is synthesised in words, not pooled",
            hint="change the outcome's kind, or describe it with SWiM (sysreview swim)",
        )
    if measure not in allowed:
        raise WorkflowError(
            f"{measure} is not a measure for a {outcome.kind} outcome",
            hint="one of: " + ", ".join(allowed),
        )
    code = _code(model, choices(Model), "model")
    if code == "fixed" and method is not None and method.upper() not in ("MH", "PETO", "IV"):
        raise WorkflowError(
            f"{method.upper()} estimates τ² for a random-effects analysis; a fixed-effect "
            "analysis has none",
            hint="drop --method (or give MH, PETO or IV), or use --model random",
        )
    if method is not None and method.upper() == "PETO" and measure != "OR":
        raise WorkflowError("Peto's method pools odds ratios", hint="give --measure OR")
    if method is not None:
        from . import stats  # numpy and scipy: only when a method is checked

        try:
            stats.options_for("revman5", measure=measure, method=method.upper(), model=code)
        except SysreviewError as exc:  # the statistics core's own words
            raise WorkflowError(exc.message) from None
    return code


# --- helpers -------------------------------------------------------------------------------


def _with(data: ReviewData, protocol: Protocol) -> ReviewData:
    changed: ReviewData = replace(data, protocol=protocol)
    return changed


def _outcome(outcome: Outcome, fields: Mapping[str, Any]) -> Outcome:
    _known_fields(fields, _OUTCOME_FIELDS, "an outcome")
    vocabularies = {
        "kind": choices(OutcomeKind),
        "direction": choices(Direction),
        "importance": choices(Importance),
        "priority": choices(Priority),
    }
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name in vocabularies:
            values[name] = _code(value, vocabularies[name], name)
        else:
            values[name] = _text(value)
    changed: Outcome = replace(outcome, **values)
    if not changed.name:
        raise WorkflowError(f"outcome {changed.id!r} needs a name")
    return changed


def _comparison(comparison: Comparison, fields: Mapping[str, Any]) -> Comparison:
    _known_fields(fields, _COMPARISON_FIELDS, "a comparison")
    changed: Comparison = replace(comparison, **{k: _text(v) for k, v in fields.items()})
    for name in ("intervention", "comparator"):
        if not getattr(changed, name):
            raise WorkflowError(f"comparison {changed.id!r} needs its {name}")
    return changed


def _known_fields(fields: Mapping[str, Any], allowed: Sequence[str], what: str) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise WorkflowError(
            f"{what} has no field {unknown[0]!r}", hint="fields: " + ", ".join(allowed)
        )


def _unreferenced(data: ReviewData, field: str, id: str) -> None:
    """Refuse to remove an outcome or comparison other data name."""
    holders: list[tuple[str, Sequence[Any]]] = [
        ("outcome data", data.outcome_data),
        ("extraction", data.extractions),
        ("analysis", data.analyses),
        ("GRADE assessment", data.certainty),
    ]
    if field == "outcome":
        holders.append(("risk-of-bias judgement", data.risk_of_bias))
        rows = [r for t in data.sof_tables for r in t.rows]
        holders.append(("Summary-of-Findings row", rows))
    else:
        holders.append(("Summary-of-Findings table", data.sof_tables))
    for what, objects in holders:
        for obj in objects:
            if getattr(obj, field, None) == id:
                name = (
                    getattr(obj, "id", None)
                    or getattr(obj, "row", None)
                    or getattr(obj, "study", "")
                )
                raise WorkflowError(
                    f"{field} {id!r} is used by the {what} {name!r}",
                    hint=f"remove what uses it first, or change the {field} instead of removing it",
                )
    if field == "comparison":
        for study in data.studies:
            if id in study.comparisons:
                raise WorkflowError(
                    f"comparison {id!r} is used by the study {study.id!r}",
                    hint="remove what uses it first, or change the comparison instead",
                )


def _index(ids: Sequence[str], wanted: str, what: str) -> int:
    if wanted not in ids:
        known = ", ".join(ids) if ids else f"none yet (sysreview {what} add)"
        raise WorkflowError(f"no {what} {wanted!r} in this review", hint=f"{what}s: {known}")
    return list(ids).index(wanted)


def _new_id(id: str | None, taken: Sequence[str], what: str) -> str:
    ident = (id or "").strip()
    if not _ID.fullmatch(ident):
        raise WorkflowError(
            f"{ident!r} is not a valid {what} id",
            hint="lower-case letters, digits, '.', '_' and '-', starting with a letter or digit",
        )
    if ident in taken:
        raise WorkflowError(f"{what} {ident!r} exists already")
    return ident


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _code(value: Any, allowed: Sequence[str], name: str) -> str:
    code = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    if code not in allowed:
        raise WorkflowError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return code


def _whole(value: Any, name: str, *, least: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise WorkflowError(f"{name}: {value!r} is not a whole number") from None
    if number < least:
        raise WorkflowError(f"{name}: {number} is less than {least}")
    return number


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _required(value: str, what: str) -> str:
    text = _text(value)
    if text is None:
        raise WorkflowError(f"{what} cannot be empty")
    return text
