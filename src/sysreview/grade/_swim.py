"""SWiM vote counting by direction of effect, and the data for an effect-direction plot.

When effects cannot be pooled, a review can still synthesise *which way* each study
points.  Sources:

* Campbell M, McKenzie JE, Sowden A, et al.  Synthesis without meta-analysis (SWiM)
  in systematic reviews: reporting guideline.  BMJ 2020;368:l6890.  Item 4 (synthesis
  method) names vote counting based on direction of effect as an acceptable method.
* Higgins JPT, et al. (eds).  Cochrane Handbook for Systematic Reviews of
  Interventions, chapter 12.2.2 (McKenzie & Brennan), "Vote counting based on the
  direction of effect": code each study as favouring the intervention or the control
  (whatever its statistical significance), report "the proportion of studies with
  effects favouring the intervention" with a 95 % confidence interval (e.g. Wilson),
  and test it with a sign test (a binomial test of that proportion against 0.5).
  Vote counting by statistical significance is *not* acceptable.
* Boon MH, Thomson H.  The effect direction plot revisited: application of the 2019
  Cochrane Handbook guidance on alternative synthesis methods.  Res Synth Methods
  2021;12:29-33 (after Thomson HJ, Thomas S, Res Synth Methods 2013;4:95-101).  The
  within-study rule for a domain with several outcomes: if at least 70 % of them point
  the same way, the domain takes that direction; otherwise it is mixed.  The plot
  shows ▲ (benefit), ▼ (harm) and ◄► (no change, or mixed/conflicting), one row per
  study and one column per outcome domain; symbol size may show the sample size.

Cells come as a review prints them (:class:`~sysreview.model.TrendRow`): ``+`` favours
the intervention, ``=`` no difference, ``-`` favours the control, each optionally
behind a label (``Smerte +``), several separated by ``;`` (``Smerte =; Helseplager +``).
``=`` is a direction of its own in the 70 % rule.  A study reported in several rows
(two publications) has its outcomes pooled per domain before the rule is applied, so
that it is counted once.  The proportion and the sign test use only the studies with a
direction (benefit or harm); ``no_difference`` and ``mixed`` studies are ties.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import NormalDist
from typing import Literal

from scipy import stats as _sps

from .. import model
from ..errors import DataError

Direction = Literal["benefit", "harm", "no_difference", "mixed"]
CiMethod = Literal["wilson", "clopper-pearson"]

#: How a printed symbol reads; U+2212 (minus) and U+2013 (en dash) stand for "-".
SYMBOLS: dict[str, Literal["+", "=", "-"]] = {
    "+": "+",
    "=": "=",
    "-": "-",
    "\u2212": "-",
    "\u2013": "-",
}
#: The effect-direction plot's symbol for each direction (Boon & Thomson).
PLOT_SYMBOLS: dict[str, str] = {
    "benefit": "▲",
    "harm": "▼",
    "no_difference": "◄►",
    "mixed": "◄►",
}
THRESHOLD = 0.7  # Boon & Thomson: at least 70 % of a domain's outcomes one way

_SEPARATORS = re.compile(r"[;\n]")
_CELL_HINT = (
    "write '+', '=' or '-', optionally after a label, several separated by ';' "
    "(e.g. 'Smerte =; Helseplager +')"
)


@dataclass(frozen=True)
class StudyDirection:
    """One study's direction of effect in one outcome domain.

    ``outcomes`` is how many sub-outcomes the cell reported and ``favouring`` how many
    of them favour the intervention; ``cell`` is the cell as printed (cells of several
    rows of one study joined by `` | ``).
    """

    study: str
    domain: str
    direction: Direction
    outcomes: int
    favouring: int
    cell: str


@dataclass(frozen=True)
class VoteCount:
    """Vote count for one domain: studies by direction, the proportion favouring the
    intervention among those with a direction, its CI, and the two-sided sign test."""

    domain: str
    studies: int
    benefit: int
    harm: int
    no_difference: int
    mixed: int
    proportion: float | None
    ci_lb: float | None
    ci_ub: float | None
    p_sign: float | None
    level: float = 0.95
    method: CiMethod = "wilson"

    def describe(self, lang: str) -> str:
        """One sentence: ``en`` (English) or ``nb`` (Norwegian bokmål, decimal comma)."""
        if lang not in ("en", "nb"):
            raise DataError(f"language {lang!r} is not one of: en, nb")
        nb = lang == "nb"
        directed = self.benefit + self.harm
        ties = _ties_text(self.no_difference, self.mixed, nb)
        if directed == 0 or self.proportion is None:
            if self.studies == 0:
                return (
                    "Ingen studier rapporterte dette utfallet" if nb else "No study reported this"
                )
            head = (
                "Ingen studier viste en retning på effekten"
                if nb
                else "No study showed a direction of effect"
            )
            return f"{head} ({ties})"
        pct = _percent(self.proportion)
        lvl = _number(self.level * 100, nb)
        ci = ""
        if self.ci_lb is not None and self.ci_ub is not None:
            lo, hi = _percent(self.ci_lb), _percent(self.ci_ub)
            ci = f", {lvl} % KI {lo} % til {hi} %" if nb else f", {lvl}% CI {lo}% to {hi}%"
        p = _p_value(self.p_sign, nb) if self.p_sign is not None else "–"
        if nb:
            noun = "studie" if directed == 1 else "studier"
            text = (
                f"{self.benefit} av {directed} {noun} var i favør av tiltaket ({pct} %{ci}); "
                f"fortegnstest {p}"
            )
            return f"{text}; {ties} er ikke talt med" if ties else text
        noun = "study" if directed == 1 else "studies"
        text = (
            f"{self.benefit} of {directed} {noun} favoured the intervention ({pct}%{ci}); "
            f"sign test {p}"
        )
        return f"{text}; {ties} not counted" if ties else text


@dataclass(frozen=True)
class EffectDirectionPlot:
    """The data of an effect-direction plot (Boon & Thomson): a row per study, a column
    per domain, ▲ benefit, ▼ harm, ◄► no difference or mixed, ``None`` where the study
    did not report the domain; ``sizes`` the sample size of the studies that have one
    (for the symbol size)."""

    domains: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str | None, ...]], ...]
    sizes: dict[str, int]


# --- parsing and the within-study rule ---------------------------------------------


def _parse_cell(study: str, domain: str, cell: str) -> list[Literal["+", "=", "-"]]:
    """The signs of a cell's sub-outcomes, in order."""

    def fail(why: str) -> DataError:
        return DataError(
            f"study {study!r}, domain {domain!r}: cannot read the cell {cell!r} ({why})",
            hint=_CELL_HINT,
        )

    signs: list[Literal["+", "=", "-"]] = []
    for raw in _SEPARATORS.split(cell):
        part = raw.strip()
        if not part:
            continue
        if part in SYMBOLS:
            signs.append(SYMBOLS[part])
            continue
        sign, label = part[-1], part[:-1]
        if sign not in SYMBOLS:
            raise fail(f"{part!r} does not end in '+', '=' or '-'")
        if not label[-1:].isspace() and label[-1:] != ":":
            raise fail(f"{part!r}: no space between the label and the sign")
        label = label.rstrip().rstrip(":").rstrip()
        if not label or label in SYMBOLS or label[-1] in SYMBOLS:
            raise fail(f"{part!r} has more than one sign")
        signs.append(SYMBOLS[sign])
    if not signs:
        raise fail("no '+', '=' or '-' in it")
    return signs


