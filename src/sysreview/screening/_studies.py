"""From full-text inclusions to studies: one study, several reports.

A record the team includes at full text is a report of some study.  The first report
of a trial founds the study (``hansen2012``, labelled "Hansen 2012"); a later paper of
the same trial (a follow-up, a cost analysis) is linked to the study it reports, so
analyses count the trial once and PRISMA counts studies and reports apart.  Each
report keeps the record it came from (``Report.record``).

Pure functions over ``ReviewData``; the facade stores.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from ..errors import WorkflowError
from ..model import Record, Report, ReviewData, Study, citation
from ._workflow import positions


def full_text_inclusions(data: ReviewData) -> list[str]:
    """The records whose standing verdict at full text is include, in record order."""
    included = {
        p.record
        for p in positions(data, "full_text")
        if p.verdict == "include" and p.state in ("agreed", "resolved")
    }
    return [r.id for r in data.records if r.id in included]


def unlinked(data: ReviewData) -> list[str]:
    """Full-text inclusions not yet linked to a study."""
    linked = {r.record for r in data.reports if r.record}
    return [record for record in full_text_inclusions(data) if record not in linked]


def link(
    data: ReviewData, record: str, study: str | None = None, label: str | None = None
) -> tuple[ReviewData, Report]:
    """``data`` with ``record`` (included at full text) as a report of ``study``, or
    of a new included study (id from the first author and year; ``label`` or
    "Author Year") when ``study`` is None.  The study's first report is its main one."""
    found = _record(data, record)
    if record not in full_text_inclusions(data):
        raise WorkflowError(
            f"record {record} is not included at full text",
            hint="only full-text inclusions become reports of studies",
        )
    already = next((r for r in data.reports if r.record == record), None)
    if already is not None:
        raise WorkflowError(
            f"record {record} is already a report of {already.study}",
            hint="unlink it first to link it elsewhere",
        )
    studies = data.studies
    if study is None:
        new = Study(
            id=_study_id(found, {s.id for s in data.studies}),
            label=(label or "").strip() or suggested_label(found),
            status="included",
        )
        studies = (*studies, new)
        study = new.id
    else:
        target = next((s for s in studies if s.id == study), None)
        if target is None:
            raise WorkflowError(
                f"no study {study!r} in this review", hint="omit the study to found a new one"
            )
        if target.status != "included":
            raise WorkflowError(
                f"study {study} is {target.status}: a full-text inclusion reports an included study"
            )
    taken = {r.id for r in data.reports}
    report = Report(
        id=_free(record, taken),
        study=study,
        citation=citation(found),
        first_author=_surname(found.authors[0]) if found.authors else None,
        year=found.year,
        title=found.title,
        main=not any(r.study == study for r in data.reports),
        record=record,
    )
    return replace(data, studies=studies, reports=(*data.reports, report)), report


def unlink(data: ReviewData, record: str) -> tuple[ReviewData, Report]:
    """``data`` without the report ``record`` became; a study founded by it goes too
    when no other report, outcome data or judgement refers to it."""
    report = next((r for r in data.reports if r.record == record), None)
    if report is None:
        raise WorkflowError(f"record {record} is not linked to a study")
    reports = tuple(r for r in data.reports if r is not report)
    studies = data.studies
    others = [r for r in reports if r.study == report.study]
    if not others and not _referred(data, report.study):
        studies = tuple(s for s in studies if s.id != report.study)
    elif others and report.main:  # the study keeps a main report: its next one
        reports = tuple(replace(r, main=True) if r is others[0] else r for r in reports)
    return replace(data, studies=studies, reports=reports), report


def _record(data: ReviewData, record: str) -> Record:
    found = next((r for r in data.records if r.id == record), None)
    if found is None:
        raise WorkflowError(f"no record {record!r} in this review")
    return found


def _referred(data: ReviewData, study: str) -> bool:
    return (
        any(o.study == study for o in data.outcome_data)
        or any(a.study == study for a in data.risk_of_bias)
        or any(study in a.studies for a in data.analyses)
        or any(t.study == study for t in data.trends)
    )


def _surname(author: str) -> str:
    """``Hansen`` from ``Hansen A``, ``Hansen, Anne`` or ``Anne Hansen``."""
    if "," in author:
        return author.split(",")[0].strip()
    parts = author.split()
    if len(parts) > 1 and len(parts[-1].replace(".", "")) <= 3 and parts[-1].isupper():
        return " ".join(parts[:-1])  # "Hansen AB"
    return parts[-1] if parts else author


def suggested_label(record: Record) -> str:
    """The label a study founded by ``record`` gets unless another is given:
    ``Hansen 2010``."""
    name = _surname(record.authors[0]) if record.authors else (record.title or record.id)[:30]
    return f"{name} {record.year}" if record.year else name


#: letters NFKD does not take apart into a base letter and a mark
_LETTERS = str.maketrans({"Ø": "O", "ø": "o", "Æ": "Ae", "æ": "ae", "ß": "ss", "Ł": "L",
                          "ł": "l", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th", "Œ": "Oe",
                          "œ": "oe"})  # fmt: skip


def _study_id(record: Record, taken: set[str]) -> str:
    base = suggested_label(record).translate(_LETTERS)
    ascii_text = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]", "", ascii_text.lower()) or record.id
    return _free(slug, taken)


def _free(base: str, taken: set[str]) -> str:
    """``base``, or ``base`` with b, c, … (then 2, 3 …) when taken."""
    if base not in taken:
        return base
    suffixes: list[str] = [*"bcdefghijklmnopqrstuvwxyz", *map(str, range(2, 1000))]
    for suffix in suffixes:
        candidate = f"{base}{suffix}"
        if candidate not in taken:
            return candidate
    raise WorkflowError(f"no free identifier for {base!r}")
