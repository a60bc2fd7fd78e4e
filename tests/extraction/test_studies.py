"""A study's description (the characteristics table's row) edited field by field."""

from __future__ import annotations

import pytest

from sysreview import extraction
from sysreview.errors import WorkflowError
from sysreview.model import Study

STUDY = Study(
    id="lambeek2010", label="Lambeek 2010", characteristics={"age": "46", "women": "44 %"}
)


def test_fields_lists_counts_and_cells() -> None:
    changed = extraction.describe(
        STUDY,
        {
            "design": " RCT ",
            "countries": "Netherlands; Belgium;",
            "participants": "134",
            "note": "",
            "characteristics": {"age": "46 (18-65)", "women": "", "setting": "primary care"},
        },
    )
    assert (changed.design, changed.countries, changed.participants) == (
        "RCT",
        ("Netherlands", "Belgium"),
        134,
    )
    assert changed.note is None
    assert changed.characteristics == {"age": "46 (18-65)", "setting": "primary care"}
    assert extraction.describe(changed, {"participants": ""}).participants is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"participants": "about 130"}, "not a whole number"),
        ({"participants": "-3"}, "cannot be negative"),
        ({"label": " "}, "needs a label"),
        ({"arms": "2"}, "no field 'arms'"),
        ({"characteristics": {" ": "x"}}, "needs a column name"),
    ],
)
def test_what_cannot_be_a_description_is_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(WorkflowError, match=message):
        extraction.describe(STUDY, changes)
