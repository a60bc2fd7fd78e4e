"""Scoring a deduplication against labelled truth, as ``../shared/data/dedup/README.md``
defines it, so our figures compare with published ones.

Pairwise precision/recall/F1 count record pairs put in one group.  Record-level figures
do not depend on which record is kept: for each predicted cluster, correct removals are
Σ (size of each true group inside it − 1) and false removals are (number of true groups
inside it − 1) — a false removal is a distinct work lost from screening.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Score:
    records: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    #: correct removals / true removable duplicates
    sensitivity: float
    #: kept distinct works / distinct works (1 − false removals / works)
    specificity: float
    correct_removals: int
    false_removals: int
    removable: int
    true_pairs: int
    predicted_pairs: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pairs(sizes: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def score(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Score:
    """Score ``predicted`` (record id -> group id) against ``truth`` (record id -> work id).

    Both must cover the same records; a record missing from ``predicted`` raises
    ``KeyError`` rather than counting silently as a singleton.
    """
    missing = set(truth) - set(predicted)
    if missing:
        raise KeyError(f"{len(missing)} records have no predicted group, e.g. {min(missing)}")
    together = Counter((predicted[r], truth[r]) for r in truth)
    true_pairs = _pairs(Counter(truth[r] for r in truth))
    predicted_pairs = _pairs(Counter(predicted[r] for r in truth))
    hits = _pairs(together)
    inside: dict[str, list[int]] = defaultdict(list)
    for (cluster, _work), n in together.items():
        inside[cluster].append(n)
    correct = sum(n - 1 for sizes in inside.values() for n in sizes)
    false = sum(len(sizes) - 1 for sizes in inside.values())
    works = len(set(truth.values()))
    removable = len(truth) - works
    precision = hits / predicted_pairs if predicted_pairs else 1.0
    recall = hits / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(
        records=len(truth),
        pair_precision=precision,
        pair_recall=recall,
        pair_f1=f1,
        sensitivity=correct / removable if removable else 1.0,
        specificity=1 - false / works if works else 1.0,
        correct_removals=correct,
        false_removals=false,
        removable=removable,
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
    )
