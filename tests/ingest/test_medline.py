"""The MEDLINE (.nbib) reader: real PubMed exports with their true counts, JabRef's
artificial parser test, the quirks (CRLF, no final newline, stray lines, truncation,
latin-1) and a fuzz test that mutates real files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.errors import ParseError
from sysreview.ingest import medline
from sysreview.ingest._record import ReadResult

from .conftest import expected_counts, exports_dir, files_of, mutate, read_mutated, unreadable

TAG_LINE = re.compile(r"[A-Z][A-Z0-9]{1,3} *-")


def read_string(tmp_path: Path, text: str, name: str = "x.nbib") -> ReadResult:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return medline.read(path)


# -- real files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", files_of("medline"))
def test_real_files_give_their_true_count(name: str) -> None:
    path = exports_dir() / name
    text = path.read_text(encoding="utf-8")
    assert medline.sniff(text[:4096])
    result = medline.read(path)
    expected = expected_counts()[name]
    if expected is not None:
        assert len(result.records) == expected
    assert unreadable(result) == 0
    lines = text.split("\n")  # not splitlines(): a U+2028 inside a value is no line end
    for record in result.records:
        assert record.file == str(path) and record.format == "medline"
        assert TAG_LINE.match(lines[record.line - 1])
        assert record.raw and record.raw[0][0] in ("PMID", "PMC", "PMCR")


def test_pubmed_export_fields() -> None:
    result = medline.read(exports_dir() / "medline" / "pubmed__synthesisr.txt")
    first = result.records[0]
    assert first.line == 1 and first.pmid == "28441597"
    assert first.title == (
        "Differences in nitrate and phosphorus export between wooded and grassed riparian "
        "zones from farmland to receiving waterways under varying rainfall conditions."
    )
    assert first.authors == (
        "Neilen, Amanda D",
        "Chen, Chengrong R",
        "Parker, Brett M",
        "Faggotter, Stephen J",
        "Burford, Michele A",
    )
    assert (first.year, first.volume, first.pages) == (2017, "598", "188-197")
    assert first.journal == "The Science of the total environment"
    assert first.doi == "10.1016/j.scitotenv.2017.04.075"
    assert first.issn == "1879-1026" and first.language == "eng"
    assert first.type == "Journal Article"
    assert first.abstract is not None
    assert first.abstract.startswith("Agricultural activities in catchments can cause")
    assert first.abstract.endswith("driven by hydrological conditions.")
    assert first.keywords[:2] == ("Buffer strips", "Landsat")
    # every line kept, continuation lines joined, repeats in order
    raw = dict(first.raw)
    assert raw["CI"] == "Copyright © 2017 Elsevier B.V. All rights reserved."
    assert [v for t, v in first.raw if t == "AU"] == [
        "Neilen AD",
        "Chen CR",
        "Parker BM",
        "Faggotter SJ",
        "Burford MA",
    ]
    assert (
        "AD",
        "Australian Rivers Institute, Griffith School of Environment, Griffith "
        "University, Kessels Rd, Nathan, Queensland, 4111, Australia. Electronic address: "
        "amanda.neilen@griffithuni.edu.au.",
    ) in first.raw
    assert [r.line for r in result.records] == [1, 92, 190]


def test_the_last_record_without_final_newline_is_read_whole() -> None:
    path = exports_dir() / "medline" / "pubmed__synthesisr.txt"
    assert not path.read_bytes().endswith(b"\n")
    last = medline.read(path).records[-1]
    assert last.pmid == "29967742" and last.doi == "10.7717/peerj.5082"
    assert last.raw[-1] == (
        "SO",
        "PeerJ. 2018 Jun 25;6:e5082. doi: 10.7717/peerj.5082. eCollection 2018.",
    )


def test_crlf_export_with_trailing_spaces_and_non_ascii() -> None:
    first = medline.read(exports_dir() / "medline" / "balloongui__nbib.nbib").records[0]
    assert first.pmid == "30776994" and first.year == 2019
    assert first.title == (
        "Impact of Balloon Guide Catheter Use on Clinical and Angiographic Outcomes in the "
        "STRATIS Stroke Thrombectomy Registry."
    )
    assert first.abstract is not None and "Infarction, ≥2c) as determined" in first.abstract
    assert first.doi == "10.1161/strokeaha.118.021126"
    assert first.authors[0] == "Zaidat, Osama O" and first.keywords[0] == "Aged"
    assert not any("\r" in value for _, value in first.raw)


def test_a_unicode_line_separator_inside_a_value_is_no_line_end() -> None:
    records = medline.read(exports_dir() / "medline" / "balloongui__nbib.nbib").records
    (holder,) = [r for r in records if any("\u2028" in v for _, v in r.raw)]
    (statement,) = [v for t, v in holder.raw if t == "COIS" and "\u2028" in v]
    assert "consultant for Stryker Neurovascular.\u2028 IL is a consultant" in statement
    assert records[records.index(holder) + 1].raw[0][0] == "PMID"


def test_doi_from_lid_and_corporate_author() -> None:
    (record,) = medline.read(exports_dir() / "medline" / "nbib__jabref.nbib").records
    assert record.doi == "10.4103/2277-9175.180636"
    assert record.authors == (
        "Shruthi, Basavaradhya Sahukar",
        "Vinodhkumar, Palani",
        "Selvamani",
        "corporater",
    )
    assert record.keywords == (
        "Biomarkers",
        "electrophoresis",
        "neoplasia",
        "spectrometry",
        "translation",
    )
    assert record.pages == "67" and record.issn == "2277-9175"


def test_restoration_export_last_record() -> None:
    last = medline.read(exports_dir() / "medline" / "restoration__revtools.nbib").records[-1]
    assert last.doi == "10.1097/icb.0000000000000530" and last.year == 2019
    assert last.pages == "5-9" and last.journal is not None


def test_jabref_artificial_file_by_eye() -> None:
    """medline_multi__jabref.txt: seven blank-line-separated blocks with tags, some
    without PMID, some tags unpadded (``PMID-22664220``, ``TI-``), and one line of prose
    between records, which is skipped with a warning naming line 53."""
    result = medline.read(exports_dir() / "medline" / "medline_multi__jabref.txt")
    records = result.records
    assert [r.pmid for r in records] == [
        "20481061",
        None,
        None,
        "22664220",
        "22664238",
        "96578310",
        "45984220",
    ]
    assert [r.line for r in records] == [1, 55, 77, 87, 91, 95, 99]
    assert [(w.line, "outside any record" in w.message) for w in result.warnings] == [(53, True)]
    first = records[0]
    assert first.authors == ("Long, Vicky", "Marland, Hilary")
    assert first.pages == "454-481" and first.issn == "0955-2359" and first.year == 2009
    assert first.title == (
        "From danger and motherhood to health and beauty: health advice for the factory "
        "girl in early twentieth-century Britain."
    )
    assert "Occupational Health/*history" in first.keywords
    assert records[1].raw[0] == ("PMC", "22664230") and ("TI", "") in records[1].raw
    assert records[1].abstract == "Old Abstract new abstract" and records[1].year == 2013
    assert records[2].title == (
        "This is a Testtitle This title should be appended: This title should also be "
        "appended. Another append to the Title? LastTitle"
    )
    assert records[2].type == "Book" and records[2].year == 2010
    assert records[3].doi == "10.1016/j.cpr.2005.02.002"
    assert records[4].journal == "Inproceedings book title"


# -- quirks -------------------------------------------------------------------------------

TWO = (
    "PMID- 1\nTI  - First title\n      continued\nFAU - Smith, John\nAU  - Smith J\n"
    "DP  - 2001 Mar\nSO  - J. 2001.\n\n"
    "PMID- 2\nTI  - Second\nDP  - 2002\nSO  - K. 2002.\n"
)


def test_crlf_and_lf_read_the_same(tmp_path: Path) -> None:
    lf = read_string(tmp_path, TWO, "lf.nbib")
    crlf = read_string(tmp_path, TWO.replace("\n", "\r\n"), "crlf.nbib")
    strip = [{**r.to_dict(), "file": None} for r in lf.records]
    assert strip == [{**r.to_dict(), "file": None} for r in crlf.records]
    assert lf.records[0].title == "First title continued"
    assert lf.records[0].authors == ("Smith, John",)


def test_no_final_newline_keeps_the_last_record(tmp_path: Path) -> None:
    result = read_string(tmp_path, TWO.rstrip("\n"))
    assert [r.pmid for r in result.records] == ["1", "2"]
    assert result.records[1].raw[-1] == ("SO", "K. 2002.")


def test_a_stray_line_inside_a_record_loses_nothing(tmp_path: Path) -> None:
    text = TWO.replace("DP  - 2002\n", "DP  - 2002\nsome junk the user pasted\n")
    result = read_string(tmp_path, text)
    assert [r.pmid for r in result.records] == ["1", "2"]
    assert [w.line for w in result.warnings] == [12]
    assert "kept in DP" in result.warnings[0].message
    assert result.records[1].year == 2002


def test_a_stray_line_between_records_is_skipped_with_a_warning(tmp_path: Path) -> None:
    result = read_string(tmp_path, TWO.replace("\n\n", "\n\nDownloaded from PubMed\n"))
    assert [r.pmid for r in result.records] == ["1", "2"]
    assert str(result.warnings[0]).endswith(
        ":9: line outside any record skipped: 'Downloaded from PubMed'"
    )


def test_records_without_a_blank_line_between_them(tmp_path: Path) -> None:
    result = read_string(tmp_path, TWO.replace("\n\n", "\n"))
    assert [(r.pmid, r.line) for r in result.records] == [("1", 1), ("2", 8)]


def test_a_truncated_file_keeps_what_it_has_and_says_so(tmp_path: Path) -> None:
    result = read_string(tmp_path, TWO[: TWO.index("DP  - 2002")])
    assert [r.pmid for r in result.records] == ["1", "2"]
    assert result.records[1].title == "Second"
    (warning,) = result.warnings
    assert warning.line == 9 and "truncated" in warning.message


def test_latin1_bytes_are_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin1.nbib"
    path.write_bytes("PMID- 7\nTI  - Caf\xe9 au lait\nAU  - M\xfcller K\n".encode("latin-1"))
    result = medline.read(path)
    assert result.records[0].title == "Café au lait"
    assert result.records[0].authors == ("Müller K",)
    assert "latin-1" in result.warnings[0].message and result.warnings[0].line == 2


def test_byte_order_mark(tmp_path: Path) -> None:
    assert read_string(tmp_path, "\ufeff" + TWO).records[0].pmid == "1"


def test_less_than_and_greater_than_are_data_not_markup(tmp_path: Path) -> None:
    result = read_string(tmp_path, "PMID- 3\nAB  - aged <65 years and >80 years (P<0.05)\n")
    assert result.records[0].abstract == "aged <65 years and >80 years (P<0.05)"


def test_a_record_of_empty_tags_is_reported_not_dropped(tmp_path: Path) -> None:
    result = read_string(tmp_path, TWO + "\nTI  -\nAB  - \n")
    assert len(result.records) == 2
    assert [w.line for w in result.warnings if medline.UNREADABLE in w.message] == [14]


@pytest.mark.parametrize(
    "text",
    ["TY  - JOUR\nTI  - A RIS file\nER  - \n", "just some notes\n", "", "<xml/>"],
)
def test_not_medline_is_a_parse_error_naming_file_and_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "other.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        medline.read(path)
    assert caught.value.path == str(path) and caught.value.line == 1


def test_sniff_tells_medline_from_its_neighbours() -> None:
    assert medline.sniff("PMID- 123\nOWN - NLM\n")
    assert medline.sniff("\nPMID-22664220\nPT  - Technical Report\n")
    assert medline.sniff("OWN - NLM\nSTAT- MEDLINE\nTI  - x\n")
    assert not medline.sniff("TY  - JOUR\nAU  - Smith\nER  - \n")
    assert not medline.sniff("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n")
    assert not medline.sniff("<PubmedArticleSet><PubmedArticle>")
    assert not medline.sniff("TI  - only a two-letter tag\n")


# -- fuzz ---------------------------------------------------------------------------------

FUZZ_FILES = ["medline/pubmed__synthesisr.txt", "medline/nbib__jabref.nbib"]
LINES = st.one_of(
    st.sampled_from(
        [
            "",
            "   ",
            "PMID- 99999999",
            "PMID-",
            "TI  - inserted",
            "      more",
            "junk line",
            "SARS-CoV-2 junk",
            "AB  -",
            "SO  - x",
            "\t\t",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), max_size=30),
)
EDITS = st.lists(st.tuples(st.booleans(), st.integers(min_value=0), LINES), min_size=1, max_size=6)


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(FUZZ_FILES), edits=EDITS)
def test_fuzz_mutated_real_files_never_crash_or_lose_records(
    name: str, edits: list[tuple[bool, int, str]]
) -> None:
    source = exports_dir() / name
    lines, cuts = mutate(source.read_text(encoding="utf-8").split("\n"), edits)
    read = read_mutated(medline.read, "\n".join(lines), ".nbib")
    if read is None:
        return
    result, _ = read
    found = len(result.records) + unreadable(result)
    expected = expected_counts()[name]
    assert expected is not None and found >= expected - cuts
    assert found >= sum(1 for line in lines if re.match(r"PMID *-", line))
    for record in result.records:
        assert TAG_LINE.match(lines[record.line - 1])
