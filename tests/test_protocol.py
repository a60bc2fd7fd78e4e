"""The protocol and its analyses built from nothing (as RevMan's "Add comparison / Add
outcome" do), on SQLite and PostgreSQL: settings, criteria, reasons, outcomes,
comparisons and analyses, each change one transaction, refusals that change nothing,
and a planned analysis pooled from agreed data — then rated with GRADE."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from sysreview import Review
from sysreview.errors import WorkflowError
from sysreview.model import Study, replace

from .cli_runner import cli_on

#: two trials' return to work (events / total), intervention then control
TRIALS = {"hansen2010": (30, 60, 20, 58), "olsen2014": (45, 100, 38, 102)}


def _mh_rr(trials: dict[str, tuple[int, int, int, int]]) -> float:
    """The Mantel-Haenszel risk ratio, by hand (Cochrane Handbook 10.4.1)."""
    top = sum(a * n2 / (n1 + n2) for a, n1, c, n2 in trials.values())
    bottom = sum(c * n1 / (n1 + n2) for a, n1, c, n2 in trials.values())
    return top / bottom


def _planned(review: Review) -> None:
    review.set_protocol(
        by="cat", population="Adults on sick leave", screening_reviewers=2, registration="CRD42"
    )
    review.add_exclusion_reason("wrong population", by="cat")
    review.add_criterion("inclusion", "Population", "Adults on sick leave > 8 weeks", by="cat")
    review.add_outcome("rtw", by="cat", name="Return to work", kind="dichotomous")
    review.add_comparison("tr-vs-usual", by="cat", intervention="Rehabilitation",
                          comparator="Usual care")  # fmt: skip


def _with_data(review: Review) -> None:
    studies = tuple(Study(id=s, label=s.capitalize()) for s in TRIALS)
    review.save(replace(review.data(), studies=studies))
    for study, (a, n1, c, n2) in TRIALS.items():
        for who in ("ann", "bob"):
            review.extract(by=who, study=study, outcome="rtw", comparison="tr-vs-usual",
                           timepoint="12 months", data_type="dichotomous",
                           events_1=a, n_1=n1, events_2=c, n_2=n2)  # fmt: skip


def test_a_review_is_planned_and_its_analysis_pooled(tmp_path: Path, db_url: str) -> None:
    with Review.init(tmp_path / "rev", database=db_url) as review:
        _planned(review)
        p = review.data().protocol
        assert (p.population, p.registration, p.exclusion_reasons) == (
            "Adults on sick leave",
            "CRD42",
            ("wrong population",),
        )
        assert [(o.id, o.name, o.direction) for o in p.outcomes] == [
            ("rtw", "Return to work", "higher_is_better")
        ]
        _with_data(review)
        added = review.add_analysis(
            "tr-vs-usual", "rtw", by="cat", timepoint="12 months", model="fixed"
        )
        assert (added.id, added.measure, added.model, added.studies) == (
            "tr-vs-usual-rtw-12-months",
            "RR",
            "fixed",
            ("hansen2010", "olsen2014"),
        )
        (result,) = review.analysis_results()
        assert result.why is None and result.participants == 320
        assert math.isclose(result.result.estimate_exp, _mh_rr(TRIALS), rel_tol=1e-12)
        assert result.result.k == 2

        # GRADE starts from the planned analysis, as from a RevMan import
        (assessment,) = review.grade_start(reviewer="cat")
        assert assessment.analysis == added.id
        # judged with the tool, its footnote is printed by the tool: nothing to audit
        review.grade_set(
            assessment.id, "imprecision", "serious", reviewer="cat", footnote="Below the OIS"
        )
        assert [d for d in review.audit() if not d.where.startswith("prisma")] == []


def test_what_cannot_be_right_is_refused_and_changes_nothing(tmp_path: Path, db_url: str) -> None:
    with Review.init(tmp_path / "rev", database=db_url) as review:
        _planned(review)
        _with_data(review)
        review.add_analysis("tr-vs-usual", "rtw", by="cat", timepoint="12 months")
        before = review.data()
        refusals = [
            (
                lambda: review.add_outcome("rtw", by="cat", name="Again"),
                "outcome 'rtw' exists already",
            ),
            (
                lambda: review.add_outcome("Bad Id", by="cat", name="x"),
                "'Bad Id' is not a valid outcome id",
            ),
            (lambda: review.add_outcome("pain", by="cat"), "outcome 'pain' needs a name"),
            (
                lambda: review.add_outcome("pain", by="cat", name="Pain", kind="sometimes"),
                "kind: 'sometimes' is not one of",
            ),
            (lambda: review.set_protocol(by="cat", screening_reviewers=0), "less than 1"),
            (lambda: review.set_protocol(by="cat", colour="red"), "no setting 'colour'"),
            (
                lambda: review.add_comparison("a", by="cat", intervention="X"),
                "needs its comparator",
            ),
            (lambda: review.remove_outcome("rtw", by="cat"), "used by the outcome data"),
            (lambda: review.remove_comparison("tr-vs-usual", by="cat"), "used by the outcome data"),
            (lambda: review.add_analysis("nope", "rtw", by="cat"), "no comparison 'nope'"),
            (
                lambda: review.add_analysis("tr-vs-usual", "rtw", by="cat", measure="MD"),
                "MD is not a measure for a dichotomous outcome",
            ),
            (
                lambda: review.add_analysis(
                    "tr-vs-usual", "rtw", by="cat", method="PETO", measure="RD"
                ),
                "Peto's method pools odds ratios",
            ),
            (
                lambda: review.add_analysis("tr-vs-usual", "rtw", by="cat", method="XYZ"),
                "method 'XYZ' is not one of",
            ),
            (
                lambda: review.add_analysis("tr-vs-usual", "rtw", by="cat", studies=("x",)),
                "'x' is not the id of any study",
            ),
            (lambda: review.remove_criterion(5, by="cat"), "no criterion 5"),
            (lambda: review.add_exclusion_reason(" ", by="cat"), "cannot be empty"),
        ]
        for call, message in refusals:
            with pytest.raises(WorkflowError, match=message):
                call()
        assert review.data() == before

        # an outcome synthesised in words is not pooled
        review.add_outcome("exp", by="cat", name="Experiences", kind="narrative")
        with pytest.raises(WorkflowError, match="synthesised in words"):
            review.add_analysis("tr-vs-usual", "exp", by="cat")
        # a second analysis of the same question (a sensitivity analysis) gets its own id
        again = review.add_analysis(
            "tr-vs-usual", "rtw", by="cat", timepoint="12 months", studies=("hansen2010",)
        )
        assert again.id == "tr-vs-usual-rtw-12-months-2"
        review.remove_analysis(again.id, by="cat")


def test_an_analysis_waits_for_its_data_and_says_what_is_missing(tmp_path: Path) -> None:
    with Review.init(tmp_path / "rev") as review:
        _planned(review)
        studies = (Study(id="hansen2010", label="Hansen"), Study(id="berg2012", label="Berg"))
        review.save(replace(review.data(), studies=studies))
        review.extract(by="ann", study="hansen2010", outcome="rtw", comparison="tr-vs-usual",
                       data_type="dichotomous", events_1=3, n_1=10, events_2=2, n_2=10)  # fmt: skip
        empty = review.add_analysis("tr-vs-usual", "rtw", by="cat")
        assert empty.studies == ()  # one extractor of two: nothing agreed yet
        review.extract(by="bob", study="hansen2010", outcome="rtw", comparison="tr-vs-usual",
                       data_type="dichotomous", events_1=3, n_1=10, events_2=2, n_2=10)  # fmt: skip
        # agreed now: the analysis takes the study when told to look again
        refreshed = review.set_analysis_studies(empty.id, by="cat")
        assert refreshed.studies == ("hansen2010",)
        (pooled,) = review.analysis_results()
        assert pooled.result is not None and pooled.participants == 20
        review.remove_analysis(empty.id, by="cat")
        review.extract(by="ann", study="berg2012", outcome="rtw", comparison="tr-vs-usual",
                       data_type="dichotomous", events_1=1, n_1=9, events_2=2, n_2=9)  # fmt: skip
        named = review.add_analysis(
            "tr-vs-usual", "rtw", by="cat", studies=("hansen2010", "berg2012")
        )
        (result,) = review.analysis_results()
        assert result.result is None
        assert result.why == (
            "berg2012 has no single agreed row for it: arm-level data, or an estimate in RR "
            "with its CI"
        )
        assert named.id == "tr-vs-usual-rtw"


def test_an_analysis_takes_by_default_only_studies_it_can_pool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A study reported in words and one reporting a hazard ratio have agreed data for the
    outcome, but a risk-ratio analysis cannot pool them: planned without names, or told
    to look again, it takes the two trials with 2×2 data and still pools."""
    with Review.init(tmp_path / "rev") as review:
        _planned(review)
        _with_data(review)
        ids = ("hansen2010", "lund2011", "olsen2014", "berg2012")
        review.save(replace(review.data(), studies=tuple(Study(id=s, label=s) for s in ids)))
        common = {"outcome": "rtw", "comparison": "tr-vs-usual", "timepoint": "12 months"}
        for who in ("ann", "bob"):
            review.extract(by=who, study="lund2011", data_type="narrative",
                           text="median 120 days to return", **common)  # fmt: skip
            review.extract(by=who, study="berg2012", data_type="estimate", measure="HR",
                           estimate=0.8, ci_lb=0.6, ci_ub=1.1, **common)  # fmt: skip
        planned = review.add_analysis("tr-vs-usual", "rtw", by="cat", timepoint="12 months")
        assert planned.studies == ("hansen2010", "olsen2014")
        (result,) = review.analysis_results()
        assert result.result is not None and result.result.k == 2
        again = review.set_analysis_studies(planned.id, by="cat")
        assert again.studies == ("hansen2010", "olsen2014")
        # a study left out that the analysis could pool is named, to look again
        review.set_analysis_studies(planned.id, ("hansen2010",), by="cat")
        (result,) = review.analysis_results()
        assert result.also_poolable == ("olsen2014",)
        # named, a study is taken as it is (and says why the analysis cannot pool)
        named = review.set_analysis_studies(planned.id, ("hansen2010", "lund2011"), by="cat")
        assert named.studies == ("hansen2010", "lund2011")
        assert review.analysis_results()[0].why is not None
    code, out, _ = cli_on(tmp_path / "rev", capsys)("analysis", "list")
    assert (
        code == 0
        and (
            "  agreed data it could pool, not in it: olsen2014 "
            f"(sysreview analysis studies {planned.id})"
        )
        in out
    )


