"""What a reader returns: records as the file gave them, cleaned, with provenance.

``SourceRecord`` keeps the normalised bibliographic fields every later stage uses
(dedup, screening) *and* every vendor field in ``raw``, in file order with repeats,
so nothing a database exported is lost.  ``ReadResult`` adds the file's format and
the warnings reading produced (a record that could not be read is an ``IngestIssue``
naming file, line and reason — never dropped silently).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: How every reader's warnings begin for a record it found but could not read, so the
#: count of unreadable records is the same question for every format.
UNREADABLE = "record not read"


@dataclass(frozen=True)
class SourceRecord:
    """One bibliographic record read from an export file.

    ``line`` is the 1-based line (or XML element line, or CSV row line) where the
    record starts.  ``authors`` are "Surname, Given" where the source allows it.
    ``year`` is the publication year as an int (``2019//`` -> 2019).  ``doi`` is
    lower-case without URL prefix; ``pmid`` digits only.
    """

    file: str
    line: int
    format: str
    type: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    issn: str | None = None
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    language: str | None = None
    url: str | None = None
    raw: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["authors"] = list(self.authors)
        out["keywords"] = list(self.keywords)
        out["raw"] = [list(pair) for pair in self.raw]
        return out


_FIELDS = frozenset(f.name for f in fields(SourceRecord))


def record_of(values: dict[str, Any]) -> SourceRecord:
    """``SourceRecord(**values)``, every field given, for readers that make thousands: the
    frozen dataclass's ``__init__`` sets the 19 fields by one ``object.__setattr__`` call
    each, 8x slower (4% of the time of reading a RIS file).  The record is equal to the
    one ``__init__`` makes (which validates or converts no field either)."""
    if values.keys() != _FIELDS:
        raise TypeError(f"not the fields of SourceRecord: {sorted(values.keys() ^ _FIELDS)}")
    record = object.__new__(SourceRecord)
    record.__dict__.update(values)
    return record


@dataclass(frozen=True)
class IngestIssue:
    """Something about the file a user should know: where, and what."""

    file: str
    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        in_field = f" field '{self.field}':" if self.field else ""
        return f"{where}:{in_field} {self.message}"


@dataclass(frozen=True)
class ReadResult:
    file: str
    format: str
    records: tuple[SourceRecord, ...]
    warnings: tuple[IngestIssue, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "records": [r.to_dict() for r in self.records],
            "warnings": [str(w) for w in self.warnings],
        }
