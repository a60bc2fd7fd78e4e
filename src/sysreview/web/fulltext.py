"""The full texts page: every record title/abstract screening sent on, with its file
(opened in the browser), an upload, or the reason it could not be retrieved — what a
team gathers before and during full-text screening (PRISMA's reports sought and not
retrieved).  Every rule is the facade's (:meth:`Review.attach_fulltexts`,
:meth:`Review.fulltext_not_retrieved`); each form is one POST, one transaction."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import screening
from ..errors import SysreviewError
from ..review import Review
from ._page import MessageFn, PageFn, SignedInFn

#: where a form may send the reviewer back to (no open redirects)
RETURNS = ("/fulltexts", "/screen/ft")
#: how every PDF file begins
PDF_MAGIC = b"%PDF-"


def router(
    review: Review,
    *,
    page: PageFn,
    signed_in: SignedInFn,
    message: MessageFn,
) -> APIRouter:
    """The full-text routes over ``review``, rendered with the app's ``page``."""
    routes = APIRouter()

    def fulltexts_page(
        request: Request, done: str = "", error: str | None = None, status: int = 200
    ) -> HTMLResponse:
        data = review.data()
        records = {r.id: r for r in data.records}
        positions = review.retrieval()
        counts = screening.retrieval_tally(positions)
        return page(
            request,
            "fulltexts.html",
            status,
            positions=positions,
            records=records,
            counts=counts,
            done=done,
            error=error,
        )

    def back(then: str, done: str) -> RedirectResponse:
        target = then if then in RETURNS else RETURNS[0]
        query = urlencode({"done": done}) if target == "/fulltexts" else ""
        return RedirectResponse(f"{target}?{query}" if query else target, status_code=303)

    @routes.get("/fulltexts", response_model=None)
    def fulltexts(request: Request, done: str = "") -> Response:
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        return fulltexts_page(request, done)

    @routes.get("/fulltext/{record}", response_model=None)
    def fulltext_file(request: Request, record: str) -> Response:
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        try:
            held, content = review.fulltext(record)
        except SysreviewError as error:
            raise HTTPException(404, message(error)) from None
        # a PDF opens in the browser's viewer; anything else (a page named .pdf
        # included: only the file's own first bytes say it is a PDF) is downloaded,
        # never rendered as a page of this site
        is_pdf = content.startswith(PDF_MAGIC)
        media_type = "application/pdf" if is_pdf else "application/octet-stream"
        disposition = "inline" if is_pdf else "attachment"
        name = quote(held.file_name or record)
        return Response(
            content,
            media_type=media_type,
            headers={
                "Content-Disposition": f"{disposition}; filename*=UTF-8''{name}",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @routes.post("/fulltext/{record}", response_model=None)
    def attach(
        request: Request,
        record: str,
        file: Annotated[UploadFile, File()],
        then: Annotated[str, Form()] = "/fulltexts",
    ) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        content = file.file.read()
        try:
            review.attach_fulltexts([(record, content, file.filename or "")], by=who)
        except SysreviewError as error:
            return fulltexts_page(request, error=message(error), status=409)
        return back(then, f"{file.filename} is the full text of {record}")

    @routes.post("/fulltext/{record}/not-retrieved", response_model=None)
    def not_retrieved(
        request: Request,
        record: str,
        reason: Annotated[str, Form()] = "",
        then: Annotated[str, Form()] = "/fulltexts",
    ) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        try:
            review.fulltext_not_retrieved(record, reason, by=who)
        except SysreviewError as error:
            return fulltexts_page(request, error=message(error), status=409)
        return back(then, f"the full text of {record} is marked not retrieved")

    @routes.post("/fulltext/{record}/remove", response_model=None)
    def remove(request: Request, record: str) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        try:
            review.remove_fulltext(record, by=who)
        except SysreviewError as error:
            return fulltexts_page(request, error=message(error), status=409)
        return back("/fulltexts", f"the full text of {record} is awaited again")

    return routes