def test_a_plan_sent_twice_or_contradicting_itself_is_refused(tmp_path: Path) -> None:
    with Review.init(tmp_path / "rev") as review:
        _planned(review)
        _with_data(review)
        first = review.add_analysis("tr-vs-usual", "rtw", by="cat", timepoint="12 months")
        with pytest.raises(WorkflowError, match=f"analysis '{first.id}' already pools"):
            review.add_analysis("tr-vs-usual", "rtw", by="cat", timepoint="12 months")
        # a sensitivity analysis of one study, and a fixed-effect one, are new plans
        review.add_analysis("tr-vs-usual", "rtw", by="cat", timepoint="12 months",
                            studies=("hansen2010",))  # fmt: skip
        review.add_analysis("tr-vs-usual", "rtw", by="cat", timepoint="12 months", model="fixed")
        with pytest.raises(WorkflowError, match="DL estimates τ² for a random-effects"):
            review.add_analysis("tr-vs-usual", "rtw", by="cat", timepoint="12 months",
                                model="fixed", method="DL")  # fmt: skip
        assert len(review.data().analyses) == 3


def test_with_accounts_only_a_lead_changes_the_protocol(tmp_path: Path) -> None:
    with Review.init(tmp_path / "rev") as review:
        review.add_account("cat", "secret-cat-1", role="lead")
        review.add_account("ann", "secret-ann-1")
        with pytest.raises(WorkflowError, match="only a lead adds outcomes to the protocol; ann"):
            review.add_outcome("rtw", by="ann", name="Return to work")
        review.add_outcome("rtw", by="cat", name="Return to work")
        assert [o.id for o in review.data().protocol.outcomes] == ["rtw"]


