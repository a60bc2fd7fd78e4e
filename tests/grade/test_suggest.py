"""Suggested judgements from the data: the evidence an assessment rests on, and each
domain's rule, on a review with arm-level data the statistics core pools."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from sysreview import grade, stats
from sysreview import model as m

from ..factories import two_by_two

# four trials of return to work: events / total, intervention then control
TRIALS = {
    "a2001": (30, 100, 20, 100),
    "b2005": (45, 150, 30, 150),
    "c2010": (12, 60, 14, 60),
    "d2015": (80, 200, 50, 200),
}


def review(
    trials: dict[str, tuple[int, int, int, int]] = TRIALS,
    *,
    design: str = "rct",
    threshold: float | None = None,
    rob: dict[str, str] | None = None,
) -> m.ReviewData:
    studies = tuple(m.Study(s, s) for s in trials)
    data = two_by_two(trials, outcome="rtw", comparison="tr", timepoint="12 mnd")
    rob = rob if rob is not None else {"a2001": "high", "b2005": "low", "c2010": "unclear"}
    judgements = tuple(
        m.RobAssessment(s, "rob1", domain, "low" if i else j)
        for s, j in rob.items()
        for i, domain in enumerate(("random_sequence_generation", "allocation_concealment"))
    )
    return m.ReviewData(
        review=m.ReviewInfo("r", "R"),
        protocol=m.Protocol(
            outcomes=(m.Outcome("rtw", "Retur til arbeid", name_en="Return to work"),),
            comparisons=(
                m.Comparison(
                    "tr",
                    "Tverrfaglig rehabilitering",
                    "Vanlig praksis",
                    intervention_en="Multidisciplinary rehabilitation",
                    comparator_en="Usual care",
                ),
            ),
        ),
        studies=studies,
        risk_of_bias=judgements,
        outcome_data=data,
        analyses=(
            m.Analysis(
                "rtw-12", "tr", "rtw", timepoint="12 mnd", measure="RR", studies=tuple(trials)
            ),
        ),
        certainty=(
            m.CertaintyAssessment(
                "rtw-12",
                "tr",
                "rtw",
                "high",
                timepoint="12 mnd",
                analysis="rtw-12",
                design=design,
                threshold=threshold,  # type: ignore[arg-type]
            ),
        ),
    )


def _mh(trials: dict[str, tuple[int, int, int, int]]) -> stats.MetaResult:
    cols = list(zip(*trials.values(), strict=True))
    options = stats.options_for("revman5", measure="RR", method="MH", model="random")
    return stats.meta_analysis(
        {"ai": cols[0], "n1i": cols[1], "ci": cols[2], "n2i": cols[3]}, options
    ).result


def test_evidence_is_recomputed_from_arm_level_data_with_revman_conventions() -> None:
    data = review()
    e = grade.gather(data, data.certainty[0])
    res = _mh(TRIALS)
    assert e.source == "computed"
    assert e.estimate == pytest.approx(math.exp(res.estimate), rel=1e-12)
    assert (e.k, e.participants) == (4, 1020)
    assert e.i2 == pytest.approx(res.I2)
    assert e.control_risk_pooled == pytest.approx(114 / 510)
    assert e.control_risk_median == pytest.approx((0.2 + 14 / 60) / 2)  # 0.2 0.2 0.233 0.25
    assert sum(e.weights) == pytest.approx(100)
    assert e.settings["method"] == "MH" and e.settings["model"] == "random"


def test_without_arm_level_data_the_reported_result_is_used_and_says_so() -> None:
    data = review()
    data = replace(
        data,
        outcome_data=data.outcome_data[1:],
        analyses=(
            replace(
                data.analyses[0],
                reported=m.PooledResult(
                    estimate=1.3, ci_lb=1.1, ci_ub=1.5, participants=1020, studies=4, i2=12.0
                ),
            ),
        ),
    )
    e = grade.gather(data, data.certainty[0])
    assert (e.source, e.estimate, e.i2, e.weights) == ("reported", 1.3, 12.0, ())


def _by_domain(data: m.ReviewData, **kw: object) -> dict[str, grade.Suggestion]:
    e = grade.gather(data, data.certainty[0])
    return {s.domain: s for s in grade.suggest(e, **kw)}  # type: ignore[arg-type]


def test_risk_of_bias_is_weighted_by_the_analysis_weights() -> None:
    data = review()
    e = grade.gather(data, data.certainty[0])
    w = dict(zip(e.studies, e.weights, strict=True))
    total = sum(w.values())  # d2015 has no assessment: its weight counts, as unclear
    high, unclear, missing = w["a2001"] / total, w["c2010"] / total, w["d2015"] / total
    s = _by_domain(data)["risk_of_bias"]
    assert f"{high * 100:.0f} % of the weight from studies at high risk" in s.reason
    assert f"{unclear * 100:.0f} % at unclear" in s.reason
    assert f", {missing * 100:.0f} % from studies nobody has assessed" in s.reason
    expected = (
        "very_serious"
        if high >= 0.5
        else ("serious" if high >= 0.25 or high + unclear + missing >= 0.5 else "not_serious")
    )
    assert s.level == expected
    # one study at high risk and the rest unassessed is not "100 % at high risk"
    lone = _by_domain(review(rob={"a2001": "high"}))["risk_of_bias"]
    assert f"{w['a2001'] / total * 100:.0f} % of the weight from studies at high" in lone.reason
    # every study at high risk: very serious; none: not serious
    all_high = review(rob={s: "high" for s in TRIALS})
    assert _by_domain(all_high)["risk_of_bias"].level == "very_serious"
    all_low = review(rob={s: "low" for s in TRIALS})
    assert _by_domain(all_low)["risk_of_bias"].level == "not_serious"
    assert _by_domain(review(rob={}))["risk_of_bias"].level is None


def test_rob2_judgements_of_this_outcome_override_those_for_all_outcomes() -> None:
    """RoB 2 judges a result: a study's judgements for the analysis' outcome count, its
    judgements for all outcomes stand in where it has none, other outcomes' never."""
    rob2 = (
        # a2001: low for all outcomes, but high in D4 for return to work (self-report)
        m.RobAssessment("a2001", "rob2", "randomisation_process", "low"),
        m.RobAssessment("a2001", "rob2", "measurement_of_the_outcome", "low"),
        m.RobAssessment("a2001", "rob2", "measurement_of_the_outcome", "high", outcome="rtw"),
        # b2005: some concerns for all outcomes; high only for another outcome
        m.RobAssessment("b2005", "rob2", "missing_outcome_data", "some_concerns"),
        m.RobAssessment("b2005", "rob2", "missing_outcome_data", "high", outcome="pain"),
        # an assessor's own judgement is not the review's
        m.RobAssessment("c2010", "rob2", "randomisation_process", "high", None, None, "ann", False),
    )
    data = replace(review(rob={}), risk_of_bias=rob2)
    data = replace(
        data,
        protocol=replace(
            data.protocol, outcomes=(*data.protocol.outcomes, m.Outcome("pain", "Smerte"))
        ),
    )
    e = grade.gather(data, data.certainty[0])
    w = dict(zip(e.studies, e.weights, strict=True))
    s = _by_domain(data)["risk_of_bias"]
    total = sum(w.values())  # c2010 (one assessor's, not agreed) and d2015: not assessed
    assert f"{w['a2001'] / total * 100:.0f} % of the weight from studies at high risk" in s.reason
    assert f"{w['b2005'] / total * 100:.0f} % at unclear" in s.reason
    assert f"{(w['c2010'] + w['d2015']) / total * 100:.0f} % from studies nobody" in s.reason


