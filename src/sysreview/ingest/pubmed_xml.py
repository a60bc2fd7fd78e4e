"""PubMed XML: what PubMed's "Save: PubMed XML" and E-utilities ``efetch`` return.

The format
----------
A ``PubmedArticleSet`` holds ``PubmedArticle`` (journal articles) and
``PubmedBookArticle`` (NCBI Bookshelf books and chapters) elements; a file may also
be one such element alone.  The elements read (NLM's PubMed DTD):

* ``PubmedArticle/MedlineCitation``: ``PMID``; ``Article`` with ``Journal``
  (``ISSN``, ``JournalIssue/Volume``, ``Issue``, ``PubDate/Year`` or
  ``MedlineDate``, ``Title``), ``ArticleTitle`` (``VernacularTitle`` if empty),
  ``Pagination/MedlinePgn``, ``ELocationID EIdType="doi"``, ``Abstract/AbstractText``
  (``Label`` kept as ``LABEL: text``), ``AuthorList/Author`` (``LastName``,
  ``ForeName``, ``CollectiveName``), ``Language``, ``PublicationTypeList``;
  ``MeshHeadingList/MeshHeading`` (``DescriptorName`` and ``QualifierName`` with
  ``MajorTopicYN``, written as MEDLINE writes MH: ``Kidney Diseases/*therapy``);
  ``KeywordList/Keyword``.
* ``PubmedArticle/PubmedData/ArticleIdList/ArticleId IdType="doi"``: the DOI
  when there is no ELocationID (ids under ``ReferenceList`` are the references').
* ``PubmedBookArticle/BookDocument``: ``PMID``, ``ArticleTitle`` (a chapter) and
  ``Book`` (``BookTitle``, ``PubDate``, ``AuthorList Type="authors"``).

Titles and abstracts may hold inline markup (``<i>``, ``<b>``, ``<sup>``, ``<sub>``,
``<u>``) and MathML (``<mml:math>``): they become plain text, the MathML tokens
joined.  Every element is kept in ``SourceRecord.raw`` as (path, text) pairs in
document order, attributes as ``path@name``; an element with inline markup is one
value.

Quirks handled: no XML declaration, a record element as the root, pretty-printed
mixed content, ``DeleteCitation`` (reported, not a record).  Malformed XML is a
``ParseError`` with the parser's line; entity declarations are refused (they can
expand without bound).  Records are converted as they are parsed, so memory holds
one record's elements at a time.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from ..errors import ParseError
from ._normalise import author, doi, issn, pages, plain_text, pmid, year
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from ._text import read_text

FORMAT = "pubmed_xml"

RECORD_ELEMENTS = frozenset({"PubmedArticle", "PubmedBookArticle"})
_ROOTS = RECORD_ELEMENTS | {"PubmedArticleSet", "PubmedBookArticleSet"}
_INLINE = frozenset({"i", "b", "u", "sup", "sub", "em", "strong", "sc"})
_MAX_DEPTH = 200
_SIGNATURE = re.compile(r"<(?:PubmedArticleSet|PubmedArticle|PubmedBookArticle)[\s>/]")
_MARKER = re.compile(r"<(?:PubmedArticle|PubmedBookArticle)[\s>/]")
_UNPARSED = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)


def sniff(head: str) -> bool:
    """True if the text opens a PubmedArticleSet (or a PubmedArticle/BookArticle)."""
    return bool(_SIGNATURE.search(head)) or "<!DOCTYPE PubmedArticleSet" in head


def read(path: str | Path) -> ReadResult:
    """Every PubmedArticle and PubmedBookArticle of the file, in document order."""
    text, issues = read_text(path)
    reader = _Reader(str(path), issues)
    try:
        reader.parser.Parse(text, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
        raise ParseError(
            f"malformed XML: {reason} (after {len(reader.records)} complete records)",
            path=path,
            line=exc.lineno,
        ) from exc
    markers = len(_MARKER.findall(_UNPARSED.sub("", text)))
    if len(reader.records) + reader.unread != markers:
        raise ParseError(
            f"found {markers} PubmedArticle/PubmedBookArticle elements but read "
            f"{len(reader.records)} records and {reader.unread} unreadable ones",
            path=path,
        )
    return ReadResult(str(path), FORMAT, tuple(reader.records), tuple(issues))


class _Reader:
    """expat handlers that build one record's element tree at a time and convert it."""

    def __init__(self, path: str, issues: list[IngestIssue]) -> None:
        self.path, self.issues = path, issues
        self.records: list[SourceRecord] = []
        self.unread = 0
        self.depth = 0
        self.builder: ET.TreeBuilder | None = None
        self.record_depth = self.record_line = 0
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._data
        self.parser.EntityDeclHandler = self._entity

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        line = self.parser.CurrentLineNumber
        if self.depth == 1 and name not in _ROOTS:
            raise ParseError(
                f"not PubMed XML: the root element is <{name}>", path=self.path, line=line
            )
        if self.depth > _MAX_DEPTH:
            raise ParseError(f"elements nested over {_MAX_DEPTH} deep", path=self.path, line=line)
        if self.builder is None and name in RECORD_ELEMENTS:
            self.builder = ET.TreeBuilder()
            self.record_depth, self.record_line = self.depth, line
        elif self.builder is None and self.depth == 2:
            self.issues.append(IngestIssue(self.path, line, f"<{name}> is not a record: skipped"))
        if self.builder is not None:
            self.builder.start(name, attributes)

    def _end(self, name: str) -> None:
        if self.builder is not None:
            self.builder.end(name)
            if self.depth == self.record_depth:
                element = self.builder.close()
                self.builder = None
                self._convert(element)
        self.depth -= 1

    def _data(self, data: str) -> None:
        if self.builder is not None:
            self.builder.data(data)

    def _entity(self, name: str, *_: object) -> None:
        line = self.parser.CurrentLineNumber
        raise ParseError(f"entity declaration {name!r} refused", path=self.path, line=line)

    def _convert(self, element: ET.Element) -> None:
        record = _to_record(self.path, self.record_line, element)
        if record is None:
            reason = f"<{element.tag}> has neither MedlineCitation nor BookDocument"
            self.issues.append(IngestIssue(self.path, self.record_line, f"{UNREADABLE}: {reason}"))
            self.unread += 1
        else:
            self.records.append(record)


