"""Forest plots in RevMan 5's layout: a data model built from a meta-analysis (what
tests check) and ``draw_forest`` (what readers see).

The layout is RevMan 5's (Review Manager 5 user guide, "Forest plots"; Cochrane
Handbook for Systematic Reviews of Interventions, ch. 10, "Analysing data and
undertaking meta-analyses"): on the left a table with the study, each arm's data
(events and total, or mean, SD and total), the weight and the effect with its
confidence interval; on the right the plot, a square per study whose area is
proportional to its weight, its confidence interval as a line (an arrow where it
leaves the scale), a diamond per subtotal and total, the line of no effect, a scale
symmetric about it (powers of ten for ratio measures, on a log axis) and the
"Favours ..." labels under it.  Under each (sub)total come RevMan's lines for the
total events, heterogeneity ("Heterogeneity: Tau² = 0.31; Chi² = 152.57, df = 12
(P < 0.00001); I² = 92%") and the test for the overall effect ("Test for overall
effect: Z = 3.99 (P < 0.0001)"), and at the end the test for subgroup differences.
Optional risk-of-bias columns (coloured circles holding the judgement's symbol, as
RevMan 5 and robvis draw them) follow the plot, with their legend below.

An optional prediction interval (Higgins, Thompson & Spiegelhalter, J R Stat Soc A
2009;172:137-159; Cochrane Handbook 10.10.4.3: t with k - 2 df) is drawn as a line
through the total's diamond, as RevMan Web does; RevMan 5 had none.

matplotlib is imported only inside ``draw_forest``: building the model needs none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import DataError
from ...stats import MetaResult, SubgroupModelResult, SubgroupResult
from ._style import DIAMOND, FONT, FONT_SIZE, ROB_COLOURS, ROB_SYMBOLS, SQUARE, figure, save

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "LANGS",
    "MEASURE_NAMES",
    "MEASURE_NAMES_NB",
    "WORDS",
    "ForestGroup",
    "ForestPlot",
    "ForestRow",
    "ForestTotal",
    "draw_forest",
    "forest_plot",
    "forest_plot_subgroups",
    "format_p",
    "heterogeneity_text",
    "overall_text",
    "subgroup_test_text",
]

#: Measures estimated on the log scale and shown exponentiated (on a log axis).
RATIO_MEASURES = frozenset({"RR", "OR", "HR", "PETO", "ROM", "IRR"})

#: The heading RevMan 5 puts over the effect column and the plot.
MEASURE_NAMES = {
    "RR": "Risk Ratio",
    "OR": "Odds Ratio",
    "PETO": "Odds Ratio",
    "RD": "Risk Difference",
    "MD": "Mean Difference",
    "SMD": "Std. Mean Difference",
    "HR": "Hazard Ratio",
    "ROM": "Ratio of Means",
    "IRR": "Rate Ratio",
    "GEN": "Effect",
    "GIV": "Effect",
}

#: The same headings in Norwegian bokmål, as the Norwegian Institute of Public
#: Health's reports name the measures.
MEASURE_NAMES_NB = {
    "RR": "Relativ risiko",
    "OR": "Odds ratio",
    "PETO": "Odds ratio",
    "RD": "Risikodifferanse",
    "MD": "Gjennomsnittlig forskjell",
    "SMD": "Standardisert gj.sn. forskjell",
    "HR": "Hasardratio",
    "ROM": "Forhold mellom gjennomsnitt",
    "IRR": "Rateratio",
    "GEN": "Effekt",
    "GIV": "Effekt",
}

LANGS = ("en", "nb")

#: every other text of the plot, by language: RevMan 5's English, and its Norwegian
#: counterpart (decimal comma, "KI" for the confidence interval)
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "study": "Study or Subgroup",
        "weight": "Weight",
        "rob": "Risk of Bias",
        "rob_legend": "Risk of bias legend",
        "total_events": "Total events",
        "total": "Total ({level}% CI)",
        "subtotal": "Subtotal ({level}% CI)",
        "heterogeneity": "Heterogeneity",
        "overall": "Test for overall effect",
        "subgroups": "Test for subgroup differences",
        "not_applicable": "Not applicable",
        "not_estimable": "Not estimable",
        "prediction": "Prediction interval",
        "random": "Random",
        "fixed": "Fixed",
        "ci": "{level}% CI",
        "Events": "Events",
        "Total": "Total",
        "Mean": "Mean",
        "SD": "SD",
    },
    "nb": {
        "study": "Studie eller subgruppe",
        "weight": "Vekt",
        "rob": "Risiko for skjevheter",
        "rob_legend": "Forklaring, risiko for skjevheter",
        "total_events": "Hendelser totalt",
        "total": "Totalt ({level} % KI)",
        "subtotal": "Deltotal ({level} % KI)",
        "heterogeneity": "Heterogenitet",
        "overall": "Test for samlet effekt",
        "subgroups": "Test for forskjeller mellom subgrupper",
        "not_applicable": "ikke relevant",
        "not_estimable": "Kan ikke beregnes",
        "prediction": "Prediksjonsintervall",
        "random": "tilfeldig",
        "fixed": "fast",
        "ci": "{level} % KI",
        "Events": "Hendelser",
        "Total": "Totalt",
        "Mean": "Gj.snitt",
        "SD": "SD",
    },
}


def _words(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise DataError(f"language {lang!r} is not one of: {', '.join(LANGS)}")
    return WORDS[lang]


def decimal(text: str, lang: str) -> str:
    """A number as ``lang`` writes it: a decimal comma and a true minus in bokmål."""
    return text.replace(".", ",").replace("-", "−") if lang == "nb" else text


def _percent(text: str, lang: str) -> str:
    """``92%``; bokmål ``92 %``."""
    return decimal(text, lang).replace("%", " %") if lang == "nb" else text


#: (events1, n1, events2, n2) of a (sub)total; None where not applicable.
Totals = tuple[int | None, int | None, int | None, int | None]


# --------------------------------------------------------------------- texts


def format_p(p: float, lang: str = "en") -> str:
    """P as RevMan 5 prints it: ``P < 0.00001``, ``P < 0.0001``, ``P = 0.0003``,
    ``P = 0.003``, ``P = 0.39`` (``P = NA`` when p is not a number); bokmål with a
    decimal comma."""
    if math.isnan(p):
        return "P = NA"
    if p < 0.00001:
        text = "P < 0.00001"
    elif p < 0.0001:
        text = "P < 0.0001"
    elif p < 0.001:
        text = f"P = {p:.4f}"
    elif p < 0.01:
        text = f"P = {p:.3f}"
    else:
        text = f"P = {p:.2f}"
    return decimal(text, lang)


def _whole_percent(value: float) -> str:
    """A percentage rounded half up to a whole number, as RevMan prints I²."""
    return f"{math.floor(value + 0.5):d}%"


def heterogeneity_text(result: MetaResult, lang: str = "en") -> str:
    """RevMan 5's heterogeneity line of a (sub)total.

    ``Heterogeneity: Tau² = 0.31; Chi² = 152.57, df = 12 (P < 0.00001); I² = 92%``
    (Tau² only for random-effects models; Tau² and Chi² with two decimals, I²
    rounded to a whole percent), or ``Heterogeneity: Not applicable`` with one study.
    Bokmål: ``Heterogenitet: Tau² = 0,31; Chi² = 152,57, df = 12 (P < 0,00001); I² = 92 %``.
    """
    w = _words(lang)
    if result.Q_df < 1 or not math.isfinite(result.Q):
        return f"{w['heterogeneity']}: {w['not_applicable']}"
    tau = decimal(f"Tau² = {result.tau2:.2f}; ", lang) if result.model == "random" else ""
    return (
        f"{w['heterogeneity']}: {tau}{decimal(f'Chi² = {result.Q:.2f}', lang)}, "
        f"df = {result.Q_df} ({format_p(result.Q_p, lang)}); "
        f"I² = {_percent(_whole_percent(result.I2), lang)}"
    )


def overall_text(result: MetaResult, lang: str = "en") -> str:
    """RevMan 5's test for the overall effect: ``Test for overall effect: Z = 3.99
    (P < 0.0001)`` (|Z| with two decimals); under a t test (Knapp-Hartung)
    ``t = 2.50, df = 8 (P = 0.04)``; bokmål ``Test for samlet effekt: Z = 3,99 ...``."""
    w = _words(lang)
    if not math.isfinite(result.stat):
        return f"{w['overall']}: {w['not_applicable']}"
    if result.stat_dist == "z":
        z = decimal(f"{abs(result.stat):.2f}", lang)
        return f"{w['overall']}: Z = {z} ({format_p(result.p, lang)})"
    df = "" if result.stat_df is None else decimal(f", df = {result.stat_df:g}", lang)
    t = decimal(f"{abs(result.stat):.2f}", lang)
    return f"{w['overall']}: t = {t}{df} ({format_p(result.p, lang)})"


def subgroup_test_text(result: SubgroupResult, lang: str = "en") -> str | None:
    """RevMan 5's ``Test for subgroup differences: Chi² = 1.54, df = 2 (P = 0.46),
    I² = 0%`` (I² with one decimal, as RevMan 5 prints it here); None with one
    subgroup (nothing to compare)."""
    if result.Q_df < 1 or not math.isfinite(result.Q_p):
        return None
    i2 = "0%" if result.I2 <= 0 else f"{result.I2:.1f}%"
    return (
        f"{_words(lang)['subgroups']}: {decimal(f'Chi² = {result.Q:.2f}', lang)}, "
        f"df = {result.Q_df} ({format_p(result.Q_p, lang)}), I² = {_percent(i2, lang)}"
    )


def _number(value: float, decimals: int, lang: str = "en") -> str:
    text = f"{value:.{decimals}f}"
    return decimal(text[1:] if text.startswith("-") and float(text) == 0 else text, lang)


def _effect_text(
    estimate: float | None,
    ci_lb: float | None,
    ci_ub: float | None,
    decimals: int,
    lang: str = "en",
) -> str:
    """``0.41 [0.13, 1.26]``; bokmål ``0,41 [0,13; 1,26]`` (a comma separates decimals)."""
    if estimate is None or ci_lb is None or ci_ub is None:
        return _words(lang)["not_estimable"]
    between = "; " if lang == "nb" else ", "
    lb, ub = _number(ci_lb, decimals, lang), _number(ci_ub, decimals, lang)
    return f"{_number(estimate, decimals, lang)} [{lb}{between}{ub}]"


# ---------------------------------------------------------------- data model


@dataclass(frozen=True)
class ForestRow:
    """One study: its label, each arm's cells as printed (``("4", "123")`` events and
    total, ``("12.3", "4.1", "50")`` mean, SD and total, ``()`` for generic inverse
    variance), its weight (percent; None when not estimable), its effect and CI on
    the reporting scale (exponentiated for ratios) and its risk-of-bias judgements
    (one per domain of the plot's RoB columns; None for no judgement)."""

    label: str
    group1: tuple[str, ...]
    group2: tuple[str, ...]
    weight: float | None
    estimate: float | None
    ci_lb: float | None
    ci_ub: float | None
    rob: tuple[str | None, ...] = ()

    @property
    def estimable(self) -> bool:
        return self.estimate is not None and self.ci_lb is not None and self.ci_ub is not None

    def effect_text(self, decimals: int = 2, lang: str = "en") -> str:
        """``0.41 [0.13, 1.26]``, or ``Not estimable``."""
        return _effect_text(self.estimate, self.ci_lb, self.ci_ub, decimals, lang)

    def weight_text(self, lang: str = "en") -> str:
        """``5.0%`` (one decimal, as RevMan), or empty when not estimable."""
        if self.weight is None or not self.estimable:
            return ""
        return _percent(f"{self.weight:.1f}%", lang)


@dataclass(frozen=True)
class ForestTotal:
    """A diamond: a subtotal or the total, with RevMan's lines under it.

    ``n1``/``n2`` are the arms' participants, ``events1``/``events2`` their events
    (None where not applicable); ``prediction`` is the prediction interval on the
    reporting scale; ``weight`` the percent of the total weight it carries.
    """

    label: str
    estimate: float
    ci_lb: float
    ci_ub: float
    n1: int | None
    n2: int | None
    events1: int | None
    events2: int | None
    heterogeneity: str
    overall: str
    prediction: tuple[float, float] | None = None
    weight: float | None = None

    def effect_text(self, decimals: int = 2, lang: str = "en") -> str:
        return _effect_text(self.estimate, self.ci_lb, self.ci_ub, decimals, lang)

    def weight_text(self, lang: str = "en") -> str:
        return "" if self.weight is None else _percent(f"{self.weight:.1f}%", lang)

    def prediction_text(self, decimals: int = 2, lang: str = "en") -> str | None:
        """``Prediction interval: [0.14, 1.77]`` or None."""
        if self.prediction is None:
            return None
        lb, ub = (_number(v, decimals, lang) for v in self.prediction)
        between = "; " if lang == "nb" else ", "
        return f"{_words(lang)['prediction']}: [{lb}{between}{ub}]"


@dataclass(frozen=True)
class ForestGroup:
    """A subgroup (``label`` its heading), or the one unnamed group of a plot without
    subgroups (``label`` None, ``total`` None: the plot's total closes it)."""

    label: str | None
    rows: tuple[ForestRow, ...]
    total: ForestTotal | None


@dataclass(frozen=True)
class ForestPlot:
    """Everything a forest plot shows, as values.

    ``measure`` is the effect measure (RR, OR, RD, MD, SMD, HR, GEN ...),
    ``method_text`` RevMan's ``"M-H, Random, 95% CI"``; ``columns`` are the headings
    of each arm's cells; ``favours`` the labels left and right of the line of no
    effect; ``log_scale`` whether the axis is logarithmic (ratio measures).
    ``scale`` fixes the axis at ``[1/scale, scale]`` (ratios) or ``[-scale, scale]``
    as RevMan's "scale" option does; by default ``axis_limits`` chooses it.
    ``lang`` is the language of the plot's fixed texts and numbers ("en" or "nb");
    ``columns`` stay the English keys (``Events``, ``Total``, ``Mean``, ``SD``) and are
    translated when drawn.
    """

    title: str | None
    measure: str
    method_text: str
    arm_labels: tuple[str, str]
    columns: tuple[str, ...]
    groups: tuple[ForestGroup, ...]
    total: ForestTotal | None
    subgroup_test: str | None
    favours: tuple[str, str]
    log_scale: bool
    rob_domains: tuple[str, ...] = ()
    rob_legend: tuple[str, ...] = ()
    scale: float | None = None
    decimals: int = 2
    lang: str = "en"

    @property
    def measure_name(self) -> str:
        """RevMan's heading of the effect column: ``Risk Ratio``, ``Mean Difference`` ..."""
        names = MEASURE_NAMES_NB if self.lang == "nb" else MEASURE_NAMES
        return names.get(self.measure, self.measure)

    def word(self, key: str) -> str:
        """A fixed text of the plot in its language (a column key as it is shown)."""
        return _words(self.lang).get(key, key)

    @property
    def null(self) -> float:
        """The line of no effect: 1 for ratios, 0 for differences."""
        return 1.0 if self.log_scale else 0.0

    def rows(self) -> tuple[ForestRow, ...]:
        """Every study row, in the order drawn."""
        return tuple(row for group in self.groups for row in group.rows)

    def totals(self) -> tuple[ForestTotal, ...]:
        """Every diamond: the subtotals, then the total."""
        out = [g.total for g in self.groups if g.total is not None]
        return tuple([*out, self.total] if self.total is not None else out)

    def axis_limits(self) -> tuple[float, float]:
        """The scale, symmetric about the line of no effect, as RevMan chooses it.

        Ratios: ``[10^-n, 10^n]`` with the smallest n >= 1 that holds every
        confidence (and prediction) interval, but at most 1000 unless an estimate
        lies beyond (longer intervals end in arrows).  Differences: ``[-L, L]`` with
        L the smallest 1, 2 or 5 times a power of ten that holds every interval.
        """
        if self.scale is not None:
            return (1 / self.scale, self.scale) if self.log_scale else (-self.scale, self.scale)
        ends: list[float] = []
        estimates: list[float] = []
        for row in self.rows():
            if row.estimable:
                ends += [v for v in (row.ci_lb, row.ci_ub) if v is not None]
                estimates += [row.estimate] if row.estimate is not None else []
        for total in self.totals():
            ends += [total.ci_lb, total.ci_ub, *(total.prediction or ())]
            estimates.append(total.estimate)
        if self.log_scale:
            power = _log_extent([*ends, *estimates])
            shown = _log_extent(estimates)
            n = max(1, min(power, 3), shown)
            return 10.0**-n, 10.0**n
        extent = max((abs(v) for v in [*ends, *estimates] if math.isfinite(v)), default=0.0)
        limit = _nice(extent)
        return -limit, limit

    def ticks(self) -> tuple[float, ...]:
        """RevMan's tick marks: ``0.01 0.1 1 10 100``, ``0.1 0.2 0.5 1 2 5 10``,
        ``0.2 0.5 1 2 5``, ``0.5 0.7 1 1.5 2``; ``-L -L/2 0 L/2 L`` for differences."""
        low, high = self.axis_limits()
        if not self.log_scale:
            return (low, low / 2, 0.0, high / 2, high)
        n = round(math.log10(high))
        if math.isclose(high, 10.0**n, rel_tol=1e-9) and n >= 1:
            if n == 1:
                return (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
            if n <= 3:
                return tuple(10.0**e for e in range(-n, n + 1))
            return (low, 1.0, high)
        if math.isclose(high, 2.0):
            return (0.5, 0.7, 1.0, 1.5, 2.0)
        if math.isclose(high, 5.0):
            return (0.2, 0.5, 1.0, 2.0, 5.0)
        return (low, 1.0, high)


def _log_extent(values: Sequence[float]) -> int:
    """The smallest n with every positive value in [10^-n, 10^n] (0 for none)."""
    logs = [abs(math.log10(v)) for v in values if v > 0 and math.isfinite(v)]
    return max((math.ceil(x - 1e-9) for x in logs), default=0)


def _nice(extent: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at least ``extent`` (1 for 0)."""
    if extent <= 0:
        return 1.0
    exponent = math.floor(math.log10(extent))
    for e in (exponent - 1, exponent, exponent + 1):
        for m in (1.0, 2.0, 5.0):
            candidate = m * 10.0**e
            if candidate >= extent * (1 - 1e-12):
                return float(f"{candidate:.12g}")
    return 10.0 ** (exponent + 1)


# --------------------------------------------------------------- from results


def forest_plot(
    result: MetaResult,
    *,
    labels: Sequence[str] | None = None,
    group1: Sequence[tuple[str, ...]] = (),
    group2: Sequence[tuple[str, ...]] = (),
    columns: Sequence[str] | None = None,
    arm_labels: tuple[str, str] = ("Experimental", "Control"),
    favours: tuple[str, str] = ("Favours experimental", "Favours control"),
    title: str | None = None,
    rob: Mapping[str, Sequence[str | None]] | None = None,
    rob_domains: Sequence[str] = (),
    rob_legend: Sequence[str] = (),
    prediction: bool = False,
    totals: Totals | None = None,
    measure: str | None = None,
    method_text: str | None = None,
    scale: float | None = None,
    decimals: int = 2,
    lang: str = "en",
) -> ForestPlot:
    """The forest plot of one meta-analysis (one group, closed by the total).

    Parameters
    ----------
    result : MetaResult
        The analysis (``stats.meta_analysis(...).result``, ``stats.rma`` ...): the
        per-study weights, estimates and CIs (``yi ± z·√vi`` at ``result.level``,
        back-transformed) and the pooled values come from it unchanged.
    labels : sequence of str, optional
        One per study of ``result`` (default: ``result.study``, else 1, 2, ...).
    group1, group2 : sequence of tuple of str
        Each arm's cells per study, as printed; empty for generic inverse variance.
    columns : sequence of str, optional
        The headings of each arm's cells; by default ``("Events", "Total")`` for two
        cells and ``("Mean", "SD", "Total")`` for three.
    arm_labels, favours, title
        Headings over the arms, the labels under the axis, the plot's title.
    rob : mapping, optional
        Study label -> judgement per RoB domain (``"low"``, ``"unclear"``, ``"high"``,
        ``"some_concerns"`` ...; None for none) for RevMan's RoB columns.
    rob_domains, rob_legend
        The RoB columns' headings (``("A", ..., "G")``; by default letters) and the
        legend lines (``"(A) Random sequence generation (selection bias)"`` ...).
    prediction : bool
        Show the prediction interval (t, k - 2 df; random-effects models only).
    totals : (events1, n1, events2, n2), optional
        The Total row's counts; by default summed from the cells of the columns
        headed ``Events`` and ``Total`` where every cell is a whole number.
    measure : str, optional
        The measure shown, e.g. ``"HR"`` for a generic inverse-variance analysis of
        log hazard ratios (shown exponentiated); default ``result.measure``.
    method_text : str, optional
        Overrides the ``"M-H, Random, 95% CI"`` read from ``result``.
    scale : float, optional
        Fixes the axis (see ``ForestPlot``).
    decimals : int
        Decimals of the effects shown.
    lang : {"en", "nb"}
        The language of the plot's texts: RevMan's English, or bokmål with a
        decimal comma.

    Raises
    ------
    DataError
        Labels, cells, columns or judgements that do not fit the analysis.
    """
    shown, log = _measure(result, measure)
    k = len(result.yi)
    names = _labels(labels, result.study, k, "result")
    cells1, cells2, cols = _cells(group1, group2, columns, k)
    domains = _domains(rob, rob_domains)
    judgements = _judgements(rob, names, domains)
    weights = [None if w is None else float(w) for w in _weights(result)]
    rows = _rows(result, names, cells1, cells2, weights, judgements, log)
    counts = totals if totals is not None else _sum_counts(cells1, cells2, cols)
    label = _words(lang)["total"].format(level=f"{result.level:g}")
    total = _total(result, label, counts, log, prediction, 100.0, lang)
    return ForestPlot(
        title=title,
        measure=shown,
        method_text=method_text or _method_text(result, lang),
        arm_labels=(arm_labels[0], arm_labels[1]),
        columns=cols,
        groups=(ForestGroup(None, rows, None),),
        total=total,
        subgroup_test=None,
        favours=(favours[0], favours[1]),
        log_scale=log,
        rob_domains=domains,
        rob_legend=tuple(rob_legend),
        scale=scale,
        decimals=decimals,
        lang=lang,
    )


def forest_plot_subgroups(
    result: SubgroupResult | SubgroupModelResult,
    *,
    overall: MetaResult | None = None,
    group_labels: Sequence[str] | None = None,
    labels: Sequence[Sequence[str]] | None = None,
    group1: Sequence[Sequence[tuple[str, ...]]] = (),
    group2: Sequence[Sequence[tuple[str, ...]]] = (),
    columns: Sequence[str] | None = None,
    arm_labels: tuple[str, str] = ("Experimental", "Control"),
    favours: tuple[str, str] = ("Favours experimental", "Favours control"),
    title: str | None = None,
    rob: Mapping[str, Sequence[str | None]] | None = None,
    rob_domains: Sequence[str] = (),
    rob_legend: Sequence[str] = (),
    prediction: bool = False,
    totals: Sequence[Totals | None] | None = None,
    overall_totals: Totals | None = None,
    measure: str | None = None,
    method_text: str | None = None,
    scale: float | None = None,
    decimals: int = 2,
    lang: str = "en",
) -> ForestPlot:
    """The forest plot of a subgroup analysis pooled RevMan's way (``stats.subgroups``
    with a separate tau² per subgroup): each subgroup with its subtotal, then the
    total of ``overall`` (when given) and the test for subgroup differences.

    ``labels``, ``group1``, ``group2`` and ``totals`` hold one entry per subgroup,
    in ``result.groups``' order, each as ``forest_plot`` takes it (labels default to
    each subgroup result's study labels).  With ``overall`` (the analysis of all
    studies, with study labels) the study weights are its weights, as RevMan 5
    shows them, and each subtotal carries the sum of its studies'; without it each
    subgroup's weights add up to 100%.  ``lang`` as for ``forest_plot``.

    Raises
    ------
    DataError
        The common-tau² model (it has no separate subtotals), or entries that do not
        fit the subgroups.
    """
    if isinstance(result, SubgroupModelResult):
        raise DataError(
            "a forest plot shows subgroups pooled separately (tau2_common=False), "
            "not the common-tau² model"
        )
    words = _words(lang)
    first = result.results[0]
    shown, log = _measure(first, measure)
    if overall is not None and overall.is_ratio != first.is_ratio:
        raise DataError("overall and the subgroups are on different scales")
    n_groups = len(result.results)
    headings = list(result.groups if group_labels is None else group_labels)
    counts = _per_group(
        n_groups, labels=labels, group1=group1, group2=group2, totals=totals, headings=headings
    )
    parts: list[tuple[list[str], list[tuple[str, ...]], list[tuple[str, ...]]]] = []
    cols: tuple[str, ...] = ()
    for g, sub in enumerate(result.results):
        k = len(sub.yi)
        given = None if labels is None else labels[g]
        names = _labels(given, sub.study, k, f"subgroup {result.groups[g]!r}")
        cells1, cells2, cols_g = _cells(
            group1[g] if group1 else (), group2[g] if group2 else (), columns, k
        )
        if cols and cols_g and cols_g != cols:
            raise DataError("every subgroup's cells need the same columns")
        cols = cols or cols_g
        parts.append((names, cells1, cells2))
    all_names = [name for names, _, _ in parts for name in names]
    all1 = [cells for _, cells1, _ in parts for cells in cells1]
    all2 = [cells for _, _, cells2 in parts for cells in cells2]
    domains = _domains(rob, rob_domains)
    by_label = _overall_weights(overall, all_names) if overall is not None else None
    groups: list[ForestGroup] = []
    for g, (sub, (names, cells1, cells2)) in enumerate(zip(result.results, parts, strict=True)):
        weights = [by_label[n] for n in names] if by_label is not None else _weights(sub)
        judgements = _judgements(rob, names, domains)
        rows = _rows(sub, names, cells1, cells2, weights, judgements, log)
        share = 100.0
        if by_label is not None:
            share = sum(r.weight for r in rows if r.weight is not None)
        label = words["subtotal"].format(level=f"{sub.level:g}")
        subtotal_counts = counts[g] or _sum_counts(cells1, cells2, cols)
        subtotal = _total(sub, label, subtotal_counts, log, prediction, share, lang)
        groups.append(ForestGroup(headings[g], rows, subtotal))
    total = None
    if overall is not None:
        whole = overall_totals or _sum_counts(all1, all2, cols)
        label = words["total"].format(level=f"{overall.level:g}")
        total = _total(overall, label, whole, log, prediction, 100.0, lang)
    return ForestPlot(
        title=title,
        measure=shown,
        method_text=method_text or _method_text(overall if overall is not None else first, lang),
        arm_labels=(arm_labels[0], arm_labels[1]),
        columns=cols,
        groups=tuple(groups),
        total=total,
        subgroup_test=subgroup_test_text(result, lang),
        favours=(favours[0], favours[1]),
        log_scale=log,
        rob_domains=domains,
        rob_legend=tuple(rob_legend),
        scale=scale,
        decimals=decimals,
        lang=lang,
    )


def _per_group(
    n_groups: int,
    *,
    labels: Sequence[Sequence[str]] | None,
    group1: Sequence[Sequence[tuple[str, ...]]],
    group2: Sequence[Sequence[tuple[str, ...]]],
    totals: Sequence[Totals | None] | None,
    headings: Sequence[str],
) -> list[Totals | None]:
    """Check the per-subgroup entries' lengths; the per-subgroup totals."""
    named: dict[str, Sequence[Any] | None] = {
        "group_labels": headings,
        "labels": labels,
        "group1": group1 or None,
        "group2": group2 or None,
        "totals": totals,
    }
    for name, value in named.items():
        if value is not None and len(value) != n_groups:
            raise DataError(f"{name} has {len(value)} entries for {n_groups} subgroups")
    return list(totals) if totals is not None else [None] * n_groups


def _overall_weights(overall: MetaResult, names: Sequence[str]) -> dict[str, float | None]:
    """The overall analysis' weight of each study, by label."""
    if overall.study is None:
        raise DataError("overall needs study labels to take its weights")
    if len(set(overall.study)) != len(overall.study):
        raise DataError("overall's study labels are not unique")
    by_label = dict(zip(overall.study, _weights(overall), strict=True))
    missing = [n for n in names if n not in by_label]
    if missing:
        raise DataError(f"study {missing[0]!r} of a subgroup is not in overall")
    return by_label


def _measure(result: MetaResult, measure: str | None) -> tuple[str, bool]:
    shown = result.measure if measure is None else measure
    log = shown in RATIO_MEASURES or result.is_ratio
    if result.is_ratio and shown not in RATIO_MEASURES:
        raise DataError(f"{result.measure} is a ratio; it cannot be shown as {shown}")
    return shown, log


def _method_text(result: MetaResult, lang: str = "en") -> str:
    """``M-H, Random, 95% CI``: pooling method, model and level as RevMan heads them."""
    centre = result.settings.get("Q_centre")
    if result.method == "MH" or centre == "MH":
        pooling = "M-H"
    elif result.method == "PETO" or centre == "Peto":
        pooling = "Peto"
    else:
        pooling = "IV"
    w = _words(lang)
    model = w["random"] if result.model == "random" else w["fixed"]
    return f"{pooling}, {model}, {w['ci'].format(level=f'{result.level:g}')}"


def _labels(
    given: Sequence[str] | None, study: Sequence[str] | None, k: int, what: str
) -> list[str]:
    if given is None:
        return [str(s) for s in study] if study is not None else [str(i + 1) for i in range(k)]
    if isinstance(given, str):
        raise DataError("labels must be a sequence of labels, not one string")
    names = [str(s) for s in given]
    if len(names) != k:
        raise DataError(f"labels has {len(names)} entries for the {k} studies of {what}")
    return names


def _cells(
    group1: Sequence[tuple[str, ...]],
    group2: Sequence[tuple[str, ...]],
    columns: Sequence[str] | None,
    k: int,
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], tuple[str, ...]]:
    """Each arm's cells (as strings), one tuple per study, and the column headings."""
    arms: list[list[tuple[str, ...]]] = []
    for name, given in (("group1", group1), ("group2", group2)):
        if given and len(given) != k:
            raise DataError(f"{name} has {len(given)} entries for {k} studies")
        arms.append([tuple(str(c) for c in cells) for cells in given] if given else [()] * k)
    width = max((len(c) for arm in arms for c in arm), default=0)
    if columns is None:
        defaults = {0: (), 2: ("Events", "Total"), 3: ("Mean", "SD", "Total")}
        if width not in defaults:
            raise DataError(f"{width} cells per arm: name them with columns=")
        cols = defaults[width]
    else:
        cols = tuple(columns)
    for name, arm in zip(("group1", "group2"), arms, strict=True):
        for i, cells in enumerate(arm):
            if cells and len(cells) != len(cols):
                raise DataError(
                    f"{name}[{i}] has {len(cells)} cells for {len(cols)} columns {cols}"
                )
    return arms[0], arms[1], cols


