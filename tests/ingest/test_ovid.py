"""The Ovid text-export reader on the real Ovid files (true counts from COUNTS.csv),
on both Ovid layouts (labelled blocks, MEDLARS tags) and their quirks, and under
random damage: records or ParseError, never a record lost without a word."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview.errors import ParseError
from sysreview.ingest import ovid
from sysreview.ingest._record import ReadResult
from sysreview.ingest._text import read_text

from .conftest import expected_counts, exports_dir, files_of, read_mutated, unreadable

OVID_FILES = files_of("ovid")
OTHER_FILES = [f for f in expected_counts() if not f.startswith("ovid/")]
MARKER = re.compile(r"<\d+>\s*$")

#: The "Ovid Fields" layout as Journals@Ovid writes it (after JabRef's
#: OvidImporterTest2Invalid.txt, given record lines and Ovid's search header).
LABELLED = """\
Database: Journals@Ovid Full Text <November 30, 2015>
Search Strategy:
--------------------------------------------------------------------------------
1     iliosacral.mp. (12)

<1>
Score
  *****
Accession Number
  00005131-900000000-99049.
Author
  Verbeek, Jan MD *;  Hermans, Erik MD +;  van Vugt, Arie MD, PhD +;  Frolke, Jan Paul MD, PhD *
Institution
  From the (*)Department of Surgery, Radboud University Medical Center, Nijmegen;
  (+)Department of Surgery, Medical Spectrum Twente, Enschede, The Netherlands.
Title
  Correct positioning of percutaneous iliosacral screws.[Article]
Source
  Journal of Orthopaedic Trauma.\x20
Status
  Publish Ahead of Print, POST ACCEPTANCE, 30 November 2015
Abstract
  : The purpose of the study was to compare two techniques.

  (C) 2015 by the American Psychological Association
Author Keywords
  iliosacral;  iliosacral screw;  IS screw;  pelvic fracture.
Language
  English.
ISSN
  0890-5339
DOI Number
  10.1097/BOT.0000000000000502
Link to the Ovid Full Text or citation
 http://ovidsp.ovid.com/ovidweb.cgi?T=JS&CSC=Y&NEWS=N&PAGE=fulltext&D=ppvovftq&AN=00005131-900000000-99049
\x20
<2>
Database
  Ovid MEDLINE(R) ALL
Unique Identifier
  31563921
Authors
  Smith J.
  Jones A. B.
Authors Full Name
  Smith, John.
  Jones, Anna B.
Title
  A MEDLINE record.
Source
  Journal of Things. 12(3):45-7, 2019 Oct.
Year of Publication
  2019
"""

#: The "Reprint/MEDLARS" layout: tags, six-space continuation lines.
MEDLARS = """\
<1>
UI  - 31234567
TI  - Exercise for low back pain: a randomised trial with a long
      title that continues.
