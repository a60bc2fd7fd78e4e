"""Funnel plots: a data model built from a meta-analysis (what tests check) and
``draw_funnel`` (what readers see).

As Sterne et al. recommend (Sterne JAC, Sutton AJ, Ioannidis JPA, et al.
Recommendations for examining and interpreting funnel plot asymmetry in
meta-analyses of randomised controlled trials. BMJ 2011;343:d4002), and as RevMan 5
draws them: each study's effect (on a log axis for ratio measures) against its
standard error, the axis of the standard error reversed so that the largest studies
are at the top, a vertical line at the pooled estimate and the pseudo 95% confidence
limits ``estimate ± 1.96·SE`` as dashed lines (straight on these axes; Sterne &
Egger, J Clin Epidemiol 2001;54:1046-1055).

Optional: the contour-enhanced version (Peters JL, Sutton AJ, Jones DR, Abrams KR,
Rushton L. Contour-enhanced meta-analysis funnel plots help distinguish publication
bias from other causes of asymmetry. J Clin Epidemiol 2008;61:991-996), shading where
a study's own test of no effect has p < 0.01, 0.01-0.05 and 0.05-0.1, and the
studies imputed by trim-and-fill (Duval S, Tweedie R. Biometrics 2000;56:455-463),
drawn hollow, with the adjusted estimate.  The points, lines and the trim-and-fill
come from ``stats.funnel_data`` and ``stats.trimfill`` (metafor's ``funnel`` and
``trimfill``).

matplotlib is imported only inside ``draw_funnel``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import DataError
from ...stats import MetaResult, funnel_data
from ...stats import trimfill as trim_and_fill
from ._style import SQUARE, figure, save

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["CONTOURS", "LANGS", "WORDS", "FunnelPlot", "draw_funnel", "funnel_plot"]

#: Two-sided p-values bounding the shaded regions of a contour-enhanced funnel plot,
#: with their shades (darker: more significant); p > 0.1 stays white.
CONTOURS = ((0.1, "#E4E4E4"), (0.05, "#C4C4C4"), (0.01, "#9C9C9C"))

RATIO_MEASURES = frozenset({"RR", "OR", "HR", "PETO", "ROM", "IRR"})
LANGS = ("en", "nb")

#: the plot's texts by language (bokmål with a decimal comma)
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "pseudo": "Pseudo {level}% CI",
        "pooled": "Pooled estimate",
        "studies": "Studies",
        "imputed": "Imputed by trim-and-fill ({k0})",
        "adjusted": "Adjusted estimate",
    },
    "nb": {
        "pseudo": "Pseudo {level} % KI",
        "pooled": "Samlet estimat",
        "studies": "Studier",
        "imputed": "Imputert med trim-and-fill ({k0})",
        "adjusted": "Justert estimat",
    },
}


def _decimal(text: str, lang: str) -> str:
    return text.replace(".", ",").replace("-", "−") if lang == "nb" else text


#: Tau² estimators trim-and-fill can refit with; MH, Peto and FE analyses refit by FE.
_TAU2 = frozenset({"DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS"})


@dataclass(frozen=True)
class FunnelPlot:
    """What a funnel plot shows, as values.

    ``points`` are the studies as (effect on the reporting scale, standard error on
    the analysis scale: of the log ratio for ratio measures); ``filled`` the studies
    imputed by trim-and-fill, the same way; ``centre`` the pooled estimate
    (reporting scale) the pseudo confidence limits are drawn about; ``adjusted``
    trim-and-fill's estimate, ``side`` where it imputed; ``contours`` whether the
    significance contours are shaded; ``labels`` one per point, or none; ``lang``
    the language of its texts ("en" or "nb").
    """

    measure: str
    log_scale: bool
    points: tuple[tuple[float, float], ...]
    filled: tuple[tuple[float, float], ...]
    centre: float
    contours: bool
    labels: tuple[str, ...]
    level: float = 95.0
    adjusted: float | None = None
    side: str | None = None
    lang: str = "en"

    @property
    def k0(self) -> int:
        """The number of studies trim-and-fill imputed."""
        return len(self.filled)

    @property
    def null(self) -> float:
        return 1.0 if self.log_scale else 0.0

    def se_max(self) -> float:
        """The largest standard error shown (0 without points)."""
        return max((se for _, se in (*self.points, *self.filled)), default=0.0)

    def to_analysis(self, value: float) -> float:
        """A reporting-scale value on the analysis scale (log for ratios)."""
        return math.log(value) if self.log_scale else value

    def to_reporting(self, value: float) -> float:
        return math.exp(value) if self.log_scale else value

    def pseudo_limits(self, se: float) -> tuple[float, float]:
        """The pseudo confidence limits ``centre ∓ z·se`` at ``se`` (reporting scale)."""
        z = NormalDist().inv_cdf(1 - (1 - self.level / 100) / 2)
        centre = self.to_analysis(self.centre)
        return self.to_reporting(centre - z * se), self.to_reporting(centre + z * se)


def funnel_plot(
    result: MetaResult,
    *,
    trimfill: bool = False,
    contours: bool = False,
    labels: Sequence[str] = (),
    measure: str | None = None,
    estimator: str = "L0",
    lang: str = "en",
) -> FunnelPlot:
    """The funnel plot of a meta-analysis (its estimable studies).

    Parameters
    ----------
    result : MetaResult
        The analysis; points are its ``yi`` and ``√vi``, the centre its estimate.
    trimfill : bool
        Add the studies trim-and-fill imputes (``stats.trimfill`` with the analysis'
        tau² estimator, or a fixed-effect model for FE, MH and Peto analyses).
    contours : bool
        Shade the significance contours (p < 0.01, 0.01-0.05, 0.05-0.1).
    labels : sequence of str
        One per study of ``result`` (shown beside the points); empty for none.
    measure : str, optional
        The measure shown, e.g. ``"OR"`` for a generic inverse-variance analysis of
        log odds ratios (shown exponentiated); default ``result.measure``.
    estimator : {"L0", "R0"}
        Trim-and-fill's estimator of the number of missing studies.
    lang : {"en", "nb"}
        The language of the plot's texts.

    Raises
    ------
    DataError
        Labels that do not fit, or too few estimable studies.
    """
    if lang not in LANGS:
        raise DataError(f"language {lang!r} is not one of: {', '.join(LANGS)}")
    shown = result.measure if measure is None else measure
    log = result.is_ratio or shown in RATIO_MEASURES
    if result.is_ratio and shown not in RATIO_MEASURES:
        raise DataError(f"{result.measure} is a ratio; it cannot be shown as {shown}")
    yi = np.asarray(result.yi, dtype=np.float64)
    vi = np.asarray(result.vi, dtype=np.float64)
    keep = np.isfinite(yi) & np.isfinite(vi) & (vi > 0)
    if not keep.any():
        raise DataError("no estimable study to plot")
    if labels and len(labels) != len(yi):
        raise DataError(f"labels has {len(labels)} entries for {len(yi)} studies")
    kept_labels = tuple(str(s) for s, k in zip(labels, keep, strict=True) if k) if labels else ()
    data = funnel_data(yi[keep], vi[keep], result.estimate)

    def back(value: float) -> float:
        return math.exp(value) if log else float(value)

    points = tuple((back(float(y)), float(se)) for y, se in zip(data.yi, data.sei, strict=True))
    filled: tuple[tuple[float, float], ...] = ()
    adjusted = side = None
    if trimfill:
        method = result.method if result.method in _TAU2 else "FE"
        fill = trim_and_fill(
            yi[keep],
            vi[keep],
            method=method,
            estimator="R0" if estimator == "R0" else "L0",
            measure=result.measure,
        )
        filled = tuple(
            (back(float(y)), math.sqrt(float(v)))
            for y, v in zip(fill.filled_yi, fill.filled_vi, strict=True)
        )
        adjusted, side = back(fill.filled.estimate), fill.side
    return FunnelPlot(
        measure=shown,
        log_scale=log,
        points=points,
        filled=filled,
        centre=back(data.estimate),
        contours=contours,
        labels=kept_labels,
        level=data.level,
        adjusted=adjusted,
        side=side,
        lang=lang,
    )


def _ticks(low: float, high: float, log: bool) -> list[float]:
    """Readable tick marks: 1-2-5 steps on a log axis (powers of ten when crowded)."""
    if not log:
        return []
    steps = [m * 10.0**e for e in range(-6, 7) for m in (1.0, 2.0, 5.0)]
    ticks = [float(f"{t:.6g}") for t in steps if low <= t <= high]
    if len(ticks) > 7:
        ticks = [t for t in ticks if math.isclose(math.log10(t), round(math.log10(t)))]
    return ticks


def draw_funnel(plot: FunnelPlot, path: str | Path) -> Path:
    """Draw ``plot`` and write it as SVG, PNG or PDF by suffix.

    Standard error on the vertical axis, reversed (0 at the top); the pooled
    estimate as a solid line, the pseudo confidence limits dashed, imputed studies
    hollow and the adjusted estimate dotted; shaded contours when asked.
    """
    from matplotlib.patches import Patch, Polygon
    from matplotlib.ticker import FuncFormatter, NullLocator

    words = WORDS[plot.lang]

    def num(text: str) -> str:
        return _decimal(text, plot.lang)

    fig = figure(5.0, 4.2)
    ax: Axes = fig.add_subplot()
    se_top = max(plot.se_max(), 1e-12) * 1.08
    centre = plot.to_analysis(plot.centre)
    z = NormalDist().inv_cdf(1 - (1 - plot.level / 100) / 2)
    xs = [plot.to_analysis(x) for x, _ in (*plot.points, *plot.filled)]
    xs += [centre - z * se_top, centre + z * se_top]
    if plot.adjusted is not None:
        xs.append(plot.to_analysis(plot.adjusted))
    spread = (max(xs) - min(xs)) or 1.0
    low_t, high_t = min(xs) - 0.05 * spread, max(xs) + 0.05 * spread
    low, high = plot.to_reporting(low_t), plot.to_reporting(high_t)
    if plot.log_scale:
        ax.set_xscale("log")
    ax.set_xlim(low, high)
    ax.set_ylim(se_top, 0.0)

    handles: list[Any] = []
    if plot.contours:
        # p < 0.01 outside every contour; inside |y|/se < z(p/2): the next lighter shade
        ax.set_facecolor(CONTOURS[2][1])
        for bound_p, colour in ((0.01, CONTOURS[1][1]), (0.05, CONTOURS[0][1]), (0.1, "white")):
            zc = NormalDist().inv_cdf(1 - bound_p / 2)
            corners = [
                (plot.null, 0.0),
                (plot.to_reporting(-zc * se_top), se_top),
                (plot.to_reporting(zc * se_top), se_top),
            ]
            ax.add_patch(Polygon(corners, closed=True, facecolor=colour, edgecolor="none",
                                 zorder=0))  # fmt: skip
        handles += [
            Patch(facecolor="white", edgecolor="grey", lw=0.5, label=num("p > 0.1")),
            Patch(facecolor=CONTOURS[0][1], label=num("0.05 < p < 0.1")),
            Patch(facecolor=CONTOURS[1][1], label=num("0.01 < p < 0.05")),
            Patch(facecolor=CONTOURS[2][1], label=num("p < 0.01")),
        ]
    lb, ub = plot.pseudo_limits(se_top)
    ax.plot([lb, plot.centre, ub], [se_top, 0.0, se_top], color="black", ls="--", lw=0.8,
            zorder=2, label=words["pseudo"].format(level=num(f"{plot.level:g}")))  # fmt: skip
    ax.plot([plot.centre, plot.centre], [0.0, se_top], color="black", lw=0.9, zorder=2,
            label=words["pooled"])  # fmt: skip
    ax.plot([p[0] for p in plot.points], [p[1] for p in plot.points], ls="none", marker="o",
            ms=5, color=SQUARE, zorder=4, label=words["studies"])  # fmt: skip
    if plot.filled:
        ax.plot([p[0] for p in plot.filled], [p[1] for p in plot.filled], ls="none",
                marker="o", ms=5, mfc="white", mec=SQUARE, zorder=4,
                label=words["imputed"].format(k0=plot.k0))  # fmt: skip
    if plot.adjusted is not None:
        ax.plot([plot.adjusted, plot.adjusted], [0.0, se_top], color=SQUARE, ls=":", lw=1.0,
                zorder=3, label=words["adjusted"])  # fmt: skip
    for (x, se), label in zip(plot.points, plot.labels, strict=False):
        ax.annotate(label, (x, se), xytext=(4, 2), textcoords="offset points", fontsize=6,
                    annotation_clip=False, parse_math=False)  # fmt: skip
    ticks = _ticks(low, high, plot.log_scale)
    if ticks:
        ax.set_xticks(ticks, labels=[num(f"{t:g}") for t in ticks])
        ax.xaxis.set_minor_locator(NullLocator())
    if plot.lang == "nb":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: num(f"{v:g}")))
    name = plot.measure
    ax.set_xlabel(name)
    ax.set_ylabel(f"SE(log[{name}])" if plot.log_scale else f"SE({name})")
    lines, names = ax.get_legend_handles_labels()
    ax.legend(handles=[*lines, *handles], labels=[*names, *(h.get_label() for h in handles)],
              loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False,
              fontsize=7)  # fmt: skip
    return save(fig, path)
