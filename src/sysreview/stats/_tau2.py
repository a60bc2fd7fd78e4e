"""Heterogeneity variance (tau²) as vectorised kernels, step for step as metafor's ``rma.uni``.

Every kernel works on many analyses at once: ``Rows`` holds ``(n, k)`` arrays with
a mask of the studies present (ragged analyses are padded).  The closed forms (DL,
HE, HS, SJ) are direct; the iterative estimators follow metafor 3.8's algorithms
with its ``control`` defaults, so that they stop where metafor stops:

- ML, REML, EB: Fisher scoring from the (truncated) HE value, step halving at 0,
  stop when the change in tau² is at most ``threshold`` (1e-5), at most
  ``maxiter`` (100) steps; ML and REML then check that tau² = 0 is not more likely.
- PM and the Q-profile interval: R's ``uniroot`` (Brent's zeroin, ``tol`` =
  eps^(1/4)), re-implemented in ``zeroin`` below so the roots agree to rounding.

Tighter answers are one ``control`` away (e.g. ``threshold=1e-12, tol=1e-14``).
Sums over a weight vector ``w`` stand in for metafor's projection matrix
``P = W - W 1 (1'W1)^-1 1'W``: ``tr P = Σw - Σw²/Σw`` and
``Σ_ij P_ij² f_i g_j = Σw²fg - 2Σw³fg/Σw + Σw²f Σw²g/(Σw)²``.

References
----------
DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials
1986;7:177-88.  Hedges LV. A random effects model for effect sizes. Psychol Bull
1983;93:388-95.  Hunter JE, Schmidt FL. Methods of Meta-Analysis, 2nd ed. Sage, 2004.
Sidik K, Jonkman JN. Simple heterogeneity variance estimation for meta-analysis.
J R Stat Soc C 2005;54:367-84.  Morris CN. Parametric empirical Bayes inference.
J Am Stat Assoc 1983;78:47-55.  Paule RC, Mandel J. Consensus values and weighting
factors. J Res Natl Bur Stand 1982;87:377-85.  Viechtbauer W. Bias and efficiency of
meta-analytic variance estimators in the random-effects model. J Educ Behav Stat
2005;30:261-93.  Viechtbauer W. Confidence intervals for the amount of heterogeneity
in meta-analysis. Stat Med 2007;26:37-52.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import DataError
from ._results import FloatArray
from ._roots import EPS, zeroin

BoolArray = NDArray[np.bool_]
LOG_2PI = math.log(2 * math.pi)
CLOSED_FORM = ("DL", "HE", "HS", "SJ")
ITERATIVE = ("REML", "ML", "PM", "EB")
TAU2_METHODS = CLOSED_FORM + ITERATIVE


@dataclass(frozen=True)
class Control:
    """metafor's ``control`` for rma.uni (same names, ``_`` for ``.``).

    ``tau2_max`` None means metafor's default max(100, 10·mad(yi)²) for PM.
    """

    threshold: float = 1e-5
    tol: float = EPS**0.25
    maxiter: int = 100
    stepadj: float = 1.0
    tau2_init: float | None = None
    tau2_max: float | None = None
    ll0check: bool = True

    @classmethod
    def from_mapping(cls, control: Mapping[str, Any] | None) -> Control:
        if not control:
            return DEFAULT_CONTROL
        names = set(cls.__dataclass_fields__)
        unknown = sorted(set(control) - names)
        if unknown:
            raise DataError(f"unknown control setting(s) {unknown}; known: {sorted(names)}")
        made = cls(**dict(control))
        for name in ("threshold", "tol", "stepadj"):
            value = getattr(made, name)
            if not (isinstance(value, (int, float)) and value > 0):
                raise DataError(f"control {name} must be a positive number, got {value!r}")
        if not (isinstance(made.maxiter, int) and made.maxiter >= 1):
            raise DataError(f"control maxiter must be a positive integer, got {made.maxiter!r}")
        for name in ("tau2_init", "tau2_max"):
            value = getattr(made, name)
            if value is not None and not (isinstance(value, (int, float)) and value >= 0):
                raise DataError(f"control {name} must be a number >= 0, got {value!r}")
        return made

    def to_dict(self) -> dict[str, Any]:
        return dict(_control_dict(self))


@functools.cache
def _control_dict(control: Control) -> dict[str, Any]:
    return asdict(control)


DEFAULT_CONTROL = Control()


@dataclass(frozen=True)
class Rows:
    """Analyses as padded rows: ``y`` (0 where absent), ``v`` (1 where absent),
    ``m`` (1.0 present / 0.0 absent), all ``(n, k)``; ``k`` studies per row, ``(n,)``.

    The arithmetic (``Rows``, ``FixedFit``, closed forms, ``tau2_se``) reduces over the
    last axis only, so it also runs on one analysis as ``(k,)`` arrays with scalar ``k``:
    the fast path for single calls.
    """

    y: FloatArray
    v: FloatArray
    m: FloatArray
    k: FloatArray

    @classmethod
    def from_padded(cls, yi: FloatArray, vi: FloatArray) -> Rows:
        """``yi``, ``vi`` of shape (n, k) with NaN in either marking an absent study."""
        present = ~(np.isnan(yi) | np.isnan(vi))
        m = present.astype(np.float64)
        return cls(np.where(present, yi, 0.0), np.where(present, vi, 1.0), m, rsum(m))

    def take(self, rows: BoolArray) -> Rows:
        return Rows(self.y[rows], self.v[rows], self.m[rows], self.k[rows])

    def centred(self) -> Rows:
        """``y`` minus its row mean (metafor fits tau² to mean-centred ``yi``)."""
        mean = rsum(self.y) / self.k
        return Rows((self.y - mean[..., None]) * self.m, self.v, self.m, self.k)

    def weights(self, tau2: FloatArray | None = None) -> FloatArray:
        """Inverse-variance weights ``1/(v + tau²)`` (``1/v`` without tau²), 0 where absent."""
        if tau2 is None:
            return self.m / self.v
        return self.m / (self.v + tau2[..., None])

    def residual_q(self, w: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``Σw``, the weighted mean and ``Q = Σw(y - mean)²`` (metafor's RSS = y'Py)."""
        sw = rsum(w)
        mu = rsum(w * self.y) / sw
        r = self.y - mu[..., None]
        return sw, mu, rsum(w * r * r)

    def q_at(self, tau2: FloatArray) -> FloatArray:
        """The generalised Q statistic at tau² (Viechtbauer 2007)."""
        return self.residual_q(self.weights(tau2))[2]


