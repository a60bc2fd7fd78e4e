"""Mantel-Haenszel and Peto pooling against pinned reference results.

Oracles: ``shared/reference/metafor`` cases p01 (dat.bcg), p02 (dat.yusuf1985),
p03 (dat.nielweise2007), p10 (dat.hine1989) and p12 (dat.axfors2021), computed with
metafor 3.8-1 (``rma.mh``, ``rma.peto``) and, in each case's ``revman5_emulation``
block, with R meta 6.1-0 under ``settings.meta("RevMan5")``.  Every quantity is a
closed form, so everything must agree to ``CLOSED_FORM`` (1e-10 relative).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from sysreview.errors import DataError, InsufficientData
from sysreview.stats._effects import escalc
from sysreview.stats._mh import revman5_mh_random, rma_mh
from sysreview.stats._peto import revman5_peto_random, rma_peto
from sysreview.stats._results import MetaResult
from sysreview.stats._rma import rma

from .conftest import CLOSED_FORM, analysis, assert_close, column, load_reference

P01, P02, P03 = "p01_bcg_binary_mh_iv_dl", "p02_yusuf1985_peto", "p03_nielweise2007_zero_cells"
P10, P12 = "p10_hine1989_rd_peto", "p12_axfors2021_double_zero"

MH_ANALYSES = [
    (P01, "RR_MH_FE"),
    (P01, "OR_MH_FE"),
    (P01, "RD_MH_FE"),
    (P02, "OR_MH_FE"),
    (P03, "RR_MH_FE"),
    (P03, "RR_MH_FE_cc_in_MH"),
    (P03, "OR_MH_FE"),
    (P03, "OR_MH_FE_cc_in_MH"),
    (P03, "RD_MH_FE"),
    (P03, "RD_MH_FE_cc_in_MH"),
    (P10, "RD_MH_FE"),
    (P10, "OR_MH_FE"),
    (P12, "RR_MH_FE"),
    (P12, "RR_MH_FE_cc_in_MH"),
    (P12, "OR_MH_FE"),
    (P12, "OR_MH_FE_cc_in_MH"),
    (P12, "RD_MH_FE"),
    (P12, "RD_MH_FE_cc_in_MH"),
]
PETO_CASES = [P02, P03, P10, P12]
EMULATION_BLOCKS = [
    (P01, ["RR_MH", "RR_IV", "OR_MH", "OR_IV", "RD_MH", "RD_IV"]),
    (P02, ["OR_MH", "OR_IV", "OR_Peto"]),
    (P03, ["RR_MH", "RR_IV", "OR_MH", "OR_IV", "RD_MH", "RD_IV", "OR_Peto"]),
    (P10, ["RD_MH", "RD_IV", "OR_MH", "OR_IV", "OR_Peto"]),
    (P12, ["RR_MH", "RR_IV", "OR_MH", "OR_IV", "RD_MH", "RD_IV", "OR_Peto"]),
]
EMULATIONS = [(case, block) for case, blocks in EMULATION_BLOCKS for block in blocks]

PER_STUDY = ("yi", "vi", "sei", "ci_lb", "ci_ub", "weight_pct", "yi_exp", "ci_lb_exp", "ci_ub_exp")


def counts(case: dict[str, Any]) -> dict[str, Any]:
    rows = case["studies"]
    return {
        "ai": [r["ai"] for r in rows],
        "ci": [r["ci"] for r in rows],
        "n1i": [r["n1i"] for r in rows],
        "n2i": [r["n2i"] for r in rows],
        "study": [r["study"] for r in rows],
    }


def assert_matches(result: MetaResult, expected: dict[str, Any], what: str) -> None:
    """Every pooled field in ``expected`` and every per-study column."""
    actual = result.to_dict()
    for key, value in expected.items():
        if key == "studies":
            continue
        assert key in actual, f"{what}: no {key}"
        if isinstance(value, str):
            assert actual[key] == value, (what, key)
        else:
            assert_close(actual[key], value, CLOSED_FORM, f"{what} {key}")
    rows = result.studies()
    assert len(rows) == len(expected["studies"]), what
    for key in PER_STUDY:
        if key not in expected["studies"][0]:
            continue
        for i, want in enumerate(column(expected["studies"], key)):
            assert_close(column(rows, key)[i], want, CLOSED_FORM, f"{what} study {i + 1} {key}")


# --- metafor: rma.mh and rma.peto -------------------------------------------------------


@pytest.mark.parametrize(("case_id", "analysis_id"), MH_ANALYSES)
def test_mh_matches_metafor(case_id: str, analysis_id: str) -> None:
    case = load_reference(case_id)
    measure = analysis_id.split("_")[0]
    correction = "cells" if analysis_id.endswith("cc_in_MH") else "none"
    result = rma_mh(**counts(case), measure=measure, correction=correction)
    assert_matches(result, analysis(case, analysis_id)["expected"], analysis_id)


@pytest.mark.parametrize("case_id", PETO_CASES)
def test_peto_matches_metafor(case_id: str) -> None:
    case = load_reference(case_id)
    result = rma_peto(**counts(case))
    assert_matches(result, analysis(case, "OR_PETO_FE")["expected"], "OR_PETO_FE")


# --- RevMan 5 (R meta 6.1-0, settings.meta("RevMan5")) -----------------------------------


def emulate(case: dict[str, Any], block: str) -> tuple[MetaResult, MetaResult]:
    """RevMan 5's fixed ("common") and DL random-effects analyses for one block."""
    data = counts(case)
    measure, method = block.split("_")
    if method == "MH":
        fixed = rma_mh(**data, measure=measure, correction="revman5")
        return fixed, revman5_mh_random(**data, measure=measure)
    if method == "Peto":
        return rma_peto(**data, to="none"), revman5_peto_random(**data)
    # RevMan's inverse variance: double-zero studies out for RR/OR; RD from raw counts
    # with 0.5 only in the variance of zero-cell studies.
    rd = measure == "RD"
    effects = escalc(measure, **data, drop00=not rd, addyi=not rd)
    return rma(effects, method="FE"), rma(effects, method="DL")


