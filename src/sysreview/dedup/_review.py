"""Deduplication inside a review: pure functions from one ``ReviewData`` to the next.

Records are never deleted: a duplicate points to its group's root (``duplicate_of``),
keeping its search, file and line, so PRISMA's "duplicates removed" is a count and any
merge can be undone.  The tool's links and uncertain pairs are rewritten on every run;
people's judgements (``DuplicatePair.reviewer`` set) are kept and obeyed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from ..errors import DataError
from ..model import DuplicatePair, PairStatus, Record, ReviewData
from ._dedup import DedupResult, Pair, Progress, deduplicate


@dataclass(frozen=True)
class DedupSummary:
    records: int
    references: int
    duplicates_removed: int
    links: int
    uncertain: int
    judged_by_people: int
    #: records with screening decisions that are now duplicates of another record
    decisions_on_duplicates: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _people(data: ReviewData) -> list[DuplicatePair]:
    return [p for p in data.duplicate_pairs if p.reviewer is not None]


def group_review(
    data: ReviewData, progress: Progress | None = None
) -> tuple[ReviewData, DedupSummary]:
    """Group the review's records; people's judgements first, the tool's after."""
    people = _people(data)
    judgements = [(p.a, p.b, p.status == "duplicate") for p in people if p.status != "uncertain"]
    decided = {d.record for d in data.decisions}
    result = deduplicate(
        data.records, judgements=judgements, prefer_roots=decided, progress=progress
    )
    records = tuple(_point(r, result) for r in data.records)
    tool = [_stored(p) for p in (*result.links, *result.uncertain)]
    updated = replace(data, records=records, duplicate_pairs=(*people, *tool))
    summary = DedupSummary(
        records=len(records),
        references=sum(1 for r in records if r.duplicate_of is None),
        duplicates_removed=sum(1 for r in records if r.duplicate_of is not None),
        links=len(result.links),
        uncertain=len(result.uncertain),
        judged_by_people=len(people),
        decisions_on_duplicates=tuple(
            sorted(r.id for r in records if r.duplicate_of is not None and r.id in decided)
        ),
    )
    return updated, summary


def _point(record: Record, result: DedupResult) -> Record:
    root = result.groups[record.id]
    return replace(record, duplicate_of=None if root == record.id else root)


def _stored(pair: Pair) -> DuplicatePair:
    return DuplicatePair(
        a=pair.a,
        b=pair.b,
        status="duplicate" if pair.verdict == "duplicate" else "uncertain",
        reason=pair.reason,
        similarity=round(pair.similarity, 4),
    )


def review_queue(data: ReviewData) -> list[DuplicatePair]:
    """The uncertain pairs no person has judged yet, most similar first."""
    judged = {frozenset((p.a, p.b)) for p in _people(data)}
    waiting = [
        p
        for p in data.duplicate_pairs
        if p.reviewer is None and p.status == "uncertain" and frozenset((p.a, p.b)) not in judged
    ]
    return sorted(waiting, key=lambda p: (-(p.similarity or 0.0), p.a, p.b))


def judge_pair(
    data: ReviewData, a: str, b: str, same: bool, reviewer: str, when: str
) -> tuple[ReviewData, DedupSummary]:
    """Record a person's verdict on a pair (replacing their earlier one) and regroup."""
    ids = {r.id for r in data.records}
    for rid in (a, b):
        if rid not in ids:
            raise DataError(f"no record {rid!r} in this review")
    if a == b:
        raise DataError("a record cannot be judged against itself")
    return group_review(
        _with_verdict(data, a, b, "duplicate" if same else "distinct", reviewer, when)
    )


def undo_merge(
    data: ReviewData, record: str, reviewer: str, when: str
) -> tuple[ReviewData, DedupSummary]:
    """Take ``record`` out of its group: judged distinct from every other member."""
    by_id = {r.id: r for r in data.records}
    if record not in by_id:
        raise DataError(f"no record {record!r} in this review")
    root = by_id[record].duplicate_of or record
    members = [r.id for r in data.records if r.id == root or r.duplicate_of == root]
    if len(members) < 2:
        raise DataError(f"record {record!r} is not in a duplicate group", hint="nothing to undo")
    for other in members:
        if other != record:
            data = _with_verdict(data, record, other, "distinct", reviewer, when)
    return group_review(data)


def _with_verdict(
    data: ReviewData, a: str, b: str, status: PairStatus, reviewer: str, when: str
) -> ReviewData:
    """``data`` with a person's verdict on (a, b), replacing any earlier person's."""
    pair = frozenset((a, b))
    kept = tuple(
        p for p in data.duplicate_pairs if p.reviewer is None or frozenset((p.a, p.b)) != pair
    )
    verdict = DuplicatePair(a=a, b=b, status=status, reviewer=reviewer, decided_at=when)
    return replace(data, duplicate_pairs=(*kept, verdict))
