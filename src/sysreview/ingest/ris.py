"""RIS: the tagged format every database and reference manager exports.

A record is a run of ``XX  - value`` lines that starts with ``TY`` (the record type)
and ends with ``ER``.  Each vendor bends the format a little; this reader takes what
they write:

* byte-order marks, CRLF and latin-1 bytes (see ``read_text``);
* ``ER  -`` without the trailing space, and one space instead of two before the dash;
* untagged lines continue the value above them: Web of Science indents them by three
  spaces, EndNote writes one author or keyword a line, Scopus one reference a line,
  Dimensions one abstract section a line.  ``raw`` keeps those line breaks; authors
  and keywords take each line as one name or term;
* Ovid's record-number lines (``1.``) between records, and what Ovid writes *after*
  ``ER`` (``NL  - ...``, "Link to the Ovid Full Text ..."): kept in ``raw`` of the
  record above, untagged text under the empty tag ``""``;
* EBSCOhost's second ``AB`` (a copyright notice) is not abstract text; Ovid PsycINFO's
  ``SP - No`` / ``EP - Specified`` is not a page range; ``NA`` (AGRIS) means missing;
* authors are ``AU`` and ``A1`` (Web of Science puts group authors in ``A1``);
  ``A2``-``A4`` (editors, but also Ovid PsycINFO's list of cited surnames and Ovid
  MEDLINE's collaborators) only when there are none; the journal is the first of
  ``JF``, ``JO``, ``T2``, ``JA``, ``J2``, ``J1``;
* Scopus gives the PubMed ID in ``C2``, Dimensions in ``U1`` ("123 [PMID]"), EBSCOhost
  in ``N1`` ("PMID: 123"), EndNote's PubMed export in ``AN``, Ovid MEDLINE only in its
  link (``D=medp&...&AN=123``); the DOI may sit in ``DO``, ``L3`` (EBSCOhost) or a URL.

The record markers are the ``TY`` lines: each becomes a ``SourceRecord`` or an
``IngestIssue`` saying why it could not be read (a ``TY`` with no fields).  ``ER`` is
syntax, not data, and is not kept in ``raw``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from ..errors import ParseError
from . import _normalise as norm
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from ._text import read_text

FORMAT = "ris"

_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?:[ \t](.*))?$")
_SNIFF = re.compile(r"^TY {1,2}- ?[A-Za-z][A-Za-z ]*$", re.MULTILINE)
_RECORD_NUMBER = re.compile(r"\s*\d+\.\s*$")
_DIGITS = re.compile(r"\d{1,9}")
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b|\b(\d{1,9})\s*\[PMID\]", re.IGNORECASE)
_PMID_LINK = re.compile(  # Ovid MEDLINE's own link, or an OpenURL resolver's id=pmid:
    r"ovidweb\.cgi\?(?=.*[?&]D=(?:med|prem|mes|ppez|pmnm)\w*(?:&|$))(?=.*[?&]AN=(\d{1,9})(?:&|$))"
    r"|[?&]id=pmid:(\d{1,9})\b",
    re.IGNORECASE,
)
_PUBMED_SOURCE = re.compile(r"pubmed|medline|\bNLM\b", re.IGNORECASE)

TITLE_TAGS = ("TI", "T1", "ST")
AUTHOR_TAGS = ("AU", "A1")
OTHER_NAME_TAGS = ("A2", "A3", "A4")  # editors, collaborators: used only when no AU/A1
JOURNAL_TAGS = ("JF", "JO", "T2", "JA", "J2", "J1")
YEAR_TAGS = ("PY", "Y1", "DA")
ABSTRACT_TAGS = ("AB", "N2")
DOI_LINK_TAGS = ("UR", "L3", "L2", "L1", "L4", "LK", "M3")
NOTE_TAGS = ("U1", "U2", "U3", "U4", "U5", "M1", "M2", "N1", "AN")


def sniff(head: str) -> bool:
    """True if the text has a ``TY  - CODE`` line (RIS's record start)."""
    return _SNIFF.search(head.lstrip("\ufeff")) is not None


def read(path: str | Path) -> ReadResult:
    """Every record of a RIS file, with warnings; ``ParseError`` if it is not RIS."""
    text, issues = decoded_text(path)
    name = str(path)
    lines = text.split("\n")
    parser = _Parser(name)
    parser.run(lines)
    if not parser.blocks:
        first = next((i for i, line in enumerate(lines, 1) if line.strip()), 1)
        what = "empty file" if not text.strip() else "no 'TY  - ' line"
        raise ParseError(
            f"{what}: not a RIS file (a RIS record starts with 'TY  - ')",
            path=path,
            line=first,
            hint="check the export format, or name another one with --format",
        )
    records: list[SourceRecord] = []
    warnings = [*issues, *parser.issues]
    for block in parser.blocks:
        record = _record(name, block)
        if record is None:
            warnings.append(IngestIssue(name, block.line, f"{UNREADABLE}: 'TY' with no fields"))
        else:
            records.append(record)
    _check_counts(name, lines, len(records), len(parser.blocks) - len(records))
    return ReadResult(name, FORMAT, tuple(records), tuple(warnings))


def decoded_text(path: str | Path) -> tuple[str, list[IngestIssue]]:
    """``read_text``, with undecodable bytes (a UTF-16 byte-order mark before bytes that
    are not UTF-16) as a ``ParseError`` instead of a traceback."""
    try:
        return read_text(path)
    except UnicodeDecodeError as error:
        raise ParseError(
            f"cannot decode the file as {error.encoding} ({error.reason})",
            path=path,
            hint="save the export as UTF-8",
        ) from None


@dataclass
class _Block:
    """One record's lines: ``fields`` as (tag, value lines, line number)."""

    line: int
    fields: list[tuple[str, list[str], int]] = field(default_factory=list)
    end: int | None = None


class _Parser:
    """Splits lines into records (``blocks``) and notes what does not fit (``issues``)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.blocks: list[_Block] = []
        self.issues: list[IngestIssue] = []
        self._current: list[str] | None = None  # value lines the next untagged line extends
        self._blanks = 0
        self._orphans: list[int] = []  # lines outside any record

    def run(self, lines: Sequence[str]) -> None:
        for number, line in enumerate(lines, 1):
            match = _TAG.match(line)
            if match:
                self._tagged(number, match.group(1), (match.group(2) or "").rstrip())
            elif not line.strip():
                self._blanks += 1
            elif _RECORD_NUMBER.match(line) and self._is_record_number(lines, number):
                self._current = None
            else:
                self._untagged(number, line.strip())
        self._close()
        if self._orphans:
            first, count = self._orphans[0], len(self._orphans)
            self.issues.append(
                IngestIssue(self.name, first, f"{count} line(s) before the first 'TY' not read")
            )

    def _is_record_number(self, lines: Sequence[str], number: int) -> bool:
        """Ovid's ``1.`` lines: outside a record, or just before the next ``TY``."""
        block = self.blocks[-1] if self.blocks else None
        if block is None or block.end is not None:
            return True
        following = (line for line in lines[number:] if line.strip())
        match = _TAG.match(next(following, ""))
        return match is not None and match.group(1) == "TY"

    def _tagged(self, number: int, tag: str, value: str) -> None:
        self._blanks = 0
        if tag == "TY":
            self._close()
            self.blocks.append(_Block(number))
        block = self.blocks[-1] if self.blocks else None
        if block is None:
            self._orphans.append(number)
            self._current = None
        elif tag == "ER":
            block.end = block.end or number
            self._current = None
            if value.strip():  # a value on ER is unusual: keep it
                block.fields.append((tag, [value], number))
        else:
            self._current = [value]
            block.fields.append((tag, self._current, number))

    def _untagged(self, number: int, text: str) -> None:
        block = self.blocks[-1] if self.blocks else None
        if block is None:
            self._orphans.append(number)
        elif self._current is None or (block.end is not None and self._blanks):
            self._current = [text]
            block.fields.append(("", self._current, number))
        else:
            self._current.extend([""] * self._blanks if block.end is None else [])
            self._current.append(text)
        self._blanks = 0

    def _close(self) -> None:
        """Warn about the record just finished if it has no ``ER`` or stray fields."""
        if not self.blocks:
            return
        block = self.blocks[-1]
        if block.end is None:
            self.issues.append(
                IngestIssue(self.name, block.line, "record has no 'ER' line: it may be cut short")
            )
            return
        named = TITLE_TAGS + AUTHOR_TAGS
        stray = [n for tag, _, n in block.fields if n > block.end and tag in named]
        if stray:
            self.issues.append(
                IngestIssue(
                    self.name,
                    stray[0],
                    "title or author after 'ER' with no 'TY' line: kept with the record above "
                    "(a 'TY' line may be missing)",
                )
            )


def _check_counts(name: str, lines: Sequence[str], records: int, unreadable: int) -> None:
    """Every ``TY`` line is a record read or one reported unreadable, or we say so."""
    markers = sum(1 for line in lines if (m := _TAG.match(line)) and m.group(1) == "TY")
    if markers != records + unreadable:
        raise ParseError(
            f"{markers} 'TY' lines but {records} records read and {unreadable} unreadable",
            path=name,
        )


def _record(name: str, block: _Block) -> SourceRecord | None:
    raw = tuple((tag, "\n".join(lines).strip()) for tag, lines, _ in block.fields)
    if not any(tag != "TY" for tag, _ in raw):
        return None
    by_tag: dict[str, list[str]] = {}
    for tag, value in raw:
        by_tag.setdefault(tag, []).append(value)

    def first(tags: Iterable[str]) -> str | None:
        return next((v for t in tags for v in map(_text, by_tag.get(t, ())) if v), None)

    return SourceRecord(
        file=name,
        line=block.line,
        format=FORMAT,
        type=first(["TY"]),
        title=first(TITLE_TAGS),
        authors=_authors(by_tag),
        year=next((y for t in YEAR_TAGS for y in map(norm.year, by_tag.get(t, ())) if y), None),
        journal=first(JOURNAL_TAGS),
        volume=first(["VL"]),
        issue=first(["IS"]),
        pages=_pages(first(["SP"]), first(["EP"])),
        doi=_doi(by_tag),
        pmid=pmid_of(by_tag),
        issn=issn_of(by_tag.get("SN", ())),
        abstract=_abstract(by_tag),
        keywords=tuple(k for v in by_tag.get("KW", ()) for k in _lines(v)),
        language=first(["LA"]),
        url=first(["UR", "L2"]),
        raw=raw,
    )


def _text(value: str | None) -> str | None:
    """Cleaned text; ``NA`` (what R-based exporters write for missing) is None."""
    cleaned = norm.clean_text(value)
    return None if cleaned == "NA" else cleaned


def _lines(value: str) -> list[str]:
    return [t for t in map(_text, value.split("\n")) if t]


def _authors(by_tag: dict[str, list[str]]) -> tuple[str, ...]:
    for tags in (AUTHOR_TAGS, OTHER_NAME_TAGS):
        names = [norm.author(n) for t in tags for v in by_tag.get(t, ()) for n in _lines(v)]
        if names:
            return tuple(n for n in names if n)
    return ()


def _pages(start: str | None, end: str | None) -> str | None:
    if (start, end) == ("No", "Specified"):  # Ovid PsycINFO: "No Specified" pages
        return None
    return norm.pages(start, end)


def _doi(by_tag: dict[str, list[str]]) -> str | None:
    for value in by_tag.get("DO", ()):
        if found := norm.doi(value):
            return found
    for tag in DOI_LINK_TAGS:
        for value in by_tag.get(tag, ()):
            for part in re.split(r"[?&]", value):  # a URL's query: doi=10.1000%2Fx&md5=...
                if found := norm.doi(unquote(part)):
                    return found
    for value in by_tag.get("N1", ()):
        if re.match(r"\s*(doi:|https?://(dx\.)?doi\.org/)", value, re.IGNORECASE):
            return norm.doi(value)
    return None


def pmid_of(by_tag: dict[str, list[str]]) -> str | None:
    """The PubMed ID, wherever this vendor put it (see the module docstring)."""
    for value in by_tag.get("C2", ()):
        if _DIGITS.fullmatch(value.strip()):
            return value.strip()
    from_pubmed = any(_PUBMED_SOURCE.search(v) for t in ("DB", "DP") for v in by_tag.get(t, ()))
    for value in by_tag.get("AN", ()) if from_pubmed else ():
        if _DIGITS.fullmatch(value.strip()):
            return value.strip()
    for tag in NOTE_TAGS:
        for value in by_tag.get(tag, ()):
            if tag == "N1" and value.lstrip().startswith("References"):
                continue
            if match := _PMID_NOTE.search(value):
                return match.group(1) or match.group(2)
    links = (v for tag in ("UR", "L2", "L1", "L3", "L4", "") for v in by_tag.get(tag, ()))
    return next((found for found in map(pmid_in_link, links) if found), None)


def pmid_in_link(value: str) -> str | None:
    """The PubMed ID in an Ovid MEDLINE link (``D=medl&...&AN=123``) or an OpenURL
    (``id=pmid:123``)."""
    match = _PMID_LINK.search(value)
    return (match.group(1) or match.group(2)) if match else None


def issn_of(values: Iterable[str]) -> str | None:
    """The first ISSN (``NNNN-NNNC``) among the values; ISBNs do not match."""
    return next((found for value in values if (found := norm.issn(value))), None)


def _abstract(by_tag: dict[str, list[str]]) -> str | None:
    for tag in ABSTRACT_TAGS:
        parts = [v for v in by_tag.get(tag, ()) if not _is_copyright_notice(v)]
        if text := _text(" ".join(parts)):
            return text
    return None


def _is_copyright_notice(value: str) -> bool:
    """EBSCOhost's extra ``AB``: "Copyright of <journal> is the property of ..."."""
    return value.startswith("Copyright of ") and "is the property of" in value
