"""Generic inverse variance (GEN): estimates with their variances, and the helpers
that recover a standard error from what papers report (a confidence interval, a
p-value, a log-rank O - E and V).

Ratio measures (OR, RR, HR) are analysed on the log scale: give ``log=True`` and
the published ratio and limits; what comes back is on the log scale.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from scipy import stats

from ..errors import DataError
from ._results import FloatArray
from ._validate import as_float_array, check_same_length


def generic_effects(yi: Any, *, vi: Any = None, sei: Any = None) -> tuple[FloatArray, FloatArray]:
    r"""Estimates and sampling variances for generic inverse-variance pooling.

    Parameters
    ----------
    yi : array_like, shape (k,)
        Estimates on the analysis scale (log scale for ratio measures).
    vi : array_like, shape (k,), optional
        Sampling variances, each > 0.
    sei : array_like, shape (k,), optional
        Standard errors, each > 0.  Give exactly one of ``vi`` and ``sei``.

    Returns
    -------
    yi, vi : ndarray, shape (k,)
        The estimates and their variances (``sei**2`` when standard errors are given).

    Raises
    ------
    DataError
        Both or neither of ``vi``/``sei``; a value that is missing or not finite; a
        variance or standard error that is not positive; lengths that differ.

    Notes
    -----
    Each study is weighted by :math:`1/v_i` (plus :math:`\tau^2` under random
    effects), so a zero variance would give one study all the weight: it is refused.

    References
    ----------
    Deeks JJ, Higgins JPT, Altman DG (editors). Chapter 10: Analysing data and
    undertaking meta-analyses. Cochrane Handbook for Systematic Reviews of
    Interventions, version 6.4, 2023; section 10.3 (generic inverse-variance method).
    """
    if (vi is None) == (sei is None):
        raise DataError("give exactly one of vi (variances) and sei (standard errors) with yi")
    y = as_float_array(yi, "yi")
    name, spread = ("vi", vi) if vi is not None else ("sei", sei)
    s = as_float_array(spread, name)
    check_same_length(yi=y, **{name: s})
    _require_positive(name, s)
    return y.copy(), (s.copy() if name == "vi" else s**2)


def se_from_ci(lower: Any, upper: Any, *, level: float = 95, log: bool = False) -> FloatArray:
    r"""Standard error from a symmetric (Wald) confidence interval.

    Parameters
    ----------
    lower, upper : array_like, shape (k,)
        Confidence limits; for ``log=True`` the limits of a ratio (each > 0).
    level : float, default 95
        Confidence level in percent, 0 < level < 100 (95, not 0.95).
    log : bool, default False
        Work on ``log(lower)``, ``log(upper)``: for OR, RR, HR, whose intervals are
        symmetric on the log scale.  The result is then the SE of the log ratio.

    Returns
    -------
    ndarray, shape (k,)
        :math:`(u - l) / (2 z_{1-\alpha/2})`.

    Raises
    ------
    DataError
        ``level`` out of range; limits not finite, of different lengths, not
        ordered (``lower < upper``), or not positive with ``log=True``.

    Notes
    -----
    :math:`SE = (u - l) / (2 z_{1-\alpha/2})` with :math:`z_{0.975} = 1.959964`
    for 95% (the Handbook rounds it to 1.96, i.e. divides by 3.92).  metadat's
    ``dat.hackshaw1998`` variances were computed this way, with the exact quantile.
    For small trials where the interval came from a t distribution, the SE is
    slightly overstated; use ``sd_from_ci`` for the CI of a single group mean.

    References
    ----------
    Higgins JPT, Li T, Deeks JJ (editors). Chapter 6: Choosing effect measures and
    computing estimates of effect. Cochrane Handbook for Systematic Reviews of
    Interventions, version 6.4, 2023; sections 6.3.1 (differences) and 6.3.2
    (ratios, on the log scale).
    """
    lo, hi = ci_limits(lower, upper, log=log)
    return (hi - lo) / (2 * normal_quantile(level))


def yi_from_ci(estimate: Any, lower: Any, upper: Any, *, log: bool = False) -> FloatArray:
    """The estimate on the analysis scale, checked against its confidence interval.

    Parameters
    ----------
    estimate : array_like, shape (k,), or None
        Published point estimates (a ratio for ``log=True``).  ``None``: use the
        midpoint of the interval (on the log scale for ``log=True``), for studies
        that report only an interval.
    lower, upper : array_like, shape (k,)
        Confidence limits.
    log : bool, default False
        Return ``log(estimate)``; for ratio measures.

    Returns
    -------
    ndarray, shape (k,)
        ``estimate`` (or its log), or the interval's midpoint.

    Raises
    ------
    DataError
        Limits not ordered, or not positive with ``log=True``; an estimate outside
        its interval (a transcription error, usually); lengths that differ.

    Notes
    -----
    Published estimates are rounded, so the log of a published ratio and the
    midpoint of its log interval differ in the second or third decimal; the
    published estimate is preferred (as metadat does for ``dat.hackshaw1998``).

    References
    ----------
    Higgins JPT, Li T, Deeks JJ (editors). Cochrane Handbook for Systematic Reviews
    of Interventions, version 6.4, 2023; section 6.3.2.
    """
    lo, hi = ci_limits(lower, upper, log=log)
    if estimate is None:
        return (lo + hi) / 2
    value = as_float_array(estimate, "estimate")
    check_same_length(estimate=value, lower=lo)
    if log:
        _require_positive("estimate", value)
        value = np.log(value)
    outside = np.flatnonzero((value < lo) | (value > hi))
    if outside.size:
        i = outside[0]
        raise DataError(f"estimate lies outside its confidence interval in study {i + 1}")
    return value


def se_from_p(
    estimate: Any,
    p: Any,
    *,
    test: Literal["z", "t"] = "z",
    df: Any = None,
    log: bool = False,
) -> FloatArray:
    r"""Standard error from an estimate and its two-sided p-value.

    Parameters
    ----------
    estimate : array_like, shape (k,)
        Point estimates, each non-zero (a ratio, not 1, for ``log=True``).
    p : array_like, shape (k,)
        Exact two-sided p-values, 0 < p < 1.  "p < 0.05" is not a p-value.
    test : {"z", "t"}, default "z"
        The test that produced ``p``.
    df : array_like, shape (k,) or scalar, optional
        Degrees of freedom for ``test="t"`` (e.g. n1 + n2 - 2), each > 0.
    log : bool, default False
        The estimate is a ratio; the SE returned is that of its log.

    Returns
    -------
    ndarray, shape (k,)
        :math:`|y| / q_{1-p/2}`.

    Raises
    ------
    DataError
        p outside (0, 1); a zero estimate (its SE is not determined by p); ``test``
        unknown; ``df`` missing for a t-test or not positive; lengths that differ.

    Notes
    -----
    The test statistic is :math:`y/SE`, so :math:`SE = |y| / q`, with
    :math:`q = \Phi^{-1}(1 - p/2)` for a z-test and :math:`t_{df}^{-1}(1 - p/2)`
    for a t-test (Altman & Bland 2011; Handbook 6.3.1, 6.3.2).  Rounded p-values
    make this imprecise, most of all for p near 1.

    References
    ----------
    Altman DG, Bland JM. How to obtain the confidence interval from a P value. BMJ
    2011;343:d2090.
    Higgins JPT, Li T, Deeks JJ (editors). Cochrane Handbook for Systematic Reviews
    of Interventions, version 6.4, 2023; sections 6.3.1, 6.3.2.
    """
    y = as_float_array(estimate, "estimate")
    prob = as_float_array(p, "p")
    check_same_length(estimate=y, p=prob)
    bad = np.flatnonzero((prob <= 0) | (prob >= 1))
    if bad.size:
        raise DataError(f"p must be in (0, 1) in study {bad[0] + 1}: {prob[bad[0]]:g}")
    if log:
        _require_positive("estimate", y)
        y = np.log(y)
    zero = np.flatnonzero(y == 0)
    if zero.size:
        raise DataError(
            f"estimate is {'1' if log else '0'} (no effect) in study {zero[0] + 1}: "
            "a p-value cannot give its standard error"
        )
    if test == "z":
        quantile = stats.norm.isf(prob / 2)
    elif test == "t":
        if df is None:
            raise DataError('test="t" needs df (degrees of freedom)')
        dof = as_float_array(df, "df")
        if dof.size == 1:
            dof = np.full_like(y, dof[0])
        check_same_length(estimate=y, df=dof)
        _require_positive("df", dof)
        quantile = stats.t.isf(prob / 2, dof)
    else:
        raise DataError(f'test={test!r} is not one of: "z", "t"')
    result: FloatArray = np.abs(y) / quantile
    return result


def log_hr_from_oe(o_minus_e: Any, v: Any) -> tuple[FloatArray, FloatArray]:
    r"""Log hazard ratio and its variance from a log-rank O - E and its variance V.

    Parameters
    ----------
    o_minus_e : array_like, shape (k,)
        Observed minus expected events in the intervention group (log-rank).
    v : array_like, shape (k,)
        Variance of O - E (hypergeometric), each > 0.

    Returns
    -------
    yi : ndarray, shape (k,)
        :math:`(O - E)/V`, the Peto (one-step) log hazard ratio.
    vi : ndarray, shape (k,)
        :math:`1/V`.

    Raises
    ------
    DataError
        V not positive (a trial with no events carries no information); values
        not finite; lengths that differ.

    Notes
    -----
    :math:`\log HR = (O - E)/V`, :math:`\mathrm{var} = 1/V` (Yusuf et al. 1985;
    Parmar et al. 1998; Tierney et al. 2007).  The same one-step
    formula, applied to a 2×2 table's hypergeometric O - E and V, is Peto's log
    odds ratio.

    References
    ----------
    Yusuf S, Peto R, Lewis J, Collins R, Sleight P. Beta blockade during and after
    myocardial infarction: an overview of the randomized trials. Prog Cardiovasc
    Dis 1985;27(5):335-371.
    Parmar MKB, Torri V, Stewart L. Extracting summary statistics to perform
    meta-analyses of the published literature for survival endpoints. Stat Med
    1998;17(24):2815-2834.
    Tierney JF, Stewart LA, Ghersi D, Burdett S, Sydes MR. Practical methods for
    incorporating summary time-to-event data into meta-analysis. Trials 2007;8:16.
    """
    oe = as_float_array(o_minus_e, "o_minus_e")
    variance = as_float_array(v, "v")
    check_same_length(o_minus_e=oe, v=variance)
    _require_positive("v", variance)
    return oe / variance, 1 / variance


def ci_limits(lower: Any, upper: Any, *, log: bool) -> tuple[FloatArray, FloatArray]:
    """Checked confidence limits, logged for ratio measures."""
    lo, hi = as_float_array(lower, "lower"), as_float_array(upper, "upper")
    check_same_length(lower=lo, upper=hi)
    if log:
        _require_positive("lower", lo)
        _require_positive("upper", hi)
        lo, hi = np.log(lo), np.log(hi)
    unordered = np.flatnonzero(lo >= hi)
    if unordered.size:
        raise DataError(f"lower is not below upper in study {unordered[0] + 1}")
    return lo, hi


def normal_quantile(level: float) -> float:
    """The two-sided normal quantile for a confidence level in percent."""
    if not 1 < level < 100:
        raise DataError(f"level is a percentage between 1 and 100 (e.g. 95), got {level!r}")
    return float(stats.norm.isf((1 - level / 100) / 2))


def _require_positive(name: str, values: FloatArray) -> None:
    bad = np.flatnonzero(values <= 0)
    if bad.size:
        raise DataError(f"{name} is not positive in study {bad[0] + 1}: {values[bad[0]]:g}")
