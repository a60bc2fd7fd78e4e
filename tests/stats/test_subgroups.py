"""Subgroup analyses: RevMan's separate pooling and metafor's common-tau² model.

Oracle: ``shared/reference/metafor/p07_bcg_subgroup_alloc`` (dat.bcg by allocation,
metafor 3.8-1): all five analyses, every field of ``expected``.  DL and FE are
closed forms (``CLOSED_FORM``, 1e-10); REML is iterative (``ITERATIVE``, 1e-8).
Values marked "R" below were computed with R 4.2.2 / metafor 3.8-1 on the same
data (the call is beside each) and pinned here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from sysreview.errors import ConvergenceError, DataError, InsufficientData
from sysreview.stats._metareg import meta_regression
from sysreview.stats._subgroups import SubgroupModelResult, SubgroupResult, subgroups

from ._tree import assert_tree
from .conftest import CLOSED_FORM, ITERATIVE, analysis, assert_close, load_reference

P07 = "p07_bcg_subgroup_alloc"
ANALYSES = [
    "mixed_effects_common_tau2_DL",
    "mixed_effects_common_tau2_REML",
    "mixed_effects_common_tau2_FE",
    "revman_separate_subgroups_DL",
    "revman_separate_subgroups_FE",
]


def bcg() -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    case = load_reference(P07)
    rows = case["studies"]
    yi = np.array([r["yi"] for r in rows])
    vi = np.array([r["vi"] for r in rows])
    return yi, vi, [r["grp"] for r in rows], [r["study"] for r in rows]


def _method(entry: dict[str, Any]) -> str:
    return entry["settings"]["tau2_estimator"] or "FE"


@pytest.mark.parametrize("analysis_id", ANALYSES)
def test_p07_every_expected_field(analysis_id: str) -> None:
    entry = analysis(load_reference(P07), analysis_id)
    yi, vi, grp, study = bcg()
    method = _method(entry)
    common = analysis_id.startswith("mixed")
    result = subgroups(yi, vi, grp, method=method, tau2_common=common, measure="RR", study=study)
    rel = ITERATIVE if method == "REML" else CLOSED_FORM
    assert assert_tree(result.to_dict(), entry["expected"], rel) > 20


def test_separate_result_reads_like_revman() -> None:
    yi, vi, grp, study = bcg()
    result = subgroups(yi, vi, grp, study=study, measure="RR")
    assert isinstance(result, SubgroupResult)
    assert result.groups == ("alternate", "random", "systematic")
    assert [r.k for r in result.results] == [2, 7, 4]
    assert result["random"].study is not None and result["random"].study[0] == "Aronson 1948"
    assert result.Q_df == 2


def test_levels_set_the_order_and_the_reference_group() -> None:
    yi, vi, grp, _ = bcg()
    levels = ["systematic", "random", "alternate"]
    result = subgroups(yi, vi, grp, method="DL", tau2_common=True, levels=levels)
    default = subgroups(yi, vi, grp, method="DL", tau2_common=True)
    assert result.groups == tuple(levels)
    assert_close(result.QM, default.QM, CLOSED_FORM, "QM does not depend on the reference")
    np.testing.assert_allclose(result.estimate, default.estimate[::-1], rtol=1e-12)


def test_a_subgroup_with_one_study() -> None:
    """R: g2 <- grp; g2[13] <- "single"; per subgroup rma(); rma(est, sei=se, method="FE")."""
    yi, vi, grp, _ = bcg()
    grp = [*grp[:12], "single"]
    expected = {
        "DL": (-0.54079296184934533, -1.004161353998235, -0.017313948216879812,
               -0.56934331943758598, 5.1398361685227441, 0.16183938902605816),
        "FE": (-0.71855536763460082, -0.29453666361477598, -0.017313948216879812,
               -0.47101707860978925, 22.381633996205782, 5.4327593326117421e-05),
    }  # fmt: skip
    for method, values in expected.items():
        result = subgroups(yi, vi, grp, method=method)
        single = result["single"]
        assert single.k == 1 and single.Q == 0 and single.Q_df == 0 and single.tau2 == 0
        assert_close(single.se, math.sqrt(vi[12]), CLOSED_FORM, "one study: its own SE")
        for got, want in zip([r.estimate for r in result.results], values[:4], strict=True):
            assert_close(got, want, CLOSED_FORM, f"{method} estimate")
        assert result.Q_df == 3
        assert_close(result.Q, values[4], CLOSED_FORM, f"{method} Q between")
        assert_close(result.Q_p, values[5], CLOSED_FORM, f"{method} p between")


def test_common_model_with_a_single_study_subgroup() -> None:
    """R: rma(yi, vi, mods = ~factor(g2), method = "REML") -> QM, QMp, tau2, R2."""
    yi, vi, grp, _ = bcg()
    grp = [*grp[:12], "single"]
    result = subgroups(yi, vi, grp, method="REML", tau2_common=True)
    assert result.QM_df == 3 and list(result.k) == [2, 7, 1, 3]
    for name, want in (("QM", 2.2520871776840803), ("QM_p", 0.52176181773427643),
                       ("tau2", 0.37714402413546061), ("R2", 0.0)):  # fmt: skip
        assert_close(getattr(result, name), want, ITERATIVE, name)


def test_one_subgroup_has_no_test_for_differences() -> None:
    yi, vi, _, _ = bcg()
    result = subgroups(yi, vi, ["all"] * len(yi), method="DL")
    assert result.groups == ("all",)
    assert result.Q_df == 0 and math.isnan(result.Q_p) and math.isnan(result.I2)
    assert result.to_dict()["test_subgroup_differences"]["p"] is None
    assert_close(result.Q_within_sum, result.results[0].Q, CLOSED_FORM, "Q within")
    with pytest.raises(InsufficientData, match="at least two"):
        subgroups(yi, vi, ["all"] * len(yi), tau2_common=True)


def test_common_model_needs_residual_degrees_of_freedom() -> None:
    yi, vi, _, _ = bcg()
    with pytest.raises(InsufficientData, match="k > p"):
        subgroups(yi[:3], vi[:3], ["a", "b", "c"], tau2_common=True)


def test_a_subgroup_without_studies_is_named() -> None:
    yi, vi, grp, _ = bcg()
    with pytest.raises(InsufficientData, match="'none' has no studies"):
        subgroups(yi, vi, grp, levels=["alternate", "random", "systematic", "none"])


@pytest.mark.parametrize(
    ("groups", "levels", "message"),
    [
        (["a"] * 12, None, "12 entries for 13 studies"),
        (["a"] * 12 + [None], None, "study 13 has no subgroup"),
        (["a"] * 12 + [math.nan], None, "study 13 has no subgroup"),
        (["a"] * 12 + ["b"], ["a"], "study 13 is in subgroup 'b', not in levels"),
    ],
)
def test_bad_groups(groups: list[Any], levels: list[str] | None, message: str) -> None:
    yi, vi, _, _ = bcg()
    with pytest.raises(DataError, match=message):
        subgroups(yi, vi, groups, levels=levels)


def test_bad_studies() -> None:
    yi, vi, grp, _ = bcg()
    with pytest.raises(DataError, match="vi must be > 0; study 2"):
        subgroups(yi, np.r_[vi[0], 0.0, vi[2:]], grp)
    with pytest.raises(DataError, match="study has 2 labels for 13 studies"):
        subgroups(yi, vi, grp, study=["a", "b"])


def test_unorderable_labels_keep_their_first_appearance() -> None:
    yi, vi, _, _ = bcg()
    groups: list[Any] = [1, "b"] * 6 + [1]
    result = subgroups(yi, vi, groups, method="FE")
    assert result.groups == ("1", "b")


def test_knha_gives_f_and_t_tests() -> None:
    """R: rma(yi, vi, mods=~factor(grp), method="DL", test="knha") and the ``-1`` model."""
    yi, vi, grp, _ = bcg()
    result = subgroups(yi, vi, grp, method="DL", tau2_common=True, test="knha")
    assert isinstance(result, SubgroupModelResult)
    assert (result.QM_df, result.stat_df, result.stat_dist) == (2, 10, "t")
    assert_close(result.QM, 1.1290889089142331, CLOSED_FORM, "QM (F)")
    assert_close(result.QM_p, 0.36130204123119525, CLOSED_FORM, "QM p")
    expected = {
        "estimate": [-0.51253015554772552, -0.99052549506652343, -0.40829934245916089],
        "se": [0.43214633066315827, 0.25357068621282269, 0.3301509709241936],
        "stat": [-1.1860106616229107, -3.906309163178161, -1.2367049574811368],
        "p": [0.26303295826691664, 0.002930802272274215, 0.24445343640002867],
        "ci_lb": [-1.4754121846416159, -1.5555161927421342, -1.1439215477963476],
    }
    for name, values in expected.items():
        for got, want in zip(getattr(result, name), values, strict=True):
            assert_close(got, want, CLOSED_FORM, name)
    assert "t" in result.to_dict()["subgroups"][0]


# R: rma(yi, vi, mods=~factor(grp), method=m) -> QM, QMp, tau2, I2, H2, R2, and from
# mods=~factor(grp)-1 the first subgroup's estimate and SE.
OTHER_METHODS = {
    "ML": (2.0000506593370213, 0.36787012302515887, 0.25739942946579586, 84.914457460618706,
           6.628863346409104, 8.0808803982051565, -0.52381567382372962, 0.37732230789734378),
    "EB": (1.8471270166559486, 0.39710144247510365, 0.3236660702089324, 87.620691746678446,
           8.0779957937608096, 0, -0.51968547418185607, 0.41912571290037798),
    "PM": (1.8471906170847154, 0.39708881476488395, 0.32363689971683562, 87.619714095490238,
           8.0773578874760084, 0, -0.51968695084258842, 0.41910824429408822),
    "SJ": (1.8057952657812149, 0.40539327531042396, 0.34296758122183058, 88.235412016258138,
           8.5000851826001558, 0.73748323592100873, -0.51875916781680909, 0.43052666469499629),
    "HE": (1.9738353227224099, 0.37272378316909011, 0.26829026332393296, 85.437655947821497,
           6.8670263277456476, 18.344560183674265, -0.52301046794475459, 0.38451126511613221),
    "HS": (2.1526063304757335, 0.34085327760736561, 0.19578069941499729, 81.065527446667019,
           5.2813723602983247, 14.267715747341283, -0.52984061677183336, 0.33365853525678779),
}  # fmt: skip


@pytest.mark.parametrize("method", sorted(OTHER_METHODS))
def test_every_tau2_estimator_in_the_common_model(method: str) -> None:
    yi, vi, grp, _ = bcg()
    result = subgroups(yi, vi, grp, method=method, tau2_common=True)
    got = (result.QM, result.QM_p, result.tau2, result.I2, result.H2, result.R2,
           result.estimate[0], result.se[0])  # fmt: skip
    rel = ITERATIVE if method in ("ML", "EB", "PM") else CLOSED_FORM
    for name, g, want in zip(("QM", "QM_p", "tau2", "I2", "H2", "R2", "est", "se"), got,
                             OTHER_METHODS[method], strict=True):  # fmt: skip
        assert_close(g, want, rel, f"{method} {name}")


def test_meta_regression_guards() -> None:
    yi, vi, _, _ = bcg()
    X = np.column_stack([np.ones(13), np.arange(13.0)])
    with pytest.raises(DataError, match="method='XX'"):
        meta_regression(yi, vi, X, method="XX")
    with pytest.raises(DataError, match="test='t'"):
        meta_regression(yi, vi, X, test="t")
    with pytest.raises(DataError, match="collinear"):
        meta_regression(yi, vi, np.column_stack([X, 2 * X[:, 1]]))
    with pytest.raises(DataError, match="must be a percentage between 1 and 100"):
        meta_regression(yi, vi, X, level=100)
    with pytest.raises(DataError, match="unknown control"):
        meta_regression(yi, vi, X, control={"nope": 1})


def test_fisher_scoring_that_does_not_converge_raises() -> None:
    yi, vi, _, _ = bcg()
    X = np.column_stack([np.ones(13), np.sqrt(vi)])
    with pytest.raises(ConvergenceError, match="REML Fisher scoring did not converge"):
        meta_regression(yi, vi, X, method="REML", control={"maxiter": 1, "threshold": 1e-15})


def test_identical_estimates_have_no_heterogeneity_to_explain() -> None:
    vi = np.array([0.1, 0.2, 0.3, 0.15, 0.25])
    yi = np.full(5, 0.3)
    result = subgroups(yi, vi, ["a", "a", "b", "b", "b"], method="FE", tau2_common=True)
    assert result.R2 == 0
    assert result.QE < 1e-20
    knha = subgroups(yi, vi, ["a", "a", "b", "b", "b"], method="DL", tau2_common=True, test="knha")
    assert math.isnan(knha.QM)


def test_paule_mandel_at_its_bounds() -> None:
    yi, vi, _, _ = bcg()
    X = np.column_stack([np.ones(13), np.sqrt(vi)])
    flat = meta_regression(0.2 + 0.01 * np.sqrt(vi), vi, X, method="PM")
    assert flat.tau2 == 0  # Q(0) below k - p already
    with pytest.raises(ConvergenceError, match=r"above tau2_max = 0\.01"):
        meta_regression(yi, vi, X, method="PM", control={"tau2_max": 0.01})
