"""The report and the plain-language summary, rebuilt from the review's data when a
team member asks for them: ``/report/report-en.html``, ``/report/summary-nb.docx`` ...
(HTML is self-contained; Word embeds its figures)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from ..review import Review
from ._page import SignedInFn

NAME = re.compile(r"(report|summary)-(en|nb)\.(html|docx)")
MEDIA = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def router(review: Review, *, signed_in: SignedInFn) -> APIRouter:
    """The download routes over ``review``."""
    routes = APIRouter()

    @routes.get("/report/{name}", response_model=None)
    def download(request: Request, name: str) -> Response:
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        found = NAME.fullmatch(name)
        if found is None:
            raise HTTPException(
                404,
                f"There is no report {name!r}: the report is report-en.html, report-nb.docx "
                "... and the plain-language summary summary-en.html, summary-nb.docx ...",
            )
        kind, lang, fmt = found.groups()
        with tempfile.TemporaryDirectory() as tmp:
            paths = review.write_report(
                tmp, langs=(lang,), formats=(fmt,), summary=kind == "summary"
            )
            body = next(p for p in paths if Path(p).name == name).read_bytes()
        disposition = "inline" if fmt == "html" else f'attachment; filename="{name}"'
        return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})

    return routes