def _rule(signs: list[Literal["+", "=", "-"]], threshold: Fraction) -> Direction:
    """Boon & Thomson: the direction at least ``threshold`` of the outcomes share."""
    n = len(signs)
    ways: tuple[tuple[Literal["+", "=", "-"], Direction], ...] = (
        ("+", "benefit"),
        ("-", "harm"),
        ("=", "no_difference"),
    )
    for sign, direction in ways:
        if Fraction(signs.count(sign), n) >= threshold:
            return direction
    return "mixed"


def _threshold(threshold: float) -> Fraction:
    value = Fraction(str(threshold))
    if not Fraction(1, 2) < value <= 1:
        raise DataError(f"threshold must be above 0.5 and at most 1, got {threshold}")
    return value


def _selected(rows: Iterable[model.TrendRow], comparison_label: str | None) -> list[model.TrendRow]:
    rows = list(rows)
    if comparison_label is None or not rows:
        return rows
    chosen = [r for r in rows if r.comparison_label == comparison_label]
    if not chosen:
        labels = list(dict.fromkeys(r.comparison_label for r in rows))
        raise DataError(
            f"no trend row has the comparison label {comparison_label!r}",
            hint="labels are: " + "; ".join(repr(label) for label in labels),
        )
    return chosen


def _cells(
    rows: list[model.TrendRow],
) -> dict[str, dict[str, tuple[list[Literal["+", "=", "-"]], list[str]]]]:
    """study -> domain -> (signs, printed cells); studies and domains first-seen."""
    out: dict[str, dict[str, tuple[list[Literal["+", "=", "-"]], list[str]]]] = {}
    for row in rows:
        per_study = out.setdefault(row.study, {})
        for domain, value in row.directions.items():
            cell: object = value  # as loaded: YAML may give a number or null
            if cell is None:
                continue
            if not isinstance(cell, str):
                raise DataError(
                    f"study {row.study!r}, domain {domain!r}: the cell {cell!r} is not text",
                    hint=_CELL_HINT,
                )
            if not cell.strip():
                continue  # an empty cell: not reported
            signs, printed = per_study.setdefault(domain, ([], []))
            signs.extend(_parse_cell(row.study, domain, cell))
            printed.append(cell.strip())
    return {study: domains for study, domains in out.items() if domains}


