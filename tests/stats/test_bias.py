"""Small-study effects: Egger's test, the rank correlation test, trim-and-fill, funnel data.

Oracle: ``shared/reference/metafor/p08_hackshaw1998_small_study`` (dat.hackshaw1998,
metafor 3.8-1): both analyses (FE, DL), every field of ``egger_classic_lm``,
``egger_rma``, ``rank_correlation``, ``trimfill_L0`` and ``trimfill_R0``.  All are
closed forms (FE and DL fits, rank statistics): ``CLOSED_FORM``, 1e-10 relative.
Values marked "R" were computed with R 4.2.2 / metafor 3.8-1 (call beside them);
REML values are iterative (``ITERATIVE``, 1e-8).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sysreview.errors import ConvergenceError, DataError, InsufficientData
from sysreview.stats._bias import _kendall_cdf, egger, funnel_data, ranktest
from sysreview.stats._trimfill import trimfill

from ._tree import assert_tree
from .conftest import CLOSED_FORM, ITERATIVE, analysis, assert_close, load_reference

P08 = "p08_hackshaw1998_small_study"


def hackshaw() -> tuple[np.ndarray, np.ndarray]:
    rows = load_reference(P08)["studies"]
    return np.array([r["yi"] for r in rows]), np.array([r["vi"] for r in rows])


@pytest.mark.parametrize("analysis_id", ["small_study_FE", "small_study_DL"])
def test_p08_egger_and_rank_test(analysis_id: str) -> None:
    expected = analysis(load_reference(P08), analysis_id)["expected"]
    method = analysis_id.rsplit("_", 1)[1]
    yi, vi = hackshaw()
    assert assert_tree(egger(yi, vi).to_dict(), expected["egger_classic_lm"], CLOSED_FORM) == 6
    rma_form = egger(yi, vi, model="rma", method=method).to_dict()
    assert assert_tree(rma_form, expected["egger_rma"], CLOSED_FORM) == 4
    rank = ranktest(yi, vi)
    assert assert_tree(rank.to_dict(), expected["rank_correlation"], CLOSED_FORM) == 2
    assert rank.exact and not rank.ties  # 37 distinct deviates and variances: exact p


@pytest.mark.parametrize("analysis_id", ["small_study_FE", "small_study_DL"])
@pytest.mark.parametrize("estimator", ["L0", "R0"])
def test_p08_trimfill(analysis_id: str, estimator: str) -> None:
    expected = analysis(load_reference(P08), analysis_id)["expected"][f"trimfill_{estimator}"]
    method = analysis_id.rsplit("_", 1)[1]
    yi, vi = hackshaw()
    result = trimfill(yi, vi, method=method, estimator=estimator, measure="OR")  # type: ignore[arg-type]
    assert assert_tree(result.to_dict(), expected, CLOSED_FORM) > 30
    assert result.filled.k == len(yi) + result.k0


def test_egger_needs_three_studies() -> None:
    with pytest.raises(InsufficientData, match="at least 3 studies, got 2"):
        egger([0.1, 0.3], [0.01, 0.04])
    with pytest.raises(InsufficientData, match="at least 3 studies, got 2"):
        ranktest([0.1, 0.3], [0.01, 0.04])


def test_egger_guards() -> None:
    with pytest.raises(DataError, match="all sampling variances are equal"):
        egger([0.1, 0.3, 0.2], [0.04, 0.04, 0.04])
    with pytest.raises(DataError, match="model='glm'"):
        egger([0.1, 0.3, 0.2], [0.01, 0.04, 0.09], model="glm")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="vi must be > 0; study 3"):
        egger([0.1, 0.3, 0.2], [0.01, 0.04, -1])
    with pytest.raises(DataError, match="must be a percentage between 1 and 100"):
        egger([0.1, 0.3, 0.2], [0.01, 0.04, 0.09], level=0.95)
    with pytest.raises(DataError, match="yi is not a finite number in study 2"):
        egger([0.1, math.nan, 0.2], [0.01, 0.04, 0.09])


def test_egger_rma_with_reml_and_knha() -> None:
    """R: regtest(rma(yi, vi, method="REML", test="knha"), model="rma")."""
    yi, vi = hackshaw()
    result = egger(yi, vi, model="rma", method="REML", test="knha")
    assert (result.stat_dist, result.df) == ("t", 35)
    for name, want in (("stat", 2.2640351918328663), ("p", 0.029874742232742009),
                       ("limit_estimate", 0.021609667878163975),
                       ("limit_ci_lb", -0.17012898094911871),
                       ("limit_ci_ub", 0.21334831670544668)):  # fmt: skip
        assert_close(getattr(result, name), want, ITERATIVE, name)


def test_rank_test_normal_approximation() -> None:
    """R: ranktest(rma(yi, vi), exact=FALSE) on hackshaw."""
    yi, vi = hackshaw()
    result = ranktest(yi, vi, exact=False)
    assert not result.exact
    assert_close(result.tau, 0.14414414414414414, CLOSED_FORM, "tau")
    assert_close(result.p, 0.20927097296806293, CLOSED_FORM, "p")
    assert ranktest(yi, vi, exact=None).exact  # R's default: exact below 50 studies


def test_rank_test_with_ties_uses_the_corrected_normal_approximation() -> None:
    """R: ranktest(yi, vi) with tied yi and vi (cor.test falls back to z)."""
    yi = [0.1, 0.3, 0.3, -0.2, 0.5, 0.1, 0.8, 0.3, 0.05, 0.4]
    vi = [0.04, 0.09, 0.09, 0.02, 0.16, 0.04, 0.05, 0.09, 0.2, 0.01]
    result = ranktest(yi, vi)
    assert result.ties and not result.exact
    assert_close(result.tau, 0.17073170731707313, CLOSED_FORM, "tau-b")
    assert_close(result.p, 0.51578531961375451, CLOSED_FORM, "p")


def test_rank_test_exact_small_sample() -> None:
    """R: ranktest(c(0.12, 0.35, -0.05, 0.41, 0.2, 0.6), c(0.01, 0.05, 0.02, 0.09, 0.03, 0.2))."""
    result = ranktest([0.12, 0.35, -0.05, 0.41, 0.2, 0.6], [0.01, 0.05, 0.02, 0.09, 0.03, 0.2])
    assert result.exact
    assert_close(result.tau, 0.73333333333333328, CLOSED_FORM, "tau")
    assert_close(result.p, 0.05555555555555558, CLOSED_FORM, "p")


def test_rank_test_undefined_when_variances_are_equal() -> None:
    with pytest.raises(DataError, match="tau is undefined"):
        ranktest([0.1, 0.2, 0.4], [0.04, 0.04, 0.04])


def test_kendall_distribution_is_the_mahonian_one() -> None:
    cdf = _kendall_cdf(4)  # counts 1 3 5 6 5 3 1 over 4! = 24
    np.testing.assert_allclose(np.diff(np.r_[0, cdf]) * 24, [1, 3, 5, 6, 5, 3, 1], rtol=1e-14)
    tail = _kendall_cdf(60)[0]
    assert tail == pytest.approx(1 / math.factorial(60), rel=1e-12)  # far tail stays precise


def test_trimfill_with_nothing_to_fill() -> None:
    """R: trimfill(rma(zy, zv, method="FE"), estimator=e): k0 = 0 on the right side."""
    zy = [-0.21, 0.2, -0.1, 0.12, 0.01, 0.3, -0.33, 0.05]
    zv = [0.1, 0.1, 0.05, 0.05, 0.02, 0.2, 0.2, 0.03]
    for estimator, se_k0, p_k0 in (
        ("L0", 1.9508045542235002, None),
        ("R0", 1.4142135623730951, 0.5),
    ):
        result = trimfill(zy, zv, method="FE", estimator=estimator)  # type: ignore[arg-type]
        assert (result.k0, result.side) == (0, "right")
        assert_close(result.se_k0, se_k0, CLOSED_FORM, "se_k0")
        assert_close(result.p_k0, p_k0, CLOSED_FORM, "p_k0")
        assert_close(result.filled.estimate, 0.015108695652173905, CLOSED_FORM, "estimate")
        assert_close(result.filled.se, 0.080757285308724808, CLOSED_FORM, "se")
        assert result.filled.k == 8 and len(result.filled_yi) == 0


def test_trimfill_fills_on_the_right() -> None:
    """R: trimfill(rma(-yi, vi, method="REML"), estimator=e) on hackshaw (mirror image)."""
    yi, vi = hackshaw()
    study = [f"S{i}" for i in range(len(yi))]
    for estimator, se_k0 in (("L0", 4.0399372600469157), ("R0", 4.0)):
        result = trimfill(-yi, vi, method="REML", estimator=estimator, study=study)  # type: ignore[arg-type]
        assert (result.k0, result.side) == (7, "right")
        assert_close(result.se_k0, se_k0, ITERATIVE, "se_k0")
        assert_close(result.filled.estimate, -0.17447117205470997, ITERATIVE, "estimate")
        assert_close(result.filled.se, 0.048431721972261532, ITERATIVE, "se")
        assert_close(result.filled.tau2, 0.024455705698201678, ITERATIVE, "tau2")
        assert np.all(result.filled_yi > result.filled.estimate)
        assert result.filled.study is not None and result.filled.study[-1] == "Filled 7"


def test_trimfill_side_given_and_guards() -> None:
    yi, vi = hackshaw()
    left = trimfill(yi, vi, method="FE", side="left")
    assert left.side == "left" and left.k0 == 7
    with pytest.raises(InsufficientData, match="at least 2 studies"):
        trimfill([0.1], [0.01])
    with pytest.raises(DataError, match="estimator='Q0'"):
        trimfill(yi, vi, estimator="Q0")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="side='up'"):
        trimfill(yi, vi, side="up")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="cannot choose the side"):
        trimfill([0.1, 0.3, 0.2], [0.04, 0.04, 0.04])
    with pytest.raises(ConvergenceError, match="did not settle"):
        trimfill(yi, vi, method="FE", maxiter=1)


@pytest.mark.parametrize("estimator", ["L0", "R0"])
def test_identical_estimates_need_no_filling(estimator: str) -> None:
    """No deviation is negative (all are 0): metafor's R0 stops; here k0 = 0."""
    result = trimfill([0.2] * 4, [0.01, 0.02, 0.04, 0.08], method="FE",
                      estimator=estimator, side="left")  # type: ignore[arg-type]  # fmt: skip
    assert result.k0 == 0 and result.filled.k == 4
    assert result.p_k0 == (0.5 if estimator == "R0" else None)


