"""RevMan 5 files through the facade and the command line, on SQLite and PostgreSQL:
an import is one transaction, and what was written reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview import Review, revman
from sysreview.bundle import write_bundle
from sysreview.errors import DataError, ParseError

from ..cli_runner import cli_on
from .test_rm5 import ASPIRIN, fleiss


def test_export_then_import_into_another_review(tmp_path: Path, db_url: str) -> None:
    write_bundle(fleiss(), tmp_path / "fleiss")
    with Review.init(tmp_path / "a") as source:  # SQLite; the copy goes to db_url
        source.load(tmp_path / "fleiss")
        written = source.export_revman(tmp_path / "fleiss.rm5")
        table = source.export_revman(tmp_path / "fleiss.csv")
    assert written.analyses == table.analyses == ("death", "mh")
    assert (tmp_path / "fleiss.csv").read_text(encoding="utf-8") == revman.analyses_table(
        fleiss()
    ).text
    with Review.init(tmp_path / "b", database=db_url) as target:
        read = target.import_revman(tmp_path / "fleiss.rm5")
        data = target.data()
    assert data == read.data
    assert len(data.studies) == len(ASPIRIN) + 5
    assert len(data.outcome_data) == len(ASPIRIN) + 5


def test_an_import_that_fails_changes_nothing(tmp_path: Path, db_url: str) -> None:
    review = Review.init(tmp_path / "rev", database=db_url)
    with review:
        before = review.data()
        bad = tmp_path / "bad.rm5"
        text = (
            '<?xml version="1.0"?>\n<COCHRANE_REVIEW>\n<STUDIES_AND_REFERENCES><STUDIES>'
            '<INCLUDED_STUDIES><STUDY ID="STD-A" NAME="A" YEAR="1990"/></INCLUDED_STUDIES>'
            '</STUDIES></STUDIES_AND_REFERENCES>\n<ANALYSES_AND_DATA><COMPARISON ID="C">'
            '<DICH_OUTCOME ID="C.1" EFFECT_MEASURE="RR">\n'
            '<DICH_DATA STUDY_ID="STD-A" EVENTS_1="x" EVENTS_2="1" TOTAL_1="9" TOTAL_2="9"/>'
            "</DICH_OUTCOME></COMPARISON></ANALYSES_AND_DATA>\n</COCHRANE_REVIEW>\n"
        )
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ParseError, match="EVENTS_1 'x' is not a number") as caught:
            review.import_revman(bad)
        assert caught.value.line == 5
        assert review.data() == before
        # a review that holds data is not overwritten without --replace
        write_bundle(fleiss(), tmp_path / "fleiss")
        review.load(tmp_path / "fleiss")
        review.export_revman(tmp_path / "fleiss.rm5")
        with pytest.raises(DataError, match="already holds data"):
            review.import_revman(tmp_path / "fleiss.rm5")


def test_the_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], example_bundle: Path
) -> None:
    Review.init(tmp_path / "niph").close()
    run = cli_on(tmp_path / "niph", capsys)
    assert run("load", str(example_bundle))[0] == 0
    code, out, err = run("revman", "export", str(tmp_path / "niph.rm5"))
    assert code == 0, err
    assert out.startswith(f"wrote {tmp_path / 'niph.rm5'}: 0 analyses\n")
    assert "  left out tr-vs-annet-rtw-12mnd: the review does not list the analysis' studies" in out
    code, out, err = run("revman", "export", str(tmp_path / "analyses.csv"))
    assert code == 0 and out.startswith(f"wrote {tmp_path / 'analyses.csv'}: 0 analyses")
    rows = (tmp_path / "analyses.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == ",".join(revman.COLUMNS)
    # the example's analyses have no arm-level data: its comparisons, with no outcomes
    assert [r.split(",")[:3] for r in rows[1:]] == [[str(n), "0", "0"] for n in range(1, len(rows))]
    Review.init(tmp_path / "copy").close()
    run = cli_on(tmp_path / "copy", capsys)
    code, out, err = run("revman", "import", str(tmp_path / "niph.rm5"))
    assert code == 0, err
    assert out.startswith(
        f"read {tmp_path / 'niph.rm5'}: 20 studies, 75 excluded studies, 140 risk-of-bias"
    )
    code, out, err = run("revman", "import", str(tmp_path / "niph.rm5"))
    assert code != 0 and "already holds data" in err
    assert run("revman", "import", "--replace", str(tmp_path / "niph.rm5"))[0] == 0
    (tmp_path / "junk.rm5").write_text("<COCHRANE_REVIEW>\n<oops>\n", encoding="utf-8")
    code, out, err = run("revman", "import", "--replace", str(tmp_path / "junk.rm5"))
    assert code != 0 and f"{tmp_path / 'junk.rm5'}:3" in err and "not well-formed XML" in err


def test_from_a_revman_file_to_a_summary_of_findings_without_retyping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    revman.write_rm5(fleiss(), tmp_path / "fleiss.rm5")
    Review.init(tmp_path / "rev").close()
    run = cli_on(tmp_path / "rev", capsys)
    assert run("revman", "import", str(tmp_path / "fleiss.rm5"))[0] == 0
    code, out, err = run("grade", "start", "--reviewer", "ann")
    assert code == 0, err
    assert "cmp-001-01: starts high (rct); a row in sof-cmp-001" in out
    code, out, err = run("grade", "start", "--reviewer", "ann")
    assert code == 0 and "nothing to start: every analysis has an assessment already" in out
    code, out, err = run("grade", "start", "nope", "--reviewer", "ann")
    assert code != 0 and "no analysis 'nope'" in err
    code, out, err = run("sof")
    assert code == 0, err
    assert "Relative effect (95 % CI): OR 0.90 (0.84 to 0.96) [recomputed from the studies]" in out
    assert "Participants (studies): 28003 (7 RCTs)" in out
