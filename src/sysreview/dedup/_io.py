"""Standalone deduplication input and output: a table of records in, ``record_id,group_id`` out.

The input has the columns of the labelled benchmarks (``record_id, title, author, year,
journal, volume, number, pages, doi, abstract``; ``pmid`` and ``entry_type`` are used
when present, other columns ignored) in CSV, TSV, XLSX or JSON.  Rows become
:class:`sysreview.model.Record`, the same records a review imports, so one deduplicator
serves both.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import ParseError
from ..ingest import _normalise as clean
from ..model import Record
from ..tabular import read_table
from ._gc import cycle_collector_paused

_AUTHOR_SEPARATORS = re.compile(r"\s+and\s+|\s*;\s*|\s*\|\s*")


def split_authors(text: str) -> tuple[str, ...]:
    """Authors from one cell: BibTeX ``A and B``, ``A; B`` or ``A | B``; a cell with
    no separator stays one string (the comparison reads names out of it)."""
    if "and" not in text and "|" not in text:  # most cells: "A; B" only
        parts = text.split(";")
    else:
        parts = _AUTHOR_SEPARATORS.split(text)
    return tuple(stripped for a in parts if (stripped := a.strip()))


@cycle_collector_paused()
def read_csv(path: str | Path) -> list[Record]:
    """Records from a benchmark-style table; a missing ``record_id`` or a repeated one
    is a ParseError naming the line."""
    table = read_table(path)
    for required in ("record_id", "title"):
        if not table.has(required):
            raise ParseError(
                f"no column '{required}' (columns: {', '.join(table.columns)})",
                path=str(path),
                field=required,
            )

    def column(name: str) -> list[str]:
        return table.texts(name) if table.has(name) else [""] * len(table)

    ids = column("record_id")
    seen: dict[str, int] = {}
    for rid, line in zip(ids, table.lines, strict=True):
        if not rid.strip():
            raise ParseError("empty record_id", path=str(path), line=line, field="record_id")
        if rid in seen:
            raise ParseError(
                f"record_id {rid!r} repeats line {seen[rid]}",
                path=str(path),
                line=line,
                field="record_id",
            )
        seen[rid] = line
    columns = {
        name: column(name)
        for name in ("title", "author", "year", "journal", "volume", "number", "pages")
    }
    extra = {name: column(name) for name in ("doi", "pmid", "abstract", "entry_type")}
    records = []
    for i, (rid, line) in enumerate(zip(ids, table.lines, strict=True)):
        records.append(
            Record(
                id=rid,
                search=None,
                source_file=str(path),
                source_line=line,
                type=extra["entry_type"][i] or None,
                title=clean.clean_text(columns["title"][i]),
                authors=split_authors(columns["author"][i]),
                year=clean.year(columns["year"][i]),
                journal=clean.clean_text(columns["journal"][i]),
                volume=columns["volume"][i].strip() or None,
                issue=columns["number"][i].strip() or None,
                pages=clean.pages(columns["pages"][i]),
                doi=clean.doi(extra["doi"][i]),
                pmid=clean.pmid(extra["pmid"][i]),
                abstract=clean.clean_text(extra["abstract"][i]),
            )
        )
    return records


def read_truth(path: str | Path, column: str = "dup_group") -> dict[str, str]:
    """record id -> labelled work id, from a benchmark table's ``dup_group`` column."""
    table = read_table(path)
    return dict(zip(table.texts("record_id"), table.texts(column), strict=True))


def write_groups(path: str | Path, groups: Mapping[str, str], order: Iterable[str]) -> None:
    """``record_id,group_id`` rows in ``order`` (the input's)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["record_id", "group_id"])
        for rid in order:
            writer.writerow([rid, groups[rid]])
