"""Outcome data entered by two extractors, through the facade, the CLI and the bundle, on
SQLite and PostgreSQL: agreement writes the review's outcome data (and the analyses
read it), a difference waits for a lead, blinding holds, and a refusal changes
nothing."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from sysreview import Review
from sysreview.bundle import read_bundle
from sysreview.errors import ParseError, WorkflowError
from sysreview.model import Comparison, Outcome, Protocol, Study, replace
from sysreview.report import build_report
from sysreview.report.blocks import Paragraph, plain

from .cli_runner import cli_on
from .parallel import run_together

ROW = dict(study="alpha", outcome="rtw", data_type="dichotomous", timepoint="12 mnd")


def _review(tmp_path: Path, db_url: str, mode: str = "independent") -> Review:
    review = Review.init(tmp_path / "rev", database=db_url)
    protocol = Protocol(
        outcomes=(Outcome("rtw", "Return to work"),),
        comparisons=(Comparison("c1", "Rehabilitation", "Usual care"),),
        extraction_mode=mode,  # type: ignore[arg-type]
    )
    studies = (
        Study(id="alpha", label="Alpha 2010"),
        Study(id="gamma", label="Gamma 2012", status="excluded"),
    )
    review.save(replace(review.data(), protocol=protocol, studies=studies))
    return review


def test_two_extractors_agree_and_the_row_is_the_review_s(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        first = review.extract(by="ann", **ROW, events_1="60", n_1="66", events_2="52", n_2="68")
        assert (first.row, first.state) == ("alpha-rtw-12-mnd", "awaiting")
        assert review.extractions_seen_by("bob") == []  # blinded
        assert review.data().outcome_data == ()
        both = review.extract(by="bob", **ROW, events_1=60, n_1=66, events_2=52, n_2=68)
        assert both.state == "agreed"
        [row] = review.data().outcome_data
        assert (row.id, row.events_1, row.n_2) == ("alpha-rtw-12-mnd", 60, 68)
        assert [e.extractor for e in review.data().extractions] == ["ann", "bob"]


def test_a_difference_waits_for_a_lead_and_refusals_change_nothing(
    tmp_path: Path, db_url: str
) -> None:
    with _review(tmp_path, db_url) as review:
        review.extract(by="ann", **ROW, events_1="60", n_1="66", events_2="52", n_2="68")
        where = review.extract(by="bob", **ROW, events_1="61", n_1="66", events_2="52", n_2="68")
        assert (where.state, where.differences) == ("conflict", ("events_1",))
        [(conflict, entries)] = review.extraction_conflicts()
        assert conflict.row == "alpha-rtw-12-mnd"
        assert [e.events_1 for e in entries] == [60, 61]
        before = review.data()
        with pytest.raises(WorkflowError, match="excluded"):
            review.extract(by="ann", study="gamma", outcome="rtw", data_type="narrative", text="x")
        with pytest.raises(WorkflowError, match="no outcome 'pain'"):
            review.extract(by="ann", study="alpha", outcome="pain", data_type="narrative", text="x")
        with pytest.raises(WorkflowError, match="events_2"):
            review.extract(by="cat", **ROW, events_1="1", n_1="66", events_2="70", n_2="68")
        with pytest.raises(WorkflowError, match="differ"):
            review.settle_extraction("alpha-rtw-12-mnd", by="cat")
        assert review.data() == before
        review.add_account("lead", "correct horse", role="lead")
        review.add_account("ann", "battery staple")
        with pytest.raises(WorkflowError):
            review.settle_extraction("alpha-rtw-12-mnd", by="ann", take="ann")
        agreed = review.settle_extraction("alpha-rtw-12-mnd", by="lead", take="ann")
        assert agreed.events_1 == 60
        assert review.extraction_positions()[0].state == "agreed"


def test_two_extractors_at_the_same_moment_lose_nothing(tmp_path: Path, db_url: str) -> None:
    _review(tmp_path, db_url).close()

    def enter(extractor: str, barrier: threading.Barrier) -> None:
        with Review.open(tmp_path / "rev") as review:
            for timepoint in ("3 mnd", "6 mnd", "12 mnd"):
                barrier.wait(timeout=30)
                numbers = dict(events_1="60", n_1="66", events_2="52", n_2="68")
                review.extract(by=extractor, **dict(ROW, timepoint=timepoint), **numbers)

    assert run_together(enter, ("ann", "bob")) == []
    with Review.open(tmp_path / "rev") as review:
        assert {p.state for p in review.extraction_positions()} == {"agreed"}
        assert len(review.data().extractions) == 6 and len(review.data().outcome_data) == 3


def test_checking_shows_the_first_entry_to_the_checker(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url, mode="checked") as review:
        review.extract(by="ann", **ROW, events_1="60", n_1="66", events_2="52", n_2="68")
        assert [e.extractor for e in review.extractions_seen_by("bob")] == ["ann"]


def test_the_bundle_keeps_entries_and_refuses_impossible_data(tmp_path: Path) -> None:
    with _review(tmp_path, "") as review:
        review.extract(by="ann", **ROW, events_1="60", n_1="66", events_2="52", n_2="68")
        review.export(tmp_path / "bundle")
    assert [e.extractor for e in read_bundle(tmp_path / "bundle").extractions] == ["ann"]
    path = tmp_path / "bundle" / "extractions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",60,66,", ",90,66,"), "utf-8")
    with pytest.raises(ParseError, match="90 events among 66") as raised:
        read_bundle(tmp_path / "bundle")
    assert "extractions.csv:2: field 'events_1'" in str(raised.value)


def test_cli_enters_shows_blinded_lists_conflicts_and_settles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _review(tmp_path, "").close()
    run = cli_on(tmp_path / "rev", capsys)
    numbers = ["--events-1", "60", "--n-1", "66", "--events-2", "52", "--n-2", "68"]
    where = ["--study", "alpha", "--outcome", "rtw", "--type", "dichotomous"]
    code, out, _ = run(
        "extract", "add", *where, "--timepoint", "12 mnd", *numbers, "--reviewer", "ann"
    )
    assert code == 0 and "alpha-rtw-12-mnd: entered by ann" in out
    code, out, _ = run("extract", "show", "alpha-rtw-12-mnd", "--reviewer", "bob")
    assert "nothing you may see yet" in out
    numbers[1] = "61"
    code, out, _ = run(
        "extract", "add", *where, "--timepoint", "12 mnd", *numbers, "--reviewer", "bob"
    )
    assert "the entries differ (events_1)" in out
    code, out, _ = run("extract", "conflicts", "--json")
    [conflict] = json.loads(out)
    assert conflict["differences"] == {"events_1": {"ann": 60.0, "bob": 61.0}}
    code, out, err = run("extract", "settle", "alpha-rtw-12-mnd", "--reviewer", "cat")
    assert code != 0 and "--take ann or --take bob" in err
    code, out, _ = run(
        "extract", "settle", "alpha-rtw-12-mnd", "--take", "bob", "--n-2", "67", "--reviewer", "cat"
    )
    assert code == 0 and "agreed from bob's entry" in out
    code, out, _ = run("extract", "show", "alpha-rtw-12-mnd", "--reviewer", "ann")
    lines = dict(line.split("\t", 1) for line in out.splitlines())
    assert lines["events_1"] == "61\t60\t61" and lines["n_2"] == "67\t68\t68"
    code, out, _ = run("extract", "status", "--reviewer", "ann")
    assert "1 agreed, 0 conflict, 0 awaiting" in out
    code, out, _ = run("status")
    assert "outcome data: 1 row entered, 0 agreed at once, 1 settled after differing, 0 open" in out
    estimate = [
        "--type",
        "estimate",
        "--measure",
        "MD",
        "--estimate",
        "0,99",
        "--ci-lb",
        "1,3",
        "--ci-ub",
        "2,1",
    ]
    code, out, _ = run(
        "extract",
        "add",
        "--study",
        "alpha",
        "--outcome",
        "rtw",
        "--timepoint",
        "3 mnd",
        *estimate,
        "--reviewer",
        "ann",
    )
    assert "check: estimate 0.99 lies outside its CI 1.3 to 2.1 (estimate)" in out


def test_the_report_says_how_data_were_extracted(tmp_path: Path, example_bundle: Path) -> None:
    with _review(tmp_path, "") as review:
        numbers = dict(events_1="60", n_1="66", events_2="52", n_2="68")
        review.extract(by="ann", **ROW, **numbers)
        review.extract(by="bob", **ROW, **numbers)
        later = dict(ROW, timepoint="24 mnd")
        review.extract(by="ann", **later, **numbers)
        review.extract(by="bob", **later, **(numbers | {"n_2": "67"}))
        review.settle_extraction("alpha-rtw-24-mnd", by="cat", take="bob")
        review.extract(by="ann", **dict(ROW, timepoint="36 mnd"), **numbers)
        data = review.data()
    doc = build_report(data, "en", tmp_path / "out", draw=False)
    said = " ".join(plain(x.content) for x in doc.blocks if isinstance(x, Paragraph))
    assert (
        "Two reviewers independently extracted the data from the included studies; a third "
        "resolved disagreements. Of 3 rows of outcome data, 1 agreed at once and 1 was "
        "settled after the entries differed; 1 is not settled yet."
    ) in said
    example = build_report(read_bundle(example_bundle), "nb", tmp_path / "nb", draw=False)
    said = " ".join(plain(x.content) for x in example.blocks if isinstance(x, Paragraph))
    assert (
        "Én person hentet ut data fra de inkluderte studiene, og en annen sjekket at "
        "dataene var komplett og korrekt hentet ut; uenighet ble løst av en tredje."
    ) in said


def test_a_study_s_description_through_the_facade_and_the_cli(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with _review(tmp_path, db_url) as review:
        study = review.describe_study("alpha", by="ann", design="RCT", countries="Norway; Sweden")
        assert (study.design, study.countries) == ("RCT", ("Norway", "Sweden"))
        with pytest.raises(WorkflowError, match="no study 'omega'"):
            review.describe_study("omega", by="ann", design="RCT")
        with pytest.raises(WorkflowError, match="whole number"):
            review.describe_study("alpha", by="ann", participants="many")
        assert review.data().studies[0].participants is None
    run = cli_on(tmp_path / "rev", capsys)
    code, out, _ = run(
        "extract", "study", "alpha", "--participants", "134", "--set", "age=46", "--reviewer", "ann"
    )
    assert code == 0 and "Participants\t134" in out and "age\t46" in out
    code, out, _ = run("extract", "study", "alpha")
    assert "Countries\tNorway; Sweden" in out and "Design\tRCT" in out
    code, _, err = run("extract", "study", "alpha", "--set", "age", "--reviewer", "ann")
    assert code != 0 and "COLUMN=VALUE" in err


def test_a_spreadsheet_of_entries_goes_in_whole_or_not_at_all(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "ann.csv"
    table.write_text(
        "study,outcome,data_type,timepoint,events_1,n_1,events_2,n_2,source\n"
        "alpha,rtw,dichotomous,3 mnd,40,66,30,68,Tabell 2\n"
        "alpha,rtw,dichotomous,12 mnd,60,66,52,68,Tabell 3\n",
        encoding="utf-8",
    )
    with _review(tmp_path, db_url) as review:
        review.extract(by="bob", **ROW, events_1="60", n_1="66", events_2="52", n_2="68")
        found = review.extract_file(table, by="ann")
        assert [(p.row, p.state) for p in found] == [
            ("alpha-rtw-3-mnd", "awaiting"),
            ("alpha-rtw-12-mnd", "agreed"),
        ]
        before = review.data()
        bad = tmp_path / "bad.csv"
        bad.write_text(
            "study,outcome,data_type,timepoint,events_1,n_1,events_2,n_2\n"
            "alpha,rtw,dichotomous,6 mnd,40,66,30,68\n"
            "alpha,rtw,dichotomous,9 mnd,40,66,80,68\n",
            encoding="utf-8",
        )
        with pytest.raises(ParseError, match="80 events among 68") as raised:
            review.extract_file(bad, by="cat")
        assert (raised.value.line, raised.value.field) == (3, "events_2")
        stranger = tmp_path / "stranger.csv"
        stranger.write_text(
            "study,outcome,data_type,text\nalpha,rtw,narrative,x\nomega,rtw,narrative,y\n",
            encoding="utf-8",
        )
        with pytest.raises(ParseError, match="no study 'omega'") as raised:
            review.extract_file(stranger, by="cat")
        assert raised.value.line == 3
        column = tmp_path / "column.csv"
        column.write_text("study,outcome,data_type,dose\nalpha,rtw,narrative,5\n", "utf-8")
        with pytest.raises(ParseError, match="no field 'dose'"):
            review.extract_file(column, by="cat")
        assert review.data() == before  # nothing of the refused files went in
    run = cli_on(tmp_path / "rev", capsys)
    code, _, err = run("extract", "import", str(table), "--reviewer", "cat")
    assert code == 65 and "ann.csv:3: outcome data 'alpha-rtw-12-mnd' are agreed" in err
    code, _, err = run("extract", "import", str(bad), "--reviewer", "cat")
    assert code == 65 and "bad.csv:3: field 'events_2'" in err
    first = tmp_path / "cat.csv"
    first.write_text("\n".join(table.read_text("utf-8").splitlines()[:2]) + "\n", "utf-8")
    code, out, _ = run("extract", "import", str(first), "--reviewer", "cat")
    assert code == 0 and "1 row entered by cat: 1 agreed, 0 conflict, 0 awaiting" in out
