"""The bundled NIPH example: loads with its exact counts, and survives
bundle -> database -> bundle byte for byte on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sysreview import ReviewData, model, read_bundle
from sysreview.bundle import FILES, render_bundle
from sysreview.cli import main
from sysreview.prisma import check
from sysreview.store import Store


@pytest.fixture(scope="module")
def niph(example_bundle: Path) -> ReviewData:
    return read_bundle(example_bundle)


def test_the_bundle_is_canonical(example_bundle: Path, niph: ReviewData) -> None:
    on_disk = {f.name: (example_bundle / f.name).read_text(encoding="utf-8") for f in FILES}
    assert render_bundle(niph) == on_disk
    assert sorted(p.name for p in example_bundle.iterdir()) == sorted(on_disk)


def test_bundle_database_bundle_is_byte_identical(
    db_url: str, example_bundle: Path, niph: ReviewData
) -> None:
    store = Store.open(db_url)
    try:
        store.replace(niph)
        back = store.read()
    finally:
        store.dispose()
    assert back == niph
    for name, text in render_bundle(back).items():
        assert text.encode() == (example_bundle / name).read_bytes(), name


def test_counts_as_the_review_reports_them(niph: ReviewData) -> None:
    p = niph.prisma
    assert p is not None and p.basis == "recorded"
    assert (p.identified_databases, p.identified_other, p.screened) == (7175, 11, 7186)
    assert (p.excluded_screening, p.fulltext_assessed, p.fulltext_excluded) == (6985, 201, 163)
    assert (p.studies_included, p.reports_included, p.systematic_reviews_included) == (20, 25, 13)
    assert len(niph.studies) == 20 and all(s.status == "included" for s in niph.studies)
    assert len(niph.reports) == 25
    assert len(niph.systematic_reviews) == 13
    assert len(niph.protocol.comparisons) == 10
    assert len(niph.sof_tables) == 12
    assert [t.number for t in niph.sof_tables] == [str(n) for n in (4, 5, 6, 7, *range(9, 17))]


def test_studies_reports_and_comparisons_agree(niph: ReviewData) -> None:
    reports = Counter(r.study for r in niph.reports)
    mains = Counter(r.study for r in niph.reports if r.main)
    assert all(reports[s.id] >= 1 and mains[s.id] == 1 for s in niph.studies)
    countries = Counter(c for s in niph.studies for c in s.countries)
    assert countries == {"Danmark": 7, "Nederland": 6, "Norge": 4, "Sverige": 3}
    for comparison in niph.protocol.comparisons:  # Tabell 2
        in_data = sum(1 for s in niph.studies if comparison.id in s.comparisons)
        assert in_data == comparison.reported_studies, comparison.id


def test_characteristics_are_keyed_by_column_not_by_publication(niph: ReviewData) -> None:
    """A second publication's row of Tabell 1 (Gismervik 2020, Momsen 2016) lives in
    the study's cells, each value after its publication's label, not under keys
    like ``gismervik2020_population``."""
    reports = {r.id for r in niph.reports}
    for study in niph.studies:
        for key in study.characteristics:
            assert key.split("_")[0] not in reports, (study.id, key)
    aasdahl = next(s for s in niph.studies if s.id == "aasdahl2018").characteristics
    assert aasdahl["age"] == "Aasdahl 2018: 45 (18-60) år; Gismervik 2020: 46 (18-60) år"


def test_english_fields_are_filled_where_the_model_has_them(niph: ReviewData) -> None:
    p = niph.protocol
    assert all(o.name_en for o in p.outcomes)
    assert all(c.name_en and c.intervention_en and c.comparator_en for c in p.comparisons)
    assert all(c.heading_en for c in p.criteria)
    assert all(e.reason_en for e in niph.exclusions)
    labels = [r.label_en for t in niph.sof_tables for r in t.rows]
    assert all(labels) and not any(" ved " in (label or "") for label in labels)


def test_risk_of_bias_for_every_study_and_domain(niph: ReviewData) -> None:
    from sysreview.appraisal.rob1 import DOMAIN_CODES

    cells = Counter((a.study, a.domain) for a in niph.risk_of_bias)
    assert set(cells) == {(s.id, d) for s in niph.studies for d in DOMAIN_CODES}
    assert set(cells.values()) == {1}
    assert all(a.support for a in niph.risk_of_bias)


def _result(niph: ReviewData, study: str, measure: str, estimate: float) -> model.OutcomeData:
    rows = [
        o
        for o in niph.outcome_data
        if (o.study, o.measure, o.estimate) == (study, measure, estimate)
    ]
    assert len(rows) == 1, (study, measure, estimate, rows)
    return rows[0]


def test_effect_estimates_the_text_states(niph: ReviewData) -> None:
    gismervik = _result(niph, "aasdahl2018", "RR", 1.5)
    assert (gismervik.ci_lb, gismervik.ci_ub, gismervik.report) == (1.08, 2.08, "gismervik2020")
    kommune1 = _result(niph, "poulsen2014", "HR", 1.12)
    kommune3 = _result(niph, "poulsen2014", "HR", 0.8)
    assert (kommune1.ci_lb, kommune1.ci_ub, kommune3.ci_lb, kommune3.ci_ub) == (
        0.97,
        1.29,
        0.63,
        1.03,
    )
    assert kommune1.group != kommune3.group
    lambeek = next(o for o in niph.outcome_data if o.study == "lambeek2010" and o.median_1 == 82)
    assert (lambeek.q1_1, lambeek.q3_1, lambeek.median_2, lambeek.q1_2, lambeek.q3_2) == (
        51,
        164,
        175,
        91,
        365,
    )
    assert lambeek.p == 0.003


def test_per_study_counts_behind_the_forest_plots_are_absent(niph: ReviewData) -> None:
    """Figures 3 and 4 are images: the text has their pooled results, not their rows."""
    figure_3 = next(a for a in niph.analyses if a.figure == "Figur 3")
    assert figure_3.reported == model.PooledResult(
        estimate=1.01, ci_lb=0.7, ci_ub=1.48, participants=321, studies=3
    )
    pooled_rtw = {(o.study, o.timepoint) for o in niph.outcome_data if o.data_type == "dichotomous"}
    assert pooled_rtw == set()


def test_sof_rows_and_their_grade_assessments(niph: ReviewData) -> None:
    first = niph.sof_tables[0].rows[0]
    assert (first.measure, first.estimate, first.ci_lb, first.ci_ub) == ("RR", 1.01, 0.7, 1.48)
    assert (first.participants, first.studies, first.certainty, first.footnotes) == (
        321,
        3,
        "very_low",
        (1, 2, 3),
    )
    assessments = {a.id: a for a in niph.certainty}
    levels = {"not_serious": 0, "serious": 1, "very_serious": 2, "extremely_serious": 3}
    ladder = ["very_low", "low", "moderate", "high"]
    for table in niph.sof_tables:
        for row in table.rows:
            a = assessments[row.assessment or ""]
            assert a.certainty == row.certainty and a.comparison == table.comparison
            down = sum(
                levels[getattr(a, d).level]
                for d in (
                    "risk_of_bias",
                    "inconsistency",
                    "indirectness",
                    "imprecision",
                    "publication_bias",
                )
            )
            assert ladder[max(0, 3 - down)] == a.certainty, row.id
            for n in row.footnotes:
                assert n in table.footnotes, (row.id, n)


def test_prisma_checks_flag_what_the_source_gets_wrong(niph: ReviewData) -> None:
    """The figure adds up; the appendix lists 35 + 6 + 121 = 162 exclusions, and only
    75 of them survive in the text (the pages between Durand and Vlasveld are missing)."""
    assert niph.prisma is not None
    found = {(f.check, f.expected, f.found) for f in check(niph.prisma, niph)}
    assert found == {
        ("exclusion_reasons", 163, 162),
        ("exclusions_listed", 163, len(niph.exclusions)),
    }
    assert check(niph.prisma) == [f for f in check(niph.prisma) if f.check == "exclusion_reasons"]
    notes = " ".join(n.text for n in niph.notes)
    assert "162" in notes and "200" in notes


def test_status_json_on_the_demo_review(
    tmp_path: Path, db_url: str, example_bundle: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI on a review whose settings name the database (SQLite file or PostgreSQL)."""
    review = tmp_path / "demo"
    assert main(["init", str(review), "--database", db_url]) == 0
    assert main(["--review", str(review), "load", str(example_bundle), "--replace"]) == 0
    capsys.readouterr()
    assert main(["--review", str(review), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["records_identified"] == 7186
    assert status["records_screened"] == 7186
    assert status["fulltexts_assessed"] == 201
    assert status["fulltexts_excluded"] == 163
    assert (status["studies"], status["reports"], status["systematic_reviews"]) == (20, 25, 13)
    assert status["prisma_basis"] == "recorded"
    assert status["stages"]["title_abstract"]["decisions"] == 0
    assert {c["check"] for c in status["checks"]} == {"exclusion_reasons", "exclusions_listed"}


def test_export_from_the_cli_reproduces_the_bundle(
    tmp_path: Path, db_url: str, example_bundle: Path
) -> None:
    review, out = tmp_path / "demo", tmp_path / "out"
    assert main(["init", str(review), "--database", db_url]) == 0
    assert main(["--review", str(review), "load", str(example_bundle), "--replace"]) == 0
    assert main(["--review", str(review), "export", str(out)]) == 0
    for f in FILES:
        assert (out / f.name).read_bytes() == (example_bundle / f.name).read_bytes(), f.name
