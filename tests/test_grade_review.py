"""GRADE inside a review: suggestions logged beside judgements, a judgement's history,
Summary-of-Findings tables rebuilt from the example review's own numbers beside
what the seed printed, and the audit that finds the seed's slips — on SQLite and
PostgreSQL — and the ``sysreview grade|sof|audit|swim`` commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from sysreview import DataError, Review
from sysreview.bundle import read_bundle, write_bundle
from sysreview.cli import main


@pytest.fixture
def example(tmp_path: Path, db_url: str, example_bundle: Path) -> Review:
    review = Review.init(tmp_path / "rev", database=db_url)
    review.load(example_bundle, replace=True)
    return review


def test_suggestions_are_logged_once_and_judgements_stay_the_reviewers(example: Review) -> None:
    with example as review:
        before = {a.id: a for a in review.data().certainty}
        found = review.grade_suggest("tabell-6-1", lang="en")
        imprecision = next(s for s in found["tabell-6-1"] if s.domain == "imprecision")
        # RR 1.04 (0.86-1.25) at 59 per 100: -83 to +147 per 1000 crosses the null
        assert imprecision.level == "serious"
        assert "(-83 to 147 per 1,000) crosses the null" in imprecision.reason
        data = review.data()
        assert {a.id: a for a in data.certainty} == before  # nothing judged
        logged = [j for j in data.grade_log if j.assessment == "tabell-6-1"]
        assert len(logged) == 8 and {j.source for j in logged} == {"suggestion"}
        # the same suggestions again are not logged twice
        review.grade_suggest("tabell-6-1", lang="en")
        assert len(review.data().grade_log) == 8


def test_a_judgement_changes_the_certainty_and_keeps_who_and_why(example: Review) -> None:
    with example as review:
        change = review.grade_set(
            "tabell-6-2",
            "imprecision",
            "serious",
            reviewer="kari",
            footnote="Konfidensintervallet omfatter både 10 færre og 3 flere per 100",
        )
        assert (change.before, change.after) == ("moderate", "low")
        data = review.data()
        a = next(a for a in data.certainty if a.id == "tabell-6-2")
        assert (a.certainty, a.imprecision.level) == ("low", "serious")
        row = next(r for t in data.sof_tables for r in t.rows if r.id == "tabell-6-2")
        assert row.certainty == "low"
        last = data.grade_log[-1]
        assert (last.author, last.source, last.domain, last.level) == (
            "kari",
            "reviewer",
            "imprecision",
            "serious",
        )
        assert last.decided_at is not None
        # the rebuilt table numbers the new footnote
        table = review.summary_of_findings(lang="nb", table="tabell-6")[0]
        assert "Konfidensintervallet omfatter både 10 færre og 3 flere per 100" in (
            table.footnotes.values()
        )
        built = next(r for r in table.rows if r.recorded.id == "tabell-6-2")
        assert built.certainty == "low" and built.statement is not None
        assert built.statement.startswith("Det er muligens")


def test_bad_judgements_change_nothing(example: Review) -> None:
    with example as review:
        before = review.data()
        with pytest.raises(DataError, match="needs a footnote"):
            review.grade_set("tabell-6-2", "indirectness", "serious", reviewer="kari")
        with pytest.raises(DataError, match="extremely_serious is for imprecision only"):
            review.grade_set(
                "tabell-6-2", "risk_of_bias", "extremely_serious", reviewer="kari", footnote="x"
            )
        with pytest.raises(DataError, match="no certainty assessment 'nope'"):
            review.grade_set("nope", "imprecision", "serious", reviewer="kari", footnote="x")
        assert review.data() == before


def test_sof_tables_are_rebuilt_from_the_example_and_match_the_seed_where_it_is_right(
    example: Review,
) -> None:
    with example as review:
        tables = {t.recorded.id: t for t in review.summary_of_findings(lang="nb")}
    assert len(tables) == len(read_bundle(Path("examples/niph-rehab")).sof_tables)
    row = tables["tabell-4"].rows[0]
    assert row.relative == "RR 1,01 (0,70 til 1,48)"
    a = row.absolute[0]
    assert (a.control, a.intervention) == ("72 per 100", "73 per 100 (50 til 100)")
    assert a.difference == "1 flere per 100 (fra 22 færre til 28 flere)"
    assert row.participants == "321 deltakere (3 RCTer)"
    assert row.certainty == "very_low" and row.footnotes == (1, 2, 3)
    assert row.statement == (
        "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og "
        "vanlig praksis i retur til arbeid ved 12 mnd."
    )
    # tabell 6 as the issue computes it: RR 1.04 (0.86-1.25) at 59 per 100
    six = tables["tabell-6"].rows
    assert six[0].absolute[0].difference == "2 flere per 100 (fra 8 færre til 15 flere)"
    assert six[0].absolute[0].intervention == "61 per 100 (51 til 74)"  # as the seed printed
    assert six[1].certainty == "moderate"
    # the seed's key message for 24 months, word for word (its line 26-28)
    assert six[1].statement == (
        "Det er trolig ingen forskjell mellom tverrfaglig rehabilitering og annet tiltak "
        "i retur til arbeid ved 24 måneder."
    )
    # footnotes are numbered per table as the seed numbers them
    assert (
        tables["tabell-6"].footnotes
        == read_bundle(Path("examples/niph-rehab")).sof_tables[2].footnotes
    )


def test_the_audit_reports_the_seed_slips_with_recorded_and_computed_values(
    example: Review,
) -> None:
    with example as review:
        found = review.audit()
    by = {(d.where.split(":")[1], d.what): d for d in found}
    upper = by[("tabell-4/tabell-4-1.risk_intervention_text", "intervention risk upper limit")]
    assert (upper.recorded.split()[0], upper.computed) == ("107", "100 per 100")
    assert "impossible" in upper.note
    for row, lb, ub in (
        ("tabell-4/tabell-4-1", -22, 28),
        ("tabell-6/tabell-6-1", -8, 15),
        ("tabell-6/tabell-6-2", -10, 3),
    ):
        low = by[(f"{row}.difference_text", "difference lower limit")]
        high = by[(f"{row}.difference_text", "difference upper limit")]
        assert (low.computed, high.computed) == (f"{lb:+d} per 100", f"{ub:+d} per 100")
        assert "against a risk of 100 %" in low.note
    point = by[("tabell-6/tabell-6-1.difference_text", "difference")]
    assert (point.recorded.split()[0], point.computed) == ("+3", "+2 per 100")
    # the observed risk printed where the HR's anticipated risk belongs
    hr = by[("tabell-16/tabell-16-3.risk_intervention_text", "intervention risk")]
    assert hr.computed == "80 per 100"
    # and the PRISMA arithmetic
    assert any(d.where.startswith("prisma.yaml") for d in found)
    # nothing the seed got right is reported
    assert not any(
        "tabell-4-1.risk_intervention_text" in d.where and d.what == "intervention risk"
        for d in found
    )
    assert not any(d.where.startswith("certainty.yaml") for d in found)


def test_the_audit_finds_a_certainty_that_does_not_follow_and_a_missing_footnote(
    tmp_path: Path, example_bundle: Path
) -> None:
    from dataclasses import replace

    data = read_bundle(example_bundle)
    certainty = tuple(
        replace(a, certainty="low") if a.id == "tabell-4-1" else a for a in data.certainty
    )
    tables = tuple(
        replace(
            t,
            rows=tuple(replace(r, footnotes=(1, 2)) if r.id == "tabell-4-1" else r for r in t.rows),
        )
        for t in data.sof_tables
    )
    write_bundle(replace(data, certainty=certainty, sof_tables=tables), tmp_path / "b")
    with Review.init(tmp_path / "rev") as review:
        review.load(tmp_path / "b")
        found = {(d.where, d.what): d for d in review.audit()}
    wrong = found[("certainty.yaml:tabell-4-1.certainty", "certainty")]
    assert (wrong.recorded, wrong.computed) == ("low", "very_low")
    missing = found[("sof.yaml:tabell-4/tabell-4-1.footnotes", "footnote for imprecision")]
    assert missing.computed == "Upresise effektestimater, brede konfidensintervall"


def test_commands(tmp_path: Path, example_bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rev = str(tmp_path / "rev")
    assert main(["init", rev]) == 0
    assert main(["--review", rev, "load", str(example_bundle), "--replace"]) == 0
    capsys.readouterr()

    assert main(["--review", rev, "grade", "suggest", "tabell-4-1", "--json"]) == 0
    suggested = json.loads(capsys.readouterr().out)["tabell-4-1"]
    assert [s["domain"] for s in suggested][:2] == ["risk_of_bias", "inconsistency"]
    assert suggested[0]["judgement"] == "very_serious"

    assert (
        main(
            [
                "--review",
                rev,
                "grade",
                "set",
                "tabell-6-2",
                "imprecision",
                "serious",
                "--footnote",
                "Brede KI",
                "--reviewer",
                "kari",
            ]
        )
        == 0
    )
    assert "certainty moderate -> low" in capsys.readouterr().out
    assert main(["--review", rev, "grade", "show", "tabell-6-2", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)[0]
    assert shown["certainty"] == "low" and shown["symbols"] == "⨁⨁◯◯"
    assert shown["history"][-1]["author"] == "kari"
    assert main(["--review", rev, "grade", "show", "tabell-6-2", "--lang", "nb"]) == 0
    assert "⨁⨁◯◯ Lav" in capsys.readouterr().out
    assert main(["--review", rev, "grade", "set", "tabell-6-2", "imprecision", "huge"]) == 65
    assert "not one of" in capsys.readouterr().err

    assert main(["--review", rev, "sof", "tabell-4", "--lang", "nb", "--compare"]) == 0
    text = capsys.readouterr().out
    assert "73 per 100 (50 til 100)" in text and "≠ registrert: 73 per 100 personer" in text
    assert main(["--review", rev, "sof", "--format", "csv", "--per", "1000"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    first = next(r for r in rows if r["row"] == "tabell-4-1")
    assert first["per"] == "1000" and first["intervention"].startswith("727 per 1,000")
    assert main(["--review", rev, "sof", "tabell-6", "--format", "json", "--nnt"]) == 0
    table = json.loads(capsys.readouterr().out)[0]
    assert table["rows"][0]["absolute"][0]["nnt"] == 43  # 100 / 2.36 rounded up
    assert main(["--review", rev, "sof", "--profile"]) == 0
    profile = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert profile[0]["risk_of_bias"] == "very_serious" and profile[0]["design"].startswith("rct")
    assert main(["--review", rev, "sof", "nope"]) == 65

    assert main(["--review", rev, "audit"]) == 0
    out = capsys.readouterr().out
    assert "recorded 107" in out and "discrepancies" in out
    assert main(["--review", rev, "audit", "--strict"]) == 1
    capsys.readouterr()
    assert main(["--review", rev, "audit", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) >= 9

    assert main(["--review", rev, "swim", "--comparison", "TR vs. vanlig praksis"]) == 0
    assert "Retur til arbeid:" in capsys.readouterr().out
    assert main(["--review", rev, "swim", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["votes"][0]["studies"] == 20
