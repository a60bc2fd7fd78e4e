"""EndNote XML reader: every real file read in full, values checked against what the
files say, the quirks (styles, BOM, CRLF, latin-1, junk, a cut-off file) and a fuzz
test that a broken file never loses a record silently."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview.errors import ParseError
from sysreview.ingest import endnote_xml
from sysreview.ingest._text import read_text

from .conftest import expected_counts, exports_dir, files_of, mutate, read_mutated, unreadable

FOLDER = "endnote_xml"


def markers(text: str) -> int:
    """``<record>`` elements as the contract counts them (comments excluded)."""
    return len(re.findall(r"<record[\s/>]", re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)))


def write(tmp_path: Path, body: str | bytes, name: str = "x.xml") -> Path:
    path = tmp_path / name
    if isinstance(body, str):
        path.write_text(body, encoding="utf-8", newline="")
    else:
        path.write_bytes(body)
    return path


def library(*records: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xml><records>\n'
        + "\n".join(records)
        + "\n</records></xml>\n"
    )


def record(title: str, author: str = "Smith, J.", year: str = "2020") -> str:
    return (
        f'<record><ref-type name="Journal Article">17</ref-type><contributors><authors>'
        f"<author>{author}</author></authors></contributors><titles><title>{title}</title>"
        f"</titles><dates><year>{year}</year></dates></record>"
    )


@pytest.mark.parametrize("name", files_of(FOLDER))
def test_every_real_file_is_read_in_full(name: str) -> None:
    path = exports_dir() / name
    result = endnote_xml.read(path)
    assert result.format == "endnote_xml" and result.file == str(path)
    assert len(result.records) == expected_counts()[name]
    assert unreadable(result) == 0
    assert all(r.title and r.year and r.raw and r.line >= 1 for r in result.records)
    assert endnote_xml.sniff(read_text(path)[0][:4096])


def test_endnote_file_with_styles_and_pretty_printing() -> None:
    result = endnote_xml.read(exports_dir() / FOLDER / "article__jabref.xml")
    (rec,) = result.records
    assert rec.line == 4
    assert rec.type == "Journal Article"
    assert rec.title == (
        "Trends in the lifetime risk of developing cancer in Great Britain: "
        "comparison of risk for those born from 1930 to 1960"
    )
    assert rec.authors == ("Ahmad, AS", "Ormiston-Smith, N", "Sasieni, PD")
    assert (rec.year, rec.journal, rec.volume, rec.issue) == (2015, "Br J Cancer", "112", "5")
    assert rec.pages == "943-947"  # "943-7" expanded
    assert rec.doi == "10.1038/bjc.2014.606"
    assert rec.pmid == "25647015"
    assert rec.issn == "1532-1827"
    assert rec.abstract == "test abstract"
    assert "Aged, 80 and over" in rec.keywords and len(rec.keywords) == 13
    assert rec.url == "http://www.ncbi.nlm.nih.gov/pubmed/25647015"
    raw = dict(rec.raw)
    assert raw["ref-type@name"] == "Journal Article" and raw["ref-type"] == "17"
    assert raw["notes"] == "some notes"
    assert raw["urls/pdf-urls/url"].startswith("file://localhost/")
    assert [v for t, v in rec.raw if t == "contributors/authors/author"] == list(rec.authors)


def test_zotero_export_values() -> None:
    result = endnote_xml.read(exports_dir() / FOLDER / "zotero_export__asysd.xml")
    first = result.records[0]
    assert first.line == 2  # the whole library is on line 2, after the declaration
    assert first.title == "Myoclonus in older Cavalier King Charles Spaniels."
    assert first.authors == ("Rotter, Carina", "Whittaker, Danielle", "Rusbridge, Clare")
    assert (first.year, first.volume, first.issue, first.pages) == (2022, "36", "3", "1032-1038")
    assert first.journal == "Journal of veterinary internal medicine"
    assert first.doi == "10.1111/jvim.16404"
    assert first.issn == "1939-1676"
    assert first.language == "eng"
    assert first.abstract and first.abstract.startswith("BACKGROUND: Myoclonus is observed")
    assert "±1.96" in first.abstract  # non-ASCII kept
    # every <electronic-resource-num> in this file is a DOI
    assert sum(1 for r in result.records if r.doi) == 1064
    assert sum(1 for r in result.records if r.abstract) == 1128


def test_endnote_library_on_one_line() -> None:
    result = endnote_xml.read(exports_dir() / FOLDER / "respiratory_sradm__bibdedupe.xml")
    assert {r.line for r in result.records} == {1}
    first = result.records[0]
    assert first.title == (
        "Perioperative nutritional support in patients undergoing hepatectomy for "
        "hepatocellular carcinoma"
    )
    assert first.authors == ("Ziegler, T. R.",)
    assert first.journal == "Jpen: Journal of Parenteral & Enteral Nutrition"  # &amp;
    assert (first.issue, first.pages, first.year) == ("1112", "91-92", 1996)
    assert ("caption", "Duplicate") in first.raw
    assert ("foreign-keys/key@app", "EN") in first.raw


def test_styled_runs_are_joined(tmp_path: Path) -> None:
    title = (
        '<style face="normal" font="default" size="100%">Effect of </style>'
        '<style face="italic" font="default" size="100%">in vivo</style>'
        '<style face="normal" font="default" size="100%"> dosing</style>'
    )
    result = endnote_xml.read(write(tmp_path, library(record(title))))
    assert result.records[0].title == "Effect of in vivo dosing"
    assert ("titles/title", "Effect of in vivo dosing") in result.records[0].raw


def test_bom_crlf_and_no_final_newline(tmp_path: Path) -> None:
    text = (exports_dir() / FOLDER / "article__jabref.xml").read_text(encoding="utf-8")
    body = "\ufeff" + text.rstrip("\n").replace("\n", "\r\n")
    result = endnote_xml.read(write(tmp_path, body.encode("utf-8")))
    (rec,) = result.records
    assert rec.line == 4 and rec.doi == "10.1038/bjc.2014.606"
    assert rec.title and rec.title.startswith("Trends in the lifetime risk")
    assert result.warnings == ()


def test_latin1_bytes_are_read_with_a_warning(tmp_path: Path) -> None:
    body = library(record("Über die Wirkung", author="Müller, Jörg")).encode("latin-1")
    result = endnote_xml.read(write(tmp_path, body))
    assert result.records[0].authors == ("Müller, Jörg",)
    assert result.records[0].title == "Über die Wirkung"
    assert any("latin-1" in w.message for w in result.warnings)


def test_truncated_file_keeps_the_complete_records(tmp_path: Path) -> None:
    body = library(record("One"), record("Two"), record("Three"))
    cut = body[: body.index("Three") + 3]
    result = endnote_xml.read(write(tmp_path, cut))
    assert [r.title for r in result.records] == ["One", "Two"]
    (issue,) = [w for w in result.warnings if w.message.startswith(endnote_xml.UNREADABLE)]
    assert issue.line == 5 and "never closed" in issue.message
    assert any("not well-formed" in w.message for w in result.warnings)


@pytest.mark.parametrize("where", ["between", "before"])
def test_junk_loses_nothing(tmp_path: Path, where: str) -> None:
    junk = "this line is junk & <b>"
    body = library(record("One"), junk, record("Two"))
    if where == "before":
        body = body.replace(junk + "\n", "").replace("<?xml", junk + "\n<?xml")
    result = endnote_xml.read(write(tmp_path, body))
    assert [r.title for r in result.records] == ["One", "Two"]
    assert [r.line for r in result.records] == ([3, 5] if where == "between" else [4, 5])
    (issue,) = result.warnings
    assert issue.line == (4 if where == "between" else 1) and "not well-formed" in issue.message


def test_broken_record_is_reported_and_the_others_read(tmp_path: Path) -> None:
    broken = record("Two <i>unclosed")
    body = library(record("One"), broken, record("Three"))
    result = endnote_xml.read(write(tmp_path, body))
    assert [r.title for r in result.records] == ["One", "Three"]
    (issue,) = [w for w in result.warnings if w.message.startswith(endnote_xml.UNREADABLE)]
    assert issue.line == 4 and issue.file == str(tmp_path / "x.xml")
    assert "mismatched tag" in issue.message


def test_empty_library_and_empty_record(tmp_path: Path) -> None:
    empty = endnote_xml.read(write(tmp_path, "<xml><records></records></xml>"))
    assert empty.records == () and "no <record>" in empty.warnings[0].message
    result = endnote_xml.read(write(tmp_path, library("<record></record>"), "y.xml"))
    assert len(result.records) == 1 and result.records[0].title is None
    assert "empty" in result.warnings[0].message


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("TY  - JOUR\nTI  - Not XML\nER  - \n", 1, "syntax error"),
        ("<xml>\n<records>\n<oops></records>\n", 3, "mismatched tag"),
        ("<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>", 1, "root element"),
        ("", 1, "no element found"),
    ],
)
def test_not_endnote_xml_is_a_parse_error(tmp_path: Path, body: str, line: int, words: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ParseError) as caught:
        endnote_xml.read(path)
    assert caught.value.path == str(path) and caught.value.line == line
    assert words in caught.value.reason


def test_pubmed_xml_is_not_endnote(tmp_path: Path) -> None:
    path = exports_dir() / "pubmed_xml" / "mesh__jabref.xml"
    assert not endnote_xml.sniff(read_text(path)[0][:4096])
    with pytest.raises(ParseError, match="root element"):
        endnote_xml.read(path)


@pytest.mark.parametrize(
    "head",
    ["TY  - JOUR\n", "@article{x,\n", '"Title","Authors"\n', "<PubmedArticleSet>", "<xml>"],
)
def test_sniff_rejects_other_formats(head: str) -> None:
    assert not endnote_xml.sniff(head)


# -- fuzz: random lines inserted into or cut from a real library ---------------------


@cache
def fuzz_base() -> str:
    """Four Zotero records, one element per line (as EndNote pretty-prints)."""
    text = (exports_dir() / FOLDER / "zotero_export__asysd.xml").read_text(encoding="utf-8")
    end = 0
    for _ in range(4):
        end = text.index("</record>", end) + len("</record>")
    return (text[:end] + "</records></xml>\n").replace("><", ">\n<")


SNIPPETS = ["<record>", "</record>", "<titles><title>x</title></titles>", "<", "&", "</xml>",
            "<!--", "]]>", "<record/>", "<author>A</author>", ""]  # fmt: skip
LINES = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
)
EDITS = st.lists(st.tuples(st.booleans(), st.integers(0, 10**6), LINES), max_size=6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS)
def test_fuzz_never_crashes_or_loses_a_record(edits: list[tuple[bool, int, str]]) -> None:
    lines = mutate(fuzz_base().split("\n"), edits)[0]
    read = read_mutated(endnote_xml.read, "\n".join(lines), ".xml")
    if read is None:
        return
    result, text = read
    assert len(result.records) + unreadable(result) == markers(text)
    assert all(1 <= r.line <= text.count("\n") + 1 for r in result.records)


def test_comments_and_cdata(tmp_path: Path) -> None:
    body = library("<!-- <record>not a record</record> -->", record("<![CDATA[Fish & chips]]>"))
    result = endnote_xml.read(write(tmp_path, body))
    assert [r.title for r in result.records] == ["Fish & chips"]


def test_angle_brackets_and_ampersands_are_data(tmp_path: Path) -> None:
    body = library(record("Outcomes at p&lt;0.05 in adults aged &gt;60 years &amp;amp; &lt;i&gt;"))
    result = endnote_xml.read(write(tmp_path, body))
    assert result.records[0].title == "Outcomes at p<0.05 in adults aged >60 years &amp; <i>"
    respiratory = endnote_xml.read(exports_dir() / FOLDER / "respiratory_sradm__bibdedupe.xml")
    assert "approach. <ORIGINAL> LA ESTIMULACION" in (respiratory.records[201].title or "")