def _sum_counts(
    cells1: Sequence[tuple[str, ...]], cells2: Sequence[tuple[str, ...]], cols: tuple[str, ...]
) -> Totals:
    """(events1, n1, events2, n2) summed over the ``Events`` and ``Total`` columns,
    each None unless every cell of that column is a whole number."""

    def column_sum(arm: Sequence[tuple[str, ...]], heading: str) -> int | None:
        if heading not in cols or not arm or any(not c for c in arm):
            return None
        index = cols.index(heading)
        try:
            return sum(int(c[index].strip()) for c in arm)
        except ValueError:
            return None

    return (
        column_sum(cells1, "Events"),
        column_sum(cells1, "Total"),
        column_sum(cells2, "Events"),
        column_sum(cells2, "Total"),
    )


def _domains(
    rob: Mapping[str, Sequence[str | None]] | None, rob_domains: Sequence[str]
) -> tuple[str, ...]:
    domains = tuple(rob_domains)
    if rob and not domains:
        count = max(len(v) for v in rob.values())
        domains = tuple(chr(ord("A") + i) for i in range(count))
    return domains


def _judgement(value: str | None) -> str | None:
    """A judgement as ``ROB_COLOURS`` names it: ``"Low risk"`` -> ``"low"``."""
    if value is None or not str(value).strip():
        return None
    key = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    key = key.removesuffix("_risk")
    if key not in ROB_COLOURS:
        raise DataError(f"risk-of-bias judgement {value!r} is not one of: {', '.join(ROB_COLOURS)}")
    return key


