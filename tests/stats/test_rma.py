"""rma (inverse-variance fixed and random effects) and the tau² estimators.

Oracles: the metafor 3.8-1 reference cases in ``shared/reference/metafor`` (read via
``conftest``; every numeric field of ``expected`` is compared, per-study rows too).
Tolerances: closed forms (FE, DL, HE, HS, SJ) 1e-10 relative; the iterative
estimators (REML, ML, PM, EB) and the Q-profile interval 1e-8 - we follow metafor's
own algorithms and stopping rules (Fisher scoring to a change of 1e-5, R's
``uniroot`` at eps^(1/4)), so agreement is in fact ~1e-13, but a different stopping
step would move the answer by up to ~1e-7.  A few values computed with the same
metafor (R 4.2.2, metafor 3.8-1) are pinned below with the R call that made them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from sysreview.errors import ConvergenceError, DataError, InsufficientData
from sysreview.stats import confint_tau2
from sysreview.stats._effects import EffectSizes, escalc
from sysreview.stats._results import BatchResult, MetaResult
from sysreview.stats._rma import TESTS, rma
from sysreview.stats._tau2 import TAU2_METHODS, Control

from .conftest import CLOSED_FORM, ITERATIVE, analysis, assert_close, column, load_reference

ITERATIVE_METHODS = {"REML", "ML", "PM", "EB"}
NOT_NUMBERS = {"pi_method", "pi_higgins_method", "studies", "qprofile_ci", "stat_dist"}


def tolerance(method: str) -> float:
    return ITERATIVE if method in ITERATIVE_METHODS else CLOSED_FORM


def check(result: MetaResult, expected: dict[str, Any], rel: float, what: str) -> None:
    """Every field the reference gives, the per-study rows, and the Q-profile interval."""
    got = result.to_dict()
    for key, want in expected.items():
        if key in NOT_NUMBERS:
            continue
        assert key in got, f"{what}: no field {key}"
        assert_close(got[key], want, rel, f"{what} {key}")
    assert got["stat_dist"] == expected["stat_dist"], what
    if "studies" in expected:
        rows = result.studies()
        for key in expected["studies"][0]:
            if key == "study":
                continue
            want = column(expected["studies"], key)
            for j, (a, e) in enumerate(zip(column(rows, key), want, strict=True)):
                assert_close(a, e, rel, f"{what} study {j + 1} {key}")
    if "qprofile_ci" in expected:
        interval = confint_tau2(result).to_dict()
        for key in ("tau2", "tau", "I2_pct", "H2"):
            for a, e in zip(interval[key], expected["qprofile_ci"][key], strict=True):
                assert_close(a, e, ITERATIVE, f"{what} qprofile {key}")


# -- reference cases -------------------------------------------------------------------

BINARY_IV = {
    "p01_bcg_binary_mh_iv_dl": ["RR_IV_FE", "RR_IV_DL", "OR_IV_FE", "OR_IV_DL", "RD_IV_FE",
                                "RD_IV_DL"],
    "p02_yusuf1985_peto": ["OR_IV_FE", "OR_IV_DL"],
    "p03_nielweise2007_zero_cells": ["RR_IV_FE", "RR_IV_DL", "OR_IV_FE", "OR_IV_DL", "RD_IV_FE",
                                     "RD_IV_DL", "RR_IV_FE_drop00", "RR_IV_DL_drop00",
                                     "OR_IV_FE_drop00", "OR_IV_DL_drop00", "RD_IV_FE_addyi_false",
                                     "RD_IV_DL_addyi_false"],
    "p10_hine1989_rd_peto": ["RD_IV_FE", "RD_IV_DL", "OR_IV_FE", "OR_IV_DL"],
    "p12_axfors2021_double_zero": ["RR_IV_FE", "RR_IV_DL", "OR_IV_FE", "OR_IV_DL", "RD_IV_FE",
                                   "RD_IV_DL", "RR_IV_FE_drop00", "RR_IV_DL_drop00",
                                   "OR_IV_FE_drop00", "OR_IV_DL_drop00", "RD_IV_FE_addyi_false",
                                   "RD_IV_DL_addyi_false"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("case", "analysis_id"),
    [(case, a) for case, ids in BINARY_IV.items() for a in ids],
)
def test_binary_inverse_variance(case: str, analysis_id: str) -> None:
    data = load_reference(case)
    entry = analysis(data, analysis_id)
    studies = data["studies"]
    es = escalc(
        analysis_id[:2],
        ai=column(studies, "ai"),
        n1i=column(studies, "n1i"),
        ci=column(studies, "ci"),
        n2i=column(studies, "n2i"),
        drop00="drop00" in analysis_id,
        addyi="addyi_false" not in analysis_id,
        study=[s["study"] for s in studies],
    )
    method = "FE" if "_FE" in analysis_id else "DL"
    check(rma(es, method=method), entry["expected"], CLOSED_FORM, f"{case} {analysis_id}")


@pytest.mark.parametrize(
    "analysis_id",
    ["MD_IV_FE", "MD_IV_DL", "SMD_IV_FE", "SMD_IV_DL", "SMD_revman5_formula_IV_FE",
     "SMD_revman5_formula_IV_DL"],
)  # fmt: skip
def test_continuous_inverse_variance(analysis_id: str) -> None:
    entry = analysis(load_reference("p04_normand1999_md_smd"), analysis_id)
    rows = entry["expected"]["studies"]
    result = rma(
        column(rows, "yi"),
        column(rows, "vi"),
        method="FE" if analysis_id.endswith("FE") else "DL",
        measure=analysis_id.split("_")[0],
        study=[r["study"] for r in rows],
    )
    check(result, entry["expected"], CLOSED_FORM, analysis_id)


@pytest.mark.parametrize("analysis_id", ["GIV_FE", "GIV_DL"])
def test_generic_inverse_variance(analysis_id: str) -> None:
    data = load_reference("p05_hackshaw1998_generic_iv")
    studies = data["studies"]
    result = rma(
        column(studies, "yi"),
        column(studies, "vi"),
        method=analysis_id[-2:],
        measure="OR",
        study=[s["study"] for s in studies],
    )
    check(result, analysis(data, analysis_id)["expected"], CLOSED_FORM, analysis_id)


P06 = [f"RE_{m}_{t}" for m in ("DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS") for t in TESTS]


@pytest.mark.parametrize("analysis_id", P06)
def test_tau2_estimators_knha_qprofile(analysis_id: str) -> None:
    data = load_reference("p06_bcg_tau2_estimators_knha_qprofile")
    entry = analysis(data, analysis_id)
    method, test = entry["settings"]["tau2_estimator"], entry["settings"]["test"]
    studies = data["studies"]
    result = rma(column(studies, "yi"), column(studies, "vi"), method=method, test=test,
                 measure="RR")  # fmt: skip
    check(result, entry["expected"], tolerance(method), analysis_id)


@pytest.mark.parametrize(
    "analysis_id",
    [f"{m}_{e}_{t}" for m, es in (("SMD", ("DL", "REML", "PM")), ("MD", ("DL", "REML")))
     for e in es for t in ("z", "knha")],
)  # fmt: skip
def test_knha_and_prediction_intervals(analysis_id: str) -> None:
    data = load_reference("p11_normand1999_knha_pi")
    entry = analysis(data, analysis_id)
    measure, method, test = analysis_id.split("_")
    # p11 lists raw means; its per-study yi/vi are p04's (same data, same measures).
    rows = analysis(load_reference("p04_normand1999_md_smd"), f"{measure}_IV_FE")["expected"]
    result = rma(column(rows["studies"], "yi"), column(rows["studies"], "vi"), method=method,
                 test=test, measure=measure)  # fmt: skip
    check(result, entry["expected"], tolerance(method), analysis_id)


def bcg() -> tuple[list[float], list[float]]:
    studies = load_reference("p06_bcg_tau2_estimators_knha_qprofile")["studies"]
    return column(studies, "yi"), column(studies, "vi")


# Pinned with metafor 3.8-1: dat <- escalc("RR", ai=tpos, bi=tneg, ci=cpos, di=cneg,
# data=dat.bcg); rma(yi, vi, data=dat, method=m, tau2=0.2[, test="knha"]).
FIXED_TAU2 = {
    ("DL", "z"): (-0.69981657311364254, 0.15074227921231909, 0.15119128246581856),
    ("REML", "z"): (-0.69981657311364254, 0.15074227921231909, 0.11489138951637221),
    ("SJ", "z"): (-0.69981657311364254, 0.15074227921231909, 0.10404832348166124),
    ("DL", "knha"): (-0.69981657311364254, 0.17766620460155472, 0.15119128246581856),
}


@pytest.mark.parametrize(("method", "test"), list(FIXED_TAU2))
def test_fixed_tau2_as_metafor(method: str, test: str) -> None:
    yi, vi = bcg()
    result = rma(yi, vi, method=method, test=test, tau2=0.2)
    estimate, se, tau2_se = FIXED_TAU2[(method, test)]
    assert result.tau2 == 0.2 and result.settings["tau2_fixed"] is True
    assert_close(result.estimate, estimate, CLOSED_FORM, "estimate")
    assert_close(result.se, se, CLOSED_FORM, "se")
    assert_close(result.tau2_se, tau2_se, CLOSED_FORM, "tau2_se")
    assert_close(result.I2, 88.330954676978138, CLOSED_FORM, "I2")
    assert_close(result.H2, 8.5696813434009051, CLOSED_FORM, "H2")
    if test == "knha":
        assert_close(result.pi_lb, -1.7482881120022331, CLOSED_FORM, "pi_lb")
    with pytest.raises(DataError, match="estimated"):
        confint_tau2(result)


def test_fixed_effect_with_knha_as_metafor() -> None:
    # metafor 3.8-1: rma(yi, vi, data=dat, method="FE", test="knha")
    result = rma(*bcg(), method="FE", test="knha")
    assert_close(result.se, 0.14424654797969555, CLOSED_FORM, "se")
    assert_close(result.p, 0.011422235040053231, CLOSED_FORM, "p")
    assert_close(result.ci_lb, -0.74457139302746111, CLOSED_FORM, "ci_lb")
    assert result.pi_lb is None and result.stat_dist == "t"


# -- batch against single --------------------------------------------------------------

BATCH_FIELDS = ("estimate", "se", "ci_lb", "ci_ub", "stat", "stat_df", "p", "tau2", "I2", "H2",
                "Q", "Q_p", "pi_lb", "pi_ub", "pi_higgins_lb", "pi_higgins_ub")  # fmt: skip


def ragged(seed: int, n: int = 30, k: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """Random analyses with 0..k studies each, NaN padding scattered over the row."""
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 1.0, (n, k))
    yi = rng.normal(0.2, np.sqrt(vi + rng.choice([0.0, 0.05, 0.5], (n, 1))))
    present = rng.random((n, k)) < rng.uniform(0.1, 1.0, (n, 1))
    present[0], present[1], present[2] = False, False, True
    present[1, 3] = True  # row 0 has no study, row 1 exactly one, row 2 all
    return np.where(present, yi, np.nan), np.where(present, vi, np.nan)


@pytest.mark.parametrize("method", ["FE", *TAU2_METHODS])
@pytest.mark.parametrize("test", ["z", "knha"])
def test_batch_equals_single_calls(method: str, test: str) -> None:
    yi, vi = ragged(seed=20240607)
    batch = rma(yi, vi, method=method, test=test)
    assert isinstance(batch, BatchResult) and len(batch) == len(yi)
    assert batch.k[0] == 0 and all(math.isnan(getattr(batch, f)[0]) for f in BATCH_FIELDS)
    for i in range(1, len(yi)):
        keep = ~np.isnan(yi[i])
        one = rma(yi[i][keep], vi[i][keep], method=method, test=test)
        assert isinstance(one, MetaResult)
        assert batch.k[i] == one.k and batch.Q_df[i] == one.Q_df and batch.converged[i]
        for name in BATCH_FIELDS:
            # Padding changes the order of summation: rounding, 1e-16 of the variances,
            # which is 1e-12 relative only where tau² itself is that small.
            a, e = getattr(batch, name)[i], getattr(one, name)
            e = math.nan if e is None else e
            assert math.isclose(a, e, rel_tol=1e-12, abs_tol=1e-12) or (
                math.isnan(a) and math.isnan(e)), f"row {i} {name}: {a} != {e}"  # fmt: skip


def test_batch_takes_sei_and_fixed_tau2_per_row() -> None:
    yi, vi = ragged(seed=7)
    by_se = rma(yi, sei=np.sqrt(vi), method="DL", tau2=np.linspace(0, 1, len(yi)))
    by_vi = rma(yi, vi, method="DL", tau2=np.linspace(0, 1, len(yi)))
    assert isinstance(by_se, BatchResult) and isinstance(by_vi, BatchResult)
    np.testing.assert_allclose(by_se.estimate, by_vi.estimate, rtol=1e-14)
    assert by_vi.tau2[5] == pytest.approx(5 / (len(yi) - 1))
    assert by_vi.settings["tau2_fixed"] is True


def test_a_seeded_simulation_gives_the_same_answer_twice() -> None:
    first = rma(*ragged(seed=99), method="REML")
    second = rma(*ragged(seed=99), method="REML")
    assert isinstance(first, BatchResult) and isinstance(second, BatchResult)
    for name in BATCH_FIELDS:
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))


# -- edge cases ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["FE", *TAU2_METHODS])
def test_one_study(method: str) -> None:
    # metafor 3.8-1: rma(0.5, 0.1): estimate 0.5, se sqrt(0.1), QE 0, QEp 1, I2 0, H2 1
    result = rma([0.5], [0.1], method=method, test="knha")
    assert (result.k, result.estimate, result.se) == (1, 0.5, math.sqrt(0.1))
    assert (result.tau2, result.Q, result.Q_df, result.Q_p, result.I2, result.H2) == (
        0.0, 0.0, 0, 1.0, 0.0, 1.0)  # fmt: skip
    assert result.tau2_se is None and result.pi_higgins_lb is None
    assert result.test == "z" and result.settings["test_requested"] == "knha"
    if method != "FE":
        assert result.pi_lb == result.ci_lb  # tau² = 0: the PI is the CI
        with pytest.raises(InsufficientData):
            confint_tau2(result)
    assert "not applicable" in result.summary()


def test_no_estimable_study() -> None:
    es = EffectSizes("RR", np.array([np.nan, np.nan]), np.array([np.nan, np.nan]))
    with pytest.raises(InsufficientData, match="k = 0"):
        rma(es, method="DL")


@pytest.mark.parametrize("method", [m for m in TAU2_METHODS if m != "SJ"])
def test_tau2_is_truncated_at_zero(method: str) -> None:
    """SJ is left out: it is positive whenever the effects are not all equal."""
    yi = [0.10, 0.12, 0.09, 0.11, 0.10]  # far less spread than the variances allow
    vi = [0.04, 0.05, 0.03, 0.06, 0.05]
    result = rma(yi, vi, method=method)
    assert result.tau2 == 0.0 and result.I2 == 0.0 and result.H2 == 1.0
    fixed = rma(yi, vi, method="FE")
    assert_close(result.estimate, fixed.estimate, 1e-14, "estimate")
    assert_close(result.se, fixed.se, 1e-14, "se")
    assert result.pi_lb == pytest.approx(result.ci_lb, rel=1e-14)
    assert confint_tau2(result).tau2[1] == 0.0


@pytest.mark.parametrize("method", ["FE", *TAU2_METHODS])
def test_all_effects_equal(method: str) -> None:
    # metafor 3.8-1: rma(rep(0.7,5), c(.1,.2,.3,.4,.5), test="knha"): se 0, zval Inf, p 0
    vi = [0.1, 0.2, 0.3, 0.4, 0.5]
    result = rma([0.7] * 5, vi, method=method, test="knha")
    assert result.estimate == pytest.approx(0.7, rel=1e-15)
    assert (result.tau2, result.se, result.stat, result.p) == (0.0, 0.0, math.inf, 0.0)
    assert abs(result.Q) < 1e-28 and result.I2 == 0.0
    z = rma([0.7] * 5, vi, method=method)
    assert z.se == pytest.approx(1 / math.sqrt(sum(1 / v for v in vi)), rel=1e-14)


@pytest.mark.parametrize("scale", [1e-6, 1e6])
@pytest.mark.parametrize("method", ["FE", "DL", "HE", "HS", "SJ", "REML", "PM"])
def test_tiny_and_huge_variances(scale: float, method: str) -> None:
    """Scaling y by c and v by c² scales tau² by c² and leaves I², Q and p alone."""
    yi, vi = bcg()
    base = rma(yi, vi, method=method)
    default = Control()
    control = {"threshold": default.threshold * scale**2, "tol": default.tol * scale**2,
               "tau2_max": 100 * scale**2}  # fmt: skip
    scaled = rma([y * scale for y in yi], [v * scale**2 for v in vi], method=method,
                 control=control if method in ITERATIVE_METHODS else None)  # fmt: skip
    assert_close(scaled.estimate, base.estimate * scale, 1e-9, "estimate")
    assert_close(scaled.tau2, base.tau2 * scale**2, 1e-8, "tau2")
    for name in ("I2", "H2", "Q", "p", "stat"):
        assert_close(getattr(scaled, name), getattr(base, name), 1e-8, name)


def test_variances_spanning_sixteen_orders() -> None:
    result = rma([0.1, 0.5, -0.2, 0.3], [1e-8, 1.0, 1e8, 0.5], method="REML")
    assert all(math.isfinite(x) for x in (result.estimate, result.se, result.tau2, result.I2))
    assert result.weights[0] == pytest.approx(100, rel=1e-6)


def test_nan_in_an_array_names_the_study() -> None:
    with pytest.raises(DataError, match=r"yi .*study 2"):
        rma([0.1, float("nan"), 0.3], [0.1, 0.1, 0.1])
    with pytest.raises(DataError, match=r"vi .*study 3"):
        rma([0.1, 0.2, 0.3], [0.1, 0.1, float("inf")])


def test_a_non_positive_variance_names_the_study() -> None:
    with pytest.raises(DataError, match="study 2"):
        rma([0.1, 0.2, 0.3], [0.1, 0.0, 0.1])
    with pytest.raises(DataError, match="analysis 2, study 1"):
        rma(np.array([[0.1, 0.2], [0.3, 0.4]]), np.array([[0.1, 0.1], [-1.0, 0.1]]))
    with pytest.raises(DataError, match="analysis 1, study 2"):
        rma(np.array([[0.1, np.inf]]), np.array([[0.1, 0.1]]))


def test_mismatched_lengths_and_shapes() -> None:
    with pytest.raises(DataError, match="differ in length"):
        rma([0.1, 0.2, 0.3], [0.1, 0.1])
    with pytest.raises(DataError, match="shape"):
        rma(np.zeros((2, 3)), np.ones((2, 2)))
    with pytest.raises(DataError, match="labels"):
        rma([0.1, 0.2], [0.1, 0.1], study=["a"])


def test_bad_arguments() -> None:
    yi, vi = [0.1, 0.2, 0.4], [0.1, 0.1, 0.2]
    for kwargs, message in (
        ({"method": "MH"}, "method"),
        ({"test": "t"}, "test"),
        ({"level": 0.95}, "level"),
        ({"method": "FE", "tau2": 0.1}, "FE"),
        ({"tau2": -0.1}, "tau2"),
        ({"control": {"maxit": 5}}, "unknown control"),
        ({"control": {"threshold": 0}}, "threshold"),
    ):
        with pytest.raises(DataError, match=message):
            rma(yi, vi, **kwargs)
    with pytest.raises(DataError, match="one"):
        rma(yi, vi, sei=vi)
    with pytest.raises(DataError, match="one"):
        rma(yi)
    with pytest.raises(DataError, match="EffectSizes"):
        rma(escalc("GEN", yi=yi, vi=vi), vi)


def test_standard_errors_equal_variances() -> None:
    yi, vi = bcg()
    by_se = rma(yi, sei=[math.sqrt(v) for v in vi], method="DL")
    assert_close(by_se.estimate, rma(yi, vi, method="DL").estimate, 1e-14, "estimate")


@pytest.mark.parametrize("method", ["REML", "ML", "EB"])
def test_fisher_scoring_that_does_not_converge(method: str) -> None:
    yi, vi = bcg()
    with pytest.raises(ConvergenceError, match=method):
        rma(yi, vi, method=method, control={"maxiter": 1})
    batch = rma(np.array([yi, yi]), np.array([vi, vi]), method=method, control={"maxiter": 1})
    assert isinstance(batch, BatchResult)
    assert not batch.converged.any() and np.isnan(batch.tau2).all()


def test_paule_mandel_beyond_its_search_interval() -> None:
    yi, vi = bcg()  # PM tau² is 0.318
    with pytest.raises(ConvergenceError, match="PM"):
        rma(yi, vi, method="PM", control={"tau2_max": 0.01})
    assert rma(yi, vi, method="PM", control={"tau2_max": 1.0}).tau2 == pytest.approx(0.318, 1e-3)


def test_tighter_control_reaches_the_exact_root() -> None:
    """With metafor's defaults PM stops 8e-5 short; tight tolerances solve Q(tau²) = k-1."""
    yi, vi = bcg()
    result = rma(yi, vi, method="PM", control={"tol": 1e-15})
    w = [1 / (v + result.tau2) for v in vi]
    mean = sum(wi * y for wi, y in zip(w, yi, strict=True)) / sum(w)
    q = sum(wi * (y - mean) ** 2 for wi, y in zip(w, yi, strict=True))
    assert q == pytest.approx(len(yi) - 1, rel=1e-12)


def test_effect_sizes_keep_not_estimable_studies_as_nan() -> None:
    es = escalc("RR", ai=[0, 4, 6, 2], n1i=[10, 50, 60, 40], ci=[0, 9, 12, 5], n2i=[10, 50, 60, 40],
                drop00=True, study=["a", "b", "c", "d"])  # fmt: skip
    result = rma(es, method="DL")
    assert result.k == 3 and result.study == ("a", "b", "c", "d")
    assert math.isnan(result.weights[0]) and np.nansum(result.weights) == pytest.approx(100)
    assert result.settings["escalc"]["drop00"] is True and result.measure == "RR"


def test_q_profile_interval_needs_a_random_effects_fit() -> None:
    with pytest.raises(DataError, match="random-effects"):
        confint_tau2(rma(*bcg(), method="FE"))
    interval = confint_tau2(rma(*bcg(), method="REML"), level=90)
    wider = confint_tau2(rma(*bcg(), method="REML"))
    assert wider.tau2[1] < interval.tau2[1] < interval.tau2[2] < wider.tau2[2]