def rsum(x: FloatArray) -> FloatArray:
    """Sum over the last axis (the studies), without ``ndarray.sum``'s call overhead."""
    return np.add.reduce(x, axis=-1)  # type: ignore[no-any-return]


def p_sums(
    w: FloatArray, sw: FloatArray, f: FloatArray | float, g: FloatArray | float
) -> FloatArray:
    """``Σ_ij P_ij² f_i g_j`` for the projection ``P`` built from weights ``w``."""
    w2 = w * w
    first = rsum(w2 * f * g) - 2 * rsum(w2 * w * f * g) / sw
    return first + rsum(w2 * f) * rsum(w2 * g) / (sw * sw)


def tr_p(w: FloatArray, sw: FloatArray) -> FloatArray:
    return sw - rsum(w * w) / sw


@dataclass(frozen=True)
class FixedFit:
    """Fixed-effect quantities of the mean-centred rows, shared by DL, HS, Q and I²:
    ``w = 1/v``, ``Σw``, ``Σw²``, Cochran's ``Q`` and ``tr P = Σw - Σw²/Σw``."""

    rows: Rows
    w: FloatArray
    sw: FloatArray
    sw2: FloatArray
    q: FloatArray

    @classmethod
    def of(cls, rows: Rows) -> FixedFit:
        centred = rows.centred()
        w = centred.weights()
        sw, _, q = centred.residual_q(w)
        return cls(centred, w, sw, rsum(w * w), q)

    @property
    def trp(self) -> FloatArray:
        return self.sw - self.sw2 / self.sw

    @property
    def trpp(self) -> FloatArray:
        """``tr(PP) = Σw² - 2Σw³/Σw + (Σw²/Σw)²`` (``p_sums`` with f = g = 1)."""
        ratio = self.sw2 / self.sw
        return self.sw2 - 2 * rsum(self.w * self.w * self.w) / self.sw + ratio * ratio

    def take(self, rows: BoolArray) -> FixedFit:
        return FixedFit(self.rows.take(rows), self.w[rows], self.sw[rows], self.sw2[rows],
                        self.q[rows])  # fmt: skip


# -- closed forms -------------------------------------------------------------------


def tau2_dl(fe: FixedFit) -> FloatArray:
    """DerSimonian & Laird (1986), eq. 8: ``(Q - (k-1)) / (Σw - Σw²/Σw)``, w = 1/v."""
    return (fe.q - (fe.rows.k - 1)) / fe.trp


