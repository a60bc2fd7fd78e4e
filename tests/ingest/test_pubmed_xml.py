"""The PubMed XML reader: real files (articles, a book, MeSH, inline markup), MathML,
malformed and hostile XML, and a fuzz test that mutates real files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.errors import ParseError
from sysreview.ingest import pubmed_xml
from sysreview.ingest._record import ReadResult

from .conftest import expected_counts, exports_dir, files_of, mutate, read_mutated

MATHML = 'xmlns:mml="http://www.w3.org/1998/Math/MathML"'


def read_string(tmp_path: Path, text: str, name: str = "x.xml") -> ReadResult:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return pubmed_xml.read(path)


def article(body: str, pmid: str = "1", data: str = "") -> str:
    return (
        f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article>{body}</Article>"
        f"</MedlineCitation><PubmedData>{data}</PubmedData></PubmedArticle>"
    )


def article_set(*articles: str) -> str:
    return "<PubmedArticleSet>\n" + "\n".join(articles) + "\n</PubmedArticleSet>\n"


# -- real files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", files_of("pubmed_xml"))
def test_real_files_give_their_true_count(name: str) -> None:
    path = exports_dir() / name
    text = path.read_text(encoding="utf-8")
    assert pubmed_xml.sniff(text[:4096])
    result = pubmed_xml.read(path)
    assert len(result.records) == expected_counts()[name]
    assert result.warnings == ()
    lines = text.split("\n")
    for record in result.records:
        assert record.file == str(path) and record.format == "pubmed_xml"
        assert re.match(r"\s*<Pubmed(Book)?Article>", lines[record.line - 1])
        assert record.title and record.pmid and record.year


def test_inline_markup_becomes_clean_text() -> None:
    (record,) = pubmed_xml.read(exports_dir() / "pubmed_xml" / "italics__jabref.xml").records
    assert record.line == 2
    assert (
        record.title == "Genome-wide significant risk factors on chromosome 19 and the APOE locus."
    )
    assert record.abstract is not None
    assert (
        "(odds ratio (OR)=1.15, 95% confidence interval (95% CI)=1.12-1.19; P = 1.60 x 10 -19)."
        in (record.abstract)
    )
    # '<' and '>' decoded from &lt; &gt; are text, not markup to strip
    assert "(D' >0.20; P <0.030) between APOE-Ɛ2 and CD33 rs3865444C>A in two" in record.abstract
    assert record.authors[:2] == ("Moreno-Grau, Sonia", "Hernández, Isabel")
    assert (record.pmid, record.doi) == ("29872490", "10.18632/oncotarget.25083")
    assert (record.year, record.volume, record.issue, record.pages) == (
        2018,
        "9",
        "37",
        "24590-24600",
    )
    assert record.journal == "Oncotarget" and record.issn == "1949-2553"
    assert record.type == "Journal Article" and record.language == "eng"
    assert record.keywords[-2:] == ("late onset Alzheimer’s disease", "linkage disequilibrium")
    raw = dict(record.raw)
    assert raw["MedlineCitation/Article/ArticleTitle"] == record.title
    assert raw["MedlineCitation/Article/ELocationID@EIdType"] == "doi"
    assert ("PubmedData/ReferenceList/Reference/ArticleIdList/ArticleId", "27237222") in record.raw


def test_mesh_headings_read_as_medline_writes_them() -> None:
    (record,) = pubmed_xml.read(exports_dir() / "pubmed_xml" / "mesh__jabref.xml").records
    assert record.keywords == (
        "Humans",
        "*Software",
        "*Kidney Diseases/diagnosis/epidemiology/therapy",
        "Models, Theoretical/*methods",
        "*Sample Heading/*analysis",
    )
    assert (record.line, record.pmid, record.year, record.issn) == (
        3,
        "12345678",
        2024,
        "0000-0000",
    )
    assert (
        record.title == "Test article for MeSH heading parsing."
        and record.journal == "Test Journal"
    )
    assert (
        "MedlineCitation/MeshHeadingList/MeshHeading/QualifierName@UI",
        "Q000175",
    ) in record.raw


def test_a_book_as_the_root_element() -> None:
    (record,) = pubmed_xml.read(exports_dir() / "pubmed_xml" / "book__jabref.xml").records
    assert record.line == 1 and record.type == "Book" and record.pmid == "21413195"
    assert record.title == (
        "Rheumatoid Arthritis: National Clinical Guideline for Management and Treatment in Adults"
    )
    assert record.authors == (
        "National Collaborating Centre for Chronic Conditions (UK)",
        "Williams, Darlisha A",
    )
    assert record.year == 2009 and record.abstract == "just a dummy."
    assert ("BookDocument/Book/BookTitle@book", "nicecg79") in record.raw
    titles = [v for t, v in record.raw if t.endswith("SectionTitle")]
    assert titles[0] == "Guideline Development Group members" and len(titles) == 20


# -- constructed cases --------------------------------------------------------------------


def test_mathml_and_sup_in_a_title(tmp_path: Path) -> None:
    title = (
        f"<ArticleTitle>Effect of <mml:math {MATHML}>\n  <mml:semantics><mml:msup>\n"
        "    <mml:mi>x</mml:mi>\n    <mml:mn>2</mml:mn>\n  </mml:msup>"
        "<mml:annotation encoding='application/x-tex'>x^2</mml:annotation></mml:semantics>"
        "</mml:math> on <i>E. coli</i> growth<sup>®</sup></ArticleTitle>"
    )
    (record,) = read_string(tmp_path, article_set(article(title))).records
    assert record.title == "Effect of x2 on E. coli growth®"
    assert dict(record.raw)["MedlineCitation/Article/ArticleTitle"] == record.title


def test_structured_abstract_dates_and_dois(tmp_path: Path) -> None:
    body = (
        "<Journal><JournalIssue><PubDate><MedlineDate>1998 Dec-1999 Jan</MedlineDate></PubDate>"
        "</JournalIssue></Journal><ArticleTitle>T</ArticleTitle>"
        '<ELocationID EIdType="doi" ValidYN="N">10.9999/INVALID</ELocationID>'
        '<Abstract><AbstractText Label="BACKGROUND">Why.</AbstractText>'
        '<AbstractText Label="RESULTS">P&lt;0.05 &amp; more.</AbstractText></Abstract>'
    )
    data = (
        '<ArticleIdList><ArticleId IdType="doi">10.1000/ABC</ArticleId></ArticleIdList>'
        '<ReferenceList><Reference><ArticleIdList><ArticleId IdType="doi">10.2/ref'
        "</ArticleId></ArticleIdList></Reference></ReferenceList>"
    )
    (record,) = read_string(tmp_path, article_set(article(body, data=data))).records
    assert record.year == 1998 and record.doi == "10.1000/abc"
    assert record.abstract == "BACKGROUND: Why. RESULTS: P<0.05 & more."


def test_a_chapter_is_a_book_section(tmp_path: Path) -> None:
    chapter = (
        "<PubmedBookArticle><BookDocument><PMID>5</PMID><ArticleTitle>Chapter 3</ArticleTitle>"
        "<Book><BookTitle>The Book</BookTitle><PubDate><Year>2010</Year></PubDate>"
        '<AuthorList Type="editors"><Author><LastName>Ed</LastName><ForeName>A</ForeName>'
        '</Author></AuthorList></Book><AuthorList Type="authors"><Author><LastName>Writer'
        "</LastName><Initials>B</Initials></Author></AuthorList></BookDocument>"
        "</PubmedBookArticle>"
    )
    (record,) = read_string(tmp_path, article_set(chapter)).records
    assert (record.type, record.title, record.journal) == ("Book Section", "Chapter 3", "The Book")
    assert record.authors == ("Writer, B",) and record.year == 2010


def test_line_numbers_unreadable_records_and_deletions(tmp_path: Path) -> None:
    text = article_set(
        article("<ArticleTitle>One</ArticleTitle>", "1"),
        "<PubmedArticle><PubmedData/></PubmedArticle>",
        article("<ArticleTitle>Three</ArticleTitle>", "3"),
        "<DeleteCitation><PMID>9</PMID></DeleteCitation>",
    )
    result = read_string(tmp_path, text.replace("\n", "\r\n"))
    assert [(r.pmid, r.line) for r in result.records] == [("1", 2), ("3", 4)]
    assert [(w.line, w.message[:15]) for w in result.warnings] == [
        (3, "record not read"),
        (5, "<DeleteCitation"),
    ]


def test_doctype_with_external_dtd_is_not_fetched(tmp_path: Path) -> None:
    text = (
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
        '1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
        + article_set(article("<ArticleTitle>Fine</ArticleTitle>"))
    )
    (record,) = read_string(tmp_path, text).records
    assert record.title == "Fine" and record.line == 4


def test_latin1_declared_file_and_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "latin1.xml"
    text = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + article_set(
        article("<ArticleTitle>Caf\xe9</ArticleTitle>")
    )
    path.write_bytes(text.encode("latin-1"))
    result = pubmed_xml.read(path)
    assert result.records[0].title == "Café" and "latin-1" in result.warnings[0].message
    bom = read_string(tmp_path, "\ufeff" + article_set(article("<ArticleTitle>B</ArticleTitle>")))
    assert bom.records[0].title == "B"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (article_set(article("<ArticleTitle>x</ArticleTitle>"))[:-20], 3, "after 1 complete"),
        ("<PubmedArticleSet>\n<PubmedArticle>\n</PubmedArticleSet>\n", 3, "mismatched tag"),
        ('<?xml version="1.0"?>\n<xml><records/></xml>\n', 2, "root element is <xml>"),
        ("", 1, "no element found"),
        ("TY  - JOUR\nER  - \n", 1, "syntax error"),
        (
            '<!DOCTYPE PubmedArticleSet [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;">\n]>\n'
            "<PubmedArticleSet>&b;</PubmedArticleSet>",
            2,
            "entity declaration 'a' refused",
        ),
        ("<PubmedArticleSet>" + "<i>" * 300 + "</i>" * 300 + "</PubmedArticleSet>", 1, "nested"),
    ],
)
def test_bad_xml_is_a_parse_error_with_the_parsers_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        pubmed_xml.read(path)
    assert caught.value.path == str(path) and caught.value.line == line
    assert words in caught.value.reason


def test_sniff_tells_pubmed_xml_from_its_neighbours() -> None:
    assert pubmed_xml.sniff('<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>')
    assert pubmed_xml.sniff("<PubmedBookArticle>\n<BookDocument>")
    assert pubmed_xml.sniff('<!DOCTYPE PubmedArticleSet PUBLIC "x" "y">')
    assert not pubmed_xml.sniff('<?xml version="1.0"?><xml><records><record>')
    assert not pubmed_xml.sniff("PMID- 1\nOWN - NLM\n")
    assert not pubmed_xml.sniff("TY  - JOUR\nN2  - About <PubmedArticles>\n")


# -- fuzz ---------------------------------------------------------------------------------

FUZZ_FILES = ["pubmed_xml/mesh__jabref.xml", "pubmed_xml/book__jabref.xml"]
LINES = st.one_of(
    st.sampled_from(
        [
            "",
            "   ",
            "<Keyword>x</Keyword>",
            "<i>",
            "</i>",
            "&amp;",
            "&bogus;",
            "<!-- note -->",
            "<PubmedArticle>",
            "</PubmedArticle>",
            "<![CDATA[<x>]]>",
            "<Year>1999</Year>",
            "<PubmedArticle/>",
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
    read = read_mutated(pubmed_xml.read, "\n".join(lines), ".xml")
    if read is None:
        return
    result, _ = read
    found = len(result.records) + sum(pubmed_xml.UNREADABLE in w.message for w in result.warnings)
    expected = expected_counts()[name]
    assert expected is not None and found >= expected - cuts
    for record in result.records:
        assert re.search(r"<Pubmed(Book)?Article\b", lines[record.line - 1])
