"""RIS: the tagged format every database and reference manager exports.

A record is a run of ``XX  - value`` lines that starts with ``TY`` (the record type)
and ends with ``ER``.  Each vendor bends the format a little; this reader takes what
they write:

* byte-order marks, CRLF and latin-1 bytes (see ``read_text``);
* ``ER  -`` without the trailing space, and one space instead of two before the dash;
* untagged lines continue the free-text value above them: Web of Science indents them
  by three spaces, EndNote writes one keyword or note a line, Scopus one reference a
  line, Dimensions one abstract section a line.  ``raw`` keeps those line breaks;
  keywords take each line as one term.  An untagged line after a short structured
  field (``VL``, ``PY``, ``AU``, ``DO``, ``SN`` ... see ``STRUCTURED_TAGS``) is no
  continuation but a line that lost its tag or junk: it is kept in ``raw`` under the
  empty tag ``""`` and reported, naming the field it would have extended;
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
from pathlib import Path
from urllib.parse import unquote

from ..errors import ParseError
from . import _normalise as norm
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord, record_of
from ._text import read_text

FORMAT = "ris"

_TAG = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?:[ \t](.*))?$")
_SNIFF = re.compile(r"^TY {1,2}- ?[A-Za-z][A-Za-z ]*$", re.MULTILINE)
#: A ``TY`` line after the first: a literal start lets the regex engine skip ahead.
_TY_LINE = re.compile(r"\nTY {1,2}-(?:[ \t]|$)", re.MULTILINE)
_DIGITS = re.compile(r"\d{1,9}")
_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})\b|\b(\d{1,9})\s*\[PMID\]", re.IGNORECASE)
_PMID_LINK = re.compile(  # Ovid MEDLINE's own link, or an OpenURL resolver's id=pmid:
    r"ovidweb\.cgi\?(?=.*[?&]D=(?:med|prem|mes|ppez|pmnm)\w*(?:&|$))(?=.*[?&]AN=(\d{1,9})(?:&|$))"
    r"|[?&]id=pmid:(\d{1,9})\b",
    re.IGNORECASE,
)
#: What every match of ``_PMID_NOTE``, of ``_PMID_LINK`` has in it: looked for first.
_PMID_NOTE_WORDS = ("PMID",)
_PMID_LINK_WORDS = ("OVIDWEB.CGI?", "ID=PMID:")
_PUBMED_SOURCE = re.compile(r"pubmed|medline|\bNLM\b", re.IGNORECASE)
_URL_QUERY = re.compile(r"[?&]")
_DOI_NOTE = re.compile(r"\s*(doi:|https?://(dx\.)?doi\.org/)", re.IGNORECASE)

TITLE_TAGS = ("TI", "T1", "ST")
AUTHOR_TAGS = ("AU", "A1")
OTHER_NAME_TAGS = ("A2", "A3", "A4")  # editors, collaborators: used only when no AU/A1
JOURNAL_TAGS = ("JF", "JO", "T2", "JA", "J2", "J1")
YEAR_TAGS = ("PY", "Y1", "DA")
ABSTRACT_TAGS = ("AB", "N2")
DOI_LINK_TAGS = ("UR", "L3", "L2", "L1", "L4", "LK", "M3")
NOTE_TAGS = ("U1", "U2", "U3", "U4", "U5", "M1", "M2", "N1", "AN")
#: Short structured fields, one value a line: no exporter continues them on untagged
#: lines (checked on every real export), so such a line is junk or a lost tag.
STRUCTURED_TAGS = frozenset(
    ("TY", "AU", "A1", "A2", "A3", "A4", "PY", "Y1", "Y2", "DA", "VL", "IS", "SP", "EP",
     "DO", "SN", "AN", "C2", "LA", "ET", "ID")
)  # fmt: skip
_NAMED = frozenset(TITLE_TAGS + AUTHOR_TAGS)
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: The start of a line with any tag ``_TAG`` accepts, and the tag: a ``XX  - value``
#: line (nearly every line) needs no regex, and all records share one string per tag.
_PREFIXES = {f"{a}{b}  - ": a + b for a in _UPPER for b in _UPPER + "0123456789"}


def sniff(head: str) -> bool:
    """True if the text has a ``TY  - CODE`` line (RIS's record start)."""
    return _SNIFF.search(head.lstrip("\ufeff")) is not None


def read(path: str | Path) -> ReadResult:
    """Every record of a RIS file, with warnings; ``ParseError`` if it is not RIS."""
    text, issues = decoded_text(path)
    name = str(path)
    lines = text.split("\n")
    blocks, orphans = _scan(lines)
    if not blocks:
        first = next((i for i, line in enumerate(lines, 1) if line.strip()), 1)
        what = "empty file" if not text.strip() else "no 'TY  - ' line"
        raise ParseError(
            f"{what}: not a RIS file (a RIS record starts with 'TY  - ')",
            path=path,
            line=first,
            hint="check the export format, or name another one with --format",
        )
    records: list[SourceRecord] = []
    warnings = [*issues, *_block_issues(name, blocks, orphans)]
    for block in blocks:
        record = _record(name, block)
        if record is None:
            warnings.append(IngestIssue(name, block.line, f"{UNREADABLE}: 'TY' with no fields"))
        else:
            records.append(record)
    _check_counts(name, text, lines[0], len(records), len(blocks) - len(records))
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


class _Block:
    """One record: its fields as ``raw`` keeps them, grouped by tag, and where it starts
    and ends."""

    __slots__ = ("by_tag", "end", "fields", "line", "more", "stray", "untagged")

    def __init__(self, line: int, kind: str) -> None:
        self.line = line
        self.fields: list[tuple[str, str]] = [("TY", kind)]  # (tag, stripped first line)
        self.by_tag: dict[str, list[str]] = {"TY": [kind]}  # the same values by tag
        #: field index -> (its index in ``by_tag[tag]``, its continuation lines)
        self.more: dict[int, tuple[int, list[str]]] = {}
        self.end: int | None = None  # the first ER line
        self.stray: int | None = None  # the first title or author line after ER
        #: untagged lines after a structured field: (line number, the field's tag)
        self.untagged: list[tuple[int, str]] = []

    def join_lines(self) -> None:
        """Each field with continuation lines as one value, as ``raw`` keeps it."""
        for index, (position, more) in self.more.items():
            tag, first = self.fields[index]
            value = "\n".join([first, *more]).strip()
            self.fields[index] = (tag, value)
            self.by_tag[tag][position] = value
        self.more = {}


def _scan(lines: Sequence[str]) -> tuple[list[_Block], list[int]]:
    """Lines into records, and the numbers of the lines before the first (``TY``) one.

    One loop with its state in local variables: this is about a third of a read's time.
    """
    blocks: list[_Block] = []
    orphans: list[int] = []
    block: _Block | None = None
    fields: list[tuple[str, str]] = []
    add = fields.append  # to the fields of the current record ...
    group: dict[str, list[str]] = {}  # ... and the same values by tag
    more: list[str] | None = None  # continuation lines of the last field, once it has one
    extend = False  # whether an untagged line continues the last field
    ended = False  # whether the current record had its ER line
    blanks = 0
    prefix_tag = _PREFIXES.get
    for number, line in enumerate(lines, 1):
        if tag := prefix_tag(line[:6]):
            value = line[6:].strip()
        elif line[2:3] == " " and (match := _TAG.match(line)):
            tag, value = match.group(1), (match.group(2) or "").strip()
        else:
            extend, more, blanks = _untagged(lines, number, block, orphans, extend, more, blanks)
            continue
        blanks, more = 0, None
        if tag == "TY":
            block = _Block(number, value)
            blocks.append(block)
            add, group, extend, ended = block.fields.append, block.by_tag, True, False
        elif block is None:
            orphans.append(number)
        elif tag == "ER":
            block.end = block.end or number
            extend, ended = False, True
            if value:  # a value on ER is unusual: keep it
                add((tag, value))
                group.setdefault(tag, []).append(value)
        else:
            add((tag, value))
            if (values := group.get(tag)) is None:
                group[tag] = [value]
            else:
                values.append(value)
            extend = True
            if ended and block.stray is None and tag in _NAMED:
                block.stray = number
    return blocks, orphans


def _untagged(
    lines: Sequence[str],
    number: int,
    block: _Block | None,
    orphans: list[int],
    extend: bool,
    more: list[str] | None,
    blanks: int,
) -> tuple[bool, list[str] | None, int]:
    """A line with no tag: blank, Ovid's record number, a continuation line, or a field
    of its own.  Returns ``_scan``'s new ``extend``, ``more`` and ``blanks``."""
    text = lines[number - 1].strip()
    if not text:
        return extend, more, blanks + 1
    if text[-1] == "." and text[:-1].isdecimal() and _is_record_number(lines, number, block):
        return False, more, blanks
    if block is None:
        orphans.append(number)
    elif extend and more is None and (tag := block.fields[-1][0]) in STRUCTURED_TAGS:
        block.untagged.append((number, tag))  # not a continuation: a field of its own
        block.fields.append(("", text))
        block.by_tag.setdefault("", []).append(text)
        return True, None, 0
    elif extend and not (blanks and block.end is not None):
        if more is None:  # the field's first continuation line
            more, tag = [], block.fields[-1][0]
            block.more[len(block.fields) - 1] = (len(block.by_tag[tag]) - 1, more)
        more.extend([""] * blanks)  # blank lines inside a field are kept
        more.append(text)
    else:  # after ER, or after a blank line after ER: a field of its own
        block.fields.append(("", text))
        block.by_tag.setdefault("", []).append(text)
        return True, None, 0
    return extend, more, 0


def _is_record_number(lines: Sequence[str], number: int, block: _Block | None) -> bool:
    """Ovid's ``1.`` lines: outside a record, or just before the next ``TY``."""
    if block is None or block.end is not None:
        return True
    following = (line for line in lines[number:] if line.strip())
    match = _TAG.match(next(following, ""))
    return match is not None and match.group(1) == "TY"


def _block_issues(name: str, blocks: list[_Block], orphans: list[int]) -> list[IngestIssue]:
    """A record with no ``ER``, with a title or author after it, or with untagged lines
    after a structured field; lines before the first."""
    issues: list[IngestIssue] = []
    for block in blocks:
        issues.extend(
            IngestIssue(
                name,
                number,
                "a line with no tag cannot continue this field (one short value): not "
                "added to it, kept with the record (a tag may be missing)",
                field=tag,
            )
            for number, tag in block.untagged
        )
        if block.end is None:
            issues.append(
                IngestIssue(name, block.line, "record has no 'ER' line: it may be cut short")
            )
        elif block.stray is not None:
            issues.append(
                IngestIssue(
                    name,
                    block.stray,
                    "title or author after 'ER' with no 'TY' line: kept with the record above "
                    "(a 'TY' line may be missing)",
                )
            )
    if orphans:
        issues.append(
            IngestIssue(name, orphans[0], f"{len(orphans)} line(s) before the first 'TY' not read")
        )
    return issues


def _check_counts(name: str, text: str, first: str, records: int, unreadable: int) -> None:
    """Every ``TY`` line is a record read or one reported unreadable, or we say so (the
    lines counted again by a regex of their own, not by the parser)."""
    head = _TAG.match(first)
    markers = len(_TY_LINE.findall(text)) + (head is not None and head.group(1) == "TY")
    if markers != records + unreadable:
        raise ParseError(
            f"{markers} 'TY' lines but {records} records read and {unreadable} unreadable",
            path=name,
        )


def _record(name: str, block: _Block) -> SourceRecord | None:
    if len(block.fields) < 2:  # the TY line alone
        return None
    block.join_lines()
    by_tag = block.by_tag
    return record_of(
        {
            "file": name,
            "line": block.line,
            "format": FORMAT,
            "type": _first(by_tag, ("TY",)),
            "title": _first(by_tag, TITLE_TAGS),
            "authors": _authors(by_tag),
            "year": _year(by_tag),
            "journal": _first(by_tag, JOURNAL_TAGS),
            "volume": _first(by_tag, ("VL",)),
            "issue": _first(by_tag, ("IS",)),
            "pages": _pages(_first(by_tag, ("SP",)), _first(by_tag, ("EP",))),
            "doi": _doi(by_tag),
            "pmid": pmid_of(by_tag),
            "issn": issn_of(by_tag.get("SN", ())),
            "abstract": _abstract(by_tag),
            "keywords": tuple(_terms(by_tag.get("KW", ()))),
            "language": _first(by_tag, ("LA",)),
            "url": _first(by_tag, ("UR", "L2")),
            "raw": tuple(block.fields),
        }
    )


def _first(by_tag: dict[str, list[str]], tags: Iterable[str]) -> str | None:
    """The first value of ``tags`` (in that order) that is not empty once cleaned."""
    for tag in tags:
        for value in by_tag.get(tag, ()):
            if cleaned := _text(value):
                return cleaned
    return None


def _text(value: str | None) -> str | None:
    """Cleaned text; ``NA`` (what R-based exporters write for missing) is None."""
    cleaned = norm.clean_text(value)
    return None if cleaned == "NA" else cleaned


def _terms(values: Iterable[str]) -> list[str]:
    """Each line of the values, cleaned: EndNote and AGRIS write a name or term a line."""
    terms = []
    for value in values:
        for line in value.split("\n") if "\n" in value else (value,):
            if cleaned := _text(line):
                terms.append(cleaned)
    return terms


def _authors(by_tag: dict[str, list[str]]) -> tuple[str, ...]:
    for tags in (AUTHOR_TAGS, OTHER_NAME_TAGS):
        if names := _terms(v for t in tags for v in by_tag.get(t, ())):
            return tuple(n for n in map(norm.author, names) if n)
    return ()


def _year(by_tag: dict[str, list[str]]) -> int | None:
    for tag in YEAR_TAGS:
        for value in by_tag.get(tag, ()):
            if found := norm.year(value):
                return found
    return None


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
            for part in _URL_QUERY.split(value):  # a URL's query: doi=10.1000%2Fx&md5=...
                if found := norm.doi(unquote(part)):
                    return found
    for value in by_tag.get("N1", ()):
        if _DOI_NOTE.match(value):
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
            if norm.may_contain(value, _PMID_NOTE_WORDS) and (match := _PMID_NOTE.search(value)):
                return match.group(1) or match.group(2)
    links = (v for tag in ("UR", "L2", "L1", "L3", "L4", "") for v in by_tag.get(tag, ()))
    return next((found for found in map(pmid_in_link, links) if found), None)


def pmid_in_link(value: str) -> str | None:
    """The PubMed ID in an Ovid MEDLINE link (``D=medl&...&AN=123``) or an OpenURL
    (``id=pmid:123``)."""
    match = norm.may_contain(value, _PMID_LINK_WORDS) and _PMID_LINK.search(value)
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
