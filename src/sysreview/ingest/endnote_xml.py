"""EndNote XML: ``<xml><records><record>...`` as written by EndNote, Zotero and Mendeley.

Each ``<record>`` holds one reference as nested elements (``titles/title``,
``contributors/authors/author``, ``dates/year``, ``electronic-resource-num`` ...).

Quirks handled:

* EndNote wraps every text in one or more ``<style face=... size=...>`` elements
  (a title in italics is split over several); Zotero and Mendeley write bare text.
  A field's value is all its text joined, with the ``<style>`` wrappers dropped.
  The parser has already decoded entities, so ``<``, ``>`` and ``&`` in that text are
  data (``&lt;ORIGINAL&gt;`` in the Respiratory library, ``P &lt; .001`` in abstracts).
* Whole libraries are often written on one physical line, so most records of such a
  file start on line 1; pretty-printed files give each record its own line.
* ``isbn`` carries ISSNs for journal articles, several separated by ``&#xD;``;
  ``number`` is the issue (Zotero also writes ``issue``); the PMID sits in
  ``accession-num`` or in a PubMed URL.
* A file that is not well-formed XML (cut short, junk pasted in) is read record by
  record: every ``<record>`` that parses is kept, every one that does not becomes a
  warning with the parser's message and line, never a silent loss.

``raw`` keeps every element with text as ``(path, text)`` where the path is relative
to ``<record>`` (``"titles/title"``), and attributes as ``"path@name"``
(``"ref-type@name"`` -> ``"Journal Article"``); ``<style>`` attributes are formatting
and are left out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from ..errors import ParseError
from . import _normalise as norm
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from ._text import read_text

FORMAT = "endnote_xml"
#: Warnings about a record that could not be read start with this.

_SIGNATURE = re.compile(r"<xml>\s*<records>\s*(?:<record[\s>]|</records>)")
_MARKER = re.compile(r"<record(?=[\s/>])")
_HIDDEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*>", re.DOTALL)
_PUBMED_URL = re.compile(r"(?:ncbi\.nlm\.nih\.gov/pubmed/|pubmed\.ncbi\.nlm\.nih\.gov/)(\d{1,9})")
_STYLE = "style"
_END = "</record>"

Fields = dict[str, list[str]]


def sniff(head: str) -> bool:
    """True if the text starts like EndNote XML (``<xml><records><record>``)."""
    return _SIGNATURE.search(head) is not None


def read(path: str | Path) -> ReadResult:
    """Every ``<record>`` of an EndNote XML file as a ``SourceRecord``.

    Raises ``ParseError`` if the file is not EndNote XML, or if the number of
    ``<record>`` elements differs from the records read plus those reported unreadable.
    """
    file = str(path)
    text, issues = read_text(path)
    starts = [m.start() for m in _MARKER.finditer(_blank(text))]
    lines = _line_index(text)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        parsed = _read_one_by_one(file, text, starts, lines, exc, issues)
    else:
        if root.tag != "xml" or root.find("records") is None:
            raise ParseError(
                f"not EndNote XML: the root element is <{root.tag}>, not <xml><records>",
                path=file,
                line=1,
            )
        elements = list(root.iter("record"))
        if len(elements) != len(starts):
            raise ParseError(
                f"{len(starts)} <record> tags but {len(elements)} record elements",
                path=file,
            )
        parsed = list(zip(starts, elements, strict=True))
    records = []
    for offset, element in parsed:
        line = _line_of(lines, offset)
        records.append(_to_record(file, line, element, issues))
    unreadable = sum(1 for issue in issues if issue.message.startswith(UNREADABLE))
    if len(records) + unreadable != len(starts):
        raise ParseError(
            f"{len(starts)} <record> tags but {len(records)} read and {unreadable} unreadable",
            path=file,
        )
    if not starts:
        issues.append(IngestIssue(file, None, "no <record> elements: the export is empty"))
    return ReadResult(file, FORMAT, tuple(records), tuple(issues))


def _read_one_by_one(
    file: str,
    text: str,
    starts: list[int],
    lines: list[int],
    error: ET.ParseError,
    issues: list[IngestIssue],
) -> list[tuple[int, ET.Element]]:
    """Records of a file that is not well-formed, each parsed on its own."""
    line, column = error.position
    if not starts:
        raise ParseError(
            f"not EndNote XML: not well-formed ({_reason(error)}, column {column}) "
            "and no <record> found",
            path=file,
            line=line,
        )
    issues.append(
        IngestIssue(
            file,
            line,
            f"not well-formed XML ({_reason(error)}, column {column}): records read one by one",
        )
    )
    parsed: list[tuple[int, ET.Element]] = []
    bounds = [*starts[1:], len(text)]
    for start, stop in zip(starts, bounds, strict=True):
        record_line = _line_of(lines, start)
        chunk = text[start:stop]
        empty = re.match(r"<record[^>]*/>", chunk)
        end = empty.end() - len(_END) if empty else chunk.find(_END)
        if end < 0:
            issues.append(IngestIssue(file, record_line, f"{UNREADABLE}: <record> is never closed"))
            continue
        try:
            parsed.append((start, ET.fromstring(chunk[: end + len(_END)])))
        except ET.ParseError as exc:
            where = record_line + exc.position[0] - 1
            issues.append(
                IngestIssue(file, record_line, f"{UNREADABLE}: {_reason(exc)} (line {where})")
            )
    return parsed


def _reason(error: ET.ParseError) -> str:
    """The parser's message without its own ``line n, column m`` suffix."""
    return re.sub(r":\s*line \d+, column \d+$", "", str(error))


