"""Duval & Tweedie's trim-and-fill, as metafor 3.8's ``trimfill``.

Estimate how many studies are missing on one side of the funnel (L0 or R0), impute
their mirror images about the pooled estimate and refit.  The rank statistics are
computed here; every fit is ``rma``'s, and the side is chosen by a meta-regression
on the standard error (``_metareg``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..errors import ConvergenceError, DataError, InsufficientData
from ._metareg import checked_studies, meta_regression, rma_single
from ._results import FloatArray, MetaResult, _clean


@dataclass(frozen=True, eq=False)
class TrimFillResult:
    """Trim-and-fill: ``k0`` studies imputed on ``side``, and the model refitted.

    ``filled`` is the meta-analysis of the observed plus the imputed studies
    (the observed alone when ``k0 = 0``); ``filled_yi``/``filled_vi`` are the
    imputed studies only, in metafor's order.
    """

    estimator: str
    side: str
    k0: int
    se_k0: float
    p_k0: float | None
    filled: MetaResult
    filled_yi: FloatArray = field(repr=False)
    filled_vi: FloatArray = field(repr=False)
    iterations: int = 0

    def to_dict(self) -> dict[str, Any]:
        out = {
            "estimator": self.estimator,
            "side": self.side,
            "k0": self.k0,
            "se_k0": self.se_k0,
            "p_k0": self.p_k0,
            "iterations": self.iterations,
            "filled": self.filled.to_dict(),
            "filled_yi": self.filled_yi.tolist(),
            "filled_vi": self.filled_vi.tolist(),
        }
        return _clean(out)  # type: ignore[no-any-return]


def trimfill(
    yi: Any,
    vi: Any,
    *,
    method: str = "REML",
    estimator: Literal["L0", "R0"] = "L0",
    side: Literal["left", "right"] | None = None,
    test: str = "z",
    level: float = 95.0,
    measure: str = "GEN",
    study: Any = None,
    control: Mapping[str, Any] | None = None,
    maxiter: int = 100,
) -> TrimFillResult:
    """Duval & Tweedie's trim-and-fill, as metafor's ``trimfill``.

    Parameters
    ----------
    yi, vi : array_like, shape (k,)
        Estimates and sampling variances (``vi > 0``), k >= 2.
    method : str
        tau² estimator of every fit (``"FE"`` for a fixed-effect model).
    estimator : {"L0", "R0"}
        Duval & Tweedie's estimator of the number of missing studies.
    side : {"left", "right"}, optional
        Where studies are missing; by default the side opposite to the sign of the
        slope in a meta-regression of ``yi`` on ``sei`` (metafor's rule).
    test, level, measure, study, control
        Passed to ``rma`` for the final model.
    maxiter : int
        Iterations of the trim-estimate-fill loop before giving up.

    Returns
    -------
    TrimFillResult

    Raises
    ------
    InsufficientData
        k < 2.
    DataError
        Unknown estimator or side; all ``vi`` equal when ``side`` must be chosen.
    ConvergenceError
        ``k0`` still changing after ``maxiter`` iterations.

    Notes
    -----
    With the data flipped for ``side="right"`` and sorted by ``yi``, repeat until
    ``k0`` is stable: fit the model to the ``k - k0`` smallest estimates; centre all
    ``k`` at its estimate ``b``; rank ``|y - b|`` (ties in order); then
    ``L0 = (4 S_r - k(k+1)) / (2k - 1)`` with ``S_r`` the sum of the positive ranks,
    ``SE = 4√Var(S_r)/(2k - 1)``; or ``R0 = k - h - 1`` with ``h`` the largest rank of
    a negative deviation, ``SE = √(2 max(0, R0) + 2)``, ``p = 0.5^(R0 + 1)``.
    ``k0 = max(0, round(.))``.  The ``k0`` largest estimates are mirrored about
    ``b``: ``2b - y``, with their variances.  ``h`` counts zero deviations when none
    is negative, e.g. all estimates equal (metafor stops with an error there).  The
    final model uses ``test`` and ``level`` (metafor 3.8 refits with z and 95 %).

    References
    ----------
    Duval S, Tweedie R. Trim and fill: a simple funnel-plot-based method of testing
    and adjusting for publication bias in meta-analysis. Biometrics 2000;56:455-463
    (L0 and R0, eqs. 4-6). Duval S, Tweedie R. A nonparametric "trim and fill"
    method of accounting for publication bias in meta-analysis. J Am Stat Assoc
    2000;95:89-98.
    """
    y, v = checked_studies(yi, vi)
    k = len(y)
    if k < 2:
        raise InsufficientData(f"trim-and-fill needs at least 2 studies, got {k}")
    if estimator not in ("L0", "R0"):
        raise DataError(f"estimator={estimator!r} is not one of: L0, R0")
    chosen = _side(y, v, method, control) if side is None else str(side)
    if chosen not in ("left", "right"):
        raise DataError(f"side={chosen!r} is not one of: left, right")
    flip = -1.0 if chosen == "right" else 1.0
    order = np.argsort(flip * y, kind="stable")
    ys, vs = flip * y[order], v[order]
    k0, se_k0, beta, iterations = _iterate(ys, vs, estimator, method, control, maxiter)
    fit_args: dict[str, Any] = dict(method=method, test=test, level=level, measure=measure)
    if k0 == 0:
        filled = rma_single(y, v, study=study, control=control, **fit_args)
        nothing = np.empty(0)
        p_k0 = _p_k0(estimator, 0)
        return TrimFillResult(
            estimator, chosen, 0, se_k0, p_k0, filled, nothing, nothing, iterations
        )
    new_y = flip * (2 * beta - ys[k - k0 :])
    new_v = vs[k - k0 :]
    labels = None
    if study is not None:
        labels = [str(s) for s in study] + [f"Filled {i + 1}" for i in range(k0)]
    both_y, both_v = np.concatenate([y, new_y]), np.concatenate([v, new_v])
    filled = rma_single(both_y, both_v, study=labels, control=control, **fit_args)
    return TrimFillResult(
        estimator, chosen, k0, se_k0, _p_k0(estimator, k0), filled, new_y, new_v, iterations
    )


def _side(y: FloatArray, v: FloatArray, method: str, control: Mapping[str, Any] | None) -> str:
    if np.all(v == v[0]):
        raise DataError("all sampling variances are equal: cannot choose the side, give side=")
    X = np.column_stack([np.ones(len(y)), np.sqrt(v)])
    fit = meta_regression(y, v, X, method=method, control=control)
    return "right" if fit.beta[1] < 0 else "left"


def _iterate(
    ys: FloatArray,
    vs: FloatArray,
    estimator: str,
    method: str,
    control: Mapping[str, Any] | None,
    maxiter: int,
) -> tuple[int, float, float, int]:
    """The trim-estimate loop on sorted (and flipped) data: k0, its SE, b, iterations."""
    k = len(ys)
    k0, previous, iteration = 0, -1, 0
    se_k0, beta = math.nan, math.nan
    while k0 != previous:
        previous = k0
        iteration += 1
        if iteration > maxiter:
            raise ConvergenceError(f"trim-and-fill did not settle on k0 in {maxiter} iterations")
        beta = float(
            rma_single(ys[: k - k0], vs[: k - k0], method=method, control=control).estimate
        )
        centred = ys - beta
        ranks = np.empty(k)
        ranks[np.argsort(np.abs(centred), kind="stable")] = np.arange(1, k + 1)
        signed = np.sign(centred) * ranks
        if estimator == "R0":
            # the rightmost run of positive ranks; zero deviations (smallest ranks)
            # only matter when none is negative, where metafor stops with an error
            below = ranks[centred <= 0]
            raw = k - (float(below.max()) if below.size else 0.0) - 1
            se_k0 = math.sqrt(2 * max(0.0, raw) + 2)
        else:
            s_r = float(signed[signed > 0].sum())
            raw = (4 * s_r - k * (k + 1)) / (2 * k - 1)
            var_sr = (k * (k + 1) * (2 * k + 1) + 10 * raw**3 + 27 * raw**2 + 17 * raw
                      - 18 * k * raw**2 - 18 * k * raw + 6 * k**2 * raw) / 24  # fmt: skip
            se_k0 = 4 * math.sqrt(var_sr) / (2 * k - 1) if var_sr >= 0 else math.nan
        k0 = max(0, round(raw))
        se_k0 = max(0.0, se_k0) if not math.isnan(se_k0) else se_k0
    return k0, se_k0, beta, iteration


def _p_k0(estimator: str, k0: int) -> float | None:
    """R0's p: the chance of a rightmost run of ``k0 + 1`` positive ranks, 0.5^(k0+1)."""
    return 0.5 ** (k0 + 1) if estimator == "R0" else None
