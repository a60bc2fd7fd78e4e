"""Peto's one-step odds ratio (metafor's ``rma.peto``) and RevMan 5's Peto random effects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from scipy import stats as st

from ..errors import InsufficientData
from ._effects import Table2x2, To, table2x2
from ._mh import _fixed_result, _Pooled, _random_with_q, dl_tau2
from ._results import FloatArray, MetaResult
from ._validate import check_level, study_labels


def peto_moments(table: Table2x2) -> tuple[FloatArray, FloatArray]:
    """Observed minus expected events in arm 1, ``O - E``, and its hypergeometric
    variance ``V``, per table (``V = 0`` when no events, or only events, overall).

    Notes
    -----
    With ``m1 = a + c`` events, ``m0 = b + d`` non-events, ``N = n1 + n2``:
    ``E = m1 n1/N``, ``V = m1 m0 n1 n2 / (N² (N - 1))``.
    """
    n1, n2 = table.n1i, table.n2i
    n = n1 + n2
    m1, m0 = table.ai + table.ci, table.bi + table.di
    variance = m1 * m0 * (n1 / n) * (n2 / n) / (n - 1)  # N >= 2: no arm is empty
    return table.ai - m1 * n1 / n, variance


def peto_effects(
    table: Table2x2, *, add: float = 0.5, to: To = "only0", drop00: bool = True
) -> tuple[FloatArray, FloatArray]:
    """Per-study Peto log odds ratios ``yi = (O - E)/V`` and ``vi = 1/V``.

    ``add``/``to`` correct the table first (metafor's ``escalc(measure="PETO")``;
    ``to="none"`` gives RevMan's raw values).  NaN where ``V = 0`` or, with
    ``drop00``, for double-zero studies.
    """
    o_minus_e, v = peto_moments(table.corrected(add, to))
    with np.errstate(divide="ignore", invalid="ignore"):
        yi, vi = o_minus_e / v, 1 / v
    bad = ~(v > 0)
    if drop00:
        bad |= np.asarray(table.double_zero, dtype=bool)
    return np.where(bad, np.nan, yi), np.where(bad, np.nan, vi)


def rma_peto(
    *,
    ai: Any,
    ci: Any,
    bi: Any = None,
    di: Any = None,
    n1i: Any = None,
    n2i: Any = None,
    add: float = 0.5,
    to: To = "only0",
    drop00: bool = True,
    level: float = 95.0,
    study: Sequence[str] | None = None,
) -> MetaResult:
    """Fixed-effect meta-analysis by Peto's one-step odds ratio.

    Parameters
    ----------
    ai, ci : array_like, shape (k,)
        Events in the intervention (1) and control (2) arms.
    bi, di, n1i, n2i : array_like, shape (k,), optional
        Non-events, or group sizes.
    add, to, drop00
        Only for the per-study values shown (``yi``, ``vi``): metafor corrects
        zero-cell studies by default; ``to="none"`` gives the raw ``(O - E)/V``
        RevMan shows.  The pooled estimate never uses a correction.
    level : float
        Confidence level in percent.
    study : sequence of str, shape (k,), optional
        Study labels.

    Returns
    -------
    MetaResult
        ``measure="PETO"`` (log odds ratio), ``method="PETO"``, ``model="fixed"``;
        ``k`` counts all tables, ``weights`` are ``V_i/ΣV`` in percent (0 for
        double-zero studies); ``extra`` holds ``k_tables`` and ``k_yi``.

    Raises
    ------
    DataError
        Inconsistent or impossible counts (names the argument and study).
    InsufficientData
        ``ΣV = 0``: no study has both events and non-events.

    Notes
    -----
    ``log OR = Σ(O - E)/ΣV``, ``Var = 1/ΣV``;
    ``Q = Σ(O - E)²/V - (Σ(O - E))²/ΣV`` over tables with ``V > 0``, with
    ``df = k_yi - 1``; ``I² = max(0, (Q - df)/Q)``, ``H² = Q/df``.

    References
    ----------
    Yusuf S, Peto R, Lewis J, Collins R, Sleight P. Beta blockade during and after
    myocardial infarction: an overview of the randomized trials. Prog Cardiovasc Dis
    1985;27:335-71.  Viechtbauer W. metafor ``rma.peto``.
    """
    check_level(level)
    raw = table2x2(ai, ci, bi=bi, di=di, n1i=n1i, n2i=n2i)
    labels = study_labels(study, len(raw.ai))
    o_minus_e, v = peto_moments(raw)
    total_v = float(v.sum())
    if not total_v > 0:
        raise InsufficientData(
            "Peto's method is not defined: no study has both events and non-events"
        )
    yi, vi = peto_effects(raw, add=add, to=to, drop00=drop00)
    pooled = _Pooled(float(o_minus_e.sum()) / total_v, 1 / total_v, v)
    extra: dict[str, Any] = {"k_tables": len(raw.ai), "k_yi": int(np.isfinite(yi).sum())}
    settings: dict[str, Any] = {
        "measure": "PETO",
        "method": "PETO",
        "add": add,
        "to": to,
        "drop00": drop00,
    }
    weights = 100 * v / total_v
    result = _fixed_result("PETO", pooled, yi, vi, weights, level, labels, extra, settings)
    return _peto_heterogeneity(result, o_minus_e, v)


def _peto_heterogeneity(result: MetaResult, o_minus_e: FloatArray, v: FloatArray) -> MetaResult:
    """Replace Q (about the Peto estimate) by Peto's own form, as metafor does."""
    informative = v > 0
    q = float((o_minus_e[informative] ** 2 / v[informative]).sum())
    q = max(0.0, q - float(o_minus_e.sum()) ** 2 / float(v.sum()))
    df = int(result.extra["k_yi"]) - 1
    if informative.sum() > 1 and df > 0:
        q_p, i2, h2 = float(st.chi2.sf(q, df)), max(0.0, 100 * (q - df) / q), q / df
    else:
        q_p, i2, h2 = 1.0, 0.0, 1.0
    return replace(result, Q=q, Q_df=max(df, 0), Q_p=q_p, I2=i2, H2=h2)


def revman5_peto_random(
    *,
    ai: Any,
    ci: Any,
    bi: Any = None,
    di: Any = None,
    n1i: Any = None,
    n2i: Any = None,
    level: float = 95.0,
    study: Sequence[str] | None = None,
) -> MetaResult:
    """RevMan 5's "Peto, random effects": DerSimonian-Laird on ``(O - E)/V``, ``1/V``.

    Returns
    -------
    MetaResult
        ``model="random"``, ``method="DL"``, ``measure="PETO"``; per-study values
        are the raw ``(O - E)/V`` and ``1/V`` (NaN for studies with ``V = 0``),
        ``weights`` the random-effects weights in percent.

    Raises
    ------
    DataError, InsufficientData
        As ``rma_peto``.

    Notes
    -----
    With ``w_i = V_i`` the inverse-variance Q about ``Σ(O - E)/ΣV`` equals Peto's Q,
    so ``tau² = max(0, (Q - df)/(ΣV - ΣV²/ΣV))`` and the pooling is
    ``rma(yi, vi, method="DL", tau2=tau²)``.

    References
    ----------
    Deeks JJ, Higgins JPT. Statistical algorithms in Review Manager 5, 2010.
    """
    fixed = rma_peto(
        ai=ai, ci=ci, bi=bi, di=di, n1i=n1i, n2i=n2i, to="none", level=level, study=study
    )
    return _random_with_q(fixed, dl_tau2(fixed), "Peto")
