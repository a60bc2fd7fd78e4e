"""Our own JSON: what ``sysreview convert --to json`` writes, read back.

The file is one ``ReadResult.to_dict()`` (``{"file", "format", "records", "warnings"}``)
or a list of them (one per converted file).  Each record holds the normalised fields
of :class:`SourceRecord` and ``raw``, the vendor's fields as the first reader kept
them, so nothing the original export held is lost on the way through JSON.

A record's ``file`` and ``line`` become this file and the line where its object
starts here (the original file and line stay in the JSON).  The warnings the first
reading gave travel with the records and are reported again.  A record whose fields
have the wrong types is reported as not read, naming its line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ParseError
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from ._text import read_text

FORMAT = "json"

_TEXT_FIELDS = ("type", "title", "journal", "volume", "issue", "pages", "doi", "pmid",
                "issn", "abstract", "language", "url")  # fmt: skip
_LIST_FIELDS = ("authors", "keywords")
_DECODER = json.JSONDecoder()
_SHAPE_HINT = 'expected what "sysreview convert --to json" writes'


def sniff(head: str) -> bool:
    """True if the text is a JSON object or array with our keys near its start."""
    start = head.lstrip("\ufeff \t\r\n")[:1]
    return start in ("{", "[") and '"records"' in head and '"format"' in head


def read(path: str | Path) -> ReadResult:
    """Every record of our JSON file, with the warnings it carries."""
    file = str(path)
    text, issues = read_text(path)
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"not valid JSON: {exc.msg}", path=file, line=exc.lineno) from None
    results = body if isinstance(body, list) else [body]
    if not results or not all(
        isinstance(r, dict) and isinstance(r.get("records"), list) for r in results
    ):
        raise ParseError(
            "not sysreview's JSON: expected an object with a 'records' list, or a list of them",
            path=file,
            line=1,
            hint=_SHAPE_HINT,
        )
    lines = _record_lines(text)
    found = [record for result in results for record in result["records"]]
    if len(lines) != len(found):  # an unusual layout: name the file's first line
        lines = [1] * len(found)
    for result in results:
        for warning in result.get("warnings") or ():
            issues.append(IngestIssue(file, None, f"from the converted file: {warning}"))
    records: list[SourceRecord] = []
    for line, values in zip(lines, found, strict=True):
        record, problem = _record(file, line, values)
        if record is None:
            issues.append(IngestIssue(file, line, f"{UNREADABLE}: {problem}"))
        else:
            records.append(record)
    return ReadResult(file, FORMAT, tuple(records), tuple(issues))


def _record(file: str, line: int, values: Any) -> tuple[SourceRecord | None, str]:
    """The record an object describes, or None and why not."""
    if not isinstance(values, dict):
        return None, "not an object"
    out: dict[str, Any] = {"file": file, "line": line, "format": FORMAT}
    for name in _TEXT_FIELDS:
        value = values.get(name)
        if value is not None and not isinstance(value, str):
            return None, f"field '{name}' is not text"
        out[name] = value or None
    for name in _LIST_FIELDS:
        items = values.get(name) or []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            return None, f"field '{name}' is not a list of text"
        out[name] = tuple(items)
    year = values.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        return None, "field 'year' is not a whole number"
    out["year"] = year
    raw = values.get("raw") or []
    if not isinstance(raw, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in raw
    ):
        return None, "field 'raw' is not a list of [tag, value] pairs"
    out["raw"] = tuple((tag, value) for tag, value in raw)
    return SourceRecord(**out), ""


def _record_lines(text: str) -> list[int]:
    """The line where each object of a ``records`` list starts (the text is valid JSON)."""
    offsets: list[int] = []

    def value(pos: int, key: str | None) -> int:
        """Skip the value at ``pos``; return where it ends."""
        pos = _skip(text, pos)
        opening = text[pos]
        if opening not in "{[" or key == "record":
            return int(_DECODER.raw_decode(text, pos)[1])
        closing, pos = ("}" if opening == "{" else "]"), pos + 1
        while True:
            pos = _skip(text, pos)
            if text[pos] == closing:
                return pos + 1
            if opening == "{":
                name, pos = _DECODER.raw_decode(text, pos)
                pos = _skip(text, pos) + 1  # past the ':'
                pos = value(pos, name)
            else:
                pos = _skip(text, pos)
                if key == "records":
                    offsets.append(pos)
                pos = value(pos, "record" if key == "records" else None)
            pos = _skip(text, pos)
            if text[pos] == ",":
                pos += 1

    value(0, None)
    lines, line, at = [], 1, 0
    for offset in offsets:
        line += text.count("\n", at, offset)
        lines.append(line)
        at = offset
    return lines


def _skip(text: str, pos: int) -> int:
    """Past JSON whitespace from ``pos``."""
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos
