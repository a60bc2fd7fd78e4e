"""Vendor CSV exports: one header row naming the columns, then one row per record.

Recognised by their header's column names (case and surrounding spaces ignored):
our own (what ``sysreview convert --to csv`` writes: ``record_id`` ... ``file, line,
format``), Scopus (``Source title`` + ``EID``), Embase.com (``Author Names`` + ``Emtree ...``),
Lens.org (``Lens ID``), OpenAlex (``display_name`` + ``publication_year``), IEEE Xplore
(``Document Title`` + ``Publication Title``; the short ``Title, Authors, Affiliations,
Abstract, Publication, Category, DOI`` form) and Web of Science (``PT, AU, TI, SO`` tags
or ``Article Title`` + ``UT (Unique WOS ID)``).  Any other CSV whose header has a
title column and an author, year or DOI column is read by column name, with a warning.

Quirks handled:

* Comma, tab or semicolon delimited (taken from the header line; an Excel
  ``sep=;`` first line is honoured); quoted cells may span lines, so a record's
  ``line`` is the physical line where its row starts.
* Author lists use each vendor's separator: ``;`` (Scopus, Lens, WoS, IEEE),
  ``|`` (OpenAlex), ``,`` (Embase ``Liu R., Adler D.G.``; the short IEEE form).
  Scopus ``Author full names`` give "Surname, Given" with an ``(author id)`` that is
  dropped.  Embase keywords hold commas inside parentheses (``cyst (diagnosis,
  surgery)``), which do not split.
* Embase's ``Source`` cell (``Cancer (2004) 102:4 (253-258). Date of Publication: ...``)
  gives journal, year, volume, issue and pages, and its ``Open URL Link`` the DOI and
  ISSN, where no column of their own does.
* ``NA`` (written by R for missing values) counts as empty; OpenAlex DOIs and PMIDs
  are URLs and are reduced to the identifier.
* A row with a different number of cells from the header (a stray quote, a cut-off
  file, junk) is not read but reported with its lines; blank rows are not records.

``raw`` keeps every non-empty cell as ``(column name, value)`` in column order.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

from ..errors import ParseError
from . import _normalise as norm
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from ._text import read_text

FORMAT = "csv"
#: Warnings about a record that could not be read start with this.

Row = Mapping[str, str]  # lower-case column name -> first non-empty value
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?)\s+\((?P<year>\d{4})\)\s*(?P<volume>[^:(\s]+)?"
    r"(?::(?P<issue>[^(\s]+))?\s*(?:\((?P<pages>[^)]*)\))?"
)
_AUTHOR_ID = re.compile(r"\s*\(\d+\)$")
_MISSING = {"", "NA"}


@dataclass(frozen=True)
class Layout:
    """How one vendor's columns map onto the normalised fields.

    ``signatures``: column sets (lower case) any one of which identifies the vendor.
    ``columns``: field -> candidate columns, the first non-empty cell wins.
    ``keywords``: columns whose lists all go into ``keywords``.
    ``separators``: list separators tried in order (``,`` splits outside parentheses).
    """

    vendor: str
    signatures: tuple[frozenset[str], ...]
    columns: Mapping[str, tuple[str, ...]]
    keywords: tuple[str, ...] = ()
    separators: tuple[str, ...] = (";",)
    extra: Callable[[Row], dict[str, str]] | None = field(default=None, compare=False)


def _embase_extra(row: Row) -> dict[str, str]:
    """Journal, year, volume, issue, pages from ``Source``; DOI, ISSN from the link."""
    found: dict[str, str] = {}
    match = _EMBASE_SOURCE.match(row.get("source", ""))
    if match:
        found.update({k: v for k, v in match.groupdict().items() if v})
    query = parse_qs(urlsplit(row.get("open url link", "")).query)
    for name, key in (("doi", "id"), ("issn", "issn"), ("volume", "volume"), ("issue", "issue")):
        value = query.get(key, [""])[0]
        if value and (name != "doi" or value.lower().startswith("doi:")):
            found.setdefault(name, value)
    if "pages" not in found and query.get("spage"):
        found["pages"] = "-".join(query["spage"] + query.get("epage", []))
    return found


def _c(*names: str) -> tuple[str, ...]:
    return names


def _signature(*names: str) -> frozenset[str]:
    return frozenset(names)


LAYOUTS: tuple[Layout, ...] = (
    Layout(  # our own: what ``sysreview convert --to csv`` writes
        "sysreview",
        (_signature("record_id", "title", "file", "line", "format"),),
        {"title": _c("title"), "authors": _c("author"), "year": _c("year"),
         "journal": _c("journal"), "volume": _c("volume"), "issue": _c("number"),
         "pages": _c("pages"), "doi": _c("doi"), "pmid": _c("pmid"), "issn": _c("issn"),
         "abstract": _c("abstract"), "language": _c("language"), "url": _c("url"),
         "type": _c("entry_type")},
        keywords=_c("keywords"),
    ),
    Layout(
        "scopus",
        (_signature("source title", "eid"),),
        {"title": _c("title"), "authors": _c("author full names", "authors"),
         "year": _c("year"), "journal": _c("source title"), "volume": _c("volume"),
         "issue": _c("issue"), "page_start": _c("page start"), "page_end": _c("page end"),
         "doi": _c("doi"), "pmid": _c("pubmed id"), "issn": _c("issn"),
         "abstract": _c("abstract"), "language": _c("language of original document"),
         "url": _c("link"), "type": _c("document type")},
        keywords=_c("author keywords", "index keywords"),
    ),
    Layout(
        "embase",
        (_signature("author names", "emtree medical index terms"),
         _signature("author names", "emtree drug index terms"), _signature("embase link")),
        {"title": _c("title"), "authors": _c("author names"),
         "year": _c("publication year"), "journal": _c("source title"),
         "volume": _c("volume"), "issue": _c("issue"), "page_start": _c("first page"),
         "page_end": _c("last page"), "doi": _c("doi"), "pmid": _c("medline pmid"),
         "issn": _c("issn"), "abstract": _c("abstract"), "language": _c("article language"),
         "url": _c("full text link", "embase link"), "type": _c("publication type")},
        keywords=_c("author keywords", "keywords", "emtree drug index terms",
                    "emtree medical index terms"),
        separators=(";", ","),
        extra=_embase_extra,
    ),
    Layout(
        "lens",
        (_signature("lens id"),),
        {"title": _c("title"), "authors": _c("author/s"), "year": _c("publication year"),
         "journal": _c("source title"), "volume": _c("volume"), "issue": _c("issue number"),
         "page_start": _c("start page"), "page_end": _c("end page"), "doi": _c("doi"),
         "pmid": _c("pmid"), "issn": _c("issns"), "abstract": _c("abstract"),
         "url": _c("external url", "source urls"), "type": _c("publication type")},
        keywords=_c("keywords", "mesh terms"),
    ),
    Layout(
        "openalex",
        (_signature("display_name", "publication_year"), _signature("ids.openalex")),
        {"title": _c("title", "display_name"),
         "authors": _c("authorships.author.display_name"), "year": _c("publication_year"),
         "journal": _c("primary_location.source.display_name", "host_venue.display_name"),
         "volume": _c("biblio.volume"), "issue": _c("biblio.issue"),
         "page_start": _c("biblio.first_page"), "page_end": _c("biblio.last_page"),
         "doi": _c("doi", "ids.doi"), "pmid": _c("ids.pmid"),
         "issn": _c("primary_location.source.issn_l"), "abstract": _c("abstract"),
         "language": _c("language"), "url": _c("primary_location.landing_page_url", "id"),
         "type": _c("type")},
        keywords=_c("keywords.display_name"),
        separators=("|",),
    ),
    Layout(
        "ieee",
        (_signature("document title", "publication title"), _signature("ieee terms"),
         _signature("title", "publication", "category", "affiliations")),
        {"title": _c("document title", "title"), "authors": _c("authors"),
         "year": _c("publication year"), "journal": _c("publication title", "publication"),
         "volume": _c("volume"), "issue": _c("issue"), "page_start": _c("start page"),
         "page_end": _c("end page"), "doi": _c("doi"), "issn": _c("issn"),
         "abstract": _c("abstract"), "url": _c("pdf link"),
         "type": _c("document identifier", "category")},
        keywords=_c("author keywords", "ieee terms", "mesh_terms"),
        separators=(";", ","),
    ),
    Layout(
        "wos",
        (_signature("pt", "au", "ti", "so"), _signature("article title", "ut (unique wos id)")),
        {"title": _c("ti", "article title"), "authors": _c("af", "au", "author full names",
         "authors"), "year": _c("py", "publication year"), "journal": _c("so", "source title"),
         "volume": _c("vl", "volume"), "issue": _c("is", "issue"),
         "page_start": _c("bp", "start page"), "page_end": _c("ep", "end page"),
         "doi": _c("di", "doi"), "pmid": _c("pm", "pubmed id"), "issn": _c("sn", "issn"),
         "abstract": _c("ab", "abstract"), "language": _c("la", "language"),
         "type": _c("dt", "document type")},
        keywords=_c("de", "id", "author keywords", "keywords plus"),
    ),
)  # fmt: skip

GENERIC = Layout(
    "generic",
    (),
    {"title": _c("title", "document title", "article title", "primary title"),
     "authors": _c("authors", "author", "author names", "author full names", "author/s"),
     "year": _c("year", "publication year", "publication_year", "py", "date"),
     "journal": _c("journal", "source title", "publication title", "journal title", "source"),
     "volume": _c("volume"), "issue": _c("issue", "number"),
     "page_start": _c("start page", "page start", "first page"),
     "page_end": _c("end page", "page end", "last page"), "pages": _c("pages"),
     "doi": _c("doi"), "pmid": _c("pmid", "pubmed id"), "issn": _c("issn"),
     "abstract": _c("abstract"), "language": _c("language"), "url": _c("url", "link"),
     "type": _c("type", "document type", "publication type")},
    keywords=_c("keywords", "author keywords"),
    separators=(";", "|"),
)  # fmt: skip


def layout_of(header: list[str]) -> Layout | None:
    """The vendor layout a header row matches, ``GENERIC`` for an unknown layout with
    recognisable columns (a title and an author, year or DOI), else None."""
    names = {name.strip().lower() for name in header}
    for layout in LAYOUTS:
        if any(signature <= names for signature in layout.signatures):
            return layout
    found = {f for f, columns in GENERIC.columns.items() if names.intersection(columns)}
    if "title" in found and found & {"authors", "year", "doi"}:
        return GENERIC
    return None


def sniff(head: str) -> bool:
    """True if the first line is a CSV header naming a vendor's (or recognisable)
    columns."""
    lines = [line for line in head.replace("\r", "\n").split("\n") if line.strip()]
    if not lines:
        return False
    delimiter, skip = _delimiter(lines[0])
    try:
        header = next(csv.reader(lines[skip : skip + 1], delimiter=delimiter), [])
    except csv.Error:
        return False
    return len(header) >= 3 and layout_of(header) is not None


def _delimiter(first_line: str) -> tuple[str, int]:
    """The delimiter and how many lines precede the header (1 after ``sep=;``)."""
    hint = re.fullmatch(r'"?sep=(.)"?', first_line.strip())
    if hint:
        return hint.group(1), 1
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    return max(",\t;", key=unquoted.count), 0


def read(path: str | Path) -> ReadResult:
    """Every data row of a vendor CSV as a ``SourceRecord``.

    Raises ``ParseError`` if the header matches no layout, if the CSV cannot be
    parsed (the line is given), or if rows would be lost.
    """
    file = str(path)
    text, issues = read_text(path)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ParseError("not a CSV export: the file is empty", path=file, line=1)
    delimiter, skip = _delimiter(lines[first])
    offset = first + skip  # physical lines before the header
    reader = csv.reader(io.StringIO("\n".join(lines[offset:])), delimiter=delimiter)
    records: list[SourceRecord] = []
    rows = unreadable = 0
    try:
        header = next(reader, [])
        layout = _layout_or_fail(header, file, offset + 1, issues)
        names = [name.strip() or f"column {i}" for i, name in enumerate(header, 1)]
        for start, end, cells in _data_rows(reader, offset):
            rows += 1
            if len(cells) > len(names) and not any(c.strip() for c in cells[len(names) :]):
                cells = cells[: len(names)]
            if len(cells) == len(names):
                cells_named = list(zip(names, cells, strict=True))
                records.append(_to_record(file, start, layout, cells_named))
                continue
            unreadable += 1
            span = f"lines {start}-{end}" if end > start else f"line {start}"
            reason = f"{len(cells)} cells on {span} but {len(names)} columns"
            issues.append(IngestIssue(file, start, f"{UNREADABLE}: {reason} (stray quote?)"))
    except csv.Error as exc:
        line = offset + reader.line_num
        raise ParseError(f"not readable as CSV: {exc}", path=file, line=line) from None
    if len(records) + unreadable != rows:
        reason = f"{rows} rows but {len(records)} read and {unreadable} unreadable"
        raise ParseError(reason, path=file)
    return ReadResult(file, FORMAT, tuple(records), tuple(issues))


def _layout_or_fail(header: list[str], file: str, line: int, issues: list[IngestIssue]) -> Layout:
    layout = layout_of(header)
    if layout is None:
        raise ParseError(
            f"not a CSV export sysreview recognises (columns: {', '.join(header[:8])})",
            path=file,
            line=line,
            hint="a CSV needs a header row with a title column and authors, year or DOI",
        )
    if layout is GENERIC:
        issues.append(IngestIssue(file, line, "unknown CSV layout: columns matched by name"))
    return layout


class _Reader(Protocol):
    @property
    def line_num(self) -> int: ...
    def __iter__(self) -> Iterator[list[str]]: ...


def _data_rows(reader: _Reader, offset: int) -> Iterator[tuple[int, int, list[str]]]:
    """Non-blank rows after the header with the physical lines they start and end on."""
    previous = offset + reader.line_num
    for cells in reader:
        start, previous = previous + 1, offset + reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, previous, cells


def _to_record(file: str, line: int, layout: Layout, cells: list[tuple[str, str]]) -> SourceRecord:
    row: dict[str, str] = {}
    for name, value in cells:
        if value.strip() not in _MISSING:
            row.setdefault(name.strip().lower(), value)
    extra = layout.extra(row) if layout.extra else {}

    def get(name: str) -> str | None:
        found = next((row[c] for c in layout.columns.get(name, ()) if c in row), None)
        return norm.clean_text(found or extra.get(name))

    keywords = [row[c] for c in layout.keywords if c in row]
    return SourceRecord(
        file=file,
        line=line,
        format=FORMAT,
        type=get("type"),
        title=get("title"),
        authors=_authors(get("authors"), layout.separators),
        year=norm.year(get("year")),
        journal=get("journal"),
        volume=get("volume"),
        issue=get("issue"),
        pages=norm.pages(get("page_start"), get("page_end")) or norm.pages(get("pages")),
        doi=norm.doi(get("doi")),
        pmid=norm.pmid(get("pmid")),
        issn=norm.issn(get("issn")),
        abstract=get("abstract"),
        keywords=_keywords(keywords, layout.separators),
        language=get("language"),
        url=get("url"),
        raw=tuple((name, value) for name, value in cells if value.strip()),
    )


def _split(value: str, separators: tuple[str, ...]) -> list[str]:
    """``value`` split on the first separator it contains; ``,`` only outside
    parentheses."""
    for separator in separators:
        if separator in value:
            if separator == ",":
                return re.split(r",(?![^()]*\))", value)
            return value.split(separator)
    return [value]


def _authors(value: str | None, separators: tuple[str, ...]) -> tuple[str, ...]:
    names = (_AUTHOR_ID.sub("", part).strip() for part in _split(value or "", separators))
    return tuple(norm.author(name) for name in names if name)


def _keywords(values: list[str], separators: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        for part in _split(value, separators):
            word = norm.clean_text(part)
            if word and word.lower() not in seen:
                seen[word.lower()] = word
    return tuple(seen.values())
