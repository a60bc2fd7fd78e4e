"""Risk of bias in the web app, on SQLite and PostgreSQL: two reviewers judge a
domain by RoB 2's signalling questions, disagree and a third settles it; blinding on
the grid and the study page; refusals that keep what was typed and change nothing;
RoB 1's judgement per domain; domain 2's questions for the effect of adhering; and
AMSTAR 2 answers for the listed systematic reviews, with their overall confidence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sysreview import Review
from sysreview.appraisal import amstar2
from sysreview.model import Study, SystematicReview, replace
from sysreview.web import create_app

D1 = "randomisation_process"
D2 = "deviations_from_intended_interventions"
LOW = {"q_1.1": "Y", "q_1.2": "Y", "q_1.3": "N"}  # random, concealed: low
NOT_CONCEALED = {"q_1.1": "Y", "q_1.2": "N", "q_1.3": "N"}  # high


@pytest.fixture
def rob_dir(review_dir: Path) -> Path:
    """The web tests' review with two included studies and an excluded one."""
    with Review.open(review_dir) as review:
        studies = (
            Study(id="alpha", label="Alpha 2010"),
            Study(id="beta", label="Beta 2012"),
            Study(id="gamma", label="Gamma 2014", status="excluded"),
        )
        listed = (SystematicReview(id="arends2012", label="Arends 2012"),)
        review.save(replace(review.data(), studies=studies, systematic_reviews=listed))
    return review_dir


def _clients(root: Path, *names: str) -> list[TestClient]:
    app = create_app(root)
    clients = []
    for name in names:
        client = TestClient(app)
        client.post("/signin", data={"name": name})
        clients.append(client)
    return clients


def _assess(client: TestClient, study: str, domain: str, **fields: str) -> None:
    response = client.post(f"/rob/{study}", data={"domain": domain, **fields})
    assert response.status_code == 200, response.text
    assert 'data-testid="saved">Your judgement of' in response.text


def _cell(html: str, study: str, domain: str) -> tuple[str, str]:
    """(state, text) of one cell of the grid."""
    row = re.search(rf'<tr data-study="{study}">(.*?)</tr>', html, re.S)
    assert row is not None
    cell = re.search(
        rf'<td data-domain="{domain}" data-state="(\w+)">(.*?)</td>', row.group(1), re.S
    )
    assert cell is not None
    return cell.group(1), " ".join(re.sub(r"<[^>]+>", " ", cell.group(2)).split())


