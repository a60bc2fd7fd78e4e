"""Ovid's own text export (Ovid MEDLINE, Embase, PsycINFO, Journals@Ovid ...).

Each record starts with a ``<n>`` line; its fields come in one of two layouts:

* labelled blocks (the "Ovid Fields" / "Complete Reference" display): a label at the
  start of a line (``Title``, ``Author``, ``Source``, ``DOI Number`` ...) and the value
  on the indented lines below it, blank lines allowed inside (reference lists,
  an abstract's copyright line);
* tagged lines (the "Reprint/MEDLARS" display): ``TI  - value`` with indented
  continuation lines.

Quirks taken care of: a search-strategy header (``Database: ...``) before ``<1>``;
trailing spaces after ``<n>`` and labels; whitespace-only lines; authors separated by
``;  `` (two spaces) with affiliation marks (``Kohler, Lars 1``, ``Verbeek, Jan MD *``)
or by two spaces alone (``Mustermann  Musterfrau``), while ``;`` with one space stays
inside a name (``Bunkers, Sandra RN; PhD``); editors marked ``[Ed]``; the article type
appended to titles (``...Life.[Miscellaneous]``); ``-`` for an empty value; journal,
volume, issue, pages and year found in ``Source`` (``Journal.   28(2):103-106, April
2015.`` or PsycINFO's ``Journal. Vol 28(2) April 2015, 103-106.``).

The record markers are the ``<n>`` lines: each becomes a ``SourceRecord`` or an
``IngestIssue`` (a marker with no fields under it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParseError
from . import _normalise as norm
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from .ris import decoded_text, issn_of, pmid_in_link

FORMAT = "ovid"

_MARKER = re.compile(r"<(\d+)>\s*$")
_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) {0,3}- (.*)$")
_LABEL = re.compile(r"[A-Z][A-Za-z0-9/&()'., -]*[A-Za-z)]\s*$")
_AUTHOR_MARKS = re.compile(r"(\s+(\d+(,\s*\d+)*|[*+#]+))+$")  # affiliation marks
_TITLE_TYPE = re.compile(r"(?<=[.?!])\[[A-Za-z ,-]+\]\s*$")  # "...Life.[Miscellaneous]"
_JOURNAL_SOURCE = re.compile(  # Journal.   28(2):103-106, April 2015.
    r"(?P<journal>.+?)\.\s+(?P<volume>[\w-]+)(?:\((?P<issue>[^)]*)\))?\s*:\s*(?P<pages>[\w-]+)"
    r"\s*,\s*(?P<date>.*)$"
)
_PSYCINFO_SOURCE = re.compile(  # Journal. Vol 28(2) April 2015, 103-106.
    r"(?P<journal>.+?)\.\s+Vol\s+(?P<volume>[^(\s,]+)(?:\((?P<issue>[^)]*)\))?,?\s*"
    r"(?P<date>[^,]*?)\s*,\s*(?:pp?\.\s*)?(?P<pages>[\w-]+)\.?$"
)
_BOOK_PAGES = re.compile(r"\(pp\.\s*([\w-]+)\)")

#: Labels and MEDLARS tags -> the field they fill (lower-case labels).
FIELDS: dict[str, str] = {
    "title": "title", "ti": "title", "article title": "title",
    "chapter title": "chapter_title",
    "author": "authors", "authors": "authors", "au": "authors",
    "authors full name": "full_names", "fa": "full_names",
    "editor": "editors", "editors": "editors",
    "source": "source", "so": "source",
    "journal name": "journal", "jn": "journal", "journal title": "journal",
    "volume": "volume", "vo": "volume", "issue": "issue", "issue/part": "issue", "ip": "issue",
    "pages": "pages", "page": "pages", "pg": "pages",
    "year of publication": "year", "publication year": "year", "yr": "year",
    "date of publication": "date", "dp": "date",
    "abstract": "abstract", "ab": "abstract",
    "doi number": "doi", "digital object identifier": "doi", "doi": "doi", "do": "doi",
    "pubmed id": "pmid", "pmid": "pmid", "medline pmid": "pmid",
    "unique identifier": "uid", "ui": "uid", "database": "database", "db": "database",
    "issn": "issn", "issn print": "issn", "issn electronic": "issn", "is": "issn",
    "language": "language", "lg": "language",
    "publication type": "type", "document type": "type", "pt": "type",
    "author keywords": "keywords", "keywords": "keywords", "kw": "keywords",
    "keyword heading": "keywords", "mesh subject headings": "keywords", "mh": "keywords",
    "subject headings": "keywords",
    "url": "url", "ur": "url", "link to the ovid full text or citation": "link",
}  # fmt: skip


def sniff(head: str) -> bool:
    """True if a ``<n>`` line is followed by a field label or tag, or the text opens
    with Ovid's search-strategy header."""
    lines = head.lstrip("\ufeff").split("\n")
    if lines[0].startswith("Database:") and "Search Strategy:" in head:
        return True
    for index, line in enumerate(lines):
        if _MARKER.match(line):
            following = next((x for x in lines[index + 1 :] if x.strip()), "")
            return bool(_LABEL.match(following) or _TAG.match(following))
    return False


