"""The web app's error pages, refusals and sign-in through HTTP, on SQLite and
PostgreSQL: every error is the app's own page with its header and a sentence to act
on; the forms change only what they send, and say who may do what; a double click
plans an analysis once; uploads that are not PDFs are downloaded; and sign-in is
throttled, expires and ends with signing out."""

from __future__ import annotations

import html
import re
from pathlib import Path

from fastapi.testclient import TestClient

from sysreview import Review
from sysreview.errors import WorkflowError
from sysreview.model import Study, replace
from sysreview.web import create_app
from sysreview.web._page import MAX_TEXT, message
from sysreview.web._session import FIRST_WAIT, LIFETIME
from sysreview.web.app import COOKIE

from .test_analyses import _planned
from .test_app import _client
from .test_grade import _fleiss

NOT_FOUND = {
    "/rob/nope": "no study 'nope'",
    "/rob?tool=bogus": "bogus",
    "/screen/xx": "no screening stage 'xx'",
    "/fulltext/nope": "nope",
    "/analyses/nope/forest.svg": "no analysis 'nope'",
    "/report/nope": "no report 'nope'",
    "/export/revman.xyz": "xyz",
    "/no/such/page": "no page at /no/such/page",
}


def _error(response: object) -> str:
    """The message on the app's error page (asserting it is that page, for ann)."""
    text = response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
    assert "<header>" in text and 'data-testid="reviewer">ann</strong>' in text
    assert '"detail"' not in text
    found = re.search(r'data-testid="error-message">(.*?)</p>', text, re.S)
    assert found is not None, text[:500]
    return html.unescape(found.group(1))


def test_a_missing_page_is_the_app_s_own_404(review_dir: Path) -> None:
    ann = _client(review_dir, "ann")
    for path, said in NOT_FOUND.items():
        response = ann.get(path)
        assert response.status_code == 404, path
        assert said in _error(response), path


def test_a_form_missing_a_field_names_the_field(review_dir: Path) -> None:
    ann = _client(review_dir, "ann")
    empty = ann.post("/screen/ta", data={})
    assert empty.status_code == 422
    assert _error(empty) == "The form was not saved: the record is missing; the verdict is missing."
    no_file = ann.post("/fulltext/r0", data={"then": "/fulltexts"})
    assert no_file.status_code == 422 and "the file to upload is missing" in _error(no_file)
    no_tool = ann.post("/rob/agree", data={"study": "s", "domain": "D1"})
    assert no_tool.status_code == 422 and "the risk-of-bias tool is missing" in _error(no_tool)
    address = ann.get("/duplicates?done=abc")
    assert address.status_code == 422
    assert _error(address) == (
        "The page's address is not valid: “done” (a count) must be a whole number, not “abc”."
    )
    with Review.open(review_dir) as review:
        assert review.data().decisions == ()


def test_a_study_the_review_does_not_have_is_a_404(review_dir: Path) -> None:
    ann = _client(review_dir, "ann")
    for response in (ann.get("/studies/nope"), ann.post("/studies/nope", data={"note": "x"})):
        assert response.status_code == 404
        assert _error(response) == "There is no study 'nope' in this review."


def test_a_study_form_changes_only_the_fields_it_sends(review_dir: Path) -> None:
    with Review.open(review_dir) as review:
        alpha = Study(id="alpha", label="Alpha 2010", participants=134, design="RCT",
                      characteristics={"age": "46", "setting": "primary care"})  # fmt: skip
        review.save(replace(review.data(), studies=(alpha,)))
    ann = _client(review_dir, "ann")
    ann.post("/studies/alpha", data={"participants": "999"})
    with Review.open(review_dir) as review:
        (alpha,) = review.data().studies
    assert (alpha.participants, alpha.design) == (999, "RCT")
    assert alpha.characteristics == {"age": "46", "setting": "primary care"}

    # the page's whole form still clears what the reviewer emptied
    form = {"design": "", "participants": "999", "cell_key": ["age", "setting", ""],
            "cell_value": ["46", "", ""]}  # fmt: skip
    ann.post("/studies/alpha", data=form)
    with Review.open(review_dir) as review:
        (alpha,) = review.data().studies
    assert alpha.design is None and alpha.characteristics == {"age": "46"}

    refused = ann.post("/studies/alpha", data={"note": "x" * (MAX_TEXT + 1)})
    assert refused.status_code == 422 and "too long" in refused.text
    with Review.open(review_dir) as review:
        assert review.data().studies[0].note is None


