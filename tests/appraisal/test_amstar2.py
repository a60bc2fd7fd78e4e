"""AMSTAR 2 as data and its rating (Shea et al., BMJ 2017;358:j4008, Box 2): the
checklist's items and answers, the critical domains, and the overall confidence a
set of answers leads to."""

from __future__ import annotations

import pytest

from sysreview.appraisal import amstar2
from sysreview.appraisal.tools import derive_overall, domain_code, tool
from sysreview.appraisal.workflow import assessment, problem
from sysreview.errors import WorkflowError
from sysreview.model import ReviewAppraisal, RobAssessment

ALL_YES = {i.code: "yes" for i in amstar2.ITEMS}


def _with(**changes: str | None) -> dict[str, str | None]:
    """All items yes, but for ``changes`` (``q9a="no"`` sets item 9a)."""
    answers: dict[str, str | None] = dict(ALL_YES)
    answers.update({k.removeprefix("q"): v for k, v in changes.items()})
    return answers


def test_the_checklist_has_sixteen_items_with_9_and_11_in_two_rows() -> None:
    assert [i.item for i in amstar2.ITEMS] == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        9,
        10,
        11,
        11,
        12,
        13,
        14,
        15,
        16,
    ]
    assert amstar2.ITEM_CODES[8:13] == ("9a", "9b", "10", "11a", "11b")
    # Shea et al.'s seven critical domains
    assert amstar2.CRITICAL == (2, 4, 7, 9, 11, 13, 15)
    # partial yes only where the checklist offers it; "no meta-analysis" for 11, 12 and 15
    partial = {i.code for i in amstar2.ITEMS if "partial_yes" in i.answers}
    assert partial == {"2", "4", "7", "8", "9a", "9b"}
    nma = {i.code for i in amstar2.ITEMS if "no_meta_analysis" in i.answers}
    assert nma == {"11a", "11b", "12", "15"}
    assert {i.code for i in amstar2.ITEMS if "not_applicable" in i.answers} == {"9a", "9b"}


@pytest.mark.parametrize(
    ("answers", "rating", "flaws", "weaknesses"),
    [
        (ALL_YES, "high", (), ()),
        # one non-critical weakness keeps high; two make it moderate
        (_with(q3="no"), "high", (), (3,)),
        (_with(q3="no", q10="no"), "moderate", (), (3, 10)),
        # partial yes meets an item, and no meta-analysis is no flaw
        (_with(q2="partial_yes", q4="partial_yes", q8="partial_yes"), "high", (), ()),
        (
            _with(
                q11a="no_meta_analysis",
                q11b="no_meta_analysis",
                q12="no_meta_analysis",
                q15="no_meta_analysis",
            ),
            "high",
            (),
            (),
        ),
        (_with(q9b="not_applicable"), "high", (), ()),
        # one critical flaw: low, whatever the weaknesses
        (_with(q7="no"), "low", (7,), ()),
        (_with(q7="no", q3="no", q5="no", q10="no"), "low", (7,), (3, 5, 10)),
        # both rows of an item answered no are one flaw of that item
        (_with(q9a="no", q9b="no"), "low", (9,), ()),
        (_with(q11b="no"), "low", (11,), ()),
        # two critical flaws: critically low
        (_with(q2="no", q15="no"), "critically_low", (2, 15), ()),
    ],
)
def test_the_rating_follows_box_2(
    answers: dict[str, str | None],
    rating: str,
    flaws: tuple[int, ...],
    weaknesses: tuple[int, ...],
) -> None:
    found = amstar2.rate(answers)
    assert (found.rating, found.critical_flaws, found.weaknesses) == (rating, flaws, weaknesses)
    assert found.unanswered == ()


def test_missing_answers_leave_the_rating_open_unless_already_critically_low() -> None:
    missing = _with(q16=None)
    assert amstar2.rate(missing).rating is None
    assert amstar2.rate(missing).unanswered == ("16",)
    assert amstar2.rate({"2": "no", "4": "no"}).rating == "critically_low"
    # one critical flaw could still become two: not rated yet
    assert amstar2.rate({"2": "no"}).rating is None
    assert amstar2.rate({}).unanswered == amstar2.ITEM_CODES


def test_the_team_may_choose_other_critical_domains() -> None:
    # Shea et al. offer the seven as a suggestion: without item 15 among them, a
    # "no" there is a weakness
    answers = _with(q15="no")
    assert amstar2.rate(answers).rating == "low"
    assert amstar2.rate(answers, critical=(2, 4, 7, 9, 11, 13)).rating == "high"


def test_confidence_reads_only_the_agreed_answers() -> None:
    rows = [ReviewAppraisal("r1", "amstar2", code, "yes") for code in amstar2.ITEM_CODES] + [
        ReviewAppraisal("r2", "amstar2", "7", "no", assessor="ann", consensus=False),
        ReviewAppraisal("r2", "amstar2", "2", "no"),
        ReviewAppraisal("r2", "amstar2", "4", "no"),
    ]
    found = amstar2.confidence(rows)
    assert list(found) == ["r1", "r2"]
    assert found["r1"].rating == "high"
    assert (found["r2"].rating, found["r2"].critical_flaws) == ("critically_low", (2, 4))


def test_the_tool_table_knows_amstar2() -> None:
    spec = tool("amstar2")
    assert spec.subject == "review" and spec.headings[0] == "Q1" and spec.headings[8] == "Q9a"
    assert domain_code(spec, "Q9a") == "9a" == domain_code(spec, "9A")
    assert spec.options("1") == ("yes", "no")
    ordered = [ALL_YES[c] for c in amstar2.ITEM_CODES]
    assert derive_overall("amstar2", ordered) == "high"
    ordered[6] = "no"  # item 7
    assert derive_overall("amstar2", ordered) == "low"


def test_an_answer_must_be_one_the_item_takes() -> None:
    found = assessment(
        study="r1",
        tool_code="amstar2",
        domain="Q4",
        judgement="partial_yes",
        assessor="ann",
        consensus=False,
    )
    assert isinstance(found, ReviewAppraisal) and (found.review, found.domain) == ("r1", "4")
    with pytest.raises(WorkflowError, match="for Q1"):
        assessment(
            study="r1",
            tool_code="amstar2",
            domain="1",
            judgement="partial_yes",
            assessor="ann",
            consensus=False,
        )
    with pytest.raises(WorkflowError, match="whole review"):
        assessment(
            study="r1",
            tool_code="amstar2",
            domain="1",
            judgement="yes",
            assessor="ann",
            consensus=False,
            outcome="rtw",
        )
    assert problem(ReviewAppraisal("r1", "amstar2", "2", "no_meta_analysis")) == (
        "judgement",
        "AMSTAR 2 Q2 takes yes, partial_yes, no",
    )
    assert problem(ReviewAppraisal("r1", "amstar2", "17", "yes"))[0] == "domain"  # type: ignore[index]
    assert problem(ReviewAppraisal("r1", "rob2", "randomisation_process", "yes"))[0] == "tool"  # type: ignore[index]
    assert problem(ReviewAppraisal("r1", "amstar2", "11a", "no_meta_analysis")) is None
    misplaced = RobAssessment("alpha", "amstar2", "1", "low")
    assert problem(misplaced) == ("tool", "AMSTAR 2 appraises listed reviews: review_appraisals")