def read(path: str | Path) -> ReadResult:
    """Every record of an Ovid text export, with warnings; ``ParseError`` if it is not one."""
    text, issues = decoded_text(path)
    name = str(path)
    lines = text.split("\n")
    blocks, preamble = _split(lines)
    if not blocks:
        first = next((i for i, line in enumerate(lines, 1) if line.strip()), 1)
        raise ParseError(
            "no '<n>' record line: not an Ovid text export (records start with '<1>', '<2>' ...)",
            path=path,
            line=first,
            hint="check the export format, or name another one with --format",
        )
    warnings = list(issues)
    if preamble and not lines[preamble[0] - 1].startswith("Database:"):
        warnings.append(
            IngestIssue(name, preamble[0], f"{len(preamble)} line(s) before '<1>' not read")
        )
    records: list[SourceRecord] = []
    for block in blocks:
        if block.fields:
            records.append(_record(name, block))
        else:
            warnings.append(IngestIssue(name, block.line, f"{UNREADABLE}: no fields under it"))
    markers = sum(1 for line in lines if _MARKER.match(line))
    if markers != len(blocks):
        raise ParseError(f"{markers} '<n>' lines but {len(blocks)} records", path=path)
    return ReadResult(name, FORMAT, tuple(records), tuple(warnings))


@dataclass
class _Block:
    """One record: ``fields`` as (label or tag, value lines)."""

    line: int
    fields: list[tuple[str, list[str]]] = field(default_factory=list)


def _split(lines: Sequence[str]) -> tuple[list[_Block], list[int]]:
    """Records, and the non-blank lines before the first one."""
    blocks: list[_Block] = []
    preamble: list[int] = []
    value: list[str] | None = None
    for number, line in enumerate(lines, 1):
        if _MARKER.match(line):
            blocks.append(_Block(number))
            value = None
        elif not blocks:
            if line.strip():
                preamble.append(number)
        elif not line.strip():
            if value is not None:
                value.append("")
        elif line[0] not in " \t":
            tagged = _TAG.match(line)
            value = [tagged.group(2).strip()] if tagged else []
            blocks[-1].fields.append((tagged.group(1) if tagged else line.strip(), value))
        else:
            if value is None:
                value = []
                blocks[-1].fields.append(("", value))
            value.append(line.strip())
    return blocks, preamble


