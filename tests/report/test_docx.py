"""The Word renderer: real headings, tables, captions, figures and traced numbers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from matplotlib.figure import Figure as MplFigure

from sysreview.report.blocks import (
    Bullets,
    Document,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Table,
    Text,
    Trace,
    text,
)
from sysreview.report.docx_render import render_docx

RR = Trace(
    id="tr-vs-vanlig/rtw 12 mnd:rr",
    source="analysis tr-vs-vanlig-rtw-12mnd",
    detail="Mantel-Haenszel RR, random effects (DL), 3 studies",
    data={"rr": 1.42, "ci": [1.1, 1.83]},
)
CELL = Trace(id="sof-4-1-anticipated", source="sof.yaml:tabell-4/tabell-4-1", detail="risk")


def _draw_figure(directory: Path) -> tuple[str, str]:
    fig = MplFigure(figsize=(3, 2), dpi=50)
    fig.add_subplot().plot([0, 1], [1, 0])
    (directory / "figures").mkdir()
    fig.savefig(directory / "figures" / "forest.png")
    fig.savefig(directory / "figures" / "forest.svg")
    return "figures/forest.svg", "figures/forest.png"


def _document(lang: str, svg: str, png: str) -> Document:
    nb = lang == "nb"
    return Document(
        lang=lang,
        title="Tilbake til arbeid: ærlig økning på små tiltak" if nb else "Return to work",
        subtitle="En systematisk oversikt" if nb else "A systematic review",
        authors=("Åse Ødegård", "Bjørn Ås"),
        date="2024-05-01",
        blocks=(
            Heading(1, "Innledning" if nb else "Introduction"),
            Heading(2, "Bakgrunn" if nb else "Background"),
            Heading(3, "Tiltakene" if nb else "The interventions"),
            Paragraph(
                text(
                    "Relativ risiko var ",
                    Text("1,42", trace=RR, bold=True),
                    Text("a", superscript=True),
                    " (",
                    Text("moderat", italic=True),
                    " tillit ⨁⨁⨁◯).",
                )
            ),
            Bullets((text("første punkt med æøå"), text("andre punkt"))),
            Bullets((text("ett"), text("to")), numbered=True),
            Table(
                caption="Oppsummering av funn" if nb else "Summary of findings",
                header=("Utfall", "Studier", "Effekt", "Tillit"),
                rows=(
                    (text("Arbeid"), (), (), ()),
                    (
                        text("RTW 12 mnd"),
                        text("3"),
                        (Text("12 per 100", trace=CELL),),
                        text("⨁⨁◯◯"),
                    ),
                    (text("Sykefravær"), text("2"), text("–"), text("⨁◯◯◯")),
                ),
                notes=("a Nedgradert for upresishet.", "KI: konfidensintervall."),
                widths=(3, 1, 2, 2),
                spans=frozenset({0}),
            ),
            PageBreak(),
            Figure(
                kind="forest",
                path=svg,
                png=png,
                caption="Skogplott" if nb else "Forest plot",
                alt="Skogplott av relativ risiko" if nb else "Forest plot of the risk ratio",
            ),
        ),
    )


@pytest.fixture(params=["nb", "en"])
def rendered(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path, Path]:
    svg, png = _draw_figure(tmp_path)
    lang = str(request.param)
    out, sidecar = render_docx(_document(lang, svg, png), tmp_path / "rapport.docx")
    return lang, out, sidecar


def test_headings_title_page_and_core_properties(rendered: tuple[str, Path, Path]) -> None:
    lang, out, _ = rendered
    d = docx.Document(str(out))
    styled = [
        (p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith(("Head", "Ti"))
    ]
    if lang == "nb":
        assert styled == [
            ("Title", "Tilbake til arbeid: ærlig økning på små tiltak"),
            ("Heading 1", "Innledning"),
            ("Heading 2", "Bakgrunn"),
            ("Heading 3", "Tiltakene"),
        ]
    else:
        assert [s for s, _ in styled] == ["Title", "Heading 1", "Heading 2", "Heading 3"]
    texts = [p.text for p in d.paragraphs]
    assert texts.index("Åse Ødegård, Bjørn Ås") < texts.index("2024-05-01")
    assert d.paragraphs[1].style.name == "Subtitle"
    breaks = d.element.body.findall(f".//{qn('w:br')}")
    assert sum(b.get(qn("w:type")) == "page" for b in breaks) == 2  # title page + PageBreak
    props = d.core_properties
    assert props.author == "Åse Ødegård, Bjørn Ås"
    assert props.language == ("nb-NO" if lang == "nb" else "en-GB")
    assert props.title == d.paragraphs[0].text
    section = d.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 2) == 2.5
    normal = d.styles["Normal"]
    assert normal.font.name == "DejaVu Sans"
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == fonts.get(qn("w:cs")) == "DejaVu Sans"
    langs = {e.get(qn("w:val")) for e in d.styles.element.iter(qn("w:lang"))}
    assert langs == {props.language}


def test_runs_bullets_and_numbering(rendered: tuple[str, Path, Path]) -> None:
    _, out, _ = rendered
    d = docx.Document(str(out))
    para = next(p for p in d.paragraphs if p.text.startswith("Relativ risiko"))
    assert para.text == "Relativ risiko var 1,42a (moderat tillit ⨁⨁⨁◯)."
    runs = {r.text: r for r in para.runs}
    assert runs["a"].font.superscript is True
    assert runs["1,42"].bold is True and runs["moderat"].italic is True
    assert runs["Relativ risiko var "].font.superscript is None
    styles = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("List")]
    assert styles == [
        ("List Bullet", "første punkt med æøå"),
        ("List Bullet", "andre punkt"),
        ("List Number", "ett"),
        ("List Number", "to"),
    ]


def test_table(rendered: tuple[str, Path, Path]) -> None:
    lang, out, _ = rendered
    d = docx.Document(str(out))
    assert len(d.tables) == 1
    table = d.tables[0]
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == ["Utfall", "Studier", "Effekt", "Tillit"]
    assert all(c.paragraphs[0].runs[0].bold for c in table.rows[0].cells)
    header_pr = table.rows[0]._tr.trPr
    assert header_pr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    group = table.rows[1]
    assert len({id(c._tc) for c in group.cells}) == 1  # one cell across all columns
    assert group.cells[0].text == "Arbeid"
    assert group._tr.tc_lst[0].tcPr.gridSpan.val == 4
    assert [c.text for c in table.rows[2].cells] == ["RTW 12 mnd", "3", "12 per 100", "⨁⨁◯◯"]
    assert table.rows[3].cells[3].text == "⨁◯◯◯"
    widths = [round(c.width.cm, 2) for c in table.columns]
    assert widths == [6.0, 2.0, 4.0, 4.0]
    texts = [p.text for p in d.paragraphs]
    label = "Tabell" if lang == "nb" else "Table"
    caption = next(t for t in texts if t.startswith(label))
    assert caption == f"{label} 1. " + (
        "Oppsummering av funn" if lang == "nb" else "Summary of findings"
    )
    caption_p = d.paragraphs[texts.index(caption)]
    assert caption_p.style.name == "Caption"
    assert caption_p._p.getnext().tag == qn("w:tbl")  # caption above the table
    note = d.paragraphs[texts.index("a Nedgradert for upresishet.")]
    assert note.runs[0].font.size.pt == 8
    assert note._p.getprevious().tag == qn("w:tbl")  # notes under it
    assert "KI: konfidensintervall." in texts


def test_figure(rendered: tuple[str, Path, Path]) -> None:
    lang, out, _ = rendered
    d = docx.Document(str(out))
    assert len(d.inline_shapes) == 1
    shape = d.inline_shapes[0]
    assert round(shape.width.cm, 1) == 16.0
    assert round(shape.height.cm, 1) == round(16.0 * 2 / 3, 1)  # aspect ratio kept
    alt = "Skogplott av relativ risiko" if lang == "nb" else "Forest plot of the risk ratio"
    assert shape._inline.docPr.get("descr") == alt
    texts = [p.text for p in d.paragraphs]
    caption = "Figur 1. Skogplott" if lang == "nb" else "Figure 1. Forest plot"
    assert caption in texts
    picture_p = next(i for i, p in enumerate(d.paragraphs) if p._p.xpath(".//pic:pic"))
    assert texts[picture_p + 1] == caption  # caption below the figure


def test_traceability_sidecar_and_bookmarks(rendered: tuple[str, Path, Path]) -> None:
    lang, out, sidecar = rendered
    assert sidecar == out.with_name("rapport.trace.json")
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    assert data["lang"] == lang and data["document"].startswith(("Tilbake", "Return"))
    numbers = {n["id"]: n for n in data["numbers"]}
    assert list(numbers) == [RR.id, CELL.id]
    rr = numbers[RR.id]
    assert (rr["text"], rr["source"], rr["detail"]) == ("1,42", RR.source, RR.detail)
    assert rr["data"] == {"rr": 1.42, "ci": [1.1, 1.83]}
    assert numbers[CELL.id]["where"] == "table 1, row 2, column 3"
    d = docx.Document(str(out))
    paragraph = int(rr["where"].removeprefix("paragraph "))
    assert d.paragraphs[paragraph - 1].text.startswith("Relativ risiko var 1,42")
    marks = {b.get(qn("w:name")): b for b in d.element.body.iter(qn("w:bookmarkStart"))}
    assert set(marks) == {"_tr_vs_vanlig_rtw_12_mnd_rr", "_sof_4_1_anticipated"}
    assert rr["bookmark"] == "_tr_vs_vanlig_rtw_12_mnd_rr"
    start = marks["_tr_vs_vanlig_rtw_12_mnd_rr"]
    run, end = start.getnext(), start.getnext().getnext()
    assert run.find(qn("w:t")).text == "1,42"
    assert end.tag == qn("w:bookmarkEnd") and end.get(qn("w:id")) == start.get(qn("w:id"))
    assert len({b.get(qn("w:id")) for b in marks.values()}) == 2


def test_bookmark_names_are_short_and_unique(tmp_path: Path) -> None:
    long = "x" * 60
    runs = tuple(Text(str(i), trace=Trace(long + ("é" if i else "ø"), "s", "d")) for i in range(2))
    model = Document("en", "T", None, (), None, (Paragraph(runs),))
    out, sidecar = render_docx(model, tmp_path / "out" / "r.docx")
    names = [n["bookmark"] for n in json.loads(sidecar.read_text(encoding="utf-8"))["numbers"]]
    assert len(set(names)) == 2 and all(len(n) <= 40 for n in names)
    assert all(n.replace("_", "").isalnum() and n.isascii() for n in names)
    assert out.is_file()


def test_missing_png_and_bad_language(tmp_path: Path) -> None:
    figure = Figure("forest", "f.svg", "f.png", "c", "alt")
    with pytest.raises(FileNotFoundError, match=r"f\.png"):
        render_docx(Document("en", "T", None, (), None, (figure,)), tmp_path / "r.docx")
    with pytest.raises(ValueError, match="language"):
        render_docx(Document("de", "T", None, (), None, ()), tmp_path / "r.docx")


def test_base_resolves_figures(tmp_path: Path) -> None:
    svg, png = _draw_figure(tmp_path)
    model = Document("en", "T", None, (), None, (Figure("forest", svg, png, "c", "alt"),))
    out, _ = render_docx(model, tmp_path / "elsewhere" / "r.docx", base=tmp_path)
    assert len(docx.Document(str(out)).inline_shapes) == 1


def test_converts_to_pdf_with_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    svg, png = _draw_figure(tmp_path)
    out, _ = render_docx(_document("nb", svg, png), tmp_path / "rapport.docx")
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(home)},
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Error" not in output
    pdf = tmp_path / "rapport.pdf"
    assert pdf.is_file()
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF")
    assert b"DejaVuSans" in content  # the font carrying æøå and ⨁◯ is embedded


def test_a_run_in_another_language_is_marked_for_word_and_the_browser(tmp_path: Path) -> None:
    from sysreview.report.html import render_html

    content = (Text("Population: ", bold=True), Text("Personer som er sykmeldt", lang="nb"))
    document = Document("en", "A review", None, (), None, (Paragraph(content),))
    out, _ = render_docx(document, tmp_path / "report.docx")
    runs = docx.Document(str(out)).paragraphs[-1].runs
    marks = [[e.get(qn("w:val")) for e in r._r.iter(qn("w:lang"))] for r in runs]
    assert marks == [[], ["nb-NO"]]
    page = render_html(document, tmp_path)
    assert 'Population: </strong><span lang="nb">Personer som er sykmeldt</span>' in page


def test_markdown_joins_footnote_marks_with_commas() -> None:
    from sysreview.report.markdown import render_markdown

    marks = (Text("Very low"), Text(" 1", superscript=True), Text(" 2", superscript=True))
    page = render_markdown(Document("en", "A review", None, (), None, (Paragraph(marks),)))
    assert "Very low<sup>1,2</sup>" in page and "<sup>1</sup><sup>2</sup>" not in page
