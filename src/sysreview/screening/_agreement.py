"""Agreement between screeners: percent agreement, Cohen's kappa for a pair, Fleiss'
kappa and Gwet's AC1 for any number of raters.

Input is one mapping per item (record) from rater to category (``include``,
``exclude``, ``maybe``); only items every rater of the pair (Cohen) or at least two
raters (Fleiss, Gwet) judged take part.  Pure functions, no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Agreement:
    """Agreement over ``items`` judged by ``raters``; ``kappa`` is None where it is
    undefined (chance agreement is 1: every rating in one category)."""

    raters: tuple[str, ...]
    items: int
    percent: float
    kappa: float | None
    method: str
    ac1: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cohen_kappa(ratings: Sequence[Mapping[str, str]], a: str, b: str) -> Agreement:
    """Cohen's kappa for raters ``a`` and ``b`` over the items both rated.

    Notes
    -----
    κ = (p_o − p_e) / (1 − p_e), with p_o the observed share of items on which they
    agree and p_e = Σ_k p_a(k) · p_b(k) the agreement expected from each rater's own
    marginal shares (Cohen 1960, equation 1).
    """
    pairs = [(item[a], item[b]) for item in ratings if a in item and b in item]
    n = len(pairs)
    if n == 0:
        return Agreement((a, b), 0, float("nan"), None, "cohen")
    observed = sum(1 for x, y in pairs if x == y) / n
    first = Counter(x for x, _ in pairs)
    second = Counter(y for _, y in pairs)
    expected = sum(first[k] * second[k] for k in first) / (n * n)
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    ac1 = gwet_ac1([{a: x, b: y} for x, y in pairs]).ac1
    return Agreement((a, b), n, observed, kappa, "cohen", ac1)


def _counts(ratings: Sequence[Mapping[str, str]]) -> list[Counter[str]]:
    return [Counter(item.values()) for item in ratings if len(item) >= 2]


def fleiss_kappa(ratings: Sequence[Mapping[str, str]]) -> Agreement:
    """Fleiss' kappa over items rated by the same number of raters (n ≥ 2 each).

    Notes
    -----
    With n_ij raters putting item i in category j: P_i = (Σ_j n_ij² − n) / (n(n − 1)),
    P̄ = mean P_i, p_j = Σ_i n_ij / (N n), P̄_e = Σ_j p_j², and
    κ = (P̄ − P̄_e) / (1 − P̄_e) (Fleiss 1971, equations 2–6).

    Raises
    ------
    ValueError
        If items were rated by different numbers of raters (use :func:`gwet_ac1`).
    """
    counts = _counts(ratings)
    raters = tuple(sorted({r for item in ratings for r in item}))
    if not counts:
        return Agreement(raters, 0, float("nan"), None, "fleiss")
    sizes = {sum(c.values()) for c in counts}
    if len(sizes) != 1:
        raise ValueError(f"Fleiss' kappa needs the same number of raters per item, got {sizes}")
    n = sizes.pop()
    items = len(counts)
    agreement = [(sum(v * v for v in c.values()) - n) / (n * (n - 1)) for c in counts]
    p_bar = sum(agreement) / items
    totals: Counter[str] = Counter()
    for c in counts:
        totals.update(c)
    p_e = sum((v / (items * n)) ** 2 for v in totals.values())
    kappa = None if p_e == 1 else (p_bar - p_e) / (1 - p_e)
    return Agreement(raters, items, p_bar, kappa, "fleiss", gwet_ac1(ratings).ac1)


def gwet_ac1(ratings: Sequence[Mapping[str, str]]) -> Agreement:
    """Gwet's AC1 for any number of raters per item (items with fewer than two
    ratings are left out).

    Notes
    -----
    p_a = mean over items of Σ_q r_iq (r_iq − 1) / (r_i (r_i − 1)); π_q = mean over
    items of r_iq / r_i; p_e = Σ_q π_q (1 − π_q) / (Q − 1) with Q the categories used
    (at least two); and
    AC1 = (p_a − p_e) / (1 − p_e) (Gwet 2008, equations 14–16).  Unlike kappa it stays
    stable when nearly every record is excluded, as in title/abstract screening.
    """
    counts = _counts(ratings)
    raters = tuple(sorted({r for item in ratings for r in item}))
    if not counts:
        return Agreement(raters, 0, float("nan"), None, "gwet", None)
    categories = sorted({k for c in counts for k in c})
    p_a = 0.0
    share: dict[str, float] = dict.fromkeys(categories, 0.0)
    for c in counts:
        r = sum(c.values())
        p_a += sum(v * (v - 1) for v in c.values()) / (r * (r - 1))
        for k, v in c.items():
            share[k] += v / r
    p_a /= len(counts)
    q = max(len(categories), 2)  # one category seen: the scale still has two
    p_e = sum((share[k] / len(counts)) * (1 - share[k] / len(counts)) for k in categories) / (q - 1)
    ac1 = (p_a - p_e) / (1 - p_e)
    return Agreement(raters, len(counts), p_a, None, "gwet", ac1)
