"""Bracketing root finding, vectorised over rows: a port of the C code behind R's
``uniroot`` (Brent 1973, "zeroin"), so iterative estimators stop where metafor's do."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from ._results import FloatArray

BoolArray = NDArray[np.bool_]
EPS = float(np.finfo(np.float64).eps)


def zeroin(
    f: Callable[[FloatArray], FloatArray],
    lower: FloatArray,
    upper: FloatArray,
    f_lower: FloatArray,
    f_upper: FloatArray,
    tol: float,
    maxiter: int,
) -> tuple[FloatArray, BoolArray]:
    """Brent's root finder as R's ``uniroot`` (R_zeroin2), for many brackets at once.

    ``f`` maps an ``(n,)`` array of abscissae to ``(n,)`` values; each row keeps its
    own bracket ``[b, c]`` and stops when it is within ``2 eps |b| + tol/2``.  Where
    safe, the step is secant or inverse quadratic interpolation, else bisection.

    References
    ----------
    Brent R. Algorithms for Minimization without Derivatives. Prentice-Hall, 1973,
    ch. 4; R ``src/library/stats/src/zeroin.c``.
    """
    a, b, fa, fb = lower.copy(), upper.copy(), f_lower.copy(), f_upper.copy()
    c, fc = a.copy(), fa.copy()
    root = np.where(fa == 0, a, b)
    active = (fa != 0) & (fb != 0)
    converged = ~active
    for _ in range(maxiter + 1):
        if not active.any():
            break
        prev = b - a
        swap = active & (np.abs(fc) < np.abs(fb))
        a, b, c = np.where(swap, b, a), np.where(swap, c, b), np.where(swap, b, c)
        fa, fb, fc = np.where(swap, fb, fa), np.where(swap, fc, fb), np.where(swap, fb, fc)
        tol_act = 2 * EPS * np.abs(b) + tol / 2
        step = (c - b) / 2
        done = active & ((np.abs(step) <= tol_act) | (fb == 0))
        root = np.where(done, b, root)
        converged |= done
        active &= ~done
        cb, secant = c - b, a == c
        q0, t1, t2 = fa / fc, fb / fc, fb / fa
        p = np.where(secant, cb * t2, t2 * (cb * q0 * (q0 - t1) - (b - a) * (t1 - 1.0)))
        q = np.where(secant, 1.0 - t2, (q0 - 1.0) * (t1 - 1.0) * (t2 - 1.0))
        q, p = np.where(p > 0, -q, q), np.abs(p)
        accept = (p < 0.75 * cb * q - np.abs(tol_act * q) / 2) & (p < np.abs(prev * q / 2))
        tried = (np.abs(prev) >= tol_act) & (np.abs(fa) > np.abs(fb))
        step = np.where(tried & accept, p / q, step)
        step = np.where(np.abs(step) < tol_act, np.where(step > 0, tol_act, -tol_act), step)
        a, fa = np.where(active, b, a), np.where(active, fb, fa)
        b = np.where(active, b + step, b)
        fb = np.where(active, f(b), fb)
        same = active & (((fb > 0) & (fc > 0)) | ((fb < 0) & (fc < 0)))
        c, fc = np.where(same, a, c), np.where(same, fa, fc)
    return np.where(converged, root, b), converged
