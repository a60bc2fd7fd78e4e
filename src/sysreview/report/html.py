"""The report as one self-contained, print-friendly HTML page.

Figures are inlined as SVG (text stays text); every traced number is a ``<span>``
whose ``title`` says which analysis, data and settings produced it (shown on
hover) and whose ``id`` matches the trace list at the end of the page.
"""

from __future__ import annotations

import html
import re
from importlib import resources
from pathlib import Path

from . import blocks as b


def render_html(document: b.Document, base: str | Path) -> str:
    """``document`` as HTML; figure paths are resolved against ``base``."""
    root = Path(base)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"nb" if document.lang == "nb" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(document.title)}</title>",
        f"<style>{_css()}</style>",
        "</head>",
        "<body>",
        '<header class="title">',
        f"<h1>{_e(document.title)}</h1>",
    ]
    if document.subtitle:
        parts.append(f'<p class="subtitle">{_e(document.subtitle)}</p>')
    if document.authors:
        parts.append(f'<p class="authors">{_e("; ".join(document.authors))}</p>')
    if document.date:
        parts.append(f'<p class="date">{_e(document.date)}</p>')
    parts.append("</header>")
    parts.append(_contents(document))
    parts.append("<main>")
    captions = b.numbered(document)
    parts.extend(_block(block, root, captions.get(i)) for i, block in enumerate(document.blocks))
    parts.append("</main>")
    parts.append(_trace_list(document))
    parts.append("</body>")
    parts.append("</html>")
    return "\n".join(p for p in parts if p) + "\n"


def _css() -> str:
    return (
        resources.files(__package__).joinpath("templates", "report.css").read_text(encoding="utf-8")
    )


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _inline(content: b.Inline) -> str:
    out = []
    for t in content:
        s = _e(t.text).replace("\n", "<br>")  # criteria and strategies keep their lines
        if t.bold:
            s = f"<strong>{s}</strong>"
        if t.italic:
            s = f"<em>{s}</em>"
        if t.superscript:
            s = f"<sup>{s}</sup>"
        if t.lang:
            s = f'<span lang="{_e(t.lang)}">{s}</span>'
        if t.trace is not None:
            tip = f"{t.trace.source}: {t.trace.detail}"
            s = f'<span class="n" id="{t.trace.id}" title="{_e(tip)}">{s}</span>'
        out.append(s)
    return "".join(out)


def _contents(document: b.Document) -> str:
    items = [
        f'<li><a href="#{h.anchor}">{_e(h.text)}</a></li>'
        for h in document.headings()
        if h.level == 1 and h.anchor
    ]
    if not items:
        return ""
    return '<nav class="toc"><ol>' + "".join(items) + "</ol></nav>"


def _block(block: b.Block, root: Path, caption: str | None) -> str:
    if isinstance(block, b.Heading):
        anchor = f' id="{_e(block.anchor)}"' if block.anchor else ""
        level = min(block.level + 1, 6)
        return f"<h{level}{anchor}>{_e(block.text)}</h{level}>"
    if isinstance(block, b.Paragraph):
        if block.style == "pre":
            return f'<pre class="strategy">{_inline(block.content)}</pre>'
        cls = f' class="{block.style}"' if block.style else ""
        return f"<p{cls}>{_inline(block.content)}</p>"
    if isinstance(block, b.Bullets):
        tag = "ol" if block.numbered else "ul"
        items = "".join(f"<li>{_inline(i)}</li>" for i in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, b.Table):
        return _table(block, caption or block.caption)
    if isinstance(block, b.Figure):
        return _figure(block, root, caption or block.caption)
    return '<div class="page-break"></div>'


def _table(t: b.Table, caption: str) -> str:
    anchor = f' id="{_e(t.anchor)}"' if t.anchor else ""
    head = "".join(f"<th>{_e(h)}</th>" for h in t.header) if any(t.header) else ""
    rows = []
    for i, row in enumerate(t.rows):
        if i in t.spans:
            rows.append(
                f'<tr class="group"><th colspan="{len(t.header)}">{_inline(row[0])}</th></tr>'
            )
        else:
            rows.append("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>")
    notes = "".join(f'<p class="note">{_e(n)}</p>' for n in t.notes)
    thead = f"<thead><tr>{head}</tr></thead>" if head else ""
    return (
        f'<figure class="table"{anchor}><figcaption>{_e(caption)}</figcaption>'
        f"<table>{thead}<tbody>{''.join(rows)}</tbody></table>{notes}</figure>"
    )


_XML_HEAD = re.compile(r"^\s*<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)


_SVG_ID = re.compile(r'\bid="([^"]+)"')


def _scoped_ids(svg: str, prefix: str) -> str:
    """The SVG with its ids (and what refers to them: ``url(#…)``, ``href="#…"``)
    prefixed, so that figures inlined in one page keep ids unique (matplotlib names
    every drawing's parts alike: ``figure_1``, ``patch_1`` ...)."""
    ids = set(_SVG_ID.findall(svg))
    if not ids:
        return svg

    def scoped(match: re.Match[str]) -> str:
        name = match.group(2)
        return f"{match.group(1)}{prefix}-{name}" if name in ids else match.group(0)

    return re.sub(r'(\bid="|url\(#|href="#)([^")]+)', scoped, svg)


def _figure(f: b.Figure, root: Path, caption: str) -> str:
    anchor = f' id="{_e(f.anchor)}"' if f.anchor else ""
    path = root / f.path
    if path.exists():
        svg = _XML_HEAD.sub("", path.read_text(encoding="utf-8"))
        svg = _scoped_ids(svg, Path(f.path).stem)
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_e(f.alt)}" ', 1)
    else:
        svg = f'<p class="note">[{_e(f.path)}]</p>'
    return (
        f'<figure class="figure {f.kind}"{anchor}>{svg}'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _trace_list(document: b.Document) -> str:
    traces = document.traces()
    if not traces:
        return ""
    heading = "Hvor tallene kommer fra" if document.lang == "nb" else "Where the numbers come from"
    items = "".join(
        f'<li><a href="#{t.id}">{t.id}</a>: {_e(t.source)} — {_e(t.detail)}</li>' for t in traces
    )
    return f'<section class="traces" id="traces"><h2>{heading}</h2><ol>{items}</ol></section>'