def _judgements(
    rob: Mapping[str, Sequence[str | None]] | None, names: Sequence[str], domains: tuple[str, ...]
) -> list[tuple[str | None, ...]]:
    if not rob:
        return [()] * len(names)
    out: list[tuple[str | None, ...]] = []
    for name in names:
        given = rob.get(name)
        if given is None:
            out.append((None,) * len(domains))
            continue
        if isinstance(given, str) or len(given) != len(domains):
            raise DataError(
                f"rob[{name!r}] needs one judgement for each of the {len(domains)} domains"
            )
        out.append(tuple(_judgement(v) for v in given))
    return out  # judgements of studies not in this plot (another subgroup) are ignored


def _weights(result: MetaResult) -> list[float | None]:
    """Per-study weights in percent; None where the study is not estimable."""
    out: list[float | None] = []
    for i in range(len(result.yi)):
        w = float(result.weights[i]) if i < len(result.weights) else math.nan
        out.append(w if math.isfinite(w) and math.isfinite(float(result.yi[i])) else None)
    return out


def _back(value: float | None, log: bool) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return math.exp(value) if log else float(value)


def _rows(
    result: MetaResult,
    names: Sequence[str],
    cells1: Sequence[tuple[str, ...]],
    cells2: Sequence[tuple[str, ...]],
    weights: Sequence[float | None],
    judgements: Sequence[tuple[str | None, ...]],
    log: bool,
) -> tuple[ForestRow, ...]:
    rows = []
    for i, study in enumerate(result.studies()):
        estimate = _back(study["yi"], log)
        lb, ub = _back(study["ci_lb"], log), _back(study["ci_ub"], log)
        estimable = estimate is not None and lb is not None and ub is not None
        rows.append(
            ForestRow(
                label=names[i],
                group1=cells1[i],
                group2=cells2[i],
                weight=weights[i] if estimable else None,
                estimate=estimate if estimable else None,
                ci_lb=lb if estimable else None,
                ci_ub=ub if estimable else None,
                rob=judgements[i],
            )
        )
    return tuple(rows)


