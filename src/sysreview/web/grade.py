"""The GRADE page: the Summary-of-Findings tables rebuilt from the data, and for each
outcome's certainty assessment the eight domains with the reviewers' judgement and
footnote beside what the tool suggests from the data, and why.

Every rule is the facade's (:meth:`Review.grade_start`, :meth:`Review.grade_suggest`,
:meth:`Review.grade_set`): a judgement that moves the certainty needs a footnote, each
change is logged with who made it.  Each domain's form is its own POST (one
transaction); a refusal re-renders the page (409) with the message beside that domain
and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import grade
from ..errors import SysreviewError
from ..model import CertaintyAssessment, ReviewData
from ..review import Review
from ._page import MessageFn, PageFn, SignedInFn, too_long

DOMAIN_NAMES = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
    "large_effect": "Large effect",
    "dose_response": "Dose-response",
    "plausible_confounding": "Plausible confounding",
}
LEVEL_NAMES = {
    "not_serious": "Not serious",
    "serious": "Serious",
    "very_serious": "Very serious",
    "extremely_serious": "Extremely serious",
    "none": "None",
    "one": "Rate up one level",
    "two": "Rate up two levels",
    "undetermined": "For the reviewers",
}


@dataclass(frozen=True)
class DomainView:
    """One domain of one assessment as the page shows it."""

    code: str
    name: str
    levels: tuple[str, ...]
    level: str
    footnote: str
    suggested: str | None
    reason: str | None
    refused: str | None = None


@dataclass(frozen=True)
class AssessmentView:
    id: str
    label: str
    certainty: str
    symbols: str
    design: str
    domains: tuple[DomainView, ...]
    #: the reviewers' judgements, newest first: (who, when, domain, level, footnote)
    changes: tuple[tuple[str, str, str, str, str], ...] = ()


def router(
    review: Review,
    *,
    page: PageFn,
    signed_in: SignedInFn,
    message: MessageFn,
) -> APIRouter:
    """The GRADE routes over ``review``, rendered with the app's ``page``."""
    routes = APIRouter()

    def grade_page(
        request: Request,
        *,
        done: str = "",
        error: str | None = None,
        refused: tuple[str, str, str, str, str] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        """``refused``: (assessment, domain, message, level typed, footnote typed)."""
        data = review.data()
        tables = review.summary_of_findings(lang="en")
        labels = {r.assessment.id: r.label for t in tables for r in t.rows if r.assessment}
        views = [_view(data, a, labels.get(a.id, a.id), refused) for a in data.certainty]
        assessed = {a.analysis for a in data.certainty if a.analysis}
        if refused is not None and not any(d.refused for v in views for d in v.domains):
            error = refused[2]  # no such assessment or domain: said at the top
        return page(
            request,
            "grade.html",
            status,
            tables=tables,
            assessments=views,
            unassessed=[a for a in data.analyses if a.id not in assessed],
            level_names=LEVEL_NAMES,
            certainty_label=lambda c: grade.certainty_label(c, "en"),
            symbols=grade.certainty_symbols,
            done=done,
            error=error,
        )

    @routes.get("/grade", response_model=None)
    def show(request: Request, done: str = "") -> Response:
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        return grade_page(request, done=done)

    def act(request: Request, run: Callable[[str], str]) -> Response:
        """Run one whole-page action as the signed-in reviewer; say what it did."""
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        try:
            said = run(who)
        except SysreviewError as error:
            return grade_page(request, error=message(error), status=409)
        return RedirectResponse(f"/grade?{urlencode({'done': said})}", status_code=303)

    def started(who: str) -> str:
        made = review.grade_start(reviewer=who)
        return f"{len(made)} assessment{'' if len(made) == 1 else 's'} started by {who}"

    def suggested(who: str) -> str:
        review.grade_suggest(lang="en")
        return "every domain suggested from the data"

    @routes.post("/grade/start", response_model=None)
    async def start(request: Request) -> Response:
        return act(request, started)

    @routes.post("/grade/suggest", response_model=None)
    async def suggest(request: Request) -> Response:
        return act(request, suggested)

    @routes.post("/grade/set", response_model=None)
    async def set_domain(request: Request) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        form = await request.form()
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        assessment, domain = fields.get("assessment", ""), fields.get("domain", "")
        level, footnote = fields.get("level", ""), fields.get("footnote", "")
        if (refusal := too_long({"footnote": footnote}, {"footnote": "The footnote"})) is not None:
            return grade_page(
                request, refused=(assessment, domain, refusal, level, footnote), status=422
            )
        try:
            change = review.grade_set(
                assessment, domain, level, reviewer=who, footnote=footnote.strip() or None
            )
        except SysreviewError as error:
            refused = (assessment, domain, message(error), level, footnote)
            return grade_page(request, refused=refused, status=409)
        before, after = (grade.certainty_label(c, "en") for c in (change.before, change.after))
        moved = f"certainty {before} → {after}" if before != after else f"certainty stays {after}"
        judged = LEVEL_NAMES.get(level, level).lower()
        said = f"{assessment}: {DOMAIN_NAMES.get(domain, domain)} {judged} by {who}; {moved}"
        target = f"/grade?{urlencode({'done': said})}#a-{assessment}"
        return RedirectResponse(target, status_code=303)

    return routes


def _view(
    data: ReviewData,
    assessment: CertaintyAssessment,
    label: str,
    refused: tuple[str, str, str, str, str] | None,
) -> AssessmentView:
    judged = grade.judgements(assessment)
    suggestions = grade.latest_suggestions(data, assessment.id)
    domains = []
    for code in grade.DOMAINS:
        suggestion = suggestions.get(code)
        level, footnote = judged[code], getattr(assessment, code).footnote or ""
        mine = refused if refused is not None and refused[:2] == (assessment.id, code) else None
        if mine is not None:
            level, footnote = mine[3] or level, mine[4]
        domains.append(
            DomainView(
                code=code,
                name=DOMAIN_NAMES[code],
                levels=grade.levels_for(code),
                level=level,
                footnote=footnote,
                suggested=suggestion.level if suggestion is not None else None,
                reason=suggestion.reason if suggestion is not None else None,
                refused=mine[2] if mine is not None else None,
            )
        )
    changes = tuple(
        (
            j.author or "",
            (j.decided_at or "")[:16].replace("T", " "),
            DOMAIN_NAMES.get(j.domain, j.domain),
            LEVEL_NAMES.get(j.level, j.level),
            j.reason or "",
        )
        for j in reversed(grade.history(data, assessment.id))
        if j.source == "reviewer"
    )
    return AssessmentView(
        changes=changes,
        id=assessment.id,
        label=label,
        certainty=assessment.certainty,
        symbols=grade.certainty_symbols(assessment.certainty),
        design=assessment.design,
        domains=tuple(domains),
    )
