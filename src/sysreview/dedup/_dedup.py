"""normalise -> block -> compare -> cluster: records in, groups and a review queue out."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Record
from ._block import candidates
from ._cluster import Groups, choose_root
from ._compare import Comparison, Verdict, compare
from ._gc import cycle_collector_paused
from ._keys import Keys, keys

#: Called as ``progress(stage, done, total)`` on long runs (the CLI draws a bar).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Pair:
    """Two records the comparison judged, with its verdict and reason."""

    a: str
    b: str
    verdict: str
    similarity: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "verdict": self.verdict,
            "similarity": round(self.similarity, 4),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DedupResult:
    """``groups`` maps every record id to its group's root id (a record alone is its own
    root); ``links`` are the duplicate judgements that formed the groups; ``uncertain``
    the pairs a person should look at (not merged)."""

    groups: dict[str, str]
    links: tuple[Pair, ...] = ()
    uncertain: tuple[Pair, ...] = ()
    candidates: int = 0

    @property
    def duplicates_removed(self) -> int:
        return sum(1 for rid, root in self.groups.items() if rid != root)


def _completeness(record: Record) -> int:
    filled = (
        record.title,
        record.authors,
        record.year,
        record.journal,
        record.volume,
        record.issue,
        record.pages,
        record.doi,
        record.pmid,
        record.abstract,
    )
    return sum(1 for value in filled if value)


@cycle_collector_paused()
def deduplicate(
    records: Sequence[Record],
    *,
    judgements: Iterable[tuple[str, str, bool]] = (),
    prefer_roots: Collection[str] = (),
    progress: Progress | None = None,
) -> DedupResult:
    """Group ``records`` that are one reference.

    ``judgements`` are people's verdicts ``(a, b, same)``: pairs judged the same are
    merged first, pairs judged distinct are never in one group — the tool never
    overrules a person.  A group's root is a record in ``prefer_roots`` if it holds one
    (the record screening decisions were made on), else its most complete record, the
    earliest on ties.  Pairs the tool is unsure of are never merged: they are returned
    for a person to judge.
    """
    ids = [r.id for r in records]
    _check_unique(ids)
    index = {rid: i for i, rid in enumerate(ids)}
    same, apart = _judged_by_people(judgements, index)
    table: list[Keys] = [keys(i, r) for i, r in enumerate(records)]
    pairs = candidates(table)
    judged = _judge(table, pairs, progress)

    def allowed(x: int, y: int) -> bool:
        if (min(x, y), max(x, y)) in apart:
            return False
        return compare(table[x], table[y]).verdict is not Verdict.DISTINCT

    groups = Groups(len(records))
    links: list[Pair] = []
    uncertain: list[tuple[int, int, Pair]] = []
    for i, j, comparison in sorted(judged, key=lambda t: (-t[2].similarity, t[0], t[1])):
        pair = Pair(
            ids[i], ids[j], comparison.verdict.value, comparison.similarity, comparison.reason
        )
        if (i, j) in same or (i, j) in apart:
            continue
        if comparison.verdict is Verdict.UNCERTAIN:
            uncertain.append((i, j, pair))
        elif groups.merge(i, j, allowed):
            links.append(pair)
        else:
            held = Pair(
                pair.a,
                pair.b,
                Verdict.UNCERTAIN.value,
                pair.similarity,
                pair.reason + "; but its group holds a distinct record",
            )
            uncertain.append((i, j, held))
    # people's merges last, whole groups at once: a person who says A is B also says
    # that A's copies are B's, whatever the tool thought of A's copies against B (the
    # tool's "distinct" between them is the very judgement the person overruled)
    for i, j in sorted(same):
        groups.merge(i, j, lambda x, y: (min(x, y), max(x, y)) not in apart)
    preferred = {index[r] for r in prefer_roots if r in index}
    roots: dict[str, str] = {}
    for members in groups.groups():
        root = ids[choose_root(members, lambda i: (i in preferred, _completeness(records[i])))]
        for member in members:
            roots[ids[member]] = root
    return DedupResult(
        groups={rid: roots[rid] for rid in ids},
        links=tuple(links),
        uncertain=tuple(p for i, j, p in uncertain if groups.find(i) != groups.find(j)),
        candidates=len(pairs),
    )


def _judged_by_people(
    judgements: Iterable[tuple[str, str, bool]], index: dict[str, int]
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    same: set[tuple[int, int]] = set()
    apart: set[tuple[int, int]] = set()
    for a, b, is_same in judgements:
        if a not in index or b not in index:
            continue  # a judgement on a record no longer in the review
        i, j = sorted((index[a], index[b]))
        (same if is_same else apart).add((i, j))
    return same, apart


def _check_unique(ids: list[str]) -> None:
    seen: set[str] = set()
    for rid in ids:
        if rid in seen:
            raise ValueError(f"record id {rid!r} appears twice")
        seen.add(rid)


def _judge(
    table: list[Keys], pairs: set[tuple[int, int]], progress: Progress | None
) -> list[tuple[int, int, Comparison]]:
    """Compare every candidate pair; keep those that are not plainly distinct."""
    kept = []
    total = len(pairs)
    for done, (i, j) in enumerate(pairs, start=1):
        comparison = compare(table[i], table[j])
        if comparison.verdict is not Verdict.DISTINCT:
            kept.append((i, j, comparison))
        if progress is not None and (done % 10000 == 0 or done == total):
            progress("compare", done, total)
    return kept