def _domain(html: str, domain: str) -> str:
    """One domain's card on a study page."""
    found = re.search(rf'<section class="card domain" id="rob-{domain}".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def test_every_risk_of_bias_page_needs_a_name(rob_dir: Path) -> None:
    nobody = TestClient(create_app(rob_dir))
    for path in ("/rob", "/rob/alpha", "/rob/conflicts"):
        response = nobody.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/signin")
    agree = {"study": "alpha", "tool": "rob2", "domain": D1, "judgement": "low"}
    for path, form in (("/rob/alpha", {"domain": D1, **LOW}), ("/rob/agree", agree)):
        response = nobody.post(path, data=form, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/signin")
    with Review.open(rob_dir) as review:
        assert review.data().risk_of_bias == ()


def test_two_reviewers_disagree_on_d1_and_a_third_settles_it(rob_dir: Path) -> None:
    ann, bob, cat = _clients(rob_dir, "ann", "bob", "cat")
    grid = ann.get("/rob").text
    assert "Alpha 2010" in grid and "Beta 2012" in grid and "Gamma 2014" not in grid  # included
    assert _cell(grid, "alpha", D1) == ("open", "not yet judged by you")
    assert 'href="/rob/alpha?tool=rob2"' in grid

    saved = ann.post("/rob/alpha", data={"domain": D1, **LOW}, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"].endswith(f"saved={D1}#rob-{D1}")
    card = _domain(ann.get(saved.headers["location"]).text, D1)
    assert "Your judgement of D1 is saved" in card
    assert "the RoB 2 algorithm's, from your answers" in card and "Low" in card
    assert 'name="q_1.2" value="Y" checked' in card  # the form keeps the answers
    assert _cell(ann.get("/rob").text, "alpha", D1) == (
        "awaiting",
        "yours: + Low awaiting the other assessor",
    )

    _assess(bob, "alpha", D1, **NOT_CONCEALED, support="Envelopes not sealed")
    assert _cell(bob.get("/rob").text, "alpha", D1) == ("conflict", "conflict yours: × High")
    listed = cat.get("/rob/conflicts").text
    conflict = re.search(rf'<section class="card" data-conflict="alpha {D1}">(.*?)</section>',
                         listed, re.S)  # fmt: skip
    assert conflict is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", conflict.group(1)).split())
    assert "ann bob Judgement + Low × High" in text
    assert "1.2 (differs) Y N" in text and "Envelopes not sealed" in text

    unsettled = cat.post("/rob/agree", data={"study": "alpha", "tool": "rob2", "domain": D1})
    assert unsettled.status_code == 409 and "a judgement is needed" in unsettled.text
    assert 'data-conflict="alpha randomisation_process"' in unsettled.text  # still listed
    settled = cat.post(
        "/rob/agree",
        data={"study": "alpha", "tool": "rob2", "domain": D1, "judgement": "high",
              "support": "Allocation could be foreseen"},
    )  # fmt: skip
    assert settled.status_code == 200 and "No domain is in conflict" in settled.text
    for client in (ann, bob, cat):
        assert _cell(client.get("/rob").text, "alpha", D1) == ("settled", "settled: × High")
    with Review.open(rob_dir) as review:
        [where] = review.risk_of_bias_positions()
        agreed = [a for a in review.data().risk_of_bias if a.consensus]
    assert (where.state, where.judgement, where.assessors) == ("settled", "high", ("ann", "bob"))
    assert [(a.assessor, a.support) for a in agreed] == [("cat", "Allocation could be foreseen")]
    card = _domain(ann.get("/rob/alpha").text, D1)
    assert "Settled:" in card and "Allocation could be foreseen" in card  # the team's support
    assert "<form" not in card  # settled: nothing to save here


def test_a_reviewer_never_sees_another_judgement_before_making_theirs(rob_dir: Path) -> None:
    ann, bob = _clients(rob_dir, "ann", "bob")
    _assess(ann, "alpha", D1, **LOW, judgement="high", support="SECRET-ANN reason")
    _assess(ann, "beta", "D5", judgement="some_concerns")

    grid = bob.get("/rob").text
    assert _cell(grid, "alpha", D1) == ("open", "not yet judged by you")
    assert _cell(grid, "beta", "selection_of_the_reported_result")[0] == "open"
    page = bob.get("/rob/alpha").text
    for hidden in ("SECRET-ANN", "ann:", ">ann<", 'value="high" selected'):
        assert hidden not in page and hidden not in grid
    assert not re.search(r'value="[A-Z]+" checked', page)  # no answer of ann's pre-filled

    _assess(bob, "alpha", D1, **LOW)  # now bob has judged D1: ann's judgement may show
    card = _domain(bob.get("/rob/alpha").text, D1)
    assert "ann: High — SECRET-ANN reason" in card
    assert "SECRET-ANN" not in bob.get("/rob/beta").text  # beta stays blinded


def test_a_refused_judgement_keeps_what_was_typed_and_changes_nothing(rob_dir: Path) -> None:
    [ann] = _clients(rob_dir, "ann")
    missing = ann.post("/rob/alpha", data={"domain": D1, "q_1.1": "PY", "q_1.3": "N",
                                           "support": "typed text"})  # fmt: skip
    assert missing.status_code == 409
    card = _domain(missing.text, D1)
    assert 'role="alert">Not saved: RoB 2 D1: question 1.2 is not answered' in card
    assert 'name="q_1.1" value="PY" checked' in card and 'name="q_1.3" value="N" checked' in card
    assert ">typed text</textarea>" in card

    departs = ann.post("/rob/alpha", data={"domain": D1, **LOW, "judgement": "high"})
    assert departs.status_code == 409
    card = _domain(departs.text, D1)
    assert "the RoB 2 algorithm proposes &#39;low&#39;" in card and "needs a reason" in card
    assert '<option value="high" selected>' in card and 'name="q_1.2" value="Y" checked' in card
    not_asked = ann.post("/rob/alpha", data={"domain": D2, "q_2.1": "N", "q_2.2": "N",
                                             "q_2.3": "Y", "q_2.6": "Y"})  # fmt: skip
    assert not_asked.status_code == 409 and "question 2.3: not asked" in not_asked.text
    with Review.open(rob_dir) as review:
        assert review.data().risk_of_bias == ()


def test_rob1_takes_a_judgement_and_support_per_domain(rob_dir: Path) -> None:
    ann, bob = _clients(rob_dir, "ann", "bob")
    page = ann.get("/rob/alpha?tool=rob1").text
    assert 'type="radio"' not in page and page.count('<section class="card domain"') == 7
    refused = ann.post("/rob/alpha", data={"tool": "rob1", "domain": "allocation_concealment",
                                           "support": "Not described"})  # fmt: skip
    assert refused.status_code == 409 and "a judgement is needed" in refused.text
    for client in (ann, bob):
        _assess(client, "alpha", "allocation_concealment", tool="rob1", judgement="unclear",
                support="Not described")  # fmt: skip
    grid = ann.get("/rob?tool=rob1").text
    assert '<abbr title="Allocation concealment">B</abbr>' in grid
    assert _cell(grid, "alpha", "allocation_concealment") == ("settled", "settled: − Unclear")
    assert _cell(ann.get("/rob").text, "alpha", D1)[0] == "open"  # RoB 2 is apart
    with Review.open(rob_dir) as review:
        [where] = review.risk_of_bias_positions("rob1")
    assert (where.domain, where.state, where.judgement) == ("allocation_concealment", "settled",
                                                           "unclear")  # fmt: skip


def test_the_effect_of_adhering_asks_2_1_to_2_6(rob_dir: Path) -> None:
    [ann] = _clients(rob_dir, "ann")

    def questions(html: str) -> list[str]:
        return re.findall(r'data-question="(2\.\d)"', _domain(html, D2))

    assert questions(ann.get("/rob/alpha").text) == [f"2.{i}" for i in range(1, 8)]
    adherence = ann.get("/rob/alpha?variant=adherence").text
    assert questions(adherence) == [f"2.{i}" for i in range(1, 7)]
    assert "Were important non-protocol interventions balanced" in adherence
    answers = {"q_2.1": "N", "q_2.2": "N", "q_2.4": "NA", "q_2.5": "NA"}
    _assess(ann, "alpha", D2, variant="adherence", **answers)
    again = _domain(ann.get("/rob/alpha").text, D2)  # the saved variant is shown again
    assert '<option value="adherence" selected>' in again and 'data-question="2.7"' not in again
    assert 'name="q_2.4" value="NA" checked' in again
    with Review.open(rob_dir) as review:
        [saved] = review.data().risk_of_bias
    assert (saved.variant, saved.answers, saved.judgement) == (
        "adherence",
        "2.1=N 2.2=N 2.4=NA 2.5=NA",
        "low",
    )
    assert ann.get("/rob/alpha?variant=perhaps").status_code == 404
    assert ann.get("/rob/nosuch").status_code == 404
    assert ann.get("/rob?tool=rob9").status_code == 404


def test_amstar2_appraises_the_listed_reviews(rob_dir: Path) -> None:
    ann, bob, cat = _clients(rob_dir, "ann", "bob", "cat")
    grid = ann.get("/rob?tool=amstar2").text
    assert "Arends 2012" in grid and "Alpha 2010" not in grid  # reviews, not studies
    assert "1 listed systematic review" in grid and "Outcome (result) judged" not in grid
    assert '<abbr title="Protocol established in advance">Q2</abbr>*' in grid
    assert "18 items to agree" in grid
    page = ann.get("/rob/arends2012?tool=amstar2").text
    assert page.count('<section class="card domain"') == len(amstar2.ITEMS)
    q1 = _domain(page, "1")
    assert "Did the research questions and inclusion criteria" in q1
    assert '<option value="partial_yes"' not in q1  # item 1 takes yes or no
    assert '<option value="partial_yes"' in _domain(page, "2") and "(critical domain)" in _domain(
        page, "2"
    )
    assert ">RoB 2</a>" not in page  # no links to the study tools from a review's page

    typed = {"tool": "amstar2", "domain": "1", "judgement": "partial_yes", "support": "kept"}
    refused = ann.post("/rob/arends2012", data=typed)
    assert refused.status_code == 409
    assert "not one the tool uses for Q1" in _domain(refused.text, "1")
    assert ">kept</textarea>" in _domain(refused.text, "1")

    for client in (ann, bob):
        for item in amstar2.ITEM_CODES:
            answer = {"7": "no", "4": "partial_yes"}.get(item, "yes")
            if client is bob and item == "4":
                answer = "yes"
            _assess(client, "arends2012", item, tool="amstar2", judgement=answer)
    grid = ann.get("/rob?tool=amstar2").text
    assert _cell(grid, "arends2012", "7") == ("settled", "× N")  # compact: 18 columns
    assert 'title="settled: No"' in grid
    assert _cell(grid, "arends2012", "4") == ("conflict", "≠")
    assert 'title="conflict; yours: Partial yes"' in grid
    assert "1 items to agree" not in grid and "1 item to agree" in grid
    conflicts = cat.get("/rob/conflicts?tool=amstar2").text
    assert 'data-conflict="arends2012 4"' in conflicts and "Arends 2012 · AMSTAR 2 Q4" in conflicts
    assert '<option value="no_meta_analysis"' not in conflicts  # Q4's answers only
    agreed = {"study": "arends2012", "tool": "amstar2", "domain": "4", "judgement": "partial_yes"}
    cat.post("/rob/agree", data={**agreed, "support": "No grey literature"})
    grid = ann.get("/rob?tool=amstar2").text
    confidence = re.search(r'data-testid="confidence-arends2012">(.*?)</td>', grid, re.S)
    assert confidence is not None
    assert " ".join(re.sub(r"<[^>]+>", " ", confidence.group(1)).split()) == "Low critical flaw: 7"
    page = ann.get("/rob/arends2012?tool=amstar2").text
    assert 'data-rating="low"' in page
