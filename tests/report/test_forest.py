"""Forest plots in RevMan 5's layout: the model's numbers and RevMan's texts, then the
drawing of every variant.

Oracles: ``shared/reference/metafor`` (metafor 3.8-1; its README): p01 (dat.bcg,
RR by M-H and IV, with the R package meta's RevMan 5 emulation), p04
(dat.normand1999, MD and SMD) and p07 (dat.bcg by allocation, RevMan's separate
subgroups).  Numbers must equal the reference to 1e-10 (closed forms); the texts are
what RevMan 5 prints for those numbers.
"""

from __future__ import annotations

import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from sysreview import stats
from sysreview.errors import DataError
from sysreview.report.figures.forest import (
    ForestGroup,
    ForestPlot,
    ForestRow,
    ForestTotal,
    draw_forest,
    forest_plot,
    forest_plot_subgroups,
    format_p,
    heterogeneity_text,
    overall_text,
)

from ._metafor import close, load, single


def expected(case: dict[str, Any], analysis_id: str) -> dict[str, Any]:
    for entry in case["analyses"]:
        if entry["id"] == analysis_id:
            return entry["expected"]  # type: ignore[no-any-return]
    raise KeyError(analysis_id)


# ------------------------------------------------------------------ fixtures


def bcg() -> tuple[dict[str, Any], list[str], list[tuple[str, ...]], list[tuple[str, ...]]]:
    rows = load("p01_bcg_binary_mh_iv_dl")["studies"]
    cols = {k: [r[k] for r in rows] for k in ("ai", "n1i", "ci", "n2i")}
    cells1: list[tuple[str, ...]] = [(str(r["ai"]), str(r["n1i"])) for r in rows]
    cells2: list[tuple[str, ...]] = [(str(r["ci"]), str(r["n2i"])) for r in rows]
    return cols, [r["study"] for r in rows], cells1, cells2


def bcg_plot(model: str = "random", **kw: Any) -> ForestPlot:
    cols, study, cells1, cells2 = bcg()
    options = stats.options_for("revman5", measure="RR", method="MH", model=model)
    result = stats.meta_analysis(cols, options, study=study).result
    return forest_plot(result, labels=study, group1=cells1, group2=cells2, **kw)


def normand(measure: str = "MD", method: str = "DL") -> ForestPlot:
    rows = load("p04_normand1999_md_smd")["studies"]
    cols = {k: [r[k] for r in rows] for k in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")}
    options = stats.options_for("revman5", measure=measure, method=method)
    result = stats.meta_analysis(cols, options, study=[r["study"] for r in rows]).result
    return forest_plot(
        result,
        group1=[(str(r["m1i"]), str(r["sd1i"]), str(r["n1i"])) for r in rows],
        group2=[(str(r["m2i"]), str(r["sd2i"]), str(r["n2i"])) for r in rows],
        favours=("Favours early discharge", "Favours usual care"),
    )


def allocation(method: str = "DL") -> tuple[stats.SubgroupResult, stats.MetaResult]:
    rows = load("p07_bcg_subgroup_alloc")["studies"]
    yi, vi = [r["yi"] for r in rows], [r["vi"] for r in rows]
    study, grp = [r["study"] for r in rows], [r["grp"] for r in rows]
    sub = stats.subgroups(yi, vi, grp, method=method, measure="RR", study=study)
    overall = single(stats.rma(yi, vi, method=method, measure="RR", study=study))
    return sub, overall


# ------------------------------------------------------------------- imports


def test_importing_the_module_does_not_import_matplotlib() -> None:
    code = (
        "import sys; import sysreview.report.figures.forest; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------- texts


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (1.7e-26, "P < 0.00001"),
        (0.0000099, "P < 0.00001"),
        (0.00006557, "P < 0.0001"),
        (0.00014, "P = 0.0001"),
        (0.000857, "P = 0.0009"),
        (0.006387, "P = 0.006"),
        (0.018349, "P = 0.02"),
        (0.054805, "P = 0.05"),
        (0.3912, "P = 0.39"),
        (1.0, "P = 1.00"),
        (math.nan, "P = NA"),
    ],
)
def test_p_as_revman_prints_it(p: float, text: str) -> None:
    assert format_p(p) == text


