"""Full-text inclusions become reports of studies (one study, several reports), on
SQLite and PostgreSQL, through the facade and the CLI; PRISMA counts studies and
reports from the links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sysreview import Review, prisma
from sysreview.bundle import read_bundle
from sysreview.errors import WorkflowError
from sysreview.model import Record, Study, citation, replace

from .cli_runner import cli_on

RECORDS = (
    Record(id="r0", search=None, title="Graded activity for sick-listed workers.",
           authors=("Hansen A", "Olsen B"), year=2010, journal="Occup Med", volume="60",
           issue="4", pages="300-8", doi="10.1/om.60"),
    Record(id="r1", search=None, title="Graded activity: two-year follow-up",
           authors=("Hansen A",), year=2012, journal="Occup Med"),
    Record(id="r2", search=None, title="Something else", authors=("Berg C",), year=2011),
    Record(id="r3", search=None, title="Return to work after stroke",
           authors=("Øverland, Simon", "Kim D"), year=2012),
    Record(id="r4", search=None, title="Still being screened", year=2015),
)  # fmt: skip


def _review(tmp_path: Path, db_url: str) -> Review:
    review = Review.init(tmp_path / "rev", database=db_url)
    review.save(replace(review.data(), records=RECORDS))
    for record in ("r0", "r1", "r2", "r3"):
        for who in ("ann", "bob"):
            review.decide(record, "include", reviewer=who)
        for who in ("ann", "bob"):
            verdict = "exclude" if record == "r2" else "include"
            reason = "wrong population" if verdict == "exclude" else None
            review.decide(record, verdict, reviewer=who, stage="full_text", reason=reason)
    return review


def test_full_text_inclusions_become_studies_and_reports(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        assert [r.id for r in review.unlinked_inclusions()] == ["r0", "r1", "r3"]
        first = review.link_report("r0", by="ann")
        assert (first.study, first.main, first.record, first.first_author) == (
            "hansen2010",
            True,
            "r0",
            "Hansen",
        )
        assert first.citation == (
            "Hansen A, Olsen B. Graded activity for sick-listed workers. "
            "Occup Med 2010;60(4):300-8. doi:10.1/om.60"
        )
        # the follow-up paper reports the same trial: one study, two reports
        second = review.link_report("r1", by="ann", study="hansen2010")
        assert (second.study, second.main) == ("hansen2010", False)
        third = review.link_report("r3", by="bob", label="Øverland 2012 (stroke)")
        assert third.study == "overland2012"
        data = review.data()
        assert [(s.id, s.label, s.status) for s in data.studies] == [
            ("hansen2010", "Hansen 2010", "included"),
            ("overland2012", "Øverland 2012 (stroke)", "included"),
        ]
        counts = prisma.counts(data)
        assert (counts.studies_included, counts.reports_included) == (2, 3)
        assert review.unlinked_inclusions() == []

        before = review.data()
        with pytest.raises(WorkflowError, match="r2 is not included at full text"):
            review.link_report("r2", by="ann")
        with pytest.raises(WorkflowError, match="r4 is not included at full text"):
            review.link_report("r4", by="ann")
        with pytest.raises(WorkflowError, match="already a report of hansen2010"):
            review.link_report("r0", by="ann")
        with pytest.raises(WorkflowError, match="no record 'r9'"):
            review.link_report("r9", by="ann")
        assert review.data() == before

        # unlinking the main report hands "main" to the next; the last one takes the
        # study with it when nothing else refers to the study
        review.unlink_report("r0", by="ann")
        [left] = [r for r in review.data().reports if r.study == "hansen2010"]
        assert (left.record, left.main) == ("r1", True)
        review.unlink_report("r1", by="ann")
        assert [s.id for s in review.data().studies] == ["overland2012"]
        with pytest.raises(WorkflowError, match="not linked"):
            review.unlink_report("r1", by="ann")


def test_a_study_others_refer_to_stays_and_ids_do_not_collide(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        data = review.data()
        gone = Study(id="berg2011", label="Berg 2011", status="excluded")
        review.save(replace(data, studies=(Study(id="hansen2010", label="Hansen 2010"), gone)))
        with pytest.raises(WorkflowError, match="berg2011 is excluded"):
            review.link_report("r0", by="ann", study="berg2011")
        report = review.link_report("r0", by="ann")
        assert report.study == "hansen2010b"  # an existing id is not reused
        review.assess_risk_of_bias("hansen2010b", "D1", judgement="low", assessor="ann")
        review.unlink_report("r0", by="ann")
        assert "hansen2010b" in {s.id for s in review.data().studies}  # judged: kept


def test_citation_without_journal_details() -> None:
    bare = Record(id="x", search=None, title="A title.", authors=tuple("ABCDEFG"), year=2001)
    assert citation(bare) == "A, B, C, D, E, F, et al. A title. 2001."


def test_cli_links_and_the_bundle_keeps_the_record(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _review(tmp_path, db_url).close()
    run = cli_on(tmp_path / "rev", capsys)

    code, out, _ = run("screen", "unlinked", "--json")
    assert [r["record"] for r in json.loads(out)] == ["r0", "r1", "r3"]
    code, out, _ = run("screen", "link", "r0", "--reviewer", "ann")
    assert code == 0 and out.startswith("r0 is a report of hansen2010 (its main report): Hansen A")
    code, out, _ = run("screen", "link", "r1", "--study", "hansen2010", "--reviewer", "ann")
    assert code == 0 and "r1 is a report of hansen2010: " in out
    code, _, err = run("screen", "link", "r2", "--reviewer", "ann")
    assert code != 0 and "not included at full text" in err
    code, out, _ = run("screen", "unlinked")
    assert "1 full-text inclusion to link" in out
    code, out, _ = run("screen", "unlink", "r1", "--reviewer", "ann")
    assert code == 0 and "no longer a report of hansen2010" in out
    run("export", str(tmp_path / "bundle"))
    [report] = read_bundle(tmp_path / "bundle").reports
    assert (report.record, report.study) == ("r0", "hansen2010")
