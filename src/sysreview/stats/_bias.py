"""Small-study effects: Egger's regression test, Begg's rank correlation test and
the points and lines of a funnel plot (trim-and-fill is in ``_trimfill``).

Each follows metafor 3.8 (``regtest``, ``ranktest``, ``funnel``) so that the
numbers agree with it; where metafor fails the docstring says what is done instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats as st

from ..errors import DataError, InsufficientData
from ._metareg import checked_studies, meta_regression
from ._results import FloatArray, _clean
from ._validate import check_level

BoolArray = np.ndarray[Any, np.dtype[np.bool_]]

#: Largest k with an exact Kendall p: R's ``cor.test`` gives NaN above it (its count
#: overflows ``gamma(k + 1)``), and metafor 4 then falls back to the normal approximation.
EXACT_MAX_K = 170


@dataclass(frozen=True)
class EggerResult:
    """Egger's regression test: the coefficient of the standard error and its test.

    ``limit_estimate`` is the intercept, the effect expected of a study with
    standard error 0 (Rücker et al. 2011), with its confidence interval.
    """

    model: str
    method: str | None
    k: int
    slope: float
    slope_se: float
    stat: float
    stat_dist: str
    df: int | None
    p: float
    limit_estimate: float
    limit_ci_lb: float
    limit_ci_ub: float
    level: float
    tau2: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class RankTestResult:
    """Begg & Mazumdar's rank correlation test: Kendall's tau-b and its p-value.

    ``exact`` says whether p is the exact permutation p (no ties) or the normal
    approximation (``stat`` is then the z of Kendall's S, else the count T of
    concordant pairs).
    """

    k: int
    tau: float
    p: float
    exact: bool
    stat: float
    ties: bool

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))  # type: ignore[no-any-return]


@dataclass(frozen=True, eq=False)
class FunnelData:
    """What a funnel plot draws: each study at (``yi``, ``sei``), the vertical line at
    ``estimate`` and the pseudo confidence region ``estimate ± z·se`` for se from 0 to
    ``se_max`` (two points per line suffice: the lines are straight)."""

    yi: FloatArray
    sei: FloatArray
    estimate: float
    level: float
    line_se: FloatArray
    line_lb: FloatArray
    line_ub: FloatArray
    filled: BoolArray | None = None
    study: tuple[str, ...] | None = None

    @property
    def se_max(self) -> float:
        return float(self.line_se[-1])

    def to_dict(self) -> dict[str, Any]:
        out = {
            name: (value.tolist() if isinstance(value, np.ndarray) else value)
            for name, value in self.__dict__.items()
        }
        return _clean(out)  # type: ignore[no-any-return]


def egger(
    yi: Any,
    vi: Any,
    *,
    model: Literal["lm", "rma"] = "lm",
    method: str = "REML",
    test: str = "z",
    level: float = 95.0,
    control: Mapping[str, Any] | None = None,
) -> EggerResult:
    """Egger's regression test for funnel plot asymmetry (metafor ``regtest``).

    Parameters
    ----------
    yi, vi : array_like, shape (k,)
        Estimates and sampling variances (``vi > 0``), k >= 3.
    model : {"lm", "rma"}
        ``"lm"``: the classic test, a weighted linear regression of ``yi`` on
        ``sei`` (weights 1/vi, residual variance estimated), t with k - 2 df.
        ``"rma"``: metafor's default, a meta-regression on ``sei`` with tau²
        by ``method`` (z, or t with k - 2 df under ``test="knha"``).
    method, test, control
        The meta-regression's tau² estimator, test and ``control`` (``"rma"`` only).
    level : float
        Confidence level (percent) of the limit estimate's interval.

    Returns
    -------
    EggerResult

    Raises
    ------
    InsufficientData
        k < 3 (two coefficients leave no residual degree of freedom).
    DataError
        Invalid input; all ``vi`` equal (``sei`` is then collinear with the intercept).

    Notes
    -----
    ``lm``: ``yi = b0 + b1·sei + e``, ``Var(e_i) = phi·vi``, fitted by weighted least
    squares; ``phi = Σw r²/(k-2)``; ``t = b1/SE(b1)`` on ``k - 2`` df.  This equals
    Egger's original regression of ``yi/sei`` on ``1/sei`` with the roles of slope
    and intercept swapped.  ``rma``: ``yi = b0 + b1·sei + u + e``, ``u ~ N(0, tau²)``.
    The limit estimate is ``b0`` with ``b0 ± crit·SE(b0)``.

    References
    ----------
    Egger M, Davey Smith G, Schneider M, Minder C. Bias in meta-analysis detected by
    a simple, graphical test. BMJ 1997;315:629-634.
    Sterne JAC, Egger M. Regression methods to detect publication and other bias in
    meta-analysis. In: Rothstein HR et al. (eds.) Publication Bias in Meta-Analysis.
    Wiley, 2005, ch. 6.
    Rücker G, Schwarzer G, Carpenter JR, Binder H, Schumacher M. Treatment-effect
    estimates adjusted for small-study effects via a limit meta-analysis.
    Biostatistics 2011;12:122-142.
    """
    y, v = checked_studies(yi, vi)
    level = check_level(level)
    if len(y) < 3:
        raise InsufficientData(f"Egger's test needs at least 3 studies, got {len(y)}")
    if np.all(v == v[0]):
        raise DataError("all sampling variances are equal: no small-study effect to regress on")
    X = np.column_stack([np.ones(len(y)), np.sqrt(v)])
    if model == "lm":
        return _egger_lm(y, v, X, level)
    if model != "rma":
        raise DataError(f"model={model!r} is not one of: lm, rma")
    fit = meta_regression(y, v, X, method=method, test=test, level=level, control=control)
    return EggerResult(
        model="rma",
        method=method,
        k=len(y),
        slope=float(fit.beta[1]),
        slope_se=float(fit.se[1]),
        stat=float(fit.stat[1]),
        stat_dist=fit.stat_dist,
        df=fit.stat_df,
        p=float(fit.p[1]),
        limit_estimate=float(fit.beta[0]),
        limit_ci_lb=float(fit.ci_lb[0]),
        limit_ci_ub=float(fit.ci_ub[0]),
        level=level,
        tau2=fit.tau2,
    )


def _egger_lm(y: FloatArray, v: FloatArray, X: FloatArray, level: float) -> EggerResult:
    k = len(y)
    w = 1 / v
    Xw = X * w[:, None]
    cov = np.linalg.inv(X.T @ Xw)
    beta = cov @ (Xw.T @ y)
    resid = y - X @ beta
    phi = float(np.sum(w * resid**2)) / (k - 2)
    se = np.sqrt(np.diag(cov) * phi)
    stat = float(beta[1] / se[1])
    crit = float(st.t.isf((1 - level / 100) / 2, k - 2))
    return EggerResult(
        model="lm",
        method=None,
        k=k,
        slope=float(beta[1]),
        slope_se=float(se[1]),
        stat=stat,
        stat_dist="t",
        df=k - 2,
        p=float(2 * st.t.sf(abs(stat), k - 2)),
        limit_estimate=float(beta[0]),
        limit_ci_lb=float(beta[0] - crit * se[0]),
        limit_ci_ub=float(beta[0] + crit * se[0]),
        level=level,
    )


def ranktest(yi: Any, vi: Any, *, exact: bool | None = True) -> RankTestResult:
    """Begg & Mazumdar's rank correlation test (metafor ``ranktest``).

    Parameters
    ----------
    yi, vi : array_like, shape (k,)
        Estimates and sampling variances (``vi > 0``), k >= 3.
    exact : bool or None
        As R's ``cor.test(method="kendall", exact=)``: True (metafor's choice) uses
        the exact permutation p-value unless there are ties or k > 170; None does so
        only when also k < 50 (R's default); False always uses the normal approximation.

    Returns
    -------
    RankTestResult

    Raises
    ------
    InsufficientData
        k < 3.
    DataError
        Invalid input; all ``vi`` (or all standardised estimates) equal, which
        leaves Kendall's tau undefined.

    Notes
    -----
    With the fixed-effect estimate ``b = Σw y/Σw`` (w = 1/vi) and ``v_b = 1/Σw``, the
    standardised deviates are ``y*_i = (y_i - b)/√(v_i - v_b)``; the test is Kendall's
    tau-b between ``y*`` and ``v``.  The exact p counts permutations (the
    Mahonian distribution of concordant pairs); the approximation is
    ``z = S/√Var(S)`` with Kendall's tie-corrected variance of ``S``.  Above k = 170
    metafor 3.8 returns NA (R's exact count overflows); the approximation is used
    here, as metafor 4 does.

    References
    ----------
    Begg CB, Mazumdar M. Operating characteristics of a rank correlation test for
    publication bias. Biometrics 1994;50:1088-1101.
    Kendall MG. Rank Correlation Methods, 4th ed. Griffin, 1970 (variance of S with
    ties, eq. 4.3).
    """
    y, v = checked_studies(yi, vi)
    n = len(y)
    if n < 3:
        raise InsufficientData(f"the rank correlation test needs at least 3 studies, got {n}")
    w = 1 / v
    theta = float(np.sum(w * y) / np.sum(w))
    ystar = (y - theta) / np.sqrt(v - 1 / np.sum(w))
    s, tau, ties = _kendall(ystar, v)
    if math.isnan(tau):
        raise DataError("all sampling variances (or all deviates) are equal: tau is undefined")
    use_exact = (exact is True or (exact is None and n < 50)) and not ties and n <= EXACT_MAX_K
    if use_exact:
        pairs = n * (n - 1) // 2
        concordant = (s + pairs) // 2
        lower = min(concordant, pairs - concordant)
        p = min(1.0, 2 * float(_kendall_cdf(n)[lower]))
        return RankTestResult(n, tau, p, True, float(concordant), ties)
    z = s / math.sqrt(_var_s(ystar, v))
    return RankTestResult(n, tau, float(2 * st.norm.sf(abs(z))), False, z, ties)


def _kendall(x: FloatArray, y: FloatArray) -> tuple[int, float, bool]:
    """Kendall's S, tau-b (as R's ``cor(method="kendall")``) and whether there are ties."""
    upper = np.triu_indices(len(x), 1)
    sx = np.sign(x[:, None] - x[None, :])[upper]
    sy = np.sign(y[:, None] - y[None, :])[upper]
    s = int(np.sum(sx * sy))
    norm = math.sqrt(float(np.sum(sx * sx))) * math.sqrt(float(np.sum(sy * sy)))
    ties = min(len(np.unique(x)), len(np.unique(y))) < len(x)
    return s, (s / norm if norm > 0 else math.nan), ties


def _var_s(x: FloatArray, y: FloatArray) -> float:
    """Variance of Kendall's S under independence, corrected for ties (as R's cor.test)."""
    n = len(x)
    tx = np.unique(x, return_counts=True)[1].astype(float)
    ty = np.unique(y, return_counts=True)[1].astype(float)
    tx, ty = tx[tx > 1], ty[ty > 1]
    v0 = n * (n - 1) * (2 * n + 5)
    vt = np.sum(tx * (tx - 1) * (2 * tx + 5))
    vu = np.sum(ty * (ty - 1) * (2 * ty + 5))
    v1 = np.sum(tx * (tx - 1)) * np.sum(ty * (ty - 1))
    v2 = np.sum(tx * (tx - 1) * (tx - 2)) * np.sum(ty * (ty - 1) * (ty - 2))
    return float((v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2)))


def _kendall_cdf(n: int) -> FloatArray:
    """P(T <= t), t = 0..n(n-1)/2, for the number T of concordant pairs among n
    untied pairs under independence, built one element at a time: T_m = T_(m-1) + U,
    U uniform on 0..m-1.  Prefix sums keep the lower tail's relative precision."""
    dist = np.ones(1)
    for m in range(2, n + 1):
        cum = np.concatenate([[0.0], np.cumsum(dist)])
        t = np.arange(len(dist) + m - 1)
        hi = np.minimum(t, len(dist) - 1) + 1
        lo = np.maximum(t - m + 1, 0)
        dist = (cum[hi] - cum[lo]) / m
    return np.cumsum(dist)