def test_a_hint_names_the_web_page_not_the_cli_command() -> None:
    refused = WorkflowError("the full text is marked not retrieved",
                            hint="add its full text first (sysreview fulltext attach)")  # fmt: skip
    assert message(refused) == (
        "the full text is marked not retrieved (add its full text first, on the Full texts page)"
    )
    other = WorkflowError("no", hint="do it another way (sysreview something else)")
    assert message(other) == "no (do it another way)"


def test_a_not_retrieved_refusal_names_no_cli_command(review_dir: Path) -> None:
    with Review.open(review_dir) as review:
        for who in ("ann", "bob"):
            review.decide("r0", "include", reviewer=who)
        review.fulltext_not_retrieved("r0", "not held by the library", by="ann")
    ann = _client(review_dir, "ann")
    refused = ann.post("/screen/ft", data={"record": "r0", "verdict": "include"})
    assert refused.status_code == 409 and "not retrieved" in refused.text
    assert "sysreview fulltext" not in refused.text


def test_a_double_click_plans_an_analysis_once(review_dir: Path) -> None:
    _planned(review_dir)
    cat = _client(review_dir, "cat")
    form = {"comparison": "tr", "outcome": "rtw", "timepoint": "", "measure": "", "model": "random"}
    assert cat.post("/analyses", data=form).status_code == 200
    again = cat.post("/analyses", data=form | {"measure": "rr"})  # RR is the default
    assert again.status_code == 409
    assert "analysis 'tr-rtw' already pools these studies this way" in html.unescape(again.text)
    other = cat.post("/analyses", data=form | {"model": "fixed"})
    assert other.status_code == 200 and "Analysis tr-rtw-2 is planned." in other.text
    with Review.open(review_dir) as review:
        assert [a.id for a in review.data().analyses] == ["tr-rtw", "tr-rtw-2"]


def test_the_pages_count_what_the_review_holds(review_dir: Path, example_bundle: Path) -> None:
    with Review.open(review_dir) as review:
        review.load(example_bundle, replace=True)
        data = review.data()
        entered = {e.row for e in data.extractions}
        held = [d.id for d in data.outcome_data]
    ann = _client(review_dir, "ann")
    page = ann.get("/extract").text
    rows = len(set(held) | entered)
    assert rows > 0 and f"<h2>Rows ({rows})</h2>" in page
    assert "Nobody has entered" not in page
    assert all(f'<tr data-row="{row}">' in page for row in held)

    full_text = ann.get("/screen/ft").text
    progress = re.search(r'data-testid="progress">(.*?)</div>', full_text, re.S)
    assert progress is not None and "maybe" not in progress.group(1)
    assert "maybe" in re.sub(r"\s+", " ", ann.get("/screen/ta").text)


def test_disagreements_by_reason_are_not_called_open_conflicts(review_dir: Path) -> None:
    with Review.open(review_dir) as review:
        review.decide("r0", "include", reviewer="ann")
        review.decide("r0", "exclude", reviewer="bob")
        review.decide("r0", "include", reviewer="cat", resolve=True)
    page = _client(review_dir, "ann").get("/stats/ta").text
    assert "Conflicts by exclusion reason" not in page
    assert "Disagreements by exclusion reason" in page
    assert "(0 still in conflict)" in page


def test_every_section_is_in_the_header_and_the_page_s_is_marked(review_dir: Path) -> None:
    ann = _client(review_dir, "ann")
    for path, name in (("/analyses", "Analyses"), ("/fulltexts", "Full texts"),
                       ("/extract", "Data"), ("/conflicts/ta", "Screening")):  # fmt: skip
        page = ann.get(path).text
        header = page.split("<header>")[1].split("</header>")[0]
        assert re.search(rf'class="here"[^>]*>{name}</a>', header), path
        assert len(re.findall('class="here"', header.split('class="sub"')[0])) == 1, path
        assert 'href="/analyses"' in header and 'href="/fulltexts"' in header
        assert '<link rel="icon" href="data:image/svg+xml,' in page
    icon = ann.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"


def test_only_a_file_that_is_a_pdf_opens_as_one(review_dir: Path) -> None:
    with Review.open(review_dir) as review:
        for record in ("r0", "r1"):
            for who in ("ann", "bob"):
                review.decide(record, "include", reviewer=who)
    ann = _client(review_dir, "ann")
    fake = b"<html><script>alert(1)</script></html>"
    ann.post("/fulltext/r0", files={"file": ("fake.pdf", fake, "application/pdf")})
    served = ann.get("/fulltext/r0")
    assert served.content == fake
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["x-content-type-options"] == "nosniff"
    real = b"%PDF-1.4\n%%EOF\n"
    ann.post("/fulltext/r1", files={"file": ("real.pdf", real, "application/pdf")})
    opened = ann.get("/fulltext/r1")
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"].startswith("inline;")