def test_the_cli_plans_a_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Review.init(tmp_path / "rev").close()
    run = cli_on(tmp_path / "rev", capsys)

    def ok(*args: str) -> str:
        reading = args[:2] in (("protocol", "show"), ("analysis", "list"))
        code, out, err = run(*args) if reading else run(*args, "--reviewer", "cat")
        assert code == 0, err
        return out

    ok("protocol", "set", "--population", "Adults on sick leave", "--extraction-mode", "checked")
    ok("protocol", "reason", "add", "wrong population")
    ok("protocol", "criterion", "add", "inclusion", "Population", "Adults on sick leave")
    assert ok("outcome", "add", "rtw", "--name", "Return to work") == (
        "outcome rtw: Return to work (dichotomous, higher_is_better)\n"
    )
    ok("outcome", "set", "rtw", "--importance", "important")
    added = ok(
        "comparison", "add", "tr-vs-usual", "--intervention", "Rehab", "--comparator", "Usual"
    )
    assert added == "comparison tr-vs-usual: Rehab vs Usual\n"
    with Review.open(tmp_path / "rev") as review:
        _with_data(review)
    out = ok("analysis", "add", "--comparison", "tr-vs-usual", "--outcome", "rtw",
             "--timepoint", "12 months", "--model", "fixed")  # fmt: skip
    first, second = out.splitlines()
    assert first == (
        "analysis tr-vs-usual-rtw-12-months: rtw in tr-vs-usual at 12 months: RR, fixed "
        "effects, 2 studies"
    )
    assert second.startswith(f"  RR {_mh_rr(TRIALS):.2f} (")
    assert second.endswith("; 2 studies, 320 participants; I² 0%")
    # at another time point there are no data yet
    out = ok("analysis", "add", "--comparison", "tr-vs-usual", "--outcome", "rtw")
    assert out.splitlines()[1] == "  not pooled: no studies yet (give them once data are agreed)"
    code, out, err = run("outcome", "remove", "rtw", "--reviewer", "cat")
    assert code == 65 and "used by the outcome data" in err
    shown = ok("protocol", "show")
    assert "population: Adults on sick leave" in shown
    assert "extraction_mode: checked" in shown
    assert "  1. inclusion, Population: Adults on sick leave" in shown
    assert "  rtw: Return to work (dichotomous, higher_is_better, important, primary)" in shown
    assert "  tr-vs-usual-rtw-12-months: rtw in tr-vs-usual at 12 months" in shown
    pooled, waiting = json.loads(ok("analysis", "list", "--json"))
    assert math.isclose(pooled["result"]["estimate_exp"], _mh_rr(TRIALS), rel_tol=1e-12)
    assert pooled["participants"] == 320
    assert waiting["why_not_pooled"] == "no studies yet (give them once data are agreed)"
    named = ok("analysis", "studies", "tr-vs-usual-rtw", "--study", "hansen2010")
    assert named.splitlines() == [
        "analysis tr-vs-usual-rtw: rtw in tr-vs-usual: RR, random effects, 1 study",
        "  not pooled: hansen2010 has no single agreed row for it: arm-level data, or an "
        "estimate in RR with its CI",  # no time point
    ]
    assert ok("analysis", "remove", "tr-vs-usual-rtw") == "analysis tr-vs-usual-rtw removed\n"
