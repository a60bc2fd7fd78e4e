"""The web app through HTTP (Starlette's test client), on SQLite and PostgreSQL:
signing in, blinded screening, conflicts resolved by a third reviewer, reasons
required at full text, agreement, and errors that change nothing."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sysreview import Review
from sysreview.web import create_app, main
from sysreview.web.app import COOKIE

from ..parallel import run_together


def _client(review_dir: Path, name: str | None = None) -> TestClient:
    client = TestClient(create_app(review_dir))
    if name is not None:
        response = client.post("/signin", data={"name": name}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/screen/ta"
    return client


def _shown(html: str) -> str | None:
    """The id of the record the screening page shows."""
    found = re.search(r'<article class="card" data-record="([^"]+)"', html)
    return found.group(1) if found else None


def _decide(client: TestClient, stage: str, record: str, verdict: str, reason: str = "") -> str:
    response = client.post(
        f"/screen/{stage}", data={"record": record, "verdict": verdict, "reason": reason}
    )
    assert response.status_code == 200, response.text
    return response.text


def test_nobody_screens_without_a_name(review_dir: Path) -> None:
    client = _client(review_dir)
    for path in ("/", "/screen/ta", "/conflicts/ta", "/stats/ta"):
        response = client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/signin")
    response = client.post("/screen/ta", data={"record": "r0", "verdict": "include"},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    refused = client.post("/signin", data={"name": "   "})
    assert refused.status_code == 400 and "Give your name" in refused.text
    with Review.open(review_dir) as review:
        assert review.data().decisions == ()


def test_screening_is_blinded_and_conflicts_go_to_a_third_reviewer(review_dir: Path) -> None:
    ann, bob, cat = (_client(review_dir, n) for n in ("ann", "bob", "cat"))
    page = ann.get("/screen/ta").text
    assert _shown(page) == "r0"
    assert "<mark>workers</mark> on long-term sick <mark>leave</mark>" in page  # protocol words
    after = _decide(ann, "ta", "r0", "include", "looks like an RCT")
    assert "Your decision on r0 is saved" in after and _shown(after) == "r1"

    page = bob.get("/screen/ta").text
    assert _shown(page) == "r0"
    assert "ann" not in page and "looks like an RCT" not in page  # blinded
    _decide(bob, "ta", "r0", "exclude")

    assert "No conflicts" in ann.get("/conflicts/ft").text
    listed = cat.get("/conflicts/ta").text
    row = re.search(r'<tr data-record="r0">(.*?)</tr>', listed, re.S)
    assert row is not None
    assert 'ann: <span class="verdict-include">include</span> — looks like an RCT' in row.group(1)
    assert 'bob: <span class="verdict-exclude">exclude</span>' in row.group(1)
    resolved = cat.post("/conflicts/ta", data={"record": "r0", "verdict": "include"})
    assert resolved.status_code == 200 and "No conflicts at this stage" in resolved.text

    stats = cat.get("/stats/ta").text
    assert "ann &amp; bob" in stats and "0.0%" in stats  # one record, they disagreed
    stopping = re.search(r'data-testid="stopping">(.*?)</p>', stats, re.S)
    assert stopping is not None and "1 of 6 records screened" in " ".join(stopping.group(1).split())
    assert "50 irrelevant in a row</td>" in stats and "go on" in stats
    with Review.open(review_dir) as review:
        log = [(d.reviewer, d.verdict, d.consensus) for d in review.data().decisions]
        totals = review.status().stages[0]
    assert log == [("ann", "include", False), ("bob", "exclude", False), ("cat", "include", True)]
    assert (totals.included, totals.conflicts) == (1, 0)


def test_full_text_exclusion_needs_a_reason_and_a_refusal_changes_nothing(review_dir: Path) -> None:
    ann, bob = _client(review_dir, "ann"), _client(review_dir, "bob")
    for client in (ann, bob):
        _decide(client, "ta", "r0", "include")
    page = ann.get("/screen/ft").text
    assert _shown(page) == "r0" and '<option value="not a trial">' in page
    refused = ann.post("/screen/ft", data={"record": "r0", "verdict": "exclude", "reason": ""})
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text and "reason" in refused.text
    with Review.open(review_dir) as review:
        assert len(review.data().decisions) == 2
    _decide(ann, "ft", "r0", "exclude", "not a trial")
    with Review.open(review_dir) as review:
        last = review.data().decisions[-1]
    assert (last.stage, last.verdict, last.reason) == ("full_text", "exclude", "not a trial")


def test_the_workflow_rules_come_back_as_messages(review_dir: Path) -> None:
    ann, bob, cat = (_client(review_dir, n) for n in ("ann", "bob", "cat"))
    _decide(ann, "ta", "r1", "include")
    _decide(bob, "ta", "r1", "include")
    third = cat.post("/screen/ta", data={"record": "r1", "verdict": "exclude"})
    assert third.status_code == 409 and "already has 2 independent decisions" in third.text
    not_in_conflict = cat.post("/conflicts/ta", data={"record": "r1", "verdict": "exclude"})
    assert not_in_conflict.status_code == 409 and "not in conflict" in not_in_conflict.text
    unknown = ann.post("/screen/ta", data={"record": "nope", "verdict": "include"})
    assert unknown.status_code == 409 and "no record &#39;nope&#39;" in unknown.text
    bad = ann.post("/screen/ta", data={"record": "r2", "verdict": "perhaps"})
    assert bad.status_code == 409 and "is not include, exclude or maybe" in bad.text
    assert ann.get("/screen/xx").status_code == 404
    with Review.open(review_dir) as review:
        assert len(review.data().decisions) == 2


def test_when_nothing_waits_the_page_says_so(review_dir: Path) -> None:
    ann, bob = _client(review_dir, "ann"), _client(review_dir, "bob")
    for record in [f"r{i}" for i in range(6)]:
        _decide(ann, "ta", record, "exclude")
    assert 'data-testid="nothing"' in ann.get("/screen/ta").text
    assert _shown(bob.get("/screen/ta").text) is not None  # bob still has all six
    assert 'data-testid="nothing"' in ann.get("/screen/ft").text


def test_reviewers_deciding_at_the_same_time_lose_nothing(review_dir: Path) -> None:
    """One app (one engine) serving two reviewers' requests in parallel threads."""
    app = create_app(review_dir)
    errors: list[str] = []

    def screen_all(name: str, _: threading.Barrier) -> None:
        client = TestClient(app)
        client.post("/signin", data={"name": name})
        for i in range(6):
            form = {"record": f"r{i}", "verdict": "include" if name == "ann" else "exclude"}
            response = client.post("/screen/ta", data=form)
            if response.status_code != 200:
                errors.append(f"{name} r{i}: {response.status_code}")

    assert run_together(screen_all, ("ann", "bob")) == []
    assert errors == []
    with Review.open(review_dir) as review:
        decisions = review.data().decisions
        conflicts = review.conflicts()
    assert sorted((d.reviewer, d.record) for d in decisions) == sorted(
        (n, f"r{i}") for n in ("ann", "bob") for i in range(6)
    )
    assert len({d.sequence for d in decisions}) == 12 and len(conflicts) == 6


