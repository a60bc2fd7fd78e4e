"""The registry: detection, reading every real export with its true count, writers
and ``sysreview convert``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview import ingest
from sysreview.cli import main
from sysreview.errors import ParseError

from .conftest import expected_counts, exports_dir

FOLDER_FORMAT = {
    "ris": "ris", "ovid": "ovid", "medline": "medline", "wos_plaintext": "wos",
    "pubmed_xml": "pubmed_xml", "endnote_xml": "endnote_xml", "bibtex": "bibtex", "csv": "csv",
}  # fmt: skip
ALL_FILES = sorted(expected_counts())


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_real_export_is_detected_and_read_in_full(name: str) -> None:
    path = exports_dir() / name
    assert ingest.detect(path) == FOLDER_FORMAT[name.split("/")[0]]
    result = ingest.read(path)
    expected = expected_counts()[name]
    if expected is not None:
        assert len(result.records) == expected
    assert all(r.file == str(path) and r.line >= 1 for r in result.records)
    assert any(r.title for r in result.records)


def test_the_exports_folder_holds_only_counted_files() -> None:
    root = exports_dir()
    on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert set(ALL_FILES) <= on_disk


#: files whose records carry DOIs, PMIDs, abstracts and group authors between them
ROUND_TRIP_FILES = [
    "medline/pubmed__synthesisr.txt",
    "ris/embase_elsevier__asreview.ris",
    "ris/pubmed_via_endnote__asreview.ris",
    "ris/scopus__asreview.ris",
    "pubmed_xml/book__jabref.xml",
    "csv/embase__asreview.csv",
]
_SUFFIX = {"ris": ".ris", "csv": ".csv", "json": ".json", "bibtex": ".bib"}


@pytest.mark.parametrize("target", sorted(ingest.WRITERS))
@pytest.mark.parametrize("name", ROUND_TRIP_FILES)
def test_every_writer_round_trips_through_our_readers(
    tmp_path: Path, target: str, name: str
) -> None:
    original = ingest.read(exports_dir() / name)
    out = tmp_path / f"out{_SUFFIX[target]}"
    out.write_text(ingest.write([original], target), encoding="utf-8")
    again = ingest.read(out)  # the format detected, as 'sysreview import' does
    assert again.format == target
    assert not [w for w in again.warnings if "unknown CSV layout" in w.message]
    assert len(again.records) == len(original.records)
    fields = ("doi", "pmid", "authors", "year", "title", "abstract", "journal", "volume")
    for before, after in zip(original.records, again.records, strict=True):
        assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields]


def test_ris_writer_puts_the_pmid_where_the_reader_takes_it(tmp_path: Path) -> None:
    source = ingest.read(exports_dir() / "medline" / "pubmed__synthesisr.txt")
    text = ingest.write([source], "ris")
    assert f"C2  - {source.records[0].pmid}\n" in text and "\nAN  - " not in text
    out = tmp_path / "pm.ris"
    out.write_text(text, encoding="utf-8")
    assert [r.pmid for r in ingest.read(out).records] == [r.pmid for r in source.records]


def test_csv_and_json_writers(tmp_path: Path) -> None:
    source = ingest.read(exports_dir() / "medline" / "pubmed__synthesisr.txt")
    text = ingest.write([source], "csv")
    assert text.splitlines()[0].startswith("record_id,title,author,year,journal,volume,number")
    assert len(text.strip().splitlines()) >= 1 + len(source.records)
    body = json.loads(ingest.write([source], "json"))
    assert set(body) == {"file", "format", "records", "warnings"}
    assert len(body["records"]) == len(source.records) and body["records"][0]["raw"]


def test_json_of_several_files_reads_back_with_lines_and_raw(tmp_path: Path) -> None:
    sources = [
        ingest.read(exports_dir() / "medline" / "pubmed__synthesisr.txt"),
        ingest.read(exports_dir() / "ris" / "scopus__asreview.ris"),
    ]
    out = tmp_path / "all.json"
    out.write_text(ingest.write(sources, "json"), encoding="utf-8")
    again = ingest.read(out)
    records = [r for s in sources for r in s.records]
    assert [r.raw for r in again.records] == [r.raw for r in records]
    lines = out.read_text(encoding="utf-8").split("\n")
    assert all(r.file == str(out) and lines[r.line - 1].strip() == "{" for r in again.records)
    assert [r.line for r in again.records] == sorted({r.line for r in again.records})


def test_json_record_of_the_wrong_shape_is_reported_not_dropped(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    good = {"title": "A title", "authors": ["Smith, J."], "year": 2020}
    out.write_text(
        json.dumps({"file": "a.ris", "format": "ris", "records": [good, {"year": "2020"}]}),
        encoding="utf-8",
    )
    result = ingest.read(out)
    assert [r.title for r in result.records] == ["A title"]
    (warning,) = result.warnings
    assert warning.message.startswith("record not read: field 'year'")
    out.write_text('{"format": "ris", "records": 3}', encoding="utf-8")
    with pytest.raises(ParseError, match="not sysreview's JSON"):
        ingest.read(out, "json")


def test_convert_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = exports_dir() / "bibtex" / "scopus__colrev.bib"
    assert main(["convert", str(source), "--to", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert (
        body["format"] == "bibtex"
        and len(body["records"]) == expected_counts()["bibtex/scopus__colrev.bib"]
    )
    out = tmp_path / "x.ris"
    ris = exports_dir() / "ris" / "scopus__synthesisr.ris"
    assert main(["convert", str(source), str(ris), "--to", "ris", "-o", str(out)]) == 0
    assert "wrote 14 records from 2 files" in capsys.readouterr().err
    assert len(ingest.read(out).records) == 14


def test_unreadable_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some notes\nnothing bibliographic\n", encoding="utf-8")
    assert main(["convert", str(path), "--to", "ris"]) == 65
    err = capsys.readouterr().err
    assert (
        err.startswith(f"error: {path}:1: not a format sysreview reads") and "Traceback" not in err
    )
    assert main(["convert", str(tmp_path / "none.ris"), "--to", "ris"]) == 65


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400))
def test_detection_never_crashes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.txt"
    path.write_text(text, encoding="utf-8")
    try:
        result = ingest.read(path)
    except ParseError:
        return
    assert isinstance(result, ingest.ReadResult)
