"""Routes: sign in, screen (title/abstract and full text), my decisions (to change
one), conflicts, agreement and when to stop, and the uncertain duplicate pairs; risk
of bias is in :mod:`.rob`.

Thin by design: every rule (blinding, two independent decisions, reasons at full
text, who may resolve) is the facade's, and its errors are shown as they are.  Pages
are rendered on the server and every change is a form POST answered by a redirect,
so the app works without JavaScript and a reload never repeats a decision.

Who is screening is a name in a signed cookie that expires and that signing out
revokes (:mod:`._session`); failed sign-ins are throttled per name and per address.
Once the review has accounts (``sysreview account add``), signing in takes the
account's password, and only leads are offered the forms that settle conflicts (the
facade refuses anyone else).  Without accounts, a team passphrase
($SYSREVIEW_WEB_PASSPHRASE) may guard sign-in by name alone; with neither, the server
listens only on a loopback address.  Errors are the app's own pages (:mod:`._errors`).
"""

from __future__ import annotations

import argparse
import hmac
import os
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from .. import screening
from ..errors import SysreviewError, WorkflowError
from ..review import Review
from . import _errors, analyses, extract, fulltext, grade, report, rob, studies
from ._page import MAX_TEXT
from ._page import message as _message
from ._session import FREE_FAILURES_PER_ADDRESS, LIFETIME, Sessions, Throttle

COOKIE = "sysreview_reviewer"
STAGES = {"ta": "title_abstract", "ft": "full_text"}
STAGE_NAMES = {"ta": "Title and abstract", "ft": "Full text"}
VERDICTS = ("include", "maybe", "exclude")
MINE_SHOWN = 200  # the newest of a reviewer's decisions listed for changing
PAIRS_SHOWN = 20  # uncertain duplicate pairs shown at a time
_TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


class DecisionForm(BaseModel):
    """What the screening and conflict forms post."""

    record: str
    verdict: str
    reason: str = Field("", max_length=MAX_TEXT)


