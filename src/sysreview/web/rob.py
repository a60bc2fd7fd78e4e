"""Risk-of-bias pages: the grid of included studies × a tool's domains, one study's
forms (RoB 2's signalling questions, or a judgement per domain for RoB 1 and
ROBINS-I), and the conflicts the team settles.  With ``tool=amstar2`` the same pages
appraise the listed systematic reviews: the grid is reviews × AMSTAR 2 items with
each review's overall confidence, and a review's page has an answer per item.

Every rule is the facade's (:meth:`Review.assess_risk_of_bias`,
:meth:`Review.agree_risk_of_bias`): two independent judgements per domain, RoB 2's
algorithm unless a reason is given, and blinding.  What a reviewer is shown of others'
judgements is only what :meth:`Review.risk_of_bias_seen_by` lets them see; the
conflicts page shows the judgements that disagree, which both assessors have made.

A domain's form is its own POST (one transaction).  A refusal re-renders the study
page (409) with the message beside that domain and what the reviewer typed in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..appraisal import amstar2, rob2, tools
from ..errors import SysreviewError
from ..review import Review
from ._page import MAX_TEXT, MessageFn, PageFn, SignedInFn

ANSWER = "q_"  # a RoB 2 answer's form field: q_1.1, q_2.3 ...
ANSWER_NAMES = {
    "Y": "Yes",
    "PY": "Probably yes",
    "PN": "Probably no",
    "N": "No",
    "NI": "No information",
    "NA": "Not applicable",
}


class RobForm(BaseModel):
    """What a domain's form posts; RoB 2's answers come as one field per question
    (``q_1.1=Y``), kept as the model's extra fields."""

    model_config = ConfigDict(extra="allow")

    tool: str = rob2.TOOL
    domain: str
    variant: str = ""
    outcome: str = ""
    judgement: str = ""
    support: str = Field("", max_length=MAX_TEXT)

    def answers(self) -> dict[str, str]:
        """The questions answered, ``{"1.1": "Y", ...}`` (a blank answer is none)."""
        extra = self.model_extra or {}
        return {
            name.removeprefix(ANSWER): str(value)
            for name, value in extra.items()
            if name.startswith(ANSWER) and value
        }


class AgreeForm(BaseModel):
    """What the consensus form on the conflicts page posts."""

    study: str
    tool: str
    domain: str
    outcome: str = ""
    judgement: str = ""
    support: str = Field("", max_length=MAX_TEXT)


@dataclass(frozen=True)
class Cell:
    """One study × domain as the signed-in reviewer may see it: ``open`` (not judged
    by them), ``awaiting`` (theirs, the other assessor's to come), ``conflict`` or
    ``settled``; ``judgement`` is the consensus when settled, else their own."""

    state: str
    judgement: str | None = None


@dataclass
class DomainView:
    """One domain's card on a study's page: its questions, what pre-fills the form,
    and where the domain stands for the signed-in reviewer."""

    code: str
    heading: str
    name: str
    options: tuple[str, ...]
    questions: tuple[rob2.Question, ...] = ()
    variant: str | None = None
    state: str = "open"
    settled: str | None = None
    settled_support: str | None = None  # the team's support for its judgement
    mine: Any = None  # the reviewer's own RobAssessment, if any
    proposed: str | None = None  # the algorithm's judgement of their saved answers
    others: list[Any] = field(default_factory=list)  # others' judgements they may see
    answers: dict[str, str] = field(default_factory=dict)
    judgement: str = ""
    support: str = ""
    refused: str | None = None
    #: AMSTAR 2: the item's question, and whether the protocol counts it as critical
    question: str = ""
    critical: bool = False


