"""Optimal information size (``sysreview.grade._ois``).

Oracles: hand computations in the comments, with z_{0.975} = 1.959964 and
z_{0.80} = 0.841621, so (z_{0.975} + z_{0.80})² = 2.801585² = 7.848879; and GRADE
guidelines 6 (Guyatt et al. 2011, Fig. 3; also the KCE process book 5.5.4), which reads
an OIS of "approximately 2000 patients" off its figure for a control event rate of 0.2
and an RRR of 25 % (α 0.05, β 0.2).
"""

from __future__ import annotations

import math

import pytest

from sysreview.errors import DataError
from sysreview.grade._ois import ois_continuous, ois_dichotomous

Z2 = 7.848879  # (1.959964 + 0.841621)², to 6 decimals


def test_dichotomous_hand_computed() -> None:
    # p2 = 0.20, p1 = 0.20 · 0.75 = 0.15
    # n = 7.848879 · (0.15·0.85 + 0.20·0.80) / 0.05² = 7.848879 · 0.2875 / 0.0025
    #   = 902.62 → 903 per group, 1806 in all
    ois = ois_dichotomous(0.20, 0.25)
    assert (ois.kind, ois.per_group, ois.total) == ("dichotomous", 903, 1806)
    assert (ois.alpha, ois.beta) == (0.05, 0.20)
    assert ois.detail == pytest.approx({"control_risk": 0.20, "rrr": 0.25, "p1": 0.15})
    assert math.isclose(Z2 * 0.2875 / 0.0025, 902.62, abs_tol=0.01)


def test_dichotomous_defaults_are_grades() -> None:
    assert ois_dichotomous(0.20) == ois_dichotomous(0.20, 0.25, alpha=0.05, beta=0.20)


def test_dichotomous_agrees_with_grade_guidelines_6_figure() -> None:
    # Guyatt 2011 Fig. 3: control event rate 0.2, RRR 25 % → "approximately 2000"
    # (read off a log-scale figure, hence the loose check); RRR 20 % needs more, 30 % fewer
    total = ois_dichotomous(0.20, 0.25).total
    assert abs(total - 2000) <= 200
    assert ois_dichotomous(0.20, 0.20).total > total > ois_dichotomous(0.20, 0.30).total


def test_dichotomous_relative_increase() -> None:
    # rrr −0.25: p1 = 0.25; n = 7.848879 · (0.25·0.75 + 0.2·0.8) / 0.05²
    #   = 7.848879 · 0.3475 / 0.0025 = 1090.99 → 1091 per group
    ois = ois_dichotomous(0.20, -0.25)
    assert (ois.per_group, ois.total) == (1091, 2182)
    assert ois.detail["p1"] == pytest.approx(0.25)


def test_stricter_error_rates_need_more() -> None:
    # α 0.01, β 0.10: (2.575829 + 1.281552)² = 14.879388; · 0.2875 / 0.0025 = 1711.13 → 1712
    ois = ois_dichotomous(0.20, 0.25, alpha=0.01, beta=0.10)
    assert ois.per_group == 1712


def test_continuous_hand_computed() -> None:
    # δ = 0.2 SD: n = 2 · 7.848879 · 1 / 0.04 = 392.44 → 393 per group, 786 in all
    ois = ois_continuous(0.2)
    assert (ois.kind, ois.per_group, ois.total) == ("continuous", 393, 786)
    assert ois.detail == {"delta": 0.2, "sd": 1.0}
    # the same on a natural scale: δ 2 points with σ 10; the sign of δ does not matter
    assert ois_continuous(2.0, 10.0).per_group == 393
    assert ois_continuous(-2.0, 10.0).per_group == 393


def test_exact_integer_is_not_rounded_up() -> None:
    # choose δ so that n is exactly 400: δ² = 2 · Z2 / 400
    from statistics import NormalDist

    z2 = (NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)) ** 2
    assert ois_continuous(math.sqrt(2 * z2 / 400)).per_group == 400


def test_describe_in_both_languages() -> None:
    ois = ois_dichotomous(0.20, 0.25)
    assert ois.describe("en") == (
        "Optimal information size 1,806 participants (α 0.05 two-sided, β 0.20, "
        "control risk 20 %, relative risk reduction 25 %)"
    )
    assert ois.describe("nb") == (
        "Optimal informasjonsstørrelse 1806 deltakere (α 0,05 tosidig, β 0,20, "
        "risiko i kontrollgruppen 20 %, relativ risikoreduksjon 25 %)"
    )
    increase = ois_dichotomous(0.125, -0.25, alpha=0.01)
    assert "control risk 12.5 %, relative risk increase 25 %" in increase.describe("en")
    assert "α 0,01 tosidig" in increase.describe("nb")
    assert "relativ risikoøkning 25 %" in increase.describe("nb")
    continuous = ois_continuous(0.2)
    assert continuous.describe("en") == (
        "Optimal information size 786 participants (α 0.05 two-sided, β 0.20, "
        "difference 0.2, standard deviation 1)"
    )
    assert continuous.describe("nb") == (
        "Optimal informasjonsstørrelse 786 deltakere (α 0,05 tosidig, β 0,20, "
        "forskjell 0,2, standardavvik 1)"
    )
    # a rare outcome: p2 0.01, p1 0.0075; n = 7.848879 · (0.0075·0.9925 + 0.01·0.99)
    # / 0.0025² = 7.848879 · 0.01734375 / 0.00000625 = 21780.6 → 21781; total 43 562
    assert "43 562 deltakere" in ois_dichotomous(0.01, 0.25).describe("nb")
    assert "43,562 participants" in ois_dichotomous(0.01, 0.25).describe("en")
    with pytest.raises(DataError, match="unknown language"):
        ois.describe("sv")


def test_to_dict() -> None:
    assert ois_continuous(0.5).to_dict()["total"] == 2 * math.ceil(2 * Z2 / 0.25)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"control_risk": 0.0}, "strictly between 0 and 1"),
        ({"control_risk": 1.0}, "strictly between 0 and 1"),
        ({"control_risk": 20.0}, "strictly between 0 and 1"),
        ({"control_risk": math.nan}, "finite"),
        ({"control_risk": 0.2, "rrr": 0.0}, "must not be 0"),
        ({"control_risk": 0.2, "rrr": 1.0}, "outside"),
        ({"control_risk": 0.2, "rrr": -5.0}, "outside"),
        ({"control_risk": 0.2, "alpha": 0.0}, "alpha"),
        ({"control_risk": 0.2, "beta": 1.0}, "beta"),
        ({"control_risk": 0.2, "alpha": math.inf}, "finite"),
    ],
)
def test_dichotomous_invalid(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(DataError, match=match):
        ois_dichotomous(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"delta": 0.0}, "must not be 0"),
        ({"delta": 0.2, "sd": 0.0}, "greater than 0"),
        ({"delta": 0.2, "sd": -1.0}, "greater than 0"),
        ({"delta": math.inf}, "finite"),
        ({"delta": 0.2, "beta": -0.1}, "beta"),
    ],
)
def test_continuous_invalid(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(DataError, match=match):
        ois_continuous(**kwargs)
