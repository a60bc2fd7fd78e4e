"""The RIS reader on every real RIS export (true counts from COUNTS.csv), on each
vendor's quirks, and under random damage: it returns records or raises ParseError,
and never loses a record without saying so."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview.errors import ParseError
from sysreview.ingest import ris
from sysreview.ingest._record import ReadResult, SourceRecord
from sysreview.ingest._text import read_text

from .conftest import expected_counts, exports_dir, files_of, read_mutated, unreadable

RIS_FILES = files_of("ris")
OTHER_FILES = [f for f in expected_counts() if not f.startswith("ris/")]
#: The documented record marker: a TY tag (one or two spaces before the dash).
MARKER = re.compile(r"TY {1,2}-(?:[ \t]|$)")


def read(name: str) -> ReadResult:
    return ris.read(exports_dir() / name)


def at(result: ReadResult, line: int) -> SourceRecord:
    return next(r for r in result.records if r.line == line)


def write(tmp_path: Path, text: str | bytes, name: str = "x.ris") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


RECORD = "TY  - JOUR\nTI  - A title\nAU  - Smith, J.\nPY  - 2020\nER  - \n"


# --- every real file -------------------------------------------------------------------


@pytest.mark.parametrize("name", RIS_FILES)
def test_every_real_file_gives_its_true_record_count(name: str) -> None:
    result = read(name)
    assert len(result.records) == expected_counts()[name]
    assert unreadable(result) == 0
    assert result.format == "ris" and result.file == str(exports_dir() / name)
    for record in result.records:
        assert record.title and record.authors and record.year
        assert record.raw[0][0] == "TY" and record.line >= 1
    lines = read_text(exports_dir() / name)[0].split("\n")
    assert [r.line for r in result.records] == [
        n for n, line in enumerate(lines, 1) if MARKER.match(line)
    ]


@pytest.mark.parametrize("name", RIS_FILES)
def test_every_field_and_continuation_line_is_kept_in_raw(name: str) -> None:
    in_file: Counter[str] = Counter()
    for line in read_text(exports_dir() / name)[0].split("\n"):
        tagged = re.match(r"([A-Z][A-Z0-9])  -(?: (.*))?$", line)
        if tagged and tagged.group(1) != "ER":
            in_file.update(p for p in (tagged.group(1), (tagged.group(2) or "").strip()) if p)
        elif not tagged and line.strip() and not re.fullmatch(r"\d+\.", line.strip()):
            in_file[line.strip()] += 1
    in_raw = Counter(
        piece.strip()
        for record in read(name).records
        for tag, value in record.raw
        for piece in (tag, *value.split("\n"))
        if piece.strip()
    )
    assert in_raw == in_file


@pytest.mark.parametrize("name", RIS_FILES)
def test_sniff_knows_ris(name: str) -> None:
    assert ris.sniff(read_text(exports_dir() / name)[0][:4096])


@pytest.mark.parametrize("name", OTHER_FILES)
def test_sniff_rejects_other_formats(name: str) -> None:
    assert not ris.sniff(read_text(exports_dir() / name)[0][:4096])


@pytest.mark.parametrize("name", OTHER_FILES)
def test_other_formats_are_a_parse_error_with_file_and_line(name: str) -> None:
    with pytest.raises(ParseError) as caught:
        read(name)
    assert caught.value.path == str(exports_dir() / name) and caught.value.line


# --- concrete values, vendor by vendor -------------------------------------------------


def test_scopus_record_in_full() -> None:
    (record,) = read("ris/scopus__jabref.ris").records
    assert record.title.startswith("A transversely isotropic composite with a statistical")
    assert record.authors == ("Federico, S.", "Grillo, A.", "Herzog, W.")
    assert (record.year, record.journal, record.volume, record.issue, record.pages) == (
        2004, "Journal of the Mechanics and Physics of Solids", "52", "10", "2309-2327"
    )  # fmt: skip
    assert record.doi == "10.1016/j.jmps.2004.03.010" and record.type == "JOUR"
    assert record.keywords == ("Composite", "Inclusions", "Statistical distribution",
                               "Transverse isotropy")  # fmt: skip
    assert ("N1", "Export Date: 1 April 2016") in record.raw


def test_scopus_pmid_in_c2_and_references_as_continuation_lines() -> None:
    result = read("ris/scopus__asreview.ris")
    assert at(result, 226).pmid == "31421429"
    first = at(result, 1)
    assert first.issn == "0306-4530" and first.doi == "10.1016/j.psyneuen.2019.104501"
    references = next(v for t, v in first.raw if t == "N1" and v.startswith("References"))
    assert references.count("\n") > 100  # one cited reference a line, joined


def test_embase_with_bom_and_er_without_space() -> None:
    result = read("ris/embase_elsevier__asreview.ris")
    record = at(result, 1)
    assert (
        record.title
        == "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"
    )
    assert record.authors == ("Liu R.", "Adler D.G.")
    assert (record.year, record.pages, record.issn) == (2014, "152-160", "2226-7190")
    assert record.doi == "10.4103/2303-9027.138783" and record.language == "English"
    assert record.abstract and record.abstract.startswith(
        "Gastrointestinal tract duplication cysts are rare"
    )
    assert not any(tag == "ER" for tag, _ in record.raw)


def test_ovid_record_numbers_and_fields_after_er() -> None:
    result = read("ris/ovid_psycinfo__asreview.ris")
    record = at(result, 2)  # line 1 is the record number "1."
    assert record.doi == "10.1002/cpp.2398"  # from "http://dx.doi.org/..."
    assert record.pages is None  # Ovid's "SP - No" / "EP - Specified"
    assert ("NL", "Clin Psychol Psychother") in record.raw  # written after ER
    trailer = record.raw[-1]
    assert trailer[0] == "" and trailer[1].startswith("Link to the Ovid Full Text")
    assert not any(v.strip() in ("1.", "2.") for _, v in record.raw)
    assert record.authors[0] == "Trindade, Ines A" and len(record.authors) == 5  # not A2


def test_ovid_medline_pmid_from_its_link() -> None:
    result = read("ris/ovid_medline__citesource.ris")
    assert result.records[0].pmid == "39012781"
    assert all(r.pmid for r in result.records)


def test_pubmed_via_endnote_one_name_or_term_a_line() -> None:
    record = read("ris/pubmed_via_endnote__asreview.ris").records[0]
    assert record.line == 2 and record.pmid == "21553931"  # AN, with DP - NLM
    assert record.authors == ("Abdel-Tawab, M.", "Werz, O.", "Schubert-Zsilavecz, M.")
    assert record.keywords[:2] == (
        "Animals", "Anti-Inflammatory Agents/adverse effects/pharmacokinetics/*pharmacology"
    )  # fmt: skip
    assert len(record.keywords) == 10 and record.pages == "349-369"
    assert record.journal == "Clin Pharmacokinet" and record.year == 2011


def test_wos_three_space_continuation_joins_the_abstract() -> None:
    record = read("ris/wos__asysd.ris").records[0]
    assert "fracture and delayed healing. Microangiography was performed" in (record.abstract or "")
    abstract = dict(record.raw)["AB"]
    assert "\nMicroangiography was performed" in abstract
    assert dict(record.raw)["N1"].endswith("Cited Reference Count:  11")
    assert record.pmid is None  # WoS AN is "WOS:...", not a PubMed ID


def test_dimensions_pmid_in_u1_and_sectioned_abstract() -> None:
    record = read("ris/dimensions__citesource.ris").records[0]
    assert record.line == 2 and record.pmid == "35957633"
    assert record.doi == "10.1080/20008198.2022.2087980"
    assert record.abstract and "Objective: This review aimed" in record.abstract


def test_ebsco_copyright_notice_is_not_abstract_and_doi_in_l3() -> None:
    record = read("ris/ebsco_asp__synthesisr.ris").records[0]  # CRLF, no final newline
    assert record.doi == "10.1016/j.agee.2016.06.041" and record.year == 2016
    assert record.abstract and "Copyright of" not in record.abstract
    assert record.authors[1] == "Luque-Larena, Juan José"


def test_ebsco_psycinfo_pmid_in_note() -> None:
    assert at(read("ris/ebsco_psycinfo__citesource.ris"), 48).pmid == "33343428"


def test_agris_keywords_on_continuation_lines_and_na() -> None:
    record = read("ris/agris__citesource.ris").records[0]
    assert record.keywords[:3] == ("species", "drug plants", "traditional uses")
    assert len(record.keywords) == 8
    assert record.abstract is None and ("AB", "NA") in record.raw


def test_proquest_accession_number_is_not_a_pmid() -> None:
    assert all(r.pmid is None for r in read("ris/proquest__asreview.ris").records)


# --- quirks, on small files --------------------------------------------------------------


def test_bom_and_crlf_read_like_plain_text(tmp_path: Path) -> None:
    plain = ris.read(write(tmp_path, RECORD * 2))
    crlf = ris.read(write(tmp_path, b"\xef\xbb\xbf" + (RECORD * 2).replace("\n", "\r\n").encode()))
    assert [r.to_dict() | {"file": ""} for r in plain.records] == [
        r.to_dict() | {"file": ""} for r in crlf.records
    ]
    assert crlf.records[0].line == 1 and crlf.records[1].line == 6


def test_no_final_newline_and_no_final_er(tmp_path: Path) -> None:
    result = ris.read(write(tmp_path, RECORD + "TY  - JOUR\nTI  - Cut short"))
    assert [r.title for r in result.records] == ["A title", "Cut short"]
    assert any("no 'ER'" in w.message and w.line == 6 for w in result.warnings)


def test_missing_er_between_records_is_a_warning_not_a_merge(tmp_path: Path) -> None:
    text = RECORD.replace("ER  - \n", "") + "\n2.\n" + RECORD
    result = ris.read(write(tmp_path, text))
    assert len(result.records) == 2
    assert dict(result.records[0].raw)["PY"] == "2020"  # "2." not glued to the value
    assert [w.line for w in result.warnings] == [1]


def test_junk_before_the_first_record_is_reported(tmp_path: Path) -> None:
    result = ris.read(write(tmp_path, "Exported 2024-01-01\nby someone\n\n" + RECORD))
    assert len(result.records) == 1 and result.records[0].line == 4
    (warning,) = result.warnings
    assert warning.line == 1 and "2 line(s) before the first 'TY'" in warning.message


def test_fields_after_er_without_ty_are_kept_and_reported(tmp_path: Path) -> None:
    result = ris.read(write(tmp_path, RECORD + RECORD.replace("TY  - JOUR\n", "")))
    (record,) = result.records
    assert [v for t, v in record.raw if t == "TI"] == ["A title", "A title"]
    assert any("'TY' line may be missing" in w.message and w.line == 6 for w in result.warnings)


def test_untagged_line_after_a_structured_field_is_reported_not_appended(
    tmp_path: Path,
) -> None:
    text = (
        "TY  - JOUR\nTI  - A title\nAU  - Smith, J.\nAU  - Jones, K.\n@@@@@\n"
        "PY  - 2020\nVL  - 6\nTHIS IS JUNK LINE\nIS  - 2\nER  - \n"
    )
    result = ris.read(write(tmp_path, text))
    (record,) = result.records
    assert record.volume == "6" and record.authors == ("Smith, J.", "Jones, K.")
    assert [(w.line, w.field) for w in result.warnings] == [(5, "AU"), (8, "VL")]
    assert all("no tag" in w.message and "not added" in w.message for w in result.warnings)
    assert str(result.warnings[1]).startswith(f"{tmp_path / 'x.ris'}:8: field 'VL':")
    # nothing is lost: the lines stay in raw, under the empty tag
    assert [v for t, v in record.raw if t == ""] == ["@@@@@", "THIS IS JUNK LINE"]


def test_free_text_fields_still_take_continuation_lines(tmp_path: Path) -> None:
    text = "TY  - JOUR\nTI  - A long\n   title\nAB  - First part.\nSecond part.\nER  - \n"
    result = ris.read(write(tmp_path, text))
    (record,) = result.records
    assert (record.title, record.abstract) == ("A long title", "First part. Second part.")
    assert result.warnings == ()


@pytest.mark.parametrize("name", RIS_FILES)
def test_no_real_export_continues_a_structured_field(name: str) -> None:
    assert not [w for w in read(name).warnings if w.field in ris.STRUCTURED_TAGS]


def test_truncated_file(tmp_path: Path) -> None:
    text = (exports_dir() / "ris" / "scopus__synthesisr.ris").read_text(encoding="utf-8")
    result = ris.read(write(tmp_path, text[: len(text) // 2]))
    assert len(result.records) == text[: len(text) // 2].count("TY  - ")
    assert any("cut short" in w.message for w in result.warnings)


def test_latin1_bytes_are_read_with_a_warning(tmp_path: Path) -> None:
    data = RECORD.replace("Smith, J.", "Müller, J.").encode("latin-1")
    result = ris.read(write(tmp_path, data))
    assert result.records[0].authors == ("Müller, J.",)
    assert any("latin-1" in w.message for w in result.warnings)


def test_one_space_before_the_dash_and_er_without_space(tmp_path: Path) -> None:
    result = ris.read(write(tmp_path, "TY - JOUR\nTI - Spaced\nER  -\nTY  - BOOK\nT1  - B\nER -"))
    assert [(r.type, r.title) for r in result.records] == [("JOUR", "Spaced"), ("BOOK", "B")]
    assert result.warnings == ()


def test_empty_record_is_an_issue_not_a_silent_loss(tmp_path: Path) -> None:
    result = ris.read(write(tmp_path, RECORD + "TY  - JOUR\nER  - \n" + RECORD))
    assert len(result.records) == 2 and unreadable(result) == 1
    (issue,) = result.warnings
    assert issue.line == 6 and issue.file.endswith("x.ris")


def test_titles_lose_markup_and_entities(tmp_path: Path) -> None:
    result = ris.read(
        write(tmp_path, "TY  - JOUR\nTI  - CO<sub>2</sub> &amp; <i>growth</i>\nER  - \n")
    )
    assert result.records[0].title == "CO2 & growth"


@pytest.mark.parametrize("text", ["", "\n\n", "PMID- 123\nTI  - Medline\n", "@article{x,\n}\n"])
def test_not_ris_is_a_parse_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(ParseError) as caught:
        ris.read(write(tmp_path, text))
    assert caught.value.path and caught.value.line


# --- damage: random lines and bytes in, lines out ---------------------------------------

FUZZ_SOURCES = [
    "ris/ovid__synthesisr.ris",
    "ris/wos__asreview.txt",
    "ris/embase_elsevier__asreview.ris",
]
junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["TY  - JOUR", "ER  -", "1.", "TI  - x", "AU  -", "   ", "TY  -"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from(FUZZ_SOURCES),
    cuts=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 6)), max_size=4),
    inserts=st.lists(st.tuples(st.integers(0, 400), junk), max_size=6),
    noise=st.binary(max_size=30),
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
    read = read_mutated(ris.read, data, ".ris")
    if read is None:
        return
    result, decoded = read
    markers = sum(1 for line in decoded.split("\n") if MARKER.match(line))
    assert len(result.records) + unreadable(result) == markers
    assert all(r.raw and r.line >= 1 for r in result.records)
