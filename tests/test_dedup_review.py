"""Deduplication inside a review: imports grouped in one transaction, PRISMA's
"duplicates removed" from the groups, people's judgements kept and obeyed, undo —
on SQLite and PostgreSQL — and the ``sysreview dedup`` commands."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from sysreview import DataError, Review
from sysreview.bundle import read_bundle
from sysreview.cli import main

from .dedup.conftest import benchmark
from .ingest.conftest import exports_dir

RIS = "ris/ovid_medline__citesource.ris"


def _imported_twice(tmp_path: Path, db_url: str) -> Review:
    """The same MEDLINE export imported as two searches: every record has a twin."""
    review = Review.init(tmp_path / "rev", database=db_url)
    ris = exports_dir() / RIS
    review.import_search([ris], source="MEDLINE", interface="Ovid", searched="2020-05-04")
    review.import_search([ris], source="MEDLINE again", searched="2020-05-05")
    return review


def test_dedup_groups_twins_and_prisma_counts_the_removals(tmp_path: Path, db_url: str) -> None:
    with _imported_twice(tmp_path, db_url) as review:
        summary = review.deduplicate()
        assert (summary.records, summary.duplicates_removed, summary.references) == (168, 84, 84)
        data = review.data()
        first, second = data.records[0], data.records[84]
        assert second.duplicate_of == first.id  # the earlier import is kept on ties
        assert (second.search, second.source_line) == (
            "medline-again-2020-05-05",
            first.source_line,
        )
        prisma = review.status().prisma
        assert (prisma.identified_databases, prisma.duplicates_removed, prisma.screened) == (
            168,
            84,
            84,
        )
        links = [p for p in data.duplicate_pairs if p.status == "duplicate"]
        assert len(links) == 84 and all(p.reason and p.reviewer is None for p in links)


def test_judgements_are_kept_obeyed_and_undone(tmp_path: Path, db_url: str) -> None:
    with _imported_twice(tmp_path, db_url) as review:
        review.deduplicate()
        data = review.data()
        a, b = data.records[0].id, data.records[84].id
        summary = review.undo_merge(b, reviewer="ingrid")
        assert summary.duplicates_removed == 83
        assert review.deduplicate().duplicates_removed == 83  # a re-run obeys the person
        judged = [p for p in review.data().duplicate_pairs if p.reviewer == "ingrid"]
        assert [(p.a, p.b, p.status) for p in judged] == [(b, a, "distinct")]
        review.judge_duplicates(a, b, same=True, reviewer="ingrid")  # changes her mind
        assert review.deduplicate().duplicates_removed == 84
        judged = [p for p in review.data().duplicate_pairs if p.reviewer == "ingrid"]
        assert [(p.status, p.decided_at is not None) for p in judged] == [("duplicate", True)]


def test_a_person_merging_two_groups_keeps_their_copies(tmp_path: Path, db_url: str) -> None:
    """Two MEDLINE records, each with its copy from the second import, judged one
    reference by a person: the four become one group (the copies do not fall out
    of their groups and back into the screening queue)."""
    with _imported_twice(tmp_path, db_url) as review:
        assert review.deduplicate().references == 84
        data = review.data()
        a, b = data.records[0].id, data.records[1].id
        summary = review.judge_duplicates(a, b, same=True, reviewer="ingrid")
        assert (summary.references, summary.duplicates_removed) == (83, 85)
        roots = {r.id: r.duplicate_of or r.id for r in review.data().records}
        group = {rid for rid, root in roots.items() if root == roots[a]}
        assert group == {a, b, data.records[84].id, data.records[85].id}


def test_bad_judgements_change_nothing(tmp_path: Path, db_url: str) -> None:
    with _imported_twice(tmp_path, db_url) as review:
        review.deduplicate()
        review.undo_merge(review.data().records[84].id, reviewer="x")
        before = review.data()
        with pytest.raises(DataError, match="no record 'nope'"):
            review.judge_duplicates(before.records[0].id, "nope", same=True, reviewer="x")
        with pytest.raises(DataError, match="not in a duplicate group"):
            review.undo_merge(before.records[84].id, reviewer="x")  # already alone
        with pytest.raises(DataError, match="against itself"):
            review.judge_duplicates(
                "medline-2020-05-04.1", "medline-2020-05-04.1", same=True, reviewer="x"
            )
        assert review.data() == before


def test_the_uncertain_queue_shrinks_as_people_judge(tmp_path: Path) -> None:
    review = Review.init(tmp_path / "rev")
    with review:
        data = review.data()
        from sysreview.dedup import read_csv
        from sysreview.model import replace

        records = tuple(
            replace(r, source_file=None) for r in read_csv(benchmark("rathbone_respiratory"))
        )
        review.save(replace(data, records=records))
        review.deduplicate()
        queue = review.duplicate_queue()
        assert len(queue) > 5
        top = queue[0]
        review.judge_duplicates(top.a, top.b, same=False, reviewer="per")
        assert len(review.duplicate_queue()) == len(queue) - 1
        assert top not in review.duplicate_queue()


def test_duplicates_round_trip_through_the_bundle(tmp_path: Path) -> None:
    with _imported_twice(tmp_path, f"sqlite:///{tmp_path / 'r.db'}") as review:
        review.deduplicate()
        review.undo_merge(review.data().records[100].id, reviewer="ingrid")
        review.export(tmp_path / "bundle")
        assert read_bundle(tmp_path / "bundle") == review.data()
    lines = (tmp_path / "bundle" / "duplicates.csv").read_text().splitlines()
    assert lines[0] == "a,b,status,reason,similarity,reviewer,decided_at"
    assert any(",ingrid," in line for line in lines)


# --- the commands ---------------------------------------------------------------------


def test_standalone_dedup_writes_groups_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = benchmark("colrev_misq")
    out = tmp_path / "groups.csv"
    assert main(["dedup", "--input", str(source), "--output", str(out), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["record_id", "group_id"]
    assert len(rows) == body["records"] == 3487
    assert {r["record_id"]: r["group_id"] for r in rows} == body["groups"]
    assert body["duplicates_removed"] == body["records"] - body["references"]
    assert all({"a", "b", "similarity", "reason"} <= set(p) for p in body["uncertain"])


def test_standalone_dedup_names_the_file_line_and_field_of_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,title\n1,A title\n1,Another\n", encoding="utf-8")
    assert main(["dedup", "--input", str(bad)]) == 65
    err = capsys.readouterr().err
    assert "bad.csv:3: field 'record_id': record_id '1' repeats line 2" in err
    missing = tmp_path / "missing.csv"
    missing.write_text("id,title\n1,A\n", encoding="utf-8")
    assert main(["dedup", "--input", str(missing)]) == 65
    assert "no column 'record_id'" in capsys.readouterr().err


def test_review_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rev = str(tmp_path / "rev")
    ris = str(exports_dir() / RIS)
    assert main(["init", rev]) == 0
    assert main(["--review", rev, "import", ris, "--source", "MEDLINE"]) == 0
    assert main(["--review", rev, "import", ris, "--source", "MEDLINE 2"]) == 0
    capsys.readouterr()
    assert main(["--review", rev, "dedup"]) == 0
    assert "168 records -> 84 references: 84 duplicates removed" in capsys.readouterr().out
    assert main(["--review", rev, "dedup", "review", "--list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--review", rev, "dedup", "undo", "medline-2.1", "--reviewer", "kari"]) == 0
    assert "medline-2.1 is its own reference again; 85 references now" in capsys.readouterr().out
    assert main(["--review", rev, "dedup", "decide", "medline.1", "medline-2.1", "duplicate"]) == 0
    assert "84 references now" in capsys.readouterr().out
    assert main(["--review", rev, "dedup", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["judged_by_people"] == 1
    assert main(["--review", rev, "dedup", "--output", "x.csv"]) == 2