def funnel_data(
    yi: Any,
    vi: Any,
    estimate: float,
    *,
    level: float = 95.0,
    filled: Any = None,
    study: Any = None,
) -> FunnelData:
    """Points and pseudo confidence lines of a funnel plot (metafor ``funnel``).

    Parameters
    ----------
    yi, vi : array_like, shape (k,)
        Estimates and sampling variances (``vi > 0``).
    estimate : float
        The pooled estimate the funnel is centred on.
    level : float
        Level (percent) of the pseudo confidence region.
    filled : array_like of bool, shape (k,), optional
        Marks studies imputed by trim-and-fill (drawn differently).
    study : sequence of str, shape (k,), optional
        Study labels.

    Returns
    -------
    FunnelData
        ``line_se = [0, max sei]`` and ``line_lb/ub = estimate ∓ z·line_se`` with
        ``z`` the normal quantile at ``level`` (metafor's default y-axis ``sei``).

    Raises
    ------
    DataError
        Invalid input, a non-finite estimate, labels or marks of the wrong length.

    References
    ----------
    Sterne JAC, Egger M. Funnel plots for detecting bias in meta-analysis:
    guidelines on choice of axis. J Clin Epidemiol 2001;54:1046-1055.
    """
    y, v = checked_studies(yi, vi)
    level = check_level(level)
    if not math.isfinite(estimate):
        raise DataError(f"estimate must be a finite number, got {estimate!r}")
    sei = np.sqrt(v)
    z = float(st.norm.isf((1 - level / 100) / 2))
    line_se = np.array([0.0, float(sei.max())])
    marks = None if filled is None else np.asarray(filled, dtype=bool)
    labels = None if study is None else tuple(str(s) for s in study)
    for name, extra in (("filled", marks), ("study", labels)):
        if extra is not None and len(extra) != len(y):
            raise DataError(f"{name} has {len(extra)} entries for {len(y)} studies")
    return FunnelData(y, sei, float(estimate), level, line_se, estimate - z * line_se,
                      estimate + z * line_se, marks, labels)  # fmt: skip
