"""Risk-of-bias figures as robvis draws them: the traffic-light plot (one row per
study, one column per domain and the overall judgement) and the summary plot (per
domain, the share of studies at each judgement as a 100 % stacked bar).

RoB 1 has no overall judgement of a study (Cochrane Handbook 5.1, 8.7; RevMan 5's
"risk of bias graph" and "summary" show the domains alone), so its figures draw the
domains only; the tables keep the derived overall judgement as data.  RoB 2 and
ROBINS-I figures draw the overall judgement, as the tools define one.

Sources:

* McGuinness LA, Higgins JPT.  Risk-of-bias VISualization (robvis): an R package and
  Shiny web app for visualizing risk-of-bias assessments.  Res Synth Methods
  2021;12:55-61.  The colours and symbols (``_style.ROB_COLOURS``/``ROB_SYMBOLS``), the
  layout of both plots, and the *weighted* summary, where each study counts by its
  weight in the analysis instead of once.
* The tools themselves (RoB 1, RoB 2, ROBINS-I: domains, headings, judgements, and
  the overall judgement derived from the domains) come from
  :mod:`sysreview.appraisal.tools`, which cites their papers.

The data (:class:`RobTable`, :class:`RobSummary`) are plain values; matplotlib is
imported only inside the ``draw_*`` functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...appraisal import tools
from ...appraisal.tools import OVERALL, TOOLS, Tool, ToolDomain, derive_overall
from ...errors import DataError
from ...model import RobAssessment
from ._style import FONT_SIZE, ROB_COLOURS, ROB_SYMBOLS, figure, save

LANGS = ("en", "nb")

__all__ = [
    "LANGS",
    "OVERALL",
    "ROB2_DOMAINS",
    "ROBINS_I_DOMAINS",
    "TOOLS",
    "RobSummary",
    "RobTable",
    "Tool",
    "ToolDomain",
    "derive_overall",
    "draw_summary",
    "draw_traffic_light",
    "draws_overall",
    "rob_summary",
    "rob_table",
]

ROB2_DOMAINS: tuple[ToolDomain, ...] = TOOLS["rob2"].domains
ROBINS_I_DOMAINS: tuple[ToolDomain, ...] = TOOLS["robins_i"].domains


#: judgement names for keys and legends
JUDGEMENT_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "low": "Low",
        "unclear": "Unclear",
        "high": "High",
        "some_concerns": "Some concerns",
        "moderate": "Moderate",
        "serious": "Serious",
        "critical": "Critical",
        "no_information": "No information",
    },
    "nb": {
        "low": "Lav",
        "unclear": "Uklar",
        "high": "Høy",
        "some_concerns": "Noe bekymring",
        "moderate": "Moderat",
        "serious": "Alvorlig",
        "critical": "Kritisk",
        "no_information": "Ingen informasjon",
    },
}

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "domains": "Domains:",
        "judgement": "Judgement",
        "overall": "Overall",
        "overall_long": "Overall risk of bias",
        "title": "Risk of bias domains",
        "study": "Study",
        "axis": "Studies (%)",
        "axis_weighted": "Studies, weighted by analysis weight (%)",
        "not_assessed": "not assessed",
    },
    "nb": {
        "domains": "Domener:",
        "judgement": "Vurdering",
        "overall": "Samlet",
        "overall_long": "Samlet risiko for skjevheter",
        "title": "Domener for risiko for skjevheter",
        "study": "Studie",
        "axis": "Studier (%)",
        "axis_weighted": "Studier, vektet etter analysevekt (%)",
        "not_assessed": "ikke vurdert",
    },
}


@dataclass(frozen=True)
class RobTable:
    """Study × domain judgements of one tool, with the overall judgement per study.

    ``domain_labels`` are the column headings (A-G for RoB 1 as in RevMan, D1-D5 for
    RoB 2, D1-D7 for ROBINS-I), ``legend`` the domain names in the table's language.
    ``cells[i][j]`` is study ``i``'s judgement in domain ``j`` (``None``: not
    assessed).  ``overall`` is the tool's ``overall`` domain where the review records
    one, else derived from the domains (see :func:`derive_overall`).  ``ids`` are the
    study identifiers behind ``studies`` (the labels shown); ``overall_derived`` says,
    per study, whether its overall judgement was derived.
    """

    tool: str
    domains: tuple[str, ...]
    domain_labels: tuple[str, ...]
    legend: tuple[str, ...]
    studies: tuple[str, ...]
    cells: tuple[tuple[str | None, ...], ...]
    overall: tuple[str | None, ...]
    ids: tuple[str, ...] = ()
    overall_derived: tuple[bool, ...] = ()
    lang: str = "en"

    def cell(self, study: str, domain: str) -> str | None:
        """The judgement of ``study`` (its id or label) in ``domain`` (its code, its
        heading, or ``overall``)."""
        row = _index(study, self.ids, self.studies, "study")
        if domain == OVERALL:
            return self.overall[row]
        return self.cells[row][_index(domain, self.domains, self.domain_labels, "domain")]


@dataclass(frozen=True)
class RobSummary:
    """Per domain (and overall, last), the share of studies at each judgement.

    ``shares[i]`` maps every judgement of the tool, best first, to its proportion
    among the studies assessed in domain ``i`` (summing to 1); ``weighted`` says
    whether each study counted once or by its analysis weight.  ``counts`` are the
    studies assessed per domain.
    """

    domains: tuple[str, ...]
    labels: tuple[str, ...]
    shares: tuple[dict[str, float], ...]
    weighted: bool
    tool: str = "rob1"
    lang: str = "en"
    counts: tuple[int, ...] = ()


def _index(key: str, codes: tuple[str, ...], labels: tuple[str, ...], what: str) -> int:
    if key in codes:
        return codes.index(key)
    if key in labels:
        return labels.index(key)
    raise DataError(f"no {what} {key!r} in the risk-of-bias table")


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise DataError(f"language {lang!r} is not one of: {', '.join(LANGS)}")
    return lang


def rob_table(
    assessments: Iterable[RobAssessment],
    *,
    tool: str,
    study_labels: Mapping[str, str] | None = None,
    lang: str = "en",
    outcome: str | None = None,
) -> RobTable:
    """The traffic-light table of one tool from a review's risk-of-bias judgements.

    Only consensus judgements of ``tool`` count.  Judgements without an outcome apply
    to every outcome; with ``outcome`` given, that outcome's judgements override them
    (judgements for other outcomes are ignored).  Studies come in the order first
    seen, labelled by ``study_labels`` (study id -> label; the id where missing).
    Domains may be given by code or by heading (``D1``); a domain ``overall`` is the
    overall judgement, otherwise it is derived (:func:`derive_overall`).

    Raises :class:`DataError` for an unknown tool, domain or judgement, two different
    consensus judgements of one study, domain and outcome, or no judgement at all.
    """
    spec = tools.tool(tool)
    if spec.subject != "study":
        raise DataError(
            f"{spec.name_en} appraises systematic reviews, not studies' risk of bias",
            hint="risk-of-bias tools: " + ", ".join(tools.ROB_TOOLS),
        )
    _lang(lang)
    allowed = set(spec.judgements)
    general: dict[tuple[str, str], str] = {}
    specific: dict[tuple[str, str], str] = {}
    order: dict[str, None] = {}
    for a in assessments:
        if a.tool != tool or not a.consensus:
            continue
        if a.outcome is not None and a.outcome != outcome:
            continue
        code = tools.domain_code(spec, a.domain)
        if a.judgement not in allowed:
            raise DataError(
                f"{spec.name_en}, study {a.study!r}, domain {a.domain!r}: judgement "
                f"{a.judgement!r} is not one the tool uses",
                hint="judgements are: " + ", ".join(spec.judgements),
            )
        target = general if a.outcome is None else specific
        key = (a.study, code)
        if key in target and target[key] != a.judgement:
            raise DataError(
                f"{spec.name_en}, study {a.study!r}, domain {a.domain!r}"
                + (f", outcome {a.outcome!r}" if a.outcome else "")
                + f": two consensus judgements ({target[key]!r} and {a.judgement!r})",
                hint="keep one consensus judgement per study, domain and outcome",
            )
        target[key] = a.judgement
        order[a.study] = None
    if not order:
        raise DataError(
            f"no consensus {spec.name_en} judgements"
            + (f" for outcome {outcome!r}" if outcome else "")
        )
    judged = {**general, **specific}
    codes = tuple(d.code for d in spec.domains)
    labels = dict(study_labels or {})
    ids = tuple(order)
    cells = tuple(tuple(judged.get((study, code)) for code in codes) for study in ids)
    recorded = [judged.get((study, OVERALL)) for study in ids]
    overall = tuple(
        r if r is not None else derive_overall(tool, row)
        for r, row in zip(recorded, cells, strict=True)
    )
    return RobTable(
        tool=tool,
        domains=codes,
        domain_labels=spec.headings,
        legend=tuple(d.name_nb if lang == "nb" else d.name_en for d in spec.domains),
        studies=tuple(labels.get(study, study) for study in ids),
        cells=cells,
        overall=overall,
        ids=ids,
        overall_derived=tuple(r is None for r in recorded),
        lang=lang,
    )


def rob_summary(table: RobTable, *, weights: Mapping[str, float] | None = None) -> RobSummary:
    """The summary plot's shares: per domain, then overall, the proportion of studies
    at each judgement, among the studies assessed in that domain.

    Without ``weights`` each study counts once.  With ``weights`` (study id or label ->
    weight, e.g. its percentage weight in a meta-analysis, as robvis' weighted
    summary), each study counts by its weight; studies without a weight are left out.
    A domain no study was judged in has no shares (an empty bar, ``counts`` 0).
    Raises :class:`DataError` for a negative weight.
    """
    spec = tools.tool(table.tool)
    ids = table.ids or table.studies
    study_weights: list[float | None]
    if weights is None:
        study_weights = [1.0] * len(ids)
    else:
        study_weights = []
        for study_id, label in zip(ids, table.studies, strict=True):
            w = weights.get(study_id, weights.get(label))
            if w is not None and (w != w or w < 0):
                raise DataError(f"study {study_id!r}: weight must be 0 or more, got {w!r}")
            study_weights.append(None if w is None else float(w))
    columns = [*zip(*table.cells, strict=True)] if table.cells else []
    columns.append(table.overall)
    shares: list[dict[str, float]] = []
    counts: list[int] = []
    names = [*table.legend, _WORDS[table.lang]["overall_long"]]
    for column in columns:
        totals = dict.fromkeys(spec.judgements, 0.0)
        n = 0
        for judgement, w in zip(column, study_weights, strict=True):
            if judgement is None or w is None:
                continue
            totals[judgement] += w
            n += 1
        total = sum(totals.values())
        shares.append({j: (v / total if total > 0 else 0.0) for j, v in totals.items()})
        counts.append(n)
    return RobSummary(
        domains=(*table.domains, OVERALL),
        labels=tuple(names),
        shares=tuple(shares),
        weighted=weights is not None,
        tool=table.tool,
        lang=table.lang,
        counts=tuple(counts),
    )


# --- drawing -----------------------------------------------------------------------


def draws_overall(tool: str) -> bool:
    """Whether the figures of ``tool`` show an overall judgement (not RoB 1's)."""
    return tool != "rob1"


def _key_entries(tool: Tool, lang: str, present: set[str]) -> list[str]:
    """The judgements the key lists: the tool's own, plus no information if used."""
    return [j for j in tool.judgements if j != "no_information" or j in present]


def draw_traffic_light(table: RobTable, path: str | Path) -> Path:
    """The traffic-light plot: a coloured circle with its symbol per study and domain
    (and overall, set apart on the right), headings on top, study labels on the left,
    the domain names and the judgement key below.  Written as SVG, PNG or PDF by the
    suffix of ``path``."""
    from matplotlib.patches import Circle, Rectangle

    spec = tools.tool(table.tool)
    words = _WORDS[table.lang]
    names = JUDGEMENT_NAMES[table.lang]
    n_rows, n_dom = len(table.studies), len(table.domains)
    overall = draws_overall(table.tool)
    rows = [(*cells, table.overall[i]) if overall else cells for i, cells in enumerate(table.cells)]
    present = {j for row in rows for j in row if j is not None}
    entries = _key_entries(spec, table.lang, present)
    derived = overall and any(table.overall_derived)
    unassessed = any(None in row for row in rows)

    # layout in grid cells (y downwards): title and headings above row 0, the study
    # rows, then the domain names and the judgement key
    cell = 0.34  # inches per grid cell
    line = 0.52  # cells per line of legend text
    gap = 0.3  # cells between the domains and the overall column
    xs = [float(j) for j in range(n_dom)] + ([n_dom + gap] if overall else [])
    legend_top = n_rows
    key_top = legend_top + line * (n_dom + 1 + derived) + 0.4
    bottom = key_top + line * (len(entries) + 1 + unassessed) + 0.2
    top = -2.2
    x0, x1 = -0.5, (n_dom + gap + 0.5) if overall else n_dom - 0.5
    fig = figure((x1 - x0) * cell, (bottom - top) * cell)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(x0, x1)
    ax.set_ylim(bottom, top)
    ax.set_axis_off()

    def judged(x: float, y: float, judgement: str, radius: float, size: float) -> None:
        ax.add_patch(
            Circle((x, y), radius, facecolor=ROB_COLOURS[judgement], edgecolor="#404040", lw=0.4)
        )
        dark = judgement not in ("low", "unclear", "some_concerns", "moderate")
        ax.text(
            x,
            y,
            ROB_SYMBOLS[judgement],
            ha="center",
            va="center_baseline",
            color="white" if dark else "black",
            fontsize=size,
            fontweight="bold",
        )

    ax.text((n_dom - 1) / 2, -1.65, words["title"], ha="center", va="center", fontweight="bold")
    headings = (*table.domain_labels, *((words["overall"],) if overall else ()))
    for x, heading in zip(xs, headings, strict=True):
        ax.text(x, -0.95, heading, ha="center", va="center", fontweight="bold")
    for i, label in enumerate(table.studies):
        ax.text(-0.7, i, label, ha="right", va="center")
        for x, judgement in zip(xs, rows[i], strict=True):
            ax.add_patch(
                Rectangle((x - 0.5, i - 0.5), 1, 1, facecolor="#F0F0F0", edgecolor="white", lw=0.8)
            )
            if judgement is not None:
                judged(x, i, judgement, 0.38, FONT_SIZE + 1)

    ax.text(x0, legend_top, words["domains"], ha="left", va="top", fontweight="bold")
    for k, (heading, name) in enumerate(zip(table.domain_labels, table.legend, strict=True)):
        ax.text(x0, legend_top + line * (k + 1), f"{heading}: {name}", ha="left", va="top")
    if derived:
        note = {
            "en": "Overall: derived from the domains",
            "nb": "Samlet: utledet fra domenene",
        }[table.lang]
        ax.text(x0, legend_top + line * (n_dom + 1), note, ha="left", va="top", style="italic")
    ax.text(x0, key_top, words["judgement"], ha="left", va="top", fontweight="bold")
    for k, judgement in enumerate(entries):
        y = key_top + line * (k + 1.5)
        judged(x0 + 0.25, y, judgement, 0.24, FONT_SIZE - 1)
        ax.text(x0 + 0.7, y, names[judgement], ha="left", va="center")
    if unassessed:
        y = key_top + line * (len(entries) + 1.5)
        ax.add_patch(
            Rectangle((x0 + 0.01, y - 0.24), 0.48, 0.48, facecolor="#F0F0F0", edgecolor="#BFBFBF")
        )
        ax.text(x0 + 0.7, y, words["not_assessed"], ha="left", va="center")
    return save(fig, path)


def draw_summary(summary: RobSummary, path: str | Path) -> Path:
    """The summary plot: a horizontal 100 % stacked bar per domain (overall last, in
    bold), the percentage axis below and the judgement key underneath.  Written as
    SVG, PNG or PDF by the suffix of ``path``."""
    spec = tools.tool(summary.tool)
    words = _WORDS[summary.lang]
    names = JUDGEMENT_NAMES[summary.lang]
    overall = draws_overall(summary.tool)
    shown = summary.shares if overall else summary.shares[:-1]
    labels = list(summary.labels if overall else summary.labels[:-1])
    n = len(shown)
    present = {j for shares in shown for j, v in shares.items() if v > 0}
    entries = _key_entries(spec, summary.lang, present)
    height = 0.28 * n + 0.3  # inches: the bars only; labels, axis and key lie outside
    fig = figure(4.0, height)
    ax: Any = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ys = [float(i) for i in range(n)]
    if overall:
        ys[-1] += 0.3  # overall set apart from the domains
    for y, shares in zip(ys, shown, strict=True):
        left = 0.0
        for judgement in spec.judgements:
            share = shares.get(judgement, 0.0) * 100
            if share <= 0:
                continue
            ax.barh(
                y,
                share,
                left=left,
                height=0.7,
                color=ROB_COLOURS[judgement],
                edgecolor="white",
                linewidth=0.6,
            )
            left += share
    ax.set_yticks(ys, labels)
    if overall:
        ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.set_ylim(max(ys) + 0.6, -0.6)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], ["0 %", "25 %", "50 %", "75 %", "100 %"])
    ax.set_xlabel(words["axis_weighted"] if summary.weighted else words["axis"])
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles = [_patch(ROB_COLOURS[j]) for j in entries]
    ax.legend(
        handles,
        [names[j] for j in entries],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.45 / height),
        ncol=len(entries),
        frameon=False,
        title=words["judgement"],
        handlelength=1.2,
        columnspacing=1.0,
    )
    return save(fig, path)


def _patch(colour: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="#404040", linewidth=0.4)
