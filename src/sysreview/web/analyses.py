"""The analyses page (RevMan's "Data and analyses"): every planned meta-analysis with
its result pooled from the agreed data as they stand, or what it still lacks, and its
forest plot drawn on request; a lead plans an analysis, has it look again for the
studies with agreed data, or drops it, and adds the protocol's outcomes and
comparisons an analysis needs.  Every rule is the facade's
(:meth:`Review.add_analysis`, which also refuses a plan sent twice); each form is one
POST, one transaction."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from .. import model
from ..errors import SysreviewError
from ..review import Review
from ._page import MessageFn, PageFn, SignedInFn


class AnalysisForm(BaseModel):
    """A planned analysis: empty ``measure`` takes the outcome's default."""

    comparison: str
    outcome: str
    timepoint: str = ""
    measure: str = ""
    model: str = "random"


class OutcomeForm(BaseModel):
    id: str
    name: str
    kind: str = "dichotomous"
    direction: str = "higher_is_better"
    importance: str = "critical"


class ComparisonForm(BaseModel):
    id: str
    intervention: str
    comparator: str


def router(
    review: Review,
    *,
    page: PageFn,
    signed_in: SignedInFn,
    message: MessageFn,
) -> APIRouter:
    """The analyses routes over ``review``, rendered with the app's ``page``."""
    routes = APIRouter()

    def analyses_page(
        request: Request, done: str = "", error: str | None = None, status: int = 200
    ) -> HTMLResponse:
        data = review.data()
        return page(
            request,
            "analyses.html",
            status,
            results=review.analysis_results(),
            outcomes=data.protocol.outcomes,
            comparisons=data.protocol.comparisons,
            names={o.id: o.name for o in data.protocol.outcomes},
            measures=Review.ANALYSIS_MEASURES,
            vocabulary={
                "kind": model.choices(model.OutcomeKind),
                "direction": model.choices(model.Direction),
                "importance": model.choices(model.Importance),
            },
            done=done,
            error=error,
        )

    def changed(request: Request, act: Callable[[str], str]) -> Response:
        """Run one change by the signed-in lead; refusals (the facade's words, naming
        what only a lead does) show on the page (409)."""
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        try:
            done = act(who)
        except SysreviewError as error:
            return analyses_page(request, error=message(error), status=409)
        return RedirectResponse("/analyses?" + urlencode({"done": done}), status_code=303)

    @routes.get("/analyses", response_model=None)
    def analyses(request: Request, done: str = "") -> Response:
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        return analyses_page(request, done)

    @routes.post("/analyses", response_model=None)
    def plan(request: Request, form: Annotated[AnalysisForm, Form()]) -> Response:
        def act(who: str) -> str:
            added = review.add_analysis(
                form.comparison,
                form.outcome,
                by=who,
                timepoint=form.timepoint or None,
                measure=form.measure or None,
                model=form.model,
            )
            return f"analysis {added.id} is planned"

        return changed(request, act)

    @routes.post("/analyses/outcome", response_model=None)
    def add_outcome(request: Request, form: Annotated[OutcomeForm, Form()]) -> Response:
        def act(who: str) -> str:
            fields = form.model_dump(exclude={"id"})
            added = review.add_outcome(form.id.strip(), by=who, **fields)
            return f"outcome {added.id} is in the protocol"

        return changed(request, act)

    @routes.post("/analyses/comparison", response_model=None)
    def add_comparison(request: Request, form: Annotated[ComparisonForm, Form()]) -> Response:
        def act(who: str) -> str:
            fields = form.model_dump(exclude={"id"})
            added = review.add_comparison(form.id.strip(), by=who, **fields)
            return f"comparison {added.id} is in the protocol"

        return changed(request, act)

    @routes.post("/analyses/{analysis}/studies", response_model=None)
    def look_again(request: Request, analysis: str) -> Response:
        def act(who: str) -> str:
            found = review.set_analysis_studies(analysis, by=who)
            return f"analysis {found.id} pools {len(found.studies)} studies"

        return changed(request, act)

    @routes.post("/analyses/{analysis}/remove", response_model=None)
    def remove(request: Request, analysis: str) -> Response:
        def act(who: str) -> str:
            review.remove_analysis(analysis, by=who)
            return f"analysis {analysis} is removed"

        return changed(request, act)

    @routes.get("/analyses/{analysis}/forest.svg", response_model=None)
    def forest(request: Request, analysis: str) -> Response:
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        if all(a.id != analysis for a in review.data().analyses):
            raise HTTPException(404, f"There is no analysis {analysis!r} in this review.")
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "forest.svg"
            try:
                review.draw_figure("forest", target, analysis=analysis)
            except SysreviewError as error:
                raise HTTPException(404, message(error)) from None
            svg = target.read_bytes()
        return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "no-store"})

    return routes
