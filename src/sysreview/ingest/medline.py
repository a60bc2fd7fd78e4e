"""MEDLINE / .nbib: PubMed's tagged text format ("Save" or "Send to: Citation manager").

The format
----------
A record is a block of ``TAG - value`` lines: a tag of two to four capitals padded
to four columns, then ``- `` (``PMID- 30776994``, ``TI  - Impact of ...``,
``FAU - Smith, John A``).  A value too long for one line continues on lines
indented by six spaces.  Records begin with ``PMID-`` and are separated by blank
lines.  The elements (NLM's "MEDLINE/PubMed Data Element (Field) Descriptions")
read into the normalised fields:

==========  ===============================================================
PMID        PubMed identifier                                -> ``pmid``
TI, BTI     article title; book title (books and chapters)  -> ``title``
FAU, AU     full author name ("Smith, John A"), preferred;
            else the abbreviated one ("Smith JA")            -> ``authors``
CN          corporate (collective) author                    -> ``authors``
DP, DEP     date of publication ("2019 Mar 5"); electronic  -> ``year``
JT, TA      journal title; its abbreviation                  -> ``journal``
VI, IP, PG  volume, issue, pagination ("454-81")             -> ``pages``
LID, AID    location / article identifiers ("10.x/y [doi]")  -> ``doi``
IS          ISSN with "(Print)", "(Electronic)", "(Linking)" -> ``issn``
AB          abstract;  MH MeSH headings ("*" marks a major topic), OT other
            terms (author keywords) -> ``keywords``;  LA language;  PT
            publication type -> ``type``;  SO source citation, written last
==========  ===============================================================

Every line is kept in ``SourceRecord.raw`` as (tag, value), continuation lines
joined into the value they continue.

Quirks handled
--------------
* CRLF, a byte-order mark, latin-1 bytes (``read_text``, with a warning).
* No final newline: the last record is read (the ``nbib`` package drops it).
* A stray line (neither ``TAG - `` nor indented) does not lose the file: inside a
  record it is kept as a continuation of the field before it, between records it
  is skipped; both with a warning naming the line.
* Tags written unpadded (``PMID-22664220``, ``TI-``) and empty values.
* Blocks without ``PMID`` (JabRef's test file) are records too; a ``PMID-`` line
  in a record that already has one starts a new record (a missing blank line).
* A last record without the ``SO`` line every other record ends with is reported
  as possibly truncated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParseError
from ._normalise import author, doi, issn, pages, plain_text, pmid, year
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from ._text import read_text

FORMAT = "medline"

#: A field line: ``PMID- 1``, ``TI  - x``, and the unpadded ``PMID-1`` / ``TI-``.
_FIELD = re.compile(r"(?P<tag>[A-Z][A-Z0-9]{1,3}) *-(?: ?(?P<value>.*))?")
#: Tags only MEDLINE writes (RIS tags are two letters): enough to recognise the format.
_MEDLINE_ONLY = re.compile(
    r"^(?:PMID- ?\d|(?:OWN |STAT|DCOM|FAU |LID |EDAT|MHDA|CRDT|PHST|JID |PST |DEP |PMC )-)",
    re.MULTILINE,
)
_RIS_START = re.compile(r"^TY  - ", re.MULTILINE)


@dataclass
class _Block:
    """The fields of one record as read: [tag, value] in file order."""

    line: int
    fields: list[list[str]] = field(default_factory=list)

    def has_pmid(self) -> bool:
        return any(tag == "PMID" for tag, _ in self.fields)


def sniff(head: str) -> bool:
    """True if the text starts like MEDLINE: a ``PMID-`` line or two MEDLINE-only tags."""
    if _RIS_START.search(head):
        return False
    found = {m.group(0)[:4] for m in _MEDLINE_ONLY.finditer(head)}
    return "PMID" in found or len(found) >= 2


def read(path: str | Path) -> ReadResult:
    """Every record of a MEDLINE file; see the module docstring for the quirks handled."""
    text, issues = read_text(path)
    lines = text.split("\n")
    if not _MEDLINE_ONLY.search(text):
        number, first = next(
            ((n, line) for n, line in enumerate(lines, 1) if line.strip()), (1, "")
        )
        raise ParseError(
            f"not MEDLINE: no 'PMID- ' or other MEDLINE tag line (first line: {first[:60]!r})",
            path=path,
            line=number,
        )
    blocks = _split(lines, str(path), issues)
    _check_count(path, lines, blocks)
    records: list[SourceRecord] = []
    for block in blocks:
        if not any(value for _, value in block.fields):
            issues.append(IngestIssue(str(path), block.line, f"{UNREADABLE}: tags without values"))
            continue
        records.append(_to_record(str(path), block))
    _warn_if_truncated(str(path), blocks, issues)
    return ReadResult(str(path), FORMAT, tuple(records), tuple(issues))


def _split(lines: list[str], path: str, issues: list[IngestIssue]) -> list[_Block]:
    """Lines -> blocks of fields; continuation lines joined, stray lines reported."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            current = None
            continue
        match = _FIELD.fullmatch(line)
        if match:
            tag, value = match["tag"], (match["value"] or "").strip()
            if current is None or (tag == "PMID" and current.has_pmid()):
                current = _Block(number)
                blocks.append(current)
            current.fields.append([tag, value])
        elif current is None:
            issues.append(
                IngestIssue(path, number, f"line outside any record skipped: {line[:60]!r}")
            )
        else:
            if not line[0].isspace():
                message = f"line not 'TAG - value' nor indented: kept in {current.fields[-1][0]}"
                issues.append(IngestIssue(path, number, message))
            last = current.fields[-1]
            last[1] = f"{last[1]} {line.strip()}".strip()
    return blocks


