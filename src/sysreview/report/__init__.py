"""Reports: build one view of the review, render it (HTML now; DOCX and figures
come later)."""

from .html import render_html

__all__ = ["render_html"]
