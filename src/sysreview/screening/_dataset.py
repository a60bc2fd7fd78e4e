"""Labelled records for a screening simulation, read from a CSV file.

The shape of the labelled screening sets (ASReview's and SYNERGY's): one row per
record with ``title``, ``abstract`` and a 0/1 label column.  A bad file is reported
with its path, the line the record starts on, and the column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ..errors import InsufficientData, ParseError

TEXT_COLUMNS = ("title", "abstract")

_TRUE = {"1", "1.0"}
_FALSE = {"0", "0.0"}


def record_text(title: str, abstract: str) -> str:
    """What the models read of a record: title and abstract, one space between."""
    return f"{title} {abstract}".strip()


@dataclass(frozen=True)
class LabelledRecords:
    """Records with their title, abstract and a 0/1 label (1 = relevant).

    ``lines`` gives the line each record starts on in ``path`` (records may span
    lines).
    """

    path: str
    label_column: str
    ids: tuple[str, ...]
    titles: tuple[str, ...]
    abstracts: tuple[str, ...]
    labels: npt.NDArray[np.int64]
    lines: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def texts(self) -> list[str]:
        """Title and abstract, one string per record."""
        return [record_text(t, a) for t, a in zip(self.titles, self.abstracts, strict=True)]

    def require_simulable(self) -> None:
        """A simulation needs two relevant records (one as prior knowledge) and one
        irrelevant one."""
        relevant = int(self.labels.sum())
        if relevant < 2 or relevant == len(self):
            raise InsufficientData(
                f"{self.path}: column '{self.label_column}' has {relevant} relevant of "
                f"{len(self)} records; a simulation needs at least 2 relevant and 1 irrelevant"
            )


def _label(cell: str, path: Path, line: int, column: str) -> int:
    text = cell.strip()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise ParseError(f"expected a label 0 or 1, got {cell!r}", path=path, line=line, field=column)


def read_labelled(path: str | Path, label: str = "label_included") -> LabelledRecords:
    """Read a CSV of labelled records.

    Parameters
    ----------
    path : str or Path
        CSV with a header; ``title`` and/or ``abstract`` columns and ``label``.
        ``record_id`` (or ``id``) names records; without it, rows are numbered from 1.
    label : str
        The 0/1 column to simulate (``label_included`` for final inclusion,
        ``label_abstract_screening`` for title/abstract decisions).

    Raises
    ------
    ParseError
        No such file, no header, no text column, no ``label`` column, or a label cell
        that is not 0 or 1 (the error names path, line and column).
    """
    file = Path(path)
    if not file.is_file():
        raise ParseError("no such file", path=file)
    csv.field_size_limit(2**31 - 1)  # abstracts can exceed the 128 KiB default
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        if not header:
            raise ParseError("empty file: no header", path=file, line=1)
        if label not in header:
            raise ParseError(
                f"no column '{label}' (columns: {', '.join(header)})",
                path=file,
                line=1,
                field=label,
            )
        if not any(c in header for c in TEXT_COLUMNS):
            raise ParseError("no 'title' or 'abstract' column", path=file, line=1)
        id_column = next((c for c in ("record_id", "id") if c in header), None)
        ids: list[str] = []
        titles: list[str] = []
        abstracts: list[str] = []
        labels: list[int] = []
        lines: list[int] = []
        line = reader.line_num + 1
        for row in reader:
            labels.append(_label(row.get(label) or "", file, line, label))
            ids.append((row.get(id_column) or "").strip() if id_column else str(len(ids) + 1))
            titles.append((row.get("title") or "").strip())
            abstracts.append((row.get("abstract") or "").strip())
            lines.append(line)
            line = reader.line_num + 1
    if not ids:
        raise ParseError("no records", path=file, line=2)
    return LabelledRecords(
        path=str(file),
        label_column=label,
        ids=tuple(ids),
        titles=tuple(titles),
        abstracts=tuple(abstracts),
        labels=np.asarray(labels, dtype=np.int64),
        lines=tuple(lines),
    )
