"""The screening workflow as rules over the review's decision log.

Two (``Protocol.screening_reviewers``) reviewers decide each record independently at
title/abstract, then at full text; disagreement is a conflict a third reviewer (or
the team, by consensus) resolves.  Decisions are never overwritten: a changed mind is
a new decision, the latest per reviewer counts, and the log keeps the history.
Blinding: until a reviewer has decided a record, they see nobody else's decision on
it (a resolver sees them, to resolve).  Pure functions; the facade stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from ..errors import WorkflowError
from ..model import Decision, Record, ReviewData, Stage, Verdict, replace
from ..prisma import RecordState, not_retrieved, record_state
from ._agreement import Agreement, cohen_kappa, fleiss_kappa, gwet_ac1

STAGES: tuple[Stage, ...] = ("title_abstract", "full_text")


@dataclass(frozen=True)
class Position:
    """One record at one stage: its state, the verdict that stands, who decided."""

    record: str
    stage: Stage
    state: RecordState
    verdict: Verdict | None
    reviewers: tuple[str, ...]


def _log(data: ReviewData, stage: Stage) -> dict[str, list[Decision]]:
    by_record: dict[str, list[Decision]] = {}
    for decision in sorted(data.decisions, key=lambda d: d.sequence):
        if decision.stage == stage:
            by_record.setdefault(decision.record, []).append(decision)
    return by_record


def candidates(data: ReviewData, stage: Stage) -> list[str]:
    """Records screened at ``stage``: every reference (a group's root) at
    title/abstract; at full text, those title/abstract screening sent on."""
    roots = [r.id for r in data.records if r.duplicate_of is None]
    if stage == "title_abstract":
        return roots
    required = data.protocol.screening_reviewers
    log = _log(data, "title_abstract")
    return [r for r in roots if record_state(log.get(r, ()), required)[1] in ("include", "maybe")]


def position(data: ReviewData, record: str, stage: Stage) -> Position:
    decisions = _log(data, stage).get(record, [])
    state, verdict = record_state(decisions, data.protocol.screening_reviewers)
    reviewers = tuple(dict.fromkeys(d.reviewer for d in decisions if not d.consensus))
    return Position(record, stage, state, verdict, reviewers)


def positions(data: ReviewData, stage: Stage) -> list[Position]:
    log = _log(data, stage)
    required = data.protocol.screening_reviewers
    out = []
    for record in candidates(data, stage):
        decisions = log.get(record, [])
        state, verdict = record_state(decisions, required)
        reviewers = tuple(dict.fromkeys(d.reviewer for d in decisions if not d.consensus))
        out.append(Position(record, stage, state, verdict, reviewers))
    return out


def conflicts(data: ReviewData, stage: Stage) -> list[Position]:
    return [p for p in positions(data, stage) if p.state == "conflict"]


def check(data: ReviewData, decision: Decision) -> None:
    """Raise :class:`WorkflowError` if the workflow does not allow ``decision`` now."""
    record = reference(data, decision.record, "decide on")
    if decision.stage == "full_text":
        _check_full_text(data, record, decision)
    else:
        _check_sent_on(data, record, decision)
    here = position(data, record.id, decision.stage)
    if decision.consensus:
        if here.state not in ("conflict", "resolved"):
            raise WorkflowError(
                f"record {record.id!r} is not in conflict at {decision.stage} ({here.state})",
                hint="a resolving decision settles a disagreement between reviewers",
            )
        return
    required = data.protocol.screening_reviewers
    if decision.reviewer not in here.reviewers and len(here.reviewers) >= required:
        raise WorkflowError(
            f"record {record.id!r} already has {required} independent decisions at "
            f"{decision.stage}",
            hint="to settle a disagreement, resolve it (sysreview screen resolve)",
        )


def _check_sent_on(data: ReviewData, record: Record, decision: Decision) -> None:
    """A title/abstract decision may not take back a record already assessed at full
    text: it would leave its full-text decisions (and any study it founded) behind."""
    later = [d for d in data.decisions if d.record == record.id and d.stage == "full_text"]
    if not later:
        return
    logged = _log(data, "title_abstract").get(record.id, [])
    last = max((d.sequence for d in data.decisions), default=0)
    after = [*logged, replace(decision, sequence=last + 1)]  # as it would be logged
    _, verdict = record_state(after, data.protocol.screening_reviewers)
    if verdict in ("include", "maybe"):
        return
    studies = sorted({r.study for r in data.reports if r.record == record.id})
    founded = f" and is a report of {', '.join(studies)}" if studies else ""
    raise WorkflowError(
        f"record {record.id!r} has {len(later)} full-text decision"
        f"{'' if len(later) == 1 else 's'}{founded}; this title/abstract decision would "
        "take it back from full text",
        hint="change the full-text decisions instead (exclude it there, with a reason)",
    )


def repeated(data: ReviewData, decision: Decision) -> Decision | None:
    """The logged decision ``decision`` only repeats (a double click, a form sent
    again), or None: the same reviewer's standing decision on the record at that
    stage — for a resolution, the latest resolution — with the same verdict and
    reason.  A repeat is not logged again."""
    logged = _log(data, decision.stage).get(decision.record, [])
    if decision.consensus:
        standing = [d for d in logged if d.consensus][-1:]
    else:
        standing = [d for d in logged if not d.consensus and d.reviewer == decision.reviewer][-1:]
    for d in standing:
        if (d.reviewer, d.verdict, d.reason) == (
            decision.reviewer,
            decision.verdict,
            decision.reason,
        ):
            return d
    return None


def reference(data: ReviewData, record: str, act: str) -> Record:
    """The record with id ``record``, which must be a reference (its group's root):
    screening acts on references, not on their duplicates (``act``: what to do with
    the root instead, for the hint)."""
    found = next((r for r in data.records if r.id == record), None)
    if found is None:
        raise WorkflowError(f"no record {record!r} in this review")
    if found.duplicate_of is not None:
        raise WorkflowError(
            f"record {record!r} is a duplicate of {found.duplicate_of!r}",
            hint=f"{act} {found.duplicate_of!r}, the reference it belongs to",
        )
    return found


def _check_full_text(data: ReviewData, record: Record, decision: Decision) -> None:
    if record.id not in candidates(data, "full_text"):
        raise WorkflowError(
            f"record {record.id!r} was not included at title/abstract",
            hint="full-text screening follows an include or maybe at title/abstract",
        )
    if decision.verdict == "maybe":
        raise WorkflowError("at full text the verdict is include or exclude, not maybe")
    mark = not_retrieved(data).get(record.id)
    if mark is not None:
        raise WorkflowError(
            f"the full text of record {record.id!r} is marked not retrieved ({mark.reason})",
            hint="add its full text first (sysreview fulltext attach)",
        )
    if decision.verdict == "exclude":
        reasons = data.protocol.exclusion_reasons
        if not decision.reason:
            listed = f" ({'; '.join(reasons)})" if reasons else ""
            raise WorkflowError(f"a full-text exclusion needs a reason{listed}")
        if reasons and decision.reason not in reasons:
            raise WorkflowError(
                f"{decision.reason!r} is not one of the protocol's exclusion reasons",
                hint="choose one of: " + "; ".join(reasons),
            )


def visible(data: ReviewData, record: str, reviewer: str, stage: Stage) -> tuple[Decision, ...]:
    """The decisions on ``record`` that ``reviewer`` may see: their own, and the
    others' only once they have decided it themselves or it is in conflict (then
    they are looking at it to resolve it).  Blinding lives here, not in a UI."""
    decisions = _log(data, stage).get(record, [])
    own = tuple(d for d in decisions if d.reviewer == reviewer)
    if own or position(data, record, stage).state in ("conflict", "resolved"):
        return tuple(decisions)
    return ()


def next_record(
    data: ReviewData, reviewer: str, stage: Stage, order: Sequence[str] | None = None
) -> str | None:
    """The next record ``reviewer`` should screen: not yet decided by them and still
    short of independent decisions (at full text, not marked not retrieved); in
    ``order`` (a ranking) where given, else in import order."""
    required = data.protocol.screening_reviewers
    unavailable = not_retrieved(data)
    open_records = {
        p.record
        for p in positions(data, stage)
        if p.state == "open"
        and reviewer not in p.reviewers
        and len(p.reviewers) < required
        and not (stage == "full_text" and p.record in unavailable)
    }
    for record in order if order is not None else candidates(data, stage):
        if record in open_records:
            return record
    return None


@dataclass(frozen=True)
class StageAgreement:
    stage: Stage
    pairs: tuple[Agreement, ...]
    overall: Agreement | None
    conflicts_by_reason: dict[str, int]


def agreement(data: ReviewData, stage: Stage) -> StageAgreement:
    """Cohen's kappa per reviewer pair that decided a record in common, Fleiss' kappa
    (or Gwet's AC1 when reviewers per record vary) over all, and conflicts counted by
    the exclusion reason given.

    Each reviewer's *first* decision on a record counts, as Covidence counts initial
    votes: it is the one made blind.  A mind changed later (perhaps after seeing the
    other's decision in a conflict) settles the record but does not raise agreement.
    """
    ratings: list[dict[str, str]] = []
    by_reason: dict[str, int] = {}
    for decisions in _log(data, stage).values():
        first: dict[str, Decision] = {}
        for d in decisions:
            if not d.consensus:
                first.setdefault(d.reviewer, d)
        ratings.append({r: _category(d.verdict, stage) for r, d in first.items()})
        if len({_category(d.verdict, stage) for d in first.values()}) > 1:
            for d in first.values():
                if d.verdict == "exclude":
                    key = d.reason or "(no reason given)"
                    by_reason[key] = by_reason.get(key, 0) + 1
    reviewers = sorted({r for item in ratings for r in item})
    pairs = tuple(
        agreed
        for a, b in combinations(reviewers, 2)
        if (agreed := cohen_kappa(ratings, a, b)).items > 0  # pairs that shared a record
    )
    overall = _overall(ratings) if len(reviewers) > 2 else (pairs[0] if pairs else None)
    return StageAgreement(stage, pairs, overall, dict(sorted(by_reason.items())))


def _category(verdict: Verdict, stage: Stage) -> str:
    return "include" if stage == "title_abstract" and verdict == "maybe" else verdict


def _overall(ratings: Iterable[dict[str, str]]) -> Agreement:
    rated = [item for item in ratings if len(item) >= 2]
    if len({len(item) for item in rated}) == 1:
        return fleiss_kappa(rated)
    return gwet_ac1(rated)
