"""Result objects of the statistics core: frozen, named, serialisable.

``MetaResult`` is what every pooling function returns for one analysis
(``rma``, ``rma_mh``, ``rma_peto``); ``BatchResult`` holds the same fields as arrays
for many analyses at once.  Names follow metafor; ``to_dict()`` uses the keys of the
reference results in ``shared/reference/metafor`` (``I2_pct``, ``*_exp`` ...), and
``summary()`` reads like RevMan's footer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Measures estimated on the log scale and shown exponentiated.
RATIO_MEASURES = frozenset({"RR", "OR", "HR", "PETO", "ROM", "IRR"})


@dataclass(frozen=True, eq=False)
class MetaResult:
    """One meta-analysis.

    Scalars are on the analysis scale (log for ratio measures); ``*_exp``
    properties back-transform.  ``I2`` is a percentage.  ``pi_*`` is metafor's
    prediction interval (z, or t(k-1) under ``test="knha"``); ``pi_higgins_*`` is
    Higgins et al. (2009) / Cochrane's (t with k-2 df).  Per-study arrays hold
    every study given, NaN where a study is not estimable; ``weights`` are percent.
    """

    measure: str
    method: str
    model: str
    test: str
    level: float
    k: int
    estimate: float
    se: float
    ci_lb: float
    ci_ub: float
    stat: float
    stat_dist: str
    stat_df: float | None
    p: float
    tau2: float
    tau2_se: float | None
    I2: float
    H2: float
    Q: float
    Q_df: int
    Q_p: float
    pi_lb: float | None = None
    pi_ub: float | None = None
    pi_higgins_lb: float | None = None
    pi_higgins_ub: float | None = None
    tau2_ci_lb: float | None = None
    tau2_ci_ub: float | None = None
    yi: FloatArray = field(default_factory=lambda: np.empty(0), repr=False)
    vi: FloatArray = field(default_factory=lambda: np.empty(0), repr=False)
    weights: FloatArray = field(default_factory=lambda: np.empty(0), repr=False)
    study: tuple[str, ...] | None = field(default=None, repr=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    settings: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)

    @property
    def is_ratio(self) -> bool:
        return self.measure in RATIO_MEASURES

    def back(self, value: float | None) -> float | None:
        """A value on the reporting scale (exponentiated for ratio measures)."""
        if value is None:
            return None
        return math.exp(value) if self.is_ratio else value

    @property
    def estimate_exp(self) -> float | None:
        return self.back(self.estimate)

    @property
    def ci_lb_exp(self) -> float | None:
        return self.back(self.ci_lb)

    @property
    def ci_ub_exp(self) -> float | None:
        return self.back(self.ci_ub)

    def to_dict(self) -> dict[str, Any]:
        """Plain values with the reference results' keys (JSON-ready)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("yi", "vi", "weights", "study", "extra", "settings", "I2"):
                continue
            out[f.name] = getattr(self, f.name)
        out["tau"] = self.tau
        out["I2_pct"] = self.I2
        out.update(self.extra)
        if self.is_ratio:
            for key in (
                "estimate",
                "ci_lb",
                "ci_ub",
                "pi_lb",
                "pi_ub",
                "pi_higgins_lb",
                "pi_higgins_ub",
            ):
                out[f"{key}_exp"] = self.back(out[key])
        out["settings"] = dict(self.settings)
        out["studies"] = self.studies()
        cleaned: dict[str, Any] = _clean(out)
        return cleaned

    def studies(self) -> list[dict[str, Any]]:
        """Per-study rows: yi, vi, sei, CI at ``level``, weight % (and ``*_exp``)."""
        from scipy import stats as st

        crit = float(st.norm.ppf(1 - (1 - self.level / 100) / 2))
        rows = []
        for i in range(len(self.yi)):
            yi, vi = float(self.yi[i]), float(self.vi[i])
            sei = math.sqrt(vi) if vi >= 0 else math.nan
            row: dict[str, Any] = {
                "study": self.study[i] if self.study else str(i + 1),
                "yi": yi,
                "vi": vi,
                "sei": sei,
                "ci_lb": yi - crit * sei,
                "ci_ub": yi + crit * sei,
                "weight_pct": float(self.weights[i]) if len(self.weights) else None,
            }
            if self.is_ratio:
                for key in ("yi", "ci_lb", "ci_ub"):
                    row[f"{key}_exp"] = math.exp(row[key])
            rows.append(row)
        cleaned: list[dict[str, Any]] = _clean(rows)
        return cleaned

    def summary(self) -> str:
        """A RevMan-style footer: heterogeneity and the test for the overall effect."""
        shown = self.measure if self.measure != "GEN" else "estimate"
        est = self.back(self.estimate)
        lb, ub = self.back(self.ci_lb), self.back(self.ci_ub)
        lines = [
            f"{self.model.capitalize()} effect ({self.method}), {shown}: "
            f"{est:.2f} [{lb:.2f}, {ub:.2f}] ({self.level:g} % CI), k = {self.k}",
        ]
        het = f"Chi² = {self.Q:.2f}, df = {self.Q_df} (P {_p(self.Q_p)}); I² = {self.I2:.0f}%"
        if self.model == "random":
            het = f"Tau² = {self.tau2:.2f}; " + het
        lines.append(
            "Heterogeneity: " + het
            if self.Q_df > 0
            else "Heterogeneity: not applicable (one study)"
        )
        name = "Z" if self.stat_dist == "z" else f"t({self.stat_df:g})"
        lines.append(f"Test for overall effect: {name} = {abs(self.stat):.2f} (P {_p(self.p)})")
        if self.pi_higgins_lb is not None and self.pi_higgins_ub is not None:
            lines.append(
                f"Prediction interval (t, k-2): [{self.back(self.pi_higgins_lb):.2f}, "
                f"{self.back(self.pi_higgins_ub):.2f}]"
            )
        return "\n".join(lines)


def _p(p: float) -> str:
    """P as RevMan 5 prints it: '< 0.00001', '< 0.0001', '= 0.0003', '= 0.003', '= 0.33'."""
    if math.isnan(p):
        return "= NA"
    if p < 0.00001:
        return "< 0.00001"
    if p < 0.0001:
        return "< 0.0001"
    for bound, digits in ((0.001, 4), (0.01, 3)):
        if p < bound:
            return f"= {p:.{digits}f}"
    return f"= {p:.2f}"


def _clean(value: Any) -> Any:
    """NaN -> None, numpy scalars -> Python (JSON-ready)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True, eq=False)
class BatchResult:
    """The fields of ``MetaResult`` as arrays of shape (n,), one entry per analysis."""

    measure: str
    method: str
    test: str
    level: float
    k: NDArray[np.int64]
    estimate: FloatArray
    se: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    stat: FloatArray
    stat_df: FloatArray
    p: FloatArray
    tau2: FloatArray
    tau2_se: FloatArray
    I2: FloatArray
    H2: FloatArray
    Q: FloatArray
    Q_df: NDArray[np.int64]
    Q_p: FloatArray
    pi_lb: FloatArray
    pi_ub: FloatArray
    pi_higgins_lb: FloatArray
    pi_higgins_ub: FloatArray
    converged: NDArray[np.bool_]
    settings: dict[str, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.estimate)
