"""Inverse-variance meta-analysis, fixed and random effects: metafor's ``rma`` (rma.uni).

``rma`` fits one analysis (a ``(k,)`` input or an ``EffectSizes``, giving a
``MetaResult``) or many at once (``(n, k)`` input padded with NaN, giving a
``BatchResult``).  Batches run the vectorised kernel ``pool``; a single analysis
runs the same tau² kernels on ``(k,)`` arrays and summarises in plain floats
(``_summarise_one``), which keeps one call well under a tenth of a millisecond.
"""

from __future__ import annotations

import functools
import math
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray
from scipy import special

from ..errors import ConvergenceError, DataError, InsufficientData
from ._effects import EffectSizes
from ._results import BatchResult, FloatArray, MetaResult
from ._roots import EPS
from ._tau2 import (
    TAU2_METHODS,
    Control,
    FixedFit,
    Rows,
    Tau2Estimate,
    estimate_tau2,
    estimate_tau2_one,
    rsum,
)
from ._validate import as_float_array, check_level, check_same_length, study_labels

METHODS = ("FE", *TAU2_METHODS)
TESTS = ("z", "knha")
_BATCH_FIELDS = ("k", "estimate", "se", "ci_lb", "ci_ub", "stat", "stat_df", "p", "tau2",
                 "tau2_se", "I2", "H2", "Q", "Q_df", "Q_p", "pi_lb", "pi_ub", "pi_higgins_lb",
                 "pi_higgins_ub", "converged")  # fmt: skip