def _total(
    result: MetaResult,
    label: str,
    counts: Totals,
    log: bool,
    prediction: bool,
    weight: float | None,
    lang: str = "en",
) -> ForestTotal:
    estimate, lb, ub = (_back(v, log) for v in (result.estimate, result.ci_lb, result.ci_ub))
    if estimate is None or lb is None or ub is None:
        raise DataError(f"{label}: the pooled estimate is not a finite number")
    interval = None
    if prediction and result.model == "random":
        p_lb, p_ub = _back(result.pi_higgins_lb, log), _back(result.pi_higgins_ub, log)
        if p_lb is not None and p_ub is not None:
            interval = (p_lb, p_ub)
    events1, n1, events2, n2 = counts
    return ForestTotal(
        label=label,
        estimate=estimate,
        ci_lb=lb,
        ci_ub=ub,
        n1=n1,
        n2=n2,
        events1=events1,
        events2=events2,
        heterogeneity=heterogeneity_text(result, lang),
        overall=overall_text(result, lang),
        prediction=interval,
        weight=weight,
    )


# ------------------------------------------------------------------- drawing

ROW = 0.19  # inches per row
PAD = 0.14  # inches between columns
ROB_COLUMN = 0.2  # inches per RoB column
SQUARE_MAX = 9.0  # points: the side of the heaviest study's square
SQUARE_MIN = 2.5
DIAMOND_HALF = 0.36  # rows


