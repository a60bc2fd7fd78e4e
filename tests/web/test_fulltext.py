"""The full texts page and the full text beside the record at full-text screening,
through HTTP on SQLite and PostgreSQL: upload, open, replace, mark not retrieved,
and refusals that change nothing."""

from __future__ import annotations

import re
from pathlib import Path

from sysreview import Review, prisma

from .test_app import _client, _shown

PDF = b"%PDF-1.4\n% a trial report\n%%EOF\n"


def _sent_on(review_dir: Path, records: tuple[str, ...] = ("r0", "r1", "r2")) -> None:
    with Review.open(review_dir) as review:
        for record in records:
            for who in ("ann", "bob"):
                review.decide(record, "include", reviewer=who)


def test_full_texts_are_uploaded_opened_and_marked_not_retrieved(review_dir: Path) -> None:
    _sent_on(review_dir)
    ann = _client(review_dir, "ann")
    page = ann.get("/fulltexts").text
    assert re.search(r"3 sought · 0 retrieved ·\s+0 not retrieved · 3 awaited", page)
    assert page.count('data-state="awaiting"') == 3

    uploaded = ann.post("/fulltext/r0", files={"file": ("Hansen 2010.pdf", PDF, "application/pdf")})
    assert uploaded.status_code == 200
    assert "Hansen 2010.pdf is the full text of r0." in uploaded.text
    assert '<tr data-record="r0" data-state="retrieved">' in uploaded.text
    opened = ann.get("/fulltext/r0")
    assert opened.status_code == 200 and opened.content == PDF
    assert opened.headers["content-type"] == "application/pdf"
    assert opened.headers["content-disposition"] == "inline; filename*=UTF-8''Hansen%202010.pdf"

    # anything but a PDF is downloaded, never shown as a page of the site
    ann.post("/fulltext/r1", files={"file": ("r1.html", b"<script>alert(1)</script>", "text/html")})
    served = ann.get("/fulltext/r1")
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["x-content-type-options"] == "nosniff"

    marked = ann.post("/fulltext/r2/not-retrieved", data={"reason": "not held by the library"})
    assert '<tr data-record="r2" data-state="not_retrieved">' in marked.text
    assert "Not retrieved:</span> not held by the library" in marked.text
    with Review.open(review_dir) as review:
        counts = prisma.counts(review.data())
    assert (counts.reports_sought, counts.reports_not_retrieved) == (3, 1)
    assert ann.get("/fulltext/r2").status_code == 404

    # refusals show on the page and change nothing
    refused = ann.post("/fulltext/r3", files={"file": ("r3.pdf", PDF, "application/pdf")})
    assert refused.status_code == 409 and "was not sent on to full text" in refused.text
    blank = ann.post("/fulltext/r0/not-retrieved", data={"reason": ""})
    assert blank.status_code == 409 and "say why" in blank.text
    empty = ann.post("/fulltext/r0", files={"file": ("empty.pdf", b"", "application/pdf")})
    assert empty.status_code == 409 and "empty.pdf is empty" in empty.text
    with Review.open(review_dir) as review:
        assert [(f.record, f.status) for f in review.data().fulltexts] == [
            ("r0", "retrieved"),
            ("r1", "retrieved"),
            ("r2", "not_retrieved"),
        ]

    again = ann.post("/fulltext/r2/remove")
    assert "the full text of r2 is awaited again" in again.text.lower()

    # assessed with no file here (as Covidence allows): neither awaited nor markable
    with Review.open(review_dir) as review:
        review.decide("r2", "include", reviewer="ann", stage="full_text")
    page = ann.get("/fulltexts").text
    assert '<tr data-record="r2" data-state="assessed_without_file">' in page
    assert "1 assessed without a file here" in page
    row = page.split('data-record="r2"')[1].split("</tr>")[0]
    assert "not-retrieved" not in row and "/remove" not in row and "Add the file" in row


def test_full_text_screening_shows_the_file_or_asks_for_it(review_dir: Path) -> None:
    _sent_on(review_dir, ("r0", "r1"))
    ann = _client(review_dir, "ann")
    page = ann.get("/screen/ft").text
    assert _shown(page) in ("r0", "r1")
    first = _shown(page)
    assert "No full text yet." in page
    # at full text a record is included or excluded: no "maybe" is offered
    assert 'value="include"' in page and 'value="maybe"' not in page
    assert 'value="maybe"' in ann.get("/screen/ta").text
    assert re.search(r"Full texts</a>: 0 retrieved · 0 not retrieved ·\s+2 awaited", page)

    # uploaded from the screening page, the reviewer is sent back to it
    back = ann.post(
        f"/fulltext/{first}",
        data={"then": "/screen/ft"},
        files={"file": ("trial.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert (back.status_code, back.headers["location"]) == (303, "/screen/ft")
    page = ann.get("/screen/ft").text
    assert f'href="/fulltext/{first}" target="_blank"' in page and "trial.pdf" in page

    # a record marked not retrieved leaves the queue (it cannot be assessed)
    ann.post(
        f"/fulltext/{first}/not-retrieved",
        data={"reason": "no answer from the authors", "then": "/screen/ft"},
    )
    other = "r1" if first == "r0" else "r0"
    assert _shown(ann.get("/screen/ft").text) == other
    refused = ann.post("/screen/ft", data={"record": first, "verdict": "include"})
    assert refused.status_code == 409 and "marked not retrieved" in refused.text

    # a return address other than the two pages is not followed
    elsewhere = ann.post(
        f"/fulltext/{other}",
        data={"then": "https://example.org/"},
        files={"file": ("x.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"].startswith("/fulltexts?")
