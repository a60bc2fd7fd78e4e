"""The studies page: full-text inclusions linked to studies (one study, several
reports).  Each waiting inclusion founds a new study or is linked to one the team
already has; linked reports can be unlinked.  Every rule is the facade's
(:meth:`Review.link_report`); each form is one POST, one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from .. import screening
from ..errors import SysreviewError
from ..review import Review

PageFn = Callable[..., HTMLResponse]


class LinkForm(BaseModel):
    """A link: ``study`` empty founds a new study labelled ``label``."""

    record: str
    study: str = ""
    label: str = ""


class UnlinkForm(BaseModel):
    record: str


def router(
    review: Review,
    *,
    page: PageFn,
    signed_in: Callable[[Request], str | None],
    message: Callable[[SysreviewError], str],
) -> APIRouter:
    """The studies routes over ``review``, rendered with the app's ``page``."""
    routes = APIRouter()

    def studies_page(
        request: Request, done: str = "", error: str | None = None, status: int = 200
    ) -> HTMLResponse:
        data = review.data()
        waiting = review.unlinked_inclusions()
        included = [s for s in data.studies if s.status == "included"]
        reports = {s.id: [r for r in data.reports if r.study == s.id] for s in included}
        return page(
            request,
            "studies.html",
            status,
            waiting=waiting,
            suggested={r.id: screening.suggested_label(r) for r in waiting},
            studies=included,
            reports=reports,
            done=done,
            error=error,
        )

    @routes.get("/studies", response_model=None)
    def studies(request: Request, done: str = "") -> Response:
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        return studies_page(request, done)

    @routes.post("/studies/link", response_model=None)
    def link(request: Request, form: Annotated[LinkForm, Form()]) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        try:
            report = review.link_report(
                form.record, by=who, study=form.study or None, label=form.label or None
            )
        except SysreviewError as error:
            return studies_page(request, error=message(error), status=409)
        done = urlencode({"done": f"{form.record} is a report of {report.study}"})
        return RedirectResponse(f"/studies?{done}", status_code=303)

    @routes.post("/studies/unlink", response_model=None)
    def unlink(request: Request, form: Annotated[UnlinkForm, Form()]) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        try:
            report = review.unlink_report(form.record, by=who)
        except SysreviewError as error:
            return studies_page(request, error=message(error), status=409)
        done = urlencode({"done": f"{form.record} is no longer a report of {report.study}"})
        return RedirectResponse(f"/studies?{done}", status_code=303)

    return routes
