"""The analyses page through HTTP, on SQLite and PostgreSQL: a lead plans an analysis
in the browser, sees it pooled from the agreed rows with its forest plot, has it look
again for studies, and removes it; refusals change nothing; only leads get the forms
once the review has accounts."""

from __future__ import annotations

import html
import re
from pathlib import Path

from sysreview import Review
from sysreview.model import Study, replace

from .test_app import _client

TRIALS = {"hansen2010": (30, 60, 20, 58), "olsen2014": (45, 100, 38, 102)}


def _planned(review_dir: Path, studies: tuple[str, ...] = tuple(TRIALS)) -> None:
    with Review.open(review_dir) as review:
        review.add_outcome("rtw", by="cat", name="Return to work")
        review.add_comparison("tr", by="cat", intervention="Rehabilitation", comparator="Usual")
        labelled = tuple(Study(id=s, label=s.capitalize()) for s in TRIALS)
        review.save(replace(review.data(), studies=labelled))
        for study in studies:
            a, n1, c, n2 = TRIALS[study]
            for who in ("ann", "bob"):
                review.extract(by=who, study=study, outcome="rtw", comparison="tr",
                               data_type="dichotomous", events_1=a, n_1=n1, events_2=c,
                               n_2=n2)  # fmt: skip


def test_a_lead_plans_an_analysis_and_sees_it_pooled(review_dir: Path) -> None:
    _planned(review_dir, ("hansen2010",))
    cat = _client(review_dir, "cat")
    page = cat.get("/analyses").text
    assert 'data-testid="no-analyses"' in page and 'data-testid="plan-form"' in page
    assert '<a href="/analyses">Analyses</a>' in cat.get("/extract").text

    planned = cat.post("/analyses", data={"comparison": "tr", "outcome": "rtw", "model": "fixed"})
    assert planned.status_code == 200 and "Analysis tr-rtw is planned." in planned.text
    card = re.search(r'<div class="card" data-analysis="tr-rtw">(.*?)</div>\n', planned.text, re.S)
    assert card is not None
    text = " ".join(card.group(1).split())
    assert "RR, fixed effects; 1 study: hansen2010" in text
    # RR 30/60 ÷ 20/58 = 1.45, 95 % CI exp(ln 1.45 ± 1.96 √(1/30 − 1/60 + 1/20 − 1/58))
    assert "<strong>RR 1.45 (0.94 to 2.24)</strong>; 1 study, 118 participants" in text
    svg = cat.get("/analyses/tr-rtw/forest.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"Hansen2010" in svg.content

    # the second trial's data are agreed later: the analysis looks again
    with Review.open(review_dir) as review:
        a, n1, c, n2 = TRIALS["olsen2014"]
        for who in ("ann", "bob"):
            review.extract(by=who, study="olsen2014", outcome="rtw", comparison="tr",
                           data_type="dichotomous", events_1=a, n_1=n1, events_2=c,
                           n_2=n2)  # fmt: skip
    waiting = cat.get("/analyses").text
    assert "Agreed data it could pool, not in it: olsen2014 (look again to add it)." in waiting
    again = cat.post("/analyses/tr-rtw/studies")
    assert "Analysis tr-rtw pools 2 studies." in again.text
    assert "2 studies, 320 participants" in again.text

    refused = cat.post("/analyses", data={"comparison": "tr", "outcome": "rtw", "measure": "MD"})
    assert refused.status_code == 409
    assert "MD is not a measure for a dichotomous outcome" in refused.text
    assert cat.get("/analyses/nope/forest.svg").status_code == 404

    removed = cat.post("/analyses/tr-rtw/remove")
    assert "Analysis tr-rtw is removed." in removed.text
    with Review.open(review_dir) as review:
        assert review.data().analyses == ()


def test_with_accounts_only_a_lead_gets_the_forms(review_dir: Path) -> None:
    _planned(review_dir)
    with Review.open(review_dir) as review:
        review.add_analysis("tr", "rtw", by="cat")
        review.add_account("cat", "secret-cat-1", role="lead")
        review.add_account("ann", "secret-ann-1")
    from fastapi.testclient import TestClient

    from sysreview.web import create_app

    ann = TestClient(create_app(review_dir))
    ann.post("/signin", data={"name": "ann", "password": "secret-ann-1"})
    page = ann.get("/analyses").text
    assert 'data-analysis="tr-rtw"' in page and "RR 1." in page
    assert 'data-testid="plan-form"' not in page and "Look again" not in page
    # each refusal names what only a lead does, and nothing changes
    tries = {
        "plans analyses": ("/analyses", {"comparison": "tr", "outcome": "rtw"}),
        "adds outcomes to the protocol": ("/analyses/outcome", {"id": "x", "name": "X"}),
        "adds comparisons to the protocol": (
            "/analyses/comparison",
            {"id": "y", "intervention": "A", "comparator": "B"},
        ),
        "changes the studies an analysis pools": ("/analyses/tr-rtw/studies", {}),
        "removes analyses": ("/analyses/tr-rtw/remove", {}),
    }
    for doing, (path, form) in tries.items():
        refused = ann.post(path, data=form)
        assert refused.status_code == 409, path
        said = html.unescape(refused.text)
        assert f"only a lead {doing}; ann is a reviewer (leads: cat)" in said, path
    with Review.open(review_dir) as review:
        assert [a.id for a in review.data().analyses] == ["tr-rtw"]


def test_a_lead_adds_an_outcome_and_a_comparison_then_plans(review_dir: Path) -> None:
    cat = _client(review_dir, "cat")
    page = cat.get("/analyses").text
    assert "No outcomes yet." in page and "The protocol needs an outcome" in page
    added = cat.post("/analyses/outcome", data={"id": "pain", "name": "Pain", "kind": "continuous",
                                                "direction": "lower_is_better"})  # fmt: skip
    assert "Outcome pain is in the protocol." in added.text
    assert 'Pain <span class="meta">(pain; continuous, lower is better, critical)' in added.text
    added = cat.post("/analyses/comparison", data={"id": "tr", "intervention": "Rehab",
                                                   "comparator": "Usual"})  # fmt: skip
    assert "Comparison tr is in the protocol." in added.text
    refused = cat.post("/analyses/outcome", data={"id": "pain", "name": "Again"})
    assert refused.status_code == 409 and "outcome &#39;pain&#39; exists already" in refused.text
    planned = cat.post("/analyses", data={"comparison": "tr", "outcome": "pain"})
    assert "Analysis tr-pain is planned." in planned.text
    assert "MD, random effects; 0 studies" in " ".join(planned.text.split())
    with Review.open(review_dir) as review:
        outcome = review.data().protocol.outcomes[0]
    assert (outcome.kind, outcome.direction) == ("continuous", "lower_is_better")


def test_an_analysis_by_subgroup_shows_the_test_for_differences(review_dir: Path) -> None:
    with Review.open(review_dir) as review:
        review.add_outcome("rtw", by="cat", name="Return to work")
        review.add_comparison("tr", by="cat", intervention="Rehabilitation", comparator="Usual")
        labelled = tuple(Study(id=s, label=s.capitalize()) for s in TRIALS)
        review.save(replace(review.data(), studies=labelled))
        for (study, (a, n1, c, n2)), group in zip(TRIALS.items(), ("short", "long"), strict=True):
            for who in ("ann", "bob"):
                review.extract(by=who, study=study, outcome="rtw", comparison="tr", group=group,
                               data_type="dichotomous", events_1=a, n_1=n1, events_2=c,
                               n_2=n2)  # fmt: skip
        review.add_analysis("tr", "rtw", by="cat")
        (result,) = review.analysis_results()
    assert result.subgroups is not None and result.subgroups.groups == ("short", "long")
    page = " ".join(_client(review_dir, "cat").get("/analyses").text.split())
    sub = result.subgroups
    assert (
        f"By subgroup (short, long): test for subgroup differences χ² = {sub.Q:.2f}, df = 1 "
        f"(P = {sub.Q_p:.2f})"
    ) in page