def per_study(result: MetaResult, n: int) -> list[dict[str, float]]:
    """Per-study TE, seTE and weight in input order (NaN weight -> 0, as meta prints it)."""
    assert len(result.yi) == n
    return [
        {
            "TE": float(result.yi[i]),
            "seTE": math.sqrt(result.vi[i]),
            "w": 0.0 if math.isnan(result.weights[i]) else float(result.weights[i]),
        }
        for i in range(n)
    ]


@pytest.mark.parametrize(("case_id", "block"), EMULATIONS)
def test_revman5_emulation(case_id: str, block: str) -> None:
    case = load_reference(case_id)
    want = case["revman5_emulation"][block]
    fixed, random = emulate(case, block)
    for result, part in ((fixed, want["common"]), (random, want["random_DL"])):
        for mine, theirs in (
            ("estimate", "estimate"),
            ("se", "se"),
            ("ci_lb", "ci_lb"),
            ("ci_ub", "ci_ub"),
            ("stat", "z"),
            ("p", "p"),
            ("estimate_exp", "estimate_bt"),
            ("ci_lb_exp", "ci_lb_bt"),
            ("ci_ub_exp", "ci_ub_bt"),
        ):
            # for RD both sides repeat the estimate in the back-transformed fields
            value = getattr(result, mine)
            assert_close(value, part[theirs], CLOSED_FORM, f"{block} {result.model} {mine}")
    assert_close(random.pi_higgins_lb, want["random_DL"]["pi_lb"], CLOSED_FORM, "pi_lb")
    assert_close(random.pi_higgins_ub, want["random_DL"]["pi_ub"], CLOSED_FORM, "pi_ub")
    for key, value in (
        ("tau2", random.tau2),
        ("tau", random.tau),
        ("Q", random.Q),
        ("Q_df", random.Q_df),
        ("Q_p", random.Q_p),
        ("I2_pct", random.I2),
        ("k", random.k),
    ):
        assert_close(value, want[key], CLOSED_FORM, f"{block} {key}")
    n = len(case["studies"])
    common, spread = per_study(fixed, n), per_study(random, n)
    for i, row in enumerate(want["studies"]):
        what = f"{block} study {i + 1}"
        if row["TE"] is None:  # not estimable in RevMan
            assert math.isnan(common[i]["TE"]), what
        else:
            for key in ("TE", "seTE"):
                assert_close(common[i][key], row[key], CLOSED_FORM, f"{what} {key}")
        assert_close(common[i]["w"], row["w_common_pct"], CLOSED_FORM, f"{what} w_common")
        assert_close(spread[i]["w"], row["w_random_pct"], CLOSED_FORM, f"{what} w_random")


