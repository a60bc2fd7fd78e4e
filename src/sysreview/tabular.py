"""Tables of per-study data from CSV, TSV, XLSX or JSON, as named columns.

The shape statistics users bring to ``sysreview meta``: one row per study, columns
named as metafor names them (``ai n1i ci n2i``, ``m1i sd1i n1i m2i sd2i n2i``,
``yi vi`` ...).  Numbers are parsed here, so a bad cell is reported with its file,
line and column; the statistics never see text.
"""

from __future__ import annotations

import csv
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import MissingExtra, ParseError


@dataclass(frozen=True)
class Table:
    """Columns by name, each a list with one cell per row; ``lines`` gives each
    row's line in the file (the spreadsheet row for XLSX, the index for JSON)."""

    path: str
    columns: dict[str, list[Any]]
    lines: list[int]

    def __len__(self) -> int:
        return len(self.lines)

    def has(self, name: str) -> bool:
        return name in self.columns

    def numbers(self, name: str) -> list[float]:
        """A column as floats; an empty or non-numeric cell is a ParseError."""
        if name not in self.columns:
            raise ParseError(
                f"no column '{name}' (columns: {', '.join(self.columns)})",
                path=self.path,
                field=name,
            )
        out = []
        for cell, line in zip(self.columns[name], self.lines, strict=True):
            value = _number(cell)
            if value is None:
                raise ParseError(
                    f"expected a number, got {cell!r}", path=self.path, line=line, field=name
                )
            out.append(value)
        return out

    def texts(self, name: str) -> list[str]:
        if name not in self.columns:
            raise ParseError(
                f"no column '{name}' (columns: {', '.join(self.columns)})",
                path=self.path,
                field=name,
            )
        return ["" if c is None else str(c).strip() for c in self.columns[name]]


def _number(cell: Any) -> float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        return float(cell) if math.isfinite(cell) else None
    if isinstance(cell, str):
        text = cell.strip().replace("\u2212", "-")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


def read_table(path: str | Path, *, row: str = "row") -> Table:
    """Read a table; the format follows the file's extension.  ``row`` says what one
    row is ("study", "outcome-data row" ...) in the messages about its shape."""
    file = Path(path)
    if not file.is_file():
        raise ParseError("no such file", path=file)
    suffix = file.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_delimited(file, "\t" if suffix == ".tsv" else None)
    if suffix == ".json":
        return _read_json(file, row)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(file)
    raise ParseError(
        f"unknown table format '{suffix}'", path=file, hint="use .csv, .tsv, .xlsx or .json"
    )


def _from_rows(path: Path, header: list[str], rows: list[tuple[int, list[Any]]]) -> Table:
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for name in names:
        if not name:
            raise ParseError("a column has no name in the header", path=path, line=1)
        if name in seen:
            raise ParseError("column named twice in the header", path=path, line=1, field=name)
        seen.add(name)
    columns: dict[str, list[Any]] = {name: [] for name in names}
    lines = []
    for line, cells in rows:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if len(cells) > len(names):
            raise ParseError(
                f"row has {len(cells)} cells, header has {len(names)}", path=path, line=line
            )
        for name, cell in zip(names, [*cells, *[None] * (len(names) - len(cells))], strict=True):
            columns[name].append(cell)
        lines.append(line)
    if not lines:
        raise ParseError("no data rows", path=path)
    return Table(str(path), columns, lines)


def _decoded(path: Path) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark) or UTF-16 with its
    mark (Excel's "Unicode text").  Other bytes are refused, naming the line and the
    byte, rather than guessed: a table's labels and numbers must not change silently."""
    data = path.read_bytes()
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if encoding == "utf-8-sig" and data[:3] == b"\xef\xbb\xbf" else 0)
        raise ParseError(
            f"not {'UTF-16' if encoding == 'utf-16' else 'UTF-8'} text: byte "
            f"0x{data[start]:02x} at byte offset {start} (Latin-1 or Windows-1252?)",
            path=path,
            line=data[:start].count(b"\n") + 1,
            hint="save the table as UTF-8 (in Excel: Save As, 'CSV UTF-8')",
        ) from None


def _read_delimited(path: Path, delimiter: str | None) -> Table:
    text = _decoded(path)
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ParseError("empty file", path=path, line=1) from None
    rows = [(i + 2, cells) for i, cells in enumerate(reader)]
    return _from_rows(path, header, rows)


def _read_json(path: Path, row: str) -> Table:
    try:
        data = json.loads(_decoded(path))
    except json.JSONDecodeError as exc:
        raise ParseError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno) from None
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        data = data["studies"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        wrapped = " (or {'studies': [...]})" if row == "study" else ""
        raise ParseError(
            f"expected a list of objects, one per {row}, keyed by column name{wrapped}",
            path=path,
        )
    header: list[str] = []
    for record in data:
        header.extend(k for k in record if k not in header)
    rows = [(i + 1, [record.get(k) for k in header]) for i, record in enumerate(data)]
    return _from_rows(path, header, rows)


def _read_xlsx(path: Path) -> Table:
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:
        raise MissingExtra("xlsx", "openpyxl") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            values = list(sheet.iter_rows(values_only=True))
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError) as exc:
        # not a zip; a zip without a workbook part (KeyError); a part that is not one
        raise ParseError(
            f"not an .xlsx workbook ({type(exc).__name__}: {exc})",
            path=path,
            hint="open it in a spreadsheet program and save it as .xlsx or .csv",
        ) from None
    if not values:
        raise ParseError("empty sheet", path=path, line=1)
    header = ["" if v is None else str(v) for v in values[0]]
    while header and header[-1] == "":
        header.pop()
    rows = [(i + 2, list(r[: len(header)])) for i, r in enumerate(values[1:])]
    return _from_rows(path, header, rows)
