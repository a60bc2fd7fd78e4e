"""The report's forest plots carry the studies' risk of bias as RevMan draws it: the
agreed judgements of the tool that judged the studies, a column per domain (A-G for
RoB 1; D1-D5 and the overall judgement for RoB 2), judged per outcome where the
review judged per outcome."""

from __future__ import annotations

from pathlib import Path

from sysreview import grade
from sysreview.model import (
    Analysis,
    Comparison,
    Outcome,
    Protocol,
    ReviewData,
    ReviewInfo,
    RobAssessment,
    Study,
)
from sysreview.report.build import _Builder, _forest

from ..factories import two_by_two

ROB1 = (
    "random_sequence_generation",
    "allocation_concealment",
    "blinding_participants_personnel",
    "blinding_outcome_assessment",
    "incomplete_outcome_data",
    "selective_reporting",
    "other_bias",
)


def _data(judgements: tuple[RobAssessment, ...]) -> ReviewData:
    trials = {"a2010": (30, 60, 20, 58), "b2014": (45, 100, 38, 102)}
    rows = two_by_two(trials, outcome="rtw", comparison="tr")
    return ReviewData(
        review=ReviewInfo(id="x", title="x"),
        protocol=Protocol(
            outcomes=(Outcome(id="rtw", name="Return to work"),),
            comparisons=(Comparison(id="tr", intervention="Rehab", comparator="Usual"),),
        ),
        studies=(Study(id="a2010", label="A 2010"), Study(id="b2014", label="B 2014")),
        outcome_data=rows,
        analyses=(
            Analysis(id="tr-rtw", comparison="tr", outcome="rtw", studies=("a2010", "b2014")),
        ),
        risk_of_bias=judgements,
    )


def _plot(data: ReviewData, tmp_path: Path, lang: str = "en"):  # type: ignore[no-untyped-def]
    x = _Builder(data, lang, tmp_path, draw=False)
    (a,) = data.analyses
    rows = grade.pooled_rows(data, a)
    assert rows is not None
    return _forest(x, a, data.protocol.comparisons[0], rows, grade.pool(a, rows))


def test_rob1_judgements_are_columns_a_to_g(tmp_path: Path) -> None:
    judgements = (
        *(
            RobAssessment(study="a2010", tool="rob1", domain=d, judgement="low" if i else "high")
            for i, d in enumerate(ROB1)
        ),
        RobAssessment(study="b2014", tool="rob1", domain=ROB1[0], judgement="unclear"),
    )
    plot = _plot(_data(judgements), tmp_path)
    assert plot.rob_domains == ("A", "B", "C", "D", "E", "F", "G")
    assert plot.rob_legend[0] == "(A) Random sequence generation"
    first, second = plot.rows()
    assert first.rob == ("high", "low", "low", "low", "low", "low", "low")
    assert second.rob == ("unclear", None, None, None, None, None, None)


def test_rob2_judged_per_outcome_shows_its_domains_and_overall(tmp_path: Path) -> None:
    judgements = tuple(
        RobAssessment(study=s, tool="rob2", domain=d, judgement=j, outcome=o)
        for s in ("a2010", "b2014")
        for d in ("D1", "D2", "D3", "D4", "D5")
        for o, j in (("rtw", "low" if s == "a2010" else "some_concerns"), ("pain", "high"))
    )
    plot = _plot(_data(judgements), tmp_path, "nb")
    assert plot.rob_domains == ("D1", "D2", "D3", "D4", "D5", "S")
    assert plot.rob_legend[-1] == "(S) Samlet"
    first, second = plot.rows()
    assert first.rob == ("low",) * 6  # this outcome's judgements, not pain's
    assert second.rob == ("some_concerns",) * 6


def test_no_judgements_no_columns(tmp_path: Path) -> None:
    plot = _plot(_data(()), tmp_path)
    assert plot.rob_domains == () and plot.rows()[0].rob == ()