def _to_record(path: str, line: int, element: ET.Element) -> SourceRecord | None:
    citation = element.find("MedlineCitation")
    if citation is not None:
        return _article(path, line, element, citation)
    document = element.find("BookDocument")
    if document is not None:
        return _book(path, line, element, document)
    return None


def _article(path: str, line: int, element: ET.Element, citation: ET.Element) -> SourceRecord:
    article = _child(citation, "Article")
    issue = _child(article, "Journal/JournalIssue")
    ids = element.findall("PubmedData/ArticleIdList/ArticleId")
    return SourceRecord(
        file=path,
        line=line,
        format=FORMAT,
        type=_first(article, "PublicationTypeList/PublicationType"),
        title=_first(article, "ArticleTitle") or _first(article, "VernacularTitle"),
        authors=_authors(article.find("AuthorList")),
        year=year(_first(issue, "PubDate/Year") or _first(issue, "PubDate/MedlineDate"))
        or year(_first(article, "ArticleDate/Year")),
        journal=_first(article, "Journal/Title")
        or _first(article, "Journal/ISOAbbreviation")
        or _first(citation, "MedlineJournalInfo/MedlineTA"),
        volume=_first(issue, "Volume"),
        issue=_first(issue, "Issue"),
        pages=_pages(article),
        doi=_doi(article, ids),
        pmid=pmid(_first(citation, "PMID")),
        issn=issn(
            _first(article, "Journal/ISSN") or _first(citation, "MedlineJournalInfo/ISSNLinking")
        ),
        abstract=_abstract(article.find("Abstract")),
        keywords=_mesh(citation) + _all(citation, "KeywordList/Keyword"),
        language=_first(article, "Language"),
        raw=_flatten(element),
    )


def _book(path: str, line: int, element: ET.Element, document: ET.Element) -> SourceRecord:
    book = _child(document, "Book")
    chapter = _first(document, "ArticleTitle")
    book_title = _first(book, "BookTitle")
    author_list = document.find("AuthorList")
    if author_list is None:
        lists = book.findall("AuthorList")
        author_list = next((a for a in lists if a.get("Type", "authors") == "authors"), None)
    ids = document.findall("ArticleIdList/ArticleId")
    ids += element.findall("PubmedBookData/ArticleIdList/ArticleId")
    return SourceRecord(
        file=path,
        line=line,
        format=FORMAT,
        type="Book Section" if chapter else "Book",
        title=chapter or book_title,
        authors=_authors(author_list),
        year=year(_first(book, "PubDate/Year") or _first(book, "PubDate/MedlineDate"))
        or year(_first(document, "ContributionDate/Year")),
        journal=book_title if chapter else None,
        volume=_first(book, "Volume"),
        pages=_pages(document),
        doi=_doi(document, ids),
        pmid=pmid(_first(document, "PMID")),
        abstract=_abstract(document.find("Abstract")),
        keywords=_all(document, "KeywordList/Keyword"),
        language=_first(document, "Language"),
        raw=_flatten(element),
    )


