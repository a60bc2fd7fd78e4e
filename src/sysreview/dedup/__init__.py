"""Deduplication: normalise -> block -> compare -> cluster -> review queue.

``deduplicate(records)`` takes :class:`sysreview.model.Record` (imported into a review,
or read from a table by :func:`read_csv`) and returns every record's group root, the
duplicate links with their reasons, and the uncertain pairs a person should judge.
Nothing is merged on an uncertain verdict: a false merge removes an eligible study.
"""

from ._compare import Verdict
from ._dedup import DedupResult, Pair, Progress, deduplicate
from ._io import read_csv, read_truth, split_authors, write_groups
from ._review import DedupSummary, group_review, judge_pair, review_queue, undo_merge
from ._score import Score, score

__all__ = [
    "DedupResult",
    "DedupSummary",
    "Pair",
    "Progress",
    "Score",
    "Verdict",
    "deduplicate",
    "group_review",
    "judge_pair",
    "read_csv",
    "read_truth",
    "review_queue",
    "score",
    "split_authors",
    "undo_merge",
    "write_groups",
]
