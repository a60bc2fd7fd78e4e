"""Vendor CSV reader: every real file read in full with each vendor's columns mapped,
the quirks (multi-line cells, BOM, CRLF, latin-1, junk rows, a cut-off row, other
delimiters, an unknown layout) and a fuzz test that no row is lost silently."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview.errors import ParseError
from sysreview.ingest import csv_export
from sysreview.ingest._record import ReadResult
from sysreview.ingest._text import read_text

from .conftest import expected_counts, exports_dir, files_of, mutate, read_mutated, unreadable

FOLDER = "csv"
VENDORS = {
    "csv/embase__asreview.csv": "embase",
    "csv/ieee__colrev.csv": "ieee",
    "csv/openalex__bibliometrix.csv": "openalex",
    "csv/scopus__bibliometrix.csv": "scopus",
}


def data_rows(text: str) -> int:
    """Non-blank rows after the header, as the contract counts them."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    return max(len(rows) - 1, 0)


def write(tmp_path: Path, body: str | bytes, name: str = "x.csv") -> Path:
    path = tmp_path / name
    if isinstance(body, str):
        path.write_text(body, encoding="utf-8", newline="")
    else:
        path.write_bytes(body)
    return path


def real(name: str) -> ReadResult:
    return csv_export.read(exports_dir() / FOLDER / name)


@pytest.mark.parametrize("name", files_of(FOLDER))
def test_every_real_file_is_read_in_full(name: str) -> None:
    path = exports_dir() / name
    result = csv_export.read(path)
    assert result.format == "csv" and result.file == str(path)
    assert len(result.records) == expected_counts()[name]
    assert result.warnings == ()  # a known vendor: no "unknown layout" warning
    assert all(r.title and r.authors and r.doi and r.raw for r in result.records)
    head = read_text(path)[0]
    assert csv_export.sniff(head[:4096])
    header = next(csv.reader(io.StringIO(head)))
    layout = csv_export.layout_of(header)
    assert layout is not None and layout.vendor == VENDORS[name]


def test_scopus_columns() -> None:
    result = real("scopus__bibliometrix.csv")
    first, second = result.records[:2]
    assert [r.line for r in result.records] == list(range(2, 10))
    assert first.authors == ("Liu, Fengyuan", "Li, Chunyun", "Liu, Yong", "Li, Yufei")
    assert first.title == (
        "Quantitative analysis of studies that use artificial intelligence on spinal "
        "diseases: A bibliometric analysis"
    )
    assert (first.year, first.journal, first.volume) == (2026, "Digital Health", "12")
    assert first.doi == "10.1177/20552076261415846"
    assert first.pmid is None and ("PubMed ID", "NA") in first.raw  # R's NA is missing
    assert first.issue is None and first.pages is None
    assert first.keywords == (
        "Artificial intelligence", "bibliometrics", "citeSpace", "spinal diseases", "VOSviewer"
    )  # fmt: skip
    assert (first.issn, first.language, first.type) == ("2055-2076", "English", "Article")
    assert first.url and first.url.startswith("https://www.scopus.com/inward/record.uri")
    assert (second.issue, second.pages, second.pmid) == ("2", "307-319", "41494690")
    assert second.authors[1] == "Amoako, Pious Tawiah"
    assert result.records[3].authors == ("Akdağ, Fazıl", "Künyeli, Fatma Betül")
    columns = [t for t, _ in first.raw]
    assert columns[:4] == ["Authors", "Author full names", "Author(s) ID", "Title"]


def test_embase_source_and_open_url_link() -> None:
    result = real("embase__asreview.csv")
    first, _, third = result.records[:3]
    assert first.title == (
        "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"
    )
    assert first.authors == ("Liu R.", "Adler D.G.")
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == (
        "Endoscopic Ultrasound", 2014, "3", "3", "152-160"
    )  # fmt: skip
    assert first.doi == "10.4103/2303-9027.138783"  # from the Open URL link
    assert first.issn == "2226-7190"
    assert "bronchogenic duplication cyst (diagnosis, surgery)" in first.keywords
    assert first.abstract and first.abstract.startswith("Gastrointestinal tract duplication")
    assert (third.journal, third.volume, third.issue, third.pages) == (
        "International Journal of Surgery Case Reports", "54", None, "83-86"
    )  # fmt: skip
    assert third.doi == "10.1016/j.ijscr.2018.11.060"


def test_openalex_urls_and_pipes() -> None:
    result = real("openalex__bibliometrix.csv")
    first = result.records[0]
    assert first.title == "bibliometrix : An R-tool for comprehensive science mapping analysis"
    assert first.authors == ("Massimo Aria", "Corrado Cuccurullo")
    assert (first.doi, first.year, first.type) == ("10.1016/j.joi.2017.08.007", 2017, "article")
    assert (first.journal, first.issn, first.language) == (
        "Journal of Informetrics", "1751-1577", "en"
    )  # fmt: skip
    assert first.pmid is None
    assert result.records[5].pmid == "35434524"  # from https://pubmed.ncbi.nlm.nih.gov/...
    assert result.records[7].journal == "Eğitimde ve Psikolojide Ölçme ve Değerlendirme Dergisi"


def test_ieee_short_form() -> None:
    first, second = real("ieee__colrev.csv").records
    assert first.authors == ("Joseph Rottman", "Erran Carmel", "Mary Lacity")
    assert (first.journal, first.type, first.doi) == ("Computer", "Magazine", "10.1109/mc.2011.377")
    assert second.abstract and "Solvers' sustained participation" in second.abstract  # &#x0027;
    assert second.type == "Conference Publication"