def test_one_study_has_no_heterogeneity() -> None:
    result = single(stats.rma([0.1], [0.04], method="DL"))
    assert heterogeneity_text(result) == "Heterogeneity: Not applicable"
    assert overall_text(result) == "Test for overall effect: Z = 0.50 (P = 0.62)"


def test_effect_texts() -> None:
    row = ForestRow("A", (), (), 5.04, 0.41093865, 0.13430157, 1.25739838)
    assert row.effect_text() == "0.41 [0.13, 1.26]"
    assert row.effect_text(3) == "0.411 [0.134, 1.257]"
    assert row.weight_text() == "5.0%"
    missing = ForestRow("B", ("0", "10"), ("0", "10"), None, None, None, None)
    assert missing.effect_text() == "Not estimable"
    assert missing.weight_text() == ""
    tiny = ForestRow("C", (), (), 1.0, -0.001, -0.004, 0.002)
    assert tiny.effect_text() == "0.00 [0.00, 0.00]"  # no "-0.00"


# ---------------------------------------------------- golden: p01, RR (bcg)


def test_p01_mh_random_equals_revman5() -> None:
    """RevMan 5's M-H random effects (DL from the MH-centred Q): meta's emulation."""
    case = load("p01_bcg_binary_mh_iv_dl")
    emulation = case["revman5_emulation"]["RR_MH"]
    per_study = expected(case, "RR_IV_DL")["studies"]  # per-study CIs are the same
    plot = bcg_plot(prediction=True)
    rows = plot.rows()
    assert [r.label for r in rows] == [s["study"] for s in per_study]
    for row, ref, emu in zip(rows, per_study, emulation["studies"], strict=True):
        close(row.weight, emu["w_random_pct"], f"{row.label} weight")
        close(row.estimate, ref["yi_exp"], f"{row.label} estimate")
        close(row.ci_lb, ref["ci_lb_exp"], f"{row.label} ci_lb")
        close(row.ci_ub, ref["ci_ub_exp"], f"{row.label} ci_ub")
    total = plot.total
    assert total is not None
    close(total.estimate, emulation["random_DL"]["estimate_bt"], "total")
    close(total.ci_lb, emulation["random_DL"]["ci_lb_bt"], "total lb")
    close(total.ci_ub, emulation["random_DL"]["ci_ub_bt"], "total ub")
    assert total.prediction is not None
    close(total.prediction[0], math.exp(emulation["random_DL"]["pi_lb"]), "pi lb")
    close(total.prediction[1], math.exp(emulation["random_DL"]["pi_ub"]), "pi ub")
    assert total.heterogeneity == (
        "Heterogeneity: Tau² = 0.31; Chi² = 152.57, df = 12 (P < 0.00001); I² = 92%"
    )
    assert total.overall == "Test for overall effect: Z = 3.99 (P < 0.0001)"
    assert total.effect_text() == "0.49 [0.34, 0.70]"
    assert total.prediction_text() == "Prediction interval: [0.14, 1.77]"
    assert total.label == "Total (95% CI)"
    rows_in = case["studies"]
    assert (total.events1, total.n1, total.events2, total.n2) == (
        sum(r["ai"] for r in rows_in),
        sum(r["n1i"] for r in rows_in),
        sum(r["ci"] for r in rows_in),
        sum(r["n2i"] for r in rows_in),
    )
    assert plot.method_text == "M-H, Random, 95% CI"
    assert plot.measure == "RR" and plot.measure_name == "Risk Ratio" and plot.log_scale
    assert plot.columns == ("Events", "Total")
    assert rows[0].group1 == ("4", "123") and rows[0].group2 == ("11", "139")


