"""Duplicate links to groups, one root per group, never chaining distinct works.

Links are merged strongest first (union-find).  Before two groups merge, every pair
across them is checked: if any pair is judged distinct (different PMIDs, a generic
title, an abstract against its article ...), the merge is refused and the link goes to
the review queue instead — so A~B and B~C cannot pull a distinct A and C together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


class Groups:
    """Union-find over record indices with a veto on each merge."""

    def __init__(self, n: int) -> None:
        self._parent = list(range(n))
        self._members: dict[int, list[int]] = {i: [i] for i in range(n)}

    def find(self, i: int) -> int:
        parent = self._parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def members(self, i: int) -> list[int]:
        return self._members[self.find(i)]

    def merge(self, i: int, j: int, allowed: Callable[[int, int], bool]) -> bool:
        """Join the groups of i and j unless ``allowed`` rejects a pair across them."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        left, right = self._members[ri], self._members[rj]
        if not all(allowed(x, y) for x in left for y in right if (x, y) != (i, j)):
            return False
        if len(left) < len(right):
            ri, rj, left, right = rj, ri, right, left
        self._parent[rj] = ri
        left.extend(right)
        del self._members[rj]
        return True

    def groups(self) -> list[list[int]]:
        return [sorted(members) for members in self._members.values()]


def choose_root(members: Sequence[int], rank: Callable[[int], tuple[bool, int]]) -> int:
    """The best-ranked record of a group (preferred, then most complete), the earliest
    imported on ties."""
    return min(members, key=lambda i: (tuple(-v for v in rank(i)), i))
