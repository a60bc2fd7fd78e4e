"""The plain-text bundle: a review as YAML and CSV files (see docs/bundle.md).

``read_bundle(dir) -> ReviewData`` and ``write_bundle(data, dir, files)``; the full
texts' files (``fulltexts/``, by SHA-256) are read with ``read_bundle_files``.
Reading is strict and names the file, line and field of the first problem; writing
is canonical, so bundle -> database -> bundle reproduces every byte.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Literal

from .. import model
from .._fields import from_plain, locate_nested, to_plain
from ..errors import DanglingReference, ParseError
from ..integrity import Located, problems
from . import _csv, _yaml

__all__ = [
    "BUNDLE_FORMAT",
    "FILES",
    "FULLTEXT_DIR",
    "read_bundle",
    "read_bundle_files",
    "stored_name",
    "write_bundle",
]

BUNDLE_FORMAT = 1
_FORMAT_KEY = "sysreview_bundle"

Form = Literal["yaml-map", "yaml-list", "csv"]


@dataclass(frozen=True)
class BundleFile:
    name: str
    attr: str
    cls: type
    form: Form


FILES: tuple[BundleFile, ...] = (
    BundleFile("review.yaml", "review", model.ReviewInfo, "yaml-map"),
    BundleFile("protocol.yaml", "protocol", model.Protocol, "yaml-map"),
    BundleFile("searches.yaml", "searches", model.Search, "yaml-list"),
    BundleFile("prisma.yaml", "prisma", model.PrismaCounts, "yaml-map"),
    BundleFile("records.csv", "records", model.Record, "csv"),
    BundleFile("decisions.csv", "decisions", model.Decision, "csv"),
    BundleFile("fulltexts.csv", "fulltexts", model.FullText, "csv"),
    BundleFile("duplicates.csv", "duplicate_pairs", model.DuplicatePair, "csv"),
    BundleFile("studies.yaml", "studies", model.Study, "yaml-list"),
    BundleFile("reports.yaml", "reports", model.Report, "yaml-list"),
    BundleFile("exclusions.yaml", "exclusions", model.Exclusion, "yaml-list"),
    BundleFile(
        "systematic_reviews.yaml", "systematic_reviews", model.SystematicReview, "yaml-list"
    ),
    BundleFile("risk_of_bias.csv", "risk_of_bias", model.RobAssessment, "csv"),
    BundleFile("review_appraisals.csv", "review_appraisals", model.ReviewAppraisal, "csv"),
    BundleFile("outcome_data.csv", "outcome_data", model.OutcomeData, "csv"),
    BundleFile("extractions.csv", "extractions", model.Extraction, "csv"),
    BundleFile("analyses.yaml", "analyses", model.Analysis, "yaml-list"),
    BundleFile("certainty.yaml", "certainty", model.CertaintyAssessment, "yaml-list"),
    BundleFile("grade_log.csv", "grade_log", model.GradeJudgement, "csv"),
    BundleFile("sof.yaml", "sof_tables", model.SofTable, "yaml-list"),
    BundleFile("trends.yaml", "trends", model.TrendRow, "yaml-list"),
    BundleFile("notes.yaml", "notes", model.Note, "yaml-list"),
)

#: the folder of the full texts' files, each named by :func:`stored_name`
FULLTEXT_DIR = "fulltexts"

_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")
_STORED = re.compile(r"[0-9a-f]{64}(\.[a-z0-9]{1,8})?")


def stored_name(fulltext: model.FullText) -> str:
    """A full text's file name in ``fulltexts/``: its SHA-256, with the suffix of the
    name it was added under (``.pdf``) where that is a plain one."""
    if fulltext.sha256 is None:
        raise ValueError(f"the full text of {fulltext.record!r} has no file")
    suffix = PurePath(fulltext.file_name or "").suffix.lower()
    return fulltext.sha256 + (suffix if _SUFFIX.fullmatch(suffix) else "")


# Which file holds each collection that integrity checks walk.
_FILE_OF_COLLECTION = {f.attr: f.name for f in FILES} | {
    "protocol.criteria": "protocol.yaml",
    "protocol.outcomes": "protocol.yaml",
    "protocol.comparisons": "protocol.yaml",
    "sof_tables[].rows": "sof.yaml",
}


# --- writing ---------------------------------------------------------------------


def render_bundle(data: model.ReviewData) -> dict[str, str]:
    """File name -> canonical text, for every bundle file."""
    out: dict[str, str] = {}
    for spec in FILES:
        value = getattr(data, spec.attr)
        if spec.form == "csv":
            out[spec.name] = _csv.dump(spec.cls, [to_plain(v) for v in value])
        elif spec.form == "yaml-list":
            out[spec.name] = _yaml.dump([to_plain(v) for v in value])
        elif spec.attr == "review":
            out[spec.name] = _yaml.dump({_FORMAT_KEY: BUNDLE_FORMAT, **to_plain(value)})
        else:
            out[spec.name] = _yaml.dump(to_plain(value) if value is not None else {})
    return out


def write_bundle(
    data: model.ReviewData, directory: str | Path, files: Mapping[str, bytes] | None = None
) -> list[Path]:
    """Write every bundle file into ``directory`` (created if needed), and each full
    text's file from ``files`` (bytes by SHA-256) into its ``fulltexts/`` folder,
    removing files there that no full text names any more."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_bundle(data).items():
        path = target / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    held = {stored_name(f): f for f in data.fulltexts if f.sha256 is not None}
    folder = target / FULLTEXT_DIR
    if folder.is_dir():
        for stale in folder.iterdir():
            if stale.is_file() and stale.name not in held and _STORED.fullmatch(stale.name):
                stale.unlink()
    for name, fulltext in sorted(held.items()):
        content = (files or {}).get(fulltext.sha256 or "")
        if content is None:
            raise ValueError(f"no bytes given for the full text of {fulltext.record!r}")
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    return written


