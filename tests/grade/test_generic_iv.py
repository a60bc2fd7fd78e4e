"""Reported estimates pooled by generic inverse variance (RevMan's "generic inverse
variance" outcomes): each study's estimate and CI as a review extracts them, pooled
equal to metafor's ``rma(yi, vi)`` on Hackshaw 1998 (the reference results), shown
on the ratio scale, through GRADE, the analysis list and the report's forest plot."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from sysreview import Review, grade
from sysreview.model import (
    Analysis,
    Comparison,
    OutcomeData,
    Protocol,
    ReviewData,
    ReviewInfo,
    Study,
)
from sysreview.report import blocks as b
from sysreview.report import build_report

from ..shared_data import SHARED, require

Z = 1.959963984540054  # the normal quantile of 97.5 %, as stats.se_from_ci takes it
REFERENCE = SHARED / "reference" / "metafor" / "p05_hackshaw1998_generic_iv.json"


@pytest.fixture(scope="module")
def hackshaw() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(require(REFERENCE, "metafor reference results").read_text())
    return loaded


def _review(reference: dict[str, Any], model: str) -> ReviewData:
    """Each study's OR and 95 % CI as a review would extract them, written from
    metafor's yi and vi so that the CI's width is exactly 2 z(0.975) SE."""
    rows, studies = [], []
    for i, s in enumerate(reference["studies"]):
        se = math.sqrt(s["vi"])
        ident = f"s{i:02d}"
        studies.append(Study(id=ident, label=s["study"]))
        rows.append(
            OutcomeData(
                id=f"{ident}-lc",
                study=ident,
                outcome="lc",
                data_type="estimate",
                comparison="ets",
                measure="OR",
                estimate=math.exp(s["yi"]),
                ci_lb=math.exp(s["yi"] - Z * se),
                ci_ub=math.exp(s["yi"] + Z * se),
            )
        )
    protocol = Protocol(
        outcomes=(grade_outcome(),),
        comparisons=(Comparison(id="ets", intervention="Exposed", comparator="Not exposed"),),
    )
    analysis = Analysis(
        id="ets-lc",
        comparison="ets",
        outcome="lc",
        measure="OR",
        model=model,  # type: ignore[arg-type]
        studies=tuple(s.id for s in studies),
    )
    return ReviewData(
        review=ReviewInfo(id="hackshaw", title="Passive smoking and lung cancer"),
        protocol=protocol,
        studies=tuple(studies),
        outcome_data=tuple(rows),
        analyses=(analysis,),
    )


def grade_outcome() -> Any:
    from sysreview.model import Outcome

    return Outcome(id="lc", name="Lung cancer", direction="lower_is_better")


@pytest.mark.parametrize(("model", "case"), [("fixed", "GIV_FE"), ("random", "GIV_DL")])
def test_reported_estimates_pool_as_metafor(
    hackshaw: dict[str, Any], model: str, case: str
) -> None:
    data = _review(hackshaw, model)
    (analysis,) = data.analyses
    rows = grade.pooled_rows(data, analysis)
    assert rows is not None and grade.study_rows(data, analysis) is None  # not arm-level
    result = grade.pool(analysis, rows).result
    expected = next(a for a in hackshaw["analyses"] if a["id"] == case)["expected"]
    assert result.measure == "OR" and result.k == 37
    for key in ("estimate", "ci_lb", "ci_ub", "tau2", "Q", "I2_pct"):
        ours = result.I2 if key == "I2_pct" else getattr(result, key)
        assert ours == pytest.approx(expected[key], rel=1e-10, abs=1e-12), key
    assert result.estimate_exp == pytest.approx(expected["estimate_exp"], rel=1e-10)
    weights = [s["weight_pct"] for s in expected["studies"]]
    assert list(result.weights) == pytest.approx(weights, rel=1e-10)


def test_generic_pooling_reaches_grade_the_list_and_the_report(
    hackshaw: dict[str, Any], tmp_path: Path
) -> None:
    data = _review(hackshaw, "random")
    expected = next(a for a in hackshaw["analyses"] if a["id"] == "GIV_DL")["expected"]
    with Review.init(tmp_path / "rev") as review:
        review.save(data)
        (result,) = review.analysis_results()
        assert result.why is None and result.participants is None  # estimates give no n
        assert result.result.estimate_exp == pytest.approx(expected["estimate_exp"], rel=1e-10)
        (assessment,) = review.grade_start(reviewer="cat")
        evidence = grade.gather(review.data(), assessment)
        assert evidence.source == "computed" and evidence.measure == "OR"
        assert evidence.estimate == pytest.approx(expected["estimate_exp"], rel=1e-10)
        assert evidence.participants is None and evidence.control_risks == ()
        data = review.data()
    doc = build_report(data, "en", tmp_path / "out", draw=False)
    sentence = next(
        b.plain(blk.content)
        for blk in doc.blocks
        if isinstance(blk, b.Paragraph) and b.plain(blk.content).startswith("Pooled")
    )
    low, high = math.exp(expected["ci_lb"]), math.exp(expected["ci_ub"])
    assert sentence == (
        f"Pooled result: OR {expected['estimate_exp']:.2f} (95% CI {low:.2f} – {high:.2f}), "
        "37 studies."
    )
    assert any(f.kind == "forest" for f in doc.figures())


def test_an_estimate_in_another_measure_or_without_its_ci_is_not_pooled(
    hackshaw: dict[str, Any],
) -> None:
    from sysreview.model import replace

    data = _review(hackshaw, "random")
    (analysis,) = data.analyses
    first, *rest = data.outcome_data
    for changed in (
        replace(first, measure="RR"),
        replace(first, ci_lb=None),
        replace(first, ci_lb=first.estimate * 1.01),  # the estimate outside its CI
        replace(first, estimate=-1.0),  # a ratio below zero
    ):
        assert grade.pooled_rows(replace(data, outcome_data=(changed, *rest)), analysis) is None
