"""Funnel plots (Sterne et al. BMJ 2011;343:d4002): the model's points, centre and
trim-and-fill against metafor, then the drawing.

Oracle: ``shared/reference/metafor/p08_hackshaw1998_small_study`` (dat.hackshaw1998,
log odds ratios, metafor 3.8-1): ``base`` and ``trimfill_L0``/``trimfill_R0`` for a
fixed-effect and a DerSimonian-Laird model (closed forms: 1e-10).
"""

from __future__ import annotations

import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from sysreview import stats
from sysreview.errors import DataError
from sysreview.report.figures.funnel import FunnelPlot, draw_funnel, funnel_plot

from ._metafor import close, load, single

MODELS = [("FE", "small_study_FE"), ("DL", "small_study_DL")]


def hackshaw(method: str) -> tuple[stats.MetaResult, dict[str, Any]]:
    case = load("p08_hackshaw1998_small_study")
    rows = case["studies"]
    result = single(
        stats.rma(
            [r["yi"] for r in rows], [r["vi"] for r in rows], method=method,
            study=[r["study"] for r in rows],
        )
    )  # fmt: skip
    wanted = next(a for a in case["analyses"] if a["id"] == dict(MODELS)[method])
    return result, wanted["expected"]


def test_importing_the_module_does_not_import_matplotlib() -> None:
    code = (
        "import sys; import sysreview.report.figures.funnel; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("method", ["FE", "DL"])
def test_points_and_centre_equal_metafor(method: str) -> None:
    result, ref = hackshaw(method)
    rows = load("p08_hackshaw1998_small_study")["studies"]
    plot = funnel_plot(result, measure="OR")
    assert plot.log_scale and plot.measure == "OR" and plot.null == 1.0
    assert len(plot.points) == 37 and plot.filled == () and plot.k0 == 0
    for (x, se), row in zip(plot.points, rows, strict=True):
        close(x, math.exp(row["yi"]), row["study"])
        close(se, math.sqrt(row["vi"]), row["study"])
    close(plot.centre, ref["base"]["estimate_exp"], "centre")
    lb, ub = plot.pseudo_limits(0.5)
    z = 1.959963984540054
    close(lb, math.exp(ref["base"]["estimate"] - z * 0.5), "pseudo lb")
    close(ub, math.exp(ref["base"]["estimate"] + z * 0.5), "pseudo ub")
    assert plot.adjusted is None and plot.side is None


@pytest.mark.parametrize("method", ["FE", "DL"])
def test_trim_and_fill_imputes_metafors_k0(method: str) -> None:
    result, ref = hackshaw(method)
    want = ref["trimfill_L0"]
    plot = funnel_plot(result, trimfill=True, contours=True, measure="OR")
    assert plot.k0 == len(plot.filled) == want["k0"] == 7
    assert plot.side == want["side"] == "left"
    for (x, se), y, v in zip(plot.filled, want["filled_yi"], want["filled_vi"], strict=True):
        close(x, math.exp(y), "filled effect")
        close(se, math.sqrt(v), "filled SE")
    close(plot.adjusted, want["filled"]["estimate_exp"], "adjusted estimate")
    assert plot.contours
    r0 = funnel_plot(result, trimfill=True, measure="OR", estimator="R0")
    assert r0.k0 == ref["trimfill_R0"]["k0"]


def test_difference_measures_stay_on_their_scale() -> None:
    rows = load("p04_normand1999_md_smd")["studies"]
    cols = {k: [r[k] for r in rows] for k in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")}
    options = stats.options_for("revman5", measure="MD", method="DL")
    result = stats.meta_analysis(cols, options).result
    plot = funnel_plot(result, labels=[r["study"] for r in rows])
    assert not plot.log_scale and plot.null == 0.0
    close(plot.points[0][0], -20.0, "Edinburgh MD")
    close(plot.points[0][1], 6.364591358416977, "Edinburgh SE")
    close(plot.centre, result.estimate)
    assert plot.labels[0] == "Edinburgh"


def test_non_estimable_studies_are_left_out() -> None:
    data = {"ai": [4, 6, 0, 3], "n1i": [123, 306, 10, 40], "ci": [11, 29, 0, 9],
            "n2i": [139, 303, 10, 41]}  # fmt: skip
    options = stats.options_for("revman5", measure="RR", method="MH", model="random")
    result = stats.meta_analysis(data, options).result
    plot = funnel_plot(result, labels=["a", "b", "c", "d"], trimfill=True)
    assert len(plot.points) == 3 and plot.labels == ("a", "b", "d")


def test_inputs_that_do_not_fit_are_refused() -> None:
    result, _ = hackshaw("FE")
    with pytest.raises(DataError, match="labels"):
        funnel_plot(result, labels=["a"])
    rr = single(
        stats.rma(stats.escalc("RR", ai=[4, 6], n1i=[123, 306], ci=[11, 29], n2i=[139, 303]))
    )
    with pytest.raises(DataError, match="ratio"):
        funnel_plot(rr, measure="MD")


def svg_texts(path: Path) -> set[str]:
    root = ET.parse(path).getroot()
    return {"".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text")}


def check_drawn(plot: FunnelPlot, tmp_path: Path, name: str) -> set[str]:
    svg = draw_funnel(plot, tmp_path / f"{name}.svg")
    png = draw_funnel(plot, tmp_path / f"{name}.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert svg.stat().st_size > 10_000
    return svg_texts(svg)


def test_draw_with_trim_and_fill_and_contours(tmp_path: Path) -> None:
    result, _ = hackshaw("DL")
    plot = funnel_plot(result, trimfill=True, contours=True, measure="OR")
    texts = check_drawn(plot, tmp_path, "funnel")
    assert {"OR", "SE(log[OR])", "Imputed by trim-and-fill (7)", "p < 0.01"} <= texts
    assert {"Pseudo 95% CI", "Pooled estimate", "Adjusted estimate", "0.5", "1", "2"} <= texts


def test_draw_plain_and_labelled(tmp_path: Path) -> None:
    result, _ = hackshaw("FE")
    study = list(result.study or ())
    texts = check_drawn(funnel_plot(result, measure="OR", labels=study), tmp_path, "labels")
    assert set(study) <= texts and "Imputed by trim-and-fill (7)" not in texts
    md = single(
        stats.rma([-20.0, -2.0, 5.0, 1.0], [40.5, 2.1, 9.0, 1.2], method="DL", measure="MD")
    )
    texts = check_drawn(funnel_plot(md, labels=["Ås", "Bø", "Øyer", "Ærø"]), tmp_path, "md")
    assert {"MD", "SE(MD)", "Ås", "Øyer", "Ærø"} <= texts
