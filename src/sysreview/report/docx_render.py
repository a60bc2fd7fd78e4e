"""Render the report model (:mod:`.blocks`) to Word (.docx) with python-docx.

Headings use Word's built-in styles ("Title", "Heading 1".."Heading 3"), tables are
real tables with a repeating header row, captions are numbered per document
("Tabell 1." / "Table 1.", a Word SEQ field) above tables and below figures, and
figures are embedded from their PNG twins with alt text.  Every traced number gets a
hidden bookmark (``_<trace id>``) around its run and an entry in a sidecar JSON file
(``<name>.trace.json``) saying where in the document it is and where it came from.

``where`` in the sidecar counts the way python-docx does, 1-based: "paragraph N" is
``docx.Document(path).paragraphs[N - 1]``; "table T, row R, column C" is the table
captioned "Table T.", body row R (the header row not counted) and column C.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from .blocks import Bullets, Document, Figure, Heading, Inline, PageBreak, Paragraph, Table

FONT = "DejaVu Sans"  # carries æøå and the GRADE symbols ⨁◯
TEXT_WIDTH = Cm(21.0 - 2 * 2.5)  # A4 with 2.5 cm margins: 16 cm
LANDSCAPE_WIDTH = Cm(29.7 - 2 * 2.5)  # A4 turned, for wide tables: 24.7 cm
MAX_FIGURE_HEIGHT = Cm(22.0)
LANGUAGES = {"nb": ("nb-NO", "Tabell", "Figur"), "en": ("en-GB", "Table", "Figure")}
_SIZES = {"note": Pt(9), "small": Pt(9), "lead": Pt(12)}


def render_docx(
    document: Document, path: str | Path, *, base: str | Path | None = None
) -> tuple[Path, Path]:
    """Write the document as .docx and its traceability sidecar JSON beside it
    (`<name>.trace.json`); figures are embedded from their PNGs (resolved against `base`,
    default: the docx's directory).  Returns (docx path, sidecar path)."""
    if document.lang not in LANGUAGES:
        raise ValueError(f"unsupported document language {document.lang!r} (nb or en)")
    out = Path(path)
    writer = _Writer(document, Path(base) if base is not None else out.parent)
    writer.write()
    out.parent.mkdir(parents=True, exist_ok=True)
    writer.doc.save(str(out))
    sidecar = out.with_suffix(".trace.json")
    payload = {"document": document.title, "lang": document.lang, "numbers": writer.numbers}
    text = json.dumps(payload, ensure_ascii=False, indent=2, default=str)
    sidecar.write_text(text + "\n", encoding="utf-8")
    return out, sidecar


class _Writer:
    def __init__(self, model: Document, base: Path) -> None:
        self.model = model
        self.base = base
        self.tag, self.table_label, self.figure_label = LANGUAGES[model.lang]
        self.doc: Any = docx.Document()
        self.tables = 0
        self.figures = 0
        self.numbers: list[dict[str, Any]] = []
        self._bookmarks: set[str] = set()
        self.landscape = False

    def write(self) -> None:
        self._setup()
        self._title_page()
        for block in self.model.blocks:
            self._orient(isinstance(block, Table) and block.landscape)
            if isinstance(block, Heading):
                self.doc.add_heading(block.text, level=min(max(block.level, 1), 3))
            elif isinstance(block, Paragraph):
                p = self.doc.add_paragraph()
                self._runs(
                    p, block.content, self._where_paragraph, size=_SIZES.get(block.style or "")
                )
            elif isinstance(block, Bullets):
                self._bullets(block)
            elif isinstance(block, Table):
                self._table(block)
            elif isinstance(block, Figure):
                self._figure(block)
            elif isinstance(block, PageBreak):
                self.doc.add_page_break()

    def _orient(self, landscape: bool) -> None:
        """Turn the page for wide tables (a new section), and back after them."""
        if landscape == self.landscape:
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        short, long = Cm(21.0), Cm(29.7)
        section.page_width, section.page_height = (long, short) if landscape else (short, long)
        self.landscape = landscape

    @property
    def _width(self) -> Any:
        return LANDSCAPE_WIDTH if self.landscape else TEXT_WIDTH

    # -- set-up ------------------------------------------------------------------
    def _setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        for side in ("left", "right", "top", "bottom"):
            setattr(section, f"{side}_margin", Cm(2.5))
        styles = self.doc.styles
        # One font everywhere: drop the theme fonts (Cambria/Calibri) the template uses.
        for rfonts in styles.element.iter(qn("w:rFonts")):
            for attr in [a for a in rfonts.attrib if a.lower().endswith("theme")]:
                del rfonts.attrib[attr]
            for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
                rfonts.set(qn(f"w:{attr}"), FONT)
        for lang in styles.element.iter(qn("w:lang")):  # the docDefaults language
            lang.set(qn("w:val"), self.tag)
            lang.set(qn("w:eastAsia"), self.tag)
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(10)
        rpr = normal.element.get_or_add_rPr()
        rpr.rFonts.set(qn("w:eastAsia"), FONT)
        rpr.rFonts.set(qn("w:cs"), FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), self.tag)
        lang.set(qn("w:eastAsia"), self.tag)
        rpr.append(lang)  # w:lang comes after rFonts and sz in CT_RPr
        theme_lang = self.doc.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), self.tag)
        caption = styles["Caption"]
        caption.font.bold = False
        caption.font.color.rgb = RGBColor(0, 0, 0)
        caption.font.size = Pt(9)
        props = self.doc.core_properties
        props.title = self.model.title
        props.subject = self.model.subtitle or ""
        props.author = props.last_modified_by = ", ".join(self.model.authors)
        props.language = self.tag

    def _title_page(self) -> None:
        m = self.model
        self.doc.add_heading(m.title, level=0)
        if m.subtitle:
            self.doc.add_paragraph(m.subtitle, style="Subtitle")
        if m.authors:
            self.doc.add_paragraph(", ".join(m.authors))
        if m.date:
            self.doc.add_paragraph(m.date)
        self.doc.add_page_break()

    # -- inline ------------------------------------------------------------------
    def _where_paragraph(self) -> str:
        return f"paragraph {len(self.doc.paragraphs)}"

    def _runs(
        self, paragraph: Any, content: Inline, where: Any, *, size: Any = None, bold: bool = False
    ) -> None:
        """Add the runs; ``where`` is a string or a callable giving one (computed once)."""
        place: str | None = where if isinstance(where, str) else None
        for t in content:
            run = paragraph.add_run(t.text)
            if t.bold or bold:
                run.bold = True
            if t.italic:
                run.italic = True
            if t.superscript:
                run.font.superscript = True
            if t.lang:  # the run's proofing language (Word's w:lang)
                mark = OxmlElement("w:lang")
                mark.set(qn("w:val"), LANGUAGES[t.lang][0] if t.lang in LANGUAGES else t.lang)
                run._r.get_or_add_rPr().append(mark)
            if size is not None:
                run.font.size = size
            if t.trace is not None:
                place = place or where()
                entry = {"id": t.trace.id, "text": t.text, "where": place}
                entry |= {"source": t.trace.source, "detail": t.trace.detail}
                entry |= {"data": t.trace.data, "bookmark": self._bookmark(run, t.trace.id)}
                self.numbers.append(entry)

    def _bookmark(self, run: Any, trace_id: str) -> str:
        """A hidden bookmark (Word hides names starting with "_") around one run."""
        stem = "_" + re.sub(r"[^A-Za-z0-9_]", "_", trace_id)
        name, n = stem[:40], 1
        while name in self._bookmarks:
            n += 1
            name = f"{stem[: 39 - len(str(n))]}_{n}"
        self._bookmarks.add(name)
        ident = str(len(self._bookmarks))
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), ident)
        start.set(qn("w:name"), name)
        end.set(qn("w:id"), ident)
        run._r.addprevious(start)
        run._r.addnext(end)
        return name

    def _bullets(self, block: Bullets) -> None:
        style = "List Number" if block.numbered else "List Bullet"
        num_id = self._restarted_numbering(style) if block.numbered else None
        for item in block.items:
            p = self.doc.add_paragraph(style=style)
            if num_id is not None:
                p._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id
            self._runs(p, item, self._where_paragraph)

    def _restarted_numbering(self, style: str) -> int:
        """A new list instance of the style's numbering, so each list starts at 1."""
        numbering = self.doc.part.numbering_part.element
        style_num = self.doc.styles[style].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return int(num.numId)

    # -- captions, tables, figures -------------------------------------------------
    def _caption(self, label: str, number: int, caption: str, *, keep_with_next: bool) -> None:
        p = self.doc.add_paragraph(style="Caption")
        p.paragraph_format.keep_with_next = keep_with_next
        p.add_run(f"{label} ").bold = True
        # A SEQ field, so Word can list tables and figures; its cached result is the number.
        field = [("begin", ""), ("instr", f" SEQ {label} \\* ARABIC "), ("separate", "")]
        for kind, value in [*field, ("text", str(number)), ("end", "")]:
            run = p.add_run()
            run.bold = True
            if kind == "text":
                run.text = value
            elif kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = value
                run._r.append(instr)
            else:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
        p.add_run(".").bold = True
        p.add_run(f" {caption}")

    def _table(self, block: Table) -> None:
        self.tables += 1
        n, ncols = self.tables, len(block.header)
        self._caption(self.table_label, n, block.caption, keep_with_next=True)
        if block.widths and len(block.widths) != ncols:
            raise ValueError(
                f"table {block.caption!r}: {len(block.widths)} widths, {ncols} columns"
            )
        relative = block.widths or (1.0,) * ncols
        widths = [Emu(int(self._width * w / sum(relative))) for w in relative]
        table = self.doc.add_table(rows=1 + len(block.rows), cols=ncols)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row in table.rows:
            _row_property(row, "w:cantSplit")
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        header = table.rows[0]
        _row_property(header, "w:tblHeader")
        for cell, label in zip(header.cells, block.header, strict=True):
            cell.paragraphs[0].add_run(label).bold = True
            _shade(cell, "D9D9D9")
        for r, (cells, row) in enumerate(zip(block.rows, table.rows[1:], strict=True), start=1):
            if r - 1 in block.spans:  # a group heading across all columns
                merged = row.cells[0].merge(row.cells[-1]) if ncols > 1 else row.cells[0]
                runs = tuple(t for cell in cells for t in cell)
                self._runs(merged.paragraphs[0], runs, f"table {n}, row {r}", size=Pt(9), bold=True)
                _shade(merged, "F2F2F2")
                continue
            if len(cells) > ncols:
                raise ValueError(f"table {block.caption!r}, row {r}: more cells than columns")
            for c, (content, cell) in enumerate(zip(cells, row.cells, strict=False), start=1):
                self._runs(
                    cell.paragraphs[0], content, f"table {n}, row {r}, column {c}", size=Pt(9)
                )
        for note in block.notes:
            p = self.doc.add_paragraph()
            p.paragraph_format.space_after = Pt(2)
            p.add_run(note).font.size = Pt(8)
        self.doc.add_paragraph()  # space before what follows

    def _figure(self, block: Figure) -> None:
        self.figures += 1
        png = self.base / block.png
        if not png.is_file():
            raise FileNotFoundError(f"figure {block.kind!r} ({block.path}): no PNG at {png}")
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        shape = p.add_run().add_picture(str(png), width=TEXT_WIDTH)
        if shape.height > MAX_FIGURE_HEIGHT:  # a tall figure: fit the page height instead
            shape.width = Emu(int(shape.width * MAX_FIGURE_HEIGHT / shape.height))
            shape.height = MAX_FIGURE_HEIGHT
        shape._inline.docPr.set("descr", block.alt)
        shape._inline.docPr.set("name", Path(block.png).name)
        self._caption(self.figure_label, self.figures, block.caption, keep_with_next=False)


def _row_property(row: Any, tag: str) -> None:
    """Switch on a row property (w:cantSplit, w:tblHeader) — python-docx has no API."""
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)