def test_a_reviewer_changes_a_decision_and_the_history_stays(review_dir: Path) -> None:
    ann, bob = _client(review_dir, "ann"), _client(review_dir, "bob")
    assert 'data-testid="none-yet"' in ann.get("/mine/ta").text
    _decide(ann, "ta", "r0", "include")
    _decide(ann, "ta", "r1", "exclude")
    _decide(bob, "ta", "r0", "exclude")
    listed = ann.get("/mine/ta").text
    assert listed.index('data-record="r1"') < listed.index('data-record="r0"')  # newest first
    assert "bob" not in listed
    changed = ann.post("/mine/ta", data={"record": "r0", "verdict": "exclude", "reason": "adults"})
    assert changed.status_code == 200
    row = re.search(r'<tr data-record="r0">(.*?)</tr>', changed.text, re.S)
    assert row is not None and 'class="verdict-exclude">exclude</span> — adults' in row.group(1)
    with Review.open(review_dir) as review:
        mine = [(d.record, d.verdict) for d in review.data().decisions if d.reviewer == "ann"]
        assert review.conflicts() == []  # ann now agrees with bob
    assert mine == [("r0", "include"), ("r1", "exclude"), ("r0", "exclude")]


def test_the_server_command_names_a_missing_review(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--review", str(tmp_path)])
    assert exit_.value.code == 2


def test_uncertain_duplicate_pairs_are_judged_in_the_browser_pages(tmp_path: Path) -> None:
    from sysreview.dedup import read_csv
    from sysreview.model import replace

    from ..dedup.conftest import benchmark

    with Review.init(tmp_path / "rev") as review:
        records = tuple(
            replace(r, source_file=None) for r in read_csv(benchmark("rathbone_respiratory"))
        )
        review.save(replace(review.data(), records=records))
        review.deduplicate()
        queue = review.duplicate_queue()
    client = _client(tmp_path / "rev", "per")
    page = client.get("/duplicates").text
    assert f"{len(queue)} uncertain pairs waiting" in page
    top = queue[0]
    assert f'data-pair="{top.a} {top.b}"' in page
    judged = client.post("/duplicates", data={"a": top.a, "b": top.b, "verdict": "distinct"})
    assert judged.status_code == 200
    assert f"{len(queue) - 1} uncertain pairs waiting · 1 judged" in judged.text
    assert f'data-pair="{top.a} {top.b}"' not in judged.text
    refused = client.post("/duplicates", data={"a": top.a, "b": "nope", "verdict": "same"})
    assert refused.status_code == 409 and 'role="alert"' in refused.text
    odd = client.post("/duplicates", data={"a": top.a, "b": top.b, "verdict": "maybe"})
    assert odd.status_code == 409 and "is not same or distinct" in odd.text
    with Review.open(tmp_path / "rev") as review:
        people = [p for p in review.data().duplicate_pairs if p.reviewer == "per"]
    assert [(p.a, p.b, p.status) for p in people] == [(top.a, top.b, "distinct")]


def test_a_cookie_edited_into_another_name_signs_nobody_in(review_dir: Path) -> None:
    client = _client(review_dir, "ann")
    assert client.get("/screen/ta", follow_redirects=False).status_code == 200
    signed = client.cookies.get(COOKIE, "")
    assert signed.startswith("YW5u.")  # base64 of "ann", then its HMAC
    other = _client(review_dir, "bob").cookies.get(COOKIE, "")  # another process's key
    for forged in ("bob", "Ym9i" + signed[4:], other, "", "!!!.x"):
        client.cookies.clear()
        client.cookies.set(COOKIE, forged)
        response = client.get("/screen/ta", follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/signin")


def test_the_team_passphrase_guards_sign_in(review_dir: Path) -> None:
    client = TestClient(create_app(review_dir, passphrase="graded activity"))
    assert 'name="team_passphrase"' in client.get("/signin").text
    wrong = client.post("/signin", data={"name": "ann", "team_passphrase": "guess"})
    assert wrong.status_code == 401 and "not the team&#39;s passphrase" in wrong.text
    assert client.get("/screen/ta", follow_redirects=False).status_code == 303
    right = client.post(
        "/signin",
        data={"name": "ann", "team_passphrase": "graded activity"},
        follow_redirects=False,
    )
    assert right.status_code == 303
    assert client.get("/screen/ta", follow_redirects=False).status_code == 200


def test_without_a_passphrase_the_server_stays_on_loopback(
    review_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SYSREVIEW_WEB_PASSPHRASE", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["--review", str(review_dir), "--host", "0.0.0.0"])
    assert exit_.value.code == 2
    assert (
        "to serve on 0.0.0.0, give the team accounts (sysreview account add) or set "
        "SYSREVIEW_WEB_PASSPHRASE" in capsys.readouterr().err
    )


def test_with_accounts_signing_in_takes_a_password_and_only_leads_settle(
    review_dir: Path,
) -> None:
    from sysreview.model import Study, replace

    with Review.open(review_dir) as review:
        review.save(replace(review.data(), studies=(Study(id="alpha", label="Alpha 2010"),)))
        review.add_account("cat", "correct horse", role="lead")
        review.add_account("ann", "battery staple")
        review.add_account("bob", "battery staple")
        review.assess_risk_of_bias("alpha", "D1", judgement="low", assessor="ann")
        review.assess_risk_of_bias("alpha", "D1", judgement="high", assessor="bob")
    app = create_app(review_dir, passphrase="ignored once there are accounts")
    ann, bob, cat = (TestClient(app) for _ in range(3))
    form = ann.get("/signin").text
    assert 'name="password"' in form and 'name="team_passphrase"' not in form
    wrong = ann.post("/signin", data={"name": "ann", "password": "correct horse"})
    assert wrong.status_code == 401 and "name and password do not match" in wrong.text
    nobody = ann.post("/signin", data={"name": "eve", "password": "battery staple"})
    assert nobody.status_code == 401
    for client, name, password in (
        (ann, " ann ", "battery staple"),
        (bob, "bob", "battery staple"),
        (cat, "cat", "correct horse"),
    ):
        signed = client.post(
            "/signin", data={"name": name, "password": password}, follow_redirects=False
        )
        assert signed.status_code == 303
    assert 'data-testid="reviewer">ann<' in ann.get("/screen/ta").text
    for client, verdict in ((ann, "include"), (bob, "exclude")):
        client.post("/screen/ta", data={"record": "r0", "verdict": verdict})
    page = ann.get("/conflicts/ta").text
    assert 'data-record="r0"' in page and "a lead settles it (cat)" in page
    assert 'action="/conflicts/ta"' not in page  # no form for a reviewer
    refused = ann.post("/conflicts/ta", data={"record": "r0", "verdict": "include"})
    assert refused.status_code == 409 and "only a lead settles conflicts" in refused.text
    lead_page = cat.get("/conflicts/ta").text
    assert 'action="/conflicts/ta"' in lead_page
    assert '<span class="who">lead</span>' in lead_page
    settled = cat.post("/conflicts/ta", data={"record": "r0", "verdict": "include"})
    assert settled.status_code == 200 and 'data-testid="no-conflicts"' in settled.text
    rob = ann.get("/rob/conflicts").text
    assert "A lead settles it (cat)." in rob and 'action="/rob/agree"' not in rob
    assert 'action="/rob/agree"' in cat.get("/rob/conflicts").text
    with Review.open(review_dir) as review:
        review.remove_account("bob")
    # a removed account is signed out at its next request
    assert bob.get("/screen/ta", follow_redirects=False).headers["location"] == "/signin"


def test_each_page_reads_the_review_once_and_sees_its_own_writes(
    review_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sysreview.store.repository import Store

    reads: list[int] = []
    original = Store.read

    def counted(self: Store) -> object:
        reads.append(1)
        return original(self)

    monkeypatch.setattr(Store, "read", counted)
    ann, bob = _client(review_dir, "ann"), _client(review_dir, "bob")
    ann.post("/screen/ta", data={"record": "r0", "verdict": "include"})
    bob.post("/screen/ta", data={"record": "r0", "verdict": "exclude"})
    for path in ("/screen/ta", "/conflicts/ta", "/mine/ta", "/stats/ta", "/rob", "/duplicates"):
        reads.clear()
        assert ann.get(path).status_code == 200, path
        assert len(reads) == 1, (path, len(reads))  # /screen/ta read it 4 times before
    # a write inside the request is seen by the page it renders (read again after it)
    settled = ann.post("/conflicts/ta", data={"record": "r0", "verdict": "include"})
    assert 'data-testid="no-conflicts"' in settled.text
    with Review.open(review_dir) as review, review.snapshot():
        first = review.data()
        assert review.data() is first  # one read in a snapshot ...
        review.decide("r1", "include", reviewer="ann")
        assert review.data() is not first  # ... until a write through the facade
        assert any(d.record == "r1" for d in review.data().decisions)


def test_full_text_inclusions_are_linked_to_studies_in_the_browser_pages(
    review_dir: Path,
) -> None:
    with Review.open(review_dir) as review:
        for record in ("r0", "r1", "r2"):
            for who in ("ann", "bob"):
                review.decide(record, "include", reviewer=who)
            for who in ("ann", "bob"):
                review.decide(record, "include", reviewer=who, stage="full_text")
    ann = _client(review_dir, "ann")
    page = ann.get("/studies").text
    assert "Included at full text, not yet a study's report (3)" in page
    assert 'id="label-r0" name="label" value="Hansen 2010"' in page  # first author, year
    assert "no studies yet" in page
    founded = ann.post("/studies/link", data={"record": "r0", "label": "Hansen 2010 (GA)"})
    assert founded.status_code == 200 and "r0 is a report of hansen2010." in founded.text
    linked = ann.post("/studies/link", data={"record": "r1", "study": "hansen2010"})
    assert "r1 is a report of hansen2010." in linked.text
    row = re.search(r'<tr data-study="hansen2010">(.*?)</tr>', linked.text, re.S)
    assert row is not None and row.group(1).count('class="report"') == 2
    assert "Hansen 2010 (GA)" in row.group(1) and "main:" in row.group(1)
    refused = ann.post("/studies/link", data={"record": "r0"})
    assert refused.status_code == 409 and "already a report of hansen2010" in refused.text
    unlinked = ann.post("/studies/unlink", data={"record": "r1"})
    assert "r1 is no longer a report of hansen2010" in unlinked.text
    assert 'data-record="r1"' in unlinked.text  # waiting again
    with Review.open(review_dir) as review:
        reports = [(r.record, r.study, r.main) for r in review.data().reports]
    assert reports == [("r0", "hansen2010", True)]