@lru_cache(maxsize=1)
def _text_to_path() -> Any:
    from matplotlib.textpath import TextToPath

    return TextToPath()


def _width(text: str, *, bold: bool = False) -> float:
    """The width in inches of ``text`` in the report's font."""
    from matplotlib.font_manager import FontProperties

    if not text:
        return 0.0
    prop = FontProperties(family=FONT, size=FONT_SIZE, weight="bold" if bold else "normal")
    width, _, _ = _text_to_path().get_text_width_height_descent(text, prop, ismath=False)
    return float(width) / 72


@dataclass(frozen=True)
class _Line:
    """One row of the drawn table below the headings."""

    kind: str  # "group", "study", "total", "events", "note", "blank"
    text: str = ""
    row: ForestRow | None = None
    total: ForestTotal | None = None


def _lines(plot: ForestPlot) -> list[_Line]:
    out: list[_Line] = []

    def close(total: ForestTotal) -> None:
        out.append(_Line("total", total.label, total=total))
        if total.events1 is not None or total.events2 is not None:
            out.append(_Line("events", plot.word("total_events"), total=total))
        out.append(_Line("note", total.heterogeneity))
        out.append(_Line("note", total.overall))
        predicted = total.prediction_text(plot.decimals, plot.lang)
        if predicted is not None:
            out.append(_Line("note", predicted))

    for group in plot.groups:
        if group.label is not None:
            out.append(_Line("group", group.label))
        out += [_Line("study", row.label, row=row) for row in group.rows]
        if group.total is not None:
            close(group.total)
        out.append(_Line("blank"))
    if plot.total is not None:
        close(plot.total)
    if plot.subgroup_test is not None:
        out.append(_Line("note", plot.subgroup_test))
    while out and out[-1].kind == "blank":
        out.pop()
    return out


