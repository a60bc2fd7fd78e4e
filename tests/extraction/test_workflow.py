"""Outcome data read by two people, then agreed: agreement writes the row, a difference
is a conflict a lead settles, blinding, and values that cannot all be right."""

from __future__ import annotations

from dataclasses import fields

import pytest

from sysreview import extraction
from sysreview.errors import WorkflowError
from sysreview.model import Extraction, OutcomeData, ReviewData, ReviewInfo

RTW = dict(study="lambeek2010", outcome="rtw", data_type="dichotomous", timepoint="12 mnd")
NUMBERS = dict(events_1="60", n_1="66", events_2="52", n_2="68")


def enter(data: ReviewData, who: str, required: int = 2, **changes: str) -> ReviewData:
    values = {**RTW, **NUMBERS, **changes}
    new = extraction.entry("lambeek-rtw", who, values, "2026-11-24T10:00:00+00:00")
    data, _ = extraction.record(data, new, required)
    return data


def empty() -> ReviewData:
    return ReviewData(review=ReviewInfo(id="r", title="R"))


def test_two_agreeing_entries_become_the_review_s_outcome_data() -> None:
    data = enter(empty(), "ann", source="Table 2")
    assert data.outcome_data == ()
    [waiting] = extraction.positions(data, 2)
    assert (waiting.state, waiting.extractors) == ("awaiting", ("ann",))
    # a different page and quote are not a disagreement; the numbers are the same
    data = enter(data, "bob", events_1="60.0", text="60 of 66 returned")
    [row] = data.outcome_data
    assert isinstance(row, OutcomeData)
    assert (row.id, row.events_1, row.n_1, row.events_2, row.n_2) == ("lambeek-rtw", 60, 66, 52, 68)
    assert (row.source, row.text) == ("Table 2", "60 of 66 returned")
    [agreed] = extraction.positions(data, 2)
    assert (agreed.state, agreed.extractors) == ("agreed", ("ann", "bob"))


def test_a_difference_is_a_conflict_until_an_extractor_corrects_theirs() -> None:
    data = enter(enter(empty(), "ann"), "bob", events_1="50")
    [conflict] = extraction.positions(data, 2)
    assert (conflict.state, conflict.differences) == ("conflict", ("events_1",))
    assert data.outcome_data == ()
    data = enter(data, "bob")  # bob reads the table again
    assert extraction.positions(data, 2)[0].state == "agreed"
    assert [e.extractor for e in data.extractions] == ["ann", "bob"]  # bob's replaced


def test_three_extractors_needed_keep_a_difference_open() -> None:
    data = enter(enter(empty(), "ann", required=3), "bob", required=3, n_2="67")
    assert extraction.positions(data, 3)[0].state == "awaiting"
    assert extraction.positions(data, 2)[0].state == "conflict"


def test_an_agreed_row_takes_no_entries_and_a_lead_changes_it() -> None:
    data = enter(enter(empty(), "ann"), "bob")
    with pytest.raises(WorkflowError, match="agreed"):
        enter(data, "cat", n_1="70")
    data, row = extraction.settle(data, "lambeek-rtw", values={"n_1": "67"})
    assert (row.n_1, row.events_1) == (67, 60)
    assert len(data.outcome_data) == 1


def test_settling_a_conflict_names_whose_entry_to_take() -> None:
    data = enter(enter(empty(), "ann"), "bob", events_1="50", source="Table 3")
    with pytest.raises(WorkflowError, match="differ") as raised:
        extraction.settle(data, "lambeek-rtw")
    assert raised.value.hint == "--take ann or --take bob"
    with pytest.raises(WorkflowError, match="cat has no entry"):
        extraction.settle(data, "lambeek-rtw", take="cat")
    data, row = extraction.settle(data, "lambeek-rtw", take="bob")
    assert (row.events_1, row.source) == (50, "Table 3")
    assert extraction.positions(data, 2)[0].state == "agreed"
    with pytest.raises(WorkflowError, match="events_1"):  # checked as an entry is
        extraction.settle(data, "lambeek-rtw", values={"events_1": "90"})
    # the lead's own reading, every field given (what the web's form sends)
    own = {f: "" for f in extraction.VALUE_FIELDS} | RTW | NUMBERS | {"events_1": "55"}
    data, row = extraction.settle(data, "lambeek-rtw", values=own)
    assert (row.events_1, row.source) == (55, None)


def test_blinded_until_one_s_own_entry_unless_checking() -> None:
    data = enter(empty(), "ann")
    assert extraction.visible(data, "bob", "independent") == []
    assert [e.extractor for e in extraction.visible(data, "bob", "checked")] == ["ann"]
    data = enter(data, "bob", events_1="50")
    assert {e.extractor for e in extraction.visible(data, "bob", "independent")} == {"ann", "bob"}
    assert [e.extractor for e in extraction.visible(data, "cat", "independent")] == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"events_1": "70"}, "events_1", "70 events among 66 participants"),
        ({"n_2": "0"}, "n_2", "more than 0"),
        ({"n_2": ""}, "n_2", "dichotomous data need"),
        ({"events_2": "5a"}, "events_2", "'5a' is not a number"),
        ({"n_1": "1,066"}, "n_1", "thousands separator or a decimal comma"),
        ({"p": "1.5"}, "p", "between 0 and 1"),
        (
            {"measure": "RR", "estimate": "-2", "ci_lb": "-3", "ci_ub": "4"},
            "estimate",
            r"a RR is above 0, not -2 \(a log ratio\?\)",
        ),
        ({"ci_lb": "2", "ci_ub": "1"}, "ci_lb", "above the upper limit"),
        ({"sd_1": "-1"}, "sd_1", "cannot be negative"),
        ({"q1_1": "5", "median_1": "4"}, "median_1", "out of order"),
        ({"dose": "5"}, "dose", "no field 'dose'"),
    ],
)
def test_values_that_cannot_be_right_are_refused_naming_the_field(
    changes: dict[str, str], field: str, message: str
) -> None:
    with pytest.raises(WorkflowError, match=message) as raised:
        enter(empty(), "ann", **changes)
    assert field in str(raised.value)