def _pages(article: ET.Element) -> str | None:
    given = pages(_first(article, "Pagination/MedlinePgn"))
    start, end = _first(article, "Pagination/StartPage"), _first(article, "Pagination/EndPage")
    return given or pages(start, end)


def _doi(article: ET.Element, ids: list[ET.Element]) -> str | None:
    """A valid ``ELocationID EIdType="doi"``, else the record's own ``ArticleId``."""
    located = [
        e
        for e in article.findall("ELocationID")
        if e.get("EIdType") == "doi" and e.get("ValidYN", "Y") == "Y"
    ]
    listed = [e for e in ids if e.get("IdType") == "doi"]
    return next((found for e in located + listed if (found := doi(_text(e)))), None)


def _authors(author_list: ET.Element | None) -> tuple[str, ...]:
    """ "Surname, Given" from LastName and ForeName (or Initials); CollectiveName as is."""
    names: list[str] = []
    for person in author_list.findall("Author") if author_list is not None else []:
        last, given = _first(person, "LastName"), _first(person, "ForeName")
        given = given or _first(person, "Initials")
        name = f"{last}, {given}" if last and given else last or _first(person, "CollectiveName")
        if name:
            names.append(author(name))
    return tuple(names)


def _abstract(abstract: ET.Element | None) -> str | None:
    """AbstractText parts in order, a labelled part as ``LABEL: text``."""
    if abstract is None:
        return None
    parts = []
    for part in abstract.findall("AbstractText"):
        label, body = part.get("Label"), _text(part)
        parts.append(f"{label}: {body}" if label and body else body)
    return plain_text(" ".join(parts))


def _mesh(citation: ET.Element) -> tuple[str, ...]:
    """MeSH headings as MEDLINE's MH lines: ``*`` before a major topic, qualifiers after ``/``."""
    headings: list[str] = []
    for heading in citation.findall("MeshHeadingList/MeshHeading"):
        terms = [
            ("*" if term.get("MajorTopicYN") == "Y" else "") + _text(term)
            for term in heading
            if term.tag in ("DescriptorName", "QualifierName")
        ]
        if terms:
            headings.append("/".join(terms))
    return tuple(headings)


def _flatten(element: ET.Element) -> tuple[tuple[str, str], ...]:
    """Every attribute and text-bearing element under ``element`` as (path, value)."""
    pairs: list[tuple[str, str]] = []
    _walk(element, "", pairs)
    return tuple(pairs)


def _walk(element: ET.Element, prefix: str, pairs: list[tuple[str, str]]) -> None:
    for child in element:
        path = f"{prefix}/{child.tag}" if prefix else child.tag
        pairs += [(f"{path}@{name}", value) for name, value in child.attrib.items()]
        if _bears_text(child):
            pairs.append((path, _text(child)))
        else:
            _walk(child, path, pairs)


def _bears_text(element: ET.Element) -> bool:
    """A leaf, or mixed content: text beside children, or inline markup / MathML."""
    if len(element) == 0 or (element.text or "").strip():
        return True
    return any(
        (child.tail or "").strip() or _local(child.tag) in _INLINE or _is_math(child.tag)
        for child in element
    )


def _text(element: ET.Element) -> str:
    """The element's text with inline markup dropped and MathML tokens joined."""
    if len(element) == 0:
        return plain_text(element.text or "") or ""
    parts: list[str] = []
    _collect(element, parts, in_math=False)
    return plain_text("".join(parts)) or ""


def _collect(element: ET.Element, parts: list[str], in_math: bool) -> None:
    math = in_math or _is_math(element.tag)
    if math and _local(element.tag) in ("annotation", "annotation-xml"):
        return  # a TeX or content-MathML copy of what the presentation shows
    parts.append((element.text or "").strip() if math else element.text or "")
    for child in element:
        _collect(child, parts, math)
        parts.append((child.tail or "").strip() if math else child.tail or "")


@functools.lru_cache(maxsize=1024)
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _is_math(tag: str) -> bool:
    return _local(tag) == "math"


def _child(element: ET.Element, path: str) -> ET.Element:
    """The sub-element at ``path``, or an empty one so lookups below it find nothing."""
    found = element.find(path)
    return found if found is not None else ET.Element(path)


def _first(element: ET.Element, path: str) -> str | None:
    found = element.find(path)
    return (_text(found) or None) if found is not None else None


def _all(element: ET.Element, path: str) -> tuple[str, ...]:
    return tuple(text for e in element.findall(path) if (text := _text(e)))
