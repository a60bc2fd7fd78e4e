"""Starting GRADE from the analyses (as GRADEpro does on importing a RevMan file): an
assessment and a Summary-of-Findings row per analysis, numbers from the data."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sysreview import grade
from sysreview.errors import DataError
from sysreview.integrity import problems
from sysreview.model import RobAssessment, SofTable

from ..revman.test_rm5 import fleiss


def test_each_analysis_gets_an_assessment_and_a_row_in_its_comparison_s_table() -> None:
    data, made = grade.start(fleiss())
    assert [(a.id, a.analysis, a.certainty, a.design) for a in made] == [
        ("death", "death", "high", "rct"),
        ("mh", "mh", "high", "rct"),
    ]
    assert problems(data) == []
    (table,) = data.sof_tables
    assert (table.id, table.title, table.comparison) == (
        "sof-treat",
        "Treatment compared to Control",
        "treat",
    )
    assert [(r.label, r.assessment, r.measure) for r in table.rows] == [
        ("Death", "death", "OR"),
        ("Mental health", "mh", "MD"),
    ]
    (built,) = grade.build_tables(data)
    death = built.rows[0]
    assert death.relative == "OR 0.90 (0.84 to 0.96)"
    assert death.evidence.source == "computed"
    assert death.certainty == "high"
    # again: nothing new
    again, more = grade.start(data)
    assert more == () and again == data


def test_a_design_other_than_randomised_starts_low_unless_robins_was_used() -> None:
    _, made = grade.start(fleiss(), ["death"], design="observational")
    assert [(a.id, a.certainty) for a in made] == [("death", "low")]
    robins = RobAssessment(study="gasp", tool="robins_i", domain="overall", judgement="moderate")
    with_robins = replace(fleiss(), risk_of_bias=(*fleiss().risk_of_bias, robins))
    _, made = grade.start(with_robins, ["death"], design="observational")
    assert [(a.id, a.certainty) for a in made] == [("death", "high")]


def test_rows_join_the_comparison_s_table_and_ids_stay_unique() -> None:
    data = fleiss()
    table = SofTable(id="sof-1", title="Our own title", comparison="treat")
    data, _ = grade.start(replace(data, sof_tables=(table,)), ["death"])
    data, made = grade.start(data)
    assert [a.id for a in made] == ["mh"]
    assert [t.id for t in data.sof_tables] == ["sof-1"]
    assert [r.assessment for r in data.sof_tables[0].rows] == ["death", "mh"]


def test_a_norwegian_review_names_the_table_in_norwegian() -> None:
    data = fleiss()
    data = replace(data, review=replace(data.review, language="nb"))
    data, _ = grade.start(data)
    assert data.sof_tables[0].title == "Treatment sammenlignet med Control"


def test_an_analysis_named_twice_gets_one_assessment() -> None:
    _, made = grade.start(fleiss(), ["death", "death"])
    assert [a.id for a in made] == ["death"]


def test_an_unknown_analysis_is_named() -> None:
    with pytest.raises(DataError, match="no analysis 'nope' in this review"):
        grade.start(fleiss(), ["death", "nope"])


def test_the_studies_recorded_designs_say_where_the_evidence_starts() -> None:
    data = fleiss()
    cohorts = tuple(replace(s, design="Prospective cohort study") for s in data.studies)
    _, made = grade.start(replace(data, studies=cohorts), ["death"])
    assert [(a.design, a.certainty) for a in made] == [("observational", "low")]
    mixed = (replace(cohorts[0], design="RCT"), *cohorts[1:])
    _, made = grade.start(replace(data, studies=mixed), ["death"])
    assert [a.design for a in made] == ["rct"]  # with a trial among them: randomised
    quasi = tuple(replace(s, design="Quasi-randomised trial") for s in data.studies)
    _, made = grade.start(replace(data, studies=quasi), ["death"])
    assert [a.design for a in made] == ["non_randomised"]
    _, made = grade.start(replace(data, studies=cohorts), ["death"], design="rct")
    assert [a.design for a in made] == ["rct"]  # the reviewers' word overrides


def test_an_analysis_without_studies_is_not_rated_high() -> None:
    data = fleiss()
    empty = replace(data.analyses[0], studies=())
    data = replace(data, analyses=(empty, *data.analyses[1:]))
    with pytest.raises(DataError, match=f"analysis '{empty.id}' has no studies"):
        grade.start(data, [empty.id])
    data, made = grade.start(data)  # all: the empty one is passed over
    assert [a.analysis for a in made] == [a.id for a in data.analyses[1:]]
    assert all(r.assessment != empty.id for t in data.sof_tables for r in t.rows)