def tau2_he(fe: FixedFit) -> FloatArray:
    """Hedges (1983): ``(Σ(y-ȳ)² - (1-1/k)Σv) / (k-1)``."""
    rows = fe.rows
    tr_pv = rsum(rows.v * rows.m) * (1 - 1 / rows.k)
    return (rsum(rows.y * rows.y) - tr_pv) / (rows.k - 1)


def tau2_hs(fe: FixedFit) -> FloatArray:
    """Hunter & Schmidt (2004): ``(Q - k) / Σw`` with w = 1/v."""
    return (fe.q - fe.rows.k) / fe.sw


def sj_start(rows: Rows) -> FloatArray:
    """Sidik & Jonkman's initial value ``Σ(y-ȳ)²/k`` (``rows`` mean-centred)."""
    return rsum(rows.y * rows.y) / rows.k


def tau2_sj(fe: FixedFit) -> FloatArray:
    """Sidik & Jonkman (2005), one step: ``tau0² Q(tau0²)/(k-1)`` with ``tau0² = Σ(y-ȳ)²/k``."""
    t0 = sj_start(fe.rows)
    return t0 * fe.rows.q_at(t0) / (fe.rows.k - 1)


CLOSED: dict[str, Callable[[FixedFit], FloatArray]] = {
    "DL": tau2_dl,
    "HE": tau2_he,
    "HS": tau2_hs,
    "SJ": tau2_sj,
}


# -- iterative ----------------------------------------------------------------------


def fisher_scoring(
    rows: Rows, method: str, start: FloatArray, control: Control
) -> tuple[FloatArray, BoolArray]:
    """ML, REML or EB by Fisher scoring on all rows at once, as metafor 3.8.

    Each row stops on its own once ``|Δtau²| <= threshold``; a row still moving after
    ``maxiter`` steps is reported as not converged.

    Notes
    -----
    With w = 1/(v + tau²), residuals r = y - μ̂ and P as in the module notes, the step is
    ML: ``(Σ(wr)² - Σw) / Σw²``; REML: ``(Σ(wr)² - tr P) / tr(PP)`` (Viechtbauer 2005,
    eqs. 9-10); EB: ``(Q k/(k-1) - k) / Σw`` (Morris 1983; Berkey et al. 1995).
    """
    tau2 = start.copy()
    active = np.ones(len(tau2), dtype=bool)
    converged = np.zeros(len(tau2), dtype=bool)
    for _ in range(control.maxiter):
        if not active.any():
            break
        sub = rows.take(active)
        t = tau2[active]
        adj = _scoring_step(sub, method, t) * control.stepadj
        new = t + _halve_below_zero(t, np.where(np.isnan(adj), 0.0, adj))
        done = np.abs(new - t) <= control.threshold
        tau2[active] = new
        idx = np.flatnonzero(active)
        converged[idx[done]] = True
        active[idx[done]] = False
    return tau2, converged


def _halve_below_zero(t: FloatArray, adj: FloatArray) -> FloatArray:
    """metafor's step halving: halve ``adj`` until ``t + adj >= 0``, without the loop.

    Halving is exact, so jumping to one halving short of ``log2(-adj/t)`` and
    finishing one step at a time gives R's numbers; at t = 0 a negative step halves
    away to -0.0 (R gets there after ~1075 halvings).
    """
    low = t + adj < 0
    if not low.any():
        return adj
    ratio = np.where(low & (t > 0), -adj / np.where(t > 0, t, 1.0), 1.0)
    jump = np.maximum(0, np.ceil(np.log2(ratio)) - 1).astype(np.int64)
    adj = np.where(low, np.where(t > 0, np.ldexp(adj, -jump), -0.0), adj)
    while (low := t + adj < 0).any():
        adj = np.where(low, adj / 2, adj)
    return adj


def _scoring_step(rows: Rows, method: str, tau2: FloatArray) -> FloatArray:
    w = rows.weights(tau2)
    sw, mu, q = rows.residual_q(w)
    if method == "EB":
        return (q * rows.k / (rows.k - 1) - rows.k) / sw
    wr = w * (rows.y - mu[:, None])
    ypy = rsum(wr * wr)
    if method == "ML":
        return (ypy - sw) / rsum(w * w)
    return (ypy - tr_p(w, sw)) / p_sums(w, sw, 1.0, 1.0)