def test_rd_variance_greenland_robins_vs_sato() -> None:
    """README §6: bcg MH-RD SE 2.8452e-4 (Greenland-Robins, RevMan) vs 2.8666e-4 (SGR)."""
    case = load_reference(P01)
    sgr = rma_mh(**counts(case), measure="RD")
    gr = rma_mh(**counts(case), measure="RD", rd_variance="gr")
    assert sgr.estimate == gr.estimate
    assert_close(sgr.se, analysis(case, "RD_MH_FE")["expected"]["se"], CLOSED_FORM, "sgr")
    assert_close(gr.se, case["revman5_emulation"]["RD_MH"]["common"]["se"], CLOSED_FORM, "gr")
    assert gr.settings["rd_variance"] == "gr"


# --- edge cases ------------------------------------------------------------------------

# Three studies: an ordinary one, one with a single zero cell, one double-zero.
ZERO_CELLS = {"ai": [4, 0, 0], "n1i": [50, 40, 30], "ci": [9, 5, 0], "n2i": [50, 42, 31]}


def test_zero_cell_enters_display_not_the_exact_mh() -> None:
    exact = rma_mh(**ZERO_CELLS, measure="OR")
    a, b = np.array([4.0, 0.0]), np.array([46.0, 40.0])
    c, d = np.array([9.0, 5.0]), np.array([41.0, 37.0])
    n = a + b + c + d
    assert math.isclose(exact.estimate, math.log((a * d / n).sum() / (b * c / n).sum()))
    assert math.isclose(exact.yi[1], math.log(0.5 * 37.5 / (40.5 * 5.5)))
    assert math.isclose(exact.vi[1], 1 / 0.5 + 1 / 40.5 + 1 / 5.5 + 1 / 37.5)
    inside = rma_mh(**ZERO_CELLS, measure="OR", correction="cells")
    assert inside.estimate != exact.estimate
    np.testing.assert_array_equal(inside.yi, exact.yi)


def test_double_zero_counts_in_k_but_not_in_q_df() -> None:
    exact = rma_mh(**ZERO_CELLS, measure="RR")
    assert (exact.k, exact.extra["k_tables"], exact.extra["k_yi"], exact.Q_df) == (3, 3, 2, 1)
    assert math.isnan(exact.yi[2]) and exact.weights[2] == 0
    inside = rma_mh(**ZERO_CELLS, measure="RR", correction="revman5")
    assert (inside.k, inside.extra["k_yi"], inside.Q_df) == (2, 2, 1)
    assert math.isnan(inside.weights[2])
    assert math.isclose(np.nansum(inside.weights), 100)


def test_double_zero_kept_for_rd_with_correction_inside() -> None:
    revman = rma_mh(**ZERO_CELLS, measure="RD", correction="revman5")
    assert (revman.k, revman.extra["k_yi"], revman.Q_df) == (3, 3, 2)
    assert revman.yi[2] == 0 and revman.weights[2] > 0
    assert revman.settings["drop00"] is False and revman.settings["rd_variance"] == "gr"
    dropped = rma_mh(**ZERO_CELLS, measure="RD", correction="revman5", drop00=True)
    assert (dropped.k, dropped.extra["k_yi"]) == (2, 2)
    exact = rma_mh(**ZERO_CELLS, measure="RD")
    assert (exact.k, exact.extra["k_yi"]) == (3, 2)
    assert exact.weights[2] > 0  # n1 n2 / N: a double-zero table still weighs in the MH RD


def test_peto_double_zero_has_weight_zero() -> None:
    result = rma_peto(**ZERO_CELLS)
    assert (result.k, result.extra["k_tables"], result.extra["k_yi"], result.Q_df) == (3, 3, 2, 1)
    assert result.weights[2] == 0 and math.isnan(result.yi[2])
    raw = rma_peto(**ZERO_CELLS, to="none")
    assert raw.estimate == result.estimate and raw.yi[1] != result.yi[1]


NO_EVENTS = {"ai": [0, 0], "n1i": [20, 30], "ci": [0, 0], "n2i": [20, 30]}


@pytest.mark.parametrize("measure", ["OR", "RR", "RD"])
def test_all_zero_event_tables_raise(measure: str) -> None:
    with pytest.raises(InsufficientData):
        rma_mh(**NO_EVENTS, measure=measure)  # type: ignore[arg-type]
    with pytest.raises(InsufficientData):
        rma_peto(**NO_EVENTS)


