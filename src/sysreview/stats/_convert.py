"""Conversions that turn what a paper reports into a mean and SD per group.

Standard error or confidence interval of a group mean -> SD (Cochrane Handbook
6.5.2.2), and median with range and/or quartiles -> mean and SD (Wan et al. 2014).
All are vectorised: one value per study (or per group), shape (k,).

Wan et al.'s scenarios, named as in their paper:

====  =========================================  ===============================
C1    minimum, median, maximum, n                ``mean_sd_from_median_range``
C2    minimum, q1, median, q3, maximum, n        ``mean_sd_from_five_numbers``
C3    q1, median, q3, n                          ``mean_sd_from_median_iqr``
====  =========================================  ===============================

They assume roughly normal data; for skewed data the estimates are biased, and a
sensitivity analysis without the converted studies is wise.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from scipy import stats

from ..errors import DataError, InsufficientData
from ._generic import ci_limits, normal_quantile
from ._results import FloatArray
from ._validate import as_float_array, check_same_length

#: Cochrane Handbook 6.5.2.2: below this group size a CI of a mean used a t value.
SMALL_SAMPLE_BELOW = 60
#: Wan et al.'s estimators are not used below this n (metafor ``conv.fivenum`` too).
MIN_N_FOR_QUANTILES = 5


def sd_from_se(se: Any, n: Any) -> FloatArray:
    r"""Standard deviation of a group from the standard error of its mean.

    Parameters
    ----------
    se : array_like, shape (k,)
        Standard errors of the group means, each > 0.
    n : array_like, shape (k,)
        Group sizes, each >= 1.

    Returns
    -------
    ndarray, shape (k,)
        :math:`SD = SE\sqrt{n}`.

    Raises
    ------
    DataError
        Values not finite or not positive, n below 1, lengths that differ.

    References
    ----------
    Higgins JPT, Li T, Deeks JJ (editors). Chapter 6. Cochrane Handbook for
    Systematic Reviews of Interventions, version 6.4, 2023; section 6.5.2.2.
    """
    s, size = _positive(se, "se"), _sizes(n, minimum=1)
    check_same_length(se=s, n=size)
    return s * np.sqrt(size)


def se_from_sd(sd: Any, n: Any) -> FloatArray:
    r"""Standard error of a group mean from the group's standard deviation.

    Parameters
    ----------
    sd : array_like, shape (k,)
        Standard deviations, each > 0.
    n : array_like, shape (k,)
        Group sizes, each >= 1.

    Returns
    -------
    ndarray, shape (k,)
        :math:`SE = SD/\sqrt{n}`.

    Raises
    ------
    DataError
        Values not finite or not positive, n below 1, lengths that differ.

    References
    ----------
    Higgins JPT, Li T, Deeks JJ (editors). Cochrane Handbook, version 6.4, 2023;
    section 6.5.2.2.
    """
    s, size = _positive(sd, "sd"), _sizes(n, minimum=1)
    check_same_length(sd=s, n=size)
    return s / np.sqrt(size)


def sd_from_ci(
    lower: Any, upper: Any, n: Any, *, level: float = 95, small_sample: bool = True
) -> FloatArray:
    r"""Standard deviation of a group from the confidence interval of its mean.

    Parameters
    ----------
    lower, upper : array_like, shape (k,)
        Confidence limits of the group mean, ``lower < upper``.
    n : array_like, shape (k,)
        Group sizes: >= 2 where a t value is used, >= 1 otherwise.
    level : float, default 95
        Confidence level in percent, 1 < level < 100.
    small_sample : bool, default True
        Use the t distribution with n - 1 degrees of freedom for groups smaller
        than 60, as the Handbook advises; ``False``: always the normal quantile.

    Returns
    -------
    ndarray, shape (k,)
        :math:`SD = \sqrt{n}\,(u - l) / (2q)`.

    Raises
    ------
    DataError
        Limits not finite or not ordered, ``level`` out of range, n too small,
        lengths that differ.

    Notes
    -----
    :math:`SD = \sqrt{n}\,(u - l)/(2q)`, with :math:`q = z_{1-\alpha/2}` (3.92 = 2 × 1.96
    for 95%) or, for n < 60 with ``small_sample``, :math:`q = t_{n-1,\,1-\alpha/2}`
    (e.g. 2 × 2.262 = 4.52 for n = 10).  The rule is discontinuous at n = 60, as the
    Handbook's is.  For a CI of a *difference* in means see Handbook 6.5.2.3.

    References
    ----------
    Higgins JPT, Li T, Deeks JJ (editors). Chapter 6. Cochrane Handbook for
    Systematic Reviews of Interventions, version 6.4, 2023; section 6.5.2.2.
    """
    z = normal_quantile(level)
    lo, hi = ci_limits(lower, upper, log=False)
    size = _sizes(
        n, minimum=2 if small_sample else 1, why="t needs n - 1 >= 1; or small_sample=False"
    )
    check_same_length(lower=lo, n=size)
    use_t = size < SMALL_SAMPLE_BELOW if small_sample else np.zeros(size.shape, dtype=bool)
    t = stats.t.isf((1 - level / 100) / 2, np.maximum(size - 1, 1))
    quantile = np.where(use_t, t, z)
    result: FloatArray = np.sqrt(size) * (hi - lo) / (2 * quantile)
    return result


def mean_sd_from_median_range(
    minimum: Any, median: Any, maximum: Any, n: Any
) -> tuple[FloatArray, FloatArray]:
    r"""Mean and SD from the median, minimum, maximum and size (Wan et al. scenario C1).

    Parameters
    ----------
    minimum, median, maximum : array_like, shape (k,)
        With ``minimum <= median <= maximum`` and ``minimum < maximum``.
    n : array_like, shape (k,)
        Sample sizes, each >= 5.

    Returns
    -------
    mean, sd : ndarray, shape (k,)

    Raises
    ------
    DataError
        Values not finite or out of order, a zero range, lengths that differ.
    InsufficientData
        n below 5.

    Notes
    -----
    :math:`\bar X \approx (a + 2m + b)/4` (Wan et al. 2014, equation 2: Hozo et
    al.'s estimator without its :math:`(a - 2m + b)/(4n)` term, as metafor's
    ``conv.fivenum(method="wan2014")``);
    :math:`S \approx (b - a)/\xi(n)`, :math:`\xi(n) = 2\Phi^{-1}((n - 0.375)/(n + 0.25))`
    (equations 7 and 9; :math:`\xi(n)` is twice Blom's approximation to the expected
    maximum of n standard normals, used here for every n as metafor does, where
    Wan et al.'s Table 1 tabulates the exact values for n <= 50).

    References
    ----------
    Wan X, Wang W, Liu J, Tong T. Estimating the sample mean and standard deviation
    from the sample size, median, range and/or interquartile range. BMC Med Res
    Methodol 2014;14:135.
    Hozo SP, Djulbegovic B, Hozo I. Estimating the mean and variance from the
    median, range, and the size of a sample. BMC Med Res Methodol 2005;5:13.
    """
    a, m, b, size = _summary(
        {"minimum": minimum, "median": median, "maximum": maximum}, n, spread=("minimum", "maximum")
    )
    return (a + 2 * m + b) / 4, (b - a) / _xi(size)


def mean_sd_from_five_numbers(
    minimum: Any, q1: Any, median: Any, q3: Any, maximum: Any, n: Any
) -> tuple[FloatArray, FloatArray]:
    r"""Mean and SD from the five-number summary and size (Wan et al. scenario C2).

    Parameters
    ----------
    minimum, q1, median, q3, maximum : array_like, shape (k,)
        In non-decreasing order, with ``q1 < q3``.
    n : array_like, shape (k,)
        Sample sizes, each >= 5.

    Returns
    -------
    mean, sd : ndarray, shape (k,)

    Raises
    ------
    DataError
        Values not finite or out of order, a zero IQR, lengths that differ.
    InsufficientData
        n below 5.

    Notes
    -----
    :math:`\bar X \approx (a + 2q_1 + 2m + 2q_3 + b)/8` (Wan et al. 2014, equation 10);
    :math:`S \approx (b - a)/(2\xi(n)) + (q_3 - q_1)/(2\eta(n))` (equations 12 and
    13), the average of the C1 and C3 estimates of the SD, with :math:`\xi, \eta` as
    in ``mean_sd_from_median_range`` and ``mean_sd_from_median_iqr``:
    :math:`(b-a)/(4\Phi^{-1}(\frac{n-0.375}{n+0.25}))
    + (q_3-q_1)/(4\Phi^{-1}(\frac{0.75n-0.125}{n+0.25}))`.

    References
    ----------
    Wan X, Wang W, Liu J, Tong T. BMC Med Res Methodol 2014;14:135.
    Bland M. Estimating mean and standard deviation from the sample size, three
    quartiles, minimum, and maximum. Int J Stat Med Res 2015;4(1):57-64.
    """
    a, lo, m, hi, b, size = _summary(
        {"minimum": minimum, "q1": q1, "median": median, "q3": q3, "maximum": maximum},
        n,
        spread=("q1", "q3"),
    )
    mean = (a + 2 * lo + 2 * m + 2 * hi + b) / 8
    return mean, (b - a) / (2 * _xi(size)) + (hi - lo) / (2 * _eta(size))


def mean_sd_from_median_iqr(q1: Any, median: Any, q3: Any, n: Any) -> tuple[FloatArray, FloatArray]:
    r"""Mean and SD from the median, quartiles and size (Wan et al. scenario C3).

    Parameters
    ----------
    q1, median, q3 : array_like, shape (k,)
        With ``q1 <= median <= q3`` and ``q1 < q3``.
    n : array_like, shape (k,)
        Sample sizes, each >= 5.

    Returns
    -------
    mean, sd : ndarray, shape (k,)

    Raises
    ------
    DataError
        Values not finite or out of order, a zero IQR, lengths that differ.
    InsufficientData
        n below 5.

    Notes
    -----
    :math:`\bar X \approx (q_1 + m + q_3)/3` (Wan et al. 2014, equation 14);
    :math:`S \approx (q_3 - q_1)/\eta(n)`,
    :math:`\eta(n) = 2\Phi^{-1}((0.75n - 0.125)/(n + 0.25))` (equations 15 and 16;
    :math:`\eta(n) \to 2\Phi^{-1}(0.75) = 1.349` as n grows, the familiar IQR/1.35).

    References
    ----------
    Wan X, Wang W, Liu J, Tong T. BMC Med Res Methodol 2014;14:135.
    """
    lo, m, hi, size = _summary({"q1": q1, "median": median, "q3": q3}, n, spread=("q1", "q3"))
    return (lo + m + hi) / 3, (hi - lo) / _eta(size)


def _xi(n: FloatArray) -> FloatArray:
    """Wan et al.'s ξ(n) = 2Φ⁻¹((n - 0.375)/(n + 0.25)) (equation 9)."""
    return np.asarray(2 * stats.norm.ppf((n - 0.375) / (n + 0.25)), dtype=np.float64)


def _eta(n: FloatArray) -> FloatArray:
    """Wan et al.'s η(n) = 2Φ⁻¹((0.75n - 0.125)/(n + 0.25)) (equation 16)."""
    return np.asarray(2 * stats.norm.ppf((0.75 * n - 0.125) / (n + 0.25)), dtype=np.float64)


def _summary(values: dict[str, Any], n: Any, *, spread: tuple[str, str]) -> tuple[FloatArray, ...]:
    """Order statistics as checked arrays (non-decreasing, ``spread`` > 0), then n."""
    arrays = {name: as_float_array(v, name) for name, v in values.items()}
    size = as_float_array(n, "n")
    check_same_length(**arrays, n=size)
    names = list(arrays)
    for below, above in itertools.pairwise(names):
        bad = np.flatnonzero(arrays[below] > arrays[above])
        if bad.size:
            raise DataError(f"{below} is above {above} in study {bad[0] + 1}")
    low, high = spread
    flat = np.flatnonzero(arrays[low] == arrays[high])
    if flat.size:
        raise DataError(f"{low} equals {high} in study {flat[0] + 1}: the SD would be 0")
    _sizes(size, minimum=MIN_N_FOR_QUANTILES, error=InsufficientData)
    return (*arrays.values(), size)


def _positive(values: Any, name: str) -> FloatArray:
    array = as_float_array(values, name)
    bad = np.flatnonzero(array <= 0)
    if bad.size:
        raise DataError(f"{name} is not positive in study {bad[0] + 1}: {array[bad[0]]:g}")
    return array


def _sizes(
    n: Any, *, minimum: float, why: str = "", error: type[DataError] = DataError
) -> FloatArray:
    size = as_float_array(n, "n")
    bad = np.flatnonzero(size < minimum)
    if bad.size:
        reason = f" ({why})" if why else ""
        raise error(f"n is below {minimum:g} in study {bad[0] + 1}: {size[bad[0]]:g}{reason}")
    return size
