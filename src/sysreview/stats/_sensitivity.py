"""Sensitivity analyses that refit the model on subsets of the studies: leave one
out (metafor ``leave1out``) and cumulative meta-analysis (metafor ``cumul``).

Both build every subset at once as one ``(k, k)`` array padded with NaN and pool
them in a single call of ``rma``'s batch interface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DataError, InsufficientData
from ._metareg import checked_studies, rma_batch
from ._results import BatchResult, FloatArray, _clean
from ._validate import study_labels

IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True, eq=False)
class _Refits:
    """One refit per row: the pooled results as ``(k,)`` arrays, and the study each
    row concerns (``label``, by the name in ``label_key``)."""

    method: str
    test: str
    level: float
    label: tuple[str, ...]
    k: IntArray
    estimate: FloatArray
    se: FloatArray
    stat: FloatArray
    p: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    Q: FloatArray
    Q_p: FloatArray
    tau2: FloatArray
    I2: FloatArray
    H2: FloatArray
    settings: dict[str, Any] = field(default_factory=dict, repr=False)

    label_key = "study"
    name = "refits"

    def __len__(self) -> int:
        return len(self.estimate)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per refit with the reference's keys (``z`` or ``t``, ``I2_pct``);
        ``tau2`` is None for fixed-effect models (metafor drops it)."""
        stat = "z" if self.test == "z" else "t"
        out = []
        for i, label in enumerate(self.label):
            row: dict[str, Any] = {self.label_key: label, "k": int(self.k[i])}
            row |= {"estimate": self.estimate[i], "se": self.se[i], stat: self.stat[i]}
            row |= {"p": self.p[i], "ci_lb": self.ci_lb[i], "ci_ub": self.ci_ub[i]}
            row |= {"Q": self.Q[i], "Q_p": self.Q_p[i]}
            row |= {"tau2": None if self.method == "FE" else self.tau2[i]}
            row |= {"I2_pct": self.I2[i], "H2": self.H2[i]}
            out.append(row)
        return _clean(out)  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        out = {"method": self.method, "test": self.test, "level": self.level}
        out |= {self.name: self.rows(), "settings": dict(self.settings)}
        return _clean(out)  # type: ignore[no-any-return]


@dataclass(frozen=True, eq=False)
class LeaveOneOutResult(_Refits):
    """The model refitted without each study in turn (row i omits study i)."""

    label_key = "omitted"
    name = "leave1out"


@dataclass(frozen=True, eq=False)
class CumulativeResult(_Refits):
    """The model refitted as studies are added in ``order`` (row i adds study i);
    ``index`` gives each row's position in the input."""

    index: IntArray = field(default_factory=lambda: np.empty(0, dtype=np.int64), repr=False)

    label_key = "added"
    name = "cumulative"


def leave1out(
    yi: Any,
    vi: Any,
    *,
    method: str = "REML",
    test: str = "z",
    level: float = 95.0,
    study: Sequence[str] | None = None,
    control: Mapping[str, Any] | None = None,
) -> LeaveOneOutResult:
    """Leave-one-out analysis: the meta-analysis repeated k times, each without one study.

    Parameters
    ----------
    yi, vi : array_like, shape (k,)
        Estimates and sampling variances (``vi > 0``), k >= 2.
    method, test, level, control
        As for ``rma``.
    study : sequence of str, shape (k,), optional
        Study labels (default "1", "2", ...).

    Returns
    -------
    LeaveOneOutResult
        Arrays of shape (k,); NaN in a row whose tau² estimator did not converge
        (metafor leaves that row NA).

    Raises
    ------
    InsufficientData
        k < 2.
    DataError
        Invalid input, unknown method or test.

    Notes
    -----
    Row i is ``rma`` on the k - 1 studies ``j != i``: the estimate, its test and
    interval, Q on k - 2 df, tau², I² and H² of that fit (Viechtbauer & Cheung 2010).

    References
    ----------
    Viechtbauer W, Cheung MW-L. Outlier and influence diagnostics for meta-analysis.
    Res Synth Methods 2010;1:112-125.  Borenstein M et al. Introduction to
    Meta-Analysis. Wiley, 2009, ch. 42 (sensitivity analyses).
    """
    y, v = checked_studies(yi, vi)
    k = len(y)
    if k < 2:
        raise InsufficientData(f"leave-one-out needs at least 2 studies, got {k}")
    labels = _labels(study, k)
    drop = np.eye(k, dtype=bool)
    ys = np.where(drop, np.nan, np.broadcast_to(y, (k, k)))
    vs = np.where(drop, np.nan, np.broadcast_to(v, (k, k)))
    fit = rma_batch(ys, vs, method=method, test=test, level=level, control=control)
    return LeaveOneOutResult(**_fields(fit, labels), settings=dict(fit.settings))


