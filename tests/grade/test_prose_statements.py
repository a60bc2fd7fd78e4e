"""Statements for prose: every very-low row has GRADE guidance 26's wording, and
prose joins a comparison's very-low rows into one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview import grade
from sysreview.bundle import read_bundle
from sysreview.model import ReviewData

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "niph-rehab"


@pytest.fixture(scope="module")
def data() -> ReviewData:
    return read_bundle(EXAMPLE)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_every_very_low_row_has_the_statement_whatever_its_effect(
    data: ReviewData, lang: str
) -> None:
    tables = grade.build_tables(data, lang=lang)
    rows = [(t, r) for t in tables for r in t.rows if t.comparison is not None]
    very_low = [r for _, r in rows if r.certainty == "very_low"]
    narrative = [r for r in very_low if r.evidence is None or r.evidence.estimate is None]
    assert len(narrative) >= 20  # the example's narrative rows: no effect to size
    opening = "The evidence is very uncertain" if lang == "en" else "Det er usikkert om"
    for row in very_low:
        assert row.statement is not None and row.statement.startswith(opening), row.label
    # at other certainties a row without an effect still has no statement
    low = [r for _, r in rows if r.certainty == "low" and r.size is None]
    assert low and all(r.statement is None for r in low)


def test_prose_joins_a_comparisons_very_low_rows_into_one_sentence(data: ReviewData) -> None:
    tables = grade.build_tables(data, lang="en")
    said = grade.prose_statements(tables)
    by_comparison: dict[str, list[str]] = {}
    for sentence, pairs in said:
        comparison = pairs[0][0].comparison
        assert comparison is not None
        assert {t.comparison.id for t, _ in pairs if t.comparison} == {comparison.id}
        by_comparison.setdefault(comparison.id, []).append(sentence)
    for sentences in by_comparison.values():
        assert sum(s.startswith("The evidence is very uncertain") for s in sentences) == 1
    # multidisciplinary rehabilitation vs another active intervention: two tables, one
    # very-low sentence; return to work is named with its time point, because at 24
    # months the certainty is moderate and that has its own sentence
    other = by_comparison["tr-vs-annet"]
    assert len(other) == 2
    assert other[0].startswith(
        "The evidence is very uncertain about the effect of multidisciplinary "
        "rehabilitation on return to work at 12 months, symptom reduction, "
    )
    assert other[0].endswith("compared with other active intervention.")
    assert other[1] == (
        "Multidisciplinary rehabilitation probably results in little to no difference in "
        "return to work at 24 months compared with other active intervention."
    )
    # every row with a statement is spoken for exactly once
    spoken = [r.recorded.id for _, pairs in said for _, r in pairs]
    assert len(spoken) == len(set(spoken))
    assert set(spoken) == {r.recorded.id for t in tables for r in t.rows if r.statement}
    critical = grade.prose_statements(tables, critical_only=True)
    assert all(r.evidence.outcome.importance == "critical" for _, p in critical for _, r in p)
