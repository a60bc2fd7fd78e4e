"""BibTeX reader: every real file read in full (a repeated field included, which
bibtexparser loses), values checked against the files, LaTeX, macros and broken
entries, and a fuzz test that no entry is ever lost silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sysreview.errors import ParseError
from sysreview.ingest import bibtex
from sysreview.ingest._record import ReadResult
from sysreview.ingest._text import read_text

from .conftest import expected_counts, exports_dir, files_of, mutate, read_mutated, unreadable

FOLDER = "bibtex"
ENTRY = re.compile(r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(]", re.MULTILINE)


def entries(text: str) -> int:
    """'@' entries other than @comment/@string/@preamble, as the contract counts them."""
    kinds = (m.group(1).lower() for m in ENTRY.finditer(text))
    return sum(1 for kind in kinds if kind not in ("comment", "string", "preamble"))


def write(tmp_path: Path, body: str | bytes, name: str = "x.bib") -> Path:
    path = tmp_path / name
    if isinstance(body, str):
        path.write_text(body, encoding="utf-8", newline="")
    else:
        path.write_bytes(body)
    return path


def read_one(tmp_path: Path, body: str) -> tuple[bibtex.SourceRecord, ReadResult]:
    result = bibtex.read(write(tmp_path, body))
    assert len(result.records) == 1, result.warnings
    return result.records[0], result


@pytest.mark.parametrize("name", files_of(FOLDER))
def test_every_real_file_is_read_in_full(name: str) -> None:
    path = exports_dir() / name
    result = bibtex.read(path)
    assert result.format == "bibtex" and result.file == str(path)
    assert len(result.records) == expected_counts()[name]
    assert unreadable(result) == 0
    assert all(r.title and r.year and r.raw and r.line >= 1 for r in result.records)
    assert bibtex.sniff(read_text(path)[0][:4096])


def test_scopus_repeated_field_is_kept_not_lost() -> None:
    path = exports_dir() / FOLDER / "scopus__synthesisr.bib"
    result = bibtex.read(path)
    li = result.records[0]
    assert li.line == 2 and ("ID", "Li2020") in li.raw
    funding = [v for t, v in li.raw if t == "funding_details"]
    assert funding[0] == "University of TwenteUniversity of Twente"
    assert funding[1].startswith("Special Fund for Forest Scientific Research")
    (warning,) = result.warnings
    assert (warning.line, warning.field) == (17, "funding_details")
    assert "repeated" in warning.message
    # the field name with a no-break space is kept as written
    assert any(t == "funding_text\xa01" for t, _ in li.raw)
    assert li.title == (
        "Soil fauna diversity at different stages of reed restoration in a lakeshore "
        "wetland at Lake Taihu, China"
    )
    assert li.authors[:3] == ("Li, W.", "Dou, Z.", "Cui, L.")
    assert len(li.authors) == 10
    assert (li.year, li.volume, li.issue) == (2020, "6", "1")
    assert li.doi == "10.1080/20964129.2020.1722034"
    assert li.journal == "Ecosystem Health and Sustainability"
    assert li.issn == "2096-4129" and li.language == "English"
    assert li.keywords[:2] == ("Environmental factors", "Lake Taihu")
    assert li.abstract and li.abstract.startswith("Introduction: Wetland soil fauna")
    tang = result.records[2]
    assert tang.authors == ("Tang, H.", "Geng, G.", "zhou, M.")
    assert "Image enhancement" in tang.keywords  # from keywords= after author_keywords=


def test_scopus_keys_with_spaces_and_missing_authors() -> None:
    result = bibtex.read(exports_dir() / FOLDER / "scopus__colrev.bib")
    by_key = {dict(r.raw)["ID"]: r for r in result.records}
    spaced = by_key["Conference paper2022775"]
    assert spaced.pages == "735-781" and spaced.language == "undefined"
    assert by_key["NoAuthor2013a"].authors == ()
    assert by_key["NoAuthor2013a"].type == "conference"
    book = by_key["Bookchapterwriter202150"]
    assert book.type == "book" and book.doi == "10.18888/888-8-8888-8888-8.ch008"
    assert book.authors[0] == "Bookchapterwriter, I.I."
    assert [r.line for r in result.records][:3] == [2, 14, 29]


def test_wos_bom_escapes_entities_and_continuation_lines() -> None:
    result = bibtex.read(exports_dir() / FOLDER / "wos__colrev.bib")
    proc, art = result.records
    assert proc.line == 3  # after the BOM and a blank line
    assert ("ID", "WOS:000223334444221") in proc.raw
    assert proc.type == "inproceedings" and proc.journal == "A BOOKTITLE"
    assert proc.authors == ("Writerone, Julia", "Writertwo, Paul")
    assert proc.doi == "10.1007/999-9-999-99999-9_3"  # \_ unescaped
    assert (proc.pages, proc.issn, proc.year) == ("48-98", "0111-9119", 2017)
    researcher = dict(proc.raw)["ResearcherID-Numbers"]
    assert researcher.split("\n")[1].strip() == "Writertwo, Paul/F-3333-2012"
    assert art.title == "A dummy title's"  # &apos;
    assert (art.issue, art.volume, art.pages) == ("3", "22", "111-188")


LATEX = [
    (r"M{\"u}ller", "Müller"),
    (r"M\"{u}ller", "Müller"),
    (r"Sch\"onberg", "Schönberg"),
    (r"{\'E}cole", "École"),
    (r"na\"{\i}ve", "naïve"),
    (r"\v{C}apek", "Čapek"),
    (r"Stra\ss e", "Straße"),
    (r"{\o}stergaard", "østergaard"),
    (r"{\AA}ngstr{\"o}m", "Ångström"),
    (r"Gon\c{c}alves", "Gonçalves"),
    (r"{Bayesian} {A}nalysis", "Bayesian Analysis"),
    (r"R\&D costs 50\%", "R&D costs 50%"),
    (r"\textit{in vivo} study", "in vivo study"),
    (r"$\alpha$-synuclein", "α-synuclein"),
    (r"dose {\textgreater} 5 mg", "dose > 5 mg"),
    (r"cost of $5 and pages 1--2", "cost of $5 and pages 1--2"),
    (r"\LaTeX\ users", "LaTeX users"),
]


@pytest.mark.parametrize(("latex", "text"), LATEX)
def test_latex_to_text(latex: str, text: str) -> None:
    assert bibtex.latex_to_text(latex) == text


def test_latex_accents_in_an_entry_and_raw_as_written(tmp_path: Path) -> None:
    rec, _ = read_one(
        tmp_path,
        "@article{k,\n  author = {M{\\\"u}ller, J{\\\"o}rg and Jos{\\'e} Garc{\\'\\i}a},\n"
        '  title = {{\\"O}sterreich}\n}\n',
    )
    assert rec.authors == ("Müller, Jörg", "García, José")
    assert rec.title == "Österreich"
    assert dict(rec.raw)["title"] == '{\\"O}sterreich'


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Smith, John and Doe, Jane", ("Smith, John", "Doe, Jane")),
        ("John A. Smith and Ludwig van Beethoven", ("Smith, John A.", "van Beethoven, Ludwig")),
        ("{World Health Organization} and others", ("World Health Organization",)),
        ("Liu R. and Smith JA", ("Liu R.", "Smith JA")),
        ("{Barnes and Noble} AND Doe, J.", ("Barnes and Noble", "Doe, J.")),
    ],
)
def test_split_authors(value: str, names: tuple[str, ...]) -> None:
    assert bibtex.split_authors(value) == names


def test_quotes_macros_concatenation_and_parentheses(tmp_path: Path) -> None:
    body = (
        "@string{jama = {Journal of the American Medical Association}}\n"
        '@STRING(pre = "Effects of ")\n'
        '@preamble{"\\newcommand{\\noop}[1]{}"}\n'
        "@comment{this is {not} an entry}\n"
        "@Article(Key2020,\n"
        '  title = pre # "{B}ig {D}ata" # { today},\n'
        "  journal = jama, year = 2020, month = mar,\n"
        '  pages = "101--9", number = {4}\n'
        ")\n"
    )
    rec, result = read_one(tmp_path, body)
    assert rec.title == "Effects of Big Data today"
    assert rec.journal == "Journal of the American Medical Association"
    assert (rec.year, rec.pages, rec.issue, rec.type) == (2020, "101-109", "4", "article")
    assert ("month", "March") in rec.raw and ("ID", "Key2020") in rec.raw
    assert rec.line == 5 and result.warnings == ()


def test_undefined_macro_is_kept_with_a_warning(tmp_path: Path) -> None:
    rec, result = read_one(tmp_path, "@article{k, title = {T}, journal = nejm}\n")
    assert rec.journal == "nejm"
    assert "undefined macro 'nejm'" in result.warnings[0].message


def test_repeated_field_keeps_the_first_and_both_in_raw(tmp_path: Path) -> None:
    body = "@article{k,\n  title = {First},\n  year = {2001},\n  Title = {Second}\n}\n"
    rec, result = read_one(tmp_path, body)
    assert rec.title == "First"
    assert [(t, v) for t, v in rec.raw if t.lower() == "title"] == [
        ("title", "First"),
        ("Title", "Second"),
    ]
    (warning,) = result.warnings
    assert (warning.line, warning.field) == (4, "title")


def test_entry_without_key(tmp_path: Path) -> None:
    rec, _ = read_one(tmp_path, "@misc{title = {No key}, year = 1999}\n")
    assert rec.title == "No key" and rec.year == 1999
    assert not any(t == "ID" for t, _ in rec.raw)


def test_broken_entry_is_reported_and_the_next_read(tmp_path: Path) -> None:
    body = (
        "@article{a, title = {One}}\n"
        "@article{b, title = {Two unclosed,\n  year = 2000\n"
        "@article{c, title = {Three}}\n"
        "@article{d, title {no equals sign}}\n"
    )
    result = bibtex.read(write(tmp_path, body))
    assert [r.title for r in result.records] == ["One", "Three"]
    assert [r.line for r in result.records] == [1, 4]
    issues = [w for w in result.warnings if w.message.startswith(bibtex.UNREADABLE)]
    assert [w.line for w in issues] == [2, 5]
    assert "not closed" in issues[0].message and "no '='" in issues[1].message


def test_truncated_file(tmp_path: Path) -> None:
    text = (exports_dir() / FOLDER / "scopus__colrev.bib").read_text(encoding="utf-8")
    cut = text[: text.index("Conference classified as document_type Conference Review")]
    result = bibtex.read(write(tmp_path, cut))
    assert len(result.records) == 10
    (issue,) = result.warnings
    assert issue.line == 144 and "not closed before the next entry or the end" in issue.message


def test_junk_between_entries_is_ignored(tmp_path: Path) -> None:
    body = "Exported by X\n\n@article{a, title={One}}\nsome junk } {\n@book{b, title={Two}}"
    result = bibtex.read(write(tmp_path, body))
    assert [(r.title, r.line, r.type) for r in result.records] == [
        ("One", 3, "article"),
        ("Two", 5, "book"),
    ]


def test_same_line_entries_are_not_lost_silently(tmp_path: Path) -> None:
    result = bibtex.read(write(tmp_path, "@article{a, title={One}} @article{b, title={Two}}\n"))
    assert [r.title for r in result.records] == ["One"]
    assert "another entry on the same line" in result.warnings[0].message


def test_bom_crlf_no_final_newline_and_latin1(tmp_path: Path) -> None:
    body = "\ufeff@article{a,\r\n  author = {Müller, Jörg},\r\n  title = {Über}\r\n}"
    rec, result = read_one(tmp_path, body)
    assert (rec.title, rec.authors, rec.line) == ("Über", ("Müller, Jörg",), 1)
    assert result.warnings == ()
    latin = bibtex.read(write(tmp_path, body[1:].encode("latin-1"), "latin.bib"))
    assert latin.records[0].authors == ("Müller, Jörg",)
    assert "latin-1" in latin.warnings[0].message


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("TY  - JOUR\nTI  - Not BibTeX\n", 1),
        ("\n\n<xml><records></records></xml>", 3),
        ("", 1),
    ],
)
def test_not_bibtex_is_a_parse_error(tmp_path: Path, body: str, line: int) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ParseError) as caught:
        bibtex.read(path)
    assert caught.value.path == str(path) and caught.value.line == line


@pytest.mark.parametrize(
    "head",
    ["TY  - JOUR\n", "<xml><records><record>", '"Title","Authors"\n', "@comment{x}\n", "x@y.z"],
)
def test_sniff_rejects_other_formats(head: str) -> None:
    assert not bibtex.sniff(head)


# -- fuzz: random lines inserted into or cut from a real file -------------------------

SNIPPETS = ["@article{x,", "@string{m = {v}}", "@comment{", "}", "{", '"', "title = {a}",
            "author = m #", "=", ",", "@misc(", "\\", ""]  # fmt: skip
LINES = st.one_of(
    st.sampled_from(SNIPPETS),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
)
EDITS = st.lists(st.tuples(st.booleans(), st.integers(0, 10**6), LINES), max_size=6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS)
def test_fuzz_never_crashes_or_loses_a_record(edits: list[tuple[bool, int, str]]) -> None:
    lines = mutate((exports_dir() / FOLDER / "scopus__colrev.bib").read_text().split("\n"), edits)[
        0
    ]
    read = read_mutated(bibtex.read, "\n".join(lines), ".bib")
    if read is None:
        return
    result, text = read
    assert len(result.records) + unreadable(result) == entries(text)
    assert all(1 <= r.line <= text.count("\n") + 1 for r in result.records)
