"""An analysis whose rows all name a subgroup is pooled subgroup by subgroup, as
RevMan 5 does (a separate τ² per subgroup, the analysis' own method), with the test
for subgroup differences: equal to metafor's reference results for the BCG trials by
allocation (per subgroup DL or FE, then the fixed-effect Q across subgroups); with
Mantel-Haenszel, each subtotal is that subgroup's own MH analysis.  The report's
forest plot and sentence show them."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from sysreview import grade
from sysreview.model import (
    Analysis,
    Comparison,
    Outcome,
    OutcomeData,
    Protocol,
    ReviewData,
    ReviewInfo,
    Study,
    replace,
)
from sysreview.report import blocks as b
from sysreview.report import build_report

from ..factories import two_by_two
from ..shared_data import SHARED, require

REFERENCE = SHARED / "reference" / "metafor" / "p07_bcg_subgroup_alloc.json"
Z = 1.959963984540054


@pytest.fixture(scope="module")
def bcg() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(require(REFERENCE, "metafor reference results").read_text())
    return loaded


def _review(rows: list[OutcomeData], studies: list[str], **analysis: Any) -> ReviewData:
    return ReviewData(
        review=ReviewInfo(id="bcg", title="BCG vaccine"),
        protocol=Protocol(
            outcomes=(Outcome(id="tb", name="Tuberculosis", direction="lower_is_better"),),
            comparisons=(Comparison(id="bcg", intervention="BCG", comparator="No vaccine"),),
        ),
        studies=tuple(Study(id=s, label=s) for s in studies),
        outcome_data=tuple(rows),
        analyses=(
            Analysis(
                id="bcg-tb", comparison="bcg", outcome="tb", studies=tuple(studies), **analysis
            ),
        ),
    )


def _arm_rows(trials: dict[str, tuple[int, int, int, int, str]]) -> list[OutcomeData]:
    """2×2 rows of BCG trials, each in its subgroup: (events, n) vaccinated, then not."""
    counts = {s: t[:4] for s, t in trials.items()}
    groups = {s: t[4] for s, t in trials.items()}
    return list(two_by_two(counts, outcome="tb", comparison="bcg", groups=groups))


def _estimates(reference: dict[str, Any]) -> ReviewData:
    """Each trial's RR and 95 % CI (from metafor's yi, vi) in its allocation subgroup."""
    rows, ids = [], []
    for i, s in enumerate(reference["studies"]):
        se, ident = math.sqrt(s["vi"]), f"t{i:02d}"
        ids.append(ident)
        rows.append(
            OutcomeData(
                id=f"{ident}-tb",
                study=ident,
                outcome="tb",
                data_type="estimate",
                comparison="bcg",
                group=s["grp"],
                measure="RR",
                estimate=math.exp(s["yi"]),
                ci_lb=math.exp(s["yi"] - Z * se),
                ci_ub=math.exp(s["yi"] + Z * se),
            )
        )
    return _review(rows, ids, measure="RR", model="random", method="DL")


@pytest.mark.parametrize(
    ("case", "model", "method"),
    [
        ("revman_separate_subgroups_DL", "random", "DL"),
        ("revman_separate_subgroups_FE", "fixed", "FE"),
    ],
)
def test_subgroups_pool_as_metafor(bcg: dict[str, Any], case: str, model: str, method: str) -> None:
    data = _estimates(bcg)
    data = replace(data, analyses=(replace(data.analyses[0], model=model, method=method),))
    (analysis,) = data.analyses
    rows = grade.pooled_rows(data, analysis)
    assert rows is not None
    report = grade.pool(analysis, rows)
    expected = next(a for a in bcg["analyses"] if a["id"] == case)["expected"]
    sub = report.subgroups
    assert sub is not None and set(sub.groups) == set(expected["subgroups"])
    for group, result in zip(sub.groups, sub.results, strict=True):
        want = expected["subgroups"][group]
        for key in ("estimate", "se", "tau2", "Q"):
            assert getattr(result, key) == pytest.approx(want[key], rel=1e-10, abs=1e-12), key
        assert result.k == want["k"]
    test = expected["test_subgroup_differences"]
    assert (sub.Q, sub.Q_df, sub.Q_p) == (
        pytest.approx(test["Q"], rel=1e-10),
        test["df"],
        pytest.approx(test["p"], rel=1e-10),
    )
    assert sub.Q_within_sum == pytest.approx(expected["Q_within_sum"], rel=1e-10)
    assert report.result.k == 13  # the total pools every trial together


def test_mantel_haenszel_subtotals_are_each_subgroups_own_analysis() -> None:
    trials = {"a": (4, 123, 11, 139, "x"), "b": (6, 306, 29, 303, "x"),
              "c": (3, 231, 11, 220, "y"), "d": (62, 13598, 248, 12867, "y")}  # fmt: skip
    rows = _arm_rows(trials)
    data = _review(rows, list(trials), measure="RR", model="fixed")
    (analysis,) = data.analyses
    report = grade.pool(analysis, grade.pooled_rows(data, analysis) or [])
    sub = report.subgroups
    assert sub is not None and sub.groups == ("x", "y") and report.options.method == "MH"
    for group, result in zip(sub.groups, sub.results, strict=True):
        alone = [r for r in rows if r.group == group]
        own = grade.pool(replace(analysis, studies=tuple(r.study for r in alone)),
                         [replace(r, group=None) for r in alone]).result  # fmt: skip
        assert result.estimate == pytest.approx(own.estimate, rel=1e-12)
        # MH by hand: sum(a n2 / N) / sum(c n1 / N)
        top = sum(r.events_1 * r.n_2 / (r.n_1 + r.n_2) for r in alone)  # type: ignore[operator]
        bottom = sum(r.events_2 * r.n_1 / (r.n_1 + r.n_2) for r in alone)  # type: ignore[operator]
        assert math.exp(result.estimate) == pytest.approx(top / bottom, rel=1e-12)
    # the test across subgroups, by hand: Q = sum w (theta - mean)^2, w = 1/se^2
    w = [1 / r.se**2 for r in sub.results]
    mean = sum(wi * r.estimate for wi, r in zip(w, sub.results, strict=True)) / sum(w)
    q = sum(wi * (r.estimate - mean) ** 2 for wi, r in zip(w, sub.results, strict=True))
    assert pytest.approx(q, rel=1e-12) == sub.Q and sub.Q_df == 1


def test_a_study_reported_by_subgroup_and_the_report(bcg: dict[str, Any], tmp_path: Path) -> None:
    data = _estimates(bcg)
    first = data.outcome_data[0]
    # the first trial also reported for a second subgroup: one row per study and subgroup
    extra = replace(first, id="t00-tb-2", group="alternate")
    data = replace(data, outcome_data=(*data.outcome_data, extra))
    (analysis,) = data.analyses
    rows = grade.pooled_rows(data, analysis)
    assert rows is not None and len(rows) == 14
    assert grade.study_rows(data, analysis) is None  # RevMan's one row per study: not here
    doc = build_report(data, "en", tmp_path, draw=True)
    sentence = next(
        b.plain(blk.content)
        for blk in doc.blocks
        if isinstance(blk, b.Paragraph) and b.plain(blk.content).startswith("Pooled")
    )
    assert "Test for subgroup differences: χ² = " in sentence and "df = 2" in sentence
    assert (tmp_path / "figures" / "en-forest-bcg-tb.svg").read_text().count("Subtotal") == 3


def test_a_subgroup_that_cannot_be_pooled_alone_leaves_the_total() -> None:
    trials = {"a": (4, 123, 11, 139, "x"), "b": (0, 30, 0, 31, "y")}
    rows = _arm_rows(trials)
    data = _review(rows, list(trials), measure="RR", model="fixed")
    (analysis,) = data.analyses
    report = grade.pool(analysis, grade.pooled_rows(data, analysis) or [])
    assert report.subgroups is None and report.result.k >= 1
