"""Reading bibliographic exports: one module per format, a registry keyed by format,
and detection from the file's content (its extension only breaks ties).

    >>> from sysreview import ingest
    >>> result = ingest.read("embase.ris")          # format detected
    >>> result.format, len(result.records), result.warnings
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..errors import ParseError
from . import bibtex, csv_export, endnote_xml, json_export, medline, ovid, pubmed_xml, ris, wos
from ._record import IngestIssue, ReadResult, SourceRecord
from ._text import read_text
from .writers import WRITERS, write

#: Readers in detection order: the most specific signatures first.
READERS: dict[str, ModuleType] = {
    module.FORMAT: module
    for module in (
        json_export,
        endnote_xml,
        pubmed_xml,
        wos,
        medline,
        ovid,
        ris,
        bibtex,
        csv_export,
    )
}

_EXTENSIONS = {
    ".ris": "ris", ".nbib": "medline", ".ciw": "wos", ".isi": "wos", ".bib": "bibtex",
    ".csv": "csv", ".xml": "endnote_xml", ".json": "json",
}  # fmt: skip


def detect(path: str | Path) -> str:
    """The format of an export file, from its first 4 KB (and extension on a tie)."""
    text, _ = read_text(path)
    head = text[:4096]
    matches = [name for name, module in READERS.items() if module.sniff(head)]
    if not matches:
        first = next((line for line in text.splitlines() if line.strip()), "")
        raise ParseError(
            f"not a format sysreview reads (first line: {first[:60]!r})",
            path=path,
            line=1,
            hint=f"formats: {', '.join(READERS)}; name one with --format",
        )
    if len(matches) > 1:
        by_extension = _EXTENSIONS.get(Path(path).suffix.lower())
        if by_extension in matches:
            return by_extension
    return matches[0]


def read(path: str | Path, format: str | None = None) -> ReadResult:
    """Every record of one export file (see ``SourceRecord``), with warnings."""
    if not Path(path).is_file():
        raise ParseError("no such file", path=path)
    name = format or detect(path)
    if name not in READERS:
        raise ParseError(f"unknown format {name!r} (formats: {', '.join(READERS)})", path=path)
    result: ReadResult = READERS[name].read(path)
    return result


__all__ = [
    "READERS",
    "WRITERS",
    "IngestIssue",
    "ReadResult",
    "SourceRecord",
    "detect",
    "read",
    "read_text",
    "write",
]