def _check_count(path: str | Path, lines: list[str], blocks: list[_Block]) -> None:
    """Blank-line-separated blocks with a field line, plus extra ``PMID-`` lines within
    one block, must each have become a block; else the splitter lost something."""
    expected = 0
    fields = pmids = 0
    for line in [*lines, ""]:
        if not line.strip():
            expected += max(pmids, 1) if fields else 0
            fields = pmids = 0
        elif match := _FIELD.fullmatch(line):
            fields += 1
            pmids += match["tag"] == "PMID"
    if expected != len(blocks):
        raise ParseError(
            f"found {expected} record markers but read {len(blocks)} records", path=path
        )


def _warn_if_truncated(path: str, blocks: list[_Block], issues: list[IngestIssue]) -> None:
    """PubMed writes ``SO`` last in every record: if every other record has it and the
    last has not, the file was probably cut short."""
    if len(blocks) < 2 or any(tag == "SO" for tag, _ in blocks[-1].fields):
        return
    if all(any(tag == "SO" for tag, _ in block.fields) for block in blocks[:-1]):
        message = "last record has no SO line (PubMed writes it last): the file may be truncated"
        issues.append(IngestIssue(path, blocks[-1].line, message))


def _to_record(path: str, block: _Block) -> SourceRecord:
    values: dict[str, list[str]] = {}
    for tag, value in block.fields:
        if value:
            values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str | None:
        return next((plain_text(values[t][0]) for t in tags if t in values), None)

    def joined(tag: str) -> str | None:
        return plain_text(" ".join(values.get(tag, [])))

    return SourceRecord(
        file=path,
        line=block.line,
        format=FORMAT,
        type=first("PT"),
        title=joined("TI") or joined("BTI"),
        authors=_authors(block.fields),
        year=year(first("DP")) or year(first("DEP")),
        journal=first("JT", "TA"),
        volume=first("VI"),
        issue=first("IP"),
        pages=pages(first("PG")),
        doi=_doi(values.get("LID", []) + values.get("AID", [])),
        pmid=pmid(first("PMID")),
        issn=issn(values.get("IS", [""])[0]),
        abstract=joined("AB"),
        keywords=tuple(plain_text(v) or v for v in values.get("MH", []) + values.get("OT", [])),
        language=first("LA"),
        raw=tuple((tag, value) for tag, value in block.fields),
    )


def _authors(fields: list[list[str]]) -> tuple[str, ...]:
    """FAU (full names) if the record has them, else AU; corporate CN in file order."""
    personal = "FAU" if any(tag == "FAU" and value for tag, value in fields) else "AU"
    return tuple(author(v) for tag, v in fields if v and tag in (personal, "CN"))


def _doi(identifiers: list[str]) -> str | None:
    """The ``[doi]``-tagged identifier; else one with no type that holds a DOI."""
    tagged = [v for v in identifiers if v.lower().endswith("[doi]")]
    untyped = [v for v in identifiers if not v.endswith("]")]
    return next((d for v in tagged + untyped if (d := doi(v))), None)
