"""What every figure shares: the font (DejaVu Sans, shipped with matplotlib, carries
æ ø å and the symbols the figures use), sizes, colours, and saving by suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FONT = "DejaVu Sans"
FONT_SIZE = 8.0
#: RoB judgement colours as robvis draws them
ROB_COLOURS = {
    "low": "#02C100",
    "some_concerns": "#E2DF07",
    "unclear": "#E2DF07",
    "moderate": "#E2DF07",
    "high": "#BF0000",
    "serious": "#BF0000",
    "critical": "#820000",
    "no_information": "#4EA1F7",
}
ROB_SYMBOLS = {
    "low": "+",
    "some_concerns": "−",
    "unclear": "?",
    "moderate": "−",
    "high": "×",
    "serious": "×",
    "critical": "!",
    "no_information": "?",
}
SQUARE = "#1F4E79"
DIAMOND = "#000000"


def figure(width: float, height: float) -> Any:
    """A new figure (inches) drawn without a screen, in the report's font."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": FONT,
            "font.size": FONT_SIZE,
            "svg.fonttype": "none",  # text stays text in SVG (searchable, selectable)
            "svg.hashsalt": "sysreview",  # the same figure gives the same file
        }
    )
    return plt.figure(figsize=(width, height))


def save(fig: Any, path: str | Path, *, dpi: int = 200) -> Path:
    """Write ``fig`` as SVG or PNG by the path's suffix, and close it."""
    import matplotlib.pyplot as plt

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".svg", ".png", ".pdf"):
        plt.close(fig)
        raise ValueError(f"{target}: figures are written as .svg, .png or .pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Date": None} if suffix == ".svg" else {}
    fig.savefig(target, dpi=dpi, bbox_inches="tight", metadata=metadata)
    plt.close(fig)
    return target
