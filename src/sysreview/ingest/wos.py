"""Web of Science plain text ("Other file formats: Plain text", also ``.ciw``/``.isi``).

The format
----------
The file opens with a header, ``FN Clarivate Analytics Web of Science`` (older:
``FN ISI Export Format``) and ``VR 1.0``; each record runs from a ``PT`` line to an
``ER`` line; ``EF`` ends the file.  A field line is a two-character tag, ONE space
and the value (``AU Smith, J``); further lines of the field are indented by three
spaces.  For the list fields (authors, editors, group authors, cited references,
addresses) each continuation line is another value; for the others (title,
abstract, keywords, ...) it is the same value wrapped.  Clarivate's field tags,
as read into the normalised fields:

========  =================================================================
PT, DT    publication type (J journal, B book, S series, P patent, C
          conference); document type ("Article", "Review")   -> ``type``
AU, AF    authors ("Smith, J"); full names ("Smith, John"), preferred
TI, SO    title; source (journal or proceedings title)
PY, EY    publication year; early-access year (EA: its date) -> ``year``
VL, IS    volume, issue;  BP, EP, AR begin/end page, article number
DI, PM    DOI; PubMed id;  SN, EI ISSN, eISSN;  LA language
AB        abstract;  DE author keywords, ID Keywords Plus (";"-separated)
UT        accession number (WOS:...);  CR cited references;  C1 addresses
========  =================================================================

Every field is kept in ``SourceRecord.raw`` as (tag, value).

Quirks handled
--------------
* A byte-order mark, CRLF, latin-1 bytes (``read_text``), no final newline.
* Concatenated exports (several FN ... EF sections in one file).
* A record without ``ER`` (the next ``PT`` or the file's end closes it) and a
  field line outside any record (opens one), each with a warning.
* A stray line (neither tagged nor indented) is kept as a continuation with a
  warning naming the line; blank lines inside a record are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParseError
from ._normalise import author, doi, issn, pages, plain_text, pmid, year
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from ._text import read_text

FORMAT = "wos"

_FIELD = re.compile(r"(?P<tag>[A-Z][A-Z0-9])(?: (?P<value>.*))?")
#: Fields where each line is one value (continuations are further values).
LIST_FIELDS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "CR", "C1"})
_FILE_TAGS = frozenset({"FN", "VR", "EF"})
_TYPES = {"J": "Journal", "B": "Book", "S": "Book in series", "P": "Patent", "C": "Conference"}
_HEADER = re.compile(r"\A\s*FN \S.*\nVR ")
_TAGGED = re.compile(r"^[A-Z][A-Z0-9] \S", re.MULTILINE)
#: "PT J": one space, then the type (MEDLINE's "PT  - Journal Article" is not one).
_WOS_PT = re.compile(r"^PT \S", re.MULTILINE)
_WOS_PT_ALONE = re.compile(r"^PT [A-Z]\s*$", re.MULTILINE)


@dataclass
class _Block:
    """One record as read: its first line, whether a PT line opened it, its fields."""

    line: int
    opened_by_pt: bool
    fields: list[list[str]] = field(default_factory=list)


def sniff(head: str) -> bool:
    """True for an ``FN``/``VR`` header, or a ``PT x`` line among 2-letter tags with
    one space (RIS has ``TY  - `` with two spaces and a hyphen)."""
    if _HEADER.match(head):
        return True
    return bool(_WOS_PT_ALONE.search(head)) and len(_TAGGED.findall(head)) >= 3


def read(path: str | Path) -> ReadResult:
    """Every record of a Web of Science plain-text file; see the module docstring."""
    text, issues = read_text(path)
    lines = text.split("\n")
    if not (re.match(r"\s*FN \S", text) or _WOS_PT.search(text)):
        number, first = next(
            ((n, line) for n, line in enumerate(lines, 1) if line.strip()), (1, "")
        )
        raise ParseError(
            f"not Web of Science plain text: no 'FN' header or 'PT' line (first: {first[:60]!r})",
            path=path,
            line=number,
        )
    blocks = _split(lines, str(path), issues)
    markers = sum(1 for line in lines if _tag(line) == "PT")
    if sum(b.opened_by_pt for b in blocks) != markers:
        raise ParseError(f"found {markers} PT lines but read {len(blocks)} records", path=path)
    records: list[SourceRecord] = []
    for block in blocks:
        if not any(value for tag, value in block.fields if tag != "PT"):
            issues.append(IngestIssue(str(path), block.line, f"{UNREADABLE}: no fields"))
            continue
        records.append(_to_record(str(path), block))
    if not blocks:
        issues.append(IngestIssue(str(path), None, "no records in file"))
    return ReadResult(str(path), FORMAT, tuple(records), tuple(issues))


def _split(lines: list[str], path: str, issues: list[IngestIssue]) -> list[_Block]:
    """Lines -> records (PT ... ER); continuations joined or listed; stray lines reported."""
    splitter = _Splitter(path, issues)
    for number, line in enumerate(lines, 1):
        if line.strip():
            splitter.feed(number, line)
    splitter.end_of_file()
    return splitter.blocks


class _Splitter:
    """The record state machine: outside a record, or inside one opened at ``current``."""

    def __init__(self, path: str, issues: list[IngestIssue]) -> None:
        self.path, self.issues = path, issues
        self.blocks: list[_Block] = []
        self.current: _Block | None = None

    def feed(self, number: int, line: str) -> None:
        match = _FIELD.fullmatch(line.rstrip())
        if match is None:
            self._untagged(number, line)
            return
        tag, value = match["tag"], (match["value"] or "").strip()
        if tag == "ER" and self.current is not None:
            self.current = None
        elif tag in _FILE_TAGS or tag == "ER":
            if self.current is not None:
                self._unclosed(f"{tag} line {number} comes first")
            elif tag == "ER":
                self._warn(number, "ER line outside any record")
        else:
            if tag == "PT" and self.current is not None:
                self._unclosed(f"the next PT, line {number}, comes first")
            if self.current is None:
                self.current = _Block(number, opened_by_pt=tag == "PT")
                self.blocks.append(self.current)
                if tag != "PT":
                    self._warn(number, f"record starts without a PT line (at {tag})")
            self.current.fields.append([tag, value])

    def end_of_file(self) -> None:
        if self.current is not None:
            self._unclosed("the file ends inside it: it may be truncated")

    def _untagged(self, number: int, line: str) -> None:
        if self.current is None:
            self._warn(number, f"line outside any record skipped: {line[:60]!r}")
            return
        if not line[0].isspace():
            tag = self.current.fields[-1][0]
            self._warn(number, f"line neither tagged nor indented: kept in {tag}")
        _continue(self.current.fields, line.strip())

    def _unclosed(self, why: str) -> None:
        assert self.current is not None
        self._warn(self.current.line, f"record has no ER line ({why})")
        self.current = None

    def _warn(self, line: int, message: str) -> None:
        self.issues.append(IngestIssue(self.path, line, message))


def _tag(line: str) -> str | None:
    match = _FIELD.fullmatch(line.rstrip())
    return match["tag"] if match else None


def _continue(fields: list[list[str]], text: str) -> None:
    """A continuation line: another value of a list field, else more of the same value."""
    tag = fields[-1][0]
    if tag in LIST_FIELDS:
        fields.append([tag, text])
    else:
        fields[-1][1] = f"{fields[-1][1]} {text}".strip()


def _to_record(path: str, block: _Block) -> SourceRecord:
    values: dict[str, list[str]] = {}
    for tag, value in block.fields:
        if value:
            values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str | None:
        return next((plain_text(values[t][0]) for t in tags if t in values), None)

    names = values.get("AF") or values.get("AU") or values.get("BF") or values.get("BA") or []
    document_type = (first("DT") or "").split(";")[0].strip()  # "Article; Early Access"
    return SourceRecord(
        file=path,
        line=block.line,
        format=FORMAT,
        type=document_type or _TYPES.get(first("PT") or "", first("PT")),
        title=first("TI"),
        authors=tuple(author(n) for n in names + values.get("CA", [])),
        year=year(first("PY")) or year(first("EY")) or year(first("EA")) or year(first("PD")),
        journal=first("SO"),
        volume=first("VL"),
        issue=first("IS"),
        pages=pages(first("BP"), first("EP")) or first("AR"),
        doi=doi(first("DI")),
        pmid=pmid(first("PM")),
        issn=issn(first("SN", "EI")),
        abstract=first("AB"),
        keywords=_split_keywords(values.get("DE", []) + values.get("ID", [])),
        language=first("LA"),
        raw=tuple((tag, value) for tag, value in block.fields),
    )


def _split_keywords(values: list[str]) -> tuple[str, ...]:
    terms = (plain_text(term) for value in values for term in value.split(";"))
    return tuple(term for term in terms if term)
