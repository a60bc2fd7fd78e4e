"""Build the report model from a review: one Document per language, figures drawn
beside it.  Every number comes from the review's data through the same code the
CLI uses (PRISMA counts, the grade stage's rebuilt Summary-of-Findings tables,
the statistics core), and carries a trace of what produced it.

The layout follows the seed review (NIPH): key messages, summary, background and
question, methods, results (search, included studies, risk of bias, effects per
comparison with forest plots and SoF tables, trends), conclusion, appendices
(search strategies as run, excluded full texts with reasons, risk of bias per
study with support, characteristics of included studies).
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from .. import extraction, grade, prisma, stats
from ..appraisal import amstar2
from ..errors import DataError
from ..model import Analysis, Comparison, OutcomeData, PrismaCounts, ReviewData, citation
from . import blocks as b
from ._labels import (
    characteristic_label,
    countries,
    country,
    review_type,
    rob_judgement,
    search_date,
    sof_explanation,
    sof_title,
)
from ._words import CERTAINTY_ADJECTIVE, MEASURE_WORDS, METHOD_WORDS, words

ROB_TOOL_NAMES = {
    "rob1": {
        "en": "the Cochrane risk-of-bias tool (RoB 1)",
        "nb": "Cochranes verktøy for risiko for skjevheter (RoB 1)",
    },
    "rob2": {
        "en": "the Cochrane risk-of-bias tool 2 (RoB 2)",
        "nb": "Cochranes verktøy for risiko for skjevheter 2 (RoB 2)",
    },
    "robins_i": {"en": "ROBINS-I", "nb": "ROBINS-I"},
}


@dataclass
class _Builder:
    """Collects blocks and traces for one document."""

    data: ReviewData
    lang: str
    out: Path
    blocks: list[b.Block] = field(default_factory=list)
    traces: int = 0
    draw: bool = True
    drawers: dict[str, Callable[[Path], Path]] = field(default_factory=dict)

    @property
    def w(self) -> dict[str, str]:
        return words(self.lang)

    def add(self, *blocks: b.Block) -> None:
        self.blocks.extend(blocks)

    def trace(self, source: str, detail: str, **data: Any) -> b.Trace:
        self.traces += 1
        return b.Trace(f"n{self.traces}", source, detail, data)

    def given(self, text: str | None, english: str | None = None) -> b.Text:
        """Free text as the review gives it: in an English report its English where
        the review gives one, else the review's own words, marked with their language
        (no translation is made up)."""
        if self.lang == "en" and english:
            return b.Text(english)
        source = self.data.review.language
        return b.Text(text or "", lang=source if text and source != self.lang else None)

    def number(self, value: object, source: str, detail: str, **data: Any) -> b.Text:
        return b.Text(_fmt(value, self.lang), trace=self.trace(source, detail, **data))

    def figure(
        self, kind: str, name: str, caption: str, alt: str, draw: Callable[[Path], Path]
    ) -> None:
        """Draw a figure as SVG and PNG into ``figures/`` and add it."""
        self.drawers[name] = draw
        stem = f"figures/{self.lang}-{name}"
        if self.draw:
            draw(self.out / f"{stem}.svg")
            draw(self.out / f"{stem}.png")
        self.add(b.Figure(kind, f"{stem}.svg", f"{stem}.png", caption, alt, anchor=name))

    def table(
        self, caption: str, header: tuple[str, ...], rows: Sequence[tuple[b.Inline, ...]], **kw: Any
    ) -> None:
        self.add(b.Table(caption, header, tuple(rows), **kw))


def build_report(data: ReviewData, lang: str, out: str | Path, *, draw: bool = True) -> b.Document:
    """The full report of ``data`` in ``lang`` ("nb" or "en"), figures drawn into
    ``out/figures`` (unless ``draw`` is false: the model alone, for tests)."""
    return _build(data, lang, Path(out), draw).document


def draw_figure(data: ReviewData, name: str, path: str | Path, *, lang: str = "en") -> Path:
    """Draw one of the report's figures alone: ``prisma``, ``rob-<tool>[-<outcome>]``,
    ``rob-<tool>[-<outcome>]-summary``, ``effect-direction`` or ``forest-<analysis>``."""
    drawers = _build(data, lang, Path(path).parent, False).drawers
    if name not in drawers:
        raise DataError(f"the report has no figure {name!r}", hint="figures: " + ", ".join(drawers))
    return drawers[name](Path(path))


@dataclass(frozen=True)
class _Built:
    document: b.Document
    drawers: dict[str, Callable[[Path], Path]]


def _build(data: ReviewData, lang: str, out: Path, draw: bool) -> _Built:
    if lang not in ("nb", "en"):
        raise DataError(f"language {lang!r} is not nb or en")
    x = _Builder(data, lang, out, draw=draw)
    sof = grade.build_tables(data, lang=lang)
    _key_messages(x, sof)
    _summary(x, sof)
    _background(x)
    _methods(x)
    x.add(b.PageBreak(), b.Heading(1, x.w["results"], "results"))
    _flow(x)
    _included(x)
    _risk_of_bias(x)
    _effects(x, sof)
    _swim(x)
    _systematic_reviews(x)
    _conclusion(x)
    _appendices(x)
    r = data.review
    title = (r.title_en or r.title) if lang == "en" else r.title
    subtitle = r.series or (review_type(r.review_type, lang) if r.review_type else None)
    document = b.Document(lang, title, subtitle, r.authors, r.published, tuple(x.blocks))
    return _Built(document, x.drawers)


# --- front matter ------------------------------------------------------------------------


def _key_messages(x: _Builder, sof: list[grade.BuiltTable]) -> None:
    r = x.data.review
    messages = r.key_messages_en if x.lang == "en" else r.key_messages
    x.add(b.Heading(1, x.w["key_messages"], "key-messages"))
    if messages:
        x.add(b.Bullets(tuple(b.text(" ".join(m.split())) for m in messages)))
    statements = _statements(x, sof, critical_only=True)
    if statements:
        if messages:
            x.add(b.Paragraph(b.text(_computed_note(x.lang)), style="note"))
        x.add(b.Bullets(tuple(statements)))


def _computed_note(lang: str) -> str:
    return (
        "Utsagn beregnet fra tillit og effektstørrelse (GRADE):"
        if lang == "nb"
        else "Statements computed from certainty and size of effect (GRADE):"
    )


def _statements(x: _Builder, sof: list[grade.BuiltTable], *, critical_only: bool) -> list[b.Inline]:
    out: list[b.Inline] = []
    for sentence, pairs in grade.prose_statements(sof, critical_only=critical_only):
        row = pairs[0][1]
        assert row.evidence is not None  # prose_statements keeps rows with evidence
        adjective = CERTAINTY_ADJECTIVE[x.lang][row.certainty]
        trace = x.trace(
            "sof.yaml:" + " + ".join(f"{t.recorded.id}/{r.recorded.id}" for t, r in pairs),
            f"GRADE {row.certainty}, effect size {row.size} ({row.evidence.source})"
            if len(pairs) == 1
            else f"GRADE {row.certainty} in {len(pairs)} rows (one statement for all)",
            certainty=row.certainty,
            size=row.size,
        )
        out.append(
            (
                b.Text(sentence, trace=trace),
                b.Text(" " + x.w["we_have"].format(c=adjective)),
            )
        )
    return out


def _summary(x: _Builder, sof: list[grade.BuiltTable]) -> None:
    counts = prisma.counts(x.data)
    x.add(b.Heading(1, x.w["summary"], "summary"))
    studies = counts.studies_included
    screened = counts.screened
    parts: list[str | b.Text] = []
    if x.lang == "nb":
        parts = [
            "Vi gikk gjennom ",
            _count(x, screened, "screened"),
            " titler og sammendrag og inkluderte ",
            _count(x, studies, "studies_included"),
            " studier i ",
            _count(x, counts.reports_included, "reports_included"),
            " publikasjoner.",
        ]
    else:
        parts = [
            "We screened ",
            _count(x, screened, "screened"),
            " titles and abstracts and included ",
            _count(x, studies, "studies_included"),
            " studies in ",
            _count(x, counts.reports_included, "reports_included"),
            " reports.",
        ]
    x.add(b.Paragraph(b.text(*parts)))
    statements = _statements(x, sof, critical_only=False)
    if statements:
        x.add(b.Bullets(tuple(statements)))


def _count(x: _Builder, n: int | None, box: str) -> b.Text:
    if n is None:
        return b.Text("?")
    basis = prisma.counts(x.data).basis
    return x.number(n, f"prisma:{box}", f"PRISMA count ({basis})", box=box)


def _background(x: _Builder) -> None:
    r, p = x.data.review, x.data.protocol
    x.add(b.Heading(1, x.w["background"], "question"))
    question = x.given(r.question, r.question_en)
    if question.text:
        x.add(b.Paragraph((replace(question, text=" ".join(question.text.split())),)))
    if x.lang == "en" and r.language != "en":
        x.add(b.Paragraph(b.text(_given_note(r.language)), style="note"))
    pico = [
        (x.w["population"], p.population),
        (x.w["intervention"], p.intervention),
        (x.w["comparison"], p.comparator),
        (x.w["outcome"], p.outcome),
    ]
    items = tuple(
        b.text(b.Text(f"{k}: ", bold=True), x.given(" ".join(v.split()))) for k, v in pico if v
    )
    if items:
        x.add(b.Heading(2, x.w["pico"]), b.Bullets(items))


# --- methods -----------------------------------------------------------------------------


def _methods(x: _Builder) -> None:
    d, w = x.data, x.w
    x.add(b.Heading(1, w["methods"], "methods"))
    if d.protocol.criteria:
        x.add(b.Heading(2, w["criteria"], "criteria"))
        rows = [
            (
                b.text(w[c.kind]),
                (x.given(c.heading, c.heading_en),),
                (x.given(c.text),),
            )
            for c in d.protocol.criteria
        ]
        x.table(w["criteria"], (w["kind"], w["heading"], w["criterion"]), rows, widths=(1, 2, 6))
    x.add(b.Heading(2, w["searches"], "searches"))
    databases = [s for s in d.searches if s.source == "database"]
    # a database searched twice (e.g. for trials and for reviews) is one database
    n_databases = len({" ".join(s.database.lower().split()) for s in databases})
    dates = sorted({s.date for s in databases if s.date})
    to = " til " if x.lang == "nb" else " to "
    when = "" if not dates else dates[0] if dates[0] == dates[-1] else dates[0] + to + dates[-1]
    if x.lang == "nb":
        sentence = f"Vi søkte i {n_databases} {'database' if n_databases == 1 else 'databaser'}"
    else:
        sentence = f"We searched {n_databases} database{'' if n_databases == 1 else 's'}"
    sentence += f" ({when})." if when else "."
    x.add(b.Paragraph(b.text(sentence)))
    searches = [
        (
            b.text(s.database),
            b.text(s.interface or ""),
            b.text(search_date(s.date, s.date_text, x.lang) or ""),
            (
                x.number(s.reported_hits, f"searches.yaml:{s.id}", "hits the database reported")
                if s.reported_hits is not None
                else b.Text(s.hits_text or ""),
            ),
        )
        for s in d.searches
    ]
    x.table(
        w["searches"],
        (w["database"], w["interface"], w["date"], w["hits"]),
        searches,
        anchor="search-table",
    )
    x.add(b.Heading(2, w["screening"]))
    n = d.protocol.screening_reviewers
    if x.lang == "nb":
        text = (
            f"{_number_word(n, 'nb').capitalize()} personer vurderte uavhengig av hverandre "
            "titler og sammendrag og deretter fulltekster; uenighet ble løst av en tredje."
        )
    else:
        text = (
            f"{_number_word(n, 'en').capitalize()} reviewers independently screened titles "
            "and abstracts, then full texts; a third resolved disagreements."
        )
    x.add(b.Paragraph(b.text(text)))
    if d.outcome_data or d.extractions:
        x.add(b.Heading(2, w["extraction_methods"]))
        x.add(b.Paragraph(b.text(_extraction_words(d, x.lang))))
    tools = sorted({a.tool for a in d.risk_of_bias})
    if tools:
        names = ", ".join(ROB_TOOL_NAMES.get(t, {}).get(x.lang, t) for t in tools)
        x.add(b.Heading(2, w["rob_methods"]))
        x.add(
            b.Paragraph(
                b.text(
                    f"Vi vurderte risiko for skjevheter med {names}."
                    if x.lang == "nb"
                    else f"We assessed risk of bias with {names}."
                )
            )
        )
    if d.review_appraisals:
        critical = d.protocol.amstar2_critical
        x.add(
            b.Paragraph(
                b.text(
                    "Vi vurderte de systematiske oversiktene med AMSTAR 2 (Shea 2017). Et «nei» "
                    f"på et kritisk domene (punkt {_listed(critical, 'nb')}) er en kritisk "
                    "svakhet; tilliten til resultatene er høy med høyst én ikke-kritisk "
                    "svakhet, moderat med flere, lav med én kritisk svakhet og kritisk lav med "
                    "flere."
                    if x.lang == "nb"
                    else "We appraised the systematic reviews with AMSTAR 2 (Shea 2017). A "
                    f'"no" on a critical domain (items {_listed(critical, "en")}) is a critical '
                    "flaw; confidence in the results is high with at most one non-critical "
                    "weakness, moderate with more, low with one critical flaw and critically "
                    "low with more than one."
                )
            )
        )
    if d.analyses:
        x.add(b.Heading(2, w["analysis"], "analysis"))
        x.add(b.Paragraph(b.text(_analysis_words(d.analyses, x.lang))))
    x.add(b.Heading(2, w["grade"]))
    x.add(
        b.Bullets(
            tuple(
                b.text(
                    f"{grade.certainty_symbols(c)} {grade.certainty_label(c, x.lang)}: ",
                    grade.certainty_definition(c, x.lang),
                )
                for c in ("high", "moderate", "low", "very_low")
            )
        )
    )


def _extraction_words(d: ReviewData, lang: str) -> str:
    """How outcome data were extracted (the protocol's mode), and, where the team
    extracted in sysreview, how many rows agreed at once and how many were settled."""
    n = d.protocol.screening_reviewers
    if d.protocol.extraction_mode == "checked":
        text = (
            "Én person hentet ut data fra de inkluderte studiene, og en annen sjekket at "
            "dataene var komplett og korrekt hentet ut; uenighet ble løst av en tredje."
            if lang == "nb"
            else "One reviewer extracted the data from the included studies and a second "
            "checked that they were complete and correct; a third resolved disagreements."
        )
    else:
        text = (
            f"{_number_word(n, 'nb').capitalize()} personer hentet uavhengig av hverandre ut "
            "data fra de inkluderte studiene; uenighet ble løst av en tredje."
            if lang == "nb"
            else f"{_number_word(n, 'en').capitalize()} reviewers independently extracted "
            "the data from the included studies; a third resolved disagreements."
        )
    counts = extraction.tally(d)
    if not counts.rows:
        return text
    if lang == "nb":
        text += (
            f" Av {counts.rows} rader med utfallsdata var {counts.agreed_at_once} like "
            f"første gang, {counts.settled} ble avgjort etter uenighet"
        )
        return text + (f", og {counts.open} er ikke avgjort ennå." if counts.open else ".")
    text += (
        f" Of {counts.rows} rows of outcome data, {counts.agreed_at_once} agreed at once and "
        f"{counts.settled} {'was' if counts.settled == 1 else 'were'} settled after the "
        "entries differed"
    )
    still = f"; {counts.open} {'is' if counts.open == 1 else 'are'} not settled yet."
    return text + (still if counts.open else ".")


def _number_word(n: int, lang: str) -> str:
    table = {"nb": ("null", "én", "to", "tre", "fire"), "en": ("no", "one", "two", "three", "four")}
    return table[lang][n] if 0 <= n < 5 else str(n)


def _analysis_words(analyses: tuple[Analysis, ...], lang: str) -> str:
    """The analysis choices in words a reader can check, e.g. "random effects,
    DerSimonian-Laird τ², Mantel-Haenszel RR"."""
    m, mw = METHOD_WORDS[lang], MEASURE_WORDS[lang]
    seen: list[str] = []
    for a in analyses:
        method = a.method or ("MH" if a.measure in ("RR", "OR", "RD") else "IV")
        parts = [m[a.model]]
        if a.model == "random":
            parts.append(m["DL"])
        parts.append(f"{m.get(method, method)} {mw.get(a.measure, a.measure)}")
        phrase = ", ".join(parts)
        if phrase not in seen:
            seen.append(phrase)
    if lang == "nb":
        return (
            "Vi slo sammen resultatene i metaanalyser med "
            + "; ".join(seen)
            + " (som i Review Manager 5), med 95 % konfidensintervall, og målte heterogenitet "
            "med I² og χ²."
        )
    return (
        "We pooled results in meta-analyses with "
        + "; ".join(seen)
        + " (as Review Manager 5 does), with 95 % confidence intervals, and measured "
        "heterogeneity with I² and χ²."
    )


# --- results -------------------------------------------------------------------------------


def _flow(x: _Builder) -> None:
    from .figures.prisma_flow import draw_prisma, prisma_flow

    counts = prisma.counts(x.data)
    x.add(b.Heading(2, x.w["flow"], "selection"))
    selection = _selection(x, counts)
    if selection:
        x.add(b.Paragraph(selection))
    flow = prisma_flow(counts, data=x.data, lang=x.lang)
    caption = "Flytskjema (PRISMA 2020)" if x.lang == "nb" else "Flow diagram (PRISMA 2020)"
    alt = f"{caption}: " + "; ".join(box.text.rstrip(":") for box in flow.boxes)
    x.figure("prisma", "prisma", caption, alt, lambda p: draw_prisma(flow, p))
    for finding in flow.findings:
        x.add(
            b.Paragraph(
                b.text(f"⚠ {finding.message} ({finding.found} ≠ {finding.expected})"), style="note"
            )
        )


#: (singular, plural) of what the selection paragraph counts, by language
_UNITS = {
    "en": {
        "records": ("record", "records"),
        "duplicates": ("duplicate", "duplicates"),
        "fulltexts": ("full text", "full texts"),
        "studies": ("study", "studies"),
        "reports": ("report", "reports"),
        "reviews": ("systematic review", "systematic reviews"),
    },
    "nb": {
        "records": ("treff", "treff"),
        "duplicates": ("dublett", "dubletter"),
        "fulltexts": ("fulltekst", "fulltekster"),
        "studies": ("studie", "studier"),
        "reports": ("publikasjon", "publikasjoner"),
        "reviews": ("systematisk oversikt", "systematiske oversikter"),
    },
}

#: the selection paragraph's sentences, by language; a sentence is left out when a
#: count it needs is unknown
_SELECTION = {
    "en": {
        "found": "The searches found {db} in databases",
        "other": " and {other} from other sources",
        "screened_after": "After removing {dup}, we screened {screened} titles and abstracts",
        "screened": "We screened {screened} titles and abstracts",
        "excluded": " and excluded {excluded}",
        "sought": "We sought {sought}",
        "not_retrieved": "; {not_retrieved} could not be retrieved",
        "assessed": "We assessed {assessed} for eligibility",
        "assessed_excluded": " and excluded {fulltext_excluded}",
        "included": "We included {studies} in {reports}",
        "reviews": " and listed {reviews}",
    },
    "nb": {
        "found": "Søkene ga {db} i databaser",
        "other": " og {other} fra andre kilder",
        "screened_after": "Etter at {dup} var fjernet, gikk vi gjennom {screened} titler og "
        "sammendrag",
        "screened": "Vi gikk gjennom {screened} titler og sammendrag",
        "excluded": " og ekskluderte {excluded}",
        "sought": "Vi forsøkte å innhente {sought}",
        "not_retrieved": "; {not_retrieved} kunne ikke innhentes",
        "assessed": "Vi vurderte {assessed}",
        "assessed_excluded": " og ekskluderte {fulltext_excluded}",
        "included": "Vi inkluderte {studies} i {reports}",
        "reviews": " og listet {reviews}",
    },
}


def _selection(x: _Builder, counts: PrismaCounts) -> b.Inline:
    """PRISMA 2020 item 16a in words: from records found to studies included, every
    number traced to its box of the flow diagram."""
    units, words = _UNITS[x.lang], _SELECTION[x.lang]

    def n(value: int | None, box: str, unit: str | None = None) -> list[str | b.Text] | None:
        if value is None:
            return None
        out: list[str | b.Text] = [_count(x, value, box)]
        if unit is not None:
            out.append(" " + units[unit][value != 1])
        return out

    slots = {
        "db": n(counts.identified_databases, "identified_databases", "records"),
        "other": n(counts.identified_other or None, "identified_other"),
        "dup": n(counts.duplicates_removed or None, "duplicates_removed", "duplicates"),
        "screened": n(counts.screened, "screened"),
        "excluded": n(counts.excluded_screening, "excluded_screening"),
        "sought": n(counts.reports_sought, "reports_sought", "fulltexts"),
        "not_retrieved": n(counts.reports_not_retrieved or None, "reports_not_retrieved"),
        "assessed": n(counts.fulltext_assessed, "fulltext_assessed", "fulltexts"),
        "fulltext_excluded": n(counts.fulltext_excluded, "fulltext_excluded"),
        "studies": n(counts.studies_included, "studies_included", "studies"),
        "reports": n(counts.reports_included, "reports_included", "reports"),
        "reviews": n(
            counts.systematic_reviews_included or None, "systematic_reviews_included", "reviews"
        ),
    }

    def clause(key: str) -> list[str | b.Text] | None:
        pieces: list[str | b.Text] = []
        for literal, slot in _fields(words[key]):
            pieces.append(literal)
            if slot is not None:
                value = slots[slot]
                if value is None:
                    return None
                pieces.extend(value)
        return pieces

    sentences = [
        ("found", ("other",)),
        ("screened_after" if slots["dup"] else "screened", ("excluded",)),
        ("sought", ("not_retrieved",)),
        ("assessed", ("assessed_excluded",)),
        ("included", ("reviews",)),
    ]
    parts: list[str | b.Text] = []
    for head, tails in sentences:
        main = clause(head)
        if main is None:
            continue
        for tail in tails:
            main.extend(clause(tail) or [])
        parts.extend([" " if parts else "", *main, "."])
    return b.text(*parts) if parts else ()


def _fields(template: str) -> list[tuple[str, str | None]]:
    """(literal text, slot name or None) pieces of a ``{slot}`` template."""
    return [(literal, name) for literal, name, _, _ in string.Formatter().parse(template)]


def _included(x: _Builder) -> None:
    d, w = x.data, x.w
    included = [s for s in d.studies if s.status == "included"]
    x.add(b.Heading(2, w["included"], "studies"))
    reports: dict[str, int] = {}
    for r in d.reports:
        reports[r.study] = reports.get(r.study, 0) + 1
    rows = [
        (
            b.text(s.label),
            b.text(s.design or ""),
            b.text(", ".join(country(c, x.lang) for c in s.countries)),
            (
                x.number(s.participants, f"studies.yaml:{s.id}", "participants randomised")
                if s.participants is not None
                else b.Text(""),
            ),
            (x.given(s.intervention),),
            (x.given(s.control),),
            b.text(grade.timepoint(s.follow_up or "", x.lang)),
        )
        for s in included
    ]
    x.table(
        w["included"],
        (
            w["study"],
            w["design"],
            w["countries"],
            w["participants"],
            w["intervention"],
            w["control"],
            w["follow_up"],
        ),
        rows,
        widths=(2, 1.2, 1.2, 1, 3, 3, 1.2),
        anchor="studies-table",
    )


def _risk_of_bias(x: _Builder) -> None:
    from .figures.rob import draw_summary, draw_traffic_light, rob_summary, rob_table

    tools = sorted({a.tool for a in x.data.risk_of_bias if a.consensus})
    if not tools:
        return
    x.add(b.Heading(2, x.w["rob"], "rob"))
    labels = {s.id: s.label for s in x.data.studies}
    outcomes = {o.id: o for o in x.data.protocol.outcomes}
    for tool in tools:
        for outcome in rob_scopes(x.data, tool):
            table = rob_table(
                x.data.risk_of_bias, tool=tool, study_labels=labels, lang=x.lang, outcome=outcome
            )
            name = ROB_TOOL_NAMES.get(tool, {}).get(x.lang, tool)
            if outcome is not None:  # RoB 2 judges a result: one figure per outcome judged
                known = outcomes.get(outcome)
                shown = (known.name_en or known.name) if known and x.lang == "en" else None
                name += f" · {shown or (known.name if known else outcome)}"
            stem = rob_figure(tool, outcome)
            n, m = len(table.studies), len(table.domains)
            if x.lang == "nb":
                light = (
                    f"Trafikklysplott: vurdering av risiko for skjevheter for {n} studier i "
                    f"{m} domener, {name}."
                )
                bars = (
                    f"Stolpediagram: andelen studier med hver vurdering av risiko for "
                    f"skjevheter i hvert av {m} domener, {name}."
                )
            else:
                light = f"Traffic-light plot: risk-of-bias judgements of {n} studies in {m} "
                light += f"domains, {name}."
                bars = "Bar chart: the share of studies at each risk-of-bias judgement in each "
                bars += f"of {m} domains, {name}."
            x.figure("rob_traffic_light", stem, name, light, partial(draw_traffic_light, table))
            x.figure(
                "rob_summary",
                f"{stem}-summary",
                f"{name}: {'oppsummering' if x.lang == 'nb' else 'summary'}",
                bars,
                partial(draw_summary, rob_summary(table)),
            )


def rob_scopes(data: ReviewData, tool: str) -> list[str | None]:
    """What the risk-of-bias figures of ``tool`` cover: all outcomes (None) where the
    review has judgements for all outcomes, then each outcome judged on its own."""
    judged = [a for a in data.risk_of_bias if a.consensus and a.tool == tool]
    general: list[str | None] = [None] if any(a.outcome is None for a in judged) else []
    return general + sorted({a.outcome for a in judged if a.outcome is not None})


def rob_figure(tool: str, outcome: str | None) -> str:
    """The name of a risk-of-bias traffic-light figure (``-summary`` added: its summary)."""
    return f"rob-{tool}" + (f"-{outcome}" if outcome else "")


def _effects(x: _Builder, sof: list[grade.BuiltTable]) -> None:
    d = x.data
    x.add(b.Heading(2, x.w["effects"], "sof"))
    by_comparison: dict[str, list[grade.BuiltTable]] = {}
    for t in sof:
        by_comparison.setdefault(t.recorded.comparison, []).append(t)
    for c in d.protocol.comparisons:
        analyses = [a for a in d.analyses if a.comparison == c.id]
        tables = by_comparison.get(c.id, [])
        if not analyses and not tables:
            continue
        name = (c.name_en or c.name) if x.lang == "en" else c.name
        x.add(b.Heading(3, name or f"{c.intervention} vs {c.comparator}", f"c-{c.id}"))
        for a in analyses:
            _analysis(x, a, c)
        for t in tables:
            _sof_table(x, t)


def _analysis(x: _Builder, a: Analysis, c: Comparison) -> None:
    """The pooled result in a sentence (recomputed from the studies' arm-level data or
    reported estimates where the review has them, else as reported), its forest plot,
    and a funnel plot where there are ten studies or more (Cochrane Handbook
    13.3.5.4)."""
    from .figures.forest import draw_forest
    from .figures.funnel import draw_funnel, funnel_plot

    rows = grade.pooled_rows(x.data, a)
    report = grade.pool(a, rows) if rows is not None else None
    plot = _forest(x, a, c, rows, report)
    source = f"analyses.yaml:{a.id}"
    pooled: tuple[float | None, float | None, float | None, int | None, int | None] | None = None
    if report is not None and rows is not None:
        res = report.result
        total = grade.participants(rows)
        pooled = (res.back(res.estimate), res.back(res.ci_lb), res.back(res.ci_ub), res.k, total)
        o = report.options
        how = f"recomputed: {o.method}, {o.model} effects, {o.preset} conventions"
    elif a.reported is not None and a.reported.estimate is not None:
        r = a.reported
        pooled = (r.estimate, r.ci_lb, r.ci_ub, r.studies, r.participants)
        how = "as the review reports it"
    if pooled is not None:
        estimate, lb, ub, k, people = pooled
        when = grade.timepoint(a.timepoint or "", x.lang)
        parts: list[str | b.Text] = [
            f"{x.w['pooled']}{f' ({when})' if when else ''}: {a.measure} ",
            x.number(estimate, source, f"pooled estimate, {how}"),
        ]
        if lb is not None and ub is not None:
            parts += [
                " (95 % KI " if x.lang == "nb" else " (95% CI ",
                x.number(lb, source, f"lower CI limit, {how}"),
                " – ",
                x.number(ub, source, f"upper CI limit, {how}"),
                ")",
            ]
        if k is not None:
            parts += [
                ", ",
                x.number(k, source, f"studies pooled, {how}"),
                " studier" if x.lang == "nb" else " studies",
            ]
        if people is not None:
            parts += [
                ", ",
                x.number(people, source, f"participants pooled, {how}"),
                " deltakere" if x.lang == "nb" else " participants",
            ]
        sub = report.subgroups if report is not None else None
        if isinstance(sub, stats.SubgroupResult) and len(sub.groups) > 1:
            test = (
                " Test for forskjeller mellom subgrupper: χ² = "
                if x.lang == "nb"
                else " Test for subgroup differences: χ² = "
            )
            parts += [
                ".",
                test,
                x.number(round(sub.Q, 2), source, f"Q between subgroups, {how}"),
                f", df = {sub.Q_df} (P = ",
                x.number(round(sub.Q_p, 2), source, f"P of the test, {how}"),
                "), I² = ",
                x.number(round(sub.I2), source, f"I² between subgroups, {how}"),
                " %" if x.lang == "nb" else "%",
            ]
        x.add(b.Paragraph(b.text(*parts, ".")))
    if plot is not None:
        caption = f"{a.measure}, {grade.timepoint(a.timepoint or '', x.lang)}".strip(", ")
        alt = _forest_alt(x, a, c, pooled)
        x.figure("forest", f"forest-{a.id}", caption, alt, partial(draw_forest, plot))
    if report is not None and report.result.k >= 10:
        funnel = funnel_plot(report.result, trimfill=True, contours=True, lang=x.lang)
        caption = ("Traktplott" if x.lang == "nb" else "Funnel plot") + f", {a.measure}"
        what = _analysis_subject(x, a, c)
        alt = (
            f"Traktplott: effekten i hver av {report.result.k} studier mot standardfeilen, {what}."
            if x.lang == "nb"
            else f"Funnel plot: the effect in each of {report.result.k} studies against its "
            f"standard error, {what}."
        )
        x.figure("funnel", f"funnel-{a.id}", caption, alt, partial(draw_funnel, funnel))


def _analysis_subject(x: _Builder, a: Analysis, c: Comparison) -> str:
    """ "retur til arbeid (12 mnd), tverrfaglig rehabilitering sammenlignet med annet
    tiltak": what an analysis is about, for the alt texts of its figures."""
    outcome = next((o for o in x.data.protocol.outcomes if o.id == a.outcome), None)
    name = a.outcome
    if outcome is not None:
        name = (outcome.name_en or outcome.name) if x.lang == "en" else outcome.name
    intervention, comparator = grade.names(c, x.lang)
    versus = "sammenlignet med" if x.lang == "nb" else "compared with"
    time = grade.timepoint(a.timepoint or "", x.lang)
    when = f" ({time})" if time else ""
    return f"{name.lower()}{when}, {intervention.lower()} {versus} {comparator.lower()}"


def _forest_alt(
    x: _Builder,
    a: Analysis,
    c: Comparison,
    pooled: tuple[float | None, float | None, float | None, int | None, int | None] | None,
) -> str:
    """The forest plot in words: what it compares, how many studies, the pooled result."""
    what = _analysis_subject(x, a, c)
    text = f"Forest plot: {what}"
    if pooled is None:
        return text + "."
    estimate, lb, ub, k, _ = pooled
    if k is not None:
        text += f", {k} {'studier' if x.lang == 'nb' else 'studies'}"
    if estimate is not None:
        text += f"; {'samlet' if x.lang == 'nb' else 'pooled'} {a.measure} {_fmt(estimate, x.lang)}"
        if lb is not None and ub is not None:
            ci = "95 % KI" if x.lang == "nb" else "95% CI"
            to = "til" if x.lang == "nb" else "to"
            text += f" ({ci} {_fmt(lb, x.lang)} {to} {_fmt(ub, x.lang)})"
    return text + "."


def _forest_rob(
    x: _Builder, a: Analysis, studies: Sequence[str], labels: Mapping[str, str]
) -> tuple[dict[str, tuple[str | None, ...]] | None, tuple[str, ...], tuple[str, ...]]:
    """The risk-of-bias columns of an analysis' forest plot, as RevMan draws them:
    the agreed judgements of the tool that judged most of its studies (for this
    outcome where judged per outcome), each domain by its heading (A-G for RoB 1),
    with the overall judgement for RoB 2 and ROBINS-I; none when no study is judged."""
    from .figures.rob import rob_table

    wanted = set(studies)
    pairs = {(r.tool, r.study) for r in x.data.risk_of_bias if r.consensus and r.study in wanted}
    judged = Counter(tool for tool, _ in pairs)
    if not judged:
        return None, (), ()
    tool = sorted(judged, key=lambda t: (-judged[t], t))[0]
    chosen = [r for r in x.data.risk_of_bias if r.study in wanted]
    try:
        table = rob_table(chosen, tool=tool, study_labels=labels, lang=x.lang, outcome=a.outcome)
    except DataError:
        return None, (), ()
    overall = tool != "rob1"
    rob = {
        name: (*cells, *((table.overall[i],) if overall else ()))
        for i, (name, cells) in enumerate(zip(table.studies, table.cells, strict=True))
    }
    words = {"nb": "Samlet", "en": "Overall"}
    domains = (*table.domain_labels, *((words[x.lang][0],) if overall else ()))
    legend = tuple(
        f"({h}) {name}" for h, name in zip(table.domain_labels, table.legend, strict=True)
    ) + ((f"({words[x.lang][0]}) {words[x.lang]}",) if overall else ())
    return rob, domains, legend


def _forest(
    x: _Builder,
    a: Analysis,
    c: Comparison,
    rows: list[OutcomeData] | None,
    report: stats.MetaReport | None,
) -> Any:
    """A forest plot: from the studies' arm-level data (or their reported estimates,
    pooled by generic inverse variance) where the review has them, else the pooled
    result alone (the diamond), as reported."""
    from .figures import forest

    intervention, comparator = grade.names(c, x.lang)
    outcome = next((o for o in x.data.protocol.outcomes if o.id == a.outcome), None)
    sides = grade.favour_sides(outcome.direction, c, x.lang) if outcome else None
    favours = sides or ("", "")
    labels = {s.id: s.label for s in x.data.studies}
    if rows is not None and report is not None:
        g1: list[tuple[str, ...]]
        g2: list[tuple[str, ...]]
        if rows[0].data_type == "estimate":  # generic inverse variance: no arm cells
            g1, g2 = [], []
        elif rows[0].data_type == "dichotomous":
            g1 = [(_int(r.events_1), _int(r.n_1)) for r in rows]
            g2 = [(_int(r.events_2), _int(r.n_2)) for r in rows]
        else:
            g1 = [(_fmt(r.mean_1, x.lang), _fmt(r.sd_1, x.lang), _int(r.n_1)) for r in rows]
            g2 = [(_fmt(r.mean_2, x.lang), _fmt(r.sd_2, x.lang), _int(r.n_2)) for r in rows]
        rob, domains, legend = _forest_rob(x, a, [r.study for r in rows], labels)
        # a study reported by subgroup shows once per subgroup, named with it
        repeated = {r.study for r in rows if sum(o.study == r.study for o in rows) > 1}
        shown = [
            labels.get(r.study, r.study) + (f" ({r.group})" if r.study in repeated else "")
            for r in rows
        ]
        judged = {
            n: rob[labels.get(r.study, r.study)]
            for n, r in zip(shown, rows, strict=True)
            if rob is not None and labels.get(r.study, r.study) in rob
        }
        common = dict(
            arm_labels=(intervention, comparator),
            favours=favours,
            rob=judged or None,
            rob_domains=domains,
            rob_legend=legend,
            lang=x.lang,
        )
        if report.subgroups is not None and isinstance(report.subgroups, stats.SubgroupResult):
            sub = report.subgroups
            members = [[i for i, r in enumerate(rows) if r.group == g] for g in sub.groups]
            named = tuple(
                replace(res, study=tuple(shown[i] for i in idx))
                for res, idx in zip(sub.results, members, strict=True)
            )
            return forest.forest_plot_subgroups(
                replace(sub, results=named),
                overall=replace(report.result, study=tuple(shown)),
                group1=[[g1[i] for i in idx] for idx in members] if g1 else (),
                group2=[[g2[i] for i in idx] for idx in members] if g2 else (),
                **common,  # type: ignore[arg-type]
            )
        return forest.forest_plot(
            report.result,
            labels=shown,
            group1=g1,
            group2=g2,
            **common,  # type: ignore[arg-type]
        )
    rep = a.reported
    if rep is None or rep.estimate is None or rep.ci_lb is None or rep.ci_ub is None:
        return None
    none = x.w["not_reported"]
    total = forest.ForestTotal(
        label=forest.WORDS[x.lang]["total"].format(level=95),
        estimate=rep.estimate,
        ci_lb=rep.ci_lb,
        ci_ub=rep.ci_ub,
        n1=None,
        n2=None,
        events1=None,
        events2=None,
        heterogeneity=(
            ("Heterogenitet: " if x.lang == "nb" else "Heterogeneity: ")
            + (
                f"I² = {_fmt(rep.i2, x.lang)}{' %' if x.lang == 'nb' else '%'}"
                if rep.i2 is not None
                else none
            )
        ),
        overall=(
            f"Studier: {rep.studies}, deltakere: {rep.participants}"
            if x.lang == "nb"
            else f"Studies: {rep.studies}, participants: {rep.participants}"
        ),
    )
    return forest.ForestPlot(
        title=None,
        measure=a.measure,
        method_text=f"{a.measure}, {forest.WORDS[x.lang][a.model]}, "
        + forest.WORDS[x.lang]["ci"].format(level=95),
        arm_labels=(intervention, comparator),
        columns=(),
        groups=(),
        total=total,
        subgroup_test=None,
        favours=favours,
        log_scale=a.measure in ("RR", "OR", "HR"),
        lang=x.lang,
    )


def _sof_table(x: _Builder, t: grade.BuiltTable) -> None:
    w = x.w
    rec = t.recorded
    intervention, comparator = (
        grade.names(t.comparison, x.lang)
        if t.comparison
        else (rec.intervention or "", rec.control or "")
    )
    header = (
        w["outcome"],
        w["risk_control"].format(c=comparator.lower()),
        w["risk_intervention"].format(i=intervention.lower()),
        w["relative"],
        w["n_studies"],
        w["certainty"],
        w["statement"],
    )
    rows: list[tuple[b.Inline, ...]] = []
    for row in t.rows:
        source = f"sof.yaml:{rec.id}/{row.recorded.id}"
        e = row.evidence
        detail = (
            f"{e.source}: {e.measure} {e.estimate} ({e.ci_lb} to {e.ci_ub})"
            if e and e.estimate
            else "narrative"
        )
        first = row.absolute[0] if row.absolute else None
        control = (
            (
                b.Text(
                    first.control,
                    trace=x.trace(source, "assumed control risk", baseline=first.effect.baseline),
                ),
            )
            if first
            else b.text("")
        )
        recorded = row.recorded
        if not first and not row.continuous and recorded.risk_control_text:
            control = (x.given(recorded.risk_control_text),)  # as the review prints it
        effect: b.Inline
        if first:
            effect = (
                b.Text(first.intervention, trace=x.trace(source, f"from {detail}")),
                b.Text(f"; {first.difference}"),
            )
        elif row.continuous:
            effect = (b.Text(row.continuous, trace=x.trace(source, detail)),)
        elif recorded.narrative:
            effect = (x.given(recorded.narrative),)
        else:  # no effect to compute: the review's own cells, as it prints them
            said = [t for t in (recorded.risk_intervention_text, recorded.difference_text) if t]
            effect = (x.given("; ".join(said)),)
        relative = (b.Text(row.relative, trace=x.trace(source, detail)),) if row.relative else ()
        marks = tuple(b.Text(f" {n}", superscript=True) for n in sorted(row.footnotes))
        certainty = (
            b.Text(f"{row.certainty_symbols} {grade.certainty_label(row.certainty, x.lang)}"),
            *marks,
        )
        rows.append(
            (
                b.text(row.label),
                control,
                effect,
                relative,
                b.text(row.participants or ""),
                certainty,
                b.text(row.statement or ""),
            )
        )
    context = tuple(
        f"{k}: {v}"
        for k, v in (
            (w["population"], rec.population),
            (w["setting"], countries(rec.setting, x.lang) if rec.setting else None),
        )
        if v
    )
    notes = (
        context
        + tuple(f"{n}. {text}" for n, text in t.footnotes.items())
        + sof_explanation(x.data, t, x.lang)
    )
    x.table(
        sof_title(x.data, t, x.lang),
        header,
        rows,
        notes=notes,
        widths=(2.2, 1.4, 2.4, 1.6, 1.6, 1.4, 3),
        landscape=True,
        anchor=rec.id,
    )


def _swim(x: _Builder) -> None:
    from .figures.effect_direction import draw_effect_direction

    trends = x.data.trends
    if not trends:
        return
    w = x.w
    x.add(b.Heading(2, w["swim"], "swim"))
    counts = grade.vote_count(trends)
    rows = [
        (
            b.text(v.domain),
            b.text(str(v.studies)),
            b.text(str(v.benefit)),
            b.text(str(v.harm)),
            b.text(str(v.no_difference + v.mixed)),
            (
                b.Text(
                    v.describe(x.lang),
                    trace=x.trace(
                        "trends.yaml",
                        "vote counting by direction (70% rule), exact sign test, Wilson 95% CI",
                        domain=v.domain,
                    ),
                ),
            ),
        )
        for v in counts
    ]
    x.table(
        w["swim"],
        (
            w["outcome"],
            w["studies_n"],
            w["favouring"],
            w["favouring_control"],
            f"{w['no_difference']} / {w['mixed']}",
            w["proportion"],
        ),
        rows,
    )
    sizes = {s.id: s.participants for s in x.data.studies if s.participants}
    plot = grade.effect_direction_plot(trends, sample_sizes=sizes)
    labels = {s.id: s.label for s in x.data.studies}
    domains = ", ".join(d.lower() for d in plot.domains)
    alt = (
        f"Effektretningsplott: retningen på effekten i hver av {len(plot.rows)} studier for "
        f"{domains} (pil opp: i favør av tiltaket, pil ned: i favør av kontrollgruppen)."
        if x.lang == "nb"  # the domains are named in the review's language
        else f"Effect direction plot: the direction of effect in each of {len(plot.rows)} "
        f"studies in {len(plot.domains)} outcome domains (arrow up: favours the "
        "intervention, arrow down: favours the control)."
    )
    x.figure(
        "effect_direction",
        "effect-direction",
        w["swim"],
        alt,
        lambda p: draw_effect_direction(plot, p, lang=x.lang, study_labels=labels),
    )


def _systematic_reviews(x: _Builder) -> None:
    """The listed systematic reviews: how many, and their AMSTAR 2 confidence where
    appraised (each one's aim and conclusion are an appendix, as in the seed review)."""
    listed = x.data.systematic_reviews
    if not listed:
        return
    w = x.w
    ratings = amstar2.confidence(x.data.review_appraisals, x.data.protocol.amstar2_critical)
    x.add(b.Heading(2, w["systematic_reviews"], "systematic-reviews"))
    n = len(listed)
    sentence = (
        f"Vi inkluderte {n} systematiske oversikter for opplisting; vedlegget beskriver "
        "hver oversikts mål og konklusjon."
        if x.lang == "nb"
        else f"We listed {n} systematic reviews; the appendix gives each one's aim and conclusion."
    )
    x.add(b.Paragraph(b.text(sentence)))
    if not ratings:
        return
    counts = Counter(r.rating for r in ratings.values() if r.rating)
    names = [
        f"{amstar2.RATING_NAMES[rating][_NB[x.lang]].lower()}: {counts[rating]}"
        for rating in amstar2.RATINGS
        if counts[rating]
    ]
    x.add(
        b.Paragraph(
            b.text(
                f"Vi vurderte {len(ratings)} av dem med AMSTAR 2 (tillit til resultatene: "
                f"{', '.join(names) or 'ikke ferdig vurdert'})."
                if x.lang == "nb"
                else f"We appraised {len(ratings)} of them with AMSTAR 2 (confidence in the "
                f"results: {', '.join(names) or 'not yet rated'})."
            )
        )
    )
    labels = {r.id: r.label for r in listed}
    rows = [
        (b.text(labels.get(review, review)), b.text(_rating_words(rating, x.lang)))
        for review, rating in ratings.items()
    ]
    x.table(w["sr_confidence"], (w["sr_review"], w["sr_confidence"]), rows, widths=(2, 3))


def _sr_descriptions(x: _Builder) -> None:
    """Each listed review's aim and conclusion (the seed review's appendix 4)."""
    w = x.w
    x.add(b.Heading(2, w["sr_descriptions"], "sr-descriptions"))
    rows = [
        (b.text(r.label), b.text(r.aim or ""), b.text(r.conclusion or ""))
        for r in x.data.systematic_reviews
    ]
    x.table(
        w["sr_descriptions"],
        (w["sr_review"], w["sr_aim"], w["sr_conclusion"]),
        rows,
        widths=(1.2, 3, 3),
        anchor="systematic-reviews-table",
    )


def _listed(numbers: Sequence[int], lang: str) -> str:
    """``2, 4 and 7`` (``2, 4 og 7``); ``none`` for no numbers."""
    if not numbers:
        return "ingen" if lang == "nb" else "none"
    return grade.listed([str(n) for n in numbers], lang)


#: where the Norwegian name sits in amstar2's (English, bokmål) name pairs
_NB = {"en": 0, "nb": 1}


def _rating_words(rating: amstar2.Rating | None, lang: str) -> str:
    """``Low (critical flaw: 7)``; empty for a review not appraised."""
    if rating is None:
        return ""
    if rating.rating is None:
        return "ikke ferdig vurdert" if lang == "nb" else "not yet rated"
    name = amstar2.RATING_NAMES[rating.rating][_NB[lang]]
    flaws = ", ".join(map(str, rating.critical_flaws))
    if not flaws:
        return name
    return f"{name} ({'kritisk svakhet' if lang == 'nb' else 'critical flaw'}: {flaws})"


#: the review's language in the English note on text given in it only
_LANGUAGE_NAMES = {
    "nb": "Norwegian",
    "nn": "Norwegian (nynorsk)",
    "no": "Norwegian",
    "sv": "Swedish",
    "da": "Danish",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "nl": "Dutch",
}


def _given_note(language: str) -> str:
    """The English report's note that text the review gives in its own language only
    is shown as written."""
    name = _LANGUAGE_NAMES.get(language, f"its own language ({language})")
    return (
        f"This review was written in {name}. Text it gives only in {name} (eligibility "
        "criteria, descriptions of studies and populations, narrative results and "
        "footnotes) is shown here as written, not translated."
    )


def _conclusion(x: _Builder) -> None:
    r = x.data.review
    text = x.given(r.conclusion, r.conclusion_en)
    if text.text:
        x.add(
            b.Heading(1, x.w["conclusion"], "conclusion"),
            b.Paragraph((replace(text, text=" ".join(text.text.split())),)),
        )


# --- appendices ----------------------------------------------------------------------------


def _appendices(x: _Builder) -> None:
    d, w = x.data, x.w
    x.add(b.PageBreak(), b.Heading(1, w["appendices"], "appendices"))
    x.add(b.Heading(2, w["strategies"], "strategies"))
    for s in d.searches:
        date = search_date(s.date, s.date_text, x.lang)
        when = w["searched"].format(date=date) if date else w["searched_undated"]
        hits = f", {s.reported_hits} {w['hits'].lower()}" if s.reported_hits is not None else ""
        x.add(b.Heading(3, f"{s.database}{' (' + s.interface + ')' if s.interface else ''}"))
        x.add(b.Paragraph(b.text(f"{when}{hits}"), style="note"))
        if s.strategy:
            x.add(b.Paragraph(b.text(s.strategy), style="pre"))
    x.add(b.Heading(2, w["excluded"], "excluded"))
    rows: list[tuple[b.Inline, ...]] = [
        (b.text(e.citation), (x.given(e.reason, e.reason_en),)) for e in d.exclusions
    ]
    # and the full texts the team excluded here, with the reason their decisions give
    listed = {e.citation for e in d.exclusions}
    records = {r.id: r for r in d.records}
    for record, reason in prisma.fulltext_exclusions(d).items():
        cited = citation(records[record])
        if cited not in listed:
            rows.append((b.text(cited), b.text(reason)))
    x.table(w["excluded"], (w["reference"], w["reason"]), rows, widths=(3, 2))
    rob = [a for a in d.risk_of_bias if a.consensus]
    if rob:
        from ..appraisal.tools import TOOLS

        x.add(b.Heading(2, w["rob_support"], "rob-support"))
        labels = {s.id: s.label for s in d.studies}
        names = {
            (spec.code, dm.code): (dm.name_nb if x.lang == "nb" else dm.name_en)
            for spec in TOOLS.values()
            for dm in spec.domains
        }
        judged = [
            (
                b.text(labels.get(a.study, a.study)),
                b.text(names.get((a.tool, a.domain), a.domain)),
                b.text(rob_judgement(a.judgement, x.lang)),
                # RoB 2's signalling answers are part of the support for the judgement
                b.text(" ".join(p for p in (a.support, a.answers and f"({a.answers})") if p)),
            )
            for a in rob
        ]
        x.table(
            w["rob_support"],
            (w["study"], w["domain"], w["judgement"], w["support"]),
            judged,
            widths=(1.5, 2, 1, 4),
        )
    if d.systematic_reviews:
        _sr_descriptions(x)
    if d.review_appraisals:
        _amstar2_table(x)
    included = [s for s in d.studies if s.status == "included" and s.characteristics]
    if included:
        x.add(b.Heading(2, w["characteristics"], "characteristics"))
        for study in included:
            cells = [
                (b.text(characteristic_label(k, x.lang)), b.text(v))
                for k, v in study.characteristics.items()
            ]
            x.table(study.label, ("", ""), cells, widths=(1, 4))
    if d.notes:
        x.add(b.Heading(2, w["notes"], "notes"))
        x.add(b.Bullets(tuple(b.text(f"{n.subject}: {n.text}") for n in d.notes)))


def _amstar2_table(x: _Builder) -> None:
    """Every appraised review's agreed AMSTAR 2 answers (Y, PY, N, NMA, NA) by item
    and its overall confidence, as published overviews tabulate them."""
    d, w = x.data, x.w
    labels = {r.id: r.label for r in d.systematic_reviews}
    ratings = amstar2.confidence(d.review_appraisals, d.protocol.amstar2_critical)
    agreed = {(a.review, a.domain): a.judgement for a in d.review_appraisals if a.consensus}
    x.add(b.Heading(2, w["amstar2_table"], "amstar2"))
    rows = [
        (
            b.text(labels.get(review, review)),
            *(
                b.text(amstar2.ANSWER_SHORT.get(agreed.get((review, i.code), ""), ""))
                for i in amstar2.ITEMS
            ),
            b.text(_rating_words(rating, x.lang)),
        )
        for review, rating in ratings.items()
    ]
    x.table(
        w["amstar2_table"],
        (w["sr_review"], *(i.code for i in amstar2.ITEMS), w["sr_confidence"]),
        rows,
        widths=(1.6, *(0.45 for _ in amstar2.ITEMS), 1.6),
    )
    legend = ", ".join(
        f"{short} {amstar2.ANSWER_NAMES[answer][_NB[x.lang]].lower()}"
        for answer, short in amstar2.ANSWER_SHORT.items()
    )
    x.add(b.Paragraph(b.text(legend + "."), style="note"))


# --- numbers -------------------------------------------------------------------------------


def _int(value: float | None) -> str:
    return "" if value is None else str(round(value))


def _fmt(value: object, lang: str) -> str:
    """A number as the language writes it: 7 186 / 7,186; 1,01 / 1.01."""
    if value is None:
        return "–"
    if isinstance(value, int):
        text = f"{value:,}"
        return text.replace(",", " ") if lang == "nb" else text
    if isinstance(value, float):
        text = f"{value:g}" if abs(value) >= 100 else f"{value:.2f}"
        return text.replace(".", ",").replace("-", "−") if lang == "nb" else text
    return str(value)