@dataclass(frozen=True)
class _Geometry:
    """Where each column starts and how wide it is (inches)."""

    study: float
    arms: tuple[tuple[float, ...], tuple[float, ...]]  # left edge of each cell column
    cell_widths: tuple[float, ...]
    weight: float
    weight_width: float
    effect: float
    effect_width: float
    plot: float
    plot_width: float
    rob: float
    width: float


def _geometry(plot: ForestPlot, lines: Sequence[_Line]) -> _Geometry:
    rows = plot.rows()
    totals = plot.totals()
    study_width = max(
        [_width(plot.word("study"), bold=True), _width(plot.word("total_events"))]
        + [_width(line.text, bold=line.kind in ("group", "total")) for line in lines
           if line.kind in ("group", "study", "total")]
    )  # fmt: skip
    shown = [any(r.group1 for r in rows), any(r.group2 for r in rows)]
    cell_widths = []
    for j, heading in enumerate(plot.columns):
        values = [plot.word(heading)] + [
            cells[j] for r in rows for cells in (r.group1, r.group2) if len(cells) > j
        ]
        values += [str(t) for t in _total_cells(totals, j, plot.columns)]
        cell_widths.append(max(0.32, max(_width(v, bold=True) for v in values)))
    arm_width = sum(cell_widths) + PAD * len(cell_widths)
    for j, arm_label in enumerate(plot.arm_labels):
        if shown[j] and _width(arm_label, bold=True) > arm_width and cell_widths:
            extra = (_width(arm_label, bold=True) - arm_width) / len(cell_widths)
            cell_widths = [w + extra for w in cell_widths]
            arm_width = sum(cell_widths) + PAD * len(cell_widths)
    x = study_width + PAD
    arms: list[tuple[float, ...]] = []
    for j in range(2):
        starts = []
        if shown[j]:
            for w in cell_widths:
                starts.append(x)
                x += w + PAD
        arms.append(tuple(starts))
    weight_width = max(_width(plot.word("weight"), bold=True), _width("100.0 %", bold=True))
    weight = x
    x += weight_width + PAD
    effect_texts = [r.effect_text(plot.decimals, plot.lang) for r in rows]
    effect_texts += [t.effect_text(plot.decimals, plot.lang) for t in totals]
    effect_width = max(
        [_width(plot.method_text, bold=True), _width(plot.measure_name, bold=True)]
        + [_width(t, bold=True) for t in effect_texts]
    )
    effect = x
    x += effect_width + PAD
    # notes (heterogeneity ...) run under the table from the left: widen the study column
    notes = max((_width(line.text) for line in lines if line.kind == "note"), default=0.0)
    if notes > x - PAD:
        shift = notes - (x - PAD)
        study_width += shift
        arms = [tuple(s + shift for s in a) for a in arms]
        weight += shift
        effect += shift
        x += shift
    favours = max(_width(f) for f in plot.favours)
    plot_width = max(2.4, 2 * favours + 0.4, _width(plot.method_text, bold=True) + 0.2)
    plot_left = x + PAD
    x = plot_left + plot_width
    rob_left = x + 2 * PAD
    if plot.rob_domains:
        x = rob_left + ROB_COLUMN * len(plot.rob_domains)
    return _Geometry(
        study=0.0,
        arms=(arms[0], arms[1]),
        cell_widths=tuple(cell_widths),
        weight=weight,
        weight_width=weight_width,
        effect=effect,
        effect_width=effect_width,
        plot=plot_left,
        plot_width=plot_width,
        rob=rob_left,
        width=x,
    )


