"""How well a screening order puts the relevant records first.

The definitions follow the evaluation protocol of the shared screening data
(``shared/data/screening/README.md``): the prior-knowledge records the simulation
starts from are taken out first, so with ``N`` records, ``R`` of them relevant, and
one relevant plus one irrelevant prior, the metrics are over ``N' = N − 2`` records
and ``R' = R − 1`` relevant ones.  The ceilings ``⌈x · N'⌉`` are taken in integer
arithmetic, so no floating-point product can round them up by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import DataError, InsufficientData

RECALL_AT_PERCENT = (5, 10, 25, 50)
"""The screening depths (in % of N') at which :func:`screening_metrics` reports recall."""


@dataclass(frozen=True)
class ScreeningMetrics:
    """Recall at fixed screening depths and the work saved, for one screening order.

    ``screened_95`` and ``screened_100`` are counts of records (priors excluded);
    ``wss95`` is in points (percent of N'), as ASReview and the literature report it.
    """

    records: int
    relevant: int
    recall_5: float
    recall_10: float
    recall_25: float
    recall_50: float
    wss95: float
    screened_95: int
    screened_100: int

    @property
    def screened_95_share(self) -> float:
        return self.screened_95 / self.records

    @property
    def screened_100_share(self) -> float:
        return self.screened_100 / self.records

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"recall@5/10/25/50%: {self.recall_5:.2f} {self.recall_10:.2f} "
            f"{self.recall_25:.2f} {self.recall_50:.2f}; WSS@95 {self.wss95:.1f}; "
            f"screened to 95%: {self.screened_95} ({100 * self.screened_95_share:.0f}%), "
            f"to 100%: {self.screened_100} ({100 * self.screened_100_share:.0f}%)"
        )


def _ceil_share(percent: int, total: int) -> int:
    """``⌈percent/100 · total⌉`` exactly."""
    return -(-percent * total // 100)


def screening_metrics(
    order: Sequence[int] | npt.ArrayLike,
    labels: npt.ArrayLike,
    prior: Sequence[int] = (),
) -> ScreeningMetrics:
    """Metrics of one screening order, leaving out the prior-knowledge records.

    Parameters
    ----------
    order : (N,) sequence of int
        Every record index exactly once, in the order screened (priors anywhere).
    labels : (N,) array of 0/1
        1 for a relevant (included) record.
    prior : sequence of int
        The records known before screening began; they count neither as records nor
        as relevant ones.

    Returns
    -------
    ScreeningMetrics

    Raises
    ------
    DataError
        ``order`` is not a permutation of the records.
    InsufficientData
        No relevant record is left once the priors are taken out (R' = 0).

    Notes
    -----
    With ``h`` the 0/1 labels in screening order without the priors, ``N' = len(h)``,
    ``R' = Σ h`` and ``c_i = Σ_{j ≤ i} h_j``:

    - recall@x% = c_m / R' with m = ⌈x · N'⌉;
    - n95 = min{i : c_i ≥ ⌈0.95 · R'⌉}, WSS@95 = 100 · ((N' − n95)/N' − 0.05);
    - screened-to-100% = min{i : c_i = R'}, the position of the last relevant record.

    References
    ----------
    Cohen, A. M., Hersh, W. R., Peterson, K., & Yen, P.-Y. (2006). Reducing workload in
    systematic review preparation using automated citation classification. *JAMIA*
    13(2), 206–219 (work saved over sampling, WSS@95).
    """
    hits = _hits_in_order(order, labels, prior)
    n, relevant = len(hits), int(hits.sum())
    if relevant == 0:
        raise InsufficientData("no relevant record besides the priors: recall is undefined")
    found = np.cumsum(hits)
    recall = {pct: float(found[_ceil_share(pct, n) - 1]) / relevant for pct in RECALL_AT_PERCENT}
    n95 = int(np.searchsorted(found, _ceil_share(95, relevant))) + 1
    n100 = int(np.searchsorted(found, relevant)) + 1
    return ScreeningMetrics(
        records=n,
        relevant=relevant,
        recall_5=recall[5],
        recall_10=recall[10],
        recall_25=recall[25],
        recall_50=recall[50],
        wss95=100.0 * ((n - n95) / n - 0.05),
        screened_95=n95,
        screened_100=n100,
    )


def _hits_in_order(
    order: Sequence[int] | npt.ArrayLike, labels: npt.ArrayLike, prior: Sequence[int]
) -> npt.NDArray[np.int64]:
    """The labels in screening order, priors removed; checks ``order`` is a permutation."""
    y = np.asarray(labels, dtype=np.int64)
    idx = np.asarray(order, dtype=np.int64)
    if idx.shape != y.shape or not np.array_equal(np.sort(idx), np.arange(len(y))):
        raise DataError(f"the order must list each of the {len(y)} records exactly once")
    keep = ~np.isin(idx, np.asarray(list(prior), dtype=np.int64))
    return y[idx[keep]]


def mean_metrics(runs: Sequence[ScreeningMetrics]) -> dict[str, float]:
    """The mean of each metric over runs (e.g. seeds); counts become fractional."""
    if not runs:
        raise InsufficientData("no runs to average")
    keys = [k for k in runs[0].to_dict() if k not in ("records", "relevant")]
    return {k: float(np.mean([r.to_dict()[k] for r in runs])) for k in keys}
