"""Subgroup analysis: RevMan's separate pooling with the test for subgroup
differences, or metafor's mixed-effects model with one common tau².

``subgroups(..., tau2_common=False)`` pools each subgroup on its own (each with
its own tau², as RevMan 5 and the Cochrane Handbook do) and compares the subgroup
estimates with a fixed-effect Q.  ``tau2_common=True`` fits
``rma(yi, vi, mods = ~ factor(group))``: one residual tau² shared by all
subgroups, the omnibus test QM of the group effects, and the subgroup estimates of
the cell-means parameterisation (``mods = ~ factor(group) - 1``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np

from ..errors import DataError, InsufficientData
from ._metareg import FIXED, checked_studies, meta_regression, rma_single
from ._results import FloatArray, MetaResult, _clean
from ._validate import study_labels

IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True, eq=False)
class SubgroupResult:
    """Each subgroup pooled separately, and the test for subgroup differences.

    ``Q``/``Q_df``/``Q_p``/``I2`` (percent) test whether the subgroup estimates
    differ (NaN with one subgroup: nothing to compare); ``Q_within_sum`` adds up
    the subgroups' own heterogeneity statistics.
    """

    method: str
    groups: tuple[str, ...]
    results: tuple[MetaResult, ...]
    Q: float
    Q_df: int
    Q_p: float
    I2: float
    Q_within_sum: float
    settings: dict[str, Any] = field(default_factory=dict, repr=False)

    def __getitem__(self, group: str) -> MetaResult:
        return self.results[self.groups.index(group)]

    def to_dict(self) -> dict[str, Any]:
        """The reference results' layout: ``subgroups`` by name, the test, the Q sum."""
        per_group = {
            g: {"group": g, **r.to_dict()} for g, r in zip(self.groups, self.results, strict=True)
        }
        test = {"Q": self.Q, "df": self.Q_df, "p": self.Q_p, "I2_pct": self.I2}
        out = {
            "model": "separate",
            "method": self.method,
            "subgroups": per_group,
            "test_subgroup_differences": test,
            "Q_within_sum": self.Q_within_sum,
            "settings": dict(self.settings),
        }
        return _clean(out)  # type: ignore[no-any-return]


@dataclass(frozen=True, eq=False)
class SubgroupModelResult:
    """The mixed-effects subgroup model with a common (residual) tau².

    ``QM`` tests the subgroup effects (chi² on ``QM_df`` df, or F(``QM_df``,
    ``stat_df``) under knha); ``QE`` the residual heterogeneity; ``I2`` (percent),
    ``H2`` and ``R2`` (percent of tau² explained) describe it.  Arrays of shape
    (G,) hold each subgroup's estimate from the cell-means model.
    """

    method: str
    test: str
    level: float
    groups: tuple[str, ...]
    k: IntArray
    tau2: float
    QM: float
    QM_df: int
    QM_p: float
    QE: float
    QE_df: int
    QE_p: float
    I2: float
    H2: float
    R2: float
    estimate: FloatArray
    se: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    stat: FloatArray
    p: FloatArray
    stat_dist: str
    stat_df: int | None
    settings: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The reference results' keys (``residual_tau2``, ``QE_residual``, ...)."""
        name = "z" if self.stat_dist == "z" else "t"
        rows = [
            {"group": g, "k": int(self.k[i]), "estimate": self.estimate[i], "se": self.se[i],
             "ci_lb": self.ci_lb[i], "ci_ub": self.ci_ub[i], name: self.stat[i], "p": self.p[i]}
            for i, g in enumerate(self.groups)
        ]  # fmt: skip
        out = {
            "model": "common_tau2",
            "method": self.method,
            "test": self.test,
            "QM": self.QM,
            "QM_df": self.QM_df,
            "QM_p": self.QM_p,
            "residual_tau2": self.tau2,
            "QE_residual": self.QE,
            "QE_df": self.QE_df,
            "QE_p": self.QE_p,
            "I2_residual_pct": self.I2,
            "H2_residual": self.H2,
            "R2_pct": self.R2,
            "stat_dist": self.stat_dist,
            "stat_df": self.stat_df,
            "subgroups": rows,
            "settings": dict(self.settings),
        }
        return _clean(out)  # type: ignore[no-any-return]


@overload
def subgroups(
    yi: Any,
    vi: Any,
    groups: Sequence[Hashable],
    *,
    method: str = ...,
    tau2_common: Literal[False] = ...,
    test: str = ...,
    level: float = ...,
    measure: str = ...,
    study: Sequence[str] | None = ...,
    levels: Sequence[Hashable] | None = ...,
    control: Mapping[str, Any] | None = ...,
) -> SubgroupResult: ...
@overload
def subgroups(
    yi: Any,
    vi: Any,
    groups: Sequence[Hashable],
    *,
    method: str = ...,
    tau2_common: Literal[True],
    test: str = ...,
    level: float = ...,
    measure: str = ...,
    study: Sequence[str] | None = ...,
    levels: Sequence[Hashable] | None = ...,
    control: Mapping[str, Any] | None = ...,
) -> SubgroupModelResult: ...
@overload
def subgroups(
    yi: Any,
    vi: Any,
    groups: Sequence[Hashable],
    *,
    method: str = ...,
    tau2_common: bool,
    test: str = ...,
    level: float = ...,
    measure: str = ...,
    study: Sequence[str] | None = ...,
    levels: Sequence[Hashable] | None = ...,
    control: Mapping[str, Any] | None = ...,
) -> SubgroupResult | SubgroupModelResult: ...