def test_p01_mh_fixed_equals_metafor() -> None:
    case = load("p01_bcg_binary_mh_iv_dl")
    ref = expected(case, "RR_MH_FE")
    plot = bcg_plot("fixed", prediction=True)
    for row, study in zip(plot.rows(), ref["studies"], strict=True):
        close(row.weight, study["weight_pct"], f"{row.label} MH weight")
        close(row.ci_ub, study["ci_ub_exp"], f"{row.label} ci_ub")
    assert plot.total is not None
    close(plot.total.estimate, ref["estimate_exp"])
    close(plot.total.ci_lb, ref["ci_lb_exp"])
    close(plot.total.ci_ub, ref["ci_ub_exp"])
    assert plot.total.heterogeneity == (
        "Heterogeneity: Chi² = 152.57, df = 12 (P < 0.00001); I² = 92%"
    )
    assert plot.total.overall == "Test for overall effect: Z = 11.53 (P < 0.00001)"
    assert plot.total.prediction is None  # fixed effect: no prediction interval
    assert plot.method_text == "M-H, Fixed, 95% CI"


def test_p01_iv_random_equals_metafor() -> None:
    case = load("p01_bcg_binary_mh_iv_dl")
    ref = expected(case, "RR_IV_DL")
    cols, study, cells1, cells2 = bcg()
    es = stats.escalc("RR", ai=cols["ai"], n1i=cols["n1i"], ci=cols["ci"], n2i=cols["n2i"])
    result = single(stats.rma(es, method="DL"))
    plot = forest_plot(result, labels=study, group1=cells1, group2=cells2, prediction=True)
    for row, s in zip(plot.rows(), ref["studies"], strict=True):
        close(row.weight, s["weight_pct"], f"{row.label} weight")
        close(row.ci_lb, s["ci_lb_exp"], f"{row.label} ci_lb")
    total = plot.total
    assert total is not None
    close(total.estimate, ref["estimate_exp"])
    close(total.ci_lb, ref["ci_lb_exp"])
    close(total.ci_ub, ref["ci_ub_exp"])
    assert total.prediction is not None
    close(total.prediction[0], ref["pi_higgins_lb_exp"])
    close(total.prediction[1], ref["pi_higgins_ub_exp"])
    assert total.heterogeneity == (
        "Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%"
    )
    assert total.overall == "Test for overall effect: Z = 4.00 (P < 0.0001)"
    assert plot.method_text == "IV, Random, 95% CI"
    assert plot.axis_limits() == (0.01, 100.0)
    assert plot.ticks() == (0.01, 0.1, 1.0, 10.0, 100.0)


# --------------------------------------------------- golden: p04, MD and SMD


@pytest.mark.parametrize(
    ("method", "analysis_id", "heterogeneity", "overall"),
    [
        (
            "DL",
            "MD_IV_DL",
            "Heterogeneity: Tau² = 205.41; Chi² = 238.92, df = 8 (P < 0.00001); I² = 97%",
            "Test for overall effect: Z = 2.73 (P = 0.006)",
        ),
        (
            "FE",
            "MD_IV_FE",
            "Heterogeneity: Chi² = 238.92, df = 8 (P < 0.00001); I² = 97%",
            "Test for overall effect: Z = 4.53 (P < 0.00001)",
        ),
    ],
)
def test_p04_mean_difference(
    method: str, analysis_id: str, heterogeneity: str, overall: str
) -> None:
    ref = expected(load("p04_normand1999_md_smd"), analysis_id)
    plot = normand("MD", method)
    for row, s in zip(plot.rows(), ref["studies"], strict=True):
        close(row.weight, s["weight_pct"], f"{row.label} weight")
        close(row.estimate, s["yi"], f"{row.label} estimate")
        close(row.ci_lb, s["ci_lb"], f"{row.label} ci_lb")
        close(row.ci_ub, s["ci_ub"], f"{row.label} ci_ub")
    total = plot.total
    assert total is not None
    close(total.estimate, ref["estimate"])
    close(total.ci_lb, ref["ci_lb"])
    close(total.ci_ub, ref["ci_ub"])
    assert total.heterogeneity == heterogeneity
    assert total.overall == overall
    assert (total.events1, total.n1, total.events2, total.n2) == (None, 548, None, 610)
    assert plot.columns == ("Mean", "SD", "Total")
    assert not plot.log_scale and plot.null == 0.0
    assert plot.method_text == f"IV, {'Random' if method == 'DL' else 'Fixed'}, 95% CI"
    assert plot.measure_name == "Mean Difference"


