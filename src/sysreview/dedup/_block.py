"""Candidate pairs without comparing all pairs.

Sorted neighbourhoods over the title (forwards, and backwards so a differing start —
a bracket, a leading article, a translated prefix — still meets its twin), plus exact
blocks on DOI, PMID and first author + year + first page (which catch the same article
under two different titles).  Exact blocks larger than ``max_block`` are skipped: a key
shared by that many records (a supplement's DOI) identifies nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ._keys import Keys

WINDOW = 5
MAX_BLOCK = 40


def _neighbourhood(
    keys: Sequence[Keys], sort_key: Callable[[Keys], Any], window: int
) -> Iterable[tuple[int, int]]:
    order = sorted((k for k in keys if k.compact), key=sort_key)
    for position, left in enumerate(order):
        for right in order[position + 1 : position + window]:
            yield left.index, right.index


def _exact(
    keys: Sequence[Keys], block_key: Callable[[Keys], object], max_block: int
) -> Iterable[tuple[int, int]]:
    blocks: dict[object, list[int]] = defaultdict(list)
    for k in keys:
        value = block_key(k)
        if value:
            blocks[value].append(k.index)
    for members in blocks.values():
        if 1 < len(members) <= max_block:
            for i, left in enumerate(members):
                for right in members[i + 1 :]:
                    yield left, right


def _author_page(k: Keys) -> tuple[str, int, str] | None:
    if k.surnames and k.year and k.first_page:
        return (k.surnames[0], k.year, k.first_page)
    return None


def candidates(
    keys: Sequence[Keys], window: int = WINDOW, max_block: int = MAX_BLOCK
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``i < j`` worth comparing."""
    found: set[tuple[int, int]] = set()
    sources = (
        _neighbourhood(keys, lambda k: (k.compact, k.year or 0, k.volume or ""), window),
        _neighbourhood(keys, lambda k: k.compact[::-1], window),
        _exact(keys, lambda k: k.doi, max_block),
        _exact(keys, lambda k: (k.compact, k.year) if k.compact else None, max_block),
        _exact(keys, lambda k: k.pmid, max_block),
        _exact(keys, _author_page, max_block),
    )
    for source in sources:
        for i, j in source:
            if i != j:
                found.add((i, j) if i < j else (j, i))
    return found
