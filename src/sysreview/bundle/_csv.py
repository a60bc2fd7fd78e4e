"""CSV the bundle's way: a header of model field names, ``\\n`` line ends, minimal
quoting, and cells typed by the model (see ``_fields.cell_text``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .._fields import cell_text, cell_value, kinds
from ..errors import ParseError


def dump(cls: type, rows: Sequence[dict[str, Any]]) -> str:
    spec = kinds(cls)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec)
    for row in rows:
        writer.writerow([cell_text(kind, row.get(name)) for name, kind in spec.items()])
    return buffer.getvalue()


def load(cls: type, path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, plain mapping) per data row; empty cells are left out."""
    spec = kinds(cls)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise ParseError("empty file: expected a header row", path=path, line=1) from None
        except csv.Error as exc:
            raise ParseError(f"not valid CSV: {exc}", path=path, line=1) from None
        for name in header:
            if name not in spec:
                raise ParseError(
                    f"unknown column for {cls.__name__} (allowed: {', '.join(spec)})",
                    path=path,
                    line=1,
                    field=name,
                )
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ParseError(f"not valid CSV: {exc}", path=path, line=start) from None
            if len(cells) != len(header):
                raise ParseError(
                    f"row has {len(cells)} cells, header has {len(header)}", path=path, line=start
                )
            row: dict[str, Any] = {}
            for name, text in zip(header, cells, strict=True):
                try:
                    value = cell_value(spec[name], text)
                except ParseError as exc:
                    raise ParseError(exc.reason, path=path, line=start, field=name) from None
                if value is not None:
                    row[name] = value
            yield start, row
            start = reader.line_num + 1