def directions(
    rows: Iterable[model.TrendRow],
    *,
    comparison_label: str | None = None,
    threshold: float = THRESHOLD,
) -> list[StudyDirection]:
    """Each study's direction in each domain it reports (studies, then domains, in the
    order first seen).

    A cell with several outcomes takes the direction at least ``threshold`` (70 %) of
    them share, ``=`` counting as no difference; otherwise it is ``mixed``.  Rows of
    one study (several publications) are pooled per domain first.  An unreadable cell
    raises :class:`DataError` naming the study and the domain.
    """
    limit = _threshold(threshold)
    out: list[StudyDirection] = []
    for study, domains in _cells(_selected(rows, comparison_label)).items():
        for domain, (signs, printed) in domains.items():
            out.append(
                StudyDirection(
                    study=study,
                    domain=domain,
                    direction=_rule(signs, limit),
                    outcomes=len(signs),
                    favouring=signs.count("+"),
                    cell=" | ".join(printed),
                )
            )
    return out


# --- the statistics --------------------------------------------------------------


def sign_test(benefit: int, harm: int) -> float | None:
    """Two-sided exact sign test (binomial, p = 0.5) of ``benefit`` against ``harm``;
    ``None`` when both are 0.  Equals ``scipy.stats.binomtest(benefit, n).pvalue``."""
    if benefit < 0 or harm < 0:
        raise DataError(f"counts must not be negative, got {benefit} and {harm}")
    n = benefit + harm
    if n == 0:
        return None
    tail = sum(math.comb(n, i) for i in range(min(benefit, harm) + 1))
    return float(min(Fraction(1), Fraction(2 * tail, 2**n)))


def proportion_ci(
    x: int, n: int, *, level: float = 0.95, method: CiMethod = "wilson"
) -> tuple[float, float]:
    """Confidence interval for the proportion ``x / n``: Wilson's score interval
    (the Handbook's example) or the exact Clopper-Pearson interval."""
    if not 0 <= x <= n or n == 0:
        raise DataError(f"need 0 <= x <= n and n > 0, got x = {x}, n = {n}")
    _check_level(level)
    alpha = 1 - level
    if method == "wilson":
        z = NormalDist().inv_cdf(1 - alpha / 2)
        z2 = z * z
        centre = (x + z2 / 2) / (n + z2)
        half = z / (n + z2) * math.sqrt(x * (n - x) / n + z2 / 4)
        lb = 0.0 if x == 0 else max(0.0, centre - half)
        ub = 1.0 if x == n else min(1.0, centre + half)
        return lb, ub
    if method == "clopper-pearson":
        lb = 0.0 if x == 0 else float(_sps.beta.ppf(alpha / 2, x, n - x + 1))
        ub = 1.0 if x == n else float(_sps.beta.ppf(1 - alpha / 2, x + 1, n - x))
        return lb, ub
    raise DataError(f"method {method!r} is not one of: wilson, clopper-pearson")


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise DataError(
            f"level must be between 0 and 1, got {level}", hint="give it as a fraction: 0.95"
        )