def _total_cells(totals: Sequence[ForestTotal], j: int, columns: tuple[str, ...]) -> list[int]:
    heading = columns[j]
    out: list[int] = []
    for t in totals:
        values = (t.events1, t.events2) if heading == "Events" else (t.n1, t.n2)
        if heading in ("Events", "Total"):
            out += [v for v in values if v is not None]
    return out


def draw_forest(plot: ForestPlot, path: str | Path) -> Path:
    """Draw ``plot`` in RevMan 5's layout and write it as SVG, PNG or PDF by suffix.

    The table (study, each arm's cells, weight, effect) is on the left, the plot on
    the right, the RoB columns after it; the height grows with the rows.  Text stays
    text in SVG.
    """
    lines = _lines(plot)
    geo = _geometry(plot, lines)
    low, high = plot.axis_limits()
    header = 3 if plot.title else 2
    first = header + 0.4  # first body row (after the rule under the headings)
    axis_row = first + len(lines) + 0.6
    legend = [*plot.rob_legend]
    bottom = axis_row + 2.6 + (len(legend) + 1.8 if legend else 0)
    height = bottom * ROW
    fig = figure(geo.width, height)
    table: Axes = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    table.set_xlim(0, geo.width)
    table.set_ylim(bottom, 0)
    table.axis("off")
    area: Axes = fig.add_axes((geo.plot / geo.width, 0.0, geo.plot_width / geo.width, 1.0))
    area.set_ylim(bottom, 0)
    if plot.log_scale:
        area.set_xscale("log")
    area.set_xlim(low, high)
    area.axis("off")
    area.patch.set_visible(False)

    def text(x: float, y: float, s: str, **kw: Any) -> None:
        table.text(x, y, s, va="center", parse_math=False, **kw)

    _draw_headings(plot, geo, table, text, header)
    rule_y = header + 0.2
    table.plot([0, geo.width], [rule_y, rule_y], color="black", lw=0.6)
    heaviest = max((r.weight for r in plot.rows() if r.weight is not None), default=1.0) or 1.0
    for i, line in enumerate(lines):
        y = first + i + 0.5
        _draw_line(plot, geo, table, area, text, line, y, heaviest, (low, high))
    _draw_axis(plot, geo, table, area, text, rule_y, axis_row, (low, high))
    if legend:
        y = axis_row + 3.3
        text(0, y, plot.word("rob_legend"), fontweight="bold")
        for n, entry in enumerate(legend):
            text(0, y + n + 1, entry)
    return save(fig, path)


def _draw_headings(plot: ForestPlot, geo: _Geometry, table: Axes, text: Any, header: int) -> None:
    if plot.title:
        text(0, 0.5, plot.title, fontweight="bold", fontsize=FONT_SIZE + 1)
    top, below = header - 1.5, header - 0.5
    bold = {"fontweight": "bold"}
    text(0, below, plot.word("study"), **bold)
    for j, starts in enumerate(geo.arms):
        if not starts:
            continue
        left, right = starts[0], starts[-1] + geo.cell_widths[-1]
        if plot.arm_labels[j]:
            text((left + right) / 2, top, plot.arm_labels[j], ha="center", **bold)
        for s, w, heading in zip(starts, geo.cell_widths, plot.columns, strict=True):
            text(s + w / 2, below, plot.word(heading), ha="center", **bold)
    text(geo.weight + geo.weight_width / 2, below, plot.word("weight"), ha="center", **bold)
    middle = geo.effect + geo.effect_width / 2
    text(middle, top, plot.measure_name, ha="center", **bold)
    text(middle, below, plot.method_text, ha="center", **bold)
    centre = geo.plot + geo.plot_width / 2
    text(centre, top, plot.measure_name, ha="center", **bold)
    text(centre, below, plot.method_text, ha="center", **bold)
    if plot.rob_domains:
        span = ROB_COLUMN * len(plot.rob_domains)
        text(geo.rob + span / 2, top, plot.word("rob"), ha="center", **bold)
        for d, domain in enumerate(plot.rob_domains):
            text(geo.rob + ROB_COLUMN * (d + 0.5), below, domain, ha="center", **bold)