def test_inconsistency_follows_i2_and_overlap() -> None:
    s = _by_domain(review())["inconsistency"]
    e = grade.gather(review(), review().certainty[0])
    assert f"I² = {e.i2:.0f} %" in s.reason
    assert s.level == ("not_serious" if e.i2 < 50 else "serious")
    # two trials pointing opposite ways with narrow CIs: considerable heterogeneity
    split = {"a": (90, 100, 30, 100), "b": (20, 100, 60, 100), "c": (85, 100, 30, 100)}
    s = _by_domain(review(split, rob={}))["inconsistency"]
    assert s.level == "very_serious"
    assert "do not overlap" in s.reason
    one = {"a": (30, 100, 20, 100)}
    assert _by_domain(review(one, rob={}))["inconsistency"].level == "not_serious"


def test_imprecision_checks_the_absolute_ci_and_the_optimal_information_size() -> None:
    data = review()
    e = grade.gather(data, data.certainty[0])
    s = _by_domain(data)["imprecision"]
    ois = grade.ois_dichotomous(114 / 510, 0.25)
    assert e.participants < ois.total  # 1020 participants against an OIS of about 1,900
    assert e.ci_lb > 1  # the CI excludes the null: imprecise only for too little information
    assert s.level == "serious"
    assert "does not cross the null" in s.reason and "do not reach" in s.reason
    assert "α 0.05" in s.reason and "relative risk reduction 25 %" in s.reason
    # many more participants with the same risks: OIS met, CI excludes the null
    big = {k: tuple(10 * x for x in v) for k, v in TRIALS.items()}
    s = _by_domain(review(big))["imprecision"]
    assert s.level == "not_serious", s.reason
    # a threshold above the whole CI: the effect is not important
    # a trivial effect (79 per 1000, below a threshold of 100) whose CI reaches above it
    s = _by_domain(review(big, threshold=0.1))["imprecision"]
    assert s.level == "serious" and "crosses the reviewers' threshold of 0.100" in s.reason


