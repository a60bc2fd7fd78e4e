"""PRISMA 2020 flow counts: derived from logged records and decisions, or checked
where a review was entered with its counts as reported.

Pure functions over the model.  ``derive`` counts what the log holds; ``check``
lists every way a set of counts fails to add up, or disagrees with the lists of
studies, reports and exclusions the review holds.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from .model import Decision, FullText, PrismaCounts, ReviewData, Stage, Verdict


@dataclass(frozen=True)
class StageTotals:
    """Where one screening stage stands: what was decided, what is still open."""

    stage: Stage
    candidates: int
    included: int
    excluded: int
    maybe: int
    conflicts: int
    undecided: int
    decisions: int

    def to_dict(self) -> dict[str, int | str]:
        return dict(self.__dict__)


RecordState = Literal["open", "agreed", "conflict", "resolved"]


def record_state(
    decisions: Iterable[Decision], required: int = 1
) -> tuple[RecordState, Verdict | None]:
    """Where one record stands at one stage, and the verdict that stands (if any).

    A consensus decision (third reviewer or agreement meeting) resolves it.  Without
    one, the record is open until ``required`` reviewers have decided; then their
    latest decisions agree or conflict — reviewers who disagree are a conflict at
    once, even before all have decided.  At title/abstract "maybe" agrees with
    "include" (both send the record on to full text, as in Covidence) and the record
    stands as included if anyone said include.
    """
    ordered = sorted(decisions, key=lambda d: d.sequence)
    settled = [d for d in ordered if d.consensus]
    if settled:
        return "resolved", settled[-1].verdict
    latest: dict[str, Verdict] = {}
    for decision in ordered:
        latest[decision.reviewer] = decision.verdict
    verdicts = set(latest.values())
    if verdicts == {"include", "maybe"} and ordered[0].stage == "title_abstract":
        verdicts = {"include"}
    if len(verdicts) > 1:
        return "conflict", None
    if not latest or len(latest) < required:
        return "open", None
    return "agreed", verdicts.pop()


def final_verdict(decisions: Iterable[Decision], required: int = 1) -> Verdict | None:
    """The verdict that stands for one record at one stage, or None while it is open
    or in conflict (see :func:`record_state`)."""
    return record_state(decisions, required)[1]


def _final(
    data: ReviewData, stage: Stage
) -> tuple[dict[str, Verdict | None], dict[str, str], dict[str, RecordState]]:
    by_record: dict[str, list[Decision]] = {}
    for decision in data.decisions:
        if decision.stage == stage:
            by_record.setdefault(decision.record, []).append(decision)
    required = data.protocol.screening_reviewers
    states = {record: record_state(ds, required) for record, ds in by_record.items()}
    finals = {record: verdict for record, (_, verdict) in states.items()}
    reasons: dict[str, str] = {}
    for record, ds in by_record.items():
        deciding = [d for d in sorted(ds, key=lambda d: d.sequence) if d.verdict == finals[record]]
        settled = [d for d in deciding if d.consensus] or deciding
        if settled and settled[-1].reason:
            reasons[record] = settled[-1].reason
    return finals, reasons, {record: state for record, (state, _) in states.items()}


def stage_totals(data: ReviewData) -> list[StageTotals]:
    """Per-stage totals of the screening log (empty stages included)."""
    roots = [r.id for r in data.records if r.duplicate_of is None]
    ta_final, _, ta_states = _final(data, "title_abstract")
    ft_final, _, ft_states = _final(data, "full_text")
    ta_candidates = roots
    ft_candidates = [r for r in roots if ta_final.get(r) in ("include", "maybe")]
    out = []
    for stage, candidates, finals, states in (
        ("title_abstract", ta_candidates, ta_final, ta_states),
        ("full_text", ft_candidates, ft_final, ft_states),
    ):
        decided = Counter(finals.get(r) for r in candidates)
        conflicts = sum(1 for r in candidates if states.get(r) == "conflict")
        out.append(
            StageTotals(
                stage=stage,  # type: ignore[arg-type]
                candidates=len(candidates),
                included=decided["include"],
                excluded=decided["exclude"],
                maybe=decided["maybe"],
                conflicts=conflicts,
                undecided=len(candidates)
                - decided["include"]
                - decided["exclude"]
                - decided["maybe"]
                - conflicts,
                decisions=sum(1 for d in data.decisions if d.stage == stage),
            )
        )
    return out


def not_retrieved(data: ReviewData) -> dict[str, FullText]:
    """The records whose full text could not be retrieved, with their marks (PRISMA's
    reports not retrieved: they are not assessed)."""
    return {f.record: f for f in data.fulltexts if f.status == "not_retrieved"}


def fulltext_exclusions(data: ReviewData) -> dict[str, str]:
    """The records excluded at full text by the decisions logged, each with its
    reason ("(no reason given)" where none was), in record order: PRISMA 2020's
    "reports excluded, with reasons" and the report's list of excluded studies."""
    roots = [r.id for r in data.records if r.duplicate_of is None]
    ta_final, _, _ = _final(data, "title_abstract")
    ft_final, ft_reasons, _ = _final(data, "full_text")
    return {
        r: ft_reasons.get(r, "(no reason given)")
        for r in roots
        if ta_final.get(r) in ("include", "maybe") and ft_final.get(r) == "exclude"
    }