def create_app(
    directory: str | Path,
    *,
    passphrase: str | None = None,
    secret: bytes | None = None,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The web app for the review in ``directory`` (opened once, closed on shutdown).

    ``passphrase``, when given, is the team's: signing in needs it.  The cookie that
    says who is signed in carries an HMAC under ``secret`` (random per process unless
    given; give the same one to every worker), so nobody can edit it into another
    reviewer's name; it lasts 12 hours by ``clock`` (seconds), and signing out revokes
    it in this process.
    """
    review = Review.open(directory)
    sessions = Sessions(secret or secrets.token_bytes(32), clock)
    by_name, by_address = Throttle(clock), Throttle(clock, FREE_FAILURES_PER_ADDRESS)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        review.close()

    app = FastAPI(title="sysreview", lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.middleware("http")
    async def one_read_per_request(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """Each request reads the review once (``Review.snapshot``): a page asks the
        facade several questions, and each used to read the whole review."""
        with review.snapshot():
            return await call_next(request)

    title = review.data().review.title  # read once: every page shows it

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        reviewer = signed_in(request)
        members = review.accounts()
        return _TEMPLATES.TemplateResponse(
            request,
            template,
            {
                "title": title,
                "reviewer": reviewer,
                "stage_names": STAGE_NAMES,
                "accounts": bool(members),
                "leads": [a.name for a in members if a.role == "lead"],
                "passphrase": passphrase is not None and not members,
                "may_settle": reviewer is not None and review.may_settle(reviewer),
                **context,
            },
            status_code=status,
        )

    def signed_in(request: Request) -> str | None:
        """The name in a valid cookie; once the review has accounts, only while the
        name still has one (a removed account signs out at its next request)."""
        name = sessions.name(request.cookies.get(COOKIE, ""))
        members = review.accounts()
        if name is not None and members and all(a.name != name for a in members):
            return None
        return name

    def to_signin() -> RedirectResponse:
        return RedirectResponse("/signin", status_code=303)

    @app.get("/", response_model=None)
    def home(request: Request) -> Response:
        if signed_in(request) is None:
            return to_signin()
        return RedirectResponse("/screen/ta", status_code=303)

    def signin_page(
        request: Request, status: int = 200, error: str | None = None, name: str = ""
    ) -> HTMLResponse:
        return page(request, "signin.html", status, error=error, name=name)

    @app.get("/signin", response_class=HTMLResponse)
    def signin_form(request: Request) -> HTMLResponse:
        return signin_page(request)

    @app.post("/signin", response_model=None)
    def signin(
        request: Request,
        name: Annotated[str, Form()] = "",
        team_passphrase: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
    ) -> Response:
        name = " ".join(name.split())
        if not name or len(name) > 80:
            error = "Give your name (at most 80 characters): it is kept with every decision."
            return signin_page(request, 400, error)
        # refused before the password is checked: a throttled guess learns nothing
        guards = ((by_name, name.casefold()), (by_address, _address(request)))

        def failed() -> None:
            for throttle, key in guards:
                throttle.failed(key)

        wait = max(throttle.wait(key) for throttle, key in guards)
        if wait > 0:
            error = (
                f"Too many failed sign-ins for {name} or from this address: try again "
                f"in {_duration(wait)}."
            )
            return signin_page(request, 429, error, name)
        if review.accounts():
            account = review.authenticate(name, password)
            if account is None:
                failed()
                return signin_page(request, 401, "That name and password do not match.", name)
            name = account.name
        elif passphrase is not None and not hmac.compare_digest(
            team_passphrase.encode(), passphrase.encode()
        ):
            failed()
            return signin_page(request, 401, "That is not the team's passphrase.", name)
        by_name.succeeded(guards[0][1])
        response = RedirectResponse("/screen/ta", status_code=303)
        response.set_cookie(
            COOKIE,
            sessions.issue(name),
            max_age=LIFETIME,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @app.post("/signout")
    def signout(request: Request) -> RedirectResponse:
        sessions.revoke(request.cookies.get(COOKIE, ""))
        response = to_signin()
        response.delete_cookie(COOKIE)
        return response

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        """For what the browser shows without a page's icon link (a PDF, a plot)."""
        return Response(
            FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"}
        )

    @app.get("/screen/{stage}", response_model=None)
    def screen(request: Request, stage: str, done: str | None = None) -> Response:
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        return screen_page(request, reviewer, _stage(stage), done=done)

    def screen_page(
        request: Request,
        reviewer: str,
        stage: str,
        *,
        error: str | None = None,
        status: int = 200,
        done: str | None = None,
    ) -> HTMLResponse:
        item = review.next_to_screen(reviewer, STAGES[stage])
        data = review.data()
        keywords = screening.protocol_keywords(data.protocol)
        record = item.record if item else None
        held = None
        retrieval = None
        if stage == "ft":
            held = next((f for f in data.fulltexts if record and f.record == record.id), None)
            retrieval = screening.retrieval_tally(review.retrieval())
        return page(
            request,
            "screen.html",
            status,
            stage=stage,
            item=item,
            record=record,
            title_pieces=screening.highlighted(record.title or "(no title)", keywords)
            if record
            else [],
            abstract_pieces=screening.highlighted(record.abstract, keywords)
            if record and record.abstract
            else [],
            totals=_totals(review, stage),
            fulltext=held,
            retrieval=retrieval,
            reasons=data.protocol.exclusion_reasons,
            verdicts=_verdicts(stage),
            error=error,
            done=done,
        )

    def log_decision(
        request: Request,
        stage: str,
        form: DecisionForm,
        *,
        resolve: bool,
        refused: Callable[[str, str, str], HTMLResponse],
        then: str,
    ) -> Response:
        """One decision (or resolution) by the signed-in reviewer; the facade's refusal
        is shown on the page it came from (409), success redirects to ``then``."""
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        stage = _stage(stage)
        try:
            review.decide(
                form.record,
                form.verdict,
                reviewer=reviewer,
                stage=STAGES[stage],
                reason=form.reason.strip() or None,
                resolve=resolve,
            )
        except SysreviewError as error:
            return refused(reviewer, stage, _message(error))
        return RedirectResponse(
            then.format(stage=stage, record=quote(form.record)), status_code=303
        )

    @app.post("/screen/{stage}", response_model=None)
    def decide(request: Request, stage: str, form: Annotated[DecisionForm, Form()]) -> Response:
        return log_decision(
            request,
            stage,
            form,
            resolve=False,
            refused=lambda who, at, error: screen_page(request, who, at, error=error, status=409),
            then="/screen/{stage}?done={record}",
        )

    @app.get("/conflicts/{stage}", response_model=None)
    def conflicts(request: Request, stage: str) -> Response:
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        return conflicts_page(request, reviewer, _stage(stage))

    def conflicts_page(
        request: Request, reviewer: str, stage: str, error: str | None = None, status: int = 200
    ) -> HTMLResponse:
        rows = [
            review.screening_item(c.record, reviewer, STAGES[stage])
            for c in review.conflicts(STAGES[stage])
        ]
        reasons = review.data().protocol.exclusion_reasons
        return page(
            request,
            "conflicts.html",
            status,
            stage=stage,
            rows=rows,
            reasons=reasons,
            verdicts=_verdicts(stage),
            error=error,
        )

    @app.post("/conflicts/{stage}", response_model=None)
    def resolve(request: Request, stage: str, form: Annotated[DecisionForm, Form()]) -> Response:
        return log_decision(
            request,
            stage,
            form,
            resolve=True,
            refused=lambda who, at, error: conflicts_page(request, who, at, error, 409),
            then="/conflicts/{stage}",
        )

    @app.get("/mine/{stage}", response_model=None)
    def mine(request: Request, stage: str) -> Response:
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        return mine_page(request, reviewer, _stage(stage))

    def mine_page(
        request: Request, reviewer: str, stage: str, error: str | None = None, status: int = 200
    ) -> HTMLResponse:
        """The reviewer's own standing decisions at ``stage``, newest first."""
        data = review.data()
        latest: dict[str, Any] = {}
        for d in sorted(data.decisions, key=lambda d: d.sequence):
            if d.stage == STAGES[stage] and d.reviewer == reviewer and not d.consensus:
                latest[d.record] = d
        by_id = {r.id: r for r in data.records}
        rows = [(by_id[d.record], d) for d in sorted(latest.values(), key=lambda d: -d.sequence)]
        return page(
            request,
            "mine.html",
            status,
            stage=stage,
            rows=rows[:MINE_SHOWN],
            total=len(rows),
            shown=MINE_SHOWN,
            reasons=data.protocol.exclusion_reasons,
            verdicts=_verdicts(stage),
            error=error,
        )

    @app.post("/mine/{stage}", response_model=None)
    def change(request: Request, stage: str, form: Annotated[DecisionForm, Form()]) -> Response:
        return log_decision(
            request,
            stage,
            form,
            resolve=False,
            refused=lambda who, at, error: mine_page(request, who, at, error, 409),
            then="/mine/{stage}",
        )

    @app.get("/duplicates", response_model=None)
    def duplicates(request: Request, done: int = 0) -> Response:
        if signed_in(request) is None:
            return to_signin()
        return duplicates_page(request, done=done)

    def duplicates_page(
        request: Request, *, done: int = 0, error: str | None = None, status: int = 200
    ) -> HTMLResponse:
        """The uncertain pairs deduplication left for a person, most similar first."""
        queue = review.duplicate_queue()
        records = {r.id: r for r in review.data().records}
        pairs = [(p, records[p.a], records[p.b]) for p in queue[:PAIRS_SHOWN]]
        return page(
            request,
            "duplicates.html",
            status,
            pairs=pairs,
            waiting=len(queue),
            done=done,
            error=error,
        )

    @app.post("/duplicates", response_model=None)
    def judge(
        request: Request, a: Annotated[str, Form()], b: Annotated[str, Form()],
        verdict: Annotated[str, Form()], done: Annotated[int, Form()] = 0,
    ) -> Response:  # fmt: skip
        reviewer = signed_in(request)
        if reviewer is None:
            return to_signin()
        try:
            if verdict not in ("same", "distinct"):
                raise WorkflowError(f"verdict {verdict!r} is not same or distinct")
            review.judge_duplicates(a, b, same=verdict == "same", reviewer=reviewer)
        except SysreviewError as error:
            return duplicates_page(request, done=done, error=_message(error), status=409)
        return RedirectResponse(f"/duplicates?done={done + 1}", status_code=303)

    @app.get("/stats/{stage}", response_model=None)
    def stats(request: Request, stage: str) -> Response:
        if signed_in(request) is None:
            return to_signin()
        stage = _stage(stage)
        return page(
            request,
            "stats.html",
            stage=stage,
            totals=_totals(review, stage),
            agreement=review.agreement(STAGES[stage]),
            stopping=review.stopping(STAGES[stage]),
        )

    app.include_router(rob.router(review, page=page, signed_in=signed_in, message=_message))
    app.include_router(studies.router(review, page=page, signed_in=signed_in, message=_message))
    app.include_router(fulltext.router(review, page=page, signed_in=signed_in, message=_message))
    app.include_router(extract.router(review, page=page, signed_in=signed_in, message=_message))
    app.include_router(analyses.router(review, page=page, signed_in=signed_in, message=_message))
    app.include_router(grade.router(review, page=page, signed_in=signed_in, message=_message))
    app.include_router(report.router(review, signed_in=signed_in))
    _errors.install(app, page)
    return app


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{max(1, round(seconds))} seconds"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _stage(value: str) -> str:
    """``ta`` or ``ft`` (the long names are accepted too); anything else is a 404."""
    short = {v: k for k, v in STAGES.items()}.get(value, value)
    if short not in STAGES:
        raise HTTPException(404, f"no screening stage {value!r} (ta or ft)")
    return short


def _verdicts(stage: str) -> tuple[str, ...]:
    """The verdicts offered: "maybe" only at title/abstract (at full text a record is
    included or excluded, as the facade requires)."""
    return VERDICTS if stage == "ta" else tuple(v for v in VERDICTS if v != "maybe")


def _totals(review: Review, stage: str) -> Any:
    return next(t for t in review.status().stages if t.stage == STAGES[stage])


_LOOPBACK = ("127.0.0.1", "localhost", "::1")
FAVICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    b'<rect width="16" height="16" rx="3" fill="#1f5f99"/>'
    b'<path d="M4 8.5l3 3 5-7" stroke="#fff" stroke-width="2" fill="none"/></svg>'
)