def subgroups(
    yi: Any,
    vi: Any,
    groups: Sequence[Hashable],
    *,
    method: str = "DL",
    tau2_common: bool = False,
    test: str = "z",
    level: float = 95.0,
    measure: str = "GEN",
    study: Sequence[str] | None = None,
    levels: Sequence[Hashable] | None = None,
    control: Mapping[str, Any] | None = None,
) -> SubgroupResult | SubgroupModelResult:
    """Subgroup analysis, RevMan's way (separate tau²) or metafor's (common tau²).

    Parameters
    ----------
    yi, vi : array_like, shape (k,)
        Estimates and sampling variances (``vi > 0``).
    groups : sequence, shape (k,)
        The subgroup of each study (any labels; shown as text).
    method : str
        tau² estimator (``"DL"``, RevMan's, by default; ``"FE"`` for fixed effect).
    tau2_common : bool
        False: pool every subgroup separately; True: the mixed-effects model.
    test, level, measure, control
        As for ``rma``; ``test="knha"`` gives t and F tests in the common model.
    study : sequence of str, shape (k,), optional
        Study labels (kept in each subgroup's result).
    levels : sequence, optional
        The subgroups and their order; by default the sorted distinct labels (R's
        factor levels).  The first level is the reference of the common model.

    Returns
    -------
    SubgroupResult
        With ``tau2_common=False``.
    SubgroupModelResult
        With ``tau2_common=True``.

    Raises
    ------
    DataError
        Invalid input; a study without a subgroup or in a subgroup not in ``levels``.
    InsufficientData
        A subgroup in ``levels`` without studies; for the common model, fewer than two
        subgroups or no residual degree of freedom (k <= G).

    Notes
    -----
    Separate: with subgroup estimates ``θ_g``, standard errors ``s_g`` and
    ``w_g = 1/s_g²``, ``Q = Σ w_g (θ_g - θ̄)²``, ``θ̄ = Σw_gθ_g/Σw_g``, on ``G - 1``
    df; ``I² = max(0, (Q - df)/Q)``.  Common: ``QM = b'V⁻¹b`` over the ``G - 1``
    group contrasts of ``y = Xb + u + e``; ``R² = max(0, (tau²_RE - tau²)/tau²_RE)``
    with ``tau²_RE`` of the model without subgroups (FE: the adjusted R² of the
    weighted regression), as metafor 3.8.

    References
    ----------
    Borenstein M, Hedges LV, Higgins JPT, Rothstein HR. Introduction to
    Meta-Analysis. Wiley, 2009, ch. 19 (subgroup analyses; Q between, separate vs
    pooled tau²).  Deeks JJ, Higgins JPT, Altman DG. Cochrane Handbook, ch. 10.11.3.1
    (test for subgroup differences).  Viechtbauer W. Conducting meta-analyses in R
    with the metafor package. J Stat Softw 2010;36(3) (mixed-effects model, QM, QE).
    Raudenbush SW. Analyzing effect sizes: random-effects models. In: Cooper H et al.
    (eds.) The Handbook of Research Synthesis and Meta-Analysis, 2nd ed. 2009 (R²).
    """
    y, v = checked_studies(yi, vi)
    names, member = _membership(groups, levels, len(y))
    found = study_labels(study, len(y))
    labels = None if found is None else list(found)
    settings = {"method": method, "test": test, "level": float(level), "levels": list(names)}
    if tau2_common:
        return _common(y, v, names, member, method, test, level, control, settings)
    results = []
    for g in range(len(names)):
        idx = np.flatnonzero(member == g)
        sub = None if labels is None else [labels[i] for i in idx]
        results.append(rma_single(y[idx], v[idx], method=method, test=test, level=level,
                                  measure=measure, study=sub, control=control))  # fmt: skip
    return _separate(method, names, tuple(results), settings)


def subgroup_differences(
    groups: Sequence[str], results: Sequence[MetaResult], *, method: str
) -> SubgroupResult:
    """The test for subgroup differences across subgroups pooled by any method (e.g.
    each by Mantel-Haenszel, as RevMan 5 pools them): a fixed-effect Q across the
    subgroup estimates and their standard errors, on ``G - 1`` df, with I²."""
    if len(groups) != len(results) or not results:
        raise DataError("one result is needed for each subgroup")
    settings = {"method": method, "levels": list(groups)}
    return _separate(method, tuple(groups), tuple(results), settings)