def test_p04_smd_with_revman5_formula() -> None:
    ref = expected(load("p04_normand1999_md_smd"), "SMD_revman5_formula_IV_DL")
    plot = normand("SMD", "DL")
    for row, s in zip(plot.rows(), ref["studies"], strict=True):
        close(row.weight, s["weight_pct"], f"{row.label} weight")
        close(row.ci_lb, s["ci_lb"], f"{row.label} ci_lb")
    assert plot.total is not None
    close(plot.total.estimate, ref["estimate"])
    assert plot.measure_name == "Std. Mean Difference"
    assert plot.axis_limits() == (-5.0, 5.0)


# ------------------------------------------------------ golden: p07 subgroups


def test_p07_subgroups_equal_metafor() -> None:
    ref = expected(load("p07_bcg_subgroup_alloc"), "revman_separate_subgroups_DL")
    iv = expected(load("p01_bcg_binary_mh_iv_dl"), "RR_IV_DL")
    overall_weight = {s["study"]: s["weight_pct"] for s in iv["studies"]}
    sub, overall = allocation()
    plot = forest_plot_subgroups(sub, overall=overall)
    assert [g.label for g in plot.groups] == ["alternate", "random", "systematic"]
    texts = {
        "alternate": (
            "Heterogeneity: Tau² = 0.13; Chi² = 5.56, df = 1 (P = 0.02); I² = 82%",
            "Test for overall effect: Z = 1.92 (P = 0.05)",
        ),
        "random": (
            "Heterogeneity: Tau² = 0.76; Chi² = 110.21, df = 6 (P < 0.00001); I² = 95%",
            "Test for overall effect: Z = 2.77 (P = 0.006)",
        ),
        "systematic": (
            "Heterogeneity: Tau² = 0.28; Chi² = 16.59, df = 3 (P = 0.0009); I² = 82%",
            "Test for overall effect: Z = 1.40 (P = 0.16)",
        ),
    }
    for group in plot.groups:
        assert group.label is not None and group.total is not None
        want = ref["subgroups"][group.label]
        close(group.total.estimate, want["estimate_exp"], f"{group.label} subtotal")
        close(group.total.ci_lb, want["ci_lb_exp"], f"{group.label} lb")
        close(group.total.ci_ub, want["ci_ub_exp"], f"{group.label} ub")
        assert (group.total.heterogeneity, group.total.overall) == texts[group.label]
        assert group.total.label == "Subtotal (95% CI)"
        # RevMan 5 shows the weights of the overall analysis; a subtotal their sum
        for row in group.rows:
            close(row.weight, overall_weight[row.label], f"{row.label} weight")
        close(group.total.weight, sum(r.weight or 0.0 for r in group.rows))
    close(sum(g.total.weight or 0.0 for g in plot.groups if g.total is not None), 100.0)
    assert plot.total is not None
    close(plot.total.estimate, iv["estimate_exp"])
    test = ref["test_subgroup_differences"]
    assert (
        plot.subgroup_test
        == "Test for subgroup differences: Chi² = 1.54, df = 2 (P = 0.46), I² = 0%"
    )
    assert f"{test['Q']:.2f}" == "1.54" and test["I2_pct"] == 0


def test_p07_fixed_subgroup_test_prints_i2_with_one_decimal() -> None:
    ref = expected(load("p07_bcg_subgroup_alloc"), "revman_separate_subgroups_FE")
    sub, _ = allocation("FE")
    plot = forest_plot_subgroups(sub)
    test = ref["test_subgroup_differences"]
    i2 = 100 * (test["Q"] - test["df"]) / test["Q"]
    assert plot.subgroup_test == (
        f"Test for subgroup differences: Chi² = {test['Q']:.2f}, df = 2 (P < 0.0001), "
        f"I² = {i2:.1f}%"
    )
    assert plot.subgroup_test.endswith("I² = 89.9%")
    assert plot.total is None
    for group in plot.groups:  # without overall: each subgroup's weights add up to 100%
        close(sum(r.weight or 0.0 for r in group.rows), 100.0)
        assert group.total is not None and group.total.weight == 100.0
    assert plot.method_text == "IV, Fixed, 95% CI"