@pytest.mark.parametrize("measure", ["OR", "RR"])
def test_all_double_zero_with_correction_inside_raises(measure: str) -> None:
    with pytest.raises(InsufficientData, match="double-zero"):
        rma_mh(**NO_EVENTS, measure=measure, correction="revman5")  # type: ignore[arg-type]


def test_all_zero_event_tables_rd_revman5_is_zero() -> None:
    result = rma_mh(**NO_EVENTS, measure="RD", correction="revman5")
    assert result.estimate == 0 and result.se > 0 and result.Q == 0


def test_no_events_in_one_arm_names_the_arm() -> None:
    with pytest.raises(InsufficientData, match=r"\(ai\)"):
        rma_mh(ai=[0, 0], n1i=[20, 30], ci=[3, 4], n2i=[20, 30], measure="RR")
    with pytest.raises(InsufficientData, match=r"\(ai\)"):
        rma_mh(ai=[0, 0], n1i=[20, 30], ci=[3, 4], n2i=[20, 30], measure="OR")
    fixed = rma_mh(ai=[0, 0], n1i=[20, 30], ci=[3, 4], n2i=[20, 30], correction="revman5")
    assert fixed.estimate < 0


def test_one_study() -> None:
    one = {"ai": [4], "n1i": [50], "ci": [9], "n2i": [50]}
    result = rma_mh(**one, measure="OR")
    assert math.isclose(result.estimate, math.log(4 * 41 / (46 * 9)))
    assert math.isclose(result.se**2, 1 / 4 + 1 / 46 + 1 / 9 + 1 / 41)
    assert (result.k, result.Q, result.Q_df, result.Q_p, result.I2, result.H2) == (1, 0, 0, 1, 0, 1)
    assert result.extra["tarone_p"] is None
    assert result.weights.tolist() == [100.0]
    peto = rma_peto(**one)
    assert (peto.k, peto.Q, peto.Q_df, peto.Q_p, peto.I2, peto.H2) == (1, 0, 0, 1, 0, 1)


def test_one_study_random_effects() -> None:
    one = {"ai": [4], "n1i": [50], "ci": [9], "n2i": [50]}
    random = revman5_mh_random(**one, measure="OR")
    fixed = rma_mh(**one, measure="OR")
    assert random.tau2 == 0 and random.k == 1
    assert math.isclose(random.estimate, fixed.yi[0])
    assert revman5_peto_random(**one).tau2 == 0


def test_events_or_non_events_give_the_same_tables() -> None:
    by_size = rma_mh(**ZERO_CELLS, measure="OR")
    by_cells = rma_mh(ai=[4, 0, 0], bi=[46, 40, 30], ci=[9, 5, 0], di=[41, 37, 31], measure="OR")
    assert by_size.estimate == by_cells.estimate and by_size.se == by_cells.se


def test_result_is_json_ready() -> None:
    out = rma_mh(**ZERO_CELLS, measure="OR", study=["A", "B", "C"]).to_dict()
    assert out["studies"][2]["study"] == "C" and out["studies"][2]["yi"] is None
    assert out["k_tables"] == 3 and out["k_yi"] == 2 and out["tarone_stat"] is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ai": [4, -1, 0]}, "ai is negative in study 2"),
        ({"ci": [9, 5, 40]}, "ci .*study 3"),
        ({"n1i": [50, 40, float("nan")]}, "n1i .*study 3"),
        ({"study": ["A", "B"]}, "2 labels for 3 studies"),
        ({"measure": "SMD"}, "measure='SMD'"),
        ({"correction": "yes"}, "correction='yes'"),
        ({"rd_variance": "x"}, "rd_variance='x'"),
        ({"level": 100}, "level=100"),
        ({"level": 0.95}, "level=0.95"),
        ({"add": -0.5}, "add=-0.5"),
        ({"to": "some"}, "to='some'"),
    ],
)
def test_bad_input_names_argument_and_study(change: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        rma_mh(**(ZERO_CELLS | change))


def test_peto_bad_input() -> None:
    with pytest.raises(DataError, match="ai is negative in study 1"):
        rma_peto(ai=[-1], n1i=[5], ci=[1], n2i=[5])
    with pytest.raises(DataError, match="level"):
        rma_peto(**ZERO_CELLS, level=120)