def log_likelihood(rows: Rows, tau2: FloatArray, method: str) -> FloatArray:
    """ML or REML log-likelihood of the random-effects model (metafor's ``ll.ML``/``ll.REML``)."""
    w = rows.weights(tau2)
    sw, _, rss = rows.residual_q(w)
    ll: FloatArray = -0.5 * rsum(rows.m * np.log(rows.v + tau2[:, None])) - 0.5 * rss
    if method == "ML":
        return ll - 0.5 * rows.k * LOG_2PI
    return ll - 0.5 * (rows.k - 1) * LOG_2PI - 0.5 * np.log(sw)


def mad(rows: Rows) -> FloatArray:
    """R's ``mad``: 1.4826 × median absolute deviation from the median, per row."""
    y = np.where(rows.m > 0, rows.y, np.nan)
    centre = np.nanmedian(y, axis=1)
    return np.asarray(1.4826 * np.nanmedian(np.abs(y - centre[:, None]), axis=1))


def solve_q(
    rows: Rows, target: FloatArray, lo: FloatArray, hi: FloatArray, control: Control
) -> tuple[FloatArray, BoolArray, BoolArray]:
    """The tau² in ``[lo, hi]`` where the generalised Q(tau²) falls to ``target``, per row.

    Returns tau² (``lo`` where Q(lo) < target already, ``hi`` where Q(hi) > target
    still), whether it lies beyond ``hi``, and whether the search converged; only rows
    with a sign change are searched (``zeroin``).
    """
    f_lo, f_hi = rows.q_at(lo) - target, rows.q_at(hi) - target
    below, beyond = f_lo < 0, f_hi > 0
    tau2 = np.where(below, lo, hi)
    ok = np.ones(len(tau2), dtype=bool)
    search = ~below & ~beyond
    if search.any():
        sub, goal = rows.take(search), target[search]

        def excess(t: FloatArray) -> FloatArray:
            return sub.q_at(t) - goal

        bracket = (lo[search], hi[search], f_lo[search], f_hi[search])
        tau2[search], ok[search] = zeroin(excess, *bracket, control.tol, control.maxiter)
    return tau2, beyond, ok


def tau2_pm(rows: Rows, control: Control) -> tuple[FloatArray, BoolArray]:
    """Paule & Mandel (1982): the tau² at which Q(tau²) = k - 1, as metafor finds it.

    Searched over [0, max(100, 10·mad(y)²)] (or ``control.tau2_max``); 0 when Q(0) is
    already below k - 1; not converged when Q is still above k - 1 at the upper end.
    """
    n = len(rows.k)
    upper = np.maximum(100.0, 10 * mad(rows) ** 2)
    if control.tau2_max is not None:
        upper = np.full(n, float(control.tau2_max))
    tau2, beyond, ok = solve_q(rows, rows.k - 1, np.zeros(n), upper, control)
    return tau2, ok & ~beyond


# -- standard errors ----------------------------------------------------------------


def tau2_se(fe: FixedFit, method: str, tau2: FloatArray) -> FloatArray:
    """Standard error of tau² as metafor reports it (also for a fixed tau²).

    Notes
    -----
    With t = max(0, tau²), P₀ from w = 1/v and ``s = k - 1``:
    DL ``√(2s + 4t trP₀ + 2t² tr(P₀P₀)) / trP₀``; HS the same over ``Σw``; HE
    ``√(2 tr(PV PV) + 4t tr(PV) + 2t²s) / s`` with P = I - J/k; SJ
    ``tau0²/s √(2 tr(PVPV) + 4t tr(PVP) + 2t² tr(PP))`` at w = 1/(v + tau0²);
    ML ``√(2/Σw²)``, REML ``√(2/tr(PP))`` (Fisher information); EB and PM
    ``√(2k²/s) / Σw`` at w = 1/(v + tau²).
    """
    rows = fe.rows
    t = np.maximum(0.0, tau2)
    s = rows.k - 1
    if method in ("DL", "HS"):
        spread = np.sqrt(2 * s + 4 * t * fe.trp + 2 * t * t * fe.trpp)
        return spread / (fe.trp if method == "DL" else fe.sw)
    if method == "HE":
        v = rows.v * rows.m
        sv, sv2 = rsum(v), rsum(v * v)
        pvpv = sv * sv / rows.k**2 + (1 - 2 / rows.k) * sv2
        return np.sqrt(2 * pvpv + 4 * t * sv * (1 - 1 / rows.k) + 2 * t * t * s) / s
    if method == "SJ":
        t0 = sj_start(rows)
        w = rows.weights(t0)
        sw = rsum(w)
        inner = 2 * p_sums(w, sw, rows.v, rows.v) + 4 * t * p_sums(w, sw, 1.0, rows.v)
        return t0 / s * np.sqrt(inner + 2 * t * t * p_sums(w, sw, 1.0, 1.0))
    w = rows.weights(tau2)
    sw = rsum(w)
    if method == "ML":
        return np.sqrt(2 / rsum(w * w))
    if method == "REML":
        return np.sqrt(2 / p_sums(w, sw, 1.0, 1.0))
    return np.sqrt(2 * rows.k**2 / s) / sw


