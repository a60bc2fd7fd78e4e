"""The PRISMA 2020 flow diagram: the boxes and arrows of the template, filled from a
review's :class:`~sysreview.model.PrismaCounts`, and its drawing.

Source: Page MJ, McKenzie JE, Bossuyt PM, et al.  The PRISMA 2020 statement: an
updated guideline for reporting systematic reviews.  BMJ 2021;372:n71, figure 1, and
the flow diagram templates published with it ("new systematic reviews which included
searches of databases, registers and other sources"; "updated systematic reviews").
The phases are Identification, Screening and Included; the databases-and-registers
column runs records identified -> records screened -> reports sought for retrieval ->
reports assessed for eligibility -> studies included, each with the records or reports
removed or excluded beside it.

What :class:`~sysreview.model.PrismaCounts` cannot fill, and what is drawn instead:

* Records removed before screening: only duplicates (the model has no count of
  records marked ineligible by automation tools or removed for other reasons, so
  those lines are left out).  An unknown count is drawn ``n = not reported``
  (``n = ikke oppgitt``).
* Reports sought for retrieval and not retrieved are the counts' own where they
  have them (derived counts do: the records screening sent on, and those whose full
  text is marked not retrieved).  Recorded counts without them: sought is records
  screened minus records excluded, and not retrieved is 0 when every report sought
  was assessed, not reported when the counts do not say.
* Other sources: the counts pool records from other sources into screening, as the
  PRISMA 2009 diagram did, so the other-methods column is a single box
  (``identified_other``) whose arrow joins records screened; it is left out when the
  count is unknown or 0.
* Every other box on the main path is always drawn, not reported where the count
  is unknown; the line for systematic reviews included is drawn only when the count is
  known and above 0; exclusion reasons only when given.

Box texts are in English or Norwegian bokmål.  The Norwegian wording is the one the
Norwegian Institute of Public Health uses in its flow diagrams (e.g. "Referanser
identifisert gjennom databasesøk", "Fulltekster vurdert"), with PRISMA 2020 terms
where those diagrams have none.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...errors import DataError
from ...model import PrismaCounts, ReviewData
from ...prisma import Finding, check
from ._style import FONT_SIZE, figure, save

LANGS = ("en", "nb")

#: the drawing's columns, left to right
COLUMNS = ("previous", "databases", "databases_side", "other")

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "identified_databases": "Records identified from databases",
        "identified_other": "Records identified from other sources",
        "removed_before_screening": "Records removed before screening:",
        "duplicates_removed": "Duplicate records removed",
        "screened": "Records screened",
        "excluded_screening": "Records excluded",
        "reports_sought": "Reports sought for retrieval",
        "reports_not_retrieved": "Reports not retrieved",
        "fulltext_assessed": "Reports assessed for eligibility",
        "fulltext_excluded": "Reports excluded",
        "studies_included": "Studies included in review",
        "reports_included": "Reports of included studies",
        "systematic_reviews_included": "Systematic reviews included",
        "new_studies_included": "New studies included in review",
        "new_reports_included": "Reports of new included studies",
        "previous_studies": "Studies included in previous version of review",
        "previous_reports": "Reports of studies included in previous version of review",
        "total_studies": "Total studies included in review",
        "total_reports": "Reports of total included studies",
        "header_databases": "Identification of studies via databases and registers",
        "header_other": "Identification of studies via other methods",
        "header_previous": "Previous studies",
        "phase_identification": "Identification",
        "phase_screening": "Screening",
        "phase_included": "Included",
        "unknown": "not reported",
    },
    "nb": {
        "identified_databases": "Referanser identifisert gjennom databasesøk",
        "identified_other": "Referanser identifisert gjennom andre kilder",
        "removed_before_screening": "Referanser fjernet før screening:",
        "duplicates_removed": "Duplikater fjernet",
        "screened": "Referanser vurdert på tittel/abstrakt",
        "excluded_screening": "Referanser ekskludert",
        "reports_sought": "Fulltekster forsøkt innhentet",
        "reports_not_retrieved": "Fulltekster som ikke ble innhentet",
        "fulltext_assessed": "Fulltekster vurdert",
        "fulltext_excluded": "Fulltekster ekskludert",
        "studies_included": "Inkluderte studier",
        "reports_included": "Publikasjoner av inkluderte studier",
        "systematic_reviews_included": "Inkluderte systematiske oversikter",
        "new_studies_included": "Nye studier inkludert i oversikten",
        "new_reports_included": "Publikasjoner av nye inkluderte studier",
        "previous_studies": "Studier inkludert i forrige versjon av oversikten",
        "previous_reports": "Publikasjoner av studier inkludert i forrige versjon",
        "total_studies": "Studier inkludert i alt",
        "total_reports": "Publikasjoner av alle inkluderte studier",
        "header_databases": "Identifisering av studier gjennom databaser og registre",
        "header_other": "Identifisering av studier gjennom andre kilder",
        "header_previous": "Tidligere studier",
        "phase_identification": "Identifisering",
        "phase_screening": "Screening",
        "phase_included": "Inkludert",
        "unknown": "ikke oppgitt",
    },
}


@dataclass(frozen=True)
class Box:
    """One line of the diagram with its count: ``text`` as drawn (``"Records
    screened (n = 7186)"``; ``n = not reported`` when the count is unknown), ``n`` the count
    (``None`` when unknown or, for a heading such as "Records removed before
    screening:", when the line has none).

    Boxes in the same ``column`` and ``row`` are drawn as one frame, their texts one
    below the other (the exclusion reasons under "Reports excluded").
    """

    key: str
    text: str
    n: int | None
    column: str
    row: int


@dataclass(frozen=True)
class PrismaFlow:
    """The flow diagram as data.

    ``arrows`` join the frames of two boxes (by key, from -> to); ``findings`` are
    the ways the counts fail to add up (:func:`sysreview.prisma.check`); ``headers``
    the column headings (column -> text), ``phases`` the phase banners (text, first
    row, last row).
    """

    boxes: tuple[Box, ...]
    arrows: tuple[tuple[str, str], ...]
    findings: tuple[Finding, ...]
    headers: tuple[tuple[str, str], ...] = ()
    phases: tuple[tuple[str, int, int], ...] = ()
    lang: str = "en"

    def box(self, key: str) -> Box:
        """The box with ``key``; ``KeyError`` when the diagram has none."""
        for b in self.boxes:
            if b.key == key:
                return b
        raise KeyError(f"the flow diagram has no box {key!r}")

    def box_keys(self) -> tuple[str, ...]:
        """Every box's key, in drawing order."""
        return tuple(b.key for b in self.boxes)


def _n(value: int | None, lang: str) -> str:
    return _TEXTS[lang]["unknown"] if value is None else str(value)


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def _plus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def prisma_flow(
    counts: PrismaCounts,
    *,
    data: ReviewData | None = None,
    lang: str = "en",
    previous: PrismaCounts | None = None,
    exclusion_reasons: Mapping[str, int] | None = None,
) -> PrismaFlow:
    """The PRISMA 2020 flow diagram of ``counts``.

    ``exclusion_reasons`` (reason -> reports) are listed under reports excluded; by
    default ``counts.fulltext_excluded_by_reason``.  ``previous`` (the counts of the
    previous version of an updated review) adds the previous-studies column and the
    totals; the included boxes then count the new studies.  ``data`` lets the
    findings also compare the counts with the review's lists of studies, reports and
    exclusions.  See the module's documentation for the boxes the counts cannot fill.
    """
    if lang not in LANGS:
        raise DataError(f"language {lang!r} is not one of: {', '.join(LANGS)}")
    words = _TEXTS[lang]
    reasons = dict(
        counts.fulltext_excluded_by_reason if exclusion_reasons is None else exclusion_reasons
    )
    for reason, count in reasons.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise DataError(f"exclusion reason {reason!r}: count must be 0 or more, got {count!r}")
    boxes: list[Box] = []

    def add(key: str, n: int | None, column: str, row: int, text_key: str | None = None) -> None:
        label = words[text_key or key]
        boxes.append(Box(key, f"{label} (n = {_n(n, lang)})", n, column, row))

    if previous is not None:
        add("previous_studies", previous.studies_included, "previous", 0)
        add("previous_reports", previous.reports_included, "previous", 0)
    add("identified_databases", counts.identified_databases, "databases", 0)
    boxes.append(
        Box(
            "removed_before_screening",
            words["removed_before_screening"],
            None,
            "databases_side",
            0,
        )
    )
    add("duplicates_removed", counts.duplicates_removed, "databases_side", 0)
    other = bool(counts.identified_other)
    if other:
        add("identified_other", counts.identified_other, "other", 0)
    add("screened", counts.screened, "databases", 1)
    add("excluded_screening", counts.excluded_screening, "databases_side", 1)
    sought = counts.reports_sought
    not_retrieved = counts.reports_not_retrieved
    if sought is None:
        sought = _minus(counts.screened, counts.excluded_screening)
    if not_retrieved is None and sought is not None and sought == counts.fulltext_assessed:
        not_retrieved = 0
    add("reports_sought", sought, "databases", 2)
    add("reports_not_retrieved", not_retrieved, "databases_side", 2)
    add("fulltext_assessed", counts.fulltext_assessed, "databases", 3)
    add("fulltext_excluded", counts.fulltext_excluded, "databases_side", 3)
    for i, (reason, count) in enumerate(reasons.items(), start=1):
        boxes.append(
            Box(f"excluded_reason_{i}", f"{reason} (n = {count})", count, "databases_side", 3)
        )
    new = "new_" if previous is not None else ""
    add("studies_included", counts.studies_included, "databases", 4, f"{new}studies_included")
    add("reports_included", counts.reports_included, "databases", 4, f"{new}reports_included")
    if counts.systematic_reviews_included:
        add("systematic_reviews_included", counts.systematic_reviews_included, "databases", 4)
    if previous is not None:
        add(
            "total_studies",
            _plus(previous.studies_included, counts.studies_included),
            "databases",
            5,
        )
        add(
            "total_reports",
            _plus(previous.reports_included, counts.reports_included),
            "databases",
            5,
        )

    arrows: list[tuple[str, str]] = [
        ("identified_databases", "removed_before_screening"),
        ("identified_databases", "screened"),
    ]
    if other:
        arrows.append(("identified_other", "screened"))
    arrows += [
        ("screened", "excluded_screening"),
        ("screened", "reports_sought"),
        ("reports_sought", "reports_not_retrieved"),
        ("reports_sought", "fulltext_assessed"),
        ("fulltext_assessed", "fulltext_excluded"),
        ("fulltext_assessed", "studies_included"),
    ]
    if previous is not None:
        arrows += [("studies_included", "total_studies"), ("previous_studies", "total_studies")]

    headers = [("databases", words["header_databases"])]
    if other:
        headers.append(("other", words["header_other"]))
    if previous is not None:
        headers.insert(0, ("previous", words["header_previous"]))
    last = 5 if previous is not None else 4
    return PrismaFlow(
        boxes=tuple(boxes),
        arrows=tuple(arrows),
        findings=tuple(check(counts, data)),
        headers=tuple(headers),
        phases=(
            (words["phase_identification"], 0, 0),
            (words["phase_screening"], 1, 3),
            (words["phase_included"], 4, last),
        ),
        lang=lang,
    )


# --- drawing -----------------------------------------------------------------------

_WIDTHS = {"previous": 2.1, "databases": 2.3, "databases_side": 2.8, "other": 2.1}
_GAP_X = 0.4  # inches between columns
_GAP_Y = 0.32  # inches between rows
_LINE = 0.145  # inches per line of text
_PAD = 0.09  # inches of padding inside a frame
_PHASE = 0.28  # width of the phase banners
_HEADER_COLOURS = {"databases": "#F6E3A1", "other": "#D9D9D9", "previous": "#D9D9D9"}
_PHASE_COLOUR = "#A9C8E8"
#: the first box of a frame that lists items under it (drawn bold, left-aligned)
_HEADINGS = ("removed_before_screening", "fulltext_excluded")


@dataclass(frozen=True)
class _Frame:
    column: str
    row: int
    keys: tuple[str, ...]
    lines: tuple[tuple[str, bool], ...]  # text, bold


def _wrap(text: str, width: float, indent: str = "", *, bold: bool = False) -> list[str]:
    """``text`` in lines that fit ``width`` inches, never breaking ``(n = 12)``."""
    per_char = FONT_SIZE * (0.0078 if bold else 0.0068)  # inches, DejaVu Sans on average
    chars = max(12, int((width - 2 * _PAD) / per_char))
    kept = re.sub(r"\(n = [^)]*\)", lambda m: m.group(0).replace(" ", "\u00a0"), text)
    lines = textwrap.wrap(kept, chars, subsequent_indent=indent, break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in lines] or [text]


def _frames(flow: PrismaFlow) -> list[_Frame]:
    grouped: dict[tuple[str, int], list[Box]] = {}
    for b in flow.boxes:
        if b.column not in _WIDTHS:
            raise DataError(f"box {b.key!r}: unknown column {b.column!r}")
        grouped.setdefault((b.column, b.row), []).append(b)
    frames = []
    for (column, row), boxes in grouped.items():
        lines: list[tuple[str, bool]] = []
        listed = any(b.key in _HEADINGS for b in boxes) and len(boxes) > 1
        for b in boxes:
            heading = listed and b.key in _HEADINGS
            indent = "   " if listed and not heading else ""
            wrapped = _wrap(b.text, _WIDTHS[column], indent, bold=heading)
            lines += [(line, heading) for line in wrapped]
        frames.append(_Frame(column, row, tuple(b.key for b in boxes), tuple(lines)))
    return frames


def draw_prisma(flow: PrismaFlow, path: str | Path) -> Path:
    """The flow diagram as the PRISMA 2020 template lays it out: column headings on
    top, phase banners on the left, a frame per box group, arrows between them.
    Written as SVG, PNG or PDF by the suffix of ``path``."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    frames = _frames(flow)
    used = [c for c in COLUMNS if any(f.column == c for f in frames)]
    if "databases" in used and "databases_side" not in used:
        used.insert(used.index("databases") + 1, "databases_side")
    x_left: dict[str, float] = {}
    x = _PHASE + _GAP_X
    for column in used:
        x_left[column] = x
        x += _WIDTHS[column] + _GAP_X
    width = x - _GAP_X + 0.05
    rows = max(f.row for f in frames) + 1
    heights = [
        max((len(f.lines) * _LINE + 2 * _PAD for f in frames if f.row == r), default=0.3)
        for r in range(rows)
    ]
    for text, first, last in flow.phases:  # a phase banner needs room for its text
        if first >= rows:
            continue
        last = min(last, rows - 1)
        span = sum(heights[first : last + 1]) + _GAP_Y * (last - first)
        need = len(text) * FONT_SIZE * 0.0075 + 0.2
        if span < need:
            heights[last] += need - span
    header_h = 0.42
    y_top = [header_h + _GAP_Y]
    for h in heights[:-1]:
        y_top.append(y_top[-1] + h + _GAP_Y)
    height = y_top[-1] + heights[-1] + 0.05

    fig = figure(width, height)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()

    def rounded(x0: float, y0: float, w: float, h: float, colour: str, edge: str) -> None:
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=colour,
                edgecolor=edge,
                linewidth=0.6,
            )
        )

    header_of = dict(flow.headers)
    for column, text in header_of.items():
        cols = [column, "databases_side"] if column == "databases" else [column]
        x0 = x_left[cols[0]]
        x1 = x_left[cols[-1]] + _WIDTHS[cols[-1]]
        rounded(x0, 0.0, x1 - x0, header_h, _HEADER_COLOURS.get(column, "#D9D9D9"), "#7F7F7F")
        lines = _wrap(text, x1 - x0, bold=True)
        for k, line in enumerate(lines):
            y = header_h / 2 + (k - (len(lines) - 1) / 2) * _LINE
            ax.text((x0 + x1) / 2, y, line, ha="center", va="center", fontweight="bold")
    for text, first, last in flow.phases:
        if first >= rows:
            continue
        last = min(last, rows - 1)
        y0, y1 = y_top[first], y_top[last] + heights[last]
        rounded(0.0, y0, _PHASE, y1 - y0, _PHASE_COLOUR, "#5B7FA6")
        ax.text(
            _PHASE / 2,
            (y0 + y1) / 2,
            text,
            rotation=90,
            ha="center",
            va="center",
            fontweight="bold",
        )

    places: dict[str, tuple[float, float, float, float]] = {}  # key -> x0, y0, x1, y1
    for f in frames:
        x0, w = x_left[f.column], _WIDTHS[f.column]
        h = len(f.lines) * _LINE + 2 * _PAD
        y0 = y_top[f.row] + (heights[f.row] - h) / 2
        rounded(x0, y0, w, h, "white", "#404040")
        centred = not any(bold for _, bold in f.lines)
        for k, (line, bold) in enumerate(f.lines):
            ax.text(
                x0 + w / 2 if centred else x0 + _PAD,
                y0 + _PAD + (k + 0.5) * _LINE,
                line,
                ha="center" if centred else "left",
                va="center",
                fontweight="bold" if bold else "normal",
            )
        for key in f.keys:
            places[key] = (x0, y0, x0 + w, y0 + h)

    def arrow(points: list[tuple[float, float]]) -> None:
        for a, b in itertools.pairwise(points[:-1]):
            ax.plot([a[0], b[0]], [a[1], b[1]], color="#404040", lw=0.8, solid_capstyle="butt")
        ax.add_patch(
            FancyArrowPatch(
                points[-2],
                points[-1],
                arrowstyle="-|>",
                mutation_scale=8,
                color="#404040",
                lw=0.8,
                shrinkA=0,
                shrinkB=0,
            )
        )

    for source, target in flow.arrows:
        if source not in places or target not in places:
            continue
        sx0, sy0, sx1, sy1 = places[source]
        tx0, ty0, tx1, ty1 = places[target]
        scx, tcx, tcy = (sx0 + sx1) / 2, (tx0 + tx1) / 2, (ty0 + ty1) / 2
        if abs(scx - tcx) < 1e-9:  # same column: straight down
            arrow([(scx, sy1), (tcx, ty0)])
        elif sy0 < ty1 and ty0 < sy1:  # same row: across
            arrow([(sx1, tcy), (tx0, tcy)] if sx1 <= tx0 else [(sx0, tcy), (tx1, tcy)])
        elif scx < tcx:  # from a column on the left: down, then across
            arrow([(scx, sy1), (scx, tcy), (tx0, tcy)])
        else:  # from the right: down, across above the target, down into it
            mid = ty0 - _GAP_Y / 2
            arrow([(scx, sy1), (scx, mid), (tcx, mid), (tcx, ty0)])
    return save(fig, path)