def test_multiline_cells_give_the_line_where_the_row_starts(tmp_path: Path) -> None:
    body = (
        "Title,Authors,Year,DOI,Abstract\n"
        '"One","Smith, J.",2001,10.1000/a,"first line\nsecond line"\n'
        "\n"
        'Two,"Doe, A.; Roe, B.",2002,https://doi.org/10.1000/B,plain\n'
    )
    result = csv_export.read(write(tmp_path, body))
    assert [(r.title, r.line) for r in result.records] == [("One", 2), ("Two", 5)]
    assert result.records[0].abstract == "first line second line"
    assert ("Abstract", "first line\nsecond line") in result.records[0].raw
    assert result.records[1].authors == ("Doe, A.", "Roe, B.")
    assert result.records[1].doi == "10.1000/b"
    assert "unknown CSV layout" in result.warnings[0].message


def test_bom_crlf_and_no_final_newline(tmp_path: Path) -> None:
    text = (exports_dir() / FOLDER / "scopus__bibliometrix.csv").read_text(encoding="utf-8")
    body = ("\ufeff" + text.rstrip("\n").replace("\n", "\r\n")).encode("utf-8")
    result = csv_export.read(write(tmp_path, body))
    plain = real("scopus__bibliometrix.csv")
    assert [r.title for r in result.records] == [r.title for r in plain.records]
    assert [r.line for r in result.records] == [r.line for r in plain.records]
    assert result.warnings == ()


def test_latin1_bytes_are_read_with_a_warning(tmp_path: Path) -> None:
    body = 'Title,Authors,Year\nÜber alles,"Müller, Jörg",1999\n'.encode("latin-1")
    result = csv_export.read(write(tmp_path, body))
    assert result.records[0].authors == ("Müller, Jörg",)
    assert any("latin-1" in w.message for w in result.warnings)


def test_junk_and_cut_off_rows_are_reported(tmp_path: Path) -> None:
    text = (exports_dir() / FOLDER / "ieee__colrev.csv").read_text(encoding="utf-8")
    header, first, second = text.rstrip("\n").split("\n")
    body = "\n".join([header, "this is junk", first, second[: len(second) // 2]])
    result = csv_export.read(write(tmp_path, body))
    assert [r.line for r in result.records] == [3]
    issues = [w for w in result.warnings if w.message.startswith(csv_export.UNREADABLE)]
    assert [w.line for w in issues] == [2, 4]
    assert "1 cells on line 2 but 7 columns" in issues[0].message


def test_trailing_empty_cells_and_sep_hint(tmp_path: Path) -> None:
    body = "sep=;\nTitle;Author;Year;DOI\nA title;Doe, J.;2010;10.1/x;;\n"
    result = csv_export.read(write(tmp_path, body))
    (rec,) = result.records
    assert (rec.title, rec.authors, rec.year, rec.line) == ("A title", ("Doe, J.",), 2010, 3)


def test_wos_tab_delimited(tmp_path: Path) -> None:
    body = (
        "PT\tAU\tAF\tTI\tSO\tPY\tVL\tBP\tEP\tDI\tPM\tDE\tUT\n"
        "J\tSmith, J; Doe, A\tSmith, John; Doe, Anna\tA trial\tBMJ\t2019\t3\t10\t19\t"
        "10.1136/X\t123\tfoo; bar\tWOS:1\n"
    )
    result = csv_export.read(write(tmp_path, body, "savedrecs.txt"))
    (rec,) = result.records
    assert rec.authors == ("Smith, John", "Doe, Anna")
    assert (rec.journal, rec.year, rec.pages, rec.doi, rec.pmid) == (
        "BMJ", 2019, "10-19", "10.1136/x", "123"
    )  # fmt: skip
    assert rec.keywords == ("foo", "bar") and result.warnings == ()


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("TY  - JOUR\nTI  - Not a CSV\nER  - \n", 1),
        ("\n\nname,colour,size\napple,red,3\n", 3),
        ("", 1),
    ],
)
def test_not_a_csv_export_is_a_parse_error(tmp_path: Path, body: str, line: int) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ParseError) as caught:
        csv_export.read(path)
    assert caught.value.path == str(path) and caught.value.line == line


def test_oversized_cell_is_a_parse_error_with_its_line(tmp_path: Path) -> None:
    body = 'Title,Authors,Year\nA,B,2000\n"' + "x" * 200_000 + '",B,2001\n'
    with pytest.raises(ParseError, match="field larger than field limit") as caught:
        csv_export.read(write(tmp_path, body))
    assert caught.value.line == 3


@pytest.mark.parametrize(
    "head",
    ["TY  - JOUR\n", "<xml><records><record>", "@article{x,\n", "a,b,c\n1,2,3\n", "Title\n"],
)
def test_sniff_rejects_other_formats(head: str) -> None:
    assert not csv_export.sniff(head)


# -- fuzz: random lines inserted into or cut from a real file -------------------------

SNIPPETS = ['"', "a,b,c", "", ",,,,", '"unterminated', 'x,"y\nz"', "Title,Authors", "\t;"]
LINES = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
)
EDITS = st.lists(st.tuples(st.booleans(), st.integers(0, 10**6), LINES), max_size=5)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS)
def test_fuzz_never_crashes_or_loses_a_record(edits: list[tuple[bool, int, str]]) -> None:
    text = (exports_dir() / FOLDER / "embase__asreview.csv").read_text(encoding="utf-8")
    lines_before = text.split("\n")
    lines, _ = mutate(lines_before, edits)
    read = read_mutated(csv_export.read, "\n".join(lines), ".csv")
    if read is None:
        return
    result, decoded = read
    if decoded.lstrip("\n").startswith(lines_before[0] + "\n"):  # same header, same delimiter
        assert len(result.records) + unreadable(result) == data_rows(decoded)
    assert all(1 <= r.line <= decoded.count("\n") + 1 for r in result.records)
