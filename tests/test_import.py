"""Importing a search into a review: the search log (PRISMA-S) and every record of
its export files, in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sysreview import DataError, ParseError, Review
from sysreview.bundle import render_bundle
from sysreview.cli import main

from .ingest.conftest import exports_dir


def _review(tmp_path: Path, db_url: str) -> Review:
    return Review.init(tmp_path / "rev", database=db_url)


def test_import_logs_the_search_and_every_record(tmp_path: Path, db_url: str) -> None:
    ris = exports_dir() / "ris" / "ovid_medline__citesource.ris"
    with _review(tmp_path, db_url) as review:
        result = review.import_search(
            [ris], source="MEDLINE", interface="Ovid", searched="2020-05-04",
            strategy="1 sick leave.ti.\n2 or/1", reported_hits=84,
        )  # fmt: skip
        assert (result.records, result.hits_match, result.search.id) == (
            84,
            True,
            "medline-2020-05-04",
        )
        data = review.data()
        search = data.searches[0]
        assert (search.database, search.interface, search.date, search.reported_hits) == (
            "MEDLINE",
            "Ovid",
            "2020-05-04",
            84,
        )
        assert len(data.records) == 84 and data.records[0].id == "medline-2020-05-04.1"
        first = data.records[0]
        assert first.format == "ris" and first.source_file == ris.name and first.title
        assert first.raw and all(isinstance(v, tuple) for v in first.raw.values())
        status = review.status().to_dict()
        assert status["records_identified_databases"] == 84 and status["records_screened"] == 84
        assert not [c for c in status["checks"] if c["check"].startswith("search_hits")]
        before = render_bundle(data)
    with Review.open(tmp_path / "rev") as again:
        assert render_bundle(again.data()) == before


def test_a_second_search_gets_its_own_id_and_mismatched_hits_are_flagged(tmp_path: Path) -> None:
    nbib = exports_dir() / "medline" / "restoration__revtools.nbib"
    with Review.init(tmp_path / "rev") as review:
        review.import_search([nbib], source="PubMed", searched="2020-05-04", reported_hits=100)
        with pytest.raises(DataError, match="already imported as search pubmed-2020-05-04"):
            review.import_search([nbib], source="PubMed", searched="2020-05-04")
        second = review.import_search([nbib], source="PubMed", searched="2020-05-04", again=True)
        assert second.search.id == "pubmed-2020-05-04-2" and second.hits_match is None
        checks = {c["check"]: c for c in review.status().to_dict()["checks"]}
        assert checks["search_hits:pubmed-2020-05-04"]["expected"] == 100
        assert checks["search_hits:pubmed-2020-05-04"]["found"] == 104


def test_a_bad_file_imports_nothing(tmp_path: Path) -> None:
    good = exports_dir() / "ris" / "scopus__synthesisr.ris"
    bad = tmp_path / "notes.txt"
    bad.write_text("not an export\n", encoding="utf-8")
    with Review.init(tmp_path / "rev") as review:
        with pytest.raises(ParseError):
            review.import_search([good, bad], source="Scopus")
        with pytest.raises(DataError, match="not a date"):
            review.import_search([good], source="Scopus", searched="4 May 2020")
        data = review.data()
        assert data.searches == () and data.records == ()


def test_import_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "rev")]) == 0
    strategy = tmp_path / "strategy.txt"
    strategy.write_text("TITLE-ABS-KEY(sick leave)\n", encoding="utf-8")
    source = exports_dir() / "ris" / "scopus__asysd.ris"
    args = ["--review", str(tmp_path / "rev"), "import", str(source), "--source", "Scopus"]
    assert (
        main(
            [
                *args,
                "--searched",
                "2020-05-04",
                "--strategy",
                str(strategy),
                "--reported-hits",
                "12",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "imported 10 records as search scopus-2020-05-04" in captured.out
    assert "check: Scopus reported 12 hits, 10 records were imported" in captured.err
    assert main(["--review", str(tmp_path / "rev"), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["records_identified"] == 10


def _cli_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["init", str(tmp_path / "rev")]) == 0
    capsys.readouterr()
    ris = exports_dir() / "ris" / "scopus__jabref.ris"
    return ["--review", str(tmp_path / "rev"), "import", str(ris)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--searched", "2024-13-45"], "Invalid value for '--searched': '2024-13-45' is not a"),
        (["--searched", "2023-02-29"], "Invalid value for '--searched'"),
        (["--searched", "yesterday"], "Invalid value for '--searched'"),
        (["--source", ""], "Invalid value for '--source': cannot be blank"),
        (["--source", "  "], "Invalid value for '--source': cannot be blank"),
        (["--reported-hits", "-5"], "Invalid value for '--reported-hits'"),
    ],
)
def test_import_refuses_bad_search_metadata_naming_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    base = _cli_review(tmp_path, capsys)
    source = [] if "--source" in options else ["--source", "Scopus"]
    assert main([*base, *source, *options]) == 2
    assert message in capsys.readouterr().err
    with Review.open(tmp_path / "rev") as review:
        assert review.data().searches == ()


def test_importing_the_same_file_twice_is_refused_unless_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = [*_cli_review(tmp_path, capsys), "--source", " Scopus ", "--searched", "2024-01-02"]
    assert main(base) == 0
    assert "as search scopus-2024-01-02" in capsys.readouterr().out
    assert main(base) == 65
    err = capsys.readouterr().err
    assert "scopus__jabref.ris was already imported as search scopus-2024-01-02" in err
    assert "--again" in err
    assert main([*base[:-1], "2024-02-01"]) == 0  # the search re-run on another day
    assert main([*base, "--again"]) == 0
    assert "as search scopus-2024-01-02-2" in capsys.readouterr().out
    with Review.open(tmp_path / "rev") as review:
        assert [s.database for s in review.data().searches] == ["Scopus"] * 3
