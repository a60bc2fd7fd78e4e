"""Full-text retrieval: the records title/abstract screening sent on, whose full text
the team holds, could not get, or is still looking for.

PRISMA 2020 counts "reports sought for retrieval" and "reports not retrieved"; Covidence
lets a team upload each full text or mark it unavailable.  Here a record sent on to
full text gets at most one :class:`~sysreview.model.FullText`: the file added (its
name, media type, size and SHA-256; the bytes are the store's) or the reason it could
not be retrieved.  A record marked not retrieved cannot be assessed at full text until
its file is added.  Pure functions over ``ReviewData``; the facade stores the bytes.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

from ..errors import WorkflowError
from ..model import FullText, ReviewData, replace
from ._workflow import candidates, position, reference

#: the largest file accepted (a scanned article is rarely above 50 MB)
MAX_BYTES = 200 * 1024 * 1024

#: ``assessed_without_file``: reviewers decided on it at full text, so it was
#: retrieved, but no file is held here (Covidence, too, lets a team vote without one)
RetrievalState = Literal["awaiting", "retrieved", "not_retrieved", "assessed_without_file"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
#: media types by the first bytes of a file (what the file is, whatever its name says)
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xd0\xcf\x11\xe0", "application/msword"),
    (b"{\\rtf", "application/rtf"),
)


@dataclass(frozen=True)
class Position:
    """One record sent on to full text: where its retrieval stands and whether the
    full-text verdict on it stands yet."""

    record: str
    state: RetrievalState
    fulltext: FullText | None
    assessed: bool


def positions(data: ReviewData) -> list[Position]:
    """Every record sought for retrieval (sent on by title/abstract screening), in
    record order."""
    held = {f.record: f for f in data.fulltexts}
    decided = {d.record for d in data.decisions if d.stage == "full_text"}
    out = []
    for record in candidates(data, "full_text"):
        found = held.get(record)
        state: RetrievalState = (
            found.status
            if found is not None
            else "assessed_without_file"
            if record in decided
            else "awaiting"
        )
        verdict = position(data, record, "full_text").verdict
        out.append(Position(record, state, found, verdict in ("include", "exclude")))
    return out


def retrieval_tally(positions: Iterable[Position]) -> dict[RetrievalState, int]:
    """How many records are in each state of retrieval (every state, 0 included)."""
    counts: dict[RetrievalState, int] = {
        "retrieved": 0,
        "assessed_without_file": 0,
        "not_retrieved": 0,
        "awaiting": 0,
    }
    for p in positions:
        counts[p.state] += 1
    return counts


def digest(content: bytes) -> str:
    """The SHA-256 a full text's bytes are kept under."""
    return hashlib.sha256(content).hexdigest()


def media_type(content: bytes, file_name: str) -> str:
    """What the file is: by its first bytes where they say, else by its name."""
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    guessed, _ = mimetypes.guess_type(file_name, strict=False)
    return guessed or "application/octet-stream"


def attach(
    data: ReviewData, record: str, content: bytes, file_name: str, *, by: str, at: str
) -> tuple[ReviewData, FullText]:
    """Hold ``content`` as the full text of ``record`` (replacing one held before,
    or a mark that it could not be retrieved)."""
    _sought(data, record)
    name = PurePath(file_name.replace("\\", "/")).name.strip()
    if not name:
        raise WorkflowError("a full text needs its file's name")
    if not content:
        raise WorkflowError(f"{name} is empty", hint="add the file with the article's text")
    if len(content) > MAX_BYTES:
        raise WorkflowError(
            f"{name} is {len(content) / 2**20:.0f} MB; the largest full text taken is "
            f"{MAX_BYTES // 2**20} MB",
            hint="compress the scan, or keep the file elsewhere and note where",
        )
    fulltext = FullText(
        record=record,
        status="retrieved",
        file_name=name,
        media_type=media_type(content, name),
        size=len(content),
        sha256=digest(content),
        by=by,
        at=at,
    )
    return _put(data, fulltext), fulltext


def mark_not_retrieved(
    data: ReviewData, record: str, reason: str, *, by: str, at: str
) -> tuple[ReviewData, FullText]:
    """Record that the full text of ``record`` could not be retrieved, and why."""
    _sought(data, record)
    if not reason.strip():
        raise WorkflowError(
            "say why the full text could not be retrieved",
            hint="e.g. 'not held by the library', 'no answer from the authors'",
        )
    if _decided(data, record):
        raise WorkflowError(
            f"record {record!r} has full-text decisions, so its full text was retrieved",
            hint="a report not retrieved cannot have been assessed",
        )
    fulltext = FullText(record=record, status="not_retrieved", reason=reason.strip(), by=by, at=at)
    return _put(data, fulltext), fulltext


def remove(data: ReviewData, record: str) -> tuple[ReviewData, FullText]:
    """Forget the full text of ``record`` (or the mark that it was not retrieved)."""
    found = next((f for f in data.fulltexts if f.record == record), None)
    if found is None:
        raise WorkflowError(f"record {record!r} has no full text and no retrieval mark")
    changed: ReviewData = replace(
        data, fulltexts=tuple(f for f in data.fulltexts if f.record != record)
    )
    return changed, found


def problem(fulltext: FullText) -> tuple[str, str] | None:
    """(field, message) when a full text's fields cannot all be right, else None."""
    if fulltext.status == "retrieved":
        if fulltext.sha256 is None or not _SHA256.fullmatch(fulltext.sha256):
            return "sha256", "a retrieved full text needs its file's SHA-256 (64 hex digits)"
        if fulltext.size is None or fulltext.size <= 0:
            return "size", "a retrieved full text needs its file's size in bytes"
        if fulltext.reason is not None:
            return "reason", "a retrieved full text has no reason for not being retrieved"
    else:
        if not fulltext.reason:
            return "reason", "a full text not retrieved needs the reason"
        if fulltext.sha256 is not None:
            return "sha256", "a full text not retrieved has no file"
    return None


def _sought(data: ReviewData, record: str) -> None:
    reference(data, record, "add the full text to")
    if record not in candidates(data, "full_text"):
        raise WorkflowError(
            f"record {record!r} was not sent on to full text at title/abstract",
            hint="full texts are sought for records included (or maybe) at title/abstract",
        )


def _decided(data: ReviewData, record: str) -> bool:
    return any(d.record == record and d.stage == "full_text" for d in data.decisions)


def _put(data: ReviewData, fulltext: FullText) -> ReviewData:
    kept = [f for f in data.fulltexts if f.record != fulltext.record]
    changed: ReviewData = replace(data, fulltexts=(*kept, fulltext))
    return changed