# -- the dispatcher -----------------------------------------------------------------


@dataclass(frozen=True)
class Tau2Estimate:
    """tau² per row with its standard error and whether the estimator converged."""

    tau2: FloatArray
    se: FloatArray
    converged: BoolArray


def estimate_tau2(
    fe: FixedFit, method: str, control: Control, fixed: FloatArray | None = None
) -> Tau2Estimate:
    """tau² for every row by ``method``, or the ``fixed`` values with the method's SE.

    Parameters
    ----------
    fe : FixedFit
        The rows, ``(n, k)``, with their fixed-effect quantities.
    method : {"DL", "HE", "HS", "SJ", "REML", "ML", "PM", "EB"}
    control : Control
    fixed : ndarray, shape (n,), optional
        tau² given per row (metafor's ``tau2=``): no estimation, SE at that value.

    Returns
    -------
    Tau2Estimate
        ``tau2``, ``se`` and ``converged``, each ``(n,)``.  Rows with k < 2 get tau² = 0
        (or the fixed value) and SE NaN, as metafor; rows whose estimator did not
        converge get NaN.  Call under ``np.errstate(divide="ignore", invalid="ignore")``.
    """
    n = len(fe.sw)
    fit = fe.rows.k >= 2
    tau2 = np.zeros(n) if fixed is None else fixed.astype(np.float64, copy=True)
    ok = np.ones(n, dtype=bool)
    if fixed is None and method in CLOSED_FORM:
        tau2 = np.where(fit, np.maximum(0.0, CLOSED[method](fe)), 0.0)
    elif fixed is None and fit.any():
        sub = fe if fit.all() else fe.take(fit)
        est, conv = _iterate(sub, method, control)
        tau2[fit] = np.where(conv, np.maximum(0.0, est), np.nan)
        ok[fit] = conv
    se = np.where(fit, tau2_se(fe, method, tau2), np.nan)
    return Tau2Estimate(tau2, se, ok)


def estimate_tau2_one(
    fe: FixedFit, method: str, control: Control, fixed: float | None = None
) -> tuple[float, float, bool]:
    """``estimate_tau2`` for one analysis given as ``(k,)`` arrays: (tau², SE, converged).

    Closed forms and fixed values stay on the ``(k,)`` arrays (no batch overhead);
    the iterative estimators run the batch kernel on one row.
    """
    k = int(fe.rows.k)
    if k < 2:
        return (0.0 if fixed is None else fixed), math.nan, True
    if fixed is not None:
        tau2, ok = fixed, True
    elif method in CLOSED_FORM:
        tau2, ok = max(0.0, float(CLOSED[method](fe))), True
    else:
        one = Rows(fe.rows.y[None, :], fe.rows.v[None, :], fe.rows.m[None, :], np.array([k]))
        row = FixedFit(one, fe.w[None, :], *(np.atleast_1d(x) for x in (fe.sw, fe.sw2, fe.q)))
        est, conv = _iterate(row, method, control)
        tau2, ok = max(0.0, float(est[0])), bool(conv[0])
    return tau2, float(tau2_se(fe, method, np.array(tau2))), ok


def _iterate(fe: FixedFit, method: str, control: Control) -> tuple[FloatArray, BoolArray]:
    rows = fe.rows
    if method == "PM":
        return tau2_pm(rows, control)
    if control.tau2_init is not None:
        start = np.full(len(rows.k), float(control.tau2_init))
    else:
        start = np.maximum(0.0, tau2_he(fe))
    tau2, conv = fisher_scoring(rows, method, start, control)
    if method in ("ML", "REML") and control.ll0check:
        zero = np.zeros(len(tau2))
        gain = log_likelihood(rows, zero, method) - log_likelihood(rows, tau2, method)
        tau2 = np.where(conv & (gain > control.tol) & (tau2 > control.threshold), 0.0, tau2)
    return tau2, conv
