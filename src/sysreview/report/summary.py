"""The plain-language summary, in the format of the second seed (a Norwegian
summary of a Cochrane review): what the research says (one bullet per outcome in
GRADE's wording, with the certainty in words), result tables with the comparator
and the intervention per 1000 and the certainty, and what the information is based
on.  Numbers for very low certainty are not shown, as the seed does not show them.
"""

from __future__ import annotations

from collections import Counter

from .. import grade, prisma
from ..model import ReviewData
from . import blocks as b
from ._labels import country, month_year, search_end, sof_title
from ._words import CERTAINTY_ADJECTIVE, words


def build_summary(data: ReviewData, lang: str) -> b.Document:
    w = words(lang)
    tables = grade.build_tables(data, lang=lang, per=1000)
    blocks: list[b.Block] = []
    r = data.review
    title = (r.title_en or r.title) if lang == "en" else r.title
    traces = 0

    def trace(source: str, detail: str) -> b.Trace:
        nonlocal traces
        traces += 1
        return b.Trace(f"s{traces}", source, detail)

    blocks.append(b.Heading(1, w["pls_says"], "says"))
    question = (r.question_en or r.question) if lang == "en" else r.question
    if question:
        blocks.append(b.Paragraph(b.text(" ".join(question.split()))))
    blocks += _findings(tables, lang)
    blocks.append(b.Paragraph(b.text(w["pls_certainty"]), style="note"))

    for table in tables:
        rows = []
        if table.comparison is None:
            continue
        intervention, comparator = grade.names(table.comparison, lang)
        for row in table.rows:
            what = b.text(b.Text(row.label, bold=True), "\n" + (row.statement or ""))
            certainty = b.text(grade.certainty_label(row.certainty, lang))
            source = f"sof.yaml:{table.recorded.id}/{row.recorded.id}"
            if row.certainty == "very_low":
                rows.append((what, b.text(w["pls_no_numbers"]), b.text(""), certainty))
                continue
            if row.absolute:
                a = row.absolute[0]
                rows.append(
                    (
                        what,
                        (b.Text(a.control, trace=trace(source, "assumed control risk")),),
                        (
                            b.Text(
                                a.intervention + "*", trace=trace(source, f"from {row.relative}")
                            ),
                        ),
                        certainty,
                    )
                )
            elif row.continuous:
                rows.append(
                    (
                        what,
                        b.text(""),
                        (b.Text(row.continuous + "*", trace=trace(source, "pooled difference")),),
                        certainty,
                    )
                )
            else:
                rows.append((what, b.text(""), b.text(row.recorded.narrative or ""), certainty))
        if not rows:
            continue
        header = (w["what_happens"], comparator, intervention, w["certainty"])
        blocks.append(
            b.Table(
                sof_title(data, table, lang),
                header,
                tuple(rows),
                notes=("* " + w["pls_ci"],),
                widths=(4, 2, 2.5, 1.5),
            )
        )

    blocks.append(b.Heading(1, w["pls_based"], "based"))
    blocks.append(b.Paragraph(b.text(_based_on(data, lang))))
    # the review's title may have a colon of its own: the kind of text is the subtitle
    return b.Document(
        lang, title, w["pls_title"], r.authors, r.published, tuple(blocks), kind="summary"
    )


def _findings(tables: list[grade.BuiltTable], lang: str) -> list[b.Block]:
    """What the research says, one group per comparison (however many tables it
    has): a lead-in naming the intervention and its comparator, which the bullets'
    whole sentences do not need to complete, then one bullet per outcome."""
    w = words(lang)
    groups: dict[str, tuple[str, list[b.Inline]]] = {}
    for table in tables:  # one lead-in per comparison, in the tables' order
        if table.comparison is None or table.comparison.id in groups:
            continue
        intervention, comparator = grade.names(table.comparison, lang)
        versus = "sammenlignet med" if lang == "nb" else "compared with"
        lead = f"{intervention[:1].upper()}{intervention[1:]} {versus} "
        groups[table.comparison.id] = (lead + grade.lower_first(comparator), [])
    for sentence, pairs in grade.prose_statements(tables):
        table, row = pairs[0]
        if table.comparison is None:
            continue
        adjective = CERTAINTY_ADJECTIVE[lang][row.certainty]
        groups[table.comparison.id][1].append(
            b.text(sentence, " " + w["we_have"].format(c=adjective))
        )
    blocks: list[b.Block] = []
    for lead, items in groups.values():
        if items:
            blocks += [b.Paragraph(b.text(b.Text(lead, bold=True))), b.Bullets(tuple(items))]
    return blocks


def _based_on(data: ReviewData, lang: str) -> str:
    counts = prisma.counts(data)
    included = [s for s in data.studies if s.status == "included"]
    people = sum(s.participants or 0 for s in included)
    end = search_end(data)
    when = month_year(end, lang) if end else None
    countries = Counter(country(c, lang) for s in included for c in s.countries)
    where = ", ".join(f"{c} ({n})" for c, n in countries.most_common())
    n = counts.studies_included if counts.studies_included is not None else len(included)
    if lang == "nb":
        text = "Forfatterne søkte systematisk i forskningsdatabaser"
        text += f" i {when}" if when else ""
        text += f" og fant {n} studier med til sammen {people} deltakere."
        if where:
            text += f" Studiene var utført i {where}."
        return text
    text = "The authors searched research databases systematically"
    text += f" in {when}" if when else ""
    text += f" and found {n} studies with {people} participants in all."
    if where:
        text += f" The studies were done in {where}."
    return text
