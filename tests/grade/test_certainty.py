"""GRADE arithmetic: start level, steps down and up, bounds, symbols, footnotes."""

from __future__ import annotations

import itertools

import pytest

from sysreview import grade
from sysreview.errors import DataError
from sysreview.model import CertaintyAssessment, DomainRating, UpgradeRating


def _a(design: str = "rct", **ratings: tuple[str, str | None]) -> CertaintyAssessment:
    fields = {
        d: (UpgradeRating if d in grade.DOMAINS[5:] else DomainRating)(level, note)  # type: ignore[arg-type]
        for d, (level, note) in ratings.items()
    }
    return CertaintyAssessment("x", "c", "o", "high", design=design, **fields)  # type: ignore[arg-type]


def test_randomised_evidence_starts_high_and_loses_one_level_per_step() -> None:
    assert grade.rate(_a()).level == "high"
    assert grade.rate(_a(risk_of_bias=("serious", "a"))).level == "moderate"
    assert grade.rate(_a(risk_of_bias=("very_serious", "a"))).level == "low"
    r = grade.rate(_a(risk_of_bias=("serious", "a"), imprecision=("serious", "b")))
    assert (r.start, r.down, r.up, r.level) == ("high", 2, 0, "low")
    assert r.moved == (("risk_of_bias", -1), ("imprecision", -1))


def test_the_seed_table_4_row_rates_very_low_and_the_floor_holds() -> None:
    # tabell 4: risk of bias very serious, inconsistency serious, imprecision serious = -4
    a = _a(
        risk_of_bias=("very_serious", "1"),
        inconsistency=("serious", "2"),
        imprecision=("serious", "3"),
    )
    r = grade.rate(a)
    assert (r.down, r.level, r.symbols) == (4, "very_low", "⨁◯◯◯")
    # even further down stays very low
    a = _a(risk_of_bias=("very_serious", "1"), imprecision=("extremely_serious", "3"))
    assert grade.rate(a).level == "very_low"


def test_non_randomised_evidence_starts_low_unless_robins_and_can_rate_up() -> None:
    assert grade.start_level("observational") == "low"
    assert grade.start_level("non_randomised", robins=True) == "high"
    assert grade.rate(_a("observational")).level == "low"
    assert grade.rate(_a("observational", large_effect=("two", "RR 0.1"))).level == "high"
    assert grade.rate(_a("observational", dose_response=("one", "gradient"))).level == "moderate"
    up_and_down = _a("observational", large_effect=("one", "x"), risk_of_bias=("serious", "y"))
    assert grade.rate(up_and_down).level == "low"
    # the ceiling: high stays high
    assert grade.rate(_a(large_effect=("two", "x"))).level == "high"


@pytest.mark.parametrize("design", ["rct", "observational"])
def test_every_combination_lands_on_a_level_between_the_bounds(design: str) -> None:
    for rob, imp, up in itertools.product(
        ("not_serious", "serious", "very_serious"),
        ("not_serious", "serious", "very_serious", "extremely_serious"),
        ("none", "one", "two"),
    ):
        a = _a(design, risk_of_bias=(rob, "a"), imprecision=(imp, "b"), large_effect=(up, "c"))
        r = grade.rate(a)
        start = 3 if design == "rct" else 1
        expected = min(max(start - r.down + r.up, 0), 3)
        assert r.level == ("very_low", "low", "moderate", "high")[expected]
        assert r.symbols.count("⨁") == expected + 1


def test_levels_are_checked_per_domain() -> None:
    with pytest.raises(DataError, match="extremely_serious is for imprecision only"):
        grade.rate(_a(risk_of_bias=("extremely_serious", "a")))
    with pytest.raises(DataError, match="not one of"):
        grade.rate(_a(large_effect=("serious", "a")))
    with pytest.raises(DataError, match="not rct"):
        grade.start_level("case_report")
    assert grade.levels_for("imprecision")[-1] == "extremely_serious"


def test_footnotes_are_numbered_in_order_of_first_use_and_shared_texts_keep_one_number() -> None:
    one = _a(
        risk_of_bias=("very_serious", "Unclear randomisation"), imprecision=("serious", "Wide CI")
    )
    two = CertaintyAssessment(
        "y",
        "c",
        "o",
        "low",
        inconsistency=DomainRating("serious", "I2 > 80 %"),
        imprecision=DomainRating("serious", "Wide CI"),
    )
    notes = grade.footnotes([one, two])
    assert notes.texts == {1: "Unclear randomisation", 2: "Wide CI", 3: "I2 > 80 %"}
    assert notes.numbers == {"x": (1, 2), "y": (3, 2)}


def test_a_judgement_that_moves_the_certainty_needs_its_footnote() -> None:
    with pytest.raises(DataError, match="inconsistency is serious but has no footnote"):
        grade.footnotes([_a(inconsistency=("serious", None))])
    # a judgement that moves nothing needs none
    assert grade.footnotes([_a(inconsistency=("not_serious", None))]).texts == {}


def test_the_outcomes_direction_decides_benefit_and_which_side_favours_whom() -> None:
    from sysreview.model import Comparison

    assert grade.is_benefit("higher_is_better", "increase") is True  # more return to work
    assert grade.is_benefit("lower_is_better", "increase") is False  # more pain
    assert grade.is_benefit("lower_is_better", "decrease") is True
    assert grade.is_benefit("none", "decrease") is None
    c = Comparison(
        "c",
        "Tverrfaglig rehabilitering",
        "Vanlig praksis",
        intervention_en="Multidisciplinary rehabilitation",
        comparator_en="Usual care",
    )
    # return to work: an RR above 1 favours the intervention, so it sits on the right
    assert grade.favour_sides("higher_is_better", c, "en") == (
        "favours usual care",
        "favours multidisciplinary rehabilitation",
    )
    # pain: lower is better, so the intervention's side is the left
    assert grade.favour_sides("lower_is_better", c, "nb") == (
        "i favør av tverrfaglig rehabilitering",
        "i favør av vanlig praksis",
    )
    assert grade.favour_sides("none", c, "en") is None