def _blank(text: str) -> str:
    """Comments, CDATA, processing instructions and DOCTYPE replaced by spaces (line
    ends and offsets kept), so that only real ``<record`` tags are counted."""

    def spaces(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _HIDDEN.sub(spaces, text)


def _line_index(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", text)]


def _line_of(newlines: list[int], offset: int) -> int:
    """1-based line of a character offset (binary search over the newline offsets)."""
    low, high = 0, len(newlines)
    while low < high:
        mid = (low + high) // 2
        if newlines[mid] < offset:
            low = mid + 1
        else:
            high = mid
    return low + 1


def _fields(element: ET.Element, prefix: str = "") -> list[tuple[str, str]]:
    """Every element with text as (path, text), attributes as (path@name, value)."""
    pairs: list[tuple[str, str]] = []
    for child in element:
        if not isinstance(child.tag, str) or child.tag == _STYLE:
            continue
        path = f"{prefix}/{child.tag}" if prefix else child.tag
        pairs += [(f"{path}@{name}", value) for name, value in child.attrib.items()]
        nested = [c for c in child if c.tag != _STYLE]
        if nested:
            own = (child.text or "").strip()
            if own:
                pairs.append((path, own))
            pairs += _fields(child, path)
        else:
            value = "".join(child.itertext()).strip()
            if value:
                pairs.append((path, value))
    return pairs


def _to_record(
    file: str, line: int, element: ET.Element, issues: list[IngestIssue]
) -> SourceRecord:
    raw = _fields(element)
    if not raw:
        issues.append(IngestIssue(file, line, "record is empty"))
    values: Fields = defaultdict(list)
    for tag, value in raw:
        values[tag].append(value)
    urls = values["urls/related-urls/url"] + values["urls/web-urls/url"]
    return SourceRecord(
        file=file,
        line=line,
        format=FORMAT,
        type=_first(values, "ref-type@name", "ref-type"),
        title=_first(values, "titles/title", "titles/short-title"),
        authors=tuple(norm.author(a) for a in values["contributors/authors/author"] if a.strip()),
        year=norm.year(_first(values, "dates/year", "dates/pub-dates/date")),
        journal=_first(
            values, "periodical/full-title", "titles/secondary-title", "periodical/abbr-1"
        ),
        volume=_first(values, "volume"),
        issue=_first(values, "issue", "number"),
        pages=norm.pages(_first(values, "pages")),
        doi=norm.doi(_first(values, "electronic-resource-num")) or _doi_in(urls),
        pmid=_pmid(values, urls),
        issn=norm.issn(_first(values, "isbn")),
        abstract=_first(values, "abstract"),
        keywords=tuple(k for k in map(norm.plain_text, values["keywords/keyword"]) if k),
        language=_first(values, "language"),
        url=norm.plain_text(urls[0]) if urls else None,
        raw=tuple(raw),
    )


def _first(values: Fields, *tags: str) -> str | None:
    """The first non-empty cleaned value among ``tags``, in the order given."""
    for tag in tags:
        for value in values.get(tag, ()):
            cleaned = norm.plain_text(value)
            if cleaned:
                return cleaned
    return None


def _doi_in(urls: list[str]) -> str | None:
    return next((d for d in map(norm.doi, urls) if d), None)


def _pmid(values: Fields, urls: list[str]) -> str | None:
    """A PubMed URL's ID, else ``accession-num`` when it is all digits and the record
    came from PubMed/MEDLINE (or names no database: EndNote's PubMed import)."""
    for url in urls:
        match = _PUBMED_URL.search(url)
        if match:
            return match.group(1)
    accession = (_first(values, "accession-num") or "").strip()
    database = " ".join(values["remote-database-name"] + values["remote-database-provider"]).lower()
    from_pubmed = not database or any(k in database for k in ("pubmed", "medline", "nlm"))
    if re.fullmatch(r"\d{1,9}", accession) and from_pubmed:
        return accession
    return None
