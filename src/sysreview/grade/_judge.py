"""Suggestions and judgements as a log: the tool suggests, the reviewers decide.

The assessment holds each domain's current judgement; ``ReviewData.grade_log``
holds every suggestion the tool made (with its reason) and every judgement a
reviewer set (with the footnote), in order, so "who changed what, against which
suggestion" is always answerable.  A suggestion is logged again only when it
changes.  These functions return a new ``ReviewData``; the facade stores it in one
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ..errors import DataError
from ..model import CertaintyAssessment, DomainRating, GradeJudgement, ReviewData, UpgradeRating
from ._certainty import DOMAINS, UP_DOMAINS, rate, steps
from ._suggest import Suggestion


def find(data: ReviewData, assessment: str) -> CertaintyAssessment:
    found = next((a for a in data.certainty if a.id == assessment), None)
    if found is None:
        known = ", ".join(a.id for a in data.certainty[:8])
        raise DataError(
            f"no certainty assessment {assessment!r} in this review",
            hint=f"known: {known}{' …' if len(data.certainty) > 8 else ''}",
        )
    return found


def latest_suggestions(data: ReviewData, assessment: str) -> dict[str, GradeJudgement]:
    """The most recent suggestion per domain."""
    out: dict[str, GradeJudgement] = {}
    for j in sorted(data.grade_log, key=lambda j: j.sequence):
        if j.assessment == assessment and j.source == "suggestion":
            out[j.domain] = j
    return out


def history(data: ReviewData, assessment: str) -> list[GradeJudgement]:
    return sorted(
        (j for j in data.grade_log if j.assessment == assessment), key=lambda j: j.sequence
    )


def log_suggestions(
    data: ReviewData,
    suggestions: Mapping[str, Iterable[Suggestion]],
    *,
    author: str,
    at: str,
) -> tuple[ReviewData, int]:
    """Log each suggestion that differs from the last one for its domain; returns
    the new data and how many were logged.  A domain the data cannot judge (level
    None) is logged as ``undetermined`` so its reason is kept too."""
    sequence = max((j.sequence for j in data.grade_log), default=0)
    added: list[GradeJudgement] = []
    for assessment, found in suggestions.items():
        find(data, assessment)
        last = latest_suggestions(data, assessment)
        for s in found:
            level = s.level or "undetermined"
            previous = last.get(s.domain)
            if previous is not None and (previous.level, previous.reason) == (level, s.reason):
                continue
            sequence += 1
            added.append(
                GradeJudgement(
                    assessment=assessment,
                    domain=s.domain,  # type: ignore[arg-type]
                    level=level,
                    source="suggestion",
                    reason=s.reason,
                    author=author,
                    sequence=sequence,
                    decided_at=at,
                )
            )
    return replace(data, grade_log=(*data.grade_log, *added)), len(added)


@dataclass(frozen=True)
class Change:
    """What a reviewer's judgement did to an assessment."""

    assessment: CertaintyAssessment
    before: str
    after: str
    judgement: GradeJudgement


def set_judgement(
    data: ReviewData,
    assessment: str,
    domain: str,
    level: str,
    *,
    reviewer: str,
    at: str,
    footnote: str | None = None,
) -> tuple[ReviewData, Change]:
    """Set one domain's judgement (and footnote); the certainty follows from the
    judgements.  A judgement that moves the certainty needs a footnote (the one
    already there is kept when none is given)."""
    if domain not in DOMAINS:
        raise DataError(f"{domain!r} is not a GRADE domain ({', '.join(DOMAINS)})")
    current = find(data, assessment)
    moves = steps(domain, level) != 0
    old_rating = getattr(current, domain)
    text = footnote if footnote is not None else (old_rating.footnote if moves else None)
    if moves and not (text or "").strip():
        raise DataError(
            f"{assessment}: {domain} {level} needs a footnote saying why",
            hint="pass --footnote TEXT",
        )
    rating: DomainRating | UpgradeRating = (
        UpgradeRating(level=level, footnote=text)  # type: ignore[arg-type]
        if domain in UP_DOMAINS
        else DomainRating(level=level, footnote=text)  # type: ignore[arg-type]
    )
    changed = replace(current, **{domain: rating})  # type: ignore[arg-type]
    changed = replace(changed, certainty=rate(changed).level)  # type: ignore[arg-type]
    sequence = max((j.sequence for j in data.grade_log), default=0) + 1
    judgement = GradeJudgement(
        assessment=assessment,
        domain=domain,  # type: ignore[arg-type]
        level=level,
        source="reviewer",
        reason=text,
        author=reviewer,
        sequence=sequence,
        decided_at=at,
    )
    certainty = tuple(changed if a.id == assessment else a for a in data.certainty)
    tables = tuple(
        replace(
            t,
            rows=tuple(
                replace(r, certainty=changed.certainty) if r.assessment == assessment else r
                for r in t.rows
            ),
        )
        for t in data.sof_tables
    )
    new = replace(
        data, certainty=certainty, sof_tables=tables, grade_log=(*data.grade_log, judgement)
    )
    return new, Change(changed, current.certainty, changed.certainty, judgement)
