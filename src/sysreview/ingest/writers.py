"""Writing records out again: RIS, CSV, JSON and BibTeX, for ``sysreview convert``.

Writers use the normalised fields (what every format shares); the raw vendor
fields go only into JSON, which keeps everything.  What a writer writes, our readers
read back (DOI, PMID, authors, year, title, abstract ...):

* RIS puts the PubMed ID in ``C2``, as Scopus does.  ``AN`` (EndNote's place for it)
  is an accession number of any database, a PMID only in a PubMed-derived file.
* CSV names its columns as ``sysreview dedup --input`` reads them (the labelled
  benchmarks' ``record_id, title, author, year, journal, volume, number, pages, doi,
  pmid, abstract, entry_type``), then the other fields and where each record came
  from (``file, line, format``); ``sysreview import`` knows the layout.
* JSON is ``ReadResult.to_dict()`` (a list of them for several files), which
  ``sysreview import`` reads as format ``json``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence

from ._record import ReadResult, SourceRecord

#: CSV column -> the ``SourceRecord`` field it holds
CSV_COLUMNS = {"record_id": "", "title": "title", "author": "authors", "year": "year",
               "journal": "journal", "volume": "volume", "number": "issue", "pages": "pages",
               "doi": "doi", "pmid": "pmid", "issn": "issn", "abstract": "abstract",
               "keywords": "keywords", "language": "language", "url": "url",
               "entry_type": "type", "file": "file", "line": "line",
               "format": "format"}  # fmt: skip
#: how the CSV joins a list (authors, keywords) in one cell
CSV_LIST_SEPARATOR = " ; "

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
                  ("C2", record.pmid), ("SN", record.issn), ("AB", record.abstract)]  # fmt: skip
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
    for number, record in enumerate(_records(results), start=1):
        row = record.to_dict()
        row[""] = number
        row["authors"] = CSV_LIST_SEPARATOR.join(record.authors)
        row["keywords"] = CSV_LIST_SEPARATOR.join(record.keywords)
        writer.writerow(["" if row[f] is None else row[f] for f in CSV_COLUMNS.values()])
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
        fields = [("title", record.title),
                  ("year", str(record.year) if record.year else None), ("journal", record.journal),
                  ("volume", record.volume), ("number", record.issue), ("pages", record.pages),
                  ("doi", record.doi), ("pmid", record.pmid), ("issn", record.issn),
                  ("abstract", record.abstract), ("keywords", "; ".join(record.keywords) or None),
                  ("language", record.language), ("url", record.url)]  # fmt: skip
        lines = [f"  {name} = {{{_braced(v)}}}" for name, v in fields if v]
        if record.authors:
            names = " and ".join(map(_bibtex_name, record.authors))
            lines.insert(1 if record.title else 0, f"  author = {{{names}}}")
        body = ",\n".join(lines)
        entries.append(f"@{kind}{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def _bibtex_key(record: SourceRecord, seen: dict[str, int]) -> str:
    surname = re.sub(
        r"[^A-Za-z]", "", (record.authors[0].split(",")[0] if record.authors else "anon")
    )
    base = f"{surname.lower() or 'anon'}{record.year or ''}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}{chr(ord('a') + seen[base] - 2)}"


def _bibtex_name(name: str) -> str:
    """One author for BibTeX's ``and`` list: a name that is not "Surname, Given" (a
    group, a consortium) or that holds the word "and" in braces, so it stays whole."""
    text = _braced(name)
    if "," not in name or re.search(r"\sand\s", name, re.IGNORECASE):
        return f"{{{text}}}"
    return text


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