def test_imprecision_is_extremely_serious_for_a_tiny_trial_spanning_benefit_and_harm() -> None:
    tiny = {"a": (3, 10, 3, 10)}
    s = _by_domain(review(tiny, rob={}))["imprecision"]
    assert s.level == "extremely_serious"
    assert "appreciable benefit and appreciable harm" in s.reason


def test_publication_bias_needs_ten_studies() -> None:
    assert _by_domain(review())["publication_bias"].level is None
    assert "at least 10 studies" in _by_domain(review())["publication_bias"].reason
    ten = {f"s{i}": (10 + i, 100, 10, 100) for i in range(12)}
    s = _by_domain(review(ten, rob={}))["publication_bias"]
    assert s.level in ("serious", "not_serious") and "Egger" in s.reason
    e = grade.gather(review(ten, rob={}), review(ten, rob={}).certainty[0])
    assert e.egger_p is not None
    assert s.level == ("serious" if e.egger_p < 0.10 else "not_serious")


def test_large_effect_only_for_non_randomised_evidence() -> None:
    strong = {"a": (60, 100, 10, 100), "b": (55, 100, 9, 100)}
    assert _by_domain(review(strong))["large_effect"].level == "none"
    s = _by_domain(review(strong, design="observational"))["large_effect"]
    assert s.level == "two"  # RR about 6, CI well above 1
    moderate = {"a": (30, 100, 12, 100), "b": (33, 100, 13, 100)}
    assert _by_domain(review(moderate, design="observational"))["large_effect"].level == "one"


def test_the_reviewers_domains_are_not_suggested_and_norwegian_reasons_exist() -> None:
    found = _by_domain(review(), lang="nb")
    for domain in ("indirectness", "dose_response", "plausible_confounding"):
        assert found[domain].level is None
        assert "forfatterne" in found[domain].reason
    assert "av vekten" in found["risk_of_bias"].reason


def test_a_risk_difference_is_judged_on_the_absolute_scale_with_its_information_size() -> None:
    data = review()
    data = replace(data, analyses=(replace(data.analyses[0], measure="RD"),))
    e = grade.gather(data, data.certainty[0])
    assert e.measure == "RD" and e.control_risk_pooled == pytest.approx(114 / 510)
    s = _by_domain(data)["imprecision"]
    assert "per 1,000" in s.reason and "optimal information size" in s.reason
    assert s.level == "serious"  # 1020 participants, short of the OIS