def router(
    review: Review,
    *,
    page: PageFn,
    signed_in: SignedInFn,
    message: MessageFn,
) -> APIRouter:
    """The risk-of-bias routes over ``review``, rendered with the app's ``page``."""
    routes = APIRouter()

    def to_signin() -> RedirectResponse:
        return RedirectResponse("/signin", status_code=303)

    @routes.get("/rob", response_model=None)
    def grid(request: Request, tool: str = rob2.TOOL, outcome: str = "") -> Response:
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        spec = _tool(tool)
        data = review.data()
        if spec.subject == "review":
            subjects: list[Any] = list(data.systematic_reviews)
            outcome = ""
        else:
            subjects = [s for s in data.studies if s.status == "included"]
        cells = _cells(review, reviewer, spec.code, outcome or None)
        shown = [c for (study, _), c in cells.items() if study in {s.id for s in subjects}]
        counts = {s: sum(c.state == s for c in shown) for s in ("settled", "conflict")}
        ratings = review.systematic_review_confidence() if spec.subject == "review" else {}
        return page(
            request,
            "rob_grid.html",
            tool=spec,
            tools=tools.TOOLS.values(),
            domains=list(zip(spec.headings, spec.domains, strict=True)),
            subjects=subjects,
            cells=cells,
            counts=counts,
            outcome=outcome,
            outcomes=data.protocol.outcomes if spec.subject == "study" else (),
            ratings=ratings,
            rating_names=amstar2.RATING_NAMES,
            critical=data.protocol.amstar2_critical,
            critical_codes=_critical_codes(data.protocol.amstar2_critical),
            short=amstar2.ANSWER_SHORT,
        )

    @routes.get("/rob/conflicts", response_model=None)
    def conflicts(request: Request, tool: str = "", settled: str = "") -> Response:
        if signed_in(request) is None:
            return to_signin()
        return conflicts_page(request, tool, settled=settled)

    def conflicts_page(
        request: Request,
        tool: str,
        *,
        settled: str = "",
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        if tool:
            _tool(tool)
        found = review.risk_of_bias_conflicts(tool or None)
        data = review.data()
        studies = {s.id: s for s in data.studies}
        listed = {r.id: r for r in data.systematic_reviews}
        rows = []
        for p, judged in found:
            spec = tools.tool(p.tool)
            rows.append(
                {
                    "position": p,
                    "study": (listed if spec.subject == "review" else studies).get(p.study),
                    "tool": spec,
                    "options": spec.options(p.domain),
                    "heading": spec.heading(p.domain),
                    "name": next((d.name_en for d in spec.domains if d.code == p.domain), ""),
                    "judged": judged,
                    "lines": _side_by_side([a.answers for a in judged]),
                }
            )
        return page(
            request,
            "rob_conflicts.html",
            status,
            rows=rows,
            tool=tool,
            settled=settled,
            error=error,
        )

    @routes.post("/rob/agree", response_model=None)
    def agree(request: Request, form: Annotated[AgreeForm, Form()]) -> Response:
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        try:
            review.agree_risk_of_bias(
                form.study,
                form.domain,
                form.judgement or None,
                by=reviewer,
                tool=form.tool,
                support=form.support.strip() or None,
                outcome=form.outcome or None,
            )
        except SysreviewError as error:
            return conflicts_page(request, "", error=message(error), status=409)
        done = urlencode({"settled": f"{form.study} {form.domain}", "tool": form.tool})
        return RedirectResponse(f"/rob/conflicts?{done}", status_code=303)

    @routes.get("/rob/{study}", response_model=None)
    def study_page(
        request: Request,
        study: str,
        tool: str = rob2.TOOL,
        outcome: str = "",
        variant: str = "",
        saved: str = "",
    ) -> Response:
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        return assessment_page(
            request, reviewer, study, tool, outcome, variant=variant, saved=saved
        )

    def assessment_page(
        request: Request,
        reviewer: str,
        study: str,
        tool: str,
        outcome: str,
        *,
        variant: str = "",
        saved: str = "",
        typed: RobForm | None = None,
        refused: str | None = None,
    ) -> HTMLResponse:
        data = review.data()
        spec = _tool(tool)
        if spec.subject == "review":
            found: Any = next((r for r in data.systematic_reviews if r.id == study), None)
            outcome = ""
        else:
            found = next((s for s in data.studies if s.id == study), None)
        if found is None:
            what = "listed systematic review" if spec.subject == "review" else "study"
            raise HTTPException(404, f"no {what} {study!r} in this review")
        cells = _cells(review, reviewer, spec.code, outcome or None)
        visible = [
            a
            for a in review.risk_of_bias_seen_by(reviewer)
            if (a.study, a.tool, a.outcome) == (study, spec.code, outcome or None)
        ]
        seen = [a for a in visible if not a.consensus]
        agreed = {a.domain: a for a in visible if a.consensus}
        mine = {a.domain: a for a in seen if a.assessor == reviewer}
        if spec.code == rob2.TOOL and not variant:
            earlier = mine.get(rob2.domains()[1].code)
            variant = (earlier.variant if earlier else None) or rob2.VARIANTS[0]
        views = _domain_views(spec, variant, cells, study, mine, seen, reviewer)
        critical = _critical_codes(data.protocol.amstar2_critical)
        for view in views:
            view.critical = spec.code == amstar2.TOOL and view.code in critical
        for view in views:
            if view.code in agreed:
                view.settled_support = agreed[view.code].support
        typed_in = next((v for v in views if typed and typed.domain == v.code), None)
        if typed is not None and typed_in is not None:
            typed_in.answers, typed_in.judgement = typed.answers(), typed.judgement
            typed_in.support, typed_in.refused = typed.support, refused
        rating = (
            review.systematic_review_confidence().get(study) if spec.subject == "review" else None
        )
        return page(
            request,
            "rob_study.html",
            409 if refused else 200,
            study=found,
            tool=spec,
            tools=[t for t in tools.TOOLS.values() if t.subject == spec.subject],
            views=views,
            rating=rating,
            rating_names=amstar2.RATING_NAMES,
            outcome=outcome,
            outcomes=data.protocol.outcomes if spec.subject == "study" else (),
            variant=variant,
            variants=rob2.VARIANTS,
            saved=saved,
            answer_names=ANSWER_NAMES,
            error=refused if typed_in is None else None,
        )

    @routes.post("/rob/{study}", response_model=None)
    def assess(request: Request, study: str, form: Annotated[RobForm, Form()]) -> Response:
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        try:
            answers = form.answers()
            logged = review.assess_risk_of_bias(
                study,
                form.domain,
                assessor=reviewer,
                tool=form.tool,
                judgement=form.judgement or None,
                answers=rob2.format_answers(answers) if answers else None,
                support=form.support.strip() or None,
                outcome=form.outcome or None,
                variant=form.variant or None,
            )
        except SysreviewError as error:
            return assessment_page(
                request,
                reviewer,
                study,
                form.tool,
                form.outcome,
                variant=form.variant,
                typed=form,
                refused=message(error),
            )
        return RedirectResponse(
            _study_url(study, form.tool, form.outcome, form.variant, saved=logged.domain)
            + f"#rob-{logged.domain}",
            status_code=303,
        )

    return routes


def _tool(code: str) -> tools.Tool:
    """The tool named by a page's ``tool`` parameter; anything else is a 404."""
    try:
        return tools.tool(code)
    except SysreviewError as error:
        raise HTTPException(404, str(error)) from error


def _cells(
    review: Review, reviewer: str, tool: str, outcome: str | None
) -> dict[tuple[str, str], Cell]:
    """(study, domain) → where it stands for ``reviewer``: never another assessor's
    judgement that blinding hides (only the state and the consensus, once settled)."""
    own = {
        (a.study, a.domain): a.judgement
        for a in review.risk_of_bias_seen_by(reviewer)
        if a.assessor == reviewer and not a.consensus and (a.tool, a.outcome) == (tool, outcome)
    }
    cells: dict[tuple[str, str], Cell] = {}
    for p in review.risk_of_bias_positions(tool):
        if p.outcome != outcome:
            continue
        key = (p.study, p.domain)
        if p.state == "settled":
            cells[key] = Cell("settled", p.judgement)
        elif p.state == "conflict":
            cells[key] = Cell("conflict", own.get(key))
        elif key in own:
            cells[key] = Cell("awaiting", own[key])
    return cells


def _domain_views(
    spec: tools.Tool,
    variant: str,
    cells: dict[tuple[str, str], Cell],
    study: str,
    mine: dict[str, Any],
    seen: list[Any],
    reviewer: str,
) -> list[DomainView]:
    """A card per domain, pre-filled with the reviewer's own judgement."""
    questions: dict[str, rob2.Domain] = {}
    if spec.code == rob2.TOOL:
        try:
            questions = {d.code: d for d in rob2.domains(variant)}
        except SysreviewError as error:
            raise HTTPException(404, str(error)) from error
    views = []
    for heading, d in zip(spec.headings, spec.domains, strict=True):
        cell = cells.get((study, d.code), Cell("open"))
        own = mine.get(d.code)
        item = amstar2.item(d.code) if spec.code == amstar2.TOOL else None
        view = DomainView(
            d.code,
            heading,
            d.name_en,
            spec.options(d.code),
            questions[d.code].questions if d.code in questions else (),
            questions[d.code].variant if d.code in questions else None,
            state=cell.state,
            settled=cell.judgement if cell.state == "settled" else None,
            mine=own,
            others=[a for a in seen if a.domain == d.code and a.assessor != reviewer],
            question=item.question if item else "",
        )
        if own is not None:
            view.support = own.support or ""
            view.judgement = own.judgement
            if d.code in questions and own.answers:
                asked_for = (own.variant or rob2.VARIANTS[0]) if view.variant else None
                view.proposed = _proposed(d.code, own.answers, own.variant)
                if asked_for == view.variant:
                    view.answers = _parsed(own.answers)
                if view.proposed == own.judgement:
                    view.judgement = ""  # the algorithm's, as the form's default says
        views.append(view)
    return views


def _critical_codes(critical: tuple[int, ...]) -> set[str]:
    """The AMSTAR 2 rows (``9a``, ``9b`` ...) of the protocol's critical items."""
    return {i.code for i in amstar2.ITEMS if i.item in critical}


def _proposed(domain: str, answers: str, variant: str | None) -> str | None:
    """The RoB 2 algorithm's judgement of saved answers (None if they no longer fit)."""
    try:
        return rob2.propose(
            rob2.domain(domain, variant or rob2.VARIANTS[0]), rob2.parse_answers(answers)
        )
    except SysreviewError:
        return None


def _parsed(answers: str | None) -> dict[str, str]:
    try:
        return rob2.parse_answers(answers) if answers else {}
    except SysreviewError:
        return {}


def _side_by_side(answers: list[str | None]) -> list[tuple[str, list[str], bool]]:
    """Each question any of the assessors' ``answers`` strings answers, in numeric
    order: (question, each one's answer or "–", whether they differ)."""
    parsed = [_parsed(text) for text in answers]
    found = sorted({q for one in parsed for q in one}, key=lambda q: tuple(map(int, q.split("."))))
    lines = []
    for question in found:
        given = [one.get(question, "–") for one in parsed]
        lines.append((question, given, len(set(given)) > 1))
    return lines


def _study_url(study: str, tool: str, outcome: str, variant: str, saved: str = "") -> str:
    query = {"tool": tool, "outcome": outcome, "variant": variant, "saved": saved}
    return f"/rob/{quote(study, safe='')}?" + urlencode({k: v for k, v in query.items() if v})
