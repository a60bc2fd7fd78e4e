"""The GRADE page over HTTP, on SQLite and PostgreSQL: start an assessment per
analysis, suggest every domain from the data, judge a domain (a move needs a
footnote), and see the Summary-of-Findings table follow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sysreview import Review
from sysreview.web import create_app

from ..revman.test_rm5 import fleiss


def _fleiss(review_dir: Path) -> None:
    with Review.open(review_dir) as review:
        review.save(fleiss())


def _client(review_dir: Path, name: str = "ann") -> TestClient:
    client = TestClient(create_app(review_dir))
    response = client.post("/signin", data={"name": name}, follow_redirects=False)
    assert response.status_code == 303
    return client


def _selected(html: str, assessment: str, domain: str) -> str:
    row = re.search(
        rf'<tr data-domain="{domain}">.*?</tr>', html.split(f'id="a-{assessment}"')[1], re.S
    )
    assert row is not None
    chosen = re.search(r'<option value="([^"]+)" selected>', row.group(0))
    assert chosen is not None
    return chosen.group(1)


def test_from_analyses_to_a_judged_summary_of_findings(review_dir: Path) -> None:
    _fleiss(review_dir)
    ann = _client(review_dir)
    page = ann.get("/grade").text
    assert "2 analyses have no assessment yet (death, mh)" in page
    started = ann.post("/grade/start", follow_redirects=False)
    assert started.status_code == 303
    page = ann.get(started.headers["location"]).text
    assert "2 assessments started by ann." in page
    assert "Treatment compared to Control" in page
    assert "OR 0.90 (0.84 to 0.96)" in page
    assert 'data-testid="level-death">⨁⨁⨁⨁ High<' in page
    assert "no assessment yet" not in page
    # the tool suggests; nothing is judged
    page = ann.post("/grade/suggest").text
    assert "every domain suggested from the data." in page
    assert "3 % of the weight from studies at high risk of bias" in page
    assert _selected(page, "death", "risk_of_bias") == "not_serious"
    # a judgement that moves the certainty needs a footnote: refused, what was typed kept
    refused = ann.post(
        "/grade/set", data={"assessment": "death", "domain": "risk_of_bias", "level": "serious"}
    )
    assert refused.status_code == 409
    assert "Not saved: death: risk_of_bias serious needs a footnote saying why" in refused.text
    assert _selected(refused.text, "death", "risk_of_bias") == "serious"
    with Review.open(review_dir) as review:
        assert review.data().certainty[0].certainty == "high"
    saved = ann.post(
        "/grade/set",
        data={
            "assessment": "death",
            "domain": "risk_of_bias",
            "level": "serious",
            "footnote": "Unclear allocation concealment in most trials",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("#a-death")
    page = ann.get(saved.headers["location"].split("#")[0]).text
    assert "death: Risk of bias serious by ann; certainty High → Moderate." in page
    assert 'data-testid="certainty-death">⨁⨁⨁◯ Moderate <sup>1</sup>' in page
    assert '<li value="1">Unclear allocation concealment in most trials</li>' in page
    changes = re.search(r'data-testid="changes-death">(.*?)</details>', page, re.S)
    assert changes is not None
    assert re.search(
        r"<li>\d{4}-\d\d-\d\d \d\d:\d\d UTC · ann: Risk of bias serious — "
        r"Unclear allocation concealment in most trials</li>",
        changes.group(1),
    )
    assert 'data-testid="changes-mh"' not in page  # no judgement made there yet
    with Review.open(review_dir) as review:
        data = review.data()
    assert {a.id: a.certainty for a in data.certainty} == {"death": "moderate", "mh": "high"}
    assert [j.author for j in data.grade_log if j.source == "reviewer"] == ["ann"]


def test_the_page_needs_a_signed_in_reviewer(review_dir: Path) -> None:
    client = TestClient(create_app(review_dir))
    for method, path in (("get", "/grade"), ("post", "/grade/start"), ("post", "/grade/set")):
        response = getattr(client, method)(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/signin")
    page = _client(review_dir).get("/grade").text
    assert "The review has no analyses yet" in page


def test_the_example_s_tables_show_narrative_rows_in_words(
    review_dir: Path, example_bundle: Path
) -> None:
    with Review.open(review_dir) as review:
        review.load(example_bundle, replace=True)
    page = _client(review_dir).get("/grade").text
    assert "Oppsummeringstabell: Effekt av tverrfaglig rehabilitering versus vanlig praksis" in page
    assert "RR 1.01 (0.70 to 1.48)" in page
    assert "Ingen forskjell mellom gruppene i smertenivå" in page
    assert "no assessment yet" not in page  # every analysis of the example is assessed


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_report_is_rebuilt_for_download(review_dir: Path, example_bundle: Path) -> None:
    with Review.open(review_dir) as review:
        review.load(example_bundle, replace=True)
        title = review.data().review.title
    ann = _client(review_dir)
    assert '<a href="/report/report-nb.docx" download>Word</a>' in ann.get("/grade").text
    html = ann.get("/report/report-nb.html")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert title in html.text
    word = ann.get("/report/summary-en.docx")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    assert word.headers["content-disposition"] == 'attachment; filename="summary-en.docx"'
    assert ann.get("/report/report-en.pdf").status_code == 404
    anonymous = TestClient(create_app(review_dir))
    assert anonymous.get("/report/report-en.html", follow_redirects=False).status_code == 303
