"""Effect sizes per study (metafor's ``escalc``): ``yi`` and its sampling variance ``vi``.

This module holds the dispatcher and the 2×2 (binary) measures; continuous and
generic measures live in ``_continuous.py`` and ``_generic.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ..errors import DataError
from ._results import FloatArray
from ._validate import as_float_array, check_same_length, study_labels

To = Literal["only0", "all", "if0all", "none"]
BINARY_MEASURES = ("RR", "OR", "RD")


@dataclass(frozen=True, eq=False)
class EffectSizes:
    """Per-study effect sizes: ``yi`` (log scale for RR/OR) and variances ``vi``.

    A study that cannot be estimated (e.g. a double-zero study under ``drop00``)
    has NaN in both.  ``settings`` records how they were computed.
    """

    measure: str
    yi: FloatArray
    vi: FloatArray
    study: tuple[str, ...] | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def sei(self) -> FloatArray:
        return np.sqrt(self.vi)

    def __len__(self) -> int:
        return len(self.yi)


@dataclass(frozen=True, eq=False)
class Table2x2:
    """Validated 2×2 counts: events ``ai``/``ci`` and non-events ``bi``/``di`` in the
    intervention (1) and control (2) arms."""

    ai: FloatArray
    bi: FloatArray
    ci: FloatArray
    di: FloatArray

    @property
    def n1i(self) -> FloatArray:
        return self.ai + self.bi

    @property
    def n2i(self) -> FloatArray:
        return self.ci + self.di

    @property
    def has_zero(self) -> NDArray[np.bool_]:
        zero: NDArray[np.bool_] = (self.ai == 0) | (self.bi == 0) | (self.ci == 0) | (self.di == 0)
        return zero

    @property
    def double_zero(self) -> NDArray[np.bool_]:
        """No events in either arm, or only events in both: nothing to compare."""
        none: NDArray[np.bool_] = ((self.ai == 0) & (self.ci == 0)) | (
            (self.bi == 0) & (self.di == 0)
        )
        return none

    def corrected(self, add: float, to: To) -> Table2x2:
        """The table with ``add`` added to all four cells of the studies ``to`` names.

        ``only0``: studies with a zero cell (metafor's and RevMan's default);
        ``all``: every study; ``if0all``: every study if any has a zero cell;
        ``none``: no correction.
        """
        if to == "only0":
            mask = self.has_zero
        elif to == "all":
            mask = np.ones_like(self.ai, dtype=bool)
        elif to == "if0all":
            mask = np.full_like(self.ai, bool(self.has_zero.any()), dtype=bool)
        elif to == "none":
            mask = np.zeros_like(self.ai, dtype=bool)
        else:
            raise DataError(f"to={to!r} is not one of: only0, all, if0all, none")
        extra = np.where(mask, add, 0.0)
        return Table2x2(self.ai + extra, self.bi + extra, self.ci + extra, self.di + extra)


def table2x2(
    ai: Any,
    ci: Any,
    *,
    bi: Any = None,
    di: Any = None,
    n1i: Any = None,
    n2i: Any = None,
) -> Table2x2:
    """Counts as a checked 2×2 table: events with either non-events or totals."""
    a = as_float_array(ai, "ai")
    c = as_float_array(ci, "ci")
    if bi is not None and di is not None:
        b, d = as_float_array(bi, "bi"), as_float_array(di, "di")
    elif n1i is not None and n2i is not None:
        n1, n2 = as_float_array(n1i, "n1i"), as_float_array(n2i, "n2i")
        check_same_length(ai=a, ci=c, n1i=n1, n2i=n2)
        for name, events, total in (("ai", a, n1), ("ci", c, n2)):
            bad = np.flatnonzero(events > total)
            if bad.size:
                raise DataError(
                    f"{name} (events) exceeds its group size in study {bad[0] + 1}: "
                    f"{events[bad[0]]:g} > {total[bad[0]]:g}"
                )
        b, d = n1 - a, n2 - c
    else:
        raise DataError("give non-events (bi, di) or group sizes (n1i, n2i) with the events")
    check_same_length(ai=a, bi=b, ci=c, di=d)
    for name, values in (("ai", a), ("bi", b), ("ci", c), ("di", d)):
        bad = np.flatnonzero(values < 0)
        if bad.size:
            raise DataError(f"{name} is negative in study {bad[0] + 1}: {values[bad[0]]:g}")
    empty = np.flatnonzero((a + b == 0) | (c + d == 0))
    if empty.size:
        raise DataError(f"study {empty[0] + 1} has an empty group (size 0)")
    return Table2x2(a, b, c, d)


def binary_effects(
    measure: str,
    table: Table2x2,
    *,
    add: float = 0.5,
    to: To = "only0",
    drop00: bool = False,
    addyi: bool = True,
) -> tuple[FloatArray, FloatArray]:
    """``yi``, ``vi`` for RR (log), OR (log) or RD from a 2×2 table.

    Notes
    -----
    With ``a, b, c, d`` the (corrected) cells and ``n1 = a + b``, ``n2 = c + d``:
    log RR = log(a/n1) - log(c/n2), v = 1/a - 1/n1 + 1/c - 1/n2;
    log OR = log(ad/bc), v = 1/a + 1/b + 1/c + 1/d;
    RD = a/n1 - c/n2, v = p1(1-p1)/n1 + p2(1-p2)/n2 (large-sample).
    ``addyi=False`` takes ``yi`` from the raw counts and only ``vi`` from the
    corrected ones (RevMan's RD).  ``drop00`` makes double-zero studies NaN.

    References
    ----------
    Viechtbauer W. Conducting meta-analyses in R with the metafor package. J Stat
    Softw 2010;36(3). metafor ``escalc`` (measures RR, OR, RD; add, to, drop00).
    """
    fixed = table.corrected(add, to)
    with np.errstate(divide="ignore", invalid="ignore"):
        yi, vi = _binary_formula(measure, fixed)
        if not addyi:
            yi, _ = _binary_formula(measure, table)
    if drop00:
        dropped = table.double_zero
        yi = np.where(dropped, np.nan, yi)
        vi = np.where(dropped, np.nan, vi)
    yi = np.where(np.isfinite(yi) & np.isfinite(vi), yi, np.nan)
    vi = np.where(np.isfinite(yi), vi, np.nan)
    return yi, vi


def _binary_formula(measure: str, t: Table2x2) -> tuple[FloatArray, FloatArray]:
    if measure == "RR":
        yi = np.log(t.ai / t.n1i) - np.log(t.ci / t.n2i)
        vi = 1 / t.ai - 1 / t.n1i + 1 / t.ci - 1 / t.n2i
    elif measure == "OR":
        yi = np.log(t.ai * t.di / (t.bi * t.ci))
        vi = 1 / t.ai + 1 / t.bi + 1 / t.ci + 1 / t.di
    elif measure == "RD":
        p1, p2 = t.ai / t.n1i, t.ci / t.n2i
        yi = p1 - p2
        vi = p1 * (1 - p1) / t.n1i + p2 * (1 - p2) / t.n2i
    else:  # pragma: no cover - guarded by escalc
        raise DataError(f"measure {measure!r} is not a 2×2 measure")
    return yi, vi


def escalc(
    measure: str,
    *,
    ai: Any = None,
    bi: Any = None,
    ci: Any = None,
    di: Any = None,
    n1i: Any = None,
    n2i: Any = None,
    m1i: Any = None,
    sd1i: Any = None,
    m2i: Any = None,
    sd2i: Any = None,
    yi: Any = None,
    vi: Any = None,
    sei: Any = None,
    add: float = 0.5,
    to: To = "only0",
    drop00: bool = False,
    addyi: bool = True,
    vtype: str = "LS",
    study: Sequence[str] | None = None,
) -> EffectSizes:
    """Effect sizes and sampling variances, as metafor's ``escalc``.

    Parameters
    ----------
    measure : {"RR", "OR", "RD", "MD", "SMD", "GEN"}
        RR and OR are returned on the log scale.
    ai, bi, ci, di, n1i, n2i : array_like, shape (k,)
        2×2 counts (events and non-events, or events and group sizes).
    m1i, sd1i, m2i, sd2i, n1i, n2i : array_like, shape (k,)
        Means, SDs and sizes for MD and SMD.
    yi, vi, sei : array_like, shape (k,)
        Generic inverse variance (GEN): estimates with variances or standard errors.
    add, to, drop00, addyi
        Zero-cell handling for 2×2 measures (see ``binary_effects``).
    vtype : str
        SMD only: ``"LS"`` (metafor, exact bias correction) or ``"revman5"``.

    Raises
    ------
    DataError
        Unknown measure, missing or inconsistent inputs, impossible values.
    """
    settings: dict[str, Any] = {"measure": measure}
    if measure in BINARY_MEASURES:
        table = table2x2(ai, ci, bi=bi, di=di, n1i=n1i, n2i=n2i)
        y, v = binary_effects(measure, table, add=add, to=to, drop00=drop00, addyi=addyi)
        settings |= {"add": add, "to": to, "drop00": drop00, "addyi": addyi}
    elif measure in ("MD", "SMD"):
        from ._continuous import continuous_effects

        y, v = continuous_effects(measure, m1i, sd1i, n1i, m2i, sd2i, n2i, vtype=vtype)
        if measure == "SMD":
            settings["vtype"] = vtype
    elif measure == "GEN":
        from ._generic import generic_effects

        y, v = generic_effects(yi, vi=vi, sei=sei)
    else:
        raise DataError(f"measure {measure!r} is not one of: RR, OR, RD, MD, SMD, GEN")
    return EffectSizes(measure, y, v, study_labels(study, len(y)), settings)