# --- reading ---------------------------------------------------------------------


@dataclass
class _Lines:
    """Where each object came from, to name file and line in later errors."""

    by_object: dict[tuple[str, int, int | None], tuple[str, int | None, Any]]

    def where(self, item: Located) -> tuple[str, int | None, Any]:
        key = (item.collection, item.index, item.parent)
        return self.by_object.get(key, (_FILE_OF_COLLECTION[item.collection], None, None))


def read_bundle(directory: str | Path) -> model.ReviewData:
    """Read and check a bundle; the first problem raises ParseError (file, line, field)."""
    root = Path(directory)
    if not root.is_dir():
        raise ParseError("not a directory", path=root, hint="give the bundle's directory")
    if not (root / "review.yaml").is_file():
        raise ParseError(
            "no review.yaml here: not a sysreview bundle",
            path=root,
            hint="a bundle is what 'sysreview export DIR' writes",
        )
    lines = _Lines({})
    values: dict[str, Any] = {}
    for spec in FILES:
        path = root / spec.name
        if not path.is_file():
            if spec.attr == "review":
                raise ParseError("missing", path=path)
            continue
        values[spec.attr] = _read_file(spec, path, lines)
    data = model.ReviewData(**values)
    _check_integrity(data, root, lines)
    return data


def read_bundle_files(directory: str | Path, data: model.ReviewData) -> dict[str, bytes]:
    """The files of ``data``'s full texts from the bundle's ``fulltexts/`` folder, by
    SHA-256; a missing or changed file raises ParseError naming it and the line of
    ``fulltexts.csv`` that names it."""
    root = Path(directory)
    table = root / "fulltexts.csv"
    lines = [line for line, _ in _csv.load(model.FullText, table)] if table.is_file() else []
    out: dict[str, bytes] = {}
    for index, fulltext in enumerate(data.fulltexts):
        if fulltext.sha256 is None:
            continue
        path = root / FULLTEXT_DIR / stored_name(fulltext)
        line = lines[index] if index < len(lines) else None
        if not path.is_file():
            raise ParseError(
                f"the full text of {fulltext.record!r} is missing: no {FULLTEXT_DIR}/{path.name}",
                path=table,
                line=line,
                field="sha256",
                hint=f"put the file at {path}, or remove the line",
            )
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() != fulltext.sha256:
            raise ParseError(
                f"{FULLTEXT_DIR}/{path.name} does not have the SHA-256 its line gives "
                "(changed or damaged)",
                path=table,
                line=line,
                field="sha256",
                hint="restore the file, or add it again to the review",
            )
        out[fulltext.sha256] = content
    return out