def test_subgroups_take_cells_labels_and_totals_per_subgroup() -> None:
    sub, overall = allocation()
    sizes = [len(r.yi) for r in sub.results]
    cells = [[("1", "10")] * n for n in sizes]
    plot = forest_plot_subgroups(
        sub,
        overall=overall,
        group_labels=["Alternate", "Random", "Systematic"],
        group1=cells,
        group2=cells,
        totals=[(1, 2, 3, 4), None, None],
    )
    first = plot.groups[0].total
    assert first is not None and (first.events1, first.n1, first.events2, first.n2) == (1, 2, 3, 4)
    second = plot.groups[1].total
    assert second is not None and (second.events1, second.n1) == (sizes[1], 10 * sizes[1])
    assert plot.total is not None and plot.total.n2 == 10 * sum(sizes)
    assert plot.groups[0].label == "Alternate"
    with pytest.raises(DataError, match="subgroups"):
        forest_plot_subgroups(sub, group1=cells[:2], group2=cells[:2])


def test_common_tau2_model_is_not_a_forest_plot() -> None:
    rows = load("p07_bcg_subgroup_alloc")["studies"]
    model = stats.subgroups(
        [r["yi"] for r in rows], [r["vi"] for r in rows], [r["grp"] for r in rows],
        tau2_common=True,
    )  # fmt: skip
    with pytest.raises(DataError, match="separately"):
        forest_plot_subgroups(model)


# ------------------------------------------------------- rows and validation


def non_estimable_plot() -> ForestPlot:
    data = {"ai": [4, 6, 0, 3], "n1i": [123, 306, 10, 40], "ci": [11, 29, 0, 9],
            "n2i": [139, 303, 10, 41]}  # fmt: skip
    options = stats.options_for("revman5", measure="OR", method="MH", model="fixed")
    study = ["Ålesund 2001", "Bærum 2004", "Tromsø 2010", "Øvre Eiker 2012"]
    result = stats.meta_analysis(data, options, study=study).result
    cells1 = [(str(a), str(n)) for a, n in zip(data["ai"], data["n1i"], strict=True)]
    cells2 = [(str(c), str(n)) for c, n in zip(data["ci"], data["n2i"], strict=True)]
    return forest_plot(
        result,
        group1=cells1,
        group2=cells2,
        arm_labels=("Tidlig mobilisering", "Vanlig omsorg"),
        favours=("Favoriserer tidlig mobilisering", "Favoriserer vanlig omsorg"),
        title="Fall (æ ø å Æ Ø Å)",
    )


def test_a_double_zero_study_is_not_estimable_but_counted() -> None:
    plot = non_estimable_plot()
    row = plot.rows()[2]
    assert row.label == "Tromsø 2010"
    assert row.effect_text() == "Not estimable" and row.weight is None
    assert not row.estimable
    close(sum(r.weight or 0.0 for r in plot.rows()), 100.0)
    assert plot.total is not None
    assert (plot.total.events1, plot.total.n1, plot.total.events2, plot.total.n2) == (
        13, 479, 49, 493,
    )  # fmt: skip
    assert plot.method_text == "M-H, Fixed, 95% CI" and plot.measure_name == "Odds Ratio"


def test_rob_judgements_are_normalised_and_checked() -> None:
    _, study, _, _ = bcg()
    rob: dict[str, list[str | None]] = {
        s: ["Low risk", "unclear", "High", None, "some concerns"] for s in study[:3]
    }
    plot = bcg_plot(rob=rob, rob_domains=("D1", "D2", "D3", "D4", "D5"))
    assert plot.rows()[0].rob == ("low", "unclear", "high", None, "some_concerns")
    assert plot.rows()[5].rob == (None,) * 5  # no assessment
    assert plot.rob_domains == ("D1", "D2", "D3", "D4", "D5")
    assert bcg_plot(rob=rob).rob_domains == ("A", "B", "C", "D", "E")  # letters by default
    with pytest.raises(DataError, match="judgement"):
        bcg_plot(rob={study[0]: ["fine"]}, rob_domains=("A",))
    with pytest.raises(DataError, match="domains"):
        bcg_plot(rob={study[0]: ["low"]}, rob_domains=("A", "B"))


