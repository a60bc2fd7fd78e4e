"""The effect-direction plot (``sysreview.report.figures.effect_direction``), after
Boon & Thomson (Res Synth Methods 2021;12:29-33) with arrow sizes by sample size as
Thomson & Thomas (2013) band them (> 300, 50-300, < 50).

Oracle: the example review's Tabell 17 (``examples/niph-rehab/trends.yaml``) for the
comparison "TR vs. vanlig praksis", read by hand: Bültmann 2009 ▲ in all four domains,
Lambeek 2010 ▲ ◄► ▲ ▲, Martin 2013 ▼ (return to work only), Meijer 2006 ◄► ◄► ▲ ◄►,
Poulsen 2014 ◄► (return to work only); sample sizes from ``studies.yaml``
(Poulsen 1757: large; Meijer 34: small; the others medium).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sysreview.errors import DataError
from sysreview.grade import EffectDirectionPlot, effect_direction_plot
from sysreview.model import ReviewData
from sysreview.report.figures.effect_direction import (
    BAND_SIZES,
    draw_effect_direction,
    size_band,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "niph-rehab"
TR_UC = "TR vs. vanlig praksis"
SVG = "{http://www.w3.org/2000/svg}text"


@pytest.fixture(scope="module")
def plot(data: ReviewData) -> EffectDirectionPlot:
    sizes = {s.id: s.participants for s in data.studies if s.participants}
    return effect_direction_plot(data.trends, sample_sizes=sizes, comparison_label=TR_UC)


def texts(path: Path) -> list[tuple[str, str]]:
    """(text, style) of every text element of an SVG, in document order."""
    root = ET.parse(path).getroot()
    return [("".join(el.itertext()), el.get("style", "")) for el in root.iter(SVG)]


def font_size(style: str) -> float:
    found = re.search(r"font-size: ([\d.]+)px", style)
    assert found, style
    return float(found.group(1))


def test_the_example_grid_by_hand(plot: EffectDirectionPlot) -> None:
    assert plot.domains == ("Retur til arbeid", "Symptomreduksjon", "Funksjon", "Kostnadseffekt")
    assert dict(plot.rows) == {
        "bultmann2009": ("▲", "▲", "▲", "▲"),
        "lambeek2010": ("▲", "◄►", "▲", "▲"),
        "martin2013": ("▼", None, None, None),
        "meijer2006": ("◄►", "◄►", "▲", "◄►"),
        "poulsen2014": ("◄►", None, None, None),
    }
    assert plot.sizes["poulsen2014"] == 1757 and plot.sizes["meijer2006"] == 34


def test_size_bands() -> None:
    assert size_band(1757) == "large"
    assert size_band(301) == "large"
    assert size_band(300) == "medium"
    assert size_band(50) == "medium"
    assert size_band(49) == "small"
    assert size_band(1) == "small"
    assert BAND_SIZES["large"] > BAND_SIZES["medium"] > BAND_SIZES["small"]


def test_svg_has_rows_columns_arrows_and_key(
    plot: EffectDirectionPlot, labels: dict[str, str], tmp_path: Path
) -> None:
    path = draw_effect_direction(plot, tmp_path / "edp.svg", title=TR_UC, study_labels=labels)
    found = texts(path)
    words = [t for t, _ in found]
    joined = " ".join(" ".join(words).split())
    assert TR_UC in words
    for study in ("Bültmann 2009", "Lambeek 2010, 2010", "Martin 2013", "Meijer 2006"):
        assert study in words
    assert "Poulsen 2014/Momsen 2016" in words
    for domain in plot.domains:
        assert domain in joined  # headings may wrap over two lines
    assert "Study" in words and "n" in words and "1757" in words
    # one arrow per reported cell, plus the key (one of each, and three sizes of ▲)
    cells = [c for _, row in plot.rows for c in row if c is not None]
    assert words.count("▲") == cells.count("▲") + 1 + 3
    assert words.count("▼") == cells.count("▼") + 1
    assert words.count("◄►") == cells.count("◄►") + 1
    assert "Benefit (favours the intervention)" in words
    assert "Harm (favours the control)" in words
    assert "Empty cell: not reported" in words
    assert "Arrow size by sample size:" in words


def test_arrow_size_follows_the_sample_size(plot: EffectDirectionPlot, tmp_path: Path) -> None:
    found = texts(draw_effect_direction(plot, tmp_path / "sizes.svg"))
    reported = {study: sum(c is not None for c in cells) for study, cells in plot.rows}
    rows: dict[str, list[float]] = {}
    current = ""
    for text, style in found:  # each study's label, then its arrows
        if text in reported:
            current = text
        elif (
            current and text in ("▲", "▼", "◄►") and len(rows.get(current, [])) < reported[current]
        ):
            rows.setdefault(current, []).append(font_size(style))
    assert rows["poulsen2014"] == [BAND_SIZES["large"]]
    assert rows["meijer2006"] == [BAND_SIZES["small"]] * 4
    assert rows["bultmann2009"] == [BAND_SIZES["medium"]] * 4
    assert rows["martin2013"] == [BAND_SIZES["medium"]]


def test_without_sizes_every_arrow_is_medium(data: ReviewData, tmp_path: Path) -> None:
    plain = effect_direction_plot(data.trends)  # every comparison, no sizes
    assert len(plain.rows) == 20
    found = texts(draw_effect_direction(plain, tmp_path / "all.svg"))
    arrows = [font_size(style) for text, style in found if text in ("▲", "▼", "◄►")]
    assert set(arrows) == {BAND_SIZES["medium"]}
    words = [t for t, _ in found]
    assert "Mestringstro" in words
    assert "Arrow size by sample size:" not in words
    assert "n" not in words


def test_norwegian_and_png(plot: EffectDirectionPlot, tmp_path: Path) -> None:
    words = [t for t, _ in texts(draw_effect_direction(plot, tmp_path / "nb.svg", lang="nb"))]
    assert "Studie" in words
    assert "I favør av tiltaket" in words and "I favør av kontrollgruppen" in words
    assert "Tom celle: ikke rapportert" in words
    png = draw_effect_direction(plot, tmp_path / "edp.png", title=TR_UC)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_errors(plot: EffectDirectionPlot, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="language"):
        draw_effect_direction(plot, tmp_path / "x.svg", lang="de")
    with pytest.raises(DataError, match="no study"):
        draw_effect_direction(EffectDirectionPlot(("A",), (), {}), tmp_path / "x.svg")
    bad = EffectDirectionPlot(("A",), (("s", ("+",)),), {})
    with pytest.raises(DataError, match="not an effect-direction symbol"):
        draw_effect_direction(bad, tmp_path / "x.svg")
    short = EffectDirectionPlot(("A", "B"), (("s", ("▲",)),), {})
    with pytest.raises(DataError, match="1 cells for 2 domains"):
        draw_effect_direction(short, tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()
