"""The report as Markdown (GitHub-flavoured tables), a by-product for diffing and
for pasting into other tools; figures are linked, traced numbers footnoted by id."""

from __future__ import annotations

from . import blocks as b


def render_markdown(document: b.Document) -> str:
    out = [f"# {document.title}", ""]
    if document.subtitle:
        out += [f"*{document.subtitle}*", ""]
    if document.authors:
        out += ["; ".join(document.authors), ""]
    captions = b.numbered(document)
    for i, block in enumerate(document.blocks):
        out.extend(_block(block, captions.get(i, "")))
    traces = document.traces()
    if traces:
        out += ["", "---", ""]
        out += [f"[^{t.id}]: {t.source}: {t.detail}" for t in traces]
    return "\n".join(out).rstrip() + "\n"


def _inline(content: b.Inline) -> str:
    out: list[str] = []
    for t in content:
        s = t.text.replace("|", "\\|")
        if t.bold:
            s = f"**{s}**"
        if t.italic:
            s = f"*{s}*"
        if t.superscript:
            if out and out[-1].endswith("</sup>") and t.trace is None:
                out[-1] = f"{out[-1][: -len('</sup>')]},{s.strip()}</sup>"  # "1,2", not "12"
                continue
            s = f"<sup>{s.strip()}</sup>"
        if t.trace is not None:
            s = f"{s}[^{t.trace.id}]"
        out.append(s)
    return "".join(out).replace("\n", " ")


def _block(block: b.Block, caption: str) -> list[str]:
    if isinstance(block, b.Heading):
        return ["#" * min(block.level + 1, 6) + " " + block.text, ""]
    if isinstance(block, b.Paragraph):
        if block.style == "pre":
            return ["```", "".join(t.text for t in block.content), "```", ""]
        return [_inline(block.content), ""]
    if isinstance(block, b.Bullets):
        mark = "1." if block.numbered else "-"
        return [f"{mark} {_inline(i)}" for i in block.items] + [""]
    if isinstance(block, b.Table):
        width = len(block.header)
        lines = [f"**{caption}**", ""]
        lines.append("| " + " | ".join(h or " " for h in block.header) + " |")
        lines.append("|" + "---|" * width)
        for row in block.rows:
            cells = [_inline(c) for c in row] + [""] * (width - len(row))
            lines.append("| " + " | ".join(cells) + " |")
        lines += [""] + [f"> {n}" for n in block.notes]
        return [*lines, ""]
    if isinstance(block, b.Figure):
        return [f"![{block.alt}]({block.path})", "", f"*{caption}*", ""]
    return ["", "---", ""]