def derive(data: ReviewData) -> PrismaCounts:
    """PRISMA counts from the records and decisions the review has logged."""
    sources = {s.id: s.source for s in data.searches}
    identified = Counter(sources.get(r.search or "", "other") for r in data.records)
    roots = [r.id for r in data.records if r.duplicate_of is None]
    ta_final, _, _ = _final(data, "title_abstract")
    ft_final, _, _ = _final(data, "full_text")
    to_full_text = [r for r in roots if ta_final.get(r) in ("include", "maybe")]
    ft_excluded = fulltext_exclusions(data)
    unavailable = not_retrieved(data)
    return PrismaCounts(
        basis="derived",
        identified_databases=identified["database"],
        identified_other=identified["other"],
        duplicates_removed=len(data.records) - len(roots),
        screened=len(roots),
        excluded_screening=sum(1 for r in roots if ta_final.get(r) == "exclude"),
        reports_sought=len(to_full_text),
        reports_not_retrieved=sum(1 for r in to_full_text if r in unavailable),
        fulltext_assessed=sum(1 for r in to_full_text if ft_final.get(r) in ("include", "exclude")),
        fulltext_excluded=len(ft_excluded),
        studies_included=sum(1 for s in data.studies if s.status == "included"),
        reports_included=len(data.reports),
        systematic_reviews_included=len(data.systematic_reviews),
        fulltext_excluded_by_reason=dict(sorted(Counter(ft_excluded.values()).items())),
    )


def counts(data: ReviewData) -> PrismaCounts:
    """Derived counts where the review has records, else the recorded ones."""
    if data.records or data.prisma is None:
        return derive(data)
    return data.prisma


@dataclass(frozen=True)
class Finding:
    """One way the counts fail to add up: what should hold, and what was found."""

    check: str
    message: str
    expected: int
    found: int
    fields: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "fields": list(self.fields),
        }


def check(prisma: PrismaCounts, data: ReviewData | None = None) -> list[Finding]:
    """Every arithmetic identity of the flow diagram that the counts break.

    With ``data``, the counts are also compared with the lists the review holds
    (included studies, their reports, listed reviews, excluded full texts).
    """
    p = prisma
    findings: list[Finding] = []
    expect = functools.partial(_expect, findings)
    identified = _sum(p.identified_databases, p.identified_other)
    expect(
        "identified",
        "records identified minus duplicates removed should equal records screened",
        _minus(identified, p.duplicates_removed or 0),
        p.screened,
        "identified_databases",
        "identified_other",
        "duplicates_removed",
        "screened",
    )
    if p.reports_sought is None:
        expect(
            "screening",
            "records screened minus records excluded should equal full texts assessed",
            _minus(p.screened, p.excluded_screening),
            p.fulltext_assessed,
            "screened",
            "excluded_screening",
            "fulltext_assessed",
        )
    else:
        expect(
            "screening",
            "records screened minus records excluded should equal reports sought for retrieval",
            _minus(p.screened, p.excluded_screening),
            p.reports_sought,
            "screened",
            "excluded_screening",
            "reports_sought",
        )
        expect(
            "retrieval",
            "reports sought minus reports not retrieved should equal full texts assessed",
            _minus(p.reports_sought, p.reports_not_retrieved or 0),
            p.fulltext_assessed,
            "reports_sought",
            "reports_not_retrieved",
            "fulltext_assessed",
        )
    included_reports = _sum(p.reports_included, p.systematic_reviews_included or 0)
    expect(
        "full_text",
        "full texts assessed minus full texts excluded should equal the reports (and "
        "systematic reviews) included",
        _minus(p.fulltext_assessed, p.fulltext_excluded),
        included_reports,
        "fulltext_assessed",
        "fulltext_excluded",
        "reports_included",
        "systematic_reviews_included",
    )
    if p.fulltext_excluded_by_reason:
        expect(
            "exclusion_reasons",
            "full-text exclusions by reason should add up to full texts excluded",
            p.fulltext_excluded,
            sum(p.fulltext_excluded_by_reason.values()),
            "fulltext_excluded",
            "fulltext_excluded_by_reason",
        )
    if (
        p.studies_included is not None
        and p.reports_included is not None
        and p.studies_included > p.reports_included
    ):
        findings.append(
            Finding(
                "studies_reports",
                "every included study needs at least one report",
                p.reports_included,
                p.studies_included,
                ("studies_included", "reports_included"),
            )
        )
    if data is not None:
        _check_lists(p, data, expect)
    return findings


def _expect(
    findings: list[Finding],
    name: str,
    text: str,
    expected: int | None,
    found: int | None,
    *fields: str,
) -> None:
    if expected is not None and found is not None and expected != found:
        findings.append(Finding(name, text, expected, found, fields))


def _check_lists(p: PrismaCounts, data: ReviewData, expect: Callable[..., None]) -> None:
    included = sum(1 for s in data.studies if s.status == "included")
    if data.studies:
        expect(
            "studies_listed",
            "included studies in the review should match the count",
            p.studies_included,
            included,
            "studies_included",
        )
    if data.reports:
        expect(
            "reports_listed",
            "reports of included studies in the review should match the count",
            p.reports_included,
            len(data.reports),
            "reports_included",
        )
    if data.systematic_reviews:
        expect(
            "reviews_listed",
            "systematic reviews listed should match the count",
            p.systematic_reviews_included,
            len(data.systematic_reviews),
            "systematic_reviews_included",
        )
    if data.exclusions:
        expect(
            "exclusions_listed",
            "excluded full texts listed with reasons should match the count",
            p.fulltext_excluded,
            len(data.exclusions),
            "fulltext_excluded",
        )
    imported = Counter(r.search for r in data.records)
    for search in data.searches:
        if search.id in imported:
            expect(
                f"search_hits:{search.id}",
                f"records imported from {search.database} should match the hits it reported",
                search.reported_hits,
                imported[search.id],
                "reported_hits",
            )


def _sum(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b