def _read_file(spec: BundleFile, path: Path, lines: _Lines) -> Any:
    if spec.form == "csv":
        objects = []
        for index, (line, row) in enumerate(_csv.load(spec.cls, path)):
            objects.append(_build(spec.cls, row, path, lambda _k, line=line: line))
            lines.by_object[(spec.attr, index, None)] = (spec.name, line, row)
        return tuple(objects)
    document = _yaml.load(path)
    if spec.form == "yaml-list":
        if document is None:
            return ()
        if not isinstance(document, list):
            raise ParseError("expected a list of entries", path=path, line=1)
        objects = []
        for index, entry in enumerate(document):
            objects.append(_build(spec.cls, entry, path, locate_nested(entry)))
            lines.by_object[(spec.attr, index, None)] = (
                spec.name,
                getattr(entry, "line", None),
                entry,
            )
            if spec.attr == "sof_tables":
                _remember_children(lines, "sof_tables[].rows", spec.name, entry.get("rows"), index)
        return tuple(objects)
    if document is None or document == {}:
        if spec.attr == "prisma":
            return None
        document = {}
    if not isinstance(document, Mapping):
        raise ParseError("expected a mapping", path=path, line=1)
    if spec.attr == "review":
        document = _strip_format_key(document, path)
    if spec.attr == "protocol":
        for child in ("criteria", "outcomes", "comparisons"):
            _remember_children(lines, f"protocol.{child}", spec.name, document.get(child), None)
    return _build(spec.cls, document, path, locate_nested(document))


def _strip_format_key(document: Mapping[str, Any], path: Path) -> Mapping[str, Any]:
    version = document.get(_FORMAT_KEY)
    if version != BUNDLE_FORMAT:
        line = getattr(document, "key_lines", {}).get(_FORMAT_KEY, 1)
        raise ParseError(
            f"bundle format {version!r} is not one this version reads ({BUNDLE_FORMAT})",
            path=path,
            line=line,
            field=_FORMAT_KEY,
            hint=f"the first key of review.yaml must be '{_FORMAT_KEY}: {BUNDLE_FORMAT}'",
        )
    stripped = _yaml.LocatedDict()
    stripped.line = getattr(document, "line", None)
    stripped.key_lines = dict(getattr(document, "key_lines", {}))
    stripped.update({k: v for k, v in document.items() if k != _FORMAT_KEY})
    return stripped


def _remember_children(
    lines: _Lines, collection: str, file: str, entries: Iterable[Any] | None, parent: int | None
) -> None:
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        lines.by_object[(collection, index, parent)] = (file, getattr(entry, "line", None), entry)


def _build(cls: type, data: Any, path: Path, locate: Any) -> Any:
    try:
        return from_plain(cls, data, locate)
    except ParseError as exc:
        raise ParseError(exc.reason, path=path, line=exc.line, field=exc.field) from None


def _check_integrity(data: model.ReviewData, root: Path, lines: _Lines) -> None:
    found = problems(data)
    if not found:
        return
    first = found[0]
    file, line, entry = lines.where(first.where)
    key_lines = getattr(entry, "key_lines", {})
    line = key_lines.get(first.field, line)
    more = f" (and {len(found) - 1} more problems)" if len(found) > 1 else ""
    error = DanglingReference if first.dangling else ParseError
    raise error(first.message + more, path=root / file, line=line, field=first.field)
