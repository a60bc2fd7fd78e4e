"""Audit: do a review's recorded numbers agree with what its own data give?

Hand-made Summary-of-Findings tables go wrong in known ways: an absolute effect
computed against a risk of 100 % instead of the control group's, an upper limit
above 100 per 100, a certainty that does not follow from the judgements, a
footnote that is not there.  The audit recomputes each number from the review's
relative effects and baseline risks (and the certainty from its judgements, and
the PRISMA boxes from each other) and lists every disagreement with the recorded
and the computed value.  It never changes the review.

Recorded cells are text as printed; their numbers are read with a small parser
that knows GRADEpro's English and the Norwegian of the seed review ("1 person mer
(30 færre til 48 flere personer)", "Tre flere personer").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import SysreviewError
from ..model import CertaintyAssessment, ReviewData, SofRow, SofTable
from ._absolute import AbsoluteEffect, absolute_effect
from ._certainty import DOMAINS, rate, rating_of
from ._evidence import gather


@dataclass(frozen=True)
class Discrepancy:
    """One recorded value that the data do not give."""

    where: str
    what: str
    recorded: str
    computed: str
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "where": self.where,
            "what": self.what,
            "recorded": self.recorded,
            "computed": self.computed,
            "note": self.note,
        }


def audit(data: ReviewData) -> list[Discrepancy]:
    """Every disagreement between the review's recorded Summary-of-Findings and
    certainty numbers and what its data give (PRISMA arithmetic is ``prisma.check``'s;
    the facade adds its findings)."""
    found: list[Discrepancy] = []
    assessments = {a.id: a for a in data.certainty}
    for a in data.certainty:
        found.extend(_certainty(a))
    for table in data.sof_tables:
        for row in table.rows:
            where = f"sof.yaml:{table.id}/{row.id}"
            found.extend(_relative(where, row))
            found.extend(_absolute(where, row))
            assessment = assessments.get(row.assessment or "")
            if assessment is not None:
                found.extend(_row_vs_assessment(where, table, row, assessment))
                found.extend(_row_vs_analysis(where, data, row, assessment))
    return found


# --- certainty ----------------------------------------------------------------------


def _certainty(a: CertaintyAssessment) -> Iterator[Discrepancy]:
    try:
        computed = rate(a)
    except SysreviewError as exc:
        yield Discrepancy(f"certainty.yaml:{a.id}", "judgements", "", "", str(exc))
        return
    if computed.level != a.certainty:
        moves = ", ".join(f"{d} {n:+d}" for d, n in computed.moved) or "none"
        yield Discrepancy(
            f"certainty.yaml:{a.id}.certainty",
            "certainty",
            a.certainty,
            computed.level,
            f"start {computed.start}; judgements that move it: {moves}",
        )


def _row_vs_assessment(
    where: str, table: SofTable, row: SofRow, a: CertaintyAssessment
) -> Iterator[Discrepancy]:
    if row.certainty != a.certainty:
        yield Discrepancy(
            f"{where}.certainty",
            "certainty",
            row.certainty,
            a.certainty,
            f"the assessment {a.id} records {a.certainty}",
        )
    if not table.footnotes and not row.footnotes:
        return  # nothing typed: the table's footnotes are built from the assessments
    printed = {table.footnotes.get(n, "").strip() for n in row.footnotes}
    for n in row.footnotes:
        if n not in table.footnotes:
            yield Discrepancy(
                f"{where}.footnotes",
                "footnote",
                str(n),
                "",
                f"footnote {n} is not in the table's footnotes",
            )
    for domain in DOMAINS:
        rating = rating_of(a, domain)
        text = (rating.footnote or "").strip()
        if rating.level in ("not_serious", "none") or not text:
            continue
        if text not in printed:
            yield Discrepancy(
                f"{where}.footnotes",
                f"footnote for {domain}",
                ", ".join(str(n) for n in row.footnotes) or "none",
                text,
                f"{domain} is {rating.level} in {a.id} but the row does not cite its footnote",
            )


def _row_vs_analysis(
    where: str, data: ReviewData, row: SofRow, a: CertaintyAssessment
) -> Iterator[Discrepancy]:
    if a.analysis is None:
        return
    e = gather(data, a)
    if None not in (e.participants, row.participants) and e.participants != row.participants:
        yield Discrepancy(
            f"{where}.participants",
            "participants",
            str(row.participants),
            str(e.participants),
            f"from analysis {a.analysis} ({e.source})",
        )
    if e.k is not None and row.studies is not None and e.k != row.studies:
        yield Discrepancy(
            f"{where}.studies",
            "studies",
            str(row.studies),
            str(e.k),
            f"from analysis {a.analysis} ({e.source})",
        )
    if e.source == "computed" and e.estimate is not None and row.estimate is not None:
        for name, mine, theirs in (
            ("estimate", e.estimate, row.estimate),
            ("CI lower limit", e.ci_lb, row.ci_lb),
            ("CI upper limit", e.ci_ub, row.ci_ub),
        ):
            if mine is not None and theirs is not None and round(mine, 2) != round(theirs, 2):
                yield Discrepancy(
                    f"{where}.{name}",
                    f"pooled {name}",
                    f"{theirs:g}",
                    f"{mine:.2f}",
                    f"recomputed from the studies of {a.analysis}",
                )


# --- relative and absolute effects ----------------------------------------------------------


def _relative(where: str, row: SofRow) -> Iterator[Discrepancy]:
    if row.relative_text is None or row.estimate is None or row.measure is None:
        return
    printed = numbers(row.relative_text)
    expected = [v for v in (row.estimate, row.ci_lb, row.ci_ub) if v is not None]
    if len(printed) < len(expected):
        return
    for name, shown, value in zip(
        ("estimate", "CI lower", "CI upper"), printed, expected, strict=False
    ):
        if abs(shown - value) > 0.0051:
            yield Discrepancy(
                f"{where}.relative_text",
                f"relative effect {name}",
                row.relative_text,
                f"{value:g}",
                "the printed relative effect disagrees with the row's numbers",
            )


_PER_CONTROL = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:per|av|of)\s*(100|1000|1 000|1,000)\b")


def baseline_of(row: SofRow) -> list[tuple[str, float, int]]:
    """The assumed control risks of a row: (label, risk, per), from its numbers or,
    failing those, its printed control cell ("72 per 100 personer")."""
    per = row.per or 1000
    if row.baseline_risks:
        return [(label, risk, per) for label, risk in row.baseline_risks.items()]
    match = _PER_CONTROL.search(row.risk_control_text or "")
    if match is None:
        return []
    scale = int(match.group(2).replace(" ", "").replace(",", ""))
    return [("", float(match.group(1).replace(",", ".")) / scale, scale)]


def _absolute(where: str, row: SofRow) -> Iterator[Discrepancy]:
    if row.measure not in ("RR", "OR", "HR", "RD") or None in (row.estimate, row.ci_lb, row.ci_ub):
        return
    assert row.estimate is not None and row.ci_lb is not None and row.ci_ub is not None
    for _label, risk, per in baseline_of(row)[:1]:
        effect = absolute_effect(row.measure, row.estimate, row.ci_lb, row.ci_ub, risk, per=per)
        yield from _intervention_cell(where, row, effect)
        yield from _difference_cell(where, row, effect)


def _intervention_cell(where: str, row: SofRow, effect: AbsoluteEffect) -> Iterator[Discrepancy]:
    text = row.risk_intervention_text
    if not text:
        return
    printed = numbers(_PER_SCALE.sub(" ", text))
    r = effect.rounded()
    expected = (r.intervention, r.intervention_lb, r.intervention_ub)
    names = ("intervention risk", "intervention risk lower limit", "intervention risk upper limit")
    for name, shown, value in zip(names, printed, expected, strict=False):
        if round(shown) != value:
            note = _basis(row, effect)
            if shown > effect.per:
                note += f"; {shown:g} per {effect.per} is impossible (above 100 %)"
            yield Discrepancy(
                f"{where}.risk_intervention_text",
                name,
                f"{shown:g} ({text})",
                f"{value:g} per {effect.per}",
                note,
            )


def _difference_cell(where: str, row: SofRow, effect: AbsoluteEffect) -> Iterator[Discrepancy]:
    text = row.difference_text
    if not text:
        return
    printed = signed_numbers(text)
    if not printed:
        return
    r = effect.rounded()
    expected = (r.difference, r.difference_lb, r.difference_ub)
    names = ("difference", "difference lower limit", "difference upper limit")
    slip = _against_certainty(row, effect.per)
    slipped = slip is not None and tuple(printed[1:3]) == slip
    for name, shown, value in zip(names, printed, expected, strict=False):
        if shown != value:
            note = _basis(row, effect)
            if slipped and name != "difference":
                note += (
                    "; the printed interval is what the ratio gives against a risk of 100 %,"
                    " not the control group's"
                )
            yield Discrepancy(
                f"{where}.difference_text",
                name,
                f"{shown:+d} ({text})",
                f"{value:+d} per {effect.per}",
                note,
            )


def _basis(row: SofRow, effect: AbsoluteEffect) -> str:
    return (
        f"{row.measure} {row.estimate:g} ({row.ci_lb:g} to {row.ci_ub:g})"
        f" at a control risk of {effect.control:g} per {effect.per}"
    )


def _against_certainty(row: SofRow, per: int) -> tuple[int, int] | None:
    """The interval the slip gives: (ratio − 1) × per, i.e. against a risk of 100 %."""
    if row.measure != "RR" or row.ci_lb is None or row.ci_ub is None:
        return None
    return (_half_up((row.ci_lb - 1) * per), _half_up((row.ci_ub - 1) * per))


# --- reading printed cells ---------------------------------------------------------------

_PER_SCALE = re.compile(r"\b(?:per|av|of)\s+(?:100|1000|1 000|1,000|100 000|100,000)\b")
# a sign only where no digit precedes it: "3,2–20,7" is a range, "–0,2" a negative number
_NUMBER = re.compile(r"(?<![\d.,])[−–-]?\d+(?:[.,]\d+)?")
# the confidence level ("95 % KI", "95% CI") is not a value of the cell
_LEVEL = re.compile(r"\b\d+\s*%\s*(?:KI|CI|konfidensintervall|confidence)", re.IGNORECASE)
_WORDS = {
    "en": 1,
    "ett": 1,
    "én": 1,
    "to": 2,
    "tre": 3,
    "fire": 4,
    "fem": 5,
    "seks": 6,
    "sju": 7,
    "syv": 7,
    "åtte": 8,
    "ni": 9,
    "ti": 10,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_UP = {"mer", "flere", "more", "høyere", "higher"}
_DOWN = {"færre", "fewer", "less", "lavere", "lower", "mindre"}
_SIGNED = re.compile(
    r"(\d+|"
    + "|".join(sorted(_WORDS, key=len, reverse=True))
    + r")\s+(?:person(?:er)?\s+|people\s+)?("
    + "|".join(sorted(_UP | _DOWN, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


def numbers(text: str) -> list[float]:
    """The numbers in a printed cell, in order (decimal comma or point)."""
    out = []
    for token in _NUMBER.findall(_LEVEL.sub(" ", text)):
        out.append(float(token.replace("−", "-").replace("–", "-").replace(",", ".")))
    return out


def signed_numbers(text: str) -> list[int]:
    """``"1 person mer (30 færre til 48 flere personer)"`` → ``[1, -30, 48]``."""
    out = []
    for count, word in _SIGNED.findall(text):
        value = int(count) if count.isdigit() else _WORDS[count.lower()]
        out.append(-value if word.lower() in _DOWN else value)
    return out


def _half_up(x: float) -> int:
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)
