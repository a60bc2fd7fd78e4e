"""Per-study effect sizes (``escalc``) and the helpers that build generic inputs.

Reference values: metafor 3.8-1 / metadat 1.2-0, ``shared/reference/metafor`` (see
its README and ``conftest.py``).  Every analysis in p01-p04, p10 and p12 that lists
per-study ``yi``/``vi`` is recomputed here; p05, p06 and p11 are checked through
their inputs and closed-form Q.  All are closed forms: 1e-10 relative.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np
import pytest

from sysreview.errors import DataError, InsufficientData
from sysreview.stats._continuous import continuous_effects, hedges_j
from sysreview.stats._convert import (
    mean_sd_from_five_numbers,
    mean_sd_from_median_iqr,
    mean_sd_from_median_range,
    sd_from_ci,
    sd_from_se,
    se_from_sd,
)
from sysreview.stats._effects import escalc, table2x2
from sysreview.stats._generic import (
    generic_effects,
    log_hr_from_oe,
    se_from_ci,
    se_from_p,
    yi_from_ci,
)

from .conftest import CLOSED_FORM, analysis, assert_close, column, load_reference

BINARY_CASES = [
    "p01_bcg_binary_mh_iv_dl",
    "p02_yusuf1985_peto",
    "p03_nielweise2007_zero_cells",
    "p10_hine1989_rd_peto",
    "p12_axfors2021_double_zero",
]
CONTINUOUS = ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")


def _inputs(case: dict[str, Any], keys: tuple[str, ...]) -> dict[str, list[float]]:
    return {key: column(case["studies"], key) for key in keys}


def _assert_studies(yi: Any, vi: Any, expected: list[dict[str, Any]], what: str) -> None:
    assert len(yi) == len(expected), what
    for i, row in enumerate(expected):
        assert_close(yi[i], row["yi"], CLOSED_FORM, f"{what} study {i + 1} yi")
        assert_close(vi[i], row["vi"], CLOSED_FORM, f"{what} study {i + 1} vi")


def _binary_settings(analysis_id: str) -> dict[str, Any]:
    """escalc settings behind each analysis' per-study values (see its r_call).

    IV: rma(..., drop00=FALSE) unless the id ends in ``drop00``; ``addyi_false``:
    escalc(addyi=FALSE).  MH: rma.mh shows per-study values with drop00=TRUE, except
    the RD "cc_in_MH" variant, which was called with drop00=c(FALSE, FALSE).
    """
    measure = analysis_id[:2]
    if "_MH_" in analysis_id:
        drop00 = not (measure == "RD" and analysis_id.endswith("cc_in_MH"))
    else:
        drop00 = analysis_id.endswith("drop00")
    return {"measure": measure, "drop00": drop00, "addyi": "addyi_false" not in analysis_id}


# --- reference cases ---------------------------------------------------------------


@pytest.mark.parametrize("case_id", BINARY_CASES)
def test_binary_per_study_matches_metafor(case_id: str) -> None:
    case = load_reference(case_id)
    counts = _inputs(case, ("ai", "ci", "n1i", "n2i"))
    checked = 0
    for entry in case["analyses"]:
        if "PETO" in entry["id"]:
            continue  # Peto's per-study values: test_peto_per_study_matches_metafor
        settings = _binary_settings(entry["id"])
        es = escalc(settings.pop("measure"), add=0.5, to="only0", **settings, **counts)
        _assert_studies(es.yi, es.vi, entry["expected"]["studies"], entry["id"])
        checked += 1
    with_studies = [a for a in case["analyses"] if "studies" in a["expected"]]
    assert checked == len([a for a in with_studies if "PETO" not in a["id"]])


@pytest.mark.parametrize("case_id", [c for c in BINARY_CASES if c != "p01_bcg_binary_mh_iv_dl"])
def test_peto_per_study_matches_metafor(case_id: str) -> None:
    """rma.peto shows (O - E)/V and 1/V per study from tables with 0.5 added to
    zero-cell studies (its add=1/2, to="only0") and double-zero studies dropped,
    although the pooled Peto estimate uses the raw counts."""
    case = load_reference(case_id)
    raw = table2x2(**_inputs(case, ("ai", "ci", "n1i", "n2i")))
    t = raw.corrected(0.5, "only0")
    n = t.n1i + t.n2i
    events = t.ai + t.ci
    o_minus_e = t.ai - t.n1i * events / n
    v = t.n1i * t.n2i * events * (t.bi + t.di) / (n**2 * (n - 1))
    keep = ~raw.double_zero
    yi, vi = np.full(len(n), np.nan), np.full(len(n), np.nan)
    yi[keep], vi[keep] = log_hr_from_oe(o_minus_e[keep], v[keep])
    _assert_studies(yi, vi, analysis(case, "OR_PETO_FE")["expected"]["studies"], case_id)


def test_bcg_log_rr_inputs_of_p06() -> None:
    case = load_reference("p06_bcg_tau2_estimators_knha_qprofile")
    es = escalc("RR", **_inputs(case, ("ai", "ci", "n1i", "n2i")))
    _assert_studies(es.yi, es.vi, case["studies"], "p06 inputs")


@pytest.mark.parametrize(
    ("analysis_id", "measure", "vtype"),
    [
        ("MD_IV_FE", "MD", "LS"),
        ("MD_IV_DL", "MD", "LS"),
        ("SMD_IV_FE", "SMD", "LS"),
        ("SMD_IV_DL", "SMD", "LS"),
        ("SMD_revman5_formula_IV_FE", "SMD", "revman5"),
        ("SMD_revman5_formula_IV_DL", "SMD", "revman5"),
    ],
)
def test_continuous_per_study_matches_metafor(analysis_id: str, measure: str, vtype: str) -> None:
    case = load_reference("p04_normand1999_md_smd")
    es = escalc(measure, vtype=vtype, **_inputs(case, CONTINUOUS))
    _assert_studies(es.yi, es.vi, analysis(case, analysis_id)["expected"]["studies"], analysis_id)


def _fixed_effect_q(yi: Any, vi: Any) -> float:
    w = 1 / np.asarray(vi)
    centre = np.sum(w * yi) / np.sum(w)
    return float(np.sum(w * (yi - centre) ** 2))


def test_p11_inputs_give_its_heterogeneity_q() -> None:
    """p11 lists no per-study values; Q = Σ w (y - ȳ_w)², w = 1/v, depends on them
    alone (not on the tau² estimator), so it checks yi and vi in closed form."""
    case = load_reference("p11_normand1999_knha_pi")
    assert case["studies"] == load_reference("p04_normand1999_md_smd")["studies"]
    for entry in case["analyses"]:
        es = escalc(entry["id"].split("_")[0], **_inputs(case, CONTINUOUS))
        assert_close(
            _fixed_effect_q(es.yi, es.vi), entry["expected"]["Q"], CLOSED_FORM, entry["id"]
        )


def test_generic_inputs_of_p05() -> None:
    case = load_reference("p05_hackshaw1998_generic_iv")
    given = _inputs(case, ("yi", "vi"))
    es = escalc("GEN", **given)
    _assert_studies(es.yi, es.vi, analysis(case, "GIV_FE")["expected"]["studies"], "GIV_FE")
    q = _fixed_effect_q(es.yi, es.vi)
    assert_close(q, analysis(case, "GIV_FE")["expected"]["Q"], CLOSED_FORM, "Q")
    by_se = escalc("GEN", yi=given["yi"], sei=np.sqrt(given["vi"]))
    np.testing.assert_allclose(by_se.vi, given["vi"], rtol=CLOSED_FORM)


def test_p05_published_or_and_ci_reproduce_metadat() -> None:
    """metadat took yi = log(OR) and se = (log ub - log lb)/(2 z) with the exact
    z = 1.959964 (not 1.96, which is off by 4e-5 in vi)."""
    case = load_reference("p05_hackshaw1998_generic_iv")
    ratio, lb, ub = (np.array(column(case["studies"], k)) for k in ("or", "or_lb", "or_ub"))
    yi = yi_from_ci(ratio, lb, ub, log=True)
    se = se_from_ci(lb, ub, log=True)
    given = _inputs(case, ("yi", "vi"))
    np.testing.assert_allclose(yi, given["yi"], rtol=CLOSED_FORM)
    np.testing.assert_allclose(se**2, given["vi"], rtol=CLOSED_FORM)
    rounded_z = ((np.log(ub) - np.log(lb)) / (2 * 1.96)) ** 2
    assert np.max(np.abs(rounded_z / np.array(given["vi"]) - 1)) > 1e-5


# --- zero cells on a hand-computed table ----------------------------------------------

# Study 1 has a zero cell, study 2 none: a, b, c, d = (0, 10, 5, 5) and (2, 8, 4, 6).
ZERO_TABLE = {"ai": [0, 2], "bi": [10, 8], "ci": [5, 4], "di": [5, 6]}
STUDY1_OR = (math.log(0.5 * 5.5 / (10.5 * 5.5)), 1 / 0.5 + 1 / 10.5 + 2 / 5.5)
STUDY2_RAW_OR = (math.log(2 * 6 / (8 * 4)), 1 / 2 + 1 / 8 + 1 / 4 + 1 / 6)
STUDY2_FIXED_OR = (math.log(2.5 * 6.5 / (8.5 * 4.5)), 1 / 2.5 + 1 / 8.5 + 1 / 4.5 + 1 / 6.5)


@pytest.mark.parametrize(
    ("to", "study2"),
    [("only0", STUDY2_RAW_OR), ("all", STUDY2_FIXED_OR), ("if0all", STUDY2_FIXED_OR)],
)
def test_zero_cell_correction_targets(to: Any, study2: tuple[float, float]) -> None:
    es = escalc("OR", to=to, **ZERO_TABLE)
    np.testing.assert_allclose(es.yi, [STUDY1_OR[0], study2[0]], rtol=1e-14)
    np.testing.assert_allclose(es.vi, [STUDY1_OR[1], study2[1]], rtol=1e-14)


def test_if0all_leaves_tables_without_zeros_alone() -> None:
    es = escalc("OR", to="if0all", ai=[2], bi=[8], ci=[4], di=[6])
    np.testing.assert_allclose([es.yi[0], es.vi[0]], STUDY2_RAW_OR, rtol=1e-14)


def test_no_correction_makes_zero_cell_study_not_estimable() -> None:
    es = escalc("OR", to="none", **ZERO_TABLE)
    assert math.isnan(es.yi[0]) and math.isnan(es.vi[0])
    np.testing.assert_allclose([es.yi[1], es.vi[1]], STUDY2_RAW_OR, rtol=1e-14)


def test_drop00_removes_double_zero_study() -> None:
    table = {"ai": [0], "bi": [10], "ci": [0], "di": [20]}
    kept = escalc("RR", **table)
    assert kept.yi[0] == pytest.approx(math.log((0.5 / 11) / (0.5 / 21)), rel=1e-14)
    dropped = escalc("RR", drop00=True, **table)
    assert math.isnan(dropped.yi[0]) and math.isnan(dropped.vi[0])


def test_rd_addyi_false_takes_yi_from_raw_counts() -> None:
    es = escalc("RD", addyi=False, ai=[0], bi=[10], ci=[5], di=[5])
    p1, p2 = 0.5 / 11, 5.5 / 11
    assert es.yi[0] == pytest.approx(0 / 10 - 5 / 10, rel=1e-14)
    assert es.vi[0] == pytest.approx(p1 * (1 - p1) / 11 + p2 * (1 - p2) / 11, rel=1e-14)


# --- continuous: hand-computed values and edges ---------------------------------------

HAND = {"m1i": [1.0], "sd1i": [1.0], "n1i": [10], "m2i": [0.0], "sd2i": [1.0], "n2i": [10]}


def test_md_by_hand() -> None:
    yi, vi = continuous_effects("MD", [5], [2], [10], [3], [4], [20])
    assert (yi[0], vi[0]) == pytest.approx((2.0, 4 / 10 + 16 / 20), rel=1e-15)


def test_md_ignores_vtype() -> None:
    revman = continuous_effects("MD", [5], [2], [10], [3], [4], [20], vtype="revman5")
    np.testing.assert_array_equal(revman, continuous_effects("MD", [5], [2], [10], [3], [4], [20]))


def test_smd_ls_by_hand() -> None:
    """d = 1, m = 18, J = Γ(9)/(3 Γ(8.5)); v = 1/10 + 1/10 + g²/40."""
    g = math.gamma(9) / (3 * math.gamma(8.5))
    yi, vi = continuous_effects("SMD", *HAND.values())
    assert (yi[0], vi[0]) == pytest.approx((g, 0.2 + g**2 / 40), rel=1e-13)


def test_smd_revman5_by_hand() -> None:
    g = 1 - 3 / (4 * 20 - 9)
    yi, vi = continuous_effects("SMD", *HAND.values(), vtype="revman5")
    assert (yi[0], vi[0]) == pytest.approx((g, 20 / 100 + g**2 / (2 * 16.06)), rel=1e-14)


@pytest.mark.parametrize(
    ("m", "exact"),
    [
        (2, 1 / math.sqrt(math.pi)),
        (3, math.sqrt(math.pi) / 2 / math.sqrt(1.5)),
        (4, math.sqrt(2 / math.pi)),
    ],
)
def test_hedges_j_closed_forms(m: float, exact: float) -> None:
    assert hedges_j([m])[0] == pytest.approx(exact, rel=1e-14)


@pytest.mark.parametrize("m", [1e4, 1e5, 1e6, 1e7])
def test_hedges_j_for_large_samples(m: float) -> None:
    """J = 1 - 3/(4m - 1) - 1/(32m²) + O(m⁻³); log-gamma differences would be off
    by up to 1e-8 here."""
    assert hedges_j([m])[0] == pytest.approx(1 - 3 / (4 * m - 1) - 1 / (32 * m**2), rel=1e-13)


def test_hedges_j_is_continuous_where_the_series_takes_over() -> None:
    below, at = hedges_j([100 - 1e-9, 100.0])
    by_gamma = math.exp(math.lgamma(50) - math.log(math.sqrt(50)) - math.lgamma(49.5))
    assert at == pytest.approx(by_gamma, rel=1e-13)
    assert below == pytest.approx(at, rel=1e-10)


def test_hedges_j_rejects_too_few_df() -> None:
    with pytest.raises(DataError, match="df must be at least 2 in study 2"):
        hedges_j([5, 1])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sd1i", 0.0, "sd1i is not positive in study 2"),
        ("sd2i", -1.0, "sd2i is not positive in study 2"),
        ("n1i", 0, "n1i is below 1 in study 2"),
        ("m2i", math.nan, "m2i is not a finite number in study 2"),
        ("sd1i", math.inf, "sd1i is not a finite number in study 2"),
    ],
)
def test_continuous_bad_values(field: str, value: float, message: str) -> None:
    data = {k: [v[0], v[0]] for k, v in HAND.items()}
    data[field][1] = value
    with pytest.raises(DataError, match=message):
        escalc("SMD", **data)


def test_smd_needs_four_participants() -> None:
    data = {k: [v[0], v[0]] for k, v in HAND.items()} | {"n1i": [10, 2], "n2i": [10, 1]}
    with pytest.raises(DataError, match=r"at least 4 participants .* in study 2"):
        escalc("SMD", **data)
    escalc("MD", **data)  # MD has no such limit


def test_continuous_mismatched_lengths_and_empty() -> None:
    with pytest.raises(DataError, match="differ in length"):
        escalc("MD", **(HAND | {"n2i": [10, 10]}))
    with pytest.raises(DataError, match="m1i is empty"):
        escalc("MD", **(HAND | {"m1i": []}))


def test_continuous_unknown_vtype_and_measure() -> None:
    with pytest.raises(DataError, match="vtype='UB'"):
        escalc("SMD", vtype="UB", **HAND)
    with pytest.raises(DataError, match="not a continuous measure"):
        continuous_effects("OR", *HAND.values())


# --- binary and dispatcher error paths ------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"ai": [1, -1], "ci": [1, 1], "n1i": [5, 5], "n2i": [5, 5]}, "ai is negative in study 2"),
        ({"ai": [1, 6], "ci": [1, 1], "n1i": [5, 5], "n2i": [5, 5]}, "exceeds .* in study 2"),
        ({"ai": [1, 1], "bi": [4, 4], "ci": [1, 1], "di": [4, -2]}, "di is negative in study 2"),
        ({"ai": [1, math.nan], "ci": [1, 1], "n1i": [5, 5], "n2i": [5, 5]}, "ai is not a finite"),
        ({"ai": [1, 1], "ci": [1], "n1i": [5, 5], "n2i": [5, 5]}, "differ in length"),
        ({"ai": [], "ci": [], "n1i": [], "n2i": []}, "ai is empty"),
        ({"ai": [0, 0], "ci": [1, 1], "n1i": [5, 0], "n2i": [5, 5]}, "study 2 has an empty group"),
        ({"ai": [1], "ci": [1]}, "give non-events"),
    ],
)
def test_binary_bad_counts(counts: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        escalc("OR", **counts)


def test_unknown_measure_and_to() -> None:
    with pytest.raises(DataError, match="measure 'HR' is not one of"):
        escalc("HR", yi=[0.1], vi=[0.1])
    with pytest.raises(DataError, match="to='some'"):
        escalc("OR", to="some", **ZERO_TABLE)  # type: ignore[arg-type]


# --- generic inverse variance -------------------------------------------------------


def test_generic_from_se_squares_it() -> None:
    yi, vi = generic_effects([0.1, -0.2], sei=[0.5, 2.0])
    assert list(vi) == [0.25, 4.0] and list(yi) == [0.1, -0.2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"yi": [0.1], "vi": [0.1], "sei": [0.3]}, "exactly one of vi"),
        ({"yi": [0.1]}, "exactly one of vi"),
        ({"yi": [0.1, 0.2], "vi": [0.1, 0.0]}, "vi is not positive in study 2"),
        ({"yi": [0.1, 0.2], "sei": [0.1, -1]}, "sei is not positive in study 2"),
        ({"yi": [0.1, math.nan], "vi": [0.1, 0.1]}, "yi is not a finite number in study 2"),
        ({"yi": [0.1, 0.2], "vi": [0.1]}, "differ in length"),
    ],
)
def test_generic_bad_input(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        generic_effects(**kwargs)


def test_se_from_ci_difference_and_ratio() -> None:
    z = NormalDist().inv_cdf(0.975)
    assert se_from_ci([-1.0], [3.0])[0] == pytest.approx(4 / (2 * z), rel=1e-14)
    assert se_from_ci([0.5], [2.0], log=True)[0] == pytest.approx(math.log(4) / (2 * z), rel=1e-14)
    z90 = NormalDist().inv_cdf(0.95)
    assert se_from_ci([0.0], [1.0], level=90)[0] == pytest.approx(1 / (2 * z90), rel=1e-14)


@pytest.mark.parametrize(
    ("lower", "upper", "kwargs", "message"),
    [
        ([1.0, 2.0], [2.0, 2.0], {}, "lower is not below upper in study 2"),
        ([1.0, 0.0], [2.0, 3.0], {"log": True}, "lower is not positive in study 2"),
        ([1.0, 0.5], [2.0, -3.0], {"log": True}, "upper is not positive in study 2"),
        ([1.0], [2.0], {"level": 0.95}, "level is a percentage"),
        ([1.0], [2.0], {"level": 100}, "level is a percentage"),
    ],
)
def test_se_from_ci_bad_input(lower: Any, upper: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(DataError, match=message):
        se_from_ci(lower, upper, **kwargs)


def test_yi_from_ci() -> None:
    assert yi_from_ci([2.0], [1.0], [4.0], log=True)[0] == pytest.approx(math.log(2))
    assert yi_from_ci(None, [1.0], [4.0], log=True)[0] == pytest.approx(math.log(2))
    assert yi_from_ci(None, [-1.0], [3.0])[0] == 1.0
    with pytest.raises(DataError, match="outside its confidence interval in study 2"):
        yi_from_ci([1.5, 5.0], [1.0, 1.0], [2.0, 4.0])
    with pytest.raises(DataError, match="estimate is not positive in study 1"):
        yi_from_ci([0.0], [0.5], [2.0], log=True)


def test_se_from_p_z_and_t() -> None:
    # p = 0.05 two-sided: z = 1.959964, so SE = 0.5 / 1.959964
    assert se_from_p([0.5], [0.05])[0] == pytest.approx(0.5 / NormalDist().inv_cdf(0.975))
    # t with 9 df: t(0.975, 9) = 2.262157 (tables)
    assert se_from_p([-0.5], [0.05], test="t", df=9)[0] == pytest.approx(0.5 / 2.262157, rel=1e-6)
    both = se_from_p([0.5, 1.0], [0.05, 0.05], test="t", df=9)
    assert both[1] == pytest.approx(2 * both[0])
    assert se_from_p([2.0], [0.05], log=True)[0] == pytest.approx(math.log(2) / 1.959964, rel=1e-6)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0.5, 0.5], [0.05, 0.0]), {}, "p must be in \\(0, 1\\) in study 2"),
        (([0.5], [1.0]), {}, "p must be in"),
        (([0.5, 0.0], [0.05, 0.05]), {}, "estimate is 0 .* in study 2"),
        (([1.0], [0.05]), {"log": True}, "estimate is 1"),
        (([0.5], [0.05]), {"test": "t"}, "needs df"),
        (([0.5], [0.05]), {"test": "t", "df": 0}, "df is not positive in study 1"),
        (([0.5], [0.05]), {"test": "chi2"}, "test='chi2'"),
    ],
)
def test_se_from_p_bad_input(args: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(DataError, match=message):
        se_from_p(*args, **kwargs)


def test_log_hr_from_oe() -> None:
    yi, vi = log_hr_from_oe([-4.0, 2.0], [16.0, 8.0])
    assert list(yi) == [-0.25, 0.25] and list(vi) == [1 / 16, 1 / 8]
    with pytest.raises(DataError, match="v is not positive in study 2"):
        log_hr_from_oe([1.0, 0.0], [4.0, 0.0])


# --- conversions ----------------------------------------------------------------------


def test_sd_and_se_of_a_mean() -> None:
    assert sd_from_se([2.0], [25])[0] == 10.0
    assert se_from_sd([10.0], [25])[0] == 2.0
    with pytest.raises(DataError, match="se is not positive in study 1"):
        sd_from_se([0.0], [25])
    with pytest.raises(DataError, match="n is below 1 in study 2"):
        se_from_sd([1.0, 1.0], [4, 0.5])


def test_sd_from_ci_uses_t_below_60() -> None:
    # Handbook 6.5.2.2: 3.92 for large groups; for n = 10, 2 × t(0.975, 9) = 4.52.
    assert sd_from_ci([8.0], [12.0], [100])[0] == pytest.approx(10 * 4 / 3.92, rel=1e-4)
    assert sd_from_ci([8.0], [12.0], [10])[0] == pytest.approx(math.sqrt(10) * 4 / 4.524, rel=1e-4)
    z = 2 * NormalDist().inv_cdf(0.975)
    assert sd_from_ci([8.0], [12.0], [60])[0] == pytest.approx(math.sqrt(60) * 4 / z)
    assert sd_from_ci([8.0], [12.0], [59])[0] < math.sqrt(59) * 4 / z
    plain = sd_from_ci([8.0], [12.0], [10], small_sample=False)[0]
    assert plain == pytest.approx(math.sqrt(10) * 4 / z)


def test_sd_from_ci_bad_input() -> None:
    with pytest.raises(DataError, match="n is below 2 in study 1"):
        sd_from_ci([8.0], [12.0], [1])
    assert sd_from_ci([8.0], [12.0], [1], small_sample=False)[0] > 0
    with pytest.raises(DataError, match="lower is not below upper in study 1"):
        sd_from_ci([12.0], [8.0], [30])
    with pytest.raises(DataError, match="level is a percentage"):
        sd_from_ci([8.0], [12.0], [30], level=0.95)


def _phi_inv(p: float) -> float:
    return NormalDist().inv_cdf(p)


def test_wan_c1_by_hand_n100() -> None:
    """ξ(100) = 2Φ⁻¹(99.625/100.25) = 2 × 2.49859 (stdlib normal quantile)."""
    mean, sd = mean_sd_from_median_range([10.0], [40.0], [110.0], [100])
    assert mean[0] == pytest.approx((10 + 80 + 110) / 4, rel=1e-15)
    assert sd[0] == pytest.approx(100 / (2 * _phi_inv(99.625 / 100.25)), rel=1e-12)
    assert sd[0] == pytest.approx(100 / (2 * 2.49859), rel=1e-5)


def test_wan_c3_by_hand_n100() -> None:
    """η(100) = 2Φ⁻¹(74.875/100.25) = 2 × 0.66471."""
    mean, sd = mean_sd_from_median_iqr([20.0], [30.0], [46.0], [100])
    assert mean[0] == pytest.approx(32.0, rel=1e-15)
    assert sd[0] == pytest.approx(26 / (2 * _phi_inv(74.875 / 100.25)), rel=1e-12)
    assert sd[0] == pytest.approx(26 / (2 * 0.66471), rel=1e-5)


def test_wan_c2_averages_c1_and_c3_sds() -> None:
    mean, sd = mean_sd_from_five_numbers([0.0], [20.0], [30.0], [46.0], [100.0], [100])
    assert mean[0] == pytest.approx((0 + 40 + 60 + 92 + 100) / 8, rel=1e-15)
    _, sd1 = mean_sd_from_median_range([0.0], [30.0], [100.0], [100])
    _, sd3 = mean_sd_from_median_iqr([20.0], [30.0], [46.0], [100])
    assert sd[0] == pytest.approx((sd1[0] + sd3[0]) / 2, rel=1e-14)


def test_wan_symmetric_data_has_mean_equal_median() -> None:
    mean, _ = mean_sd_from_five_numbers([-9.0], [-2.0], [1.0], [4.0], [11.0], [50])
    assert mean[0] == pytest.approx(1.0)
    mean, _ = mean_sd_from_median_iqr([-2.0], [1.0], [4.0], [50])
    assert mean[0] == pytest.approx(1.0)


def test_wan_location_scale_equivariance() -> None:
    base = np.array([1.0, 3.0, 4.0, 6.0, 12.0])
    m0, s0 = mean_sd_from_five_numbers(*base[:, None], [40])
    m1, s1 = mean_sd_from_five_numbers(*(5 - 3 * base[::-1])[:, None], [40])
    assert m1[0] == pytest.approx(5 - 3 * m0[0]) and s1[0] == pytest.approx(3 * s0[0])


def test_wan_sd_falls_as_n_grows_and_iqr_tends_to_1_35() -> None:
    n = np.array([5.0, 10, 50, 100, 1000, 1e6])
    ones = np.ones_like(n)
    _, sd_range = mean_sd_from_median_range(0 * ones, 0.5 * ones, ones, n)
    _, sd_iqr = mean_sd_from_median_iqr(0 * ones, 0.5 * ones, ones, n)
    assert np.all(np.diff(sd_range) < 0) and np.all(np.diff(sd_iqr) < 0)
    assert sd_iqr[-1] == pytest.approx(1 / (2 * _phi_inv(0.75)), rel=1e-5)


def test_wan_vectorised_matches_one_at_a_time() -> None:
    a, m, b, n = [0.0, 5.0], [3.0, 9.0], [10.0, 30.0], [20, 80]
    mean, sd = mean_sd_from_median_range(a, m, b, n)
    for i in range(2):
        one = mean_sd_from_median_range([a[i]], [m[i]], [b[i]], [n[i]])
        assert (mean[i], sd[i]) == (one[0][0], one[1][0])


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (
            ([0.0, 3.0], [3.0, 12.0], [10.0, 10.0], [20, 20]),
            DataError,
            "median is above q3 in study 2",
        ),
        (([0.0, 3.0], [3.0, 3.0], [10.0, 3.0], [20, 20]), DataError, "q1 equals q3 in study 2"),
        (
            ([0.0, 1.0], [3.0, 3.0], [10.0, 10.0], [20, 4]),
            InsufficientData,
            "n is below 5 in study 2",
        ),
        (([0.0, 1.0], [3.0], [10.0, 10.0], [20, 20]), DataError, "differ in length"),
        (([0.0, math.nan], [3.0, 3.0], [10.0, 10.0], [20, 20]), DataError, "q1 is not a finite"),
    ],
)
def test_wan_bad_input(args: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        mean_sd_from_median_iqr(*args)


def test_wan_zero_range_and_order_in_c1_and_c2() -> None:
    with pytest.raises(DataError, match="minimum equals maximum in study 1"):
        mean_sd_from_median_range([2.0], [2.0], [2.0], [20])
    with pytest.raises(DataError, match="minimum is above median in study 1"):
        mean_sd_from_median_range([5.0], [2.0], [9.0], [20])
    with pytest.raises(DataError, match="q3 is above maximum in study 1"):
        mean_sd_from_five_numbers([0.0], [1.0], [2.0], [9.0], [8.0], [20])
