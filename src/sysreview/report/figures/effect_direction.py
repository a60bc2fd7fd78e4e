"""The effect-direction plot: a table with a row per study and a column per outcome
domain, each cell an arrow for the direction of effect the study found.

Sources:

* Boon MH, Thomson H.  The effect direction plot revisited: application of the 2019
  Cochrane Handbook guidance on alternative synthesis methods.  Res Synth Methods
  2021;12:29-33.  ▲ benefit (favours the intervention), ▼ harm (favours the
  control), ◄► no change or mixed/conflicting effects; an empty cell where the study
  did not report the domain.
* Thomson HJ, Thomas S.  The effect direction plot: visual display of non-standardised
  effects across multiple outcome domains.  Res Synth Methods 2013;4:95-101.  Arrow
  size shows the sample size: large for more than 300, medium for 50 to 300, small
  for fewer than 50.  The bands are applied to the sample size the plot carries (the
  study's participants, as :func:`sysreview.grade.effect_direction_plot` is given
  them); without sizes every arrow is medium.

The grid is :class:`sysreview.grade.EffectDirectionPlot` (built by
:func:`sysreview.grade.effect_direction_plot` from the review's SWiM table); this
module accepts any object with its three attributes, so that the report does not
import the GRADE stage.  matplotlib is imported only when drawing.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Protocol

from ...errors import DataError
from ._style import FONT_SIZE, figure, save

LANGS = ("en", "nb")
SYMBOLS = ("▲", "▼", "◄►")
SizeBand = Literal["large", "medium", "small"]
#: arrow font sizes (points) by sample-size band
BAND_SIZES: dict[str, float] = {"large": 15.0, "medium": 10.5, "small": 7.0}

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "study": "Study",
        "n": "n",
        "▲": "Benefit (favours the intervention)",
        "▼": "Harm (favours the control)",
        "◄►": "No difference, or mixed effects",
        "empty": "Empty cell: not reported",
        "size": "Arrow size by sample size:",
        "large": "> 300",
        "medium": "50–300",
        "small": "< 50",
    },
    "nb": {
        "study": "Studie",
        "n": "n",
        "▲": "I favør av tiltaket",
        "▼": "I favør av kontrollgruppen",
        "◄►": "Ingen forskjell, eller blandede resultater",
        "empty": "Tom celle: ikke rapportert",
        "size": "Pilstørrelse etter utvalgsstørrelse:",
        "large": "> 300",
        "medium": "50–300",
        "small": "< 50",
    },
}


class DirectionGrid(Protocol):
    """What the drawing needs of :class:`sysreview.grade.EffectDirectionPlot`."""

    @property
    def domains(self) -> tuple[str, ...]: ...

    @property
    def rows(self) -> tuple[tuple[str, tuple[str | None, ...]], ...]: ...

    @property
    def sizes(self) -> Mapping[str, int]: ...


def size_band(n: int) -> SizeBand:
    """Thomson & Thomas's arrow size for a sample of ``n``: large above 300, medium
    from 50 to 300, small below 50."""
    if n > 300:
        return "large"
    return "medium" if n >= 50 else "small"


def _check(plot: DirectionGrid, lang: str) -> None:
    if lang not in LANGS:
        raise DataError(f"language {lang!r} is not one of: {', '.join(LANGS)}")
    if not plot.rows:
        raise DataError("the effect-direction plot has no study")
    for study, cells in plot.rows:
        if len(cells) != len(plot.domains):
            raise DataError(f"study {study!r}: {len(cells)} cells for {len(plot.domains)} domains")
        for cell in cells:
            if cell is not None and cell not in SYMBOLS:
                raise DataError(
                    f"study {study!r}: {cell!r} is not an effect-direction symbol",
                    hint="symbols are: " + " ".join(SYMBOLS),
                )


def draw_effect_direction(
    plot: DirectionGrid,
    path: str | Path,
    *,
    title: str | None = None,
    lang: str = "en",
    study_labels: Mapping[str, str] | None = None,
) -> Path:
    """The effect-direction plot as a table: studies as rows (labelled by
    ``study_labels``, study id -> label, else the id), with their sample size when
    the plot has sizes, domains as columns, an arrow per reported cell (sized by
    sample-size band), and the key below.  Written as SVG, PNG or PDF by the suffix
    of ``path``."""
    from matplotlib.patches import Rectangle

    _check(plot, lang)
    words = _WORDS[lang]
    labels = dict(study_labels or {})
    sized = bool(plot.sizes)
    names = [labels.get(study, study) for study, _ in plot.rows]

    # layout in inches, y downwards
    char = FONT_SIZE * 0.0068
    label_w = max(len(words["study"]), *(len(n) for n in names)) * char + 0.25
    n_w = 0.5 if sized else 0.0
    heads = [
        textwrap.wrap(d, 14, break_on_hyphens=False, break_long_words=False) or [d]
        for d in plot.domains
    ]
    bold = FONT_SIZE * 0.0078
    dom_w = max(0.9, max(len(text) for head in heads for text in head) * bold + 0.25)
    line = 0.15
    head_h = max(len(h) for h in heads) * line + 0.14
    row_h = 0.3
    title_h = 0.35 if title else 0.0
    n_rows = len(plot.rows)
    table_w = label_w + n_w + dom_w * len(plot.domains)
    key_lines = 4 + (1 if sized else 0)
    key_h = 0.2 + key_lines * 0.2
    top = title_h + head_h
    width = table_w
    height = top + n_rows * row_h + key_h

    fig = figure(width, height)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()

    if title:
        ax.text(0.0, title_h / 2, title, ha="left", va="center", fontweight="bold")
    x_dom = [label_w + n_w + dom_w * (j + 0.5) for j in range(len(plot.domains))]
    ax.text(0.05, top - 0.07, words["study"], ha="left", va="bottom", fontweight="bold")
    if sized:
        ax.text(label_w + n_w / 2, top - 0.07, words["n"], ha="center", va="bottom", style="italic")
    for x, head in zip(x_dom, heads, strict=True):
        for k, text in enumerate(head):  # top line first, the last on the rule
            y = top - 0.07 - (len(head) - 1 - k) * line
            ax.text(x, y, text, ha="center", va="bottom", fontweight="bold")
    ax.plot([0, table_w], [top, top], color="#404040", lw=0.8)

    for i, ((study, cells), name) in enumerate(zip(plot.rows, names, strict=True)):
        y0 = top + i * row_h
        yc = y0 + row_h / 2
        if i % 2:
            ax.add_patch(Rectangle((0, y0), table_w, row_h, facecolor="#F2F2F2", lw=0))
        ax.text(0.05, yc, name, ha="left", va="center")
        size = plot.sizes.get(study)
        if sized and size is not None:
            ax.text(label_w + n_w / 2, yc, str(size), ha="center", va="center")
        fontsize = BAND_SIZES[size_band(size)] if size is not None else BAND_SIZES["medium"]
        for x, cell in zip(x_dom, cells, strict=True):
            if cell is not None:
                ax.text(x, yc, cell, ha="center", va="center", fontsize=fontsize)
    bottom = top + n_rows * row_h
    ax.plot([0, table_w], [bottom, bottom], color="#404040", lw=0.8)

    # the key
    y = bottom + 0.25
    for symbol in SYMBOLS:
        ax.text(0.05, y, symbol, ha="left", va="center", fontsize=BAND_SIZES["medium"])
        ax.text(0.4, y, words[symbol], ha="left", va="center")
        y += 0.2
    ax.text(0.05, y, words["empty"], ha="left", va="center", style="italic")
    if sized:
        y += 0.22
        ax.text(0.05, y, words["size"], ha="left", va="center")
        x = 0.05 + (len(words["size"]) + 1) * char
        for band in ("large", "medium", "small"):
            ax.text(x, y, "▲", ha="left", va="center", fontsize=BAND_SIZES[band])
            x += BAND_SIZES[band] / 72 + 0.06
            ax.text(x, y, words[band], ha="left", va="center")
            x += len(words[band]) * char + 0.2
    return save(fig, path)
