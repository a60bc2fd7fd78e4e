"""PRISMA counts: derived from the log, and checks that flag counts that do not add up."""

from __future__ import annotations

from sysreview import model as m
from sysreview.prisma import check, counts, derive, final_verdict, stage_totals

from .factories import small_review


def test_derive_from_records_and_decisions() -> None:
    p = derive(small_review())
    assert (p.basis, p.identified_databases, p.identified_other, p.duplicates_removed) == (
        "derived",
        2,
        1,
        1,
    )
    assert (p.screened, p.excluded_screening, p.fulltext_assessed, p.fulltext_excluded) == (
        2,
        1,
        1,
        0,
    )
    assert (p.studies_included, p.reports_included, p.systematic_reviews_included) == (1, 1, 1)
    # The listed review has no record behind it: the log accounts for one full text, not two.
    assert [(f.check, f.expected, f.found) for f in check(p)] == [("full_text", 1, 2)]
    assert check(derive(m.replace(small_review(), systematic_reviews=()))) == []


def test_records_take_precedence_over_recorded_counts() -> None:
    data = small_review()
    assert counts(data).basis == "derived"
    assert counts(m.replace(data, records=(), decisions=())) == data.prisma


def test_final_verdict_rules() -> None:
    agree = [
        m.Decision("r", "title_abstract", "a", "include"),
        m.Decision("r", "title_abstract", "b", "include"),
    ]
    disagree = [
        m.Decision("r", "title_abstract", "a", "include", sequence=1),
        m.Decision("r", "title_abstract", "b", "exclude", sequence=2),
    ]
    settled = [
        *disagree,
        m.Decision("r", "title_abstract", "c", "exclude", consensus=True, sequence=3),
    ]
    changed_mind = [*disagree, m.Decision("r", "title_abstract", "a", "exclude", sequence=4)]
    assert final_verdict(agree) == "include"
    assert final_verdict(disagree) is None
    assert final_verdict(settled) == "exclude"
    assert final_verdict(changed_mind) == "exclude"
    assert final_verdict([]) is None


def test_stage_totals_count_conflicts_and_open_records() -> None:
    data = small_review()
    extra = m.Record("r4", "medline", title="Undecided")
    conflict = m.Record("r5", "medline", title="Conflict")
    data = m.replace(
        data,
        records=(*data.records, extra, conflict),
        decisions=(
            *data.decisions,
            m.Decision("r5", "title_abstract", "anna", "include", sequence=8),
            m.Decision("r5", "title_abstract", "bo", "exclude", sequence=9),
        ),
    )
    ta, ft = stage_totals(data)
    assert (ta.candidates, ta.included, ta.excluded, ta.conflicts, ta.undecided) == (4, 1, 1, 1, 1)
    assert (ft.candidates, ft.included, ft.excluded, ft.undecided) == (1, 1, 0, 0)
    assert derive(data).fulltext_excluded_by_reason == {}


def test_derived_exclusion_reasons() -> None:
    data = small_review()
    decisions = (
        *(d for d in data.decisions if d.stage != "full_text"),
        m.Decision("r1", "full_text", "anna", "exclude", reason="Feil design", sequence=6),
        m.Decision("r1", "full_text", "bo", "exclude", reason="Feil populasjon", sequence=7),
        m.Decision(
            "r1", "full_text", "cai", "exclude", reason="Feil design", consensus=True, sequence=8
        ),
    )
    p = derive(m.replace(data, decisions=decisions))
    assert (p.fulltext_assessed, p.fulltext_excluded) == (1, 1)
    assert p.fulltext_excluded_by_reason == {"Feil design": 1}


NIPH = m.PrismaCounts(
    identified_databases=7175,
    identified_other=11,
    screened=7186,
    excluded_screening=6985,
    fulltext_assessed=201,
    fulltext_excluded=163,
    studies_included=20,
    reports_included=25,
    systematic_reviews_included=13,
)


def test_consistent_counts_pass() -> None:
    assert check(NIPH) == []


def test_each_broken_identity_is_flagged() -> None:
    cases = {
        "identified": m.replace(NIPH, identified_other=12),
        "screening": m.replace(NIPH, excluded_screening=6986),
        "full_text": m.replace(NIPH, fulltext_excluded=162),
        "exclusion_reasons": m.replace(
            NIPH, fulltext_excluded_by_reason={"a": 35, "b": 6, "c": 121}
        ),
        "studies_reports": m.replace(NIPH, studies_included=26, reports_included=25),
    }
    for name, counts_ in cases.items():
        flagged = [f.check for f in check(counts_)]
        assert name in flagged, (name, flagged)
    broken = check(m.replace(NIPH, fulltext_excluded=162))
    full_text = next(f for f in broken if f.check == "full_text")
    assert (full_text.expected, full_text.found) == (39, 38)


def test_duplicates_enter_the_identity() -> None:
    assert check(m.replace(NIPH, identified_databases=7200, duplicates_removed=25)) == []
    assert [f.check for f in check(m.replace(NIPH, duplicates_removed=5))] == ["identified"]


def test_counts_are_compared_with_the_lists() -> None:
    data = small_review()
    recorded = m.replace(data.prisma, studies_included=2, fulltext_excluded=3)
    flagged = {f.check for f in check(recorded, data)}
    assert {"studies_listed", "exclusions_listed"} <= flagged
    assert "reports_listed" not in flagged
