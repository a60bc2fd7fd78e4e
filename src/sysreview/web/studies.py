"""The studies page: full-text inclusions linked to studies (one study, several
reports).  Each waiting inclusion founds a new study or is linked to one the team
already has; linked reports can be unlinked.  Each study's page edits its description
(the characteristics table's row).  Every rule is the facade's
(:meth:`Review.link_report`); each form is one POST, one transaction."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from .. import extraction, screening
from ..errors import SysreviewError
from ..review import Review
from ._page import MessageFn, PageFn, SignedInFn, too_long


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
    signed_in: SignedInFn,
    message: MessageFn,
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

    def known(study: str) -> Any:
        """The study ``study``; a study the review does not have is a 404."""
        found = next((s for s in review.data().studies if s.id == study), None)
        if found is None:
            raise HTTPException(404, f"There is no study {study!r} in this review.")
        return found

    def study_page(
        request: Request, study: str, *, done: str = "", error: str | None = None, status: int = 200
    ) -> Response:
        found = known(study)
        values = {
            name: "; ".join(v) if isinstance(v := getattr(found, name), tuple) else v
            for name in extraction.DESCRIBED
        }
        return page(
            request,
            "study.html",
            status,
            study=found,
            described=extraction.DESCRIBED,
            values=values,
            done=done,
            error=error,
        )

    @routes.get("/studies/{study}", response_model=None)
    def study(request: Request, study: str, done: str = "") -> Response:
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        return study_page(request, study, done=done)

    @routes.post("/studies/{study}", response_model=None)
    async def describe(request: Request, study: str) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        before = known(study).characteristics
        form = await request.form()
        changes: dict[str, object] = {
            name: str(form.get(name, "")) for name in extraction.DESCRIBED if name in form
        }
        keys, cells = form.getlist("cell_key"), form.getlist("cell_value")
        if keys:  # the other columns only when the form sent them (the page's form does)
            pairs = zip(keys, cells, strict=False)
            given = {str(k).strip(): str(v) for k, v in pairs if str(k).strip()}
            # the form shows every column: one no longer in it (renamed, emptied) is removed
            changes["characteristics"] = {k: "" for k in before if k not in given} | given
        texts = {k: str(v) for k, v in changes.items() if isinstance(v, str)}
        texts |= {f"column {str(k)!r}": str(v) for k, v in zip(keys, cells, strict=False)}
        refused = too_long(texts, dict(extraction.DESCRIBED))
        if refused is not None:
            return study_page(request, study, error=refused, status=422)
        try:
            review.describe_study(study, by=who, **changes)
        except SysreviewError as error:
            return study_page(request, study, error=message(error), status=409)
        done = urlencode({"done": f"{study}'s description is saved"})
        return RedirectResponse(f"/studies/{study}?{done}", status_code=303)

    return routes
