"""The Web of Science plain-text reader: real exports with their true counts, the
3-space continuation rules (list fields vs wrapped values), quirks and a fuzz test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.errors import ParseError
from sysreview.ingest import wos
from sysreview.ingest._record import ReadResult, SourceRecord

from .conftest import expected_counts, exports_dir, files_of, mutate, read_mutated, unreadable


def read_string(tmp_path: Path, text: str, name: str = "x.txt") -> ReadResult:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return wos.read(path)


def values(record: SourceRecord, tag: str) -> list[str]:
    return [value for t, value in record.raw if t == tag]


# -- real files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", files_of("wos_plaintext"))
def test_real_files_give_their_true_count(name: str) -> None:
    path = exports_dir() / name
    text = path.read_text(encoding="utf-8")
    assert wos.sniff(text[:4096])
    result = wos.read(path)
    assert len(result.records) == expected_counts()[name]
    assert result.warnings == () and unreadable(result) == 0
    lines = text.split("\n")
    for record in result.records:
        assert record.file == str(path) and record.format == "wos"
        assert lines[record.line - 1].startswith("PT ") and record.raw[0][0] == "PT"
        assert record.title and record.authors and record.year


def test_isi_export_fields_and_continuations() -> None:
    first, second = wos.read(exports_dir() / "wos_plaintext" / "wos_isi__jabref.isi").records
    assert (first.line, second.line) == (3, 58)
    assert (
        first.title == "Optical and photoelectric spectroscopy of photorefractive Sn2P2S6 crystals"
    )
    assert first.authors == (
        "Gamernyk, RV",
        "Gnatenko, YP",
        "Bukivskij, PM",
        "Skubenko, PA",
        "Slivka, VY",
    )
    assert (first.year, first.volume, first.issue, first.pages) == (2006, "18", "23", "5323-5331")
    assert first.journal == "JOURNAL OF PHYSICS-CONDENSED MATTER" and first.issn == "0953-8984"
    assert first.type == "Article" and first.language == "English"
    # list fields: one value per line; wrapped fields: one value
    assert (
        len(values(first, "CR")) == 17
        and values(first, "CR")[0] == "BERCHA DM, 1997, FIZ TVERD TELA, V39, P1219"
    )
    assert values(first, "C1") == [
        "NAS Ukraine, Inst Phys, UA-03028 Kiev, Ukraine.",
        "Lviv Natl Univ, UA-29005 Lvov, Ukraine.",
    ]
    assert values(first, "RP") == [
        "Gnatenko, YP, NAS Ukraine, Inst Phys, 46 Prospect Nauky, UA-03028 Kiev, Ukraine."
    ]
    assert values(first, "UT") == ["ISI:000238592600006"]
    assert second.keywords == (
        "REFRACTIVE-INDEX PROFILES",
        "INFRARED WAVELENGTHS",
        "PHASE-CONJUGATION",
        "KNBO3",
        "MODES",
    )
    assert second.abstract is not None and second.abstract.startswith(
        "Planar waveguides in nonlinear optical crystals of Sn2P2S6 have been produced by He+"
    )
    assert second.abstract.endswith("(c) 2006 Optical Society of America.")


def test_full_names_doi_pmid_and_group_authors() -> None:
    records = wos.read(exports_dir() / "wos_plaintext" / "restoration__revtools.ciw").records
    first = records[0]
    assert first.authors[:2] == ("Alvarez-Manzaneda, I.", "Guerreroc, F.")  # AF, not AU
    assert values(first, "AU")[0] == "Alvarez-Manzaneda, I"
    assert first.title == (
        "Do magnetic phosphorus adsorbents used for lake restoration impact on zooplankton "
        "community?"
    )
    assert (first.doi, first.pmid, first.pages) == (
        "10.1016/j.scitotenv.2018.11.375",
        "30529964",
        "598-607",
    )
    assert first.keywords[:2] == ("Magnetic particles", "Toxicity")
    assert "TROPHIC STATE INDEX" in first.keywords  # an ID term wrapped over two lines
    assert first.type == "Journal"  # PT J, no DT in this export
    (team,) = [r for r in records if r.line == 4409]
    assert values(team, "CA") == ["ACTG A2554s Team", "ACTG A5303 Team"]
    assert team.authors[-2:] == ("ACTG A2554s Team", "ACTG A5303 Team")
    (edited,) = [r for r in records if r.line == 5987]
    assert values(edited, "BE") == ["Lubkina, V", "Usca, S", "Zvaigzne, A"]


def test_non_ascii_and_wrapped_semicolon_fields() -> None:
    records = wos.read(exports_dir() / "wos_plaintext" / "wos__bibliometrix.txt").records
    first = records[0]
    assert (
        first.authors == ("Toh, Ming Liang",) and first.type == "Article"
    )  # "Article; Early Access"
    assert any(v.startswith("Çelik KT, 2023, MEGARON") for v in values(first, "CR"))
    (aria,) = [r for r in records if r.doi == "10.1016/j.joi.2017.08.007"]
    assert aria.title == "bibliometrix: An R-tool for comprehensive science mapping analysis"
    assert len(values(aria, "C1")) == 2
    assert values(aria, "OI") == [
        "CUCCURULLO, Corrado/0000-0002-7401-8575; Aria, Massimo/0000-0002-8517-9411"
    ]


def test_article_number_when_there_are_no_pages() -> None:
    first = wos.read(exports_dir() / "wos_plaintext" / "wos_ciw__synthesisr.ciw").records[0]
    assert first.pages == "UNSP 1722034" and first.doi == "10.1080/20964129.2020.1722034"
    assert first.title == (
        "Soil fauna diversity at different stages of reed restoration in a lakeshore "
        "wetland at Lake Taihu, China"
    )


# -- quirks -------------------------------------------------------------------------------

HEAD = "FN Clarivate Analytics Web of Science\nVR 1.0\n"
ONE = "PT J\nAU Smith, J\n   Jones, K\nTI A title\n   wrapped\nPY 2020\nER\n\n"
TWO = HEAD + ONE + ONE.replace("A title", "Another") + "EF\n"


def test_crlf_no_final_newline_and_bom(tmp_path: Path) -> None:
    plain = read_string(tmp_path, TWO, "a.txt")
    assert [r.title for r in plain.records] == ["A title wrapped", "Another wrapped"]
    assert plain.records[0].authors == ("Smith, J", "Jones, K")
    for variant in (TWO.replace("\n", "\r\n"), TWO.rstrip("\n"), "\ufeff" + TWO):
        other = read_string(tmp_path, variant, "b.txt")
        assert [r.raw for r in other.records] == [r.raw for r in plain.records]
        assert other.warnings == ()


def test_a_missing_er_line_is_reported_and_both_records_read(tmp_path: Path) -> None:
    result = read_string(tmp_path, TWO.replace("PY 2020\nER\n", "PY 2020\n", 1))
    assert [r.line for r in result.records] == [3, 10]
    (warning,) = result.warnings
    assert warning.line == 3 and "no ER line" in warning.message


def test_a_truncated_file_keeps_its_last_record_and_says_so(tmp_path: Path) -> None:
    result = read_string(tmp_path, TWO[: TWO.rindex("PY 2020")])
    assert [r.title for r in result.records] == ["A title wrapped", "Another wrapped"]
    assert "truncated" in result.warnings[0].message and result.warnings[0].line == 11


def test_fields_after_er_without_pt_open_a_record(tmp_path: Path) -> None:
    result = read_string(tmp_path, HEAD + ONE + "TI Lost its PT line\nER\nEF\n")
    assert [r.title for r in result.records] == ["A title wrapped", "Lost its PT line"]
    assert "without a PT line" in result.warnings[0].message and result.warnings[0].line == 11


def test_stray_lines_are_kept_or_skipped_with_warnings(tmp_path: Path) -> None:
    text = TWO.replace("PY 2020\n", "PY 2020\nsome junk\n", 1).replace("EF\n", "EF\nmore junk\n")
    result = read_string(tmp_path, text)
    assert len(result.records) == 2
    assert [(w.line, w.message[:22]) for w in result.warnings] == [
        (9, "line neither tagged no"),
        (21, "line outside any recor"),
    ]


def test_concatenated_exports(tmp_path: Path) -> None:
    assert len(read_string(tmp_path, TWO + TWO).records) == 4


def test_an_empty_record_is_reported_not_dropped(tmp_path: Path) -> None:
    result = read_string(tmp_path, HEAD + ONE + "PT J\nER\nEF\n")
    assert len(result.records) == 1
    assert [w.line for w in result.warnings if wos.UNREADABLE in w.message] == [11]


def test_a_header_without_records(tmp_path: Path) -> None:
    result = read_string(tmp_path, HEAD + "EF\n")
    assert result.records == () and "no records" in result.warnings[0].message


def test_latin1_bytes_are_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes((HEAD + "PT J\nAU M\xfcller, K\nTI Caf\xe9\nER\nEF\n").encode("latin-1"))
    result = wos.read(path)
    assert result.records[0].authors == ("Müller, K",) and result.records[0].title == "Café"
    assert "latin-1" in result.warnings[0].message and result.warnings[0].line == 4


def test_less_than_and_greater_than_are_data_not_markup(tmp_path: Path) -> None:
    result = read_string(tmp_path, "PT J\nAB aged <65 years and >80 years\nER\n")
    assert result.records[0].abstract == "aged <65 years and >80 years"


@pytest.mark.parametrize(
    "text",
    [
        "TY  - JOUR\nTI  - A RIS file\nER  - \n",
        "PMID- 1\nPT  - Journal Article\nTI  - x\n",
        "",
        "notes\n",
    ],
)
def test_not_wos_is_a_parse_error_naming_file_and_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "other.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        wos.read(path)
    assert caught.value.path == str(path) and caught.value.line == 1


def test_sniff_tells_wos_from_its_neighbours() -> None:
    assert wos.sniff(HEAD + "PT J\n")
    assert wos.sniff("FN ISI Export Format\nVR 1.0\n")
    assert wos.sniff("PT J\nAU Smith, J\nTI x\nSO y\nER\n")
    assert not wos.sniff("TY  - JOUR\nAU  - Smith\nTI  - x\nER  - \n")
    assert not wos.sniff("PMID- 1\nOWN - NLM\n")
    assert not wos.sniff("PT  - Journal Article\nTI  - x\n")


# -- fuzz ---------------------------------------------------------------------------------

FUZZ_FILES = ["wos_plaintext/wos_isi__jabref.isi", "wos_plaintext/wos_txt__synthesisr.txt"]
LINES = st.one_of(
    st.sampled_from(
        [
            "",
            "   ",
            "PT J",
            "ER",
            "EF",
            "FN x",
            "VR 1.0",
            "TI inserted",
            "   more",
            "junk line",
            "AU",
            "PT",
            "\t",
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
    read = read_mutated(wos.read, "\n".join(lines), ".txt")
    if read is None:
        return
    result, _ = read
    found = len(result.records) + unreadable(result)
    expected = expected_counts()[name]
    assert expected is not None and found >= expected - cuts
    assert found >= sum(1 for line in lines if re.match(r"PT( |$)", line))
    for record in result.records:
        assert re.match(r"[A-Z][A-Z0-9]( |$)", lines[record.line - 1])
