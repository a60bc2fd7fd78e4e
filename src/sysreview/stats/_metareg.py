"""Mixed-effects meta-regression with one common tau² (metafor's ``rma.uni`` with ``mods``).

The subgroup model with a common tau² (``mods = ~ factor(group)``), Egger's test in
its ``model="rma"`` form and trim-and-fill's choice of side all need a weighted
least-squares fit with moderators; ``rma`` pools without them.  This module holds
that fit and nothing else: tau² estimated around the regression (residual
heterogeneity), the fixed effects, the omnibus test of moderators ``QM`` and the
test for residual heterogeneity ``QE``.  It follows metafor 3.8's algorithms step
by step (starting values, Fisher scoring with step halving, convergence threshold)
so that its answers agree with metafor's, not only with the exact solution.

It also holds the few helpers the subgroup, bias and sensitivity modules share:
``checked_studies`` (input checks) and ``rma_single``/``rma_batch`` (``rma``
typed for one analysis or a batch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats as st

from ..errors import ConvergenceError, DataError, InsufficientData
from ._results import BatchResult, FloatArray, MetaResult
from ._rma import rma
from ._roots import zeroin
from ._tau2 import TAU2_METHODS, Control
from ._validate import as_float_array, check_level, check_same_length

#: tau² estimators (metafor's codes, as ``rma``); FE fixes tau² = 0.
METHODS = ("FE", *TAU2_METHODS)
FIXED = frozenset({"FE"})


@dataclass(frozen=True, eq=False)
class MetaRegression:
    """A fitted meta-regression: coefficients ``beta`` for the columns of ``X``.

    ``stat``/``p``/``ci_*`` are per coefficient (z, or t with ``k - p`` df under
    ``test="knha"``).  ``QM`` tests the coefficients ``btt`` (chi² with ``QM_df``
    df, or F(``QM_df``, ``k - p``) under knha); ``QE`` tests residual
    heterogeneity; ``I2``/``H2`` describe it (percent / ratio).
    """

    method: str
    test: str
    level: float
    k: int
    beta: FloatArray
    vb: FloatArray
    se: FloatArray
    stat: FloatArray
    p: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    stat_dist: str
    stat_df: int | None
    tau2: float
    QE: float
    QE_df: int
    QE_p: float
    QM: float
    QM_df: int
    QM_p: float
    I2: float
    H2: float

    @property
    def n_coef(self) -> int:
        return len(self.beta)


def meta_regression(
    yi: FloatArray,
    vi: FloatArray,
    X: FloatArray,
    *,
    method: str = "REML",
    test: str = "z",
    level: float = 95.0,
    btt: Sequence[int] | None = None,
    control: Mapping[str, Any] | None = None,
) -> MetaRegression:
    """Fit ``yi = X beta + u + e`` with ``u ~ N(0, tau²)``, ``e ~ N(0, vi)``.

    Parameters
    ----------
    yi, vi : ndarray, shape (k,)
        Estimates and their sampling variances (checked, finite, ``vi > 0``).
    X : ndarray, shape (k, p)
        Design matrix of full column rank, ``p < k`` (include the intercept column
        yourself).
    method : str
        tau² estimator, one of ``METHODS``.
    test : {"z", "knha"}
        Wald z-tests, or Knapp-Hartung t/F tests with ``k - p`` df.
    level : float
        Confidence level in percent.
    btt : sequence of int, optional
        Coefficients tested by ``QM``; default all but a leading intercept column.
    control : mapping, optional
        metafor's ``control`` settings (see ``Control``: threshold, maxiter, tol,
        stepadj, tau2_init, tau2_max, ll0check).

    Returns
    -------
    MetaRegression

    Raises
    ------
    DataError
        Unknown method or test, ``X`` not of full rank.
    InsufficientData
        ``k <= p``: no residual degrees of freedom.
    ConvergenceError
        ML/REML/EB Fisher scoring did not converge within ``maxiter``.

    Notes
    -----
    With ``W = diag(w)``, ``P = W - W X (X'WX)⁻¹ X'W`` and ``y`` centred:

    - DL: ``tau² = (y'P₀y - (k-p)) / tr P₀`` with ``w = 1/vi``;
    - HE: ``tau² = (y'(I - H)y - tr((I - H)V)) / (k-p)``, ``H`` the OLS hat matrix;
    - ML/REML/EB: Fisher scoring from ``max(0, HE)``; REML step
      ``(y'PPy - tr P) / tr(PP)``, ML ``(y'PPy - Σw) / Σw²``,
      EB ``(y'Py·k/(k-p) - k) / Σw``, halved until ``tau² >= 0``;
    - PM: the root of ``y'P(tau²)y = k - p``; SJ: one step from the variance of y.

    ``beta = (X'WX)⁻¹X'Wy`` and ``Var(beta) = (X'WX)⁻¹`` with ``w = 1/(vi + tau²)``
    (times ``s² = Σw(y - Xb)²/(k-p)`` under knha).  ``QM = b'Var(b)⁻¹b`` over
    ``btt``; ``QE = y'P₀y`` on ``k - p`` df.  ``I² = 100·tau²/(tau² + s̃²)`` with
    ``s̃² = (k-p)/tr P₀`` (FE: ``(QE - (k-p))/QE``), ``H² = tau²/s̃² + 1``
    (FE: ``QE/(k-p)``).

    References
    ----------
    Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat
    Softw 2010;36(3):1-48 (mixed-effects models, equations 5-9; QM and QE).
    Raudenbush SW. Analyzing effect sizes: random-effects models. In: Cooper H et al.
    (eds.) The Handbook of Research Synthesis and Meta-Analysis, 2nd ed. 2009.
    Knapp G, Hartung J. Improved tests for a random effects meta-regression with a
    single covariate. Stat Med 2003;22:2693-2710.
    """
    method = _check_method(method)
    if test not in ("z", "knha"):
        raise DataError(f"test={test!r} is not one of: z, knha")
    level = check_level(level)
    con = Control.from_mapping(control)
    k, p = X.shape
    if k <= p:
        raise InsufficientData(f"{k} studies for {p} coefficients: a meta-regression needs k > p")
    if np.linalg.matrix_rank(X) < p:
        raise DataError("the moderators are collinear (design matrix not of full rank)")
    tau2 = 0.0 if method in FIXED else estimate_tau2(yi, vi, X, method, con)
    QE, QE_p, I2, H2 = _residual_heterogeneity(yi, vi, X, tau2, method)
    if btt is None:
        btt = list(range(1, p)) if np.all(X[:, 0] == 1) and p > 1 else list(range(p))
    return _fit(yi, vi, X, tau2, method, test, level, btt, (QE, QE_p, I2, H2))


def estimate_tau2(
    yi: FloatArray, vi: FloatArray, X: FloatArray, method: str, con: Control
) -> float:
    """Residual tau² by ``method`` (see ``meta_regression``), truncated at 0."""
    k, p = X.shape
    y = yi - yi.mean()
    if method == "DL":
        P = _projection(X, 1 / vi)
        tau2 = (y @ P @ y - (k - p)) / np.trace(P)
    elif method == "HS":
        P = _projection(X, 1 / vi)
        tau2 = (y @ P @ y - k) / np.sum(1 / vi)
    elif method == "HE":
        tau2 = _hedges(y, vi, X)
    elif method == "SJ":
        tau0 = float(np.mean(y**2)) if con.tau2_init is None else float(con.tau2_init)
        P = _projection(X, 1 / (vi + tau0))
        tau2 = tau0 * (y @ P @ y) / (k - p)
    elif method == "PM":
        tau2 = _paule_mandel(y, vi, X, con)
    else:
        tau2 = _fisher_scoring(y, vi, X, method, con)
    return max(0.0, float(tau2))


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise DataError(f"method={method!r} is not one of: {', '.join(METHODS)}")
    return method


def _projection(X: FloatArray, w: FloatArray) -> FloatArray:
    """``P = W - W X (X'WX)⁻¹ X'W`` for weights ``w``."""
    WX = X * w[:, None]
    return np.diag(w) - WX @ np.linalg.solve(X.T @ WX, WX.T)


def _hedges(y: FloatArray, vi: FloatArray, X: FloatArray) -> float:
    k, p = X.shape
    P = np.eye(k) - X @ np.linalg.solve(X.T @ X, X.T)
    return float((y @ P @ y - np.trace(P * vi[None, :])) / (k - p))


def _fisher_scoring(
    y: FloatArray, vi: FloatArray, X: FloatArray, method: str, con: Control
) -> float:
    """ML / REML / EB by metafor's Fisher scoring (start, step halving, threshold)."""
    k, p = X.shape
    tau2 = max(0.0, _hedges(y, vi, X)) if con.tau2_init is None else float(con.tau2_init)
    change, iteration = con.threshold + 1, 0
    while change > con.threshold:
        iteration += 1
        old = tau2
        w = 1 / (vi + tau2)
        P = _projection(X, w)
        if method == "REML":
            Py = P @ y
            adj = (Py @ Py - np.trace(P)) / np.sum(P * P)
        elif method == "ML":
            Py = P @ y
            adj = (Py @ Py - w.sum()) / np.sum(w**2)
        else:  # EB
            adj = (y @ P @ y * k / (k - p) - k) / w.sum()
        adj = float(adj) * con.stepadj
        if np.isnan(adj):
            adj = 0.0
        while tau2 + adj < 0:
            adj /= 2
        tau2 += adj
        change = abs(old - tau2)
        if iteration > con.maxiter:
            raise ConvergenceError(
                f"{method} Fisher scoring did not converge in {con.maxiter} iterations "
                f"(last tau² = {tau2:.6g}, change {change:.3g})"
            )
    if method in ("ML", "REML") and con.ll0check and tau2 > con.threshold:
        gain = _loglik(y, vi, X, 0.0, method) - _loglik(y, vi, X, tau2, method)
        tau2 = 0.0 if gain > con.tol else tau2  # stopped at a local maximum below tau² = 0's
    return tau2


def _loglik(y: FloatArray, vi: FloatArray, X: FloatArray, tau2: float, method: str) -> float:
    k, p = X.shape
    w = 1 / (vi + tau2)
    XtWX = X.T @ (X * w[:, None])
    beta = np.linalg.solve(XtWX, X.T @ (w * y))
    rss = float(np.sum(w * (y - X @ beta) ** 2))
    logv = float(np.sum(np.log(vi + tau2)))
    if method == "ML":
        return float(-0.5 * k * np.log(2 * np.pi) - 0.5 * logv - 0.5 * rss)
    logdet = float(np.linalg.slogdet(XtWX)[1])
    return float(-0.5 * (k - p) * np.log(2 * np.pi) - 0.5 * (logv + logdet + rss))


def _paule_mandel(y: FloatArray, vi: FloatArray, X: FloatArray, con: Control) -> float:
    """The root of ``y'P(tau²)y = k - p`` by R's ``uniroot`` (as metafor)."""
    k, p = X.shape

    def excess(tau2: FloatArray) -> FloatArray:
        return np.array([float(y @ _projection(X, 1 / (vi + t)) @ y) - (k - p) for t in tau2])

    mad = 1.4826 * float(np.median(np.abs(y - np.median(y))))
    upper = np.array([max(100.0, 10 * mad**2) if con.tau2_max is None else float(con.tau2_max)])
    lower = np.zeros(1)
    f_lower, f_upper = excess(lower), excess(upper)
    if f_lower[0] < 0:
        return 0.0
    if f_upper[0] > 0:
        raise ConvergenceError(
            f"Paule-Mandel: tau² lies above tau2_max = {upper[0]:g}", hint="raise control tau2_max"
        )
    root, ok = zeroin(excess, lower, upper, f_lower, f_upper, con.tol, con.maxiter)
    if not ok[0]:
        raise ConvergenceError(f"Paule-Mandel: no root within {con.maxiter} iterations")
    return float(root[0])


def _residual_heterogeneity(
    yi: FloatArray, vi: FloatArray, X: FloatArray, tau2: float, method: str
) -> tuple[float, float, float, float]:
    """``QE``, its p, ``I²`` (%) and ``H²`` of the residual heterogeneity."""
    k, p = X.shape
    y = yi - yi.mean()
    P = _projection(X, 1 / vi)
    QE = max(0.0, float(y @ P @ y))
    QE_p = float(st.chi2.sf(QE, k - p))
    if method in FIXED:
        I2 = max(0.0, 100 * (QE - (k - p)) / QE) if QE > 0 else 0.0
        return QE, QE_p, I2, QE / (k - p)
    typical = (k - p) / float(np.trace(P))
    return QE, QE_p, 100 * tau2 / (typical + tau2), tau2 / typical + 1


def _fit(
    yi: FloatArray,
    vi: FloatArray,
    X: FloatArray,
    tau2: float,
    method: str,
    test: str,
    level: float,
    btt: Sequence[int],
    heterogeneity: tuple[float, float, float, float],
) -> MetaRegression:
    k, p = X.shape
    w = 1 / (vi + tau2)
    vb: FloatArray = np.asarray(np.linalg.inv(X.T @ (X * w[:, None])), dtype=np.float64)
    beta = vb @ (X.T @ (w * yi))
    alpha = 1 - level / 100
    idx = np.asarray(btt, dtype=int)
    QM = float(beta[idx] @ np.linalg.solve(vb[np.ix_(idx, idx)], beta[idx]))
    with np.errstate(divide="ignore", invalid="ignore"):  # knha with s² = 0, as R: Inf
        if test == "knha":
            rss = float(np.sum(w * (yi - X @ beta) ** 2))
            scale = rss / (k - p) if rss > np.finfo(float).eps else 0.0
            vb = vb * scale
            QM = QM / scale / len(idx) if scale > 0 else np.nan
            se = np.sqrt(np.diag(vb))
            stat = beta / se
            pval = 2 * st.t.sf(np.abs(stat), k - p)
            crit, dist, df = float(st.t.isf(alpha / 2, k - p)), "t", k - p
            QM_p = float(st.f.sf(QM, len(idx), k - p))
        else:
            se = np.sqrt(np.diag(vb))
            stat = beta / se
            pval = 2 * st.norm.sf(np.abs(stat))
            crit, dist, df = float(st.norm.isf(alpha / 2)), "z", None
            QM_p = float(st.chi2.sf(QM, len(idx)))
    QE, QE_p, I2, H2 = heterogeneity
    return MetaRegression(
        method=method, test=test, level=level, k=k, beta=beta, vb=vb, se=se, stat=stat,
        p=pval, ci_lb=beta - crit * se, ci_ub=beta + crit * se, stat_dist=dist, stat_df=df,
        tau2=tau2, QE=QE, QE_df=k - p, QE_p=QE_p, QM=QM, QM_df=len(idx), QM_p=QM_p, I2=I2, H2=H2,
    )  # fmt: skip


def checked_studies(yi: Any, vi: Any) -> tuple[FloatArray, FloatArray]:
    """``yi``, ``vi`` as finite 1-D arrays of one length with every ``vi > 0``."""
    y, v = as_float_array(yi, "yi"), as_float_array(vi, "vi")
    check_same_length(yi=y, vi=v)
    bad = np.flatnonzero(v <= 0)
    if bad.size:
        raise DataError(f"vi must be > 0; study {bad[0] + 1} has {v[bad[0]]:g}")
    return y, v


def rma_single(yi: FloatArray, vi: FloatArray, **options: Any) -> MetaResult:
    """``rma`` on one analysis, typed as such (``control`` may be any mapping)."""
    control = options.pop("control", None)
    result = rma(yi, vi, control=None if control is None else dict(control), **options)
    if not isinstance(result, MetaResult):  # pragma: no cover - (k,) input gives one
        raise TypeError("rma returned a batch for one analysis")
    return result


def rma_batch(yi: FloatArray, vi: FloatArray, **options: Any) -> BatchResult:
    """``rma`` on ``(n, k)`` analyses padded with NaN, typed as such."""
    control = options.pop("control", None)
    result = rma(yi, vi, control=None if control is None else dict(control), **options)
    if not isinstance(result, BatchResult):  # pragma: no cover - (n, k) input gives many
        raise TypeError("rma returned one result for a batch")
    return result