def pool(
    rows: Rows,
    method: str,
    *,
    test: str = "z",
    level: float = 95.0,
    control: Control | None = None,
    tau2: FloatArray | None = None,
) -> dict[str, Any]:
    """Fit ``method`` to every row of ``rows`` (``(n, k)``): the vectorised core of ``rma``.

    Returns the ``BatchResult`` fields as ``(n,)`` arrays, plus ``tau2_se`` and the
    per-study ``weights`` in percent (``(n, k)``).  ``tau2`` fixes tau² per row.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        fe = FixedFit.of(rows)
        if method == "FE":
            n = len(rows.k)
            est = Tau2Estimate(np.zeros(n), np.full(n, np.nan), np.ones(n, dtype=bool))
        else:
            est = estimate_tau2(fe, method, control or Control(), fixed=tau2)
        return summarise(rows, fe, est, method, test, level)


def summarise(
    rows: Rows, fe: FixedFit, est: Tau2Estimate, method: str, test: str, level: float
) -> dict[str, Any]:
    """Pooled estimate, tests, heterogeneity and intervals for every row, given tau².

    Call under ``np.errstate(divide="ignore", invalid="ignore")``.

    Notes
    -----
    With w = 1/(v + tau²): θ̂ = Σwy/Σw, Var(θ̂) = 1/Σw (DerSimonian & Laird 1986).
    ``test="knha"`` multiplies the variance by q = Σw(y - θ̂)²/(k - 1) (not truncated
    at 1; 0 when the residual sum is below machine epsilon) and uses t with k - 1 df
    (Knapp & Hartung 2003, eq. 6; Hartung & Knapp 2001).  Q = Σw₀(y - θ̂₀)² with
    w₀ = 1/v (Cochran 1954).  Fixed effect: I² = max(0, (Q - df)/Q), H² = Q/df;
    random effects: I² = tau²/(tau² + s²), H² = (tau² + s²)/s² with the typical
    within-study variance s² = (k - 1)/(Σw₀ - Σw₀²/Σw₀) (Higgins & Thompson 2002,
    eqs. 9 and 5).  Prediction interval θ̂ ± c √(tau² + SE²) with c = z or t(k-1)
    under knha (metafor 3.8 ``predict``), none for a fixed-effect model; Higgins,
    Thompson & Spiegelhalter (2009, eq. 12) use t(k-2), for k ≥ 3.  Rows with k = 1
    have Q = 0, Q_p = 1, I² = 0, H² = 1 and a z test; rows with k = 0 are NaN.
    """
    k = rows.k
    w = rows.weights(est.tau2)
    sw, theta, rss = rows.residual_q(w)
    sw = np.where(k > 0, sw, np.nan)
    use_t = (k >= 2) & (test == "knha")
    vb = np.where(use_t, np.where(rss <= EPS, 0.0, rss / (k - 1)), 1.0) / sw
    se = np.sqrt(vb)
    stat = theta / se
    df = np.where(use_t, k - 1, np.nan)
    half = (1 + level / 100) / 2
    p = 2 * special.ndtr(-np.abs(stat))
    crit = np.full(stat.shape, special.ndtri(half))
    if use_t.any():  # t quantiles cost; compute them only where they are used
        p = np.where(use_t, 2 * special.stdtr(df, -np.abs(stat)), p)
        crit = np.where(use_t, _t_quantile(k - 1, half), crit)
    spread = np.sqrt(vb + est.tau2)
    pi_half = np.nan if method == "FE" else crit * spread
    higgins = np.where(k >= 3, _t_quantile(k - 2, half), np.nan) * spread
    q = np.maximum(0.0, fe.q)
    if method == "FE":
        i2, h2 = np.maximum(0.0, 100 * (q - (k - 1)) / q), q / (k - 1)
    else:
        typical = (k - 1) / fe.trp
        i2, h2 = 100 * est.tau2 / (typical + est.tau2), est.tau2 / typical + 1
    one = k == 1
    return {
        "k": k.astype(np.int64),
        "estimate": theta,
        "se": se,
        "ci_lb": theta - crit * se,
        "ci_ub": theta + crit * se,
        "stat": stat,
        "stat_df": df,
        "p": p,
        "tau2": np.where(k == 0, np.nan, est.tau2),
        "tau2_se": est.se,
        "I2": np.where(one, 0.0, i2),
        "H2": np.where(one, 1.0, h2),
        "Q": np.where(one, 0.0, q),
        "Q_df": np.maximum(k - 1, 0).astype(np.int64),
        "Q_p": np.where(one, 1.0, special.chdtrc(k - 1, q)),
        "pi_lb": theta - pi_half,
        "pi_ub": theta + pi_half,
        "pi_higgins_lb": theta - higgins,
        "pi_higgins_ub": theta + higgins,
        "converged": est.converged,
        "weights": 100 * w / sw[..., None],
    }


def _t_quantile(df: NDArray[Any], half: float) -> FloatArray:
    """t quantiles for integer degrees of freedom, computed once per distinct df
    (a batch has few distinct k); df < 1 gives NaN."""
    values, index = np.unique(df, return_inverse=True)
    with np.errstate(invalid="ignore"):
        quantiles = np.where(values >= 1, special.stdtrit(np.maximum(values, 1), half), np.nan)
    result: FloatArray = quantiles[index.reshape(np.shape(df))]
    return result


# -- the public function --------------------------------------------------------------


@overload
def rma(
    yi: EffectSizes,
    vi: None = None,
    *,
    sei: None = None,
    method: str = ...,
    test: str = ...,
    level: float = ...,
    tau2: float | None = ...,
    measure: str = ...,
    study: Any = ...,
    control: dict[str, Any] | None = ...,
) -> MetaResult: ...
@overload
def rma(
    yi: Any,
    vi: Any = None,
    *,
    sei: Any = None,
    method: str = ...,
    test: str = ...,
    level: float = ...,
    tau2: Any = ...,
    measure: str = ...,
    study: Any = ...,
    control: dict[str, Any] | None = ...,
) -> MetaResult | BatchResult: ...


def rma(
    yi: Any,
    vi: Any = None,
    *,
    sei: Any = None,
    method: str = "REML",
    test: str = "z",
    level: float = 95.0,
    tau2: Any = None,
    measure: str = "GEN",
    study: Any = None,
    control: dict[str, Any] | None = None,
) -> MetaResult | BatchResult:
    """Fixed- or random-effects meta-analysis by inverse variance (metafor's ``rma``).

    Parameters
    ----------
    yi : EffectSizes or array_like, shape (k,) or (n, k)
        Effect sizes.  An ``EffectSizes`` brings ``vi``, ``measure`` and ``study``; its
        NaN (not estimable) studies are left out of the fit and kept as NaN, weight NaN.
        A ``(k,)`` array must be complete.  An ``(n, k)`` array is ``n`` analyses, NaN
        marking absent studies; a row without studies gives NaN, not an error.
    vi, sei : array_like, same shape as ``yi``
        Sampling variances, or standard errors (``vi = sei²``); give one.
    method : {"REML", "FE", "DL", "ML", "PM", "SJ", "HE", "EB", "HS"}
        "FE" is the inverse-variance fixed-effect model; the others estimate tau²
        (see ``_tau2``: DerSimonian & Laird 1986; Viechtbauer 2005; Paule & Mandel
        1982; Sidik & Jonkman 2005; Hedges 1983; Morris 1983; Hunter & Schmidt 2004).
    test : {"z", "knha"}
        Wald z, or Knapp & Hartung (2003) t with k - 1 df.  With k = 1 the z test is
        used (as metafor; ``settings["test_requested"]`` keeps the request).
    level : float
        Confidence level in percent, 1 < level < 100.
    tau2 : float or array_like (n,), optional
        A fixed tau² (random-effects model with this tau², as metafor's ``tau2=``);
        not with ``method="FE"``.  ``tau2_se`` is then the method's SE at that value.
    measure : str
        Label of the effect measure for ``yi`` arrays ("GEN" by default).
    study : sequence of str, optional
        Study labels for a ``(k,)`` input.
    control : dict, optional
        metafor's control settings: ``threshold`` (1e-5), ``tol`` (eps^0.25),
        ``maxiter`` (100), ``stepadj``, ``tau2_init``, ``tau2_max``, ``ll0check``.

    Returns
    -------
    MetaResult
        For an ``EffectSizes`` or ``(k,)`` input.  k = 1 works: tau² = 0 (unless
        fixed), Q = 0 with 0 df, Q_p = 1, I² = 0, H² = 1, no t(k-2) interval.
    BatchResult
        For ``(n, k)`` input; ``converged`` is False (and the row NaN) where an
        iterative estimator did not converge.

    Raises
    ------
    DataError
        Unknown method or test, NaN/infinite input in a ``(k,)`` array, a
        non-positive variance, mismatched lengths (naming the argument and study).
    InsufficientData
        No estimable study in a single analysis (k = 0).
    ConvergenceError
        A single analysis whose iterative tau² estimator did not converge.

    References
    ----------
    Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat
    Softw 2010;36(3):1-48.  Knapp G, Hartung J. Improved tests for a random effects
    meta-regression with a single covariate. Stat Med 2003;22:2693-710.  Higgins JPT,
    Thompson SG, Spiegelhalter DJ. A re-evaluation of random-effects meta-analysis.
    J R Stat Soc A 2009;172:137-59.
    """
    if method not in METHODS:
        raise DataError(f"method={method!r} is not one of: {', '.join(METHODS)}")
    if test not in TESTS:
        raise DataError(f"test={test!r} is not one of: z, knha")
    level = check_level(level)
    if tau2 is not None and method == "FE":
        raise DataError("tau2= fixes a random-effects variance; it cannot go with method='FE'")
    con = Control.from_mapping(control)
    settings = {"method": method, "test": test, "level": float(level), "control": con.to_dict()}
    if isinstance(yi, EffectSizes):
        if vi is not None or sei is not None:
            raise DataError("give vi/sei only with yi values, not with EffectSizes")
        y = as_float_array(yi.yi, "yi", allow_nan=True)
        v = as_float_array(yi.vi, "vi", allow_nan=True)
        settings["escalc"] = dict(yi.settings)
        return fit_single(y, v, yi.measure, yi.study, con, tau2, settings)
    if (vi is None) == (sei is None):
        raise DataError("give the sampling variances vi or the standard errors sei (one)")
    if np.ndim(yi) == 2:
        v2 = np.asarray(vi if sei is None else sei, dtype=np.float64)
        return fit_batch(yi, v2 if sei is None else v2 * v2, measure, con, tau2, settings)
    y = as_float_array(yi, "yi")
    v = as_float_array(vi, "vi") if sei is None else as_float_array(sei, "sei") ** 2
    check_same_length(yi=y, vi=v)
    return fit_single(y, v, measure, study_labels(study, len(y)), con, tau2, settings)


def _fixed_tau2(tau2: Any, n: int) -> FloatArray | None:
    if tau2 is None:
        return None
    try:
        values = np.broadcast_to(np.asarray(tau2, dtype=np.float64), (n,))
    except (TypeError, ValueError):
        raise DataError(f"tau2 must be a number (or one per analysis), got {tau2!r}") from None
    if not (np.isfinite(values) & (values >= 0)).all():
        raise DataError(f"tau2 must be finite and >= 0, got {tau2!r}")
    return values


def fit_single(
    yi: FloatArray,
    vi: FloatArray,
    measure: str,
    study: tuple[str, ...] | None,
    control: Control,
    tau2: Any,
    settings: dict[str, Any],
) -> MetaResult:
    """One analysis; NaN studies (not estimable) are left out of the fit."""
    if len(yi) != len(vi):
        check_same_length(yi=yi, vi=vi)
    if not ((vi > 0) | np.isnan(vi)).all():
        j = int(np.flatnonzero(~((vi > 0) | np.isnan(vi)))[0])
        raise DataError(f"vi must be a positive variance; study {j + 1} has {vi[j]:g}")
    method = settings["method"]
    missing = np.isnan(yi) | np.isnan(vi)
    some_missing = bool(missing.any())
    y, v = (yi[~missing], vi[~missing]) if some_missing else (yi, vi)
    k = len(y)
    if k == 0:
        raise InsufficientData("no estimable study to pool (k = 0)")
    fixed_rows = _fixed_tau2(tau2, 1)
    fixed = None if fixed_rows is None else float(fixed_rows[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        fe = FixedFit.of(Rows(y, v, np.ones(k), np.array(float(k))))
        t2, t2_se, ok = 0.0, math.nan, True
        if method != "FE":
            t2, t2_se, ok = estimate_tau2_one(fe, method, control, fixed)
    if not ok:
        raise ConvergenceError(
            f"the {method} estimator of tau² did not converge "
            f"(maxiter={control.maxiter}, threshold={control.threshold:g})"
        )
    fit = _summarise_one(y, v, fe, t2, method, settings["test"], settings["level"])
    test = "knha" if settings["test"] == "knha" and k >= 2 else "z"
    if test != settings["test"]:
        settings["test_requested"] = settings["test"]
    settings |= {"test": test, "tau2": t2, "tau2_fixed": fixed is not None}
    weights = fit.pop("weights")
    if some_missing:
        weights, present = np.full(len(yi), np.nan), weights
        weights[~missing] = present
    return MetaResult(
        measure=measure,
        method=method,
        model="fixed" if method == "FE" else "random",
        test=test,
        level=settings["level"],
        k=k,
        stat_dist="t" if test == "knha" else "z",
        stat_df=float(k - 1) if test == "knha" else None,
        tau2=t2,
        tau2_se=None if math.isnan(t2_se) else t2_se,
        Q_df=k - 1,
        yi=yi,
        vi=vi,
        weights=weights,
        study=study,
        settings=settings,
        **fit,
    )


def _summarise_one(
    y: FloatArray, v: FloatArray, fe: FixedFit, tau2: float, method: str, test: str, level: float
) -> dict[str, Any]:
    """``summarise`` for one analysis in plain floats; tests hold the two to the same numbers."""
    k = len(y)
    w = 1.0 / (v + tau2)
    sw = float(rsum(w))
    theta = float(rsum(w * y)) / sw
    half = (1 + level / 100) / 2
    use_t = test == "knha" and k >= 2
    vb, crit = 1.0 / sw, _critical(0, half)
    if use_t:
        r = y - theta
        rss = float(rsum(w * r * r))
        vb, crit = (0.0 if rss <= EPS else rss / (k - 1)) / sw, _critical(k - 1, half)
    se = math.sqrt(vb)
    stat = theta / se if se > 0 else (math.copysign(math.inf, theta) if theta else math.nan)
    tail = special.stdtr(k - 1, -abs(stat)) if use_t else special.ndtr(-abs(stat))
    spread = math.sqrt(vb + tau2)
    pi = math.nan if method == "FE" else crit * spread
    higgins = _critical(k - 2, half) * spread if k >= 3 else math.nan
    q = max(0.0, float(fe.q))
    if k == 1:
        q, i2, h2 = 0.0, 0.0, 1.0
    elif method == "FE":
        i2, h2 = (max(0.0, 100 * (q - (k - 1)) / q) if q > 0 else 0.0), q / (k - 1)
    else:
        typical = (k - 1) / float(fe.trp)
        i2, h2 = 100 * tau2 / (typical + tau2), tau2 / typical + 1
    optional = {"pi_lb": theta - pi, "pi_ub": theta + pi,
                "pi_higgins_lb": theta - higgins, "pi_higgins_ub": theta + higgins}  # fmt: skip
    return {
        "estimate": theta,
        "se": se,
        "ci_lb": theta - crit * se,
        "ci_ub": theta + crit * se,
        "stat": stat,
        "p": 2 * float(tail),
        "I2": i2,
        "H2": h2,
        "Q": q,
        "Q_p": 1.0 if k == 1 else float(special.chdtrc(k - 1, q)),
        **{key: None if math.isnan(value) else value for key, value in optional.items()},
        "weights": 100 * w / sw,
    }


@functools.lru_cache(maxsize=256)
def _critical(df: int, half: float) -> float:
    """The ``half`` quantile of t with ``df`` degrees of freedom (df 0: the normal)."""
    return float(special.stdtrit(df, half) if df > 0 else special.ndtri(half))


def fit_batch(
    yi: Any, vi: Any, measure: str, control: Control, tau2: Any, settings: dict[str, Any]
) -> BatchResult:
    """Many analyses: ``yi``, ``vi`` of shape (n, k), NaN where a study is absent.

    A study is absent when either value is NaN (as metafor drops it); infinite values
    and non-positive variances are errors naming the analysis and study (1-based).
    """
    y, v = np.asarray(yi, dtype=np.float64), np.asarray(vi, dtype=np.float64)
    if v.shape != y.shape:
        raise DataError(f"yi has shape {y.shape} but vi/sei has shape {v.shape}")
    for name, bad in (("yi", np.isinf(y)), ("vi", np.isinf(v) | (v <= 0))):
        if bad.any():
            row, col = (int(i[0]) for i in np.nonzero(bad))
            raise DataError(
                f"{name} must be finite (vi positive); analysis {row + 1}, study {col + 1} "
                f"has {(y if name == 'yi' else v)[row, col]:g}"
            )
    rows = Rows.from_padded(y, v)
    fixed = _fixed_tau2(tau2, len(rows.k))
    fit = pool(rows, settings["method"], test=settings["test"], level=settings["level"],
               control=control, tau2=fixed)  # fmt: skip
    settings["tau2"] = None if fixed is None else fixed.tolist()
    settings["tau2_fixed"] = fixed is not None
    return BatchResult(
        measure=measure,
        method=settings["method"],
        test=settings["test"],
        level=settings["level"],
        settings=settings,
        **{name: fit[name] for name in _BATCH_FIELDS},
    )