def test_free_text_fields_have_a_limit(review_dir: Path) -> None:
    ann = _client(review_dir, "ann")
    long = "x" * (MAX_TEXT + 1)
    note = ann.post("/screen/ta", data={"record": "r0", "verdict": "include", "reason": long})
    assert note.status_code == 422
    assert _error(note).endswith(
        f"the note or reason is too long (at most {MAX_TEXT:,} characters)."
    )
    support = ann.post("/rob/s1", data={"tool": "rob1", "domain": "random", "support": long})
    assert support.status_code == 422 and "support for the judgement is too long" in _error(support)
    footnote = ann.post("/grade/set", data={"assessment": "a", "domain": "imprecision",
                                            "level": "serious", "footnote": long})  # fmt: skip
    assert footnote.status_code == 422 and "The footnote is too long" in footnote.text
    with Review.open(review_dir) as review:
        assert review.data().decisions == ()


def test_the_sign_in_page_lists_nobody(review_dir: Path) -> None:
    with Review.open(review_dir) as review:
        review.decide("r0", "include", reviewer="annika")
    page = TestClient(create_app(review_dir)).get("/signin").text
    assert "<datalist" not in page and "annika" not in page


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_failed_sign_ins_are_throttled_per_name_and_address(review_dir: Path) -> None:
    clock = Clock()
    app = TestClient(create_app(review_dir, passphrase="graded activity", clock=clock))
    right = {"name": "ann", "team_passphrase": "graded activity"}
    for _ in range(5):
        wrong = app.post("/signin", data=right | {"team_passphrase": "guess"})
        assert wrong.status_code == 401
    held = app.post("/signin", data=right)  # even the right passphrase waits
    assert held.status_code == 429 and "Too many failed sign-ins for ann" in held.text
    assert "try again in 30 seconds" in held.text
    assert app.post("/signin", data=right | {"name": "bob"}).status_code == 200  # bob: not yet

    clock.now += FIRST_WAIT
    assert app.post("/signin", data=right | {"team_passphrase": "guess"}).status_code == 401
    longer = app.post("/signin", data=right)  # each failure after the fifth doubles the wait
    assert longer.status_code == 429 and "1 minute" in longer.text
    clock.now += 2 * FIRST_WAIT
    signed_in = app.post("/signin", data=right, follow_redirects=False)
    assert signed_in.status_code == 303

    # one address guessing many names is throttled too
    for n in range(20):
        app.post("/signin", data=right | {"name": f"user{n}", "team_passphrase": "guess"})
    assert app.post("/signin", data=right | {"name": "cat"}).status_code == 429


def test_a_sign_in_expires_and_ends_with_signing_out(review_dir: Path) -> None:
    clock = Clock()
    app = create_app(review_dir, clock=clock)
    ann = TestClient(app)
    signed = ann.post("/signin", data={"name": "ann"}, follow_redirects=False)
    cookie = signed.headers["set-cookie"]
    assert f"Max-Age={LIFETIME}" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    assert ann.get("/screen/ta", follow_redirects=False).status_code == 200
    clock.now += LIFETIME  # whatever the browser keeps, the server counts the hours
    assert ann.get("/screen/ta", follow_redirects=False).status_code == 303

    ann.post("/signin", data={"name": "ann"})
    kept = ann.cookies.get(COOKIE, "")
    ann.post("/signout")
    copy = TestClient(app)
    copy.cookies.set(COOKIE, kept)
    assert copy.get("/screen/ta", follow_redirects=False).status_code == 303

    secure = TestClient(app, base_url="https://testserver")
    over_https = secure.post("/signin", data={"name": "ann"}, follow_redirects=False)
    assert "Secure" in over_https.headers["set-cookie"]


def test_the_grade_message_says_levels_in_words(review_dir: Path) -> None:
    _fleiss(review_dir)
    ann = _client(review_dir, "ann")
    ann.post("/grade/start")
    saved = ann.post("/grade/set", data={"assessment": "mh", "domain": "imprecision",
                                         "level": "not_serious"})  # fmt: skip
    assert "mh: Imprecision not serious by ann; certainty stays High." in saved.text
