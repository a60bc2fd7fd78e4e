"""When to stop screening: a statistical rule with a stated recall target and
confidence, and the heuristics people use.

Every rule reads the 0/1 decisions in the order they were made and says where it
would have stopped.  Each stop comes with the same estimate of recall: the largest
recall the hypergeometric test of :func:`buscar_p_value` supports at 95 %
confidence, so a heuristic that stops early shows it in its own report.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

from ..errors import DataError

BOUND_CONFIDENCE = 0.95
"""Confidence of the recall lower bound every :class:`StopPoint` reports."""


@dataclass(frozen=True)
class StopPoint:
    """Where a stopping rule stopped.

    ``screened`` counts every decision made (prior knowledge included); when
    ``stopped`` is False the rule never fired and ``screened`` is all that was
    screened.  ``estimated_recall`` is a lower confidence bound (see
    :func:`recall_lower_bound`); ``recall`` is the recall actually achieved, known
    only in a simulation.
    """

    rule: str
    stopped: bool
    screened: int
    found: int
    estimated_recall: float
    target: float | None = None
    recall: float | None = None

    @property
    def met_target(self) -> bool | None:
        if self.target is None or self.recall is None:
            return None
        return self.recall >= self.target

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met_target": self.met_target}

    def summary(self) -> str:
        where = "stopped after" if self.stopped else "not stopped in"
        actual = "" if self.recall is None else f", achieved recall {self.recall:.3f}"
        return (
            f"{self.rule}: {where} {self.screened} records, {self.found} relevant found, "
            f"estimated recall >= {self.estimated_recall:.3f}{actual}"
        )


class StoppingRule(Protocol):
    """What the simulation and a screening session ask of a stopping rule."""

    @property
    def name(self) -> str: ...

    def evaluate(self, labels: npt.ArrayLike, n_records: int) -> StopPoint:
        """The first point in ``labels`` (decisions in order) where the rule stops."""
        ...


def _log_choose(n: npt.NDArray[np.float64], k: npt.NDArray[np.float64]) -> Any:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def hypergeom_cdf(
    k: npt.ArrayLike, population: npt.ArrayLike, successes: npt.ArrayLike, draws: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """P(X ≤ k) for X ~ Hypergeometric(population, successes, draws), vectorised.

    Parameters
    ----------
    k, population, successes, draws : (m,) arrays of int
        As ``scipy.stats.hypergeom.cdf(k, M=population, n=successes, N=draws)``.

    Notes
    -----
    Sums the probability mass P(X = i) = C(K, i) C(M − K, n − i) / C(M, n) over
    i = 0 … k in log space (``gammaln``); terms outside the support are zero.  Much
    faster than scipy's general routine for the many small ``k`` a stopping rule asks.
    """
    k, m, big_k, n = (
        np.atleast_1d(np.asarray(a, dtype=np.int64)) for a in (k, population, successes, draws)
    )
    counts = np.maximum(k, -1) + 1
    if counts.sum() == 0:
        return np.zeros(len(k))
    owner = np.repeat(np.arange(len(k)), counts)
    starts = np.cumsum(counts) - counts
    i = (np.arange(counts.sum()) - np.repeat(starts, counts)).astype(np.float64)
    mm, kk, nn = (a[owner].astype(np.float64) for a in (m, big_k, n))
    valid = (i <= kk) & (nn - i <= mm - kk) & (nn - i >= 0)
    log_pmf = np.where(
        valid,
        _log_choose(kk, np.minimum(i, kk))
        + _log_choose(mm - kk, np.clip(nn - i, 0, np.maximum(mm - kk, 0)))
        - _log_choose(mm, nn),
        -np.inf,
    )
    total = np.zeros(len(k))
    np.add.at(total, owner, np.exp(log_pmf))
    return np.minimum(total, 1.0)


def _urns(labels: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The longest urn (run of last-screened records) holding exactly k relevant ones,
    for k = 0 … r_seen: returns (k, urn size)."""
    n = len(labels)
    ones_from_end = np.flatnonzero(labels[::-1])
    r_seen = len(ones_from_end)
    k = np.arange(r_seen + 1)
    size = np.append(ones_from_end, n)  # the k-th relevant from the end closes urn k
    return k, size


def buscar_p_value(labels: npt.ArrayLike, n_records: int, target: float = 0.95) -> float:
    """p-value of H0 "recall is below ``target``" after the decisions in ``labels``.

    Parameters
    ----------
    labels : (n,) array of 0/1
        Decisions in the order they were made.
    n_records : int
        All records, screened or not (N).
    target : float
        The recall target τ, in (0, 1].

    Returns
    -------
    float
        The smallest p over the urns; stop when it is below 1 − confidence.

    Notes
    -----
    The last ``j`` screened records are treated as a sample drawn from the urn made of
    them and the N − n unscreened records.  With ``k_j`` relevant in the sample,
    ``r_seen`` relevant seen in all, and ``r_AL = r_seen − k_j`` before the sample,
    H0 needs at least ``K̂_j = ⌊r_seen/τ − r_AL + 1⌋`` relevant in the urn, and
    ``p_j = P(X ≤ k_j)`` for X ~ Hypergeometric(N − n + j, K̂_j, j) (Callaghan &
    Müller-Hansen 2020, equations 2–4).  With prioritised screening the sample holds
    more relevant records than a random one would, so the test is conservative.
    For fixed ``k_j``, ``p_j`` falls as the urn grows, so only the longest urn for
    each ``k`` is tested.  Where ``K̂_j`` exceeds the urn, H0 is impossible: p = 0.

    References
    ----------
    Callaghan, M. W., & Müller-Hansen, F. (2020). Statistical stopping criteria for
    automated screening in systematic reviews. *Systematic Reviews* 9, 273.
    """
    y = _as_labels(labels, n_records)
    if not 0 < target <= 1:
        raise DataError(f"the recall target must be in (0, 1], got {target}")
    if len(y) == 0:
        return 1.0
    r_seen = int(y.sum())
    k, size = _urns(y)
    population = n_records - len(y) + size
    needed = np.floor(r_seen / target - (r_seen - k) + 1 + 1e-9).astype(np.int64)
    possible = needed <= population
    # an urn whose sample holds at least the expected share cannot reject H0
    worth = possible & (k * population < needed * size)
    p = np.where(possible, 1.0, 0.0)
    if worth.any():
        p[worth] = hypergeom_cdf(k[worth], population[worth], needed[worth], size[worth])
    return float(p.min())