def _record(name: str, block: _Block) -> SourceRecord:
    raw = tuple((label, "\n".join(lines).strip()) for label, lines in block.fields)
    by_field: dict[str, list[str]] = {}
    for label, value in raw:
        key = FIELDS.get(label.lower().rstrip(":"))
        if key and value and value != "-":
            by_field.setdefault(key, []).append(value)

    def first(key: str) -> str | None:
        return next((v for v in map(norm.clean_text, by_field.get(key, ())) if v), None)

    source = _parse_source(first("source"))
    title = first("title") or first("chapter_title")
    return SourceRecord(
        file=name,
        line=block.line,
        format=FORMAT,
        type=_strip_dot(first("type")),
        title=_TITLE_TYPE.sub("", title) if title else None,
        authors=_authors(by_field),
        year=_first_year(first("year"), first("date"), source.get("date"), first("source")),
        journal=first("journal") or source.get("journal"),
        volume=first("volume") or source.get("volume"),
        issue=first("issue") or source.get("issue"),
        pages=norm.pages(first("pages") or source.get("pages")),
        doi=next((d for d in map(norm.doi, by_field.get("doi", ())) if d), None),
        pmid=_pmid(by_field),
        issn=issn_of(by_field.get("issn", ())),
        abstract=first("abstract"),
        keywords=tuple(_keywords(by_field.get("keywords", ()))),
        language=_strip_dot(first("language")),
        url=first("url") or _first_url(by_field.get("link", ())),
        raw=raw,
    )


def _first_year(*values: str | None) -> int | None:
    return next((y for y in map(norm.year, values) if y), None)


def _strip_dot(value: str | None) -> str | None:
    return (value.rstrip(".").strip() or None) if value else None


def _authors(by_field: dict[str, list[str]]) -> tuple[str, ...]:
    """Full names if Ovid gave them; names marked ``[Ed]`` only if there are no others."""
    for key in ("full_names", "authors", "editors"):
        names = [n for value in by_field.get(key, ()) for n in _split_names(value)]
        authors = [n for n in names if "[Ed]" not in n]
        if authors or names:
            return tuple(norm.author(n.replace("[Ed]", "")) for n in (authors or names))
    return ()


def _split_names(value: str) -> list[str]:
    names: list[str] = []
    for line in value.split("\n"):
        if re.search(r";\s{2,}", line):
            parts = re.split(r";\s{2,}", line)
        elif ";" not in line:
            parts = re.split(r"\s{2,}", line.strip())
        else:
            parts = [line]
        names += [_AUTHOR_MARKS.sub("", p.strip()).rstrip(";") for p in parts]
    return [n for n in names if n.strip()]


def _keywords(values: Iterable[str]) -> list[str]:
    terms = (t for v in values for line in v.split("\n") for t in line.split(";"))
    cleaned = (norm.clean_text(t.strip().rstrip(".")) for t in terms)
    return [t for t in cleaned if t]


def _parse_source(source: str | None) -> dict[str, str]:
    """Journal, volume, issue and pages from Ovid's ``Source`` line, where it has them."""
    if not source:
        return {}
    text = source.strip().rstrip(".")
    for pattern in (_JOURNAL_SOURCE, _PSYCINFO_SOURCE):
        if match := pattern.match(text):
            return {k: v.strip() for k, v in match.groupdict().items() if v and v.strip()}
    if match := _BOOK_PAGES.search(text):
        return {"pages": match.group(1)}
    if not re.search(r"\d", text):  # ahead of print: the journal's name alone
        return {"journal": text}
    return {}


def _pmid(by_field: dict[str, list[str]]) -> str | None:
    for value in by_field.get("pmid", ()):
        if found := norm.pmid(value):
            return found
    databases = " ".join(by_field.get("database", ()))
    if not databases or re.search(r"medline|pubmed", databases, re.IGNORECASE):
        for value in by_field.get("uid", ()):
            if re.fullmatch(r"\s*\d{1,8}\.?\s*", value):
                return value.strip().rstrip(".")
    links = [*by_field.get("link", []), *by_field.get("url", [])]
    return next((found for found in map(pmid_in_link, links) if found), None)


def _first_url(values: Sequence[str]) -> str | None:
    match = re.search(r"https?://\S+", " ".join(values))
    return match.group(0) if match else None
