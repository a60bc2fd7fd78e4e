"""Risk of bias through the facade and the CLI, on SQLite and PostgreSQL: independent
judgements by two assessors, blinding, agreement kept at once, conflicts settled by
the team, RoB 2's signalling answers and its algorithm, and refusals that change
nothing."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from sysreview import Review
from sysreview.errors import DataError, WorkflowError
from sysreview.model import Outcome, Protocol, Study, replace

from .cli_runner import cli_on
from .parallel import run_together

LOW = "1.1=Y 1.2=Y 1.3=N"  # random, concealed, no baseline problem
NO_CONCEALMENT = "1.1=Y 1.2=N 1.3=N"  # high whatever else
UNKNOWN_CONCEALMENT = "1.1=Y 1.2=NI 1.3=N"  # some concerns


def _review(tmp_path: Path, db_url: str) -> Review:
    review = Review.init(tmp_path / "rev", database=db_url)
    data = review.data()
    studies = tuple(Study(id=s, label=s.title()) for s in ("alpha", "beta", "gamma"))
    outcomes = (Outcome(id="rtw", name="Return to work"),)
    protocol = Protocol(outcomes=outcomes)
    review.save(replace(data, studies=studies, protocol=protocol))
    return review


def _published(review: Review) -> list[tuple[str, str, str, str | None]]:
    return [
        (a.study, a.domain, a.judgement, a.assessor)
        for a in review.data().risk_of_bias
        if a.consensus
    ]


def test_two_agreeing_assessors_settle_a_domain_at_once(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        first = review.assess_risk_of_bias("alpha", "D1", answers=LOW, assessor="ann")
        assert (first.domain, first.judgement, first.answers) == (
            "randomisation_process",
            "low",
            LOW,
        )
        assert first.assessed_at and not first.consensus
        assert _published(review) == []
        [where] = review.risk_of_bias_positions()
        assert (where.state, where.assessors) == ("awaiting", ("ann",))
        review.assess_risk_of_bias(
            "alpha",
            "randomisation_process",
            answers="1.1=y, 1.2=py; 1.3=n",
            assessor="bob",
            support="Central randomisation",
        )
        [where] = review.risk_of_bias_positions()
        assert (where.state, where.judgement) == ("settled", "low")
        assert _published(review) == [("alpha", "randomisation_process", "low", None)]
        [agreed] = [a for a in review.data().risk_of_bias if a.consensus]
        # the answers differ (Y against PY), so the consensus keeps the judgement only
        assert (agreed.answers, agreed.support) == (None, "Central randomisation")


def test_assessors_are_blinded_until_they_have_judged(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.assess_risk_of_bias("alpha", "D1", answers=LOW, assessor="ann")
        review.assess_risk_of_bias("beta", "D1", answers=LOW, assessor="ann")
        assert review.risk_of_bias_seen_by("bob") == []
        review.assess_risk_of_bias("alpha", "D1", answers=NO_CONCEALMENT, assessor="bob")
        seen = {(a.study, a.assessor) for a in review.risk_of_bias_seen_by("bob")}
        assert seen == {("alpha", "ann"), ("alpha", "bob")}  # beta stays hidden


def test_a_conflict_is_settled_by_the_team(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.assess_risk_of_bias("alpha", "D1", answers=LOW, assessor="ann")
        review.assess_risk_of_bias("alpha", "D1", answers=NO_CONCEALMENT, assessor="bob")
        [where] = review.risk_of_bias_positions()
        assert (where.state, where.judgement, where.assessors) == ("conflict", None, ("ann", "bob"))
        # a changed mind replaces the assessor's earlier judgement
        review.assess_risk_of_bias("alpha", "D1", answers=UNKNOWN_CONCEALMENT, assessor="ann")
        assert [(a.assessor, a.judgement) for a in review.data().risk_of_bias] == [
            ("bob", "high"),
            ("ann", "some_concerns"),
        ]
        settled = review.agree_risk_of_bias(
            "alpha", "D1", "high", by="cat", support="Envelopes were not sealed"
        )
        assert (settled.consensus, settled.assessor) == (True, "cat")
        [where] = review.risk_of_bias_positions("rob2")
        assert (where.state, where.judgement) == ("settled", "high")
        with pytest.raises(WorkflowError, match="a consensus judgement stands"):
            review.assess_risk_of_bias("alpha", "D1", answers=LOW, assessor="ann")
        # the team may change its consensus; the independent judgements stay
        review.agree_risk_of_bias("alpha", "D1", "some_concerns", by="cat", support="On reflection")
        assert _published(review) == [("alpha", "randomisation_process", "some_concerns", "cat")]
        assert len(review.data().risk_of_bias) == 3


def test_a_consensus_does_not_bypass_dual_assessment(tmp_path: Path, db_url: str) -> None:
    """The team settles a conflict or changes its consensus; it cannot judge a domain
    nobody assessed, nor one still waiting for its second assessor."""
    with _review(tmp_path, db_url) as review:
        with pytest.raises(WorkflowError, match=r"nothing to settle yet \(0 independent"):
            review.agree_risk_of_bias("alpha", "D1", "high", by="cat")
        review.assess_risk_of_bias("alpha", "D1", answers=LOW, assessor="ann")
        with pytest.raises(WorkflowError, match=r"nothing to settle yet \(1 independent"):
            review.agree_risk_of_bias("alpha", "D1", "high", by="cat")
        assert [a.assessor for a in review.data().risk_of_bias] == ["ann"]  # nothing logged


def test_departing_from_the_algorithm_needs_a_reason(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        with pytest.raises(WorkflowError, match=r"proposes 'low'.*judging 'high' instead"):
            review.assess_risk_of_bias("alpha", "D1", answers=LOW, judgement="high", assessor="ann")
        logged = review.assess_risk_of_bias(
            "alpha",
            "D1",
            answers=LOW,
            judgement="high",
            assessor="ann",
            support="Allocation was predictable from the block size",
        )
        assert logged.judgement == "high"


def test_refusals_change_nothing(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.assess_risk_of_bias("alpha", "D1", answers=LOW, assessor="ann")
        before = review.data()
        with pytest.raises(WorkflowError, match=r"no study 'delta'"):
            review.assess_risk_of_bias("delta", "D1", answers=LOW, assessor="ann")
        with pytest.raises(DataError, match=r"1\.2"):
            review.assess_risk_of_bias("beta", "D1", answers="1.1=Y 1.3=N", assessor="ann")
        with pytest.raises(DataError, match="maybe"):
            review.assess_risk_of_bias("beta", "D1", answers="1.1=maybe", assessor="ann")
        with pytest.raises(WorkflowError, match="not one the tool uses"):
            review.assess_risk_of_bias("beta", "D1", judgement="unclear", assessor="ann")
        with pytest.raises(WorkflowError, match="overall judgement follows from the domains"):
            review.assess_risk_of_bias("beta", "overall", judgement="low", assessor="ann")
        with pytest.raises(WorkflowError, match="no signalling questions"):
            review.assess_risk_of_bias(
                "beta", "allocation_concealment", tool="rob1", answers=LOW, assessor="ann"
            )
        with pytest.raises(DataError, match="not the id of any Outcome"):
            review.assess_risk_of_bias("beta", "D1", answers=LOW, outcome="pain", assessor="ann")
        assert review.data() == before


def test_rob1_and_outcome_specific_judgements(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        for who in ("ann", "bob"):
            review.assess_risk_of_bias(
                "gamma", "allocation_concealment", tool="rob1", judgement="unclear", assessor=who
            )
            review.assess_risk_of_bias(
                "gamma",
                "D4",
                judgement="some_concerns",
                outcome="rtw",
                assessor=who,
                support="Self-reported",
            )
        settled = [
            (p.tool, p.domain, p.outcome, p.judgement) for p in review.risk_of_bias_positions()
        ]
        assert settled == [
            ("rob1", "allocation_concealment", None, "unclear"),
            ("rob2", "measurement_of_the_outcome", "rtw", "some_concerns"),
        ]


def test_adherence_variant_asks_domain_two_differently(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        with pytest.raises(DataError):  # 2.7 belongs to the effect of assignment only
            review.assess_risk_of_bias(
                "alpha",
                "D2",
                variant="adherence",
                answers="2.1=N 2.2=N 2.3=NA 2.4=NA 2.5=NA 2.6=NA 2.7=NA",
                assessor="ann",
            )
        logged = review.assess_risk_of_bias(
            "alpha",
            "D2",
            variant="adherence",
            answers="2.1=N 2.2=N 2.3=NA 2.4=NA 2.5=NA 2.6=NA",
            assessor="ann",
        )
        assert (logged.variant, logged.judgement) == ("adherence", "low")


def test_two_assessors_at_the_same_moment_lose_nothing(tmp_path: Path, db_url: str) -> None:
    _review(tmp_path, db_url).close()

    def assess(assessor: str, barrier: threading.Barrier) -> None:
        with Review.open(tmp_path / "rev") as review:
            for study in ("alpha", "beta", "gamma"):
                barrier.wait(timeout=30)
                for domain in ("D1", "D3", "D5"):
                    review.assess_risk_of_bias(study, domain, judgement="low", assessor=assessor)

    assert run_together(assess, ("ann", "bob")) == []
    with Review.open(tmp_path / "rev") as review:
        found = review.risk_of_bias_positions()
        assert len(found) == 9 and {p.state for p in found} == {"settled"}
        assert len(review.data().risk_of_bias) == 27  # 18 independent + 9 consensus


def test_cli_assess_conflicts_agree_and_status(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _review(tmp_path, db_url).close()
    run = cli_on(tmp_path / "rev", capsys)

    code, out, _ = run("rob", "assess", "alpha", "D1", "--answers", LOW, "--reviewer", "ann")
    assert code == 0 and "alpha randomisation_process: low by ann (1.1=Y 1.2=Y 1.3=N)" in out
    code, out, _ = run(
        "rob", "assess", "alpha", "D1", "--answers", NO_CONCEALMENT, "--reviewer", "bob"
    )
    assert code == 0 and "the assessors disagree" in out
    code, out, _ = run("rob", "conflicts", "--json")
    [conflict] = json.loads(out)
    assert conflict["judgements"]["ann"]["judgement"] == "low"
    assert conflict["judgements"]["bob"]["answers"] == NO_CONCEALMENT
    code, out, _ = run("rob", "status", "--reviewer", "ann")
    assert "conflict" in out and "yours: low" in out and "0 settled, 1 conflict" in out
    code, out, _ = run(
        "rob",
        "agree",
        "alpha",
        "D1",
        "--judgement",
        "high",
        "--support",
        "Not concealed",
        "--reviewer",
        "cat",
    )
    assert code == 0 and "agreed high (settled by cat)" in out
    code, _, err = run("rob", "assess", "alpha", "D1", "--answers", "1.1=Y", "--reviewer", "ann")
    assert code != 0 and "error:" in err
    code, out, _ = run("rob", "questions", "--domain", "D3", "--json")
    [d3] = json.loads(out)
    assert d3["heading"] == "D3" and d3["questions"][0]["id"] == "3.1"
    code, out, _ = run("rob", "questions", "--variant", "adherence")
    assert code == 0 and "D5" in out
