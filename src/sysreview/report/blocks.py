"""The report model: a document as a list of blocks every renderer understands.

One model is built from the review (``build.py``) and rendered many ways (HTML,
Word, Markdown).  Blocks are plain frozen data; a number that came from an
analysis carries a :class:`Trace` saying which analysis, data and settings produced
it, so a reader can check it (HTML shows it on hover; Word gets a sidecar JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Trace:
    """Where a number comes from: ``id`` is unique in the document."""

    id: str
    source: str  # e.g. "analysis tr-vs-vanlig-rtw-12mnd", "sof.yaml:tabell-4/tabell-4-1"
    detail: str  # what was computed from what, with the settings
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "detail": self.detail, "data": self.data}


@dataclass(frozen=True)
class Text:
    """A run of text, optionally traced, emphasised or a superscript (footnote mark).

    ``lang`` is set on a run in another language than the document's: text the review
    gives in its own language only, shown as written in an English report.  Renderers
    mark it (HTML ``lang``, Word's proofing language) so screen readers and spelling
    checkers treat it right.
    """

    text: str
    trace: Trace | None = None
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    lang: str | None = None


Inline = tuple[Text, ...]


def text(*parts: str | Text) -> Inline:
    """Inline content from strings and Text runs."""
    return tuple(p if isinstance(p, Text) else Text(p) for p in parts)


def plain(inline: Inline) -> str:
    return "".join(t.text for t in inline)


@dataclass(frozen=True)
class Heading:
    level: int  # 1 = chapter
    text: str
    anchor: str | None = None


@dataclass(frozen=True)
class Paragraph:
    content: Inline
    style: str | None = None  # "note" (smaller), "pre" (preformatted: a search strategy)


@dataclass(frozen=True)
class Bullets:
    items: tuple[Inline, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A real table: a header row and body rows of inline cells; ``spans`` marks a
    body row that is one full-width cell (a group heading)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]
    notes: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()  # relative column widths
    spans: frozenset[int] = frozenset()
    anchor: str | None = None
    landscape: bool = False  # wide (a Summary-of-Findings table): Word turns the page


#: what captions are numbered with: (tables, figures) by language
CAPTION_WORDS = {"nb": ("Tabell", "Figur"), "en": ("Table", "Figure")}


def numbered(document: Document) -> dict[int, str]:
    """Each table's and figure's caption with its number ("Tabell 3. ..."), by the
    block's position in the document; renderers number the same way Word does."""
    table_word, figure_word = CAPTION_WORDS.get(document.lang, CAPTION_WORDS["en"])
    out: dict[int, str] = {}
    tables = figures = 0
    for i, block in enumerate(document.blocks):
        if isinstance(block, Table):
            tables += 1
            out[i] = f"{table_word} {tables}. {block.caption}"
        elif isinstance(block, Figure):
            figures += 1
            out[i] = f"{figure_word} {figures}. {block.caption}"
    return out


@dataclass(frozen=True)
class Figure:
    """A drawn figure: ``path`` relative to the report's directory (SVG), with its
    PNG twin for Word; ``alt`` describes it for screen readers."""

    kind: str  # forest, funnel, rob_traffic_light, rob_summary, prisma, effect_direction
    path: str
    png: str
    caption: str
    alt: str
    anchor: str | None = None


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | Table | Figure | PageBreak


@dataclass(frozen=True)
class Document:
    """A whole document: title page facts and the blocks in order."""

    lang: str
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    date: str | None
    blocks: tuple[Block, ...]
    kind: str = "report"  # report | summary (plain-language)

    def traces(self) -> list[Trace]:
        """Every traced number, in document order."""
        found: list[Trace] = []
        for b in self.blocks:
            runs: list[Text] = []
            if isinstance(b, Paragraph):
                runs = list(b.content)
            elif isinstance(b, Bullets):
                runs = [t for item in b.items for t in item]
            elif isinstance(b, Table):
                runs = [t for row in b.rows for cell in row for t in cell]
            found.extend(t.trace for t in runs if t.trace is not None)
        return found

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]
