"""Continuous outcomes: mean difference (MD) and standardised mean difference (SMD).

``continuous_effects`` is what ``escalc`` calls for ``measure="MD"`` and ``"SMD"``.
Two SMD conventions exist (see ``shared/reference/metafor/README.md``, "SMD"):
metafor's Hedges' *g* with the exact bias correction and large-sample variance
(``vtype="LS"``), and RevMan 5's approximate correction with its own variance
(``vtype="revman5"``).  They differ in the third decimal of a pooled SMD.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln

from ..errors import DataError
from ._results import FloatArray
from ._validate import as_float_array, check_same_length

VTYPES = ("LS", "revman5")

#: Above this many degrees of freedom ``hedges_j`` uses its asymptotic series:
#: log-gamma differences of numbers near m/2 lose about m·1e-16 to cancellation.
_SERIES_FROM_DF = 100.0


def continuous_effects(
    measure: str,
    m1i: Any,
    sd1i: Any,
    n1i: Any,
    m2i: Any,
    sd2i: Any,
    n2i: Any,
    *,
    vtype: str = "LS",
) -> tuple[FloatArray, FloatArray]:
    r"""Mean difference or standardised mean difference, with sampling variances.

    Parameters
    ----------
    measure : {"MD", "SMD"}
        Raw mean difference, or Hedges' *g*.
    m1i, sd1i, n1i : array_like, shape (k,)
        Mean, standard deviation and size of the intervention (first) group.
    m2i, sd2i, n2i : array_like, shape (k,)
        The same for the control (second) group.
    vtype : {"LS", "revman5"}, default "LS"
        SMD only.  ``"LS"``: metafor 3.8's default (exact bias correction,
        large-sample variance).  ``"revman5"``: RevMan 5's formulas.  MD has one
        variance in both, so ``vtype`` does not change it.

    Returns
    -------
    yi : ndarray, shape (k,)
        ``m1 - m2`` (MD) or Hedges' *g* (SMD).
    vi : ndarray, shape (k,)
        Sampling variances.

    Raises
    ------
    DataError
        Unknown measure or ``vtype``; inputs missing, not finite, of different
        lengths; an SD that is not positive; a group size below 1; for SMD, fewer
        than 4 participants in a study (the bias correction needs n1 + n2 - 2 >= 2).

    Notes
    -----
    MD: :math:`y = \bar x_1 - \bar x_2`, :math:`v = s_1^2/n_1 + s_2^2/n_2`.

    SMD: with :math:`N = n_1 + n_2`, :math:`m = N - 2` and the pooled SD
    :math:`s_p = \sqrt{((n_1-1)s_1^2 + (n_2-1)s_2^2)/m}`, Cohen's
    :math:`d = (\bar x_1 - \bar x_2)/s_p`.

    - ``"LS"``: :math:`g = J(m)\,d` with the exact correction
      :math:`J(m) = \Gamma(m/2) / (\sqrt{m/2}\,\Gamma((m-1)/2))` (the exact
      unbiasing factor of Hedges 1981; see ``hedges_j``), and
      :math:`v = 1/n_1 + 1/n_2 + g^2/(2N)` (Hedges 1982, equation 8; metafor
      ``vtype="LS"``).
    - ``"revman5"``: :math:`g = d\,(1 - 3/(4N - 9))` and
      :math:`v = N/(n_1 n_2) + g^2/(2(N - 3.94))` (RevMan 5 statistical methods,
      "Standardized mean difference"; meta ``exact.smd=FALSE``).

    References
    ----------
    Hedges LV. Distribution theory for Glass's estimator of effect size and related
    estimators. J Educ Stat 1981;6(2):107-128.
    Hedges LV. Estimation of effect size from a series of independent experiments.
    Psychol Bull 1982;92(2):490-499.
    Deeks JJ, Higgins JPT. Statistical algorithms in Review Manager 5. The Cochrane
    Collaboration, 2010.
    Viechtbauer W. metafor ``escalc`` (measures MD, SMD; argument ``vtype``).
    """
    if measure not in ("MD", "SMD"):
        raise DataError(f"measure {measure!r} is not a continuous measure (MD, SMD)")
    if vtype not in VTYPES:
        raise DataError(f"vtype={vtype!r} is not one of: {', '.join(VTYPES)}")
    m1, s1, n1, m2, s2, n2 = _checked_groups(m1i, sd1i, n1i, m2i, sd2i, n2i)
    if measure == "MD":
        return m1 - m2, s1**2 / n1 + s2**2 / n2
    total = n1 + n2
    small = np.flatnonzero(total < 4)
    if small.size:
        i = small[0]
        raise DataError(
            f"SMD needs at least 4 participants (n1i + n2i - 2 >= 2) in study {i + 1}: "
            f"n1i + n2i = {total[i]:g}"
        )
    pooled_sd = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (total - 2))
    d = (m1 - m2) / pooled_sd
    if vtype == "LS":
        g = hedges_j(total - 2) * d
        return g, 1 / n1 + 1 / n2 + g**2 / (2 * total)
    g = d * (1 - 3 / (4 * total - 9))
    return g, total / (n1 * n2) + g**2 / (2 * (total - 3.94))


def hedges_j(df: Any) -> FloatArray:
    r"""Hedges' exact small-sample correction factor ``J(m)`` for ``m`` degrees of freedom.

    Parameters
    ----------
    df : array_like, shape (k,)
        Degrees of freedom of the SD estimate, ``m = n1 + n2 - 2``; each >= 2.

    Returns
    -------
    ndarray, shape (k,)
        ``J(m)``, in (0, 1), increasing towards 1.

    Notes
    -----
    :math:`J(m) = \Gamma(m/2) / (\sqrt{m/2}\,\Gamma((m-1)/2))`, the factor that
    makes Cohen's *d* unbiased (Hedges 1981), approximately :math:`1 - 3/(4m - 1)`.
    Below 100 degrees of freedom it is computed, as metafor does, from log-gamma
    values; above, from the asymptotic series in :math:`x = (m-1)/2`,

    .. math:: \log J = -\tfrac12\log(1 + \tfrac{1}{2x}) - \tfrac{1}{8x}
              + \tfrac{1}{192x^3} - \tfrac{1}{640x^5} + \tfrac{17}{14336x^7},

    whose truncation error there is below 1e-15; the log-gamma difference would
    lose precision to cancellation as m grows (about 1e-10 relative by m = 1e6).

    References
    ----------
    Hedges LV. Distribution theory for Glass's estimator of effect size and related
    estimators. J Educ Stat 1981;6(2):107-128.
    """
    m = as_float_array(df, "df")
    if np.any(m < 2):
        bad = int(np.flatnonzero(m < 2)[0])
        raise DataError(f"df must be at least 2 in study {bad + 1}: {m[bad]:g}")
    small = np.minimum(m, _SERIES_FROM_DF)
    by_gamma = np.exp(gammaln(small / 2) - np.log(np.sqrt(small / 2)) - gammaln((small - 1) / 2))
    x = (np.maximum(m, _SERIES_FROM_DF) - 1) / 2
    log_series = (
        -0.5 * np.log1p(1 / (2 * x))
        - 1 / (8 * x)
        + 1 / (192 * x**3)
        - 1 / (640 * x**5)
        + 17 / (14336 * x**7)
    )
    result: FloatArray = np.where(m < _SERIES_FROM_DF, by_gamma, np.exp(log_series))
    return result


def _checked_groups(*values: Any) -> tuple[FloatArray, ...]:
    """Means, SDs and sizes of both groups as float arrays; SD > 0 and n >= 1."""
    names = ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
    arrays = tuple(as_float_array(v, name) for v, name in zip(values, names, strict=True))
    check_same_length(**dict(zip(names, arrays, strict=True)))
    for name, array in zip(names, arrays, strict=True):
        if name.startswith("sd"):
            bad, rule = np.flatnonzero(array <= 0), "is not positive"
        elif name.startswith("n"):
            bad, rule = np.flatnonzero(array < 1), "is below 1"
        else:
            continue
        if bad.size:
            i = bad[0]
            raise DataError(f"{name} {rule} in study {i + 1}: {array[i]:g}")
    return arrays
