"""Writing records out again: RIS, CSV, JSON and BibTeX, for ``sysreview convert``.

Writers use the normalised fields (what every format shares); the raw vendor
fields go only into JSON, which keeps everything.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence

from ._record import ReadResult, SourceRecord

CSV_COLUMNS = ("file", "line", "format", "type", "title", "authors", "year", "journal",
               "volume", "issue", "pages", "doi", "pmid", "issn", "abstract", "keywords",
               "language", "url")  # fmt: skip

_RIS_TYPES = {"journal article": "JOUR", "article": "JOUR", "book": "BOOK", "book section": "CHAP",
              "chapter": "CHAP", "conference paper": "CPAPER", "conference proceedings": "CONF",
              "thesis": "THES", "report": "RPRT"}  # fmt: skip


def to_ris(results: Sequence[ReadResult]) -> str:
    lines: list[str] = []
    for record in _records(results):
        lines.append(f"TY  - {_ris_type(record)}")
        pairs: list[tuple[str, str | None]] = [("TI", record.title)]
        pairs += [("AU", a) for a in record.authors]
        pairs += [("PY", str(record.year) if record.year else None), ("JO", record.journal),
                  ("VL", record.volume), ("IS", record.issue)]  # fmt: skip
        start, _, end = (record.pages or "").partition("-")
        pairs += [("SP", start or None), ("EP", end or None), ("DO", record.doi),
                  ("AN", record.pmid), ("SN", record.issn), ("AB", record.abstract)]  # fmt: skip
        pairs += [("KW", k) for k in record.keywords]
        pairs += [("LA", record.language), ("UR", record.url)]
        lines += [f"{tag}  - {_one_line(value)}" for tag, value in pairs if value]
        lines += ["ER  - ", ""]
    return "\n".join(lines)


def _ris_type(record: SourceRecord) -> str:
    given = (record.type or "").strip()
    if re.fullmatch(r"[A-Z]{2,6}", given):
        return given
    return _RIS_TYPES.get(given.lower(), "JOUR")


def to_csv(results: Sequence[ReadResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in _records(results):
        row = record.to_dict()
        row["authors"] = " ; ".join(record.authors)
        row["keywords"] = " ; ".join(record.keywords)
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return buffer.getvalue()


def to_json(results: Sequence[ReadResult]) -> str:
    body = [r.to_dict() for r in results]
    return json.dumps(body[0] if len(body) == 1 else body, indent=2, ensure_ascii=False) + "\n"


def to_bibtex(results: Sequence[ReadResult]) -> str:
    entries = []
    seen: dict[str, int] = {}
    for record in _records(results):
        key = _bibtex_key(record, seen)
        kind = "book" if (record.type or "").lower() in ("book", "bk") else "article"
        fields = [("title", record.title), ("author", " and ".join(record.authors) or None),
                  ("year", str(record.year) if record.year else None), ("journal", record.journal),
                  ("volume", record.volume), ("number", record.issue), ("pages", record.pages),
                  ("doi", record.doi), ("pmid", record.pmid), ("issn", record.issn),
                  ("abstract", record.abstract), ("keywords", "; ".join(record.keywords) or None),
                  ("language", record.language), ("url", record.url)]  # fmt: skip
        body = ",\n".join(f"  {name} = {{{_braced(v)}}}" for name, v in fields if v)
        entries.append(f"@{kind}{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def _bibtex_key(record: SourceRecord, seen: dict[str, int]) -> str:
    surname = re.sub(
        r"[^A-Za-z]", "", (record.authors[0].split(",")[0] if record.authors else "anon")
    )
    base = f"{surname.lower() or 'anon'}{record.year or ''}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}{chr(ord('a') + seen[base] - 2)}"


def _braced(value: str) -> str:
    """Text safe inside BibTeX braces: unbalanced braces escaped."""
    return _one_line(value).replace("{", r"\{").replace("}", r"\}")


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _records(results: Sequence[ReadResult]) -> list[SourceRecord]:
    return [record for result in results for record in result.records]


WRITERS: dict[str, Callable[[Sequence[ReadResult]], str]] = {
    "ris": to_ris,
    "csv": to_csv,
    "json": to_json,
    "bibtex": to_bibtex,
}


def write(results: Sequence[ReadResult], to: str) -> str:
    """All records of ``results`` in the format ``to`` (ris, csv, json, bibtex)."""
    return WRITERS[to](results)
