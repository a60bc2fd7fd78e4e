"""The data-extraction pages: each outcome-data row entered by two extractors, blinded
(or checked, as the protocol says), agreements kept at once, differences shown side by
side for a lead to settle.  Every rule is the facade's (:meth:`Review.extract`,
:meth:`Review.settle_extraction`); each form is one POST, one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import extraction
from ..errors import EntryError, SysreviewError
from ..review import Review
from ._page import MessageFn, PageFn, SignedInFn, too_long

#: the arm-level rows of the form: statistic -> its label
ARM_ROWS = (
    ("events", "Events"),
    ("n", "Participants"),
    ("mean", "Mean"),
    ("sd", "SD"),
    ("median", "Median"),
    ("q1", "Lower quartile"),
    ("q3", "Upper quartile"),
)
#: the reported-effect fields of the form
EFFECT_FIELDS = ("measure", "estimate", "ci_lb", "ci_ub", "ci_level", "p", "p_text")
#: the free-text fields whose length is limited, as the form labels them
TEXT_FIELDS = {"text": "The sentence the numbers come from"}
DATA_TYPES = (
    ("dichotomous", "Dichotomous"),
    ("continuous", "Continuous"),
    ("estimate", "Reported effect"),
    ("narrative", "Narrative"),
)


@dataclass(frozen=True)
class HeldRow:
    """An agreed outcome-data row the review holds without anyone's entries (loaded
    from a bundle or a RevMan file): shown with the entered rows, as agreed."""

    row: str
    study: str
    outcome: str
    state: str = "agreed"
    extractors: tuple[str, ...] = ()
    differences: tuple[str, ...] = ()


def router(
    review: Review,
    *,
    page: PageFn,
    signed_in: SignedInFn,
    message: MessageFn,
) -> APIRouter:
    """The extraction routes over ``review``, rendered with the app's ``page``."""
    routes = APIRouter()

    def extract_page(
        request: Request,
        who: str,
        *,
        row: str = "",
        entered: dict[str, str] | None = None,
        done: str = "",
        error: str | None = None,
        status: int = 200,
        wrong: str | None = None,
    ) -> HTMLResponse:
        data = review.data()
        mode = data.protocol.extraction_mode
        seen = review.extractions_seen_by(who)
        positions = review.extraction_positions()
        conflicts = {p.row: entries for p, entries in review.extraction_conflicts()}
        agreed = {d.id: d for d in data.outcome_data}
        settling = row in conflicts and review.may_settle(who)
        if entered is not None:
            values = entered
        elif settling:  # the lead starts from the first entry; the differences are shown
            values = _prefill(row, who, list(conflicts[row]), agreed, "checked")
        else:
            values = _prefill(row, who, seen, agreed, mode)
        with_data = {d.study for d in data.outcome_data} | {p.study for p in positions}
        with_entries = {p.row for p in positions}
        rows: list[Any] = [*positions]
        rows += [
            HeldRow(d.id, d.study, d.outcome) for d in data.outcome_data if d.id not in with_entries
        ]
        return page(
            request,
            "extract.html",
            status,
            mode=mode,
            without_data=[
                s for s in data.studies if s.status == "included" and s.id not in with_data
            ],
            studies=[(s.id, s.label) for s in data.studies if s.status != "excluded"],
            outcomes=[(o.id, o.name_en or o.name) for o in data.protocol.outcomes],
            study_label={s.id: s.label for s in data.studies},
            outcome_name={o.id: o.name_en or o.name for o in data.protocol.outcomes},
            comparisons=[
                (c.id, f"{c.intervention} vs {c.comparator}") for c in data.protocol.comparisons
            ],
            data_types=DATA_TYPES,
            arm_rows=ARM_ROWS,
            effect_fields=EFFECT_FIELDS,
            label=extraction.label,
            numbers=extraction.NUMBER_FIELDS,
            values=values,
            row=row,
            settling=settling,
            rows=rows,
            counts={s: sum(r.state == s for r in rows) for s in ("agreed", "conflict", "awaiting")},
            mine={e.row for e in seen if e.extractor == who},
            conflicts=conflicts,
            cell=_cell,
            wrong=wrong,
            done=done,
            error=error,
            revman=review.revman_file("csv"),
        )

    @routes.get("/extract", response_model=None)
    def extract(request: Request, row: str = "", done: str = "") -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        return extract_page(request, who, row=row, done=done)

    @routes.get("/export/revman.{kind}", response_model=None)
    def export_revman(request: Request, kind: str) -> Response:
        """The review as a RevMan 5 file (``rm5``) or RevMan's "Data and analyses"
        table (``csv``), downloaded."""
        if signed_in(request) is None:
            return RedirectResponse("/signin", status_code=303)
        try:
            written = review.revman_file(kind)
        except SysreviewError as error:
            raise HTTPException(404, message(error)) from None
        media = "text/csv" if kind == "csv" else "application/xml"
        name = f"{review.data().review.id}.{kind}"
        return Response(
            written.text,
            media_type=f"{media}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @routes.post("/extract", response_model=None)
    async def enter(request: Request) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        form = await request.form()
        fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
        values = {k: fields.get(k, "") for k in extraction.VALUE_FIELDS}
        row = fields.get("row", "")
        refused = too_long({k: values.get(k, "") for k in TEXT_FIELDS}, TEXT_FIELDS)
        if refused is not None:
            return extract_page(
                request, who, row=row, entered=values, error=refused, status=422, wrong="text"
            )
        try:
            where = review.extract(row or None, by=who, **values)
        except SysreviewError as error:
            wrong = error.field if isinstance(error, EntryError) else None
            return extract_page(
                request, who, row=row, entered=values, error=message(error), status=409, wrong=wrong
            )
        said = {
            "agreed": "agreed: it is now the review's outcome data",
            "conflict": f"the entries differ ({', '.join(where.differences)}): a lead settles it",
            "awaiting": "waiting for a second extractor",
        }[where.state]
        done = urlencode({"done": f"{where.row} entered by {who}; {said}"})
        return RedirectResponse(f"/extract?{done}", status_code=303)

    @routes.post("/extract/settle", response_model=None)
    async def settle(request: Request) -> Response:
        who = signed_in(request)
        if who is None:
            return RedirectResponse("/signin", status_code=303)
        form = await request.form()
        row, take = str(form.get("row", "")), str(form.get("take", ""))
        # from the entry form: the lead's own reading, every field given
        values = {k: str(form.get(k, "")) for k in extraction.VALUE_FIELDS} if not take else {}
        refused = too_long({k: values.get(k, "") for k in TEXT_FIELDS}, TEXT_FIELDS)
        if refused is not None:
            return extract_page(
                request, who, row=row, entered=values, error=refused, status=422, wrong="text"
            )
        try:
            review.settle_extraction(row, by=who, take=take or None, **values)
        except SysreviewError as error:
            wrong = error.field if isinstance(error, EntryError) else None
            return extract_page(
                request,
                who,
                row=row,
                entered=values or None,
                error=message(error),
                status=409,
                wrong=wrong,
            )
        source = f"from {take}'s entry" if take else "with the values entered"
        done = urlencode({"done": f"{row} agreed {source} (settled by {who})"})
        return RedirectResponse(f"/extract?{done}", status_code=303)

    return routes


def _prefill(
    row: str, who: str, seen: list[Any], agreed: dict[str, Any], mode: str
) -> dict[str, str]:
    """The form's values for ``row``: your own entry; checking, the first entry; else
    nothing (blinded).  An agreed row is shown as agreed, not offered for entry."""
    if not row or row in agreed:
        return {}
    entries = [e for e in seen if e.row == row]
    own = next((e for e in entries if e.extractor == who), None)
    source = own or (entries[0] if entries and mode == "checked" else None)
    if source is None:
        return {}
    return {f: _cell(getattr(source, f)) for f in extraction.VALUE_FIELDS}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
