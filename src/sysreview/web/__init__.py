"""The team web app: blinded dual screening in the browser, over the same facade as
the CLI (:class:`sysreview.Review`), on the review's SQLite file or PostgreSQL.

Run it in a review directory with ``sysreview-web`` (see :func:`main`), or build the
ASGI app with :func:`create_app`.  Needs the ``web`` extra (FastAPI, uvicorn).
"""

from __future__ import annotations

from .app import create_app, main

__all__ = ["create_app", "main"]