def cumulative(
    yi: Any,
    vi: Any,
    order: Sequence[Any] | None = None,
    *,
    decreasing: bool = False,
    method: str = "REML",
    test: str = "z",
    level: float = 95.0,
    study: Sequence[str] | None = None,
    control: Mapping[str, Any] | None = None,
) -> CumulativeResult:
    """Cumulative meta-analysis: the studies added one at a time in ``order``.

    Parameters
    ----------
    yi, vi : array_like, shape (k,)
        Estimates and sampling variances (``vi > 0``).
    order : sequence, shape (k,), optional
        The sort variable (e.g. publication year), as metafor 3.8's
        ``cumul(order=)``; ties keep their input order (stable sort).  Default: the
        input order.
    decreasing : bool
        Sort from the largest value down (ties still in input order).
    method, test, level, control
        As for ``rma``.
    study : sequence of str, shape (k,), optional
        Study labels (default "1", "2", ...).

    Returns
    -------
    CumulativeResult
        Row i pools the first i + 1 studies in sorted order; the first row is one
        study (Q = 0, I² = 0, H² = 1, the z test).

    Raises
    ------
    DataError
        Invalid input; ``order`` of the wrong length, with missing values, or with
        values that cannot be compared.

    Notes
    -----
    Row i is ``rma`` on the studies ranked 1..i+1 by ``order`` (Lau et al. 1992).

    References
    ----------
    Lau J, Antman EM, Jimenez-Silva J, Kupelnick B, Mosteller F, Chalmers TC.
    Cumulative meta-analysis of therapeutic trials for myocardial infarction. N Engl
    J Med 1992;327:248-254.  Borenstein M et al. Introduction to Meta-Analysis.
    Wiley, 2009, ch. 42.
    """
    y, v = checked_studies(yi, vi)
    k = len(y)
    labels = _labels(study, k)
    index = _sort_order(order, k, decreasing)
    added = np.tril(np.ones((k, k), dtype=bool))
    ys = np.where(added, y[index][None, :], np.nan)
    vs = np.where(added, v[index][None, :], np.nan)
    fit = rma_batch(ys, vs, method=method, test=test, level=level, control=control)
    fields = _fields(fit, tuple(labels[i] for i in index))
    return CumulativeResult(**fields, index=index, settings=dict(fit.settings))


def _labels(study: Sequence[str] | None, k: int) -> tuple[str, ...]:
    """Labels as given, or the study numbers 1..k."""
    return study_labels(study, k) or tuple(str(i + 1) for i in range(k))


def _sort_order(order: Sequence[Any] | None, k: int, decreasing: bool) -> IntArray:
    """Positions sorted by ``order`` with ties in input order (R's ``order``)."""
    if order is None:
        return np.arange(k, dtype=np.int64)
    values = list(order)
    if len(values) != k:
        raise DataError(f"order has {len(values)} values for {k} studies")
    for i, value in enumerate(values):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            raise DataError(f"order is missing for study {i + 1}")
    try:
        ranked = sorted(range(k), key=values.__getitem__, reverse=decreasing)
    except TypeError:
        raise DataError("order has values that cannot be compared (mixed types?)") from None
    return np.array(ranked, dtype=np.int64)


def _fields(fit: BatchResult, labels: tuple[str, ...]) -> dict[str, Any]:
    return {
        "method": fit.method,
        "test": fit.test,
        "level": fit.level,
        "label": labels,
        "k": fit.k,
        "estimate": fit.estimate,
        "se": fit.se,
        "stat": fit.stat,
        "p": fit.p,
        "ci_lb": fit.ci_lb,
        "ci_ub": fit.ci_ub,
        "Q": fit.Q,
        "Q_p": fit.Q_p,
        "tau2": fit.tau2,
        "I2": fit.I2,
        "H2": fit.H2,
    }
