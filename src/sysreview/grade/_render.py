"""Summary-of-Findings tables and evidence profiles as text and flat rows (CSV).

The report renders HTML and Word from the same ``BuiltTable``; these are the
terminal and spreadsheet views.  ``compare`` prints each cell as the review
recorded it under the computed one, marked ``≠`` where they differ.
"""

from __future__ import annotations

import textwrap
from typing import Any

from ._audit import numbers
from ._certainty import DOMAINS, rate, rating_of
from ._sof import BuiltRow, BuiltTable, certainty_cell, lower_first
from ._statements import certainty_label, certainty_symbols

_LABELS = {
    "en": {
        "population": "Population",
        "setting": "Setting",
        "intervention": "Intervention",
        "comparison": "Comparison",
        "control": "Risk with {c}",
        "with": "Risk with {i}",
        "difference": "Difference",
        "relative": "Relative effect (95 % CI)",
        "participants": "Participants (studies)",
        "certainty": "Certainty",
        "statement": "What happens",
        "narrative": "Summary",
        "recorded": "recorded",
        "nnt": "NNT",
        "source": {
            "computed": "recomputed from the studies",
            "reported": "pooled result as reported",
            "row": "the row's own estimate",
            "none": "no estimate",
        },
    },
    "nb": {
        "population": "Populasjon",
        "setting": "Setting",
        "intervention": "Tiltak",
        "comparison": "Sammenligning",
        "control": "Risiko med {c}",
        "with": "Risiko med {i}",
        "difference": "Forskjell",
        "relative": "Relativ effekt (95 % KI)",
        "participants": "Antall deltakere (studier)",
        "certainty": "Tillit til resultatet",
        "statement": "Hva skjer",
        "narrative": "Oppsummering",
        "recorded": "registrert",
        "nnt": "NNT",
        "source": {
            "computed": "beregnet fra studiene",
            "reported": "samlet resultat som rapportert",
            "row": "radens eget estimat",
            "none": "intet estimat",
        },
    },
}


def _labels(lang: str) -> dict[str, Any]:
    return _LABELS["nb" if lang == "nb" else "en"]


def to_text(table: BuiltTable, *, compare: bool = False, width: int = 100) -> str:
    """One table as text: the header, then one block per row, then footnotes."""
    lab = _labels(table.lang)
    t = table.recorded
    intervention, comparator = _names(table)
    lines = [t.title, "=" * min(len(t.title), width)]
    for key, value in (
        ("population", t.population),
        ("setting", t.setting),
        ("intervention", intervention),
        ("comparison", comparator),
    ):
        if value:
            lines.extend(_wrap(f"{lab[key]}: {value}", width))
    for row in table.rows:
        lines.append("")
        lines.extend(_row_text(row, table.lang, intervention, comparator, compare, width))
    if table.footnotes:
        lines.append("")
        for n, text in table.footnotes.items():
            lines.extend(_wrap(f"{n}. {text}", width, indent="   "))
    return "\n".join(lines) + "\n"


def _names(table: BuiltTable) -> tuple[str, str]:
    c = table.comparison
    t = table.recorded
    if c is None:
        return t.intervention or "", t.control or ""
    if table.lang == "en":
        return (
            lower_first(c.intervention_en or c.intervention),
            lower_first(c.comparator_en or c.comparator),
        )
    return t.intervention or c.intervention, t.control or c.comparator


def _row_text(
    row: BuiltRow, lang: str, intervention: str, comparator: str, compare: bool, width: int
) -> list[str]:
    lab = _labels(lang)
    r = row.recorded
    out = [row.label]
    source = lab["source"][row.evidence.source if row.evidence else "none"]

    def cell(name: str, computed: str | None, recorded: str | None) -> None:
        if computed is None and recorded is None:
            return
        text = f"  {name}: {computed if computed is not None else '–'}"
        out.extend(_wrap(text, width, indent="    "))
        if compare and recorded is not None:
            same = recorded == computed or numbers(recorded) == numbers(computed or "")
            mark = "=" if same else "≠"
            out.extend(_wrap(f"    {mark} {lab['recorded']}: {recorded}", width, indent="      "))

    cell(lab["relative"], row.relative and f"{row.relative} [{source}]", r.relative_text)
    for i, a in enumerate(row.absolute):
        label = f" ({a.label})" if a.label else ""
        cell(
            lab["control"].format(c=comparator) + label,
            a.control,
            r.risk_control_text if i == 0 else None,
        )
        cell(
            lab["with"].format(i=intervention) + label,
            a.intervention,
            r.risk_intervention_text if i == 0 else None,
        )
        cell(lab["difference"] + label, a.difference, r.difference_text if i == 0 else None)
        if a.nnt is not None:
            cell(lab["nnt"], str(a.nnt), None)
    if row.continuous:
        cell(lab["difference"], row.continuous, None)
    if r.narrative:
        cell(lab["narrative"], r.narrative, None)
    cell(lab["participants"], row.participants, r.participants_text)
    cell(lab["certainty"], certainty_cell(row, lang), _recorded_certainty(row, lang))
    if row.statement:
        cell(lab["statement"], row.statement, None)
    return out