def vote_count(
    rows: Iterable[model.TrendRow],
    *,
    comparison_label: str | None = None,
    level: float = 0.95,
    method: CiMethod = "wilson",
    threshold: float = THRESHOLD,
) -> list[VoteCount]:
    """One vote count per domain (domains in the order first seen).

    ``proportion`` is benefit / (benefit + harm), with its ``level`` CI (``method``
    "wilson" or "clopper-pearson"); ``p_sign`` the two-sided exact sign test.  Studies
    with no difference or mixed results are ties: counted, but in neither.
    """
    _check_level(level)
    if method not in ("wilson", "clopper-pearson"):
        raise DataError(f"method {method!r} is not one of: wilson, clopper-pearson")
    by_domain: dict[str, list[Direction]] = {}
    for d in directions(rows, comparison_label=comparison_label, threshold=threshold):
        by_domain.setdefault(d.domain, []).append(d.direction)
    out: list[VoteCount] = []
    for domain, found in by_domain.items():
        benefit, harm = found.count("benefit"), found.count("harm")
        n = benefit + harm
        lb: float | None = None
        ub: float | None = None
        if n:
            lb, ub = proportion_ci(benefit, n, level=level, method=method)
        out.append(
            VoteCount(
                domain=domain,
                studies=len(found),
                benefit=benefit,
                harm=harm,
                no_difference=found.count("no_difference"),
                mixed=found.count("mixed"),
                proportion=benefit / n if n else None,
                ci_lb=lb,
                ci_ub=ub,
                p_sign=sign_test(benefit, harm),
                level=level,
                method=method,
            )
        )
    return out


def effect_direction_plot(
    rows: Iterable[model.TrendRow],
    *,
    sample_sizes: Mapping[str, int] | None = None,
    comparison_label: str | None = None,
    threshold: float = THRESHOLD,
) -> EffectDirectionPlot:
    """The effect-direction plot's grid: one row per study, one column per domain.

    ``sample_sizes`` (study -> participants) is optional; sizes of studies not in the
    plot are left out, a size that is not a positive integer raises :class:`DataError`.
    """
    found = directions(rows, comparison_label=comparison_label, threshold=threshold)
    domains = tuple(dict.fromkeys(d.domain for d in found))
    grid: dict[str, dict[str, str]] = {}
    for d in found:
        grid.setdefault(d.study, {})[d.domain] = PLOT_SYMBOLS[d.direction]
    sizes: dict[str, int] = {}
    for study, size in (sample_sizes or {}).items():
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise DataError(
                f"study {study!r}: sample size must be a positive integer, got {size!r}"
            )
        if study in grid:
            sizes[study] = size
    return EffectDirectionPlot(
        domains=domains,
        rows=tuple(
            (study, tuple(cells.get(domain) for domain in domains)) for study, cells in grid.items()
        ),
        sizes=sizes,
    )


# --- formatting ------------------------------------------------------------------


def _round_half_up(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _percent(value: float) -> str:
    return str(_round_half_up(value * 100, 0))


def _number(value: float, nb: bool) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if nb else text


def _p_value(p: float, nb: bool) -> str:
    """``P = 0.63``, ``P = 0.007``, ``P < 0.001`` (two decimals from 0.01, else three)."""
    places = 2 if p >= 0.01 else 3
    text = "P < 0.001" if p < 0.001 else f"P = {_round_half_up(p, places)}"
    return text.replace(".", ",") if nb else text


def _ties_text(no_difference: int, mixed: int, nb: bool) -> str:
    """'12 studies with no difference and 1 with mixed effects' (or bokmål)."""
    parts: list[str] = []
    if no_difference:
        if nb:
            parts.append(
                f"{no_difference} {'studie' if no_difference == 1 else 'studier'} uten forskjell"
            )
        else:
            parts.append(
                f"{no_difference} {'study' if no_difference == 1 else 'studies'} with no difference"
            )
    if mixed:
        if nb:
            noun = "" if parts else (" studie" if mixed == 1 else " studier")
            parts.append(f"{mixed}{noun} med blandede resultater")
        else:
            noun = "" if parts else (" study" if mixed == 1 else " studies")
            parts.append(f"{mixed}{noun} with mixed effects")
    return (" og " if nb else " and ").join(parts)
