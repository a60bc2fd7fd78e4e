"""Reports: build one document model from the review (``build``, ``summary``), render
it many ways (HTML, Word, Markdown), with figures drawn beside it (``figures``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..model import ReviewData
from .blocks import Document
from .build import build_report, draw_figure
from .html import render_html
from .markdown import render_markdown
from .summary import build_summary

FORMATS = ("html", "docx", "md")
LANGUAGES = ("nb", "en")


def write_document(document: Document, out: Path, stem: str, formats: Iterable[str]) -> list[Path]:
    """Render ``document`` as each format into ``out`` (``<stem>.html`` ...)."""
    written: list[Path] = []
    for fmt in formats:
        if fmt == "html":
            path = out / f"{stem}.html"
            path.write_text(render_html(document, out), encoding="utf-8")
            written.append(path)
        elif fmt == "md":
            path = out / f"{stem}.md"
            path.write_text(render_markdown(document), encoding="utf-8")
            written.append(path)
        elif fmt == "docx":
            from .docx_render import render_docx

            docx, sidecar = render_docx(document, out / f"{stem}.docx", base=out)
            written += [docx, sidecar]
        else:
            raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    return written


def write_reports(
    data: ReviewData,
    out: str | Path,
    *,
    langs: Iterable[str] = LANGUAGES,
    formats: Iterable[str] = FORMATS,
    summary: bool = True,
) -> list[Path]:
    """The full report and the plain-language summary of ``data`` in each language
    and format, figures in ``out/figures``; the paths written."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    chosen = tuple(formats)
    written: list[Path] = []
    for lang in langs:
        document = build_report(data, lang, target)
        written += write_document(document, target, f"report-{lang}", chosen)
        if summary:
            written += write_document(build_summary(data, lang), target, f"summary-{lang}", chosen)
    return written


__all__ = [
    "FORMATS",
    "LANGUAGES",
    "Document",
    "build_report",
    "build_summary",
    "draw_figure",
    "render_html",
    "render_markdown",
    "write_document",
    "write_reports",
]