def _recorded_certainty(row: BuiltRow, lang: str) -> str:
    r = row.recorded
    marks = " ".join(str(n) for n in r.footnotes)
    text = f"{certainty_symbols(r.certainty)} {certainty_label(r.certainty, lang)}"
    return text + (f" {marks}" if marks else "")


def _wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, width, subsequent_indent=indent) or [""]


# --- flat rows -------------------------------------------------------------------------


CSV_COLUMNS = (
    "table",
    "row",
    "outcome",
    "label",
    "source",
    "measure",
    "estimate",
    "ci_lb",
    "ci_ub",
    "relative",
    "baseline_label",
    "baseline",
    "per",
    "control",
    "intervention",
    "difference",
    "nnt",
    "continuous",
    "narrative",
    "participants",
    "certainty",
    "footnotes",
    "statement",
    "recorded_relative",
    "recorded_control",
    "recorded_intervention",
    "recorded_difference",
    "recorded_participants",
    "recorded_certainty",
)


def flat_rows(tables: list[BuiltTable]) -> list[dict[str, Any]]:
    """One dict per row and assumed control risk, with the columns of ``CSV_COLUMNS``:
    the row's ``to_dict()`` flattened (recorded cells prefixed ``recorded_``)."""
    out: list[dict[str, Any]] = []
    for table in tables:
        for row in table.rows:
            d = row.to_dict()
            base = {k: v for k, v in d.items() if not isinstance(v, (list, dict))}
            base |= {"table": table.recorded.id, "footnotes": " ".join(map(str, row.footnotes))}
            base |= {f"recorded_{k}": v for k, v in d["recorded"].items() if k != "footnotes"}
            for a in d["absolute"]:
                cells = {k: v for k, v in a.items() if k not in ("label", "values")}
                out.append(base | cells | {"baseline_label": a["label"]})
            if not d["absolute"]:
                out.append(base)
    return [{c: item.get(c) for c in CSV_COLUMNS} for item in out]


PROFILE_COLUMNS = (
    "table",
    "row",
    "label",
    "studies",
    "design",
    *DOMAINS[:5],
    "other_considerations",
    "participants",
    "relative",
    "absolute",
    "certainty",
    "importance",
    "footnotes",
)


def evidence_profile(tables: list[BuiltTable]) -> list[dict[str, Any]]:
    """GRADEpro's evidence-profile layout: one column per domain, the effect and
    the certainty, per row."""
    out = []
    for table in tables:
        lang = table.lang
        for row in table.rows:
            a = row.assessment
            r = row.recorded
            item: dict[str, Any] = {
                "table": table.recorded.id,
                "row": r.id,
                "label": row.label,
                "studies": row.evidence.k if row.evidence else r.studies,
                "design": a.design if a else None,
                "participants": row.participants,
                "relative": row.relative,
                "absolute": "; ".join(x.difference for x in row.absolute) or row.continuous,
                "certainty": certainty_cell(row, lang),
                "importance": row.evidence.outcome.importance if row.evidence else None,
                "footnotes": " ".join(str(n) for n in row.footnotes),
            }
            if a is not None:
                for domain in DOMAINS[:5]:
                    item[domain] = rating_of(a, domain).level
                ups = [
                    f"{d} {rating_of(a, d).level}"
                    for d in DOMAINS[5:]
                    if rating_of(a, d).level != "none"
                ]
                item["other_considerations"] = "; ".join(ups) or "none"
                item["design"] = f"{a.design} (start {rate(a).start})"
            out.append({c: item.get(c) for c in PROFILE_COLUMNS})
    return out
