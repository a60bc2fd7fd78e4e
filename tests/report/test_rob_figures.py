"""Risk-of-bias figures (``sysreview.report.figures.rob``): the traffic-light table and
the summary shares, as robvis (McGuinness & Higgins 2021) draws them.

Oracles: the example review's RoB 1 judgements (``examples/niph-rehab/
risk_of_bias.csv``, read here line by line), overall judgements derived by hand from
the rule (high if any domain is high, else unclear if any is unclear, else low), and
shares counted by hand from the CSV; constructed RoB 2 and ROBINS-I inputs with their
overall judgements and (weighted) shares worked out below.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sysreview.appraisal import rob1
from sysreview.errors import DataError
from sysreview.model import ReviewData, RobAssessment
from sysreview.report.figures.rob import (
    ROB2_DOMAINS,
    ROBINS_I_DOMAINS,
    RobSummary,
    RobTable,
    derive_overall,
    draw_summary,
    draw_traffic_light,
    rob_summary,
    rob_table,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "niph-rehab"


@pytest.fixture(scope="module")
def table(data: ReviewData, labels: dict[str, str]) -> RobTable:
    return rob_table(data.risk_of_bias, tool="rob1", study_labels=labels)


def csv_rows() -> list[dict[str, str]]:
    with (EXAMPLE / "risk_of_bias.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def svg_text(path: Path) -> str:
    """Every text of an SVG, in document order, whitespace normalised."""
    root = ET.parse(path).getroot()
    texts = [" ".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]
    return " ".join(" ".join(texts).split())


def ra(study: str, tool: str, domain: str, judgement: str, **kw: object) -> RobAssessment:
    return RobAssessment(study, tool, domain, judgement, **kw)  # type: ignore[arg-type]


# --- the example's RoB 1 table ---------------------------------------------------


def test_example_table_shape(table: RobTable) -> None:
    assert table.tool == "rob1"
    assert len(table.studies) == 20
    assert table.domains == rob1.DOMAIN_CODES
    assert len(table.domains) == 7
    assert table.domain_labels == ("A", "B", "C", "D", "E", "F", "G")
    assert table.legend == tuple(d.name_en for d in rob1.DOMAINS)
    assert all(len(row) == 7 for row in table.cells)
    assert len(table.overall) == 20
    # labels from the studies, in the CSV's order
    assert table.studies[0] == "Aasdahl 2018/Gismervik 2020"
    assert table.ids[0] == "aasdahl2018"
    assert "Netterstrøm 2013" in table.studies
    # the example records no overall judgement: every one is derived
    assert all(table.overall_derived)


def test_every_cell_matches_the_csv(table: RobTable) -> None:
    rows = csv_rows()
    assert len(rows) == 140  # 20 studies x 7 domains
    for row in rows:
        i = table.ids.index(row["study"])
        j = table.domains.index(row["domain"])
        assert table.cells[i][j] == row["judgement"], row


def test_some_cells_by_hand(table: RobTable) -> None:
    # risk_of_bias.csv lines 2-8 (aasdahl2018) and the brouwers2006 rows
    assert table.cell("aasdahl2018", "random_sequence_generation") == "unclear"
    assert table.cell("aasdahl2018", "blinding_participants_personnel") == "high"
    assert table.cell("aasdahl2018", "blinding_outcome_assessment") == "low"
    assert table.cell("Brouwers 2006", "D") == "high"  # by label and heading
    assert table.cell("brouwers2006", "selective_reporting") == "unclear"
    assert table.cell("marhold2001", "blinding_participants_personnel") == "unclear"
    with pytest.raises(DataError):
        table.cell("nobody", "A")


def test_derived_overall_by_hand(table: RobTable) -> None:
    # aasdahl2018: unclear, unclear, high, low, low, low, low -> high
    assert table.cell("aasdahl2018", "overall") == "high"
    # marhold2001: unclear, unclear, unclear, low, low, low, low -> unclear
    assert table.cell("marhold2001", "overall") == "unclear"
    # hees2013: low, low, high, low, low, low, low -> high
    assert table.cell("hees2013", "overall") == "high"
    # every study but Marhold has blinding of participants judged high
    assert table.overall.count("high") == 19
    assert table.overall.count("unclear") == 1


def test_unweighted_summary_by_hand(table: RobTable) -> None:
    summary = rob_summary(table)
    assert isinstance(summary, RobSummary)
    assert not summary.weighted
    assert summary.domains == (*rob1.DOMAIN_CODES, "overall")
    assert summary.labels[-1] == "Overall risk of bias"
    assert summary.counts == (20,) * 8
    # random sequence generation: 14 low, 5 unclear, 1 high of 20
    assert summary.shares[0] == pytest.approx(
        {"low": 0.70, "unclear": 0.25, "high": 0.05, "no_information": 0.0}
    )
    # blinding of participants: 19 high, 1 unclear
    assert summary.shares[2]["high"] == pytest.approx(0.95)
    assert summary.shares[2]["unclear"] == pytest.approx(0.05)
    # selective reporting: 15 low, 5 unclear
    assert summary.shares[5]["low"] == pytest.approx(0.75)
    assert summary.shares[-1] == pytest.approx(
        {"low": 0.0, "unclear": 0.05, "high": 0.95, "no_information": 0.0}
    )
    for shares in summary.shares:
        assert sum(shares.values()) == pytest.approx(1.0)


def test_weighted_summary_of_the_example(table: RobTable) -> None:
    # all the weight on Marhold 2001 (unclear in A, B, C; low in D-G; overall unclear)
    weights = {study: 0.0 for study in table.ids} | {"marhold2001": 10.0}
    summary = rob_summary(table, weights=weights)
    assert summary.weighted
    assert summary.shares[0]["unclear"] == pytest.approx(1.0)
    assert summary.shares[3]["low"] == pytest.approx(1.0)
    assert summary.shares[-1]["unclear"] == pytest.approx(1.0)


def test_the_table_draws_as_svg_and_png(table: RobTable, tmp_path: Path) -> None:
    svg = draw_traffic_light(table, tmp_path / "rob.svg")
    text = svg_text(svg)
    for label in table.studies:
        assert label in text
    for heading, name in zip(table.domain_labels, table.legend, strict=True):
        assert f"{heading}: {name}" in text
    assert "Risk of bias domains" in text
    # RoB 1 has no overall judgement: RevMan 5's figures show the domains alone
    assert "Overall" not in text
    assert "Low" in text and "Unclear" in text and "High" in text
    # symbols: one per cell, plus the key
    assert text.count("×") == sum(row.count("high") for row in table.cells) + 1
    png = draw_traffic_light(table, tmp_path / "rob.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = draw_traffic_light(table, tmp_path / "again.svg")
    assert again.read_bytes() == svg.read_bytes()  # reproducible


def test_the_summary_draws_as_svg_and_png(table: RobTable, tmp_path: Path) -> None:
    summary = rob_summary(table)
    text = svg_text(draw_summary(summary, tmp_path / "summary.svg"))
    for label in summary.labels[:-1]:
        assert label in text
    assert summary.labels[-1] == "Overall risk of bias" and "Overall" not in text  # RoB 1
    assert "Studies (%)" in text and "100 %" in text and "Judgement" in text
    weighted = rob_summary(table, weights={s: 1.0 for s in table.ids})
    assert "weighted" in svg_text(draw_summary(weighted, tmp_path / "weighted.svg"))
    png = draw_summary(summary, tmp_path / "summary.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="svg"):
        draw_summary(summary, tmp_path / "summary.gif")


def test_norwegian_labels(data: ReviewData, labels: dict[str, str], tmp_path: Path) -> None:
    table = rob_table(data.risk_of_bias, tool="rob1", study_labels=labels, lang="nb")
    assert table.legend == tuple(d.name_nb for d in rob1.DOMAINS)
    assert table.legend[0] == "Randomisering"
    assert table.legend[-1] == "Andre forhold som kan gi skjevheter"
    text = svg_text(draw_traffic_light(table, tmp_path / "nb.svg"))
    assert "A: Randomisering" in text and "E: Frafall" in text
    assert "Samlet" not in text and "Vurdering" in text
    assert "Lav" in text and "Uklar" in text and "Høy" in text
    summary = rob_summary(table)
    assert summary.labels[-1] == "Samlet risiko for skjevheter"
    text = svg_text(draw_summary(summary, tmp_path / "nb_summary.svg"))
    assert "Blinding av utfallsmål" in text and "Studier (%)" in text


# --- constructed RoB 2 and ROBINS-I ----------------------------------------------

ROB2 = [d.code for d in ROB2_DOMAINS]
ROBINS = [d.code for d in ROBINS_I_DOMAINS]


def rob2_input() -> list[RobAssessment]:
    a = ["low", "some_concerns", "low", "low", "low"]  # -> some concerns
    b = ["low"] * 5  # -> low
    c = ["low", "low", "high", "low", "some_concerns"]  # -> high
    d = ["some_concerns", "some_concerns", "low", "low", "low"]  # recorded overall: high
    out = []
    for study, js in (("a", a), ("b", b), ("c", c), ("d", d)):
        out += [ra(study, "rob2", code, j) for code, j in zip(ROB2, js, strict=True)]
    out.append(ra("d", "rob2", "overall", "high"))
    return out


def test_rob2_table() -> None:
    table = rob_table(rob2_input(), tool="rob2", study_labels={"a": "Alpha 2020"})
    assert table.domain_labels == ("D1", "D2", "D3", "D4", "D5")
    assert table.legend[0] == "Bias arising from the randomisation process"
    assert table.legend[-1] == "Bias in selection of the reported result"
    assert table.studies == ("Alpha 2020", "b", "c", "d")
    assert table.overall == ("some_concerns", "low", "high", "high")
    assert table.overall_derived == (True, True, True, False)
    assert table.cell("c", "D3") == "high"


def test_rob2_weighted_and_unweighted_shares_by_hand() -> None:
    table = rob_table(rob2_input(), tool="rob2")
    plain = rob_summary(table)
    # D2: a some concerns, b low, c low, d some concerns -> 2/4 each
    assert plain.shares[1] == pytest.approx(
        {"low": 0.5, "some_concerns": 0.5, "high": 0.0, "no_information": 0.0}
    )
    # overall: some concerns, low, high, high
    assert plain.shares[-1] == pytest.approx(
        {"low": 0.25, "some_concerns": 0.25, "high": 0.5, "no_information": 0.0}
    )
    # weights 50, 30, 20; d has none and is left out
    weighted = rob_summary(table, weights={"a": 50, "b": 30, "c": 20})
    assert weighted.counts[1] == 3
    # D2: a (50) some concerns; b (30), c (20) low -> 0.5 / 0.5
    assert weighted.shares[1]["some_concerns"] == pytest.approx(0.5)
    assert weighted.shares[1]["low"] == pytest.approx(0.5)
    # D5: c (20) some concerns, a and b low -> 0.2 / 0.8
    assert weighted.shares[4]["some_concerns"] == pytest.approx(0.2)
    assert weighted.shares[4]["low"] == pytest.approx(0.8)
    # overall: a some concerns 50, b low 30, c high 20
    assert weighted.shares[-1] == pytest.approx(
        {"low": 0.3, "some_concerns": 0.5, "high": 0.2, "no_information": 0.0}
    )
    with pytest.raises(DataError, match="weight"):
        rob_summary(table, weights={"a": -1.0})
    # no weight anywhere: empty bars, not an error (a report still draws its figures)
    empty = rob_summary(table, weights={"a": 0.0})
    assert all(sum(share.values()) == 0.0 for share in empty.shares)


def test_robins_i_table_and_shares(tmp_path: Path) -> None:
    studies = {
        "x": ["serious", "low", "moderate", "low", "low", "low", "low"],  # serious
        "y": ["moderate", "critical", "low", "low", "low", "low", "low"],  # critical
        "z": ["low", "moderate", "low", "no_information", "low", "low", "low"],  # no info
        "w": ["low", "moderate", "low", "low", "moderate", "low", "low"],  # moderate
    }
    # domains by heading (D1-D7) as well as by code
    found = [
        ra(s, "robins_i", f"D{k + 1}" if s == "w" else code, j)
        for s, js in studies.items()
        for k, (code, j) in enumerate(zip(ROBINS, js, strict=True))
    ]
    table = rob_table(found, tool="robins_i")
    assert table.domain_labels == tuple(f"D{i}" for i in range(1, 8))
    assert table.legend[0] == "Bias due to confounding"
    assert table.overall == ("serious", "critical", "no_information", "moderate")
    summary = rob_summary(table)
    assert summary.shares[0] == pytest.approx(
        {"low": 0.5, "moderate": 0.25, "serious": 0.25, "critical": 0.0, "no_information": 0.0}
    )
    assert summary.shares[-1] == pytest.approx(
        {"low": 0.0, "moderate": 0.25, "serious": 0.25, "critical": 0.25, "no_information": 0.25}
    )
    text = svg_text(draw_traffic_light(table, tmp_path / "robins.svg"))
    assert "Critical" in text and "No information" in text and "D7" in text
    assert "Overall" in text  # ROBINS-I judges a study overall: its figures show it
    assert "Overall risk of bias" in svg_text(draw_summary(summary, tmp_path / "robins.svg"))
    assert draw_summary(summary, tmp_path / "robins.png").stat().st_size > 0


def test_derive_overall_rules() -> None:
    assert derive_overall("rob1", ["low", "low"]) == "low"
    assert derive_overall("rob1", ["low", "unclear"]) == "unclear"
    assert derive_overall("rob1", ["unclear", "high"]) == "high"
    # a domain not assessed: only the worst judgement stands
    assert derive_overall("rob1", ["high", None]) == "high"
    assert derive_overall("rob1", ["low", None]) is None
    assert derive_overall("rob2", ["low", "some_concerns"]) == "some_concerns"
    assert derive_overall("rob2", ["low", "no_information"]) == "no_information"
    assert derive_overall("robins_i", ["moderate", "no_information"]) == "no_information"
    assert derive_overall("robins_i", ["serious", "no_information"]) == "serious"
    assert derive_overall("robins_i", ["serious", None]) is None
    assert derive_overall("robins_i", ["critical", None]) == "critical"
    assert derive_overall("rob1", [None, None]) is None


def test_outcome_rows_override_general_ones() -> None:
    rows = [
        ra("a", "rob2", "D1", "low"),
        ra("a", "rob2", "D4", "low"),
        ra("a", "rob2", "D4", "high", outcome="pain"),
        ra("a", "rob2", "D4", "some_concerns", outcome="rtw"),
        # not consensus, other tool: ignored
        ra("a", "rob2", "D1", "high", assessor="AB", consensus=False),
        ra("a", "rob1", "other_bias", "high"),
        ra("b", "rob2", "D1", "some_concerns", outcome="pain"),
    ]
    general = rob_table(rows, tool="rob2")
    assert general.ids == ("a",)
    assert general.cell("a", "D1") == "low"
    assert general.cell("a", "D4") == "low"
    assert general.cell("a", "D2") is None
    assert general.cell("a", "overall") is None  # three domains not assessed
    pain = rob_table(rows, tool="rob2", outcome="pain")
    assert pain.ids == ("a", "b")
    assert pain.cell("a", "D4") == "high"
    assert pain.cell("a", "overall") == "high"
    assert rob_table(rows, tool="rob2", outcome="rtw").cell("a", "D4") == "some_concerns"


def test_unassessed_cells_draw(tmp_path: Path) -> None:
    rows = [ra("a", "rob2", "D1", "low"), ra("b", "rob2", "D2", "high")]
    table = rob_table(rows, tool="rob2")
    text = svg_text(draw_traffic_light(table, tmp_path / "gaps.svg"))
    assert "not assessed" in text


def test_errors() -> None:
    with pytest.raises(DataError, match="unknown appraisal tool"):
        rob_table([], tool="rob3")
    with pytest.raises(DataError, match="AMSTAR 2 appraises systematic reviews"):
        rob_table([], tool="amstar2")
    with pytest.raises(DataError, match="no consensus"):
        rob_table([], tool="rob1")
    with pytest.raises(DataError, match="language"):
        rob_table(rob2_input(), tool="rob2", lang="de")
    with pytest.raises(DataError, match="unknown domain"):
        rob_table([ra("a", "rob2", "D6", "low")], tool="rob2")
    with pytest.raises(DataError, match="judgement 'unclear'"):
        rob_table([ra("a", "rob2", "D1", "unclear")], tool="rob2")
    with pytest.raises(DataError, match="two consensus judgements"):
        rob_table([ra("a", "rob2", "D1", "low"), ra("a", "rob2", "D1", "high")], tool="rob2")
    # the same judgement twice is no conflict
    same = [ra("a", "rob2", "D1", "low"), ra("a", "rob2", "D1", "low")]
    assert rob_table(same, tool="rob2").cell("a", "D1") == "low"


def test_importing_the_figures_does_not_import_matplotlib() -> None:
    code = (
        "import sys\n"
        "import sysreview.report.figures.rob, sysreview.report.figures.prisma_flow\n"
        "import sysreview.report.figures.effect_direction\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
