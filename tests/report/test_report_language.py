"""The report reads as one language: the plain-language summary's lead-ins and
bullets, dates in words, labels of study characteristics and risk-of-bias
judgements, figure texts (Norwegian labels and decimal commas), study labels in
figures, alt texts in words, and English labels that do not lose a row's specific
part."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from sysreview import grade, stats
from sysreview.model import ReviewData
from sysreview.report import blocks as b
from sysreview.report import build_report, build_summary, draw_figure
from sysreview.report._labels import (
    characteristic_label,
    countries,
    country,
    month_year,
    review_type,
    search_date,
)
from sysreview.report.figures.forest import draw_forest, forest_plot
from sysreview.report.figures.funnel import draw_funnel, funnel_plot

from ._metafor import load


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    return " ".join("".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text"))


def paragraphs(doc: b.Document) -> list[str]:
    return [b.plain(blk.content) for blk in doc.blocks if isinstance(blk, b.Paragraph)]


# --- the plain-language summary --------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_each_comparison_has_one_lead_in_and_bullets_that_read_after_it(
    data: ReviewData, lang: str
) -> None:
    pls = build_summary(data, lang)
    leads: list[str] = []
    for before, blk in zip(pls.blocks, pls.blocks[1:], strict=False):
        if isinstance(blk, b.Bullets):
            assert isinstance(before, b.Paragraph)
            leads.append(b.plain(before.content))
            for item in blk.items:
                sentence = b.plain(item)
                # whole sentences: the lead-in does not wait for a completion
                assert sentence[:1].isupper() and sentence.endswith("."), sentence
    assert len(leads) == len(set(leads)) > 1
    for lead in leads:
        assert not lead.rstrip().endswith(":") or "fant vi at" not in lead
        assert "fant vi at" not in lead and "we found that" not in lead
    nb_two_tables = "Tverrfaglig rehabilitering sammenlignet med vanlig praksis"
    en_two_tables = "Multidisciplinary rehabilitation compared with usual care"
    assert (nb_two_tables if lang == "nb" else en_two_tables) in leads


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_summary_title_has_one_colon_at_most(data: ReviewData, lang: str) -> None:
    pls = build_summary(data, lang)
    assert pls.title.count(":") <= 1
    assert pls.subtitle == ("Sammendrag i klarspråk" if lang == "nb" else "Plain language summary")


def test_the_summary_dates_the_database_searches_in_words(data: ReviewData) -> None:
    nb, en = (paragraphs(build_summary(data, lang))[-1] for lang in ("nb", "en"))
    assert data.review.search_completed == "2020-05"
    assert "forskningsdatabaser i mai 2020 og fant" in nb and "2020-" not in nb
    assert "databases systematically in May 2020 and found" in en
    # without search_completed: the last database search, not Google Scholar's in September
    assert max(s.date for s in data.searches if s.date) == "2020-09-22"
    undated = replace(data, review=replace(data.review, search_completed=None))
    assert "i mai 2020" in paragraphs(build_summary(undated, "nb"))[-1]


def test_month_year() -> None:
    assert month_year("2020-05", "nb") == "mai 2020"
    assert month_year("2020-05-04", "en") == "May 2020"
    assert month_year("2015-02-28", "nb") == "februar 2015"
    assert month_year("våren 2020", "nb") == "våren 2020"  # not ISO: as given
    assert month_year("2020-13", "en") == "2020-13"


def test_a_database_searched_twice_counts_once(data: ReviewData) -> None:
    databases = [s.database for s in data.searches if s.source == "database"]
    assert len(databases) == 10 and len(set(databases)) == 9  # Scopus twice
    nb = " ".join(paragraphs(build_report(data, "nb", "/unused", draw=False)))
    en = " ".join(paragraphs(build_report(data, "en", "/unused", draw=False)))
    assert "Vi søkte i 9 databaser" in nb and "We searched 9 databases" in en


# --- tables ---------------------------------------------------------------------------


def test_characteristics_have_human_labels(data: ReviewData) -> None:
    for lang, expected in (
        ("nb", {"Alder", "Kvinner", "Sykmelding", "Diagnose", "Beskrivelse av tiltaket"}),
        ("en", {"Age", "Women", "Sick leave", "Diagnosis", "Intervention details"}),
    ):
        doc = build_report(data, lang, "/unused", draw=False)
        labels = {s.label for s in data.studies}
        shown = {b.plain(row[0]) for t in doc.tables() if t.caption in labels for row in t.rows}
        assert expected <= shown
        assert not any("_" in label for label in shown), shown


def test_unknown_characteristics_keys_are_made_readable() -> None:
    assert characteristic_label("time_off_work", "en") == "Time off work"
    assert characteristic_label("sick_leave", "nb") == "Sykmelding"
    assert characteristic_label("Age", "en") == "Age"


def test_risk_of_bias_judgements_are_in_the_report_language(data: ReviewData) -> None:
    doc = build_report(data, "nb", "/unused", draw=False)
    table = next(t for t in doc.tables() if t.header[-1] == "Begrunnelse")
    judged = {b.plain(row[2]) for row in table.rows}
    assert judged == {"Lav risiko", "Uklar risiko", "Høy risiko"}


# --- English labels -----------------------------------------------------------------


def test_the_english_report_uses_the_english_fields(data: ReviewData) -> None:
    doc = build_report(data, "en", "/unused", draw=False)
    bullets = [b.plain(i) for blk in doc.blocks if isinstance(blk, b.Bullets) for i in blk.items]
    text = " ".join(s for s in bullets if "certainty in the result" in s)
    assert len(text) > 1000
    for norwegian in ("annet tiltak", "vanlig praksis", "ergoterapi", "retur til arbeid", " ved "):
        assert norwegian not in text.lower(), norwegian
    for table in doc.tables():
        if table.anchor and table.anchor.startswith("tabell-"):
            labels = [b.plain(row[0]) for row in table.rows if b.plain(row[0])]
            assert "Symptom reduction at 12 months" not in labels


def test_rows_of_one_outcome_without_english_labels_keep_their_specific_part(
    data: ReviewData,
) -> None:
    """Two rows of the outcome "time to return to work" at 18 months, neither with
    its own English label: the outcome's English name would make both "Time to
    return to work at 18 months"; they keep their own labels instead, and the
    statements say so too."""
    table = next(t for t in data.sof_tables if t.id == "tabell-12")
    rows = tuple(replace(r, label_en=None) for r in table.rows[:2])
    assert [(r.outcome, r.timepoint) for r in rows] == [("time_to_rtw", "18 mnd")] * 2
    stripped = replace(data, sof_tables=(replace(table, rows=rows),))
    fixed = grade.build_tables(stripped, lang="en")
    labels = [row.label for row in fixed[0].rows]
    assert labels == [
        "Retur til arbeid ved 18 måneder: delvis RTW",
        "Retur til arbeid ved 18 måneder: full RWT",
    ]
    statements = [row.statement or "" for row in fixed[0].rows]
    assert "on retur til arbeid ved 18 måneder: delvis RTW compared with" in statements[0]
    assert len(set(statements)) == 2
    # a row that says no more than its outcome and time point gets the English name
    rtw = next(t for t in data.sof_tables if t.id == "tabell-6")
    plain = replace(rtw, rows=tuple(replace(r, label_en=None) for r in rtw.rows))
    again = grade.build_tables(replace(data, sof_tables=(plain,)), lang="en")
    assert [r.label for r in again[0].rows] == [
        "Return to work at 12 months",
        "Return to work at 24 months",
    ]
    # the same fix in the report and the summary
    doc = build_report(stripped, "en", "/unused", draw=False)
    sof = next(t for t in doc.tables() if t.anchor == "tabell-12")
    assert [b.plain(row[0]) for row in sof.rows] == labels


# --- figures ----------------------------------------------------------------------


def test_norwegian_forest_plot_texts_and_numbers(data: ReviewData, tmp_path: Path) -> None:
    nb = svg_text(draw_figure(data, "forest-tr-vs-annet-rtw-12mnd", tmp_path / "nb.svg", lang="nb"))
    en = svg_text(draw_figure(data, "forest-tr-vs-annet-rtw-12mnd", tmp_path / "en.svg", lang="en"))
    assert "1,04 [0,86; 1,25]" in nb and "1.04 [0.86, 1.25]" not in nb
    assert "Studie eller subgruppe" in nb and "Vekt" in nb and "Relativ risiko" in nb
    assert "Study or Subgroup" not in nb and "Risk Ratio" not in nb and "0,5" in nb
    assert "1.04 [0.86, 1.25]" in en and "Study or Subgroup" in en and "Risk Ratio" in en


def test_forest_plot_model_in_bokmal(tmp_path: Path) -> None:
    rows = load("p01_bcg_binary_mh_iv_dl")["studies"]
    cols = {k: [r[k] for r in rows] for k in ("ai", "n1i", "ci", "n2i")}
    options = stats.options_for("revman5", measure="RR", method="MH", model="random")
    result = stats.meta_analysis(cols, options, study=[r["study"] for r in rows]).result
    cells1 = [(str(r["ai"]), str(r["n1i"])) for r in rows]
    cells2 = [(str(r["ci"]), str(r["n2i"])) for r in rows]
    en = forest_plot(result, group1=cells1, group2=cells2)
    nb = forest_plot(result, group1=cells1, group2=cells2, lang="nb")
    assert en.total is not None and nb.total is not None
    assert en.total.label == "Total (95% CI)" and nb.total.label == "Totalt (95 % KI)"
    assert en.total.heterogeneity.startswith("Heterogeneity: Tau² = 0.")
    assert nb.total.heterogeneity.startswith("Heterogenitet: Tau² = 0,")
    assert nb.total.heterogeneity.endswith(" %") and "P < 0,00001" in nb.total.heterogeneity
    assert nb.total.overall.startswith("Test for samlet effekt: Z = ")
    assert nb.method_text == "M-H, tilfeldig, 95 % KI" and en.method_text == "M-H, Random, 95% CI"
    assert nb.columns == en.columns == ("Events", "Total")  # keys; shown translated
    text = svg_text(draw_forest(nb, tmp_path / "nb.svg"))
    assert "Hendelser" in text and "Hendelser totalt" in text and "Events" not in text
    assert re.search(r"\d,\d %", text) and not re.search(r"\d\.\d", text)


def test_norwegian_funnel_plot(tmp_path: Path) -> None:
    rows = load("p01_bcg_binary_mh_iv_dl")["studies"]
    cols = {k: [r[k] for r in rows] for k in ("ai", "n1i", "ci", "n2i")}
    options = stats.options_for("revman5", measure="RR", method="MH", model="random")
    result = stats.meta_analysis(cols, options, study=[r["study"] for r in rows]).result
    text = svg_text(draw_funnel(funnel_plot(result, contours=True, lang="nb"), tmp_path / "f.svg"))
    assert "Samlet estimat" in text and "Pseudo 95 % KI" in text and "0,05 < p < 0,1" in text
    assert "Pooled estimate" not in text and not re.search(r"\d\.\d", text)


def test_figures_label_studies_as_the_tables_do(data: ReviewData, tmp_path: Path) -> None:
    text = svg_text(draw_figure(data, "effect-direction", tmp_path / "ed.svg", lang="nb"))
    assert "Bültmann 2009" in text and "bultmann2009" not in text
    text = svg_text(draw_figure(data, "rob-rob1", tmp_path / "rob.svg", lang="nb"))
    assert "Bültmann 2009" in text and "Samlet" not in text


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_alt_texts_describe_the_figures_in_words(data: ReviewData, lang: str) -> None:
    doc = build_report(data, lang, "/unused", draw=False)
    for figure in doc.figures():
        assert figure.anchor not in figure.alt, figure.alt
        assert not re.fullmatch(r"\d+ × \d+", figure.alt)
        assert len(figure.alt.split()) >= 6, figure.alt
    forest = next(f for f in doc.figures() if f.anchor == "forest-tr-vs-annet-rtw-12mnd")
    expected = "4 studier; samlet RR 1,04" if lang == "nb" else "4 studies; pooled RR 1.04"
    assert expected in forest.alt
    prisma = next(f for f in doc.figures() if f.kind == "prisma")
    unknown = "(n = ikke oppgitt)" if lang == "nb" else "(n = not reported)"
    assert unknown in prisma.alt and "?" not in prisma.alt


# --- an English report of a Norwegian review -------------------------------------------


def test_recorded_values_with_a_fixed_english_form_are_in_english() -> None:
    assert grade.timepoint("12 mnd", "en") == "12 months"
    assert grade.timepoint("1 mnd", "en") == "1 month"
    assert grade.timepoint("4 til 20 uker", "en") == "4 to 20 weeks"
    assert grade.timepoint("6 uker (42 dager) til 2 år (730 dager)", "en") == (
        "6 weeks (42 days) to 2 years (730 days)"
    )
    assert grade.timepoint("1,5 år", "en") == "1,5 years"
    # only a unit after a number: words that merely look like one stay as written
    assert grade.timepoint("time to RTW; år", "en") == "time to RTW; år"
    assert grade.timepoint("12 mnd", "nb") == "12 mnd"
    assert country("Norge", "en") == "Norway" and country("Norge", "nb") == "Norge"
    assert country("Atlantis", "en") == "Atlantis"
    assert countries("Norge, Danmark", "en") == "Norway, Denmark"
    assert countries("Sverige og Danmark", "en") == "Sweden, Denmark"
    assert countries("Danmark, hele landet", "en") == "Danmark, hele landet"  # as written
    assert review_type("Systematisk oversikt", "en") == "Systematic review"
    assert review_type("Systematisk oversikt", "nb") == "Systematisk oversikt"
    assert month_year("mai 2020", "en") == "May 2020"
    assert month_year("May 2020", "nb") == "mai 2020"
    assert search_date(None, "mai 2020", "en") == "May 2020"
    assert search_date("2020-06-11", "juni 2020", "en") == "2020-06-11"  # a full date as given
    assert search_date(None, "våren 2020", "en") == "våren 2020"


def test_the_english_report_puts_recorded_values_in_english(data: ReviewData) -> None:
    doc = build_report(data, "en", "/unused", draw=False)
    assert doc.subtitle == "Systematic review"
    studies = next(t for t in doc.tables() if t.anchor == "studies-table")
    shown = {b.plain(cell) for row in studies.rows for cell in (row[2], row[6])}
    assert {"Norway", "Denmark", "Sweden", "Netherlands", "12 months", "24 months"} <= shown
    assert not shown & {"Norge", "Danmark", "Sverige", "Nederland", "12 mnd"}
    text = " ".join(paragraphs(doc))
    assert "searched May 2020" in text and "mai 2020" not in text
    assert "Pooled result (12 months)" in text and "(12 mnd)" not in text
    notes = " ".join(n for t in doc.tables() for n in t.notes)
    assert "Setting: Norway, Denmark" in notes and "Setting: Norge" not in notes
    nb = build_report(data, "nb", "/unused", draw=False)
    assert nb.subtitle == "Systematisk oversikt"
    studies = next(t for t in nb.tables() if t.anchor == "studies-table")
    assert "Norge" in {b.plain(row[2]) for row in studies.rows}


def runs(doc: b.Document) -> list[b.Text]:
    found: list[b.Text] = []
    for blk in doc.blocks:
        if isinstance(blk, b.Paragraph):
            found += blk.content
        elif isinstance(blk, b.Bullets):
            found += [t for item in blk.items for t in item]
        elif isinstance(blk, b.Table):
            found += [t for row in blk.rows for cell in row for t in cell]
    return found


def test_text_given_only_in_norwegian_is_marked_and_said_so(data: ReviewData) -> None:
    doc = build_report(data, "en", "/unused", draw=False)
    marked = [t.text for t in runs(doc) if t.lang == "nb"]
    assert any(t.startswith("Personer som er langtidssykmeldt") for t in marked)  # PICO
    assert "Tverrfaglig rehabilitering" in marked  # an included study's intervention
    assert any(t.startswith("Ingen forskjell mellom gruppene") for t in marked)  # SoF narrative
    # what the review gives in English is not marked
    english = {t.text for t in runs(doc) if t.lang is None}
    assert data.review.question_en in english
    assert not any(t.lang for t in runs(build_report(data, "nb", "/unused", draw=False)))
    assert any(p.startswith("This review was written in Norwegian.") for p in paragraphs(doc))
    assert not any(
        "written in" in p for p in paragraphs(build_report(data, "nb", "/x", draw=False))
    )


def test_summary_of_findings_titles_are_made_in_english_from_english_names(
    data: ReviewData,
) -> None:
    en = build_report(data, "en", "/unused", draw=False)
    sof = {t.anchor: t.caption for t in en.tables() if t.anchor and t.anchor.startswith("tabell")}
    assert len(sof) == 12
    assert sof["tabell-4"] == (
        "Summary of findings: Multidisciplinary rehabilitation compared with usual care "
        "for return to work"
    )
    assert all(c.startswith("Summary of findings: ") for c in sof.values()), sof
    summary = build_summary(data, "en")
    assert all(t.caption.startswith("Summary of findings: ") for t in summary.tables())
    # the Norwegian report, and a review written in English, keep the titles as recorded
    recorded = {t.id: t.title for t in data.sof_tables}
    nb = build_report(data, "nb", "/unused", draw=False)
    assert {t.anchor: t.caption for t in nb.tables() if t.anchor in recorded} == {
        k: v for k, v in recorded.items() if k in sof
    }
    english = replace(data, review=replace(data.review, language="en"))
    same = build_report(english, "en", "/unused", draw=False)
    assert {t.anchor: t.caption for t in same.tables() if t.anchor in sof} == {
        k: recorded[k] for k in sof
    }


def test_sof_tables_explain_their_marks_and_abbreviations(data: ReviewData) -> None:
    en = {t.anchor: t for t in build_report(data, "en", "/unused", draw=False).tables()}
    nb = {t.anchor: t for t in build_report(data, "nb", "/unused", draw=False).tables()}
    # the stress-reduction table marks an instrument with †; its line is now printed
    assert any("†" in b.plain(c) for row in en["tabell-13"].rows for c in row)
    assert "† Symptom Check List 92" in en["tabell-13"].notes
    assert "CI: confidence interval; OR: odds ratio; RCT: randomised controlled trial; " in (
        " ".join(en["tabell-13"].notes)
    )
    assert not any("Konfidensintervall" in n for t in en.values() for n in t.notes)
    # GRADEpro's note on the assumed risk, where the table has absolute effects
    assert en["tabell-4"].notes[-2].startswith("* The risk in the intervention group")
    assert en["tabell-4"].notes[-1] == (
        "CI: confidence interval; RCT: randomised controlled trial; RR: risk ratio"
    )
    # the Norwegian report prints the explanation as recorded
    assert nb["tabell-13"].notes[-2:] == (
        "KI: Konfidensintervall; RCT: Randomisert kontrollert studie; RTW: retur til arbeid, "
        "OR: Odds ratio",
        "† Symptom Check List 92",
    )


def test_sof_rows_without_an_effect_show_the_reviews_own_cells(data: ReviewData) -> None:
    doc = build_report(data, "en", "/unused", draw=False)
    cells = {
        b.plain(row[0]): (b.plain(row[1]), b.plain(row[2]))
        for t in doc.tables()
        if t.anchor == "tabell-16"
        for row in t.rows
    }
    control, intervention = cells["Return to work at 3 months: full RTW"]
    assert control == "39 av 100 personer"
    assert intervention.startswith("37 av 100 personer; ")


def test_a_search_without_a_date_says_so(data: ReviewData) -> None:
    for lang, words in (("en", "search date not reported"), ("nb", "søkedato ikke oppgitt")):
        text = paragraphs(build_report(data, lang, "/unused", draw=False))
        assert words in text and "searched ?" not in text and "søkt ?" not in text