def main(argv: list[str] | None = None) -> None:
    """``sysreview-web [--review DIR] [--host 127.0.0.1] [--port 8000]``: serve the
    review in DIR (default: the working directory or its parents).

    Once the review has accounts (``sysreview account add``) every reviewer signs in
    with their password.  Without accounts, $SYSREVIEW_WEB_PASSPHRASE, when set, is the
    passphrase every reviewer signs in with; with neither, the server listens only on a
    loopback address.
    """
    import uvicorn

    parser = argparse.ArgumentParser(prog="sysreview-web", description=main.__doc__)
    parser.add_argument("--review", default=None, help="the review directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    passphrase = os.environ.get("SYSREVIEW_WEB_PASSPHRASE") or None
    try:
        with Review.find(args.review) as found:
            root = found.root
            with_accounts = bool(found.accounts())
    except SysreviewError as error:
        parser.exit(2, f"sysreview-web: {error}\n")
    if not with_accounts and passphrase is None and args.host not in _LOOPBACK:
        parser.exit(
            2,
            f"sysreview-web: to serve on {args.host}, give the team accounts (sysreview "
            "account add) or set SYSREVIEW_WEB_PASSPHRASE: without either anyone who "
            "reaches the address could sign in under any name\n",
        )
    print(f"serving the review in {root} at http://{args.host}:{args.port}/")
    app = create_app(root, passphrase=passphrase)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
