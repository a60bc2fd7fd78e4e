"""Mantel-Haenszel pooling of 2×2 tables (metafor's ``rma.mh``) and RevMan 5's variants.

``rma_mh`` is metafor's exact Mantel-Haenszel method by default: the pooled estimate
uses the raw counts, and 0.5 enters only the per-study estimates that are shown and
used for Cochran's Q.  ``correction="cells"`` and ``correction="revman5"`` add 0.5 to
zero-cell tables inside the MH estimator as well (RevMan 5, Stata ``metan``, R meta's
``MH.exact=FALSE``).  ``revman5_mh_random`` is RevMan 5's "M-H, random effects":
DerSimonian-Laird with tau² from the MH-centred Q, pooled by inverse variance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import stats as st

from ..errors import DataError, InsufficientData
from ._effects import EffectSizes, Table2x2, To, binary_effects, table2x2
from ._results import FloatArray, MetaResult
from ._validate import check_level, study_labels

MHMeasure = Literal["OR", "RR", "RD"]
Correction = Literal["none", "cells", "revman5"]
RDVariance = Literal["sgr", "gr"]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class _Pooled:
    """A pooled MH estimate (log scale for OR/RR), its variance and per-table weights."""

    estimate: float
    variance: float
    weights: FloatArray


def rma_mh(
    *,
    ai: Any,
    ci: Any,
    bi: Any = None,
    di: Any = None,
    n1i: Any = None,
    n2i: Any = None,
    measure: MHMeasure = "OR",
    correction: Correction = "none",
    add: float = 0.5,
    to: To = "only0",
    drop00: bool | None = None,
    rd_variance: RDVariance | None = None,
    level: float = 95.0,
    study: Sequence[str] | None = None,
) -> MetaResult:
    """Fixed-effect Mantel-Haenszel meta-analysis of 2×2 tables.

    Parameters
    ----------
    ai, ci : array_like, shape (k,)
        Events in the intervention (1) and control (2) arms.
    bi, di : array_like, shape (k,), optional
        Non-events; give these or the group sizes ``n1i``, ``n2i``.
    n1i, n2i : array_like, shape (k,), optional
        Group sizes.
    measure : {"OR", "RR", "RD"}
        Odds ratio and risk ratio are pooled on the log scale.
    correction : {"none", "cells", "revman5"}
        ``"none"``: exact MH on the raw counts (metafor ``rma.mh`` default).
        ``"cells"``: ``add`` is added to the cells of the tables ``to`` names before
        the MH estimator (metafor ``add=c(1/2, 1/2)``).  ``"revman5"``: as ``"cells"``
        for OR and RR; for RD the raw risk differences are pooled with MH weights
        and variance from the corrected tables (RevMan 5 as emulated by R meta with
        ``MH.exact=FALSE``).
    add, to
        Continuity correction for the per-study estimates (and, unless
        ``correction="none"``, for the MH tables); see ``escalc``.
    drop00 : bool, optional
        Leave out double-zero studies (no events, or only events, in both arms).
        They never change an MH odds or risk ratio on raw counts; they are dropped
        from the per-study estimates and, when the correction enters the MH
        estimator, from the tables pooled.  Default: True, except for RD with a
        correction inside MH (RevMan keeps double-zero studies for RD).
    rd_variance : {"sgr", "gr"}, optional
        Variance of the MH risk difference: Sato, Greenland & Robins (1989)
        (metafor) or Greenland & Robins (1985) (RevMan).  Default: ``"gr"`` for
        ``correction="revman5"``, else ``"sgr"``.
    level : float
        Confidence level in percent.
    study : sequence of str, shape (k,), optional
        Study labels.

    Returns
    -------
    MetaResult
        ``model="fixed"``, ``method="MH"``.  ``k`` counts the tables pooled;
        ``yi``/``vi`` are the corrected per-study estimates (NaN where dropped),
        ``weights`` the MH weights in percent (NaN for tables not pooled).
        ``extra`` holds ``k_tables``, ``k_yi``, ``cmh_stat``/``cmh_p`` (OR) and
        ``tarone_stat``/``tarone_p`` (OR); None where not applicable.

    Raises
    ------
    DataError
        Inconsistent or impossible counts (names the argument and study), unknown
        options.
    InsufficientData
        No table left to pool, or the MH estimate is not defined (e.g. no events in
        one arm of every study for OR/RR), or its variance is zero.

    Notes
    -----
    With cells ``a, b, c, d``, ``n1 = a + b``, ``n2 = c + d``, ``N = n1 + n2``:

    * OR: ``R_i = a d / N``, ``S_i = b c / N``, ``OR = ΣR/ΣS``; with
      ``P_i = (a + d)/N``, ``Q_i = (b + c)/N``,
      ``Var(log OR) = ½ [ΣPR/(ΣR)² + Σ(PS + QR)/(ΣR ΣS) + ΣQS/(ΣS)²]``
      (Robins, Breslow & Greenland 1986).  Weights ``S_i``.
    * RR: ``R_i = a n2/N``, ``S_i = c n1/N``, ``RR = ΣR/ΣS``,
      ``Var(log RR) = Σ(n1 n2 (a + c)/N² - a c/N) / (ΣR ΣS)`` (Greenland &
      Robins 1985).  Weights ``S_i``.
    * RD: ``w_i = n1 n2/N``, ``RD = Σ w_i (a/n1 - c/n2) / Σ w_i``.  Greenland-Robins:
      ``Var = Σ(a b n2³ + c d n1³)/(n1 n2 N²) / (Σw)²``; Sato-Greenland-Robins:
      ``Var = [RD Σ(c n1² - a n2² + n1 n2 (n2 - n1)/2)/N² + Σ(a (n2 - c) + c (n1 - a))/(2N)]
      / (Σw)²``.

    Heterogeneity: ``Q = Σ (y_i - θ_MH)²/v_i`` over the ``k_yi`` estimable per-study
    estimates, ``df = k_yi - 1``, ``I² = max(0, (Q - df)/Q)``, ``H² = Q/df``.  For OR,
    the Cochran-Mantel-Haenszel test is
    ``(|Σ(a - n1 m1/N)| - ½)² / Σ n1 n2 m1 m0/(N²(N - 1))`` (``m1 = a + c``,
    ``m0 = b + d``; 1 df) and Tarone's test is the Breslow-Day statistic minus
    Tarone's correction, over tables with positive fitted counts (df = that number - 1).

    References
    ----------
    Mantel N, Haenszel W. J Natl Cancer Inst 1959;22:719-48.
    Greenland S, Robins JM. Biometrics 1985;41:55-68 (MH RR and RD variances).
    Robins J, Breslow N, Greenland S. Biometrics 1986;42:311-23 (MH log OR variance).
    Sato T, Greenland S, Robins JM. Biometrics 1989;45:1323-4 (MH RD variance).
    Tarone RE. Biometrika 1985;72:91-5.
    Viechtbauer W. metafor ``rma.mh``; Schwarzer G. meta ``metabin`` (``MH.exact``).
    """
    _check_options(measure, correction, rd_variance, add, level)
    raw = table2x2(ai, ci, bi=bi, di=di, n1i=n1i, n2i=n2i)
    labels = study_labels(study, len(raw.ai))
    inside = correction != "none"
    drop = drop00 if drop00 is not None else not (inside and measure == "RD")
    rd_var: RDVariance = rd_variance or ("gr" if correction == "revman5" else "sgr")
    raw_rd = measure == "RD" and correction == "revman5"
    yi, vi = binary_effects(measure, raw, add=add, to=to, drop00=drop, addyi=not raw_rd)

    double_zero: BoolArray = np.asarray(raw.double_zero, dtype=bool)
    pooled_mask = ~double_zero if (inside and drop) else np.ones(len(raw.ai), dtype=bool)
    if not pooled_mask.any():
        raise InsufficientData("every study is a double-zero study: no table left to pool")
    kept = _subset(raw, pooled_mask)
    tables = kept.corrected(add, to) if inside else kept
    pooled = _pool(measure, tables, kept if raw_rd else tables, rd_var)

    weights = np.full(len(raw.ai), np.nan)
    weights[pooled_mask] = 100 * pooled.weights / pooled.weights.sum()
    extra: dict[str, Any] = {
        "k_tables": int(pooled_mask.sum()),
        "k_yi": int(np.isfinite(yi).sum()),
        "cmh_stat": None,
        "cmh_p": None,
        "tarone_stat": None,
        "tarone_p": None,
    }
    if measure == "OR":
        extra |= _cmh_test(tables) | _tarone_test(tables, math.exp(pooled.estimate))
    settings: dict[str, Any] = {
        "measure": measure,
        "method": "MH",
        "correction": correction,
        "add": add,
        "to": to,
        "drop00": drop,
    }
    if measure == "RD":
        settings["rd_variance"] = rd_var
    return _fixed_result(measure, pooled, yi, vi, weights, level, labels, extra, settings)


def revman5_mh_random(
    *,
    ai: Any,
    ci: Any,
    bi: Any = None,
    di: Any = None,
    n1i: Any = None,
    n2i: Any = None,
    measure: MHMeasure = "RR",
    add: float = 0.5,
    level: float = 95.0,
    study: Sequence[str] | None = None,
) -> MetaResult:
    """RevMan 5's Mantel-Haenszel random-effects analysis.

    Parameters are as for ``rma_mh`` (with ``correction="revman5"``).

    Returns
    -------
    MetaResult
        ``model="random"``, ``method="DL"``: the inverse-variance estimate with
        weights ``1/(v_i + tau²)`` over the ``k_yi`` estimable studies (``k``);
        ``Q``, ``I2``, ``H2`` are those of the MH-centred Q.  ``weights`` are the
        random-effects weights in percent (NaN where not estimable).

    Raises
    ------
    DataError, InsufficientData
        As ``rma_mh``.

    Notes
    -----
    ``tau² = max(0, (Q_MH - (k - 1)) / (Σw - Σw²/Σw))`` with ``w_i = 1/v_i`` and
    ``Q_MH = Σ w_i (y_i - θ_MH)²`` centred on the MH estimate, not on the
    inverse-variance one (R meta's ``Q.Cochrane=TRUE``); the pooling is
    ``rma(yi, vi, method="DL", tau2=tau²)``.  ``I² = max(0, (Q_MH - df)/Q_MH)``.

    References
    ----------
    DerSimonian R, Laird N. Control Clin Trials 1986;7:177-88.
    Deeks JJ, Higgins JPT. Statistical algorithms in Review Manager 5, 2010.
    """
    fixed = rma_mh(
        ai=ai,
        ci=ci,
        bi=bi,
        di=di,
        n1i=n1i,
        n2i=n2i,
        measure=measure,
        correction="revman5",
        add=add,
        level=level,
        study=study,
    )
    return _random_with_q(fixed, dl_tau2(fixed), "MH")


def _random_with_q(fixed: MetaResult, tau2: float, pooling: str) -> MetaResult:
    """Pool ``fixed``'s per-study estimates by DL with ``tau2``; keep ``fixed``'s Q."""
    from ._rma import rma

    effects = EffectSizes(fixed.measure, fixed.yi, fixed.vi, fixed.study, dict(fixed.settings))
    random = rma(effects, method="DL", tau2=tau2)
    return replace(
        random,
        I2=fixed.I2,
        H2=fixed.H2,
        Q=fixed.Q,
        Q_df=fixed.Q_df,
        Q_p=fixed.Q_p,
        extra={"k_tables": fixed.extra["k_tables"], "k_yi": fixed.extra["k_yi"]},
        settings=fixed.settings
        | {"model": "random", "method": "DL", "tau2": tau2, "Q_centre": pooling},
    )


def dl_tau2(fixed: MetaResult) -> float:
    """DerSimonian-Laird tau² from ``fixed.Q`` (whatever its centre) and IV weights."""
    if fixed.Q_df < 1:
        return 0.0
    ok = np.isfinite(fixed.yi)
    w = 1 / fixed.vi[ok]
    return max(0.0, float((fixed.Q - fixed.Q_df) / (w.sum() - (w**2).sum() / w.sum())))


def _pool(measure: str, t: Table2x2, rd_source: Table2x2, rd_variance: RDVariance) -> _Pooled:
    if measure == "OR":
        return _mh_or(t)
    if measure == "RR":
        return _mh_rr(t)
    return _mh_rd(t, rd_source, rd_variance)


def _mh_or(t: Table2x2) -> _Pooled:
    n = t.ai + t.bi + t.ci + t.di
    r, s = t.ai * t.di / n, t.bi * t.ci / n
    big_r, big_s = r.sum(), s.sum()
    if big_r == 0:
        raise InsufficientData(
            "the Mantel-Haenszel odds ratio is not defined: no study has both events in "
            "the intervention arm (ai) and non-events in the control arm (di)",
            hint="add a continuity correction (correction='revman5') or use rma_peto",
        )
    if big_s == 0:
        raise InsufficientData(
            "the Mantel-Haenszel odds ratio is not defined: no study has both non-events "
            "in the intervention arm (bi) and events in the control arm (ci)",
            hint="add a continuity correction (correction='revman5') or use rma_peto",
        )
    p, q = (t.ai + t.di) / n, (t.bi + t.ci) / n
    variance = 0.5 * (
        (p * r).sum() / big_r**2
        + (p * s + q * r).sum() / (big_r * big_s)
        + (q * s).sum() / big_s**2
    )
    return _Pooled(math.log(big_r / big_s), float(variance), s)


def _mh_rr(t: Table2x2) -> _Pooled:
    n1, n2 = t.n1i, t.n2i
    n = n1 + n2
    for name, events in (("ai", t.ai), ("ci", t.ci)):
        if events.sum() == 0:
            raise InsufficientData(
                f"the Mantel-Haenszel risk ratio is not defined: no events ({name}) in "
                f"the {'intervention' if name == 'ai' else 'control'} arm of any study",
                hint="add a continuity correction (correction='revman5')",
            )
    r, s = t.ai * n2 / n, t.ci * n1 / n
    big_r, big_s = r.sum(), s.sum()
    variance = (n1 * n2 * (t.ai + t.ci) / n**2 - t.ai * t.ci / n).sum() / (big_r * big_s)
    return _Pooled(math.log(big_r / big_s), float(variance), s)


def _mh_rd(t: Table2x2, rd_source: Table2x2, rd_variance: RDVariance) -> _Pooled:
    a, b, c, d = t.ai, t.bi, t.ci, t.di
    n1, n2 = t.n1i, t.n2i
    n = n1 + n2
    w = n1 * n2 / n
    rd = rd_source.ai / rd_source.n1i - rd_source.ci / rd_source.n2i
    estimate = float((w * rd).sum() / w.sum())
    if rd_variance == "gr":
        numerator = ((a * b * n2**3 + c * d * n1**3) / (n1 * n2 * n**2)).sum()
    else:
        numerator = (
            estimate * ((c * n1**2 - a * n2**2 + n1 * n2 * (n2 - n1) / 2) / n**2).sum()
            + ((a * (n2 - c) + c * (n1 - a)) / (2 * n)).sum()
        )
    variance = float(numerator / w.sum() ** 2)
    if not variance > 0:
        raise InsufficientData(
            "the variance of the Mantel-Haenszel risk difference is zero: "
            "no events (or only events) in every study",
            hint="add a continuity correction (correction='revman5', rd_variance='gr')",
        )
    return _Pooled(estimate, variance, w)


def _cmh_test(t: Table2x2) -> dict[str, float | None]:
    """Cochran-Mantel-Haenszel test with continuity correction (metafor's ``MH``)."""
    n1, n2 = t.n1i, t.n2i
    n = n1 + n2
    m1, m0 = t.ai + t.ci, t.bi + t.di
    if m1.sum() == 0 or m0.sum() == 0:
        return {"cmh_stat": None, "cmh_p": None}
    deviation = abs((t.ai - n1 / n * m1).sum())
    stat = (deviation - 0.5) ** 2 / ((n1 / n) * (n2 / n) * (m1 * (m0 / (n - 1)))).sum()
    return {"cmh_stat": float(stat), "cmh_p": float(st.chi2.sf(stat, 1))}


def _tarone_test(t: Table2x2, odds_ratio: float) -> dict[str, float | None]:
    """Tarone's (1985) heterogeneity test: Breslow-Day minus Tarone's correction."""
    n1, n2 = t.n1i, t.n2i
    n = n1 + n2
    m1, m0 = t.ai + t.ci, t.bi + t.di
    with np.errstate(divide="ignore", invalid="ignore"):
        if odds_ratio == 1:
            fitted = n1 / n * m1
        else:
            big_a = odds_ratio * (n1 + m1) + (n2 - m1)
            big_b = np.sqrt(big_a**2 - 4 * n1 * m1 * odds_ratio * (odds_ratio - 1))
            fitted = (big_a - big_b) / (2 * (odds_ratio - 1))
    positive = (fitted > 0) & (m1 > 0) & (m0 > 0)
    e11 = fitted[positive]
    e12, e21 = n1[positive] - e11, m1[positive] - e11
    e22 = e11 - n1[positive] - m1[positive] + n[positive]
    var = 1 / (1 / e11 + 1 / e12 + 1 / e21 + 1 / e22)
    dev = t.ai[positive] - e11
    breslow_day = max(0.0, float((dev**2 / var).sum()))
    stat = max(0.0, breslow_day - float(dev.sum() ** 2 / var.sum()))
    k_pos = int(positive.sum())
    p = float(st.chi2.sf(stat, k_pos - 1)) if k_pos > 1 else None
    return {"tarone_stat": stat, "tarone_p": p}


def _heterogeneity(
    yi: FloatArray, vi: FloatArray, centre: float
) -> tuple[float, int, float, float, float]:
    """Cochran's Q about ``centre`` with IV weights: ``(Q, df, p, I² %, H²)``.

    NaN entries (studies not estimable) are skipped; with fewer than two
    estimates ``Q = 0``, ``p = 1``, ``I² = 0``, ``H² = 1`` (as metafor).
    """
    ok = np.isfinite(yi) & np.isfinite(vi)
    df = int(ok.sum()) - 1
    if df < 1:
        return 0.0, max(df, 0), 1.0, 0.0, 1.0
    q = max(0.0, float(((yi[ok] - centre) ** 2 / vi[ok]).sum()))
    i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
    return q, df, float(st.chi2.sf(q, df)), i2, q / df


def _fixed_result(
    measure: str,
    pooled: _Pooled,
    yi: FloatArray,
    vi: FloatArray,
    weights: FloatArray,
    level: float,
    labels: tuple[str, ...] | None,
    extra: dict[str, Any],
    settings: dict[str, Any],
) -> MetaResult:
    """A fixed-effect MetaResult from a pooled estimate and per-study values."""
    se = math.sqrt(pooled.variance)
    crit = float(st.norm.ppf(1 - (1 - level / 100) / 2))
    z = pooled.estimate / se
    q, df, q_p, i2, h2 = _heterogeneity(yi, vi, pooled.estimate)
    return MetaResult(
        measure=measure,
        method=str(settings["method"]),
        model="fixed",
        test="z",
        level=level,
        k=int(extra["k_tables"]),
        estimate=pooled.estimate,
        se=se,
        ci_lb=pooled.estimate - crit * se,
        ci_ub=pooled.estimate + crit * se,
        stat=z,
        stat_dist="z",
        stat_df=None,
        p=float(2 * st.norm.sf(abs(z))),
        tau2=0.0,
        tau2_se=None,
        I2=i2,
        H2=h2,
        Q=q,
        Q_df=df,
        Q_p=q_p,
        yi=yi,
        vi=vi,
        weights=weights,
        study=labels,
        extra=extra,
        settings=settings | {"model": "fixed", "level": level},
    )


def _subset(t: Table2x2, mask: BoolArray) -> Table2x2:
    return Table2x2(t.ai[mask], t.bi[mask], t.ci[mask], t.di[mask])


def _check_options(
    measure: str, correction: str, rd_variance: str | None, add: float, level: float
) -> None:
    if measure not in ("OR", "RR", "RD"):
        raise DataError(f"measure={measure!r}: the Mantel-Haenszel method takes OR, RR or RD")
    if correction not in ("none", "cells", "revman5"):
        raise DataError(f"correction={correction!r} is not one of: none, cells, revman5")
    if rd_variance not in (None, "sgr", "gr"):
        raise DataError(f"rd_variance={rd_variance!r} is not one of: sgr, gr")
    if not (isinstance(add, (int, float)) and math.isfinite(add) and add >= 0):
        raise DataError(f"add={add!r} must be a number >= 0 (the continuity correction)")
    check_level(level)
