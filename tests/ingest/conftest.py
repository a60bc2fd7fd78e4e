"""Real export files from ``../shared/data/exports/`` (see its README) with their true
record counts from COUNTS.csv.  Without that folder these tests skip with the reason;
under CI=true they fail."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from pathlib import Path

from sysreview.errors import ParseError
from sysreview.ingest._record import UNREADABLE, ReadResult
from sysreview.ingest._text import read_text

from ..shared_data import SHARED, require

EXPORTS = SHARED / "data" / "exports"


def exports_dir() -> Path:
    require(EXPORTS / "COUNTS.csv", "real export files")
    return EXPORTS


def expected_counts() -> dict[str, int | None]:
    """file (relative to the exports folder) -> true record count (None: not given)."""
    if not (EXPORTS / "COUNTS.csv").is_file():
        return {}
    with (EXPORTS / "COUNTS.csv").open(encoding="utf-8") as handle:
        return {
            row["file"]: int(row["expected_records"]) if row["expected_records"] else None
            for row in csv.DictReader(handle)
        }


def files_of(folder: str) -> list[str]:
    """The COUNTS.csv entries under one format folder (for parametrising tests)."""
    return sorted(f for f in expected_counts() if f.startswith(folder + "/"))


def unreadable(result: ReadResult) -> int:
    """How many records the reader found but could not read (each reported)."""
    return sum(1 for w in result.warnings if w.message.startswith(UNREADABLE))


def mutate(lines: list[str], edits: list[tuple[bool, int, str]]) -> tuple[list[str], int]:
    """Insert or cut lines (for fuzzing); returns the new lines and how many were cut."""
    lines, cuts = list(lines), 0
    for insert, where, text in edits:
        if insert:
            lines.insert(where % (len(lines) + 1), text)
        elif lines:
            del lines[where % len(lines)]
            cuts += 1
    return lines, cuts


def read_mutated(
    read: Callable[[Path], ReadResult], data: str | bytes, suffix: str
) -> tuple[ReadResult, str] | None:
    """Write a mutated export to a temporary file and read it back.

    Returns the result and the text as the reader decoded it; None when the reader
    refused the file with a ParseError naming it (a clear error is an allowed outcome
    of fuzzing, a crash or a silent loss is not)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"mutated{suffix}"
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        try:
            result = read(path)
        except ParseError as error:
            assert error.path == str(path)
            return None
        return result, read_text(path)[0]
