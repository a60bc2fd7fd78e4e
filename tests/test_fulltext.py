"""Full texts: the records sent on to full text, each one's file held or marked not
retrieved (PRISMA 2020's "reports sought" and "reports not retrieved"), on SQLite and
PostgreSQL; the files go into bundles and come back byte for byte."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from sysreview import Review, prisma
from sysreview.bundle import read_bundle
from sysreview.errors import DanglingReference, ParseError, StoreError, WorkflowError
from sysreview.model import FullText, Record, replace
from sysreview.report.figures.prisma_flow import prisma_flow
from sysreview.store.tables import FILES

from .cli_runner import cli_on

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
RECORDS = (
    Record(id="r0", search=None, title="Graded activity", year=2010, doi="10.1/OM.60"),
    Record(id="r1", search=None, title="Two-year follow-up", year=2012, pmid="22334455"),
    Record(id="r2", search=None, title="Excluded at title/abstract", year=2011),
    Record(id="r3", search=None, title="A copy of r0", year=2010, duplicate_of="r0"),
    Record(id="r4", search=None, title="Also sent on", year=2014),
)  # fmt: skip


def _review(tmp_path: Path, db_url: str) -> Review:
    """r0, r1 and r4 sent on to full text; r2 excluded at title/abstract."""
    review = Review.init(tmp_path / "rev", database=db_url)
    review.save(replace(review.data(), records=RECORDS))
    for record in ("r0", "r1", "r2", "r4"):
        for who in ("ann", "bob"):
            review.decide(record, "exclude" if record == "r2" else "include", reviewer=who)
    return review


def _files(review: Review) -> dict[str, bytes]:
    with review.store.engine.connect() as connection:
        rows = connection.execute(sa.select(FILES.c.sha256, FILES.c.content)).all()
    return {sha: bytes(content) for sha, content in rows}


def test_a_full_text_is_held_by_its_hash_and_served_back(tmp_path: Path, db_url: str) -> None:
    pdf = tmp_path / "Hansen 2010.pdf"
    pdf.write_bytes(PDF)
    with _review(tmp_path, db_url) as review:
        assert [(p.record, p.state) for p in review.retrieval()] == [
            ("r0", "awaiting"),
            ("r1", "awaiting"),
            ("r4", "awaiting"),
        ]
        held = review.attach_fulltext("r0", pdf, by="ann")
        sha = hashlib.sha256(PDF).hexdigest()
        assert held == FullText(
            record="r0",
            status="retrieved",
            file_name="Hansen 2010.pdf",
            media_type="application/pdf",
            size=len(PDF),
            sha256=sha,
            by="ann",
            at=held.at,
        )
        assert review.fulltext("r0") == (held, PDF)
        assert _files(review) == {sha: PDF}
        assert review.retrieval()[0].state == "retrieved"

        # a new file replaces the old one, and the old bytes leave the store
        review.attach_fulltexts([("r0", b"%PDF-1.7 corrected", "hansen-v2.pdf")], by="bob")
        assert review.fulltext("r0")[1] == b"%PDF-1.7 corrected"
        assert list(_files(review)) == [hashlib.sha256(b"%PDF-1.7 corrected").hexdigest()]
        # every other write keeps the file
        review.decide("r1", "include", reviewer="ann", stage="full_text")
        assert review.fulltext("r0")[1] == b"%PDF-1.7 corrected"
        review.remove_fulltext("r0", by="ann")
        assert _files(review) == {}
        assert review.retrieval()[0].state == "awaiting"


def test_only_records_sent_on_to_full_text_take_one(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        before = review.data()
        with pytest.raises(WorkflowError, match="'r2' was not sent on to full text"):
            review.attach_fulltexts([("r2", PDF, "x.pdf")], by="ann")
        with pytest.raises(WorkflowError, match="'r3' is a duplicate of 'r0'"):
            review.attach_fulltexts([("r3", PDF, "x.pdf")], by="ann")
        with pytest.raises(WorkflowError, match="no record 'r9'"):
            review.attach_fulltexts([("r9", PDF, "x.pdf")], by="ann")
        with pytest.raises(WorkflowError, match=r"empty\.pdf is empty"):
            review.attach_fulltexts([("r0", b"", "empty.pdf")], by="ann")
        # one action, one transaction: the good file before the bad one is not kept
        with pytest.raises(WorkflowError, match="'r2' was not sent on"):
            review.attach_fulltexts([("r0", PDF, "a.pdf"), ("r2", PDF, "b.pdf")], by="ann")
        with pytest.raises(WorkflowError, match="say why"):
            review.fulltext_not_retrieved("r1", "  ", by="ann")
        with pytest.raises(WorkflowError, match="'r1' has no full text"):
            review.fulltext("r1")
        assert review.data() == before
        assert _files(review) == {}


def test_reports_not_retrieved_are_counted_and_cannot_be_assessed(
    tmp_path: Path, db_url: str
) -> None:
    with _review(tmp_path, db_url) as review:
        review.attach_fulltexts([("r0", PDF, "r0.pdf")], by="ann")
        review.fulltext_not_retrieved("r1", "not held by any library we asked", by="ann")
        with pytest.raises(WorkflowError, match="marked not retrieved"):
            review.decide("r1", "include", reviewer="ann", stage="full_text")
        with pytest.raises(WorkflowError, match="'r1' is marked not retrieved"):
            review.fulltext("r1")
        for who in ("ann", "bob"):
            review.decide("r0", "include", reviewer=who, stage="full_text")
            review.decide("r4", "exclude", reviewer=who, stage="full_text", reason="wrong design")
        with pytest.raises(WorkflowError, match="has full-text decisions"):
            review.fulltext_not_retrieved("r4", "lost", by="ann")
        # r4 was assessed without a file here: retrieved elsewhere, never "awaited"
        states = {p.record: p.state for p in review.retrieval()}
        assert states == {"r0": "retrieved", "r1": "not_retrieved", "r4": "assessed_without_file"}
        assert review.retrieval()[2].assessed
        review.remove_fulltext("r0", by="ann")  # the file goes; the assessment stays
        assert review.retrieval()[0].state == "assessed_without_file"
        review.attach_fulltexts([("r0", PDF, "r0.pdf")], by="ann")

        counts = prisma.counts(review.data())
        assert (counts.screened, counts.excluded_screening) == (4, 1)
        assert (counts.reports_sought, counts.reports_not_retrieved) == (3, 1)
        assert (counts.fulltext_assessed, counts.fulltext_excluded) == (2, 1)
        # sought 3 - not retrieved 1 = assessed 2: the flow adds up
        assert [f.check for f in prisma.check(counts)] == ["full_text"]  # no study linked yet
        flow = prisma_flow(counts)
        assert flow.box("reports_sought").text == "Reports sought for retrieval (n = 3)"
        assert flow.box("reports_not_retrieved").text == "Reports not retrieved (n = 1)"

        # retrieved after all: the file lifts the mark, and it may be assessed
        review.attach_fulltexts([("r1", PDF, "found.pdf")], by="bob")
        review.decide("r1", "include", reviewer="ann", stage="full_text")
        counts = prisma.counts(review.data())
        assert (counts.reports_not_retrieved, counts.fulltext_assessed) == (0, 2)
        assert [f.check for f in prisma.check(counts)] == ["retrieval", "full_text"]


def test_the_checks_name_a_report_neither_assessed_nor_marked(tmp_path: Path) -> None:
    with _review(tmp_path, "review.db") as review:
        counts = replace(prisma.derive(review.data()), fulltext_assessed=1)
    (finding,) = [f for f in prisma.check(counts) if f.check == "retrieval"]
    assert (finding.expected, finding.found) == (3, 1)
    assert "reports sought minus reports not retrieved" in finding.message


def test_full_texts_travel_in_the_bundle_byte_for_byte(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.attach_fulltexts(
            [("r0", PDF, "Hansen 2010.PDF"), ("r4", b"plain text of r4", "r4 notes")], by="ann"
        )
        review.fulltext_not_retrieved("r1", "no answer from the authors", by="bob")
        first = tmp_path / "first"
        review.export(first)
        data = review.data()
    sha = hashlib.sha256(PDF).hexdigest()
    assert (first / "fulltexts" / f"{sha}.pdf").read_bytes() == PDF
    text_sha = hashlib.sha256(b"plain text of r4").hexdigest()
    assert (first / "fulltexts" / text_sha).read_bytes() == b"plain text of r4"
    assert read_bundle(first).fulltexts == data.fulltexts

    with Review.init(tmp_path / "other") as other:
        _reload_and_compare(other, first, tmp_path, sha, text_sha)


def _reload_and_compare(
    other: Review, first: Path, tmp_path: Path, sha: str, text_sha: str
) -> None:
    other.load(first)
    assert other.fulltext("r0")[1] == PDF
    second = tmp_path / "second"
    other.export(second)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

    # exporting again after a file went: the stale file goes from the bundle too
    other.remove_fulltext("r4", by="ann")
    other.export(second)
    assert not (second / "fulltexts" / text_sha).exists()
    assert (second / "fulltexts" / f"{sha}.pdf").exists()


def test_a_missing_or_changed_file_in_a_bundle_is_named(tmp_path: Path) -> None:
    with _review(tmp_path, "review.db") as review:
        review.attach_fulltexts([("r0", PDF, "r0.pdf")], by="ann")
        review.export(tmp_path / "b")
    stored = tmp_path / "b" / "fulltexts" / f"{hashlib.sha256(PDF).hexdigest()}.pdf"
    stored.write_bytes(PDF + b"tampered")
    with Review.init(tmp_path / "t") as target:
        with pytest.raises(ParseError) as changed:
            target.load(tmp_path / "b")
        assert "does not have the SHA-256 its line gives" in str(changed.value)
        assert "fulltexts.csv:2: field 'sha256'" in str(changed.value)
        stored.unlink()
        with pytest.raises(ParseError, match="the full text of 'r0' is missing"):
            target.load(tmp_path / "b")
        assert target.data().records == ()


def test_the_store_refuses_a_full_text_without_its_file(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        before = review.data()
        orphan = FullText(record="r0", file_name="x.pdf", size=3, sha256="a" * 64)
        with pytest.raises(StoreError, match="no file for the full text"):
            review.save(replace(before, fulltexts=(orphan,)))
        assert review.data() == before


@pytest.mark.parametrize(
    ("fulltexts", "message"),
    [
        (
            (
                FullText(record="r1", status="not_retrieved", reason="lost"),
                FullText(record="r1", status="not_retrieved", reason="lost again"),
            ),
            "fulltexts.csv:3: field 'record': a second full text for record 'r1'",
        ),
        (
            (FullText(record="r1", status="not_retrieved"),),
            "fulltexts.csv:2: field 'reason': a full text not retrieved needs the reason",
        ),
        (
            (FullText(record="r1", file_name="a.pdf", size=3, sha256="xyz"),),
            "fulltexts.csv:2: field 'sha256': a retrieved full text needs its file's SHA-256",
        ),
    ],
)
def test_a_bundle_with_impossible_full_texts_is_refused(
    tmp_path: Path, fulltexts: tuple[FullText, ...], message: str
) -> None:
    with _review(tmp_path, "review.db") as review:
        review.export(tmp_path / "b")
    from sysreview.bundle import render_bundle

    data = replace(read_bundle(tmp_path / "b"), fulltexts=fulltexts)
    (tmp_path / "b" / "fulltexts.csv").write_text(render_bundle(data)["fulltexts.csv"])
    with pytest.raises(ParseError) as refused:
        read_bundle(tmp_path / "b")
    assert message in str(refused.value)


def test_a_full_text_of_an_unknown_record_is_a_dangling_reference(tmp_path: Path) -> None:
    with _review(tmp_path, "review.db") as review:
        review.export(tmp_path / "b")
    (tmp_path / "b" / "fulltexts.csv").write_text(
        "record,status,file_name,media_type,size,sha256,reason,by,at\nr9,not_retrieved,,,,,lost,,\n"
    )
    with pytest.raises(DanglingReference, match="'r9' is not the id of any Record"):
        read_bundle(tmp_path / "b")


def test_files_are_matched_to_records_by_id_doi_or_pmid(tmp_path: Path) -> None:
    with _review(tmp_path, "review.db") as review:
        matched = review.match_fulltexts(
            ["in/R4.pdf", "in/10.1_om.60.pdf", "in/22334455.PDF", "in/r2.pdf", "in/other.pdf"]
        )
    assert [(p.name, record) for p, record in matched] == [
        ("R4.pdf", "r4"),
        ("10.1_om.60.pdf", "r0"),
        ("22334455.PDF", "r1"),
        ("r2.pdf", None),  # excluded at title/abstract: not sought
        ("other.pdf", None),
    ]


def test_the_cli_attaches_lists_marks_gets_and_removes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _review(tmp_path, "review.db").close()
    run = cli_on(tmp_path / "rev", capsys)
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "10.1_om.60.pdf").write_bytes(PDF)
    (folder / "unknown.pdf").write_bytes(PDF)
    code, out, _ = run("fulltext", "attach-dir", str(folder), "--dry-run", "--reviewer", "ann")
    assert code == 0
    assert out.splitlines() == [
        "would attach 10.1_om.60.pdf -> r0",
        "no record sought matches unknown.pdf",
        "1 of 2 files would attach",
    ]
    code, out, _ = run("fulltext", "list", "--state", "retrieved")
    assert out.splitlines() == ["0 sought: 0 retrieved, 0 not retrieved, 0 awaited"]
    code, out, _ = run("fulltext", "attach-dir", str(folder), "--reviewer", "ann")
    assert (code, out.splitlines()[0]) == (0, "attached 10.1_om.60.pdf -> r0")

    code, out, err = run("fulltext", "not-retrieved", "r1", "--reason", "library said no")
    assert (code, out) == (0, "r1: not retrieved (library said no)\n"), err
    code, out, err = run("fulltext", "attach", "r2", str(folder / "unknown.pdf"))
    assert code == 65
    assert "record 'r2' was not sent on to full text" in err
    code, out, _ = run("fulltext", "list")
    assert out.splitlines() == [
        f"r0\tretrieved\tnot assessed\t10.1_om.60.pdf ({len(PDF)} B)",
        "r1\tnot retrieved\tnot assessed\tlibrary said no",
        "r4\tawaiting\tnot assessed",
        "3 sought: 1 retrieved, 1 not retrieved, 1 awaited",
    ]
    code, out, _ = run("fulltext", "list", "--json", "--state", "not-retrieved")
    (row,) = json.loads(out)
    assert (row["record"], row["state"], row["reason"]) == (
        "r1",
        "not_retrieved",
        "library said no",
    )

    target = tmp_path / "copy.pdf"
    code, out, _ = run("fulltext", "get", "r0", "-o", str(target))
    assert code == 0 and target.read_bytes() == PDF
    code, _, err = run("fulltext", "get", "r1")
    assert code == 65 and "'r1' is marked not retrieved" in err

    code, out, _ = run("status")
    assert (
        "  reports sought for retrieval         3\n  reports not retrieved                1\n"
        in out
    )
    code, out, _ = run("fulltext", "remove", "r1")
    assert out == "r1: full text removed; it is awaited again\n"


def test_the_report_says_how_many_full_texts_were_sought_and_not_retrieved(
    tmp_path: Path,
) -> None:
    from sysreview.report import blocks as b
    from sysreview.report import build_report

    with _review(tmp_path, "review.db") as review:
        review.attach_fulltexts([("r0", PDF, "r0.pdf"), ("r4", PDF + b" ", "r4.pdf")], by="ann")
        review.fulltext_not_retrieved("r1", "no answer from the authors", by="ann")
        for who in ("ann", "bob"):
            review.decide("r0", "include", reviewer=who, stage="full_text")
            review.decide("r4", "exclude", reviewer=who, stage="full_text", reason="wrong design")
        data = review.data()
    texts = {}
    for lang in ("en", "nb"):
        doc = build_report(data, lang, tmp_path, draw=False)
        prisma_at = next(
            i for i, blk in enumerate(doc.blocks) if getattr(blk, "anchor", "") == "selection"
        )
        texts[lang] = b.plain(doc.blocks[prisma_at + 1].content)  # type: ignore[attr-defined]
    assert texts["en"] == (
        "The searches found 0 records in databases and 5 from other sources. After removing "
        "1 duplicate, we screened 4 titles and abstracts and excluded 1. We sought 3 full "
        "texts; 1 could not be retrieved. We assessed 2 full texts for eligibility and "
        "excluded 1. We included 0 studies in 0 reports."
    )
    assert "Vi forsøkte å innhente 3 fulltekster; 1 kunne ikke innhentes." in texts["nb"]
    # the excluded full text is listed with the reason its decisions give (PRISMA 16b)
    doc = build_report(data, "en", tmp_path, draw=False)
    excluded = next(t for t in doc.tables() if t.caption == "Excluded studies")
    assert [tuple(b.plain(c) for c in row) for row in excluded.rows] == [
        ("Also sent on. 2014.", "wrong design")
    ]
