"""The bundle: canonical round trip, and errors that name file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview import DanglingReference, ParseError, read_bundle, write_bundle
from sysreview.bundle import FILES, render_bundle

from .factories import small_review


def test_round_trip_is_identity_and_canonical(tmp_path: Path) -> None:
    data = small_review()
    write_bundle(data, tmp_path)
    assert read_bundle(tmp_path) == data
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    write_bundle(read_bundle(tmp_path), tmp_path / "again")
    assert {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir()} == first


def test_every_file_is_written_even_when_empty(tmp_path: Path) -> None:
    write_bundle(small_review().__class__(review=small_review().review), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in FILES)
    assert (tmp_path / "records.csv").read_text().startswith("id,search,source_file,")
    assert (tmp_path / "studies.yaml").read_text() == "[]\n"
    assert (tmp_path / "prisma.yaml").read_text() == "{}\n"


def test_multiline_text_is_a_literal_block_and_unicode_is_kept() -> None:
    text = render_bundle(small_review())
    assert "strategy: |-\n    1 sick leave.ti. (1120)\n    2 or/1 (1120)\n" in text["searches.yaml"]
    assert "Ørn" in text["review.yaml"]
    assert text["review.yaml"].startswith("sysreview_bundle: 1\n")


def _written(tmp_path: Path) -> Path:
    write_bundle(small_review(), tmp_path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(
        bundle / "studies.yaml", "  participants: 168\n", "  participants: 168\n  partcipants: 3\n"
    )
    with pytest.raises(ParseError) as err:
        read_bundle(bundle)
    assert err.value.path == str(bundle / "studies.yaml")
    assert err.value.field == "partcipants"
    line = (bundle / "studies.yaml").read_text().splitlines().index("  partcipants: 3") + 1
    assert err.value.line == line
    assert str(err.value).startswith(f"{bundle / 'studies.yaml'}:{line}: field 'partcipants'")


def test_value_outside_vocabulary_is_named(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(bundle / "certainty.yaml", "certainty: very_low", "certainty: svært lav")
    with pytest.raises(ParseError, match="not one of: high, moderate, low, very_low") as err:
        read_bundle(bundle)
    lines = (bundle / "certainty.yaml").read_text().splitlines()
    assert err.value.field == "certainty"
    assert lines[err.value.line - 1] == "  certainty: svært lav"


def test_nested_field_error_points_at_its_line(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(bundle / "certainty.yaml", "level: serious", "level: grave")
    with pytest.raises(ParseError) as err:
        read_bundle(bundle)
    assert err.value.field == "inconsistency.level"
    lines = (bundle / "certainty.yaml").read_text().splitlines()
    assert lines[err.value.line - 1].strip() == "level: grave"


def test_dangling_reference_is_named(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(bundle / "reports.yaml", "  study: smith2018", "  study: smith2019")
    with pytest.raises(DanglingReference, match="'smith2019' is not the id of any Study") as err:
        read_bundle(bundle)
    assert err.value.path == str(bundle / "reports.yaml") and err.value.field == "study"
    assert err.value.line == 2


def test_dangling_reference_in_csv_names_the_row(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(bundle / "risk_of_bias.csv", "smith2018,rob1,allocation", "nobody,rob1,allocation")
    with pytest.raises(DanglingReference) as err:
        read_bundle(bundle)
    assert (err.value.line, err.value.field) == (3, "study")


def test_duplicate_id_is_refused(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(bundle / "notes.yaml", "- id: n1", "- id: n1\n  subject: a\n  text: b\n- id: n1")
    with pytest.raises(ParseError, match="duplicate id 'n1'"):
        read_bundle(bundle)


def test_bad_csv_number_names_row_and_column(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(bundle / "outcome_data.csv", ",1.5,1.08,", ",1,5,1.08,")
    with pytest.raises(ParseError) as err:
        read_bundle(bundle)
    assert err.value.line == 2 and "cells" in err.value.reason
    _edit(bundle / "outcome_data.csv", ",1,5,1.08,", ",1·5,1.08,")
    with pytest.raises(ParseError) as err:
        read_bundle(bundle)
    assert (err.value.line, err.value.field) == (2, "estimate")


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    (bundle / "analyses.yaml").write_text("- id: a\n  comparison: [unclosed\n", encoding="utf-8")
    with pytest.raises(ParseError, match="not valid YAML") as err:
        read_bundle(bundle)
    assert err.value.path == str(bundle / "analyses.yaml") and err.value.line is not None


def test_missing_required_field(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(bundle / "exclusions.yaml", "  reason: Feil design\n", "")
    with pytest.raises(ParseError, match="Exclusion needs a value here") as err:
        read_bundle(bundle)
    assert err.value.field == "reason" and err.value.line == 1


def test_wrong_format_version(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    _edit(bundle / "review.yaml", "sysreview_bundle: 1", "sysreview_bundle: 2")
    with pytest.raises(ParseError, match="bundle format 2") as err:
        read_bundle(bundle)
    assert err.value.line == 1


def test_dates_stay_text(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    assert "date: '2020-05-04'" in (bundle / "searches.yaml").read_text()
    _edit(bundle / "searches.yaml", "date: '2020-05-04'", "date: 2020-05-04")
    assert read_bundle(bundle).searches[0].date == "2020-05-04"


def test_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="not a sysreview bundle"):
        read_bundle(tmp_path)


def test_rob2_answers_that_do_not_fit_name_the_row_and_field(tmp_path: Path) -> None:
    bundle = _written(tmp_path)
    path = bundle / "risk_of_bias.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    # a RoB 2 row whose answers say "not concealed" (high) but is judged low, no reason
    rows.append("smith2018,rob2,randomisation_process,low,,,ann,false,1.1=Y 1.2=N 1.3=N,,")
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(ParseError, match="proposes 'high'") as err:
        read_bundle(bundle)
    assert (err.value.line, err.value.field) == (len(rows) + 1, "judgement")
    _edit(path, "1.1=Y 1.2=N 1.3=N", "1.1=Y 1.2=X 1.3=N")
    with pytest.raises(ParseError, match="X") as err:
        read_bundle(bundle)
    assert (err.value.line, err.value.field) == (len(rows) + 1, "answers")
    _edit(path, "1.1=Y 1.2=X 1.3=N", "1.1=Y 1.2=Y 1.3=N")
    assert read_bundle(bundle).risk_of_bias[-1].answers == "1.1=Y 1.2=Y 1.3=N"