def test_inputs_that_do_not_fit_are_refused() -> None:
    cols, study, cells1, cells2 = bcg()
    result = stats.meta_analysis(cols, stats.options_for("revman5", measure="RR")).result
    with pytest.raises(DataError, match="labels"):
        forest_plot(result, labels=study[:3])
    with pytest.raises(DataError, match="group1"):
        forest_plot(result, group1=cells1[:3])
    with pytest.raises(DataError, match="cells"):
        forest_plot(result, group1=cells1, group2=cells2, columns=("Events",))
    with pytest.raises(DataError, match="columns"):
        forest_plot(result, group1=[("1",)] * len(study))
    with pytest.raises(DataError, match="ratio"):
        forest_plot(result, measure="MD")


def test_labels_default_to_the_study_labels() -> None:
    cols, study, _, _ = bcg()
    result = stats.meta_analysis(cols, stats.options_for("revman5", measure="RR"), study=study)
    plot = forest_plot(result.result)
    assert [r.label for r in plot.rows()] == study
    assert plot.columns == () and plot.rows()[0].group1 == ()
    unnamed = single(stats.rma([0.1, 0.3], [0.04, 0.05], method="FE"))
    assert [r.label for r in forest_plot(unnamed).rows()] == ["1", "2"]


def test_generic_inverse_variance_shown_as_a_ratio() -> None:
    """Log hazard ratios pooled as GEN are shown exponentiated with measure="HR"."""
    yi, vi = [-0.3, 0.1, -0.5], [0.04, 0.09, 0.02]
    result = single(stats.rma(yi, vi, method="FE"))
    plot = forest_plot(result, measure="HR", labels=["a", "b", "c"])
    assert plot.log_scale and plot.measure_name == "Hazard Ratio"
    assert plot.method_text == "IV, Fixed, 95% CI"
    close(plot.rows()[0].estimate, math.exp(-0.3))
    assert plot.total is not None
    close(plot.total.estimate, math.exp(result.estimate))


# ------------------------------------------------------------------- the scale


def _plot(rows: tuple[ForestRow, ...], log: bool, scale: float | None = None) -> ForestPlot:
    total = ForestTotal("Total (95% CI)", 1.0 if log else 0.0, 0.9 if log else -0.1,
                        1.1 if log else 0.1, None, None, None, None, "", "")  # fmt: skip
    return ForestPlot(None, "RR" if log else "MD", "IV, Fixed, 95% CI", ("E", "C"), (),
                      (ForestGroup(None, rows, None),), total, None, ("L", "R"), log,
                      scale=scale)  # fmt: skip


@pytest.mark.parametrize(
    ("lb", "ub", "limits", "ticks"),
    [
        (0.5, 2.0, (0.1, 10.0), (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)),
        (0.05, 3.0, (0.01, 100.0), (0.01, 0.1, 1.0, 10.0, 100.0)),
        (0.01, 1.0, (0.01, 100.0), (0.01, 0.1, 1.0, 10.0, 100.0)),
        (1e-6, 2.0, (0.001, 1000.0), (0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)),
    ],
)
def test_ratio_scale_is_powers_of_ten(
    lb: float, ub: float, limits: tuple[float, float], ticks: tuple[float, ...]
) -> None:
    plot = _plot((ForestRow("a", (), (), 100.0, 0.9, lb, ub),), log=True)
    low, high = plot.axis_limits()
    assert math.isclose(low, limits[0]) and math.isclose(high, limits[1])
    assert all(math.isclose(a, b) for a, b in zip(plot.ticks(), ticks, strict=True))