def test_numbers_take_a_decimal_comma_and_kinds_need_their_values() -> None:
    values = dict(study="s", outcome="pain", data_type="estimate", measure="MD", estimate="0,99")
    made = extraction.entry("s-pain", "ann", values)
    assert isinstance(made, Extraction) and made.estimate == 0.99
    with pytest.raises(WorkflowError, match="estimate data need"):
        extraction.entry("s-pain", "ann", dict(values, measure=""))
    continuous = dict(study="s", outcome="pain", data_type="continuous", median_1="82")
    with pytest.raises(WorkflowError, match=r"Mean \(intervention\), Mean \(control\) or Median"):
        extraction.entry("s-pain", "ann", continuous)
    assert extraction.entry("s-pain", "ann", dict(continuous, median_2="175")).median_2 == 175


def test_an_estimate_outside_its_ci_is_a_doubt_not_an_error() -> None:
    # what the NIPH review prints for Lambeek 2010's pain at 3 months
    values = dict(estimate=0.99, ci_lb=1.3, ci_ub=2.1)
    assert extraction.consistency_problems(values) == []
    assert extraction.doubts(values) == [
        ("estimate", "estimate 0.99 lies outside its CI 1.3 to 2.1")
    ]
    assert extraction.doubts(dict(values, ci_lb=0.5)) == []


def test_row_ids_are_made_from_what_identifies_the_row() -> None:
    assert extraction.row_id("lambeek2010", "rtw", "12 mnd") == "lambeek2010-rtw-12-mnd"
    assert extraction.row_id("poulsen2014", "rtw", "12 mnd", "Kommune 1") == (
        "poulsen2014-rtw-12-mnd-kommune-1"
    )
    assert extraction.label("events_1") == "Events (intervention)"
    assert extraction.label("sd_2") == "SD (control)"


def test_an_entry_holds_every_value_of_an_outcome_data_row() -> None:
    """Extraction repeats OutcomeData's fields (less its id) between its own: they must
    not drift apart."""
    names = [f.name for f in fields(Extraction)]
    assert names[:2] == ["row", "extractor"] and names[-1] == "extracted_at"
    assert tuple(names[2:-1]) == extraction.VALUE_FIELDS
    assert [f.type for f in fields(Extraction)][2:-1] == [
        f.type for f in fields(OutcomeData) if f.name != "id"
    ]


def test_a_lead_corrects_outcome_data_the_review_already_holds() -> None:
    # entered before extraction was done in sysreview (a bundle), and incomplete: the
    # paper gave medians for one arm only
    held = OutcomeData("old-pain", "s", "pain", "continuous", median_1=82.0, n_1=60.0)
    data = ReviewData(review=ReviewInfo(id="r", title="R"), outcome_data=(held,))
    data, row = extraction.settle(data, "old-pain", values={"n_1": "66"})
    assert (row.n_1, row.median_1, row.median_2) == (66, 82, None)
    values = dict(study="s", outcome="pain", data_type="continuous", median_1="82", median_2="90")
    with pytest.raises(WorkflowError, match="agreed"):
        extraction.record(data, extraction.entry("old-pain", "ann", values), 2)
    with pytest.raises(WorkflowError, match="out of order"):
        extraction.settle(data, "old-pain", values={"q1_1": "90"})


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"n_1": "1.500"}, "n_1", r"1\.5 is not a whole number of participants \(intervention\)"),
        ({"n_2": "68.5"}, "n_2", "68.5 is not a whole number of participants"),
        ({"events_1": "2,5"}, "events_1", "2.5 is not a whole number of events"),
    ],
)
def test_counts_are_whole_numbers(changes: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(WorkflowError, match=message) as raised:
        enter(empty(), "ann", **changes)
    assert raised.value.field == field  # type: ignore[attr-defined]
    if changes.get("n_1") == "1.500":  # the thousands separator, read as a decimal point
        assert "write 1500" in str(raised.value)


def test_whole_counts_written_as_decimals_are_taken() -> None:
    data = enter(empty(), "ann", n_1="66.0", events_1="60")
    [entry] = data.extractions
    assert (entry.n_1, entry.events_1) == (66, 60)


def test_stored_rows_are_not_held_to_the_entry_rule() -> None:
    row = OutcomeData(id="x", study="s", outcome="o", data_type="dichotomous", n_1=45.5)
    assert extraction.consistency_problems(row) == []


def test_a_count_with_a_comma_is_never_hinted_as_a_decimal() -> None:
    """A count of "1,500": the hint is 1500, never "1.500" (read as 1.5)."""
    with pytest.raises(WorkflowError) as raised:
        enter(empty(), "ann", n_1="1,500")
    assert raised.value.hint == "write 1500"
    with pytest.raises(WorkflowError) as raised:
        enter(empty(), "ann", mean_1="1,500")
    assert raised.value.hint == "write 1500, or 1.500 for a decimal"