def test_funnel_data() -> None:
    yi, vi = hackshaw()
    data = funnel_data(yi, vi, 0.2, filled=np.zeros(len(yi), dtype=bool))
    z = 1.959963984540054
    assert data.se_max == pytest.approx(float(np.sqrt(vi.max())), rel=1e-15)
    assert data.line_lb.tolist() == pytest.approx([0.2, 0.2 - z * data.se_max], rel=1e-15)
    assert data.line_ub.tolist() == pytest.approx([0.2, 0.2 + z * data.se_max], rel=1e-15)
    assert data.to_dict()["estimate"] == 0.2
    with pytest.raises(DataError, match="estimate must be a finite number"):
        funnel_data(yi, vi, math.nan)
    with pytest.raises(DataError, match="study has 1 entries for 37 studies"):
        funnel_data(yi, vi, 0.2, study=["x"])


def test_rank_test_exact_up_to_170_studies() -> None:
    """R: ranktest(yi, vi) on 170 draws (rng seed 3) gives p 0.80863359100667687; at 171
    R's exact count overflows (NaN) and the normal approximation is used instead."""
    rng = np.random.default_rng(3)
    yi, vi = rng.normal(size=170), rng.uniform(0.01, 0.2, size=170)
    result = ranktest(yi, vi)
    assert result.exact
    assert_close(result.tau, -0.012600069613644276, CLOSED_FORM, "tau")
    assert_close(result.p, 0.80863359100667687, 1e-12, "p (R sums counts in doubles)")
    more = ranktest(np.r_[yi, 0.5], np.r_[vi, 0.3])
    assert not more.exact and not more.ties
