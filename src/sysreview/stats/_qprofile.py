"""The Q-profile confidence interval for tau² (Viechtbauer 2007), as metafor's
``confint.rma.uni``: a separate call, since it costs more than the fit itself."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from ..errors import ConvergenceError, DataError, InsufficientData
from ._results import FloatArray, MetaResult
from ._tau2 import BoolArray, Control, FixedFit, Rows, solve_q


def qprofile_ci(
    rows: Rows, tau2: FloatArray, level: float, control: Control | None = None
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Q-profile confidence interval for tau² (Viechtbauer 2007), as ``confint.rma.uni``.

    The bounds solve ``Q(tau²) = χ²_{k-1}(1-α/2)`` (lower) and ``χ²_{k-1}(α/2)``
    (upper) over ``[0, max(100, 10 tau²)]``; a bound that falls below 0 is 0 and one
    beyond the search interval is its end.  Rows need k ≥ 2.

    References
    ----------
    Viechtbauer W. Confidence intervals for the amount of heterogeneity in
    meta-analysis. Stat Med 2007;26:37-52, eq. 6.
    """
    con = control or Control(maxiter=1000)
    alpha = 1 - level / 100
    df = rows.k - 1
    crit_u = special.chdtri(df, alpha / 2)
    crit_l = special.chdtri(df, 1 - alpha / 2)
    lo = np.zeros(len(tau2))
    hi = np.maximum(100.0, 10 * tau2)
    if con.tau2_max is not None:
        hi = np.full(len(tau2), float(con.tau2_max))
    lb, _, lb_ok = solve_q(rows, crit_u, lo, hi, con)
    ub, _, ub_ok = solve_q(rows, crit_l, lo, hi, con)
    return lb, ub, lb_ok & ub_ok


@dataclass(frozen=True)
class Tau2Interval:
    """``confint()`` of a random-effects fit: [estimate, ci_lb, ci_ub] of tau², tau,
    I² (%) and H².  The I² and H² bounds follow from the tau² bounds with the fit's
    typical within-study variance s²: I² = 100 tau²/(tau² + s²), H² = tau²/s² + 1."""

    level: float
    tau2: tuple[float, float, float]
    tau: tuple[float, float, float]
    I2: tuple[float, float, float]
    H2: tuple[float, float, float]

    @classmethod
    def of(cls, level: float, tau2: tuple[float, float, float], typical: float) -> Tau2Interval:
        def each(f: Callable[[float], float]) -> tuple[float, float, float]:
            return f(tau2[0]), f(tau2[1]), f(tau2[2])

        return cls(level, tau2, each(math.sqrt), each(lambda t: 100 * t / (typical + t)),
                   each(lambda t: t / typical + 1))  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """As the reference's ``qprofile_ci``: [estimate, ci_lb, ci_ub] per quantity."""
        return {"level": self.level, "tau2": list(self.tau2), "tau": list(self.tau),
                "I2_pct": list(self.I2), "H2": list(self.H2)}  # fmt: skip


def confint_tau2(
    result: MetaResult, *, level: float | None = None, control: Mapping[str, Any] | None = None
) -> Tau2Interval:
    """Q-profile confidence interval for tau² of a random-effects ``rma`` fit.

    As metafor's ``confint(res)`` (type "QP"): searched over [0, max(100, 10 tau²)]
    with ``uniroot``'s tolerance eps^(1/4) and at most 1000 iterations; ``control``
    may set ``tol``, ``maxiter`` and ``tau2_max``.

    Raises
    ------
    DataError
        A fixed-effect fit, or one with a fixed tau².
    InsufficientData
        k < 2.
    ConvergenceError
        The root finder did not converge.

    References
    ----------
    Viechtbauer W. Confidence intervals for the amount of heterogeneity in
    meta-analysis. Stat Med 2007;26:37-52.
    """
    if result.model != "random" or result.settings.get("tau2_fixed"):
        raise DataError("a tau² interval needs a random-effects fit with tau² estimated")
    if result.k < 2:
        raise InsufficientData(f"a tau² interval needs at least 2 studies (k = {result.k})")
    con = Control.from_mapping({"maxiter": 1000} | dict(control or {}))
    level = result.level if level is None else level
    rows = Rows.from_padded(result.yi[None, :], result.vi[None, :])
    tau2 = np.array([result.tau2])
    with np.errstate(divide="ignore", invalid="ignore"):
        lb, ub, ok = qprofile_ci(rows, tau2, level, con)
        typical = float((rows.k - 1)[0] / FixedFit.of(rows).trp[0])
    if not ok[0]:
        raise ConvergenceError("the Q-profile search for the tau² interval did not converge")
    return Tau2Interval.of(float(level), (result.tau2, float(lb[0]), float(ub[0])), typical)
