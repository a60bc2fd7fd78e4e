"""The team's accounts, on SQLite and PostgreSQL: passwords kept as scrypt hashes,
the first account a lead's, only leads settle conflicts once a review has accounts,
accounts outside the review's data (whole-review writes and bundles leave them alone),
and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sysreview import Review
from sysreview.accounts import hash_password, permit, verify_password
from sysreview.bundle import render_bundle
from sysreview.errors import WorkflowError
from sysreview.model import Account, Record, Study, replace

from .cli_runner import cli_on


def test_passwords_are_salted_scrypt_hashes() -> None:
    first = hash_password("graded activity")
    assert first.startswith("scrypt$16384$8$1$") and "graded" not in first
    assert first != hash_password("graded activity")  # a fresh salt each time
    assert verify_password("graded activity", first)
    assert not verify_password("graded activit", first)
    assert not verify_password("graded activity", "md5$abc")
    assert not verify_password("graded activity", "scrypt$x$y$z$!!$!!")
    salt = bytes(range(16))
    # a fixed salt gives a fixed hash (hashlib.scrypt, n=2^14, r=8, p=1, 32 bytes)
    assert hash_password("graded activity", salt=salt) == hash_password(
        "graded activity", salt=salt
    )
    with pytest.raises(WorkflowError, match="at least 8 characters"):
        hash_password("short")


def test_permit_follows_the_team() -> None:
    team = [
        Account("ann", "lead", "-", "2026-01-01"),
        Account("bob", "reviewer", "-", "2026-01-02"),
    ]
    permit([], "anyone", settles=True)  # no accounts: anyone who names themselves
    permit(team, "ann", settles=True)
    permit(team, "bob")
    with pytest.raises(WorkflowError, match="only a lead settles conflicts; bob is a reviewer"):
        permit(team, "bob", settles=True)
    with pytest.raises(WorkflowError, match="'eve' has no account"):
        permit(team, "eve")
    for blank in ("", "  "):
        with pytest.raises(WorkflowError, match="cannot be blank"):
            permit([], blank)
    with pytest.raises(WorkflowError, match="'ann ' has spaces around it"):
        permit([], "ann ")  # with or without accounts: "ann " would be a second reviewer


def _review(tmp_path: Path, db_url: str) -> Review:
    review = Review.init(tmp_path / "rev", database=db_url)
    records = tuple(Record(id=f"r{i}", search=None, title=f"Trial {i}") for i in range(3))
    studies = (Study(id="alpha", label="Alpha 2010"),)
    review.save(replace(review.data(), records=records, studies=studies))
    return review


def test_only_leads_settle_once_the_review_has_accounts(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        # no accounts yet: a reviewer on their own machine may do everything
        review.decide("r0", "include", reviewer="ann")
        review.decide("r0", "exclude", reviewer="bob")
        with pytest.raises(WorkflowError, match="first account must be a lead"):
            review.add_account("ann", "correct horse", role="reviewer")
        review.add_account("cat", "correct horse", role="lead")
        review.add_account("ann", "battery staple")
        review.add_account("bob", "battery staple")
        assert [(a.name, a.role) for a in review.accounts()] == [
            ("cat", "lead"),
            ("ann", "reviewer"),
            ("bob", "reviewer"),
        ]
        before = review.data()
        with pytest.raises(WorkflowError, match="only a lead settles conflicts; ann"):
            review.decide("r0", "include", reviewer="ann", resolve=True)
        with pytest.raises(WorkflowError, match="'eve' has no account"):
            review.decide("r1", "include", reviewer="eve")
        review.assess_risk_of_bias("alpha", "D1", judgement="low", assessor="ann")
        review.assess_risk_of_bias("alpha", "D1", judgement="high", assessor="bob")
        with pytest.raises(WorkflowError, match="only a lead"):
            review.agree_risk_of_bias("alpha", "D1", "high", by="bob")
        assert review.data().decisions == before.decisions
        review.decide("r0", "include", reviewer="cat", resolve=True)
        review.agree_risk_of_bias("alpha", "D1", "high", by="cat")
        assert review.conflicts() == [] and review.risk_of_bias_conflicts() == []
        assert review.may_settle("cat") and not review.may_settle("ann")
        assert not review.may_settle("eve")


def test_the_team_keeps_a_lead_and_passwords_change(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.add_account("cat", "correct horse", role="lead")
        review.add_account("ann", "battery staple")
        with pytest.raises(WorkflowError, match="already has an account"):
            review.add_account("ann", "battery staple")
        with pytest.raises(WorkflowError, match="cannot be a reviewer's name"):
            review.add_account("ann, bob", "battery staple")
        with pytest.raises(WorkflowError, match="last lead"):
            review.set_role("cat", "reviewer")
        with pytest.raises(WorkflowError, match="last lead"):
            review.remove_account("cat")
        assert review.set_role("ann", "lead").role == "lead"
        review.set_role("cat", "reviewer")
        assert review.authenticate("ann", "battery staple") is not None
        assert review.authenticate("ann", "correct horse") is None
        assert review.authenticate("nobody", "battery staple") is None
        review.set_password("ann", "new and long")
        assert review.authenticate("ann", "battery staple") is None
        assert review.authenticate(" ann ", "new and long") is not None
        review.remove_account("cat")
        with pytest.raises(WorkflowError, match="'cat' has no account"):
            review.remove_account("cat")
        assert [a.name for a in review.accounts()] == ["ann"]


def test_accounts_are_not_review_data(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.add_account("Quiller", "correct horse", role="lead")
        data = review.data()
        # a whole-review write (a bundle load, an import ...) leaves the team alone
        review.save(replace(data, records=data.records[:1]))
        assert [a.name for a in review.accounts()] == ["Quiller"]
        bundle = render_bundle(review.data())
    assert not any("scrypt" in text or "Quiller" in text for text in bundle.values())


def test_cli_manages_the_team(
    tmp_path: Path,
    db_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _review(tmp_path, db_url).close()
    run = cli_on(tmp_path / "rev", capsys, monkeypatch)

    code, out, _ = run("account", "list")
    assert code == 0 and "no accounts" in out
    code, _, err = run("account", "add", "ann", "--password-stdin", stdin="battery staple\n")
    assert code != 0 and "first account must be a lead" in err
    code, out, _ = run(
        "account", "add", "cat", "--role", "lead", "--password-stdin", stdin="correct horse\n"
    )
    assert code == 0 and "cat has an account (lead)" in out
    code, _, err = run("account", "add", "ann", "--password-stdin", stdin="short\n")
    assert code != 0 and "at least 8 characters" in err
    run("account", "add", "ann", "--password-stdin", stdin="battery staple\n")
    code, out, _ = run("account", "list", "--json")
    assert [(a["name"], a["role"]) for a in json.loads(out)] == [
        ("cat", "lead"),
        ("ann", "reviewer"),
    ]
    code, out, _ = run("account", "role", "ann", "lead")
    assert code == 0 and "ann is now a lead" in out
    code, out, _ = run("account", "password", "ann", "--password-stdin", stdin="new and long\n")
    assert code == 0 and "changed" in out
    code, _, err = run("screen", "decide", "r0", "include", "--reviewer", "eve")
    assert code != 0 and "'eve' has no account" in err
    code, out, _ = run("account", "remove", "cat")
    assert code == 0 and "removed" in out
    with Review.open(tmp_path / "rev") as review:
        assert review.authenticate("ann", "new and long") is not None