AU  - Smith J
AU  - Jones AB
SO  - Journal of Backs. 12(3):45-67, 2019 Mar.
AB  - Background text.
LG  - English
<2>
TI  - [A translated title]
<3>
AN  - 99
TI  - Second
"""


def read(name: str) -> ReadResult:
    return ovid.read(exports_dir() / name)


def write(tmp_path: Path, text: str | bytes, name: str = "x.txt") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- the real files ------------------------------------------------------------------------


@pytest.mark.parametrize("name", OVID_FILES)
def test_every_real_file_gives_its_true_record_count(name: str) -> None:
    result = read(name)
    assert len(result.records) == expected_counts()[name]
    assert unreadable(result) == 0 and result.format == "ovid"
    lines = read_text(exports_dir() / name)[0].split("\n")
    assert [r.line for r in result.records] == [
        n for n, line in enumerate(lines, 1) if MARKER.match(line)
    ]
    assert all(r.raw and r.year for r in result.records)


@pytest.mark.parametrize("name", OVID_FILES)
def test_every_label_and_value_line_is_kept_in_raw(name: str) -> None:
    lines = read_text(exports_dir() / name)[0].split("\n")
    in_file = Counter(x.strip() for x in lines if x.strip() and not MARKER.match(x))
    in_raw = Counter(
        piece.strip()
        for record in read(name).records
        for label, value in record.raw
        for piece in (label, *value.split("\n"))
        if piece.strip()
    )
    assert in_raw == in_file


@pytest.mark.parametrize("name", OVID_FILES)
def test_sniff_knows_ovid(name: str) -> None:
    assert ovid.sniff(read_text(exports_dir() / name)[0][:4096])


@pytest.mark.parametrize("name", OTHER_FILES)
def test_sniff_rejects_other_formats_including_ovid_ris(name: str) -> None:
    assert not ovid.sniff(read_text(exports_dir() / name)[0][:4096])


@pytest.mark.parametrize("name", OTHER_FILES)
def test_other_formats_are_a_parse_error_with_file_and_line(name: str) -> None:
    with pytest.raises(ParseError) as caught:
        read(name)
    assert caught.value.path == str(exports_dir() / name) and caught.value.line


def test_journals_at_ovid_record() -> None:
    (record,) = read("ovid/ovid_tagged__jabref5.txt").records
    assert record.title == "Listening: Important to the Stuff of a Life."  # "[Miscellaneous]" gone
    assert record.authors == ("Bunkers, Sandra Schmidt RN; PhD; FAAN",)  # "; " stays in a name
    assert (record.journal, record.volume, record.issue, record.pages, record.year) == (
        "Nursing Science Quarterly", "28", "2", "103-106", 2015
    )  # fmt: skip
    assert record.doi == "10.1177/0894318415571606" and record.abstract == "Lorem ipsum abstract"
    assert ("Accession Number", "00006236-201504000-00002.") in record.raw
    assert record.raw[0] == ("Score", "*****")


def test_jabref_test_file_five_shapes_of_record() -> None:
    result = read("ovid/ovid_tagged__jabref1.txt")
    first, editor, chapter, book, bare = result.records
    assert [r.line for r in result.records] == [1, 22, 35, 49, 59]
    assert first.authors == ("Mustermann", "Musterfrau")  # two spaces between names
    assert (first.title, first.abstract, first.type) == ("Musterbuch", "Short abstract", None)
    assert ("Chapter Title", "Einleitung") in first.raw and ("Publication Type", "-") in first.raw
    assert (first.volume, first.pages, first.year) == ("28", "103-106", 2015)
    assert editor.authors == ("Max",) and editor.type == "Conference Paper"  # "Max [Ed]"
    assert (editor.volume, editor.issue) == ("28", "2")
    assert (chapter.title, chapter.journal) == ("Test", "Very Long Title")  # PsycINFO source
    assert (chapter.volume, chapter.issue, chapter.pages, chapter.year) == (
        "28",
        "2",
        "103-106",
        2015,
    )
    assert (book.type, book.pages, book.year, book.title) == ("Book", "103-106", 2015, None)
    assert (bare.type, bare.year, bare.title, bare.authors) == ("Journal", 2014, None, ())


# --- both layouts and their quirks ---------------------------------------------------------


def test_labelled_layout_with_search_header(tmp_path: Path) -> None:
    result = ovid.read(write(tmp_path, LABELLED))
    assert result.warnings == ()  # Ovid's own header is not worth a warning
    first, medline = result.records
    assert first.line == 6 and medline.line == 37
    assert first.authors == ("Verbeek, Jan MD", "Hermans, Erik MD", "van Vugt, Arie MD, PhD",
                             "Frolke, Jan Paul MD, PhD")  # fmt: skip
    assert first.title == "Correct positioning of percutaneous iliosacral screws."
    assert first.keywords == ("iliosacral", "iliosacral screw", "IS screw", "pelvic fracture")
    assert (first.language, first.issn, first.doi) == (
        "English",
        "0890-5339",
        "10.1097/bot.0000000000000502",
    )
    assert first.url and first.url.endswith("AN=00005131-900000000-99049")
    assert (first.journal, first.year) == ("Journal of Orthopaedic Trauma", None)  # ahead of print
    assert dict(first.raw)["Abstract"].endswith(
        "two techniques.\n\n(C) 2015 by the American Psychological Association"
    )
    assert medline.pmid == "31563921" and first.pmid is None
    assert medline.authors == ("Smith, John.", "Jones, Anna B.")  # full names preferred
    assert (medline.journal, medline.volume, medline.issue, medline.pages) == (
        "Journal of Things", "12", "3", "45-47"
    )  # fmt: skip


def test_medlars_tagged_layout(tmp_path: Path) -> None:
    first, translated, second = ovid.read(write(tmp_path, MEDLARS)).records
    assert translated.title == "[A translated title]"  # brackets, but not an Ovid type tag
    assert first.title == "Exercise for low back pain: a randomised trial with a long title " + (
        "that continues."
    )
    assert first.authors == ("Smith J", "Jones AB") and first.pmid == "31234567"
    assert (first.journal, first.volume, first.issue, first.pages, first.year) == (
        "Journal of Backs", "12", "3", "45-67", 2019
    )  # fmt: skip
    assert first.language == "English" and first.abstract == "Background text."
    assert (
        "TI",
        "Exercise for low back pain: a randomised trial with a long\ntitle that continues.",
    ) in first.raw
    assert second.title == "Second" and second.pmid is None


def test_bom_crlf_and_no_final_newline(tmp_path: Path) -> None:
    plain = ovid.read(write(tmp_path, MEDLARS))
    data = b"\xef\xbb\xbf" + MEDLARS.rstrip("\n").replace("\n", "\r\n").encode()
    crlf = ovid.read(write(tmp_path, data, "y.txt"))
    strip = {"file": ""}
    assert [r.to_dict() | strip for r in crlf.records] == [
        r.to_dict() | strip for r in plain.records
    ]


def test_marker_without_fields_is_an_issue(tmp_path: Path) -> None:
    result = ovid.read(write(tmp_path, MEDLARS + "<3>\n\n<4>\nTI  - Fourth\n"))
    assert [r.title for r in result.records][2:] == ["Second", "Fourth"]
    assert unreadable(result) == 1 and result.warnings[0].line == 15


def test_junk_before_the_first_record_is_reported(tmp_path: Path) -> None:
    result = ovid.read(write(tmp_path, "my notes\n\n" + MEDLARS))
    assert len(result.records) == 3
    (warning,) = result.warnings
    assert warning.line == 1 and "before '<1>'" in warning.message


def test_truncated_file(tmp_path: Path) -> None:
    result = ovid.read(write(tmp_path, LABELLED[: LABELLED.index("Source\n  Journal of Things")]))
    assert len(result.records) == 2 and result.records[1].title == "A MEDLINE record."


def test_latin1_bytes(tmp_path: Path) -> None:
    result = ovid.read(write(tmp_path, MEDLARS.replace("Smith J", "Müller J").encode("latin-1")))
    assert result.records[0].authors[0] == "Müller J"
    assert any("latin-1" in w.message for w in result.warnings)


def test_without_record_lines_it_is_not_ovid(tmp_path: Path) -> None:
    without = re.sub(r"(?m)^<\d+>\n", "", LABELLED)
    with pytest.raises(ParseError) as caught:
        ovid.read(write(tmp_path, without))
    assert caught.value.line == 1 and "'<n>'" in caught.value.message


# --- damage ------------------------------------------------------------------------------------

junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["<7>", "<12>  ", "Title", "  indented", "TI  - x", "", "Author"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(OVID_FILES or ["ovid/missing"]),
    cuts=st.lists(st.tuples(st.integers(0, 70), st.integers(0, 5)), max_size=3),
    inserts=st.lists(st.tuples(st.integers(0, 70), junk), max_size=5),
    noise=st.binary(max_size=20),
    noise_at=st.floats(0, 1),
)
def test_damaged_files_never_lose_records_silently(
    source: str,
    cuts: list[tuple[int, int]],
    inserts: list[tuple[int, str]],
    noise: bytes,
    noise_at: float,
) -> None:
    lines = (exports_dir() / source).read_text(encoding="utf-8-sig").split("\n")
    for start, length in cuts:
        del lines[start : start + length]
    for position, text in inserts:
        lines.insert(position, text)
    data = "\n".join(lines).encode("utf-8")
    split = int(noise_at * len(data))
    data = data[:split] + noise + data[split:]
    read = read_mutated(ovid.read, data, ".txt")
    if read is None:
        return
    result, decoded = read
    markers = sum(1 for line in decoded.split("\n") if MARKER.match(line))
    assert len(result.records) + unreadable(result) == markers