def recall_lower_bound(
    labels: npt.ArrayLike, n_records: int, confidence: float = BOUND_CONFIDENCE
) -> float:
    """The largest recall τ for which H0 "recall < τ" is rejected at ``confidence``.

    Notes
    -----
    ``buscar_p_value`` rises with τ (a higher target needs fewer missed records to be
    broken), so the bound is found by bisection to 1e-4.  It is 0 when nothing can
    be rejected, and 1 when even "recall < 1" is rejected (or all are screened).
    """
    y = _as_labels(labels, n_records)
    alpha = 1.0 - confidence
    if len(y) == n_records:
        return 1.0
    if buscar_p_value(y, n_records, 1.0) < alpha:
        return 1.0
    if buscar_p_value(y, n_records, 1e-4) >= alpha:
        return 0.0
    low, high = 0.0, 1.0
    while high - low > 1e-4:
        mid = (low + high) / 2
        if buscar_p_value(y, n_records, mid) < alpha:
            low = mid
        else:
            high = mid
    return low


def _as_labels(labels: npt.ArrayLike, n_records: int) -> npt.NDArray[np.int64]:
    y = np.asarray(labels, dtype=np.int64).ravel()
    if len(y) > n_records:
        raise DataError(f"{len(y)} decisions for {n_records} records")
    if np.any((y != 0) & (y != 1)):
        raise DataError("decisions must be 0 (irrelevant) or 1 (relevant)")
    return y


def _stop_at(
    rule: str, y: npt.NDArray[np.int64], n_records: int, at: int | None, target: float | None = None
) -> StopPoint:
    seen = y if at is None else y[:at]
    return StopPoint(
        rule=rule,
        stopped=at is not None,
        screened=len(seen),
        found=int(seen.sum()),
        estimated_recall=recall_lower_bound(seen, n_records),
        target=target,
    )


@dataclass(frozen=True)
class Buscar:
    """Stop once H0 "recall < target" is rejected at ``confidence`` (buscar).

    ``min_screened`` decisions are made before the test is first applied; it is then
    applied after every ``check_every`` decisions.
    """

    target: float = 0.95
    confidence: float = 0.95
    check_every: int = 1
    min_screened: int = 1

    @property
    def name(self) -> str:
        return f"buscar(recall {self.target:g}, confidence {self.confidence:g})"

    def evaluate(self, labels: npt.ArrayLike, n_records: int) -> StopPoint:
        y = _as_labels(labels, n_records)
        alpha = 1.0 - self.confidence
        start = max(self.min_screened, 1)
        for at in range(start, len(y) + 1, max(self.check_every, 1)):
            if buscar_p_value(y[:at], n_records, self.target) < alpha:
                return _stop_at(self.name, y, n_records, at, self.target)
        return _stop_at(self.name, y, n_records, None, self.target)


@dataclass(frozen=True)
class ConsecutiveIrrelevant:
    """Stop after ``n`` irrelevant records in a row (a common heuristic; no guarantee)."""

    n: int = 50

    @property
    def name(self) -> str:
        return f"{self.n} irrelevant in a row"

    def evaluate(self, labels: npt.ArrayLike, n_records: int) -> StopPoint:
        y = _as_labels(labels, n_records)
        positions = np.arange(1, len(y) + 1)
        last_relevant = np.maximum.accumulate(np.where(y == 1, positions, 0))
        fired = np.flatnonzero(positions - last_relevant >= self.n)
        at = int(fired[0]) + 1 if len(fired) else None
        return _stop_at(self.name, y, n_records, at)


@dataclass(frozen=True)
class ScreenedFraction:
    """Stop after screening ``fraction`` of all records (a fixed budget; no guarantee)."""

    fraction: float = 0.5

    @property
    def name(self) -> str:
        return f"screened {100 * self.fraction:g}% of records"

    def evaluate(self, labels: npt.ArrayLike, n_records: int) -> StopPoint:
        y = _as_labels(labels, n_records)
        budget = -(-round(self.fraction * 10_000) * n_records // 10_000)
        return _stop_at(self.name, y, n_records, budget if budget <= len(y) else None)


DEFAULT_RULES: tuple[StoppingRule, ...] = (
    Buscar(target=0.95, confidence=0.95),
    ConsecutiveIrrelevant(50),
    ConsecutiveIrrelevant(100),
    ScreenedFraction(0.5),
)
"""The rules a simulation reports unless told otherwise."""


def with_recall(point: StopPoint, recall: float) -> StopPoint:
    """``point`` with the recall actually achieved filled in (simulation only)."""
    return replace(point, recall=recall)