def test_difference_scale_and_fixed_scales() -> None:
    plot = _plot((ForestRow("a", (), (), 100.0, -20.0, -32.5, -7.5),), log=False)
    assert plot.axis_limits() == (-50.0, 50.0)
    assert plot.ticks() == (-50.0, -25.0, 0.0, 25.0, 50.0)
    small = _plot((ForestRow("a", (), (), 100.0, 0.05, -0.08, 0.13),), log=False)
    assert small.axis_limits() == (-0.2, 0.2)
    fixed = _plot((ForestRow("a", (), (), 100.0, 0.9, 0.5, 2.0),), log=True, scale=2.0)
    assert fixed.axis_limits() == (0.5, 2.0)
    assert fixed.ticks() == (0.5, 0.7, 1.0, 1.5, 2.0)
    five = _plot((ForestRow("a", (), (), 100.0, 0.9, 0.5, 2.0),), log=True, scale=5.0)
    assert five.ticks() == (0.2, 0.5, 1.0, 2.0, 5.0)


# ------------------------------------------------------------------- drawing


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text")]


def check_drawn(plot: ForestPlot, tmp_path: Path, name: str) -> list[str]:
    svg = draw_forest(plot, tmp_path / f"{name}.svg")
    png = draw_forest(plot, tmp_path / f"{name}.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000
    assert svg.stat().st_size > 10_000
    texts = svg_texts(svg)
    for row in plot.rows():
        assert row.label in texts
        assert row.effect_text(plot.decimals) in texts
    for total in plot.totals():
        assert total.heterogeneity in texts
        assert total.overall in texts
    assert plot.favours[0] in texts and plot.favours[1] in texts
    if plot.subgroup_test is not None:
        assert plot.subgroup_test in texts
    return texts


def test_draw_ratio_with_rob_columns_and_prediction(tmp_path: Path) -> None:
    _, study, _, _ = bcg()
    judgements = ["low", "unclear", "high", "low", "low", None, "unclear"]
    rob = {s: judgements[i:] + judgements[:i] for i, s in enumerate(study)}
    legend = [f"({c}) Domain {c}" for c in "ABCDEFG"]
    plot = bcg_plot(prediction=True, rob=rob, rob_domains="ABCDEFG", rob_legend=legend,
                    title="BCG vaccine and tuberculosis")  # fmt: skip
    texts = check_drawn(plot, tmp_path, "rob")
    assert "Risk of bias legend" in texts and legend[0] in texts
    assert {"+", "?", "×"} <= set(texts)
    assert "Prediction interval: [0.14, 1.77]" in texts
    assert "M-H, Random, 95% CI" in texts and "Risk Ratio" in texts
    assert "Total events" in texts and "1065" in texts and "191064" in texts
    assert {"0.01", "0.1", "1", "10", "100"} <= set(texts)  # RevMan's ticks


def test_draw_mean_difference(tmp_path: Path) -> None:
    texts = check_drawn(normand(), tmp_path, "md")
    assert {"Mean", "SD", "Total", "Mean Difference", "-100", "50"} <= set(texts)


def test_draw_subgroups(tmp_path: Path) -> None:
    sub, overall = allocation()
    plot = forest_plot_subgroups(sub, overall=overall, prediction=True)
    texts = check_drawn(plot, tmp_path, "subgroups")
    assert {"alternate", "random", "systematic", "Subtotal (95% CI)"} <= set(texts)


def test_draw_non_estimable_row_and_norwegian_text(tmp_path: Path) -> None:
    texts = check_drawn(non_estimable_plot(), tmp_path, "nb")
    assert {"Not estimable", "Tromsø 2010", "Fall (æ ø å Æ Ø Å)", "Vanlig omsorg"} <= set(texts)


def test_draw_arrows_beyond_a_fixed_scale(tmp_path: Path) -> None:
    result = single(stats.rma([-3.0, 0.1, 4.5], [0.25, 0.09, 2.0], method="DL"))
    plot = forest_plot(result, measure="HR", labels=["a", "b", "c"], scale=2.0)
    assert plot.axis_limits() == (0.5, 2.0)
    check_drawn(plot, tmp_path, "arrows")
    big = forest_plot(result, measure="HR", labels=["a", "b", "c"])
    assert big.axis_limits() == (0.001, 1000.0)  # capped: the long interval ends in arrows
    check_drawn(big, tmp_path, "capped")


def test_draw_refuses_other_suffixes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="svg"):
        draw_forest(non_estimable_plot(), tmp_path / "plot.jpg")
