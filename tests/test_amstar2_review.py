"""AMSTAR 2 appraisal of listed systematic reviews through the facade, the CLI, the
bundle and the report, on SQLite and PostgreSQL: two assessors answer each item
independently, agreements stand at once, conflicts are settled by the team, the
overall confidence follows from the agreed answers, and refusals change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sysreview import Review
from sysreview.appraisal import amstar2
from sysreview.bundle import read_bundle, render_bundle
from sysreview.errors import DataError, ParseError, WorkflowError
from sysreview.model import Study, SystematicReview, replace
from sysreview.report import build_report
from sysreview.report.blocks import Paragraph, Table, plain

from .cli_runner import cli_on


def _review(tmp_path: Path, db_url: str) -> Review:
    review = Review.init(tmp_path / "rev", database=db_url)
    listed = (
        SystematicReview(id="arends2012", label="Arends 2012"),
        SystematicReview(id="brouns2019", label="Brouns 2019"),
    )
    studies = (Study(id="alpha", label="Alpha 2010"),)
    review.save(replace(review.data(), systematic_reviews=listed, studies=studies))
    return review


def _answer_all(
    review: Review, who: str, answers: dict[str, str], target: str, skip: str = ""
) -> None:
    for code in amstar2.ITEM_CODES:
        if code == skip:
            continue
        review.assess_risk_of_bias(
            target, code, tool="amstar2", judgement=answers.get(code, "yes"), assessor=who
        )


def test_two_assessors_rate_a_review_and_the_confidence_follows(
    tmp_path: Path, db_url: str
) -> None:
    with _review(tmp_path, db_url) as review:
        first = review.assess_risk_of_bias(
            "arends2012",
            "Q7",
            tool="amstar2",
            judgement="no",
            assessor="ann",
            support="No list of excluded studies",
        )
        assert (first.review, first.domain, first.consensus) == ("arends2012", "7", False)  # type: ignore[union-attr]
        assert review.data().risk_of_bias == ()  # appraisals of reviews live apart
        [where] = review.risk_of_bias_positions("amstar2")
        assert (where.study, where.state) == ("arends2012", "awaiting")
        _answer_all(review, "ann", {"11a": "no_meta_analysis"}, "arends2012", skip="7")
        assert review.systematic_review_confidence()["arends2012"].rating is None
        _answer_all(review, "bob", {"7": "no", "11a": "no_meta_analysis"}, "arends2012")
        rating = review.systematic_review_confidence()["arends2012"]
        assert (rating.rating, rating.critical_flaws, rating.unanswered) == ("low", (7,), ())
        agreed = [a for a in review.data().review_appraisals if a.consensus]
        assert len(agreed) == len(amstar2.ITEM_CODES)
        seven = next(a for a in agreed if a.domain == "7")
        assert (seven.judgement, seven.assessor, seven.support) == (
            "no",
            None,
            "No list of excluded studies",
        )


def test_blinding_conflict_and_consensus(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        review.assess_risk_of_bias(
            "brouns2019", "4", tool="amstar2", judgement="yes", assessor="ann"
        )
        assert review.risk_of_bias_seen_by("bob") == []
        review.assess_risk_of_bias(
            "brouns2019", "4", tool="amstar2", judgement="partial_yes", assessor="bob"
        )
        assert {a.assessor for a in review.risk_of_bias_seen_by("bob")} == {"ann", "bob"}
        [(where, judged)] = review.risk_of_bias_conflicts("amstar2")
        assert (where.study, where.domain, where.state) == ("brouns2019", "4", "conflict")
        assert {a.judgement for a in judged} == {"yes", "partial_yes"}
        with pytest.raises(WorkflowError, match="not one the tool uses for Q4"):
            review.agree_risk_of_bias(
                "brouns2019", "4", "no_meta_analysis", by="cat", tool="amstar2"
            )
        review.agree_risk_of_bias(
            "brouns2019",
            "4",
            "partial_yes",
            by="cat",
            tool="amstar2",
            support="No grey literature searched",
        )
        assert review.risk_of_bias_conflicts() == []
        with pytest.raises(WorkflowError, match="consensus judgement stands"):
            review.assess_risk_of_bias(
                "brouns2019", "4", tool="amstar2", judgement="no", assessor="ann"
            )


def test_refusals_change_nothing(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        before = review.data()
        with pytest.raises(WorkflowError, match="no listed systematic review 'alpha'"):
            # a study is not a listed review
            review.assess_risk_of_bias(
                "alpha", "1", tool="amstar2", judgement="yes", assessor="ann"
            )
        with pytest.raises(WorkflowError, match="no study 'arends2012'"):
            review.assess_risk_of_bias("arends2012", "D1", judgement="low", assessor="ann")
        with pytest.raises(DataError, match="unknown domain"):
            review.assess_risk_of_bias(
                "arends2012", "17", tool="amstar2", judgement="yes", assessor="ann"
            )
        with pytest.raises(WorkflowError, match="for Q1"):
            review.assess_risk_of_bias(
                "arends2012", "1", tool="amstar2", judgement="partial_yes", assessor="ann"
            )
        with pytest.raises(WorkflowError, match="whole review"):
            review.assess_risk_of_bias(
                "arends2012", "1", tool="amstar2", judgement="yes", assessor="ann", answers="1.1=Y"
            )
        assert review.data() == before


def test_cli_appraises_a_review(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _review(tmp_path, db_url).close()
    run = cli_on(tmp_path / "rev", capsys)

    code, out, _ = run("rob", "questions", "--tool", "amstar2", "--domain", "Q9b", "--json")
    [nine] = json.loads(out)
    assert (nine["item"], nine["critical"], nine["options"][-1]) == ("9b", True, "not_applicable")
    code, out, _ = run("rob", "questions", "--tool", "amstar2")
    assert code == 0 and "Q15 Publication bias investigated (critical domain in Shea" in out
    for who in ("ann", "bob"):
        for item in amstar2.ITEM_CODES:
            answer = {"2": "no", "13": "no", "10": "no"}.get(item, "yes")
            code, out, err = run(
                "rob",
                "assess",
                "arends2012",
                item,
                "--tool",
                "amstar2",
                "--judgement",
                answer,
                "--reviewer",
                who,
            )
            assert code == 0, err
    assert "agreed: yes is now the review's judgement" in out
    code, out, _ = run("rob", "status", "--tool", "amstar2", "--reviewer", "ann")
    assert (
        "arends2012: AMSTAR 2 confidence critically_low "
        "(critical flaws: items 2, 13; weakness: item 10)" in out
    )
    code, out, _ = run("rob", "status", "--tool", "amstar2", "--reviewer", "ann", "--json")
    body = json.loads(out)
    assert body["confidence"] == [
        {
            "review": "arends2012",
            "tool": "amstar2",
            "confidence": "critically_low",
            "critical_flaws": [2, 13],
            "weaknesses": [10],
            "unanswered": [],
        }
    ]
    code, _, err = run(
        "rob",
        "assess",
        "arends2012",
        "1",
        "--tool",
        "amstar2",
        "--judgement",
        "maybe",
        "--reviewer",
        "cat",
    )
    assert code != 0 and "maybe" in err


def test_bundle_round_trip_and_errors_name_file_line_and_field(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        _answer_all(review, "ann", {"15": "no_meta_analysis"}, "brouns2019")
        _answer_all(review, "bob", {"15": "no_meta_analysis"}, "brouns2019")
        out = tmp_path / "bundle"
        review.export(out)
        data = review.data()
    assert read_bundle(out) == data
    assert render_bundle(read_bundle(out)) == render_bundle(data)
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    path = broken / "review_appraisals.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",3,yes,", ",3,partial_yes,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        read_bundle(broken)
    message = str(caught.value)
    assert "review_appraisals.csv:4: field 'judgement': AMSTAR 2 Q3 takes yes, no" in message


def test_the_report_lists_the_reviews_with_their_confidence(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        _answer_all(review, "ann", {"7": "no", "5": "no"}, "arends2012")
        _answer_all(review, "bob", {"7": "no", "5": "no"}, "arends2012")
        data = review.data()
    doc = build_report(data, "en", tmp_path / "out", draw=False)
    tables = {t.caption: t for t in doc.blocks if isinstance(t, Table)}
    confidence = tables["Confidence in the results (AMSTAR 2)"]
    assert [[plain(c) for c in row] for row in confidence.rows] == [
        ["Arends 2012", "Low (critical flaw: 7)"]
    ]
    answers = tables["AMSTAR 2 appraisal of the systematic reviews"]
    assert answers.header[1:4] == ("1", "2", "3") and answers.header[9] == "9a"
    [row] = [[plain(c) for c in r] for r in answers.rows]
    assert row[0] == "Arends 2012" and row[5] == "N" and row[7] == "N" and row[1] == "Y"
    described = tables["Description of the systematic reviews"]
    assert [plain(r[0]) for r in described.rows] == ["Arends 2012", "Brouns 2019"]
    nb = build_report(data, "nb", tmp_path / "out", draw=False)
    captions = {t.caption for t in nb.blocks if isinstance(t, Table)}
    assert "Tillit til resultatene (AMSTAR 2)" in captions


def test_the_protocol_chooses_the_critical_domains(tmp_path: Path, db_url: str) -> None:
    with _review(tmp_path, db_url) as review:
        for who in ("ann", "bob"):
            _answer_all(review, who, {"15": "no", "3": "no"}, "arends2012")
        assert review.systematic_review_confidence()["arends2012"].rating == "low"
        data = review.data()
        # a team that pools no NRSI and counts publication bias as non-critical
        protocol = replace(data.protocol, amstar2_critical=(2, 4, 7, 9, 11, 13))
        review.save(replace(data, protocol=protocol))
        rating = review.systematic_review_confidence()["arends2012"]
        assert (rating.rating, rating.critical_flaws, rating.weaknesses) == (
            "moderate",
            (),
            (3, 15),
        )
        out = tmp_path / "bundle"
        review.export(out)
        doc = build_report(review.data(), "en", tmp_path / "report", draw=False)
    methods = " ".join(plain(block.content) for block in doc.blocks if isinstance(block, Paragraph))
    assert "(items 2, 4, 7, 9, 11 and 13) is a critical flaw" in methods
    text = (out / "protocol.yaml").read_text(encoding="utf-8")
    (out / "protocol.yaml").write_text(text.replace("- 13", "- 17"), encoding="utf-8")
    with pytest.raises(ParseError, match=r"amstar2_critical.*not 17"):
        read_bundle(out)
