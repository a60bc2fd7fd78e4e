"""What the app hands each page module's ``router``: how to render a page, who is
signed in, and how to word a refusal (one definition for every module)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..errors import SysreviewError

PageFn = Callable[..., HTMLResponse]
SignedInFn = Callable[[Request], str | None]
MessageFn = Callable[[SysreviewError], str]