def _membership(
    groups: Sequence[Hashable], levels: Sequence[Hashable] | None, k: int
) -> tuple[tuple[str, ...], IntArray]:
    """Subgroup names and, per study, the index of its subgroup."""
    raw = list(groups)
    if len(raw) != k:
        raise DataError(f"groups has {len(raw)} entries for {k} studies")
    for i, g in enumerate(raw):
        if g is None or (isinstance(g, float) and math.isnan(g)):
            raise DataError(f"study {i + 1} has no subgroup (groups is missing there)")
    if levels is None:
        try:
            order: list[Hashable] = sorted(set(raw))  # type: ignore[type-var]
        except TypeError:
            order = list(dict.fromkeys(raw))
    else:
        order = list(dict.fromkeys(levels))
    position = {g: i for i, g in enumerate(order)}
    unknown = [i for i, g in enumerate(raw) if g not in position]
    if unknown:
        raise DataError(f"study {unknown[0] + 1} is in subgroup {raw[unknown[0]]!r}, not in levels")
    member = np.array([position[g] for g in raw], dtype=np.int64)
    empty = [str(g) for i, g in enumerate(order) if not np.any(member == i)]
    if empty:
        raise InsufficientData(f"subgroup {empty[0]!r} has no studies")
    return tuple(str(g) for g in order), member


def _separate(
    method: str, names: tuple[str, ...], results: tuple[MetaResult, ...], settings: dict[str, Any]
) -> SubgroupResult:
    """The test for subgroup differences: a fixed-effect Q across subgroup estimates."""
    q_within = float(sum(r.Q for r in results))
    if len(results) == 1:
        return SubgroupResult(
            method, names, results, 0.0, 0, math.nan, math.nan, q_within, settings
        )
    est = np.array([r.estimate for r in results])
    var = np.array([r.se for r in results]) ** 2
    between = rma_single(est, var, method="FE")
    i2 = max(0.0, 100 * (between.Q - between.Q_df) / between.Q) if between.Q > 0 else 0.0
    return SubgroupResult(
        method, names, results, between.Q, between.Q_df, between.Q_p, i2, q_within, settings
    )


def _common(
    y: FloatArray,
    v: FloatArray,
    names: tuple[str, ...],
    member: IntArray,
    method: str,
    test: str,
    level: float,
    control: Mapping[str, Any] | None,
    settings: dict[str, Any],
) -> SubgroupModelResult:
    if len(names) < 2:
        raise InsufficientData("one subgroup: the common-tau² model needs at least two to compare")
    cells = (member[:, None] == np.arange(len(names))[None, :]).astype(np.float64)
    X = np.column_stack([np.ones(len(y)), cells[:, 1:]])
    args: dict[str, Any] = dict(method=method, test=test, level=level, control=control)
    contrasts = meta_regression(y, v, X, **args)
    means = meta_regression(y, v, cells, **args)
    return SubgroupModelResult(
        method=method, test=test, level=level, groups=names,
        k=np.bincount(member, minlength=len(names)).astype(np.int64), tau2=contrasts.tau2,
        QM=contrasts.QM, QM_df=contrasts.QM_df, QM_p=contrasts.QM_p, QE=contrasts.QE,
        QE_df=contrasts.QE_df, QE_p=contrasts.QE_p, I2=contrasts.I2, H2=contrasts.H2,
        R2=_r2(y, v, X, contrasts.tau2, method, test, control), estimate=means.beta,
        se=means.se, ci_lb=means.ci_lb, ci_ub=means.ci_ub, stat=means.stat, p=means.p,
        stat_dist=means.stat_dist, stat_df=means.stat_df, settings=settings,
    )  # fmt: skip


def _r2(
    y: FloatArray,
    v: FloatArray,
    X: FloatArray,
    tau2: float,
    method: str,
    test: str,
    control: Mapping[str, Any] | None,
) -> float:
    """metafor 3.8's pseudo R² (percent): tau² explained, or the FE model's adjusted R²."""
    if method in FIXED:
        if np.all(y == y[0]):
            return 0.0
        k, p = X.shape
        w = 1 / v
        Xw = X * w[:, None]
        fitted = X @ np.linalg.solve(X.T @ Xw, Xw.T @ y)
        centre = float(np.sum(w * fitted) / np.sum(w))
        mss = float(np.sum(w * (fitted - centre) ** 2))
        rss = float(np.sum(w * (y - fitted) ** 2))
        adjusted = 1 - (1 - mss / (mss + rss)) * (k - 1) / (k - p)
        return float(max(0.0, 100 * adjusted))
    tau2_re = rma_single(y, v, method=method, test=test, control=control).tau2
    if tau2_re == 0:
        return 0.0
    return max(0.0, 100 * (tau2_re - tau2) / tau2_re)
