"""The app's own error pages: a page that does not exist (404), a form or address
that is missing a field or has one that is not valid (422), and any other HTTP
error, each on the app's page with its header and a sentence a reviewer can act
on, never the framework's JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from ._page import PageFn

HEADINGS = {
    400: "Not understood",
    404: "Not found",
    405: "Not possible here",
    413: "Too large",
    422: "Not valid",
    429: "Too many attempts",
}
#: how a form field is named in a message, where its name alone would not say
FIELD_NAMES = {
    "file": "the file to upload",
    "record": "the record",
    "verdict": "the verdict",
    "tool": "the risk-of-bias tool",
    "domain": "the domain",
    "study": "the study",
    "done": "“done” (a count)",
    "reason": "the note or reason",
    "support": "the support for the judgement",
}
#: pydantic's error types, as a reviewer would say them
PROBLEMS = {
    "missing": "is missing",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "string_too_long": "is too long",
    "string_type": "must be text",
}


def install(app: FastAPI, page: PageFn) -> None:
    """Answer every HTTP error and every request that fails validation with the
    app's error page (rendered by ``page``), keeping the status code."""

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        heading = HEADINGS.get(status, "Something went wrong")
        return page(request, "error.html", status, heading=heading, message=message)

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> HTMLResponse:
        response = error_page(request, exc.status_code, _said(request, exc))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return error_page(request, 422, invalid_message(exc.errors()))


def _said(request: Request, exc: HTTPException) -> str:
    """The exception's own message, or (the framework's bare "Not Found" ...) one
    naming what was asked for."""
    if exc.status_code == 404 and exc.detail in (None, "", "Not Found"):
        return f"There is no page at {request.url.path}."
    if exc.status_code == 405 and exc.detail in (None, "", "Method Not Allowed"):
        return f"{request.url.path} does not take a {request.method} request."
    return str(exc.detail)


def invalid_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """One sentence naming each field that is missing or not valid, and where it
    was expected (the form, or the page's address)."""
    problems = []
    in_form = False
    for error in errors:
        location = tuple(error.get("loc", ()))
        in_form = in_form or location[:1] == ("body",)
        name = str(location[-1]) if len(location) > 1 else "the form"
        what = FIELD_NAMES.get(name, f"“{name}”")
        kind = str(error.get("type", ""))
        problem = PROBLEMS.get(kind, "is not valid")
        context = error.get("ctx") or {}
        if kind == "string_too_long" and "max_length" in context:
            problem += f" (at most {context['max_length']:,} characters)"
        elif kind != "missing" and isinstance(error.get("input"), str):
            problem += f", not “{error['input'][:40]}”"
        problems.append(f"{what} {problem}")
    where = "The form was not saved" if in_form else "The page's address is not valid"
    unique = list(dict.fromkeys(problems))
    return f"{where}: {'; '.join(unique)}."