def _draw_line(
    plot: ForestPlot,
    geo: _Geometry,
    table: Axes,
    area: Axes,
    text: Any,
    line: _Line,
    y: float,
    heaviest: float,
    limits: tuple[float, float],
) -> None:
    bold = {"fontweight": "bold"}
    if line.kind == "group":
        text(0, y, line.text, **bold)
    elif line.kind == "note":
        text(0, y, line.text)
    elif line.kind == "study" and line.row is not None:
        row = line.row
        text(0, y, row.label)
        for starts, cells in zip(geo.arms, (row.group1, row.group2), strict=True):
            for s, w, cell in zip(starts, geo.cell_widths, cells, strict=False):
                text(s + w / 2, y, cell, ha="center")
        text(geo.weight + geo.weight_width / 2, y, row.weight_text(plot.lang), ha="center")
        text(geo.effect, y, row.effect_text(plot.decimals, plot.lang))
        if row.estimable and row.estimate is not None and row.weight is not None:
            assert row.ci_lb is not None and row.ci_ub is not None
            _interval(area, row.ci_lb, row.ci_ub, y, limits, SQUARE, 0.8)
            side = max(SQUARE_MIN, SQUARE_MAX * math.sqrt(max(row.weight, 0.0) / heaviest))
            area.plot([row.estimate], [y], marker="s", ms=side, color=SQUARE, ls="none", zorder=3)
        for d, judgement in enumerate(row.rob):
            if judgement is None:
                continue
            x = geo.rob + ROB_COLUMN * (d + 0.5)
            table.plot([x], [y], marker="o", ms=10, mfc=ROB_COLOURS[judgement], mec="none")
            text(x, y, ROB_SYMBOLS[judgement], ha="center", fontsize=FONT_SIZE - 0.5,
                 fontweight="bold", color="black")  # fmt: skip
    elif line.kind == "total" and line.total is not None:
        total = line.total
        text(0, y, total.label, **bold)
        _total_numbers(geo, plot.columns, text, y, (total.n1, total.n2), "Total", bold)
        weight = total.weight_text(plot.lang)
        text(geo.weight + geo.weight_width / 2, y, weight, ha="center", **bold)
        text(geo.effect, y, total.effect_text(plot.decimals, plot.lang), **bold)
        if total.prediction is not None:
            _interval(area, *total.prediction, y, limits, DIAMOND, 1.2)
        _diamond(area, total, y, limits, plot.log_scale)
    elif line.kind == "events" and line.total is not None:
        text(0, y, line.text)
        counts = (line.total.events1, line.total.events2)
        _total_numbers(geo, plot.columns, text, y, counts, "Events", {})


def _total_numbers(
    geo: _Geometry,
    columns: tuple[str, ...],
    text: Any,
    y: float,
    values: tuple[int | None, int | None],
    heading: str,
    style: dict[str, str],
) -> None:
    if heading not in columns:
        return
    j = columns.index(heading)
    for starts, value in zip(geo.arms, values, strict=True):
        if starts and value is not None:
            text(starts[j] + geo.cell_widths[j] / 2, y, str(value), ha="center", **style)


def _interval(
    area: Axes,
    lb: float,
    ub: float,
    y: float,
    limits: tuple[float, float],
    colour: str,
    width: float,
) -> None:
    """A confidence interval as a line; an arrow where it leaves the scale."""
    low, high = limits
    style: dict[str, Any] = {"color": colour, "lw": width, "zorder": 2, "solid_capstyle": "butt"}
    if ub < low or lb > high:  # all of it beyond the scale: an arrow at the edge
        edge, marker = (low, "<") if ub < low else (high, ">")
        area.plot([edge], [y], marker=marker, ms=4, color=colour, clip_on=False, ls="none")
        return
    left, right = max(lb, low), min(ub, high)
    area.plot([left, right], [y, y], **style)
    if lb < low:
        area.plot([low], [y], marker="<", ms=4, color=colour, clip_on=False, ls="none")
    if ub > high:
        area.plot([high], [y], marker=">", ms=4, color=colour, clip_on=False, ls="none")


def _diamond(
    area: Axes, total: ForestTotal, y: float, limits: tuple[float, float], log: bool
) -> None:
    """The (sub)total's diamond, cut where it leaves the scale (with an arrow there)."""
    from matplotlib.patches import Polygon

    def scale(x: float) -> float:
        return math.log(x) if log else x

    def unscale(x: float) -> float:
        return math.exp(x) if log else x

    low, high = (scale(v) for v in limits)
    corners = [
        (scale(total.ci_lb), y),
        (scale(total.estimate), y - DIAMOND_HALF),
        (scale(total.ci_ub), y),
        (scale(total.estimate), y + DIAMOND_HALF),
    ]
    inside = _clip(_clip(corners, low, keep_above=True), high, keep_above=False)
    if len(inside) >= 3:
        shape = [(unscale(x), yy) for x, yy in inside]
        area.add_patch(Polygon(shape, closed=True, facecolor=DIAMOND, edgecolor=DIAMOND,
                               lw=0.5, zorder=4))  # fmt: skip
    for beyond, edge, marker in ((total.ci_lb < limits[0], limits[0], "<"),
                                 (total.ci_ub > limits[1], limits[1], ">")):  # fmt: skip
        if beyond:
            area.plot([edge], [y], marker=marker, ms=4, color=DIAMOND, clip_on=False, ls="none")


def _clip(
    polygon: Sequence[tuple[float, float]], bound: float, *, keep_above: bool
) -> list[tuple[float, float]]:
    """The part of a convex polygon with x >= bound (or <= bound): one step of
    Sutherland-Hodgman clipping."""

    def keep(point: tuple[float, float]) -> bool:
        return point[0] >= bound if keep_above else point[0] <= bound

    out: list[tuple[float, float]] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        if keep(current) != keep(previous):
            t = (bound - previous[0]) / (current[0] - previous[0])
            out.append((bound, previous[1] + t * (current[1] - previous[1])))
        if keep(current):
            out.append(current)
    return out


def _draw_axis(
    plot: ForestPlot,
    geo: _Geometry,
    table: Axes,
    area: Axes,
    text: Any,
    top: float,
    axis_row: float,
    limits: tuple[float, float],
) -> None:
    low, high = limits
    area.plot([plot.null, plot.null], [top, axis_row], color="black", lw=0.6, zorder=1)
    area.plot([low, high], [axis_row, axis_row], color="black", lw=0.6, clip_on=False)
    for tick in plot.ticks():
        area.plot([tick, tick], [axis_row, axis_row + 0.3], color="black", lw=0.6,
                  clip_on=False)  # fmt: skip
        area.text(tick, axis_row + 0.9, decimal(f"{tick:g}", plot.lang), ha="center", va="center",
                  parse_math=False)  # fmt: skip
    centre = geo.plot + geo.plot_width / 2
    y = axis_row + 2.0
    text(centre - 0.08, y, plot.favours[0], ha="right")
    text(centre + 0.08, y, plot.favours[1], ha="left")
