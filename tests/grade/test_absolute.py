"""Absolute effects, NNT and their cell text (``sysreview.grade._absolute``).

Oracles: the Cochrane Handbook's worked OR example (15.4.4), the example review's
Tabell 4 and Tabell 6 (``examples/niph-rehab/sof.yaml``), and numbers computed by hand in
the comments.  Tolerances: unrounded risks to 1e-9 per ``per`` (they are a handful of
floating-point operations); rounded numbers exactly.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.errors import DataError
from sysreview.grade._absolute import (
    AbsoluteEffect,
    RoundedAbsoluteEffect,
    absolute_effect,
    continuous_effect,
    format_continuous,
    format_difference,
    format_intervention,
    format_intervention_mean,
    format_mean,
    format_number,
    format_risk,
    round_half_away,
    smd_size,
)

TOL = 1e-9


def _close(effect: AbsoluteEffect, **expected: float) -> None:
    for name, value in expected.items():
        assert getattr(effect, name) == pytest.approx(value, abs=TOL), name


# --------------------------------------------------------------------------- OR, HR, RR, RD


def test_handbook_odds_ratio_example() -> None:
    # Cochrane Handbook 15.4.4: OR 0.73 at an assumed control risk of 0.3.
    # ICR = 0.73·0.3 / (1 − 0.3 + 0.73·0.3) = 0.219 / 0.919 = 0.238303...
    # → 238 per 1000; difference 238.303 − 300 = −61.697 → 62 fewer per 1000;
    # NNT = 1000 / 61.697 = 16.21 → 17 (rounded up).  The CI 0.58–0.87 is illustrative:
    # lb 0.174/0.874 = 0.199085 → 199 (−100.915 → 101 fewer);
    # ub 0.261/0.961 = 0.271592 → 272 (−28.408 → 28 fewer).
    e = absolute_effect("OR", 0.73, 0.58, 0.87, 0.3)
    _close(e, control=300, intervention=219 / 0.919, difference=219 / 0.919 - 300)
    _close(e, intervention_lb=174 / 0.874, intervention_ub=261 / 0.961)
    assert e.rounded() == RoundedAbsoluteEffect(300, 238, 199, 272, -62, -101, -28)
    assert e.nnt() == 17
    assert not e.clamped
    assert e.measure == "OR" and e.per == 1000 and e.baseline == 0.3


def test_hazard_ratio() -> None:
    # HR 0.80 (0.63 to 1.03) at ACR 0.5:  ICR = 1 − 0.5^HR
    #   0.5^0.80 = 0.574349 → ICR 0.425651 → 426 per 1000, difference −74.349 → −74
    #   0.5^0.63 = 0.646176 → ICR 0.353824 → 354, difference −146.176 → −146
    #   0.5^1.03 = 0.489710 → ICR 0.510290 → 510, difference +10.290 → +10
    # NNT = 1000 / 74.349 = 13.45 → 14
    e = absolute_effect("HR", 0.80, 0.63, 1.03, 0.5)
    _close(e, intervention=1000 * (1 - 0.5**0.8), intervention_lb=1000 * (1 - 0.5**0.63))
    _close(e, intervention_ub=1000 * (1 - 0.5**1.03))
    assert e.rounded() == RoundedAbsoluteEffect(500, 426, 354, 510, -74, -146, 10)
    assert e.nnt() == 14
    assert format_difference(e, "en") == "74 fewer per 1,000 (from 146 fewer to 10 more)"


def test_hazard_ratio_small_risk_is_accurate() -> None:
    # 1 − (1 − 1e-9)^0.5 = 5e-10 to first order; the naive formula loses all digits here
    e = absolute_effect("HR", 0.5, 0.5, 0.5, 1e-9, per=100000)
    assert e.intervention == pytest.approx(5e-5, rel=1e-9)


def test_review_tabell_4_rr_clamped_at_100_percent() -> None:
    # Tabell 4: RR 1,01 (0,70 til 1,48), 72 per 100 in the control group.
    #   ICR 1.01·72 = 72.72 → 73; difference 0.72 → 1 more
    #   lb  0.70·72 = 50.4  → 50; difference −21.6 → 22 fewer
    #   ub  1.48·72 = 106.56 is impossible: clamped to 100; difference 100 − 72 = 28 more
    # (the review printed "50 til 107" and "30 færre til 48 flere": see notes.yaml)
    e = absolute_effect("RR", 1.01, 0.70, 1.48, 0.72, per=100)
    _close(e, control=72, intervention=72.72, intervention_lb=50.4, intervention_ub=100)
    _close(e, difference=0.72, difference_lb=-21.6, difference_ub=28)
    assert e.clamped
    assert e.rounded() == RoundedAbsoluteEffect(72, 73, 50, 100, 1, -22, 28)
    assert format_intervention(e, "nb") == "73 per 100 (50 til 100)"
    assert format_difference(e, "nb") == "1 flere per 100 (fra 22 færre til 28 flere)"
    assert format_difference(e, "en") == "1 more per 100 (from 22 fewer to 28 more)"


def test_review_tabell_6_rr() -> None:
    # Tabell 6: RR 1,04 (0,86 til 1,25) at 59 per 100.
    #   ICR 1.04·59 = 61.36 → 61; difference 2.36 → 2 more
    #   lb  0.86·59 = 50.74 → 51; difference −8.26 → 8 fewer
    #   ub  1.25·59 = 73.75 → 74; difference 14.75 → 15 more
    e = absolute_effect("RR", 1.04, 0.86, 1.25, 0.59, per=100)
    assert e.rounded() == RoundedAbsoluteEffect(59, 61, 51, 74, 2, -8, 15)
    assert not e.clamped
    assert format_difference(e, "nb") == "2 flere per 100 (fra 8 færre til 15 flere)"
    assert e.nnt() == 43  # 100 / 2.36 = 42.37 → 43


def test_risk_difference() -> None:
    # RD −0.05 (−0.08 to −0.02) at ACR 0.2: ICR 0.15 (0.12 to 0.18)
    # → 150 per 1000 (120 to 180); 50 fewer (80 fewer to 20 fewer); NNT 1000/50 = 20
    # exactly (20.000000000000004 in floating point must not become 21)
    e = absolute_effect("RD", -0.05, -0.08, -0.02, 0.2)
    assert e.rounded() == RoundedAbsoluteEffect(200, 150, 120, 180, -50, -80, -20)
    assert e.nnt() == 20
    assert format_difference(e, "en") == "50 fewer per 1,000 (from 80 fewer to 20 fewer)"
    assert format_intervention(e, "en") == "150 per 1,000 (120 to 180)"


def test_risk_difference_clamped_at_zero() -> None:
    # RD −0.05 (−0.10 to 0.01) at ACR 0.03: ICR −0.02 and −0.07 are impossible → 0;
    # ub 0.04.  Per 1000: 0 (0 to 40); difference −30 (−30 to +10).
    e = absolute_effect("RD", -0.05, -0.10, 0.01, 0.03)
    assert e.clamped
    _close(e, intervention=0, intervention_lb=0, intervention_ub=40)
    _close(e, difference=-30, difference_lb=-30, difference_ub=10)
    assert e.nnt() == 34  # 1000 / 30 = 33.3 → 34


def test_odds_and_hazard_ratios_never_clamp() -> None:
    for measure in ("OR", "HR"):
        e = absolute_effect(measure, 5.0, 2.0, 50.0, 0.9)
        assert not e.clamped
        assert 0 <= e.intervention_lb <= e.intervention <= e.intervention_ub <= 1000


@pytest.mark.parametrize("measure", ["RR", "OR", "HR"])
def test_baseline_zero_and_one(measure: str) -> None:
    zero = absolute_effect(measure, 0.5, 0.2, 0.9, 0.0)
    assert (zero.intervention, zero.intervention_ub, zero.difference) == (0, 0, 0)
    assert zero.nnt() is None
    one = absolute_effect(measure, 0.5, 0.2, 0.9, 1.0)
    if measure == "RR":
        assert one.intervention == 500  # RR·1 = 0.5
    else:
        assert (one.intervention_lb, one.intervention_ub) == (1000, 1000)  # a certain event


def test_measure_is_case_insensitive() -> None:
    assert absolute_effect("rr", 1, 1, 1, 0.5).measure == "RR"


def test_no_difference() -> None:
    e = absolute_effect("RR", 1.0, 0.8, 1.25, 0.3)
    assert e.difference == 0
    assert e.nnt() is None
    assert format_difference(e, "en") == "0 fewer per 1,000 (from 60 fewer to 75 more)"


def test_rounding_is_half_away_from_zero() -> None:
    assert [round_half_away(x) for x in (0.5, 1.5, 2.5, -0.5, -2.5)] == [1, 2, 3, -1, -3]
    assert round_half_away(0.125, 2) == 0.13
    assert round_half_away(-0.125, 2) == -0.13
    # 1.005 · 1000 is 1004.9999999999999 in floating point, 1005 in fact: the value is
    # snapped to 9 decimals before rounding, so the tie still rounds away from zero
    assert 1.005 * 1000 < 1005
    assert round_half_away(1.005 * 1000) == 1005
    assert round_half_away(-1.005 * 1000) == -1005


def test_rounded_differences_round_each_value_not_the_subtraction() -> None:
    # RD +0.0025 at ACR 0.1: 102.5 − 100 = 2.5 → 3 (Python's round gives 2);
    # RD −0.0025: 97.5 → 98 and −2.5 → −3.
    up = absolute_effect("RD", 0.0025, 0.0025, 0.0025, 0.1).rounded()
    assert (up.intervention, up.difference) == (103, 3)
    down = absolute_effect("RD", -0.0025, -0.0025, -0.0025, 0.1).rounded()
    assert (down.intervention, down.difference) == (98, -3)
    # control 72.5 → 73 and intervention 73.4 → 73, yet the difference 0.9 → 1:
    # the printed difference is not the difference of the printed risks
    e = absolute_effect("RD", 0.0009, 0.0009, 0.0009, 0.0725)
    r = e.rounded()
    assert (r.control, r.intervention, r.difference) == (73, 73, 1)


def test_to_dict() -> None:
    d = absolute_effect("RR", 0.5, 0.25, 1.0, 0.2).to_dict()
    assert d["measure"] == "RR" and d["intervention"] == pytest.approx(100)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("XX", 1.0, 0.5, 2.0, 0.3), {}, "unknown measure"),
        (("MD", 1.0, 0.5, 2.0, 0.3), {}, "unknown measure"),
        (("RR", 1.0, 0.5, 2.0, 1.2), {}, "proportion between 0 and 1"),
        (("RR", 1.0, 0.5, 2.0, 30), {}, "proportion between 0 and 1"),
        (("RR", 1.0, 0.5, 2.0, -0.1), {}, "proportion between 0 and 1"),
        (("RR", 1.0, 0.5, 2.0, math.nan), {}, "finite"),
        (("RR", 1.0, 0.5, math.inf, 0.3), {}, "finite"),
        (("RR", 1.0, 0.0, 2.0, 0.3), {}, "greater than 0"),
        (("OR", -1.0, -2.0, 2.0, 0.3), {}, "greater than 0"),
        (("HR", 1.0, 1.2, 2.0, 0.3), {}, "within its limits"),
        (("RR", 1.0, 0.5, 0.9, 0.3), {}, "within its limits"),
        (("RD", 0.5, 0.2, 1.5, 0.3), {}, "between -1 and 1"),
        (("RR", 1.0, 0.5, 2.0, 0.3), {"per": 500}, "per must be"),
    ],
)
def test_invalid_input_raises_data_error(
    args: tuple[Any, ...], kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(DataError, match=match):
        absolute_effect(*args, **kwargs)


def test_unknown_language() -> None:
    e = absolute_effect("RR", 1.0, 0.5, 2.0, 0.3)
    with pytest.raises(DataError, match="unknown language"):
        format_difference(e, "de")
    with pytest.raises(DataError, match="per must be"):
        format_risk(10, 10, "en")


ratios = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(
    measure=st.sampled_from(["RR", "OR", "HR"]),
    values=st.lists(ratios, min_size=3, max_size=3).map(sorted),
    baseline=st.floats(min_value=0.0, max_value=1.0),
    per=st.sampled_from([100, 1000, 100000]),
)
def test_bounds_are_ordered_and_within_range(
    measure: str, values: list[float], baseline: float, per: int
) -> None:
    lb, point, ub = values
    e = absolute_effect(measure, point, lb, ub, baseline, per=per)
    assert 0 <= e.intervention_lb <= e.intervention <= e.intervention_ub <= per
    assert e.difference_lb <= e.difference <= e.difference_ub
    r = e.rounded()
    assert r.difference_lb <= r.difference <= r.difference_ub
    if measure != "RR" or ub * baseline <= 1:
        assert not e.clamped


# --------------------------------------------------------------------------- text


def test_number_formats() -> None:
    assert format_number(1806, "en") == "1,806"
    assert format_number(1806, "nb") == "1806"  # four digits: no space in Norwegian
    assert format_number(12345.5, "nb") == "12 346"
    assert format_number(3.25, "en", 2) == "3.25"
    assert format_number(3.25, "nb", 2) == "3,25"
    assert format_number(3.20, "en", 2, strip=True) == "3.2"
    assert format_number(-0.3, "en") == "0"  # never "-0"
    assert format_number(-2.5, "en") == "-3"


def test_per_100000_formatting() -> None:
    # RR 0.9 (0.8 to 1.2) at ACR 0.25 per 100 000: control 25 000, ICR 22 500
    # (20 000 to 30 000), difference −2 500 (−5 000 to +5 000)
    e = absolute_effect("RR", 0.9, 0.8, 1.2, 0.25, per=100000)
    assert format_risk(e.control, e.per, "en") == "25,000 per 100,000"
    assert format_risk(e.control, e.per, "nb") == "25 000 per 100 000"
    assert format_intervention(e, "en") == "22,500 per 100,000 (20,000 to 30,000)"
    assert format_intervention(e, "nb") == "22 500 per 100 000 (20 000 til 30 000)"
    assert format_difference(e, "en") == (
        "2,500 fewer per 100,000 (from 5,000 fewer to 5,000 more)"
    )
    assert format_difference(e, "nb") == "2500 færre per 100 000 (fra 5000 færre til 5000 flere)"


def test_risk_text_per_1000_and_decimals() -> None:
    assert format_risk(238.3, 1000, "en") == "238 per 1,000"
    assert format_risk(238.3, 1000, "nb") == "238 per 1000"
    assert format_risk(0.45, 1000, "en", decimals=1) == "0.5 per 1,000"
    assert format_risk(0.45, 1000, "nb", decimals=1) == "0,5 per 1000"


def test_difference_words_follow_the_unrounded_sign() -> None:
    # RR 0.999 at 0.3: −0.3 per 1000 → "0 fewer"; RR 1.001: +0.3 → "0 more"
    fewer = absolute_effect("RR", 0.999, 0.9, 1.1, 0.3)
    more = absolute_effect("RR", 1.001, 0.9, 1.1, 0.3)
    assert format_difference(fewer, "en") == "0 fewer per 1,000 (from 30 fewer to 30 more)"
    assert format_difference(more, "en") == "0 more per 1,000 (from 30 fewer to 30 more)"
    assert format_difference(more, "nb") == "0 flere per 1000 (fra 30 færre til 30 flere)"


def test_english_and_norwegian_cells_of_the_handbook_example() -> None:
    e = absolute_effect("OR", 0.73, 0.58, 0.87, 0.3)
    assert format_risk(e.control, 1000, "en") == "300 per 1,000"
    assert format_intervention(e, "en") == "238 per 1,000 (199 to 272)"
    assert format_intervention(e, "nb") == "238 per 1000 (199 til 272)"
    assert format_difference(e, "en") == "62 fewer per 1,000 (from 101 fewer to 28 fewer)"
    assert format_difference(e, "nb") == "62 færre per 1000 (fra 101 færre til 28 færre)"


# --------------------------------------------------------------------------- continuous


def test_mean_difference_with_control_mean() -> None:
    # MD 3.2 (1.1 to 5.3), control mean 20 → intervention mean 23.2 (21.1 to 25.3)
    e = continuous_effect("MD", 3.2, 1.1, 5.3, control_mean=20.0)
    assert e.intervention_mean == pytest.approx(23.2)
    assert (e.size, e.md, e.odds_ratio) == (None, None, None)
    assert format_continuous(e, "en") == "MD 3.2 higher (1.1 higher to 5.3 higher)"
    assert format_continuous(e, "nb") == "MD 3,2 høyere (1,1 høyere til 5,3 høyere)"
    assert format_continuous(e, "en", "points") == "MD 3.2 points higher (1.1 higher to 5.3 higher)"
    assert format_mean(20.0, "en", "points") == "20 points"
    assert format_intervention_mean(e, "en", "points") == "23.2 points (21.1 to 25.3)"
    assert format_intervention_mean(e, "nb", "poeng") == "23,2 poeng (21,1 til 25,3)"


def test_mean_difference_crossing_zero() -> None:
    e = continuous_effect("MD", -0.18, -0.37, 0.01)
    assert e.intervention_mean is None
    assert format_continuous(e, "en") == "MD 0.18 lower (0.37 lower to 0.01 higher)"
    assert format_continuous(e, "nb") == "MD 0,18 lavere (0,37 lavere til 0,01 høyere)"
    with pytest.raises(DataError, match="control mean"):
        format_intervention_mean(e, "en")


def test_smd_text_and_decimals() -> None:
    e = continuous_effect("SMD", -0.92, -1.5, -0.3)
    assert e.size == "large"
    assert format_continuous(e, "en") == "SMD 0.92 lower (1.5 lower to 0.3 lower)"
    assert format_continuous(e, "nb") == "SMD 0,92 lavere (1,5 lavere til 0,3 lavere)"
    assert format_continuous(e, "en", "SD") == "SMD 0.92 SD lower (1.5 lower to 0.3 lower)"
    assert format_continuous(e, "en", decimals=1) == "SMD 0.9 lower (1.5 lower to 0.3 lower)"


@pytest.mark.parametrize(
    ("smd", "size"),
    [
        (0.0, "trivial"),
        (0.19999, "trivial"),
        (0.2, "small"),
        (-0.2, "small"),
        (0.49999, "small"),
        (0.5, "moderate"),
        (-0.79999, "moderate"),
        (0.8, "large"),
        (-0.8, "large"),
        (2.5, "large"),
    ],
)
def test_smd_size_boundaries(smd: float, size: str) -> None:
    assert smd_size(smd) == size
    assert continuous_effect("SMD", smd, smd - 0.1, smd + 0.1).size == size


def test_smd_reexpressed_as_odds_ratio() -> None:
    # ln(OR) = π/√3 · SMD: SMD 0.5 → exp(0.5 · 1.813799) = exp(0.906900) = 2.4766
    e = continuous_effect("SMD", 0.5, 0.2, 0.8, as_odds_ratio=True)
    assert e.odds_ratio is not None
    assert e.odds_ratio[0] == pytest.approx(2.4766, abs=1e-4)
    assert e.odds_ratio == pytest.approx(
        tuple(math.exp(x * math.pi / math.sqrt(3)) for x in (0.5, 0.2, 0.8))
    )
    null = continuous_effect("SMD", 0, -0.1, 0.1, as_odds_ratio=True).odds_ratio
    assert null is not None
    assert null[0] == 1.0 and null[1] * null[2] == pytest.approx(1.0)  # symmetric about OR 1


def test_smd_reexpressed_as_mean_difference() -> None:
    # SMD 0.5 (0.2 to 0.8) × SD 10 = MD 5 (2 to 8); control mean 50 → 55 (52 to 58)
    e = continuous_effect("SMD", 0.5, 0.2, 0.8, control_mean=50.0, reference_sd=10.0)
    assert e.md == pytest.approx((5.0, 2.0, 8.0))
    assert e.intervention_mean == pytest.approx(55.0)
    assert format_intervention_mean(e, "en") == "55 (52 to 58)"
    # without a reference SD an SMD gives no intervention mean
    assert continuous_effect("SMD", 0.5, 0.2, 0.8, control_mean=50.0).intervention_mean is None


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("RR", 1.0, 0.5, 2.0), {}, "unknown measure"),
        (("MD", 1.0, 2.0, 3.0), {}, "within its limits"),
        (("MD", math.nan, 0.0, 1.0), {}, "finite"),
        (("MD", 1.0, 0.0, 2.0), {"reference_sd": 2.0}, "re-express an SMD"),
        (("MD", 1.0, 0.0, 2.0), {"as_odds_ratio": True}, "re-express an SMD"),
        (("SMD", 1.0, 0.0, 2.0), {"reference_sd": 0.0}, "greater than 0"),
        (("SMD", 1.0, 0.0, 2.0), {"control_mean": math.inf}, "finite"),
    ],
)
def test_continuous_invalid_input(
    args: tuple[Any, ...], kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(DataError, match=match):
        continuous_effect(*args, **kwargs)
