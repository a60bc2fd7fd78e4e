"""What the app hands each page module's ``router``: how to render a page, who is
signed in, and how to word a refusal (one definition for every module); and the
longest text a form's free-text field takes."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..errors import SysreviewError

PageFn = Callable[..., HTMLResponse]
SignedInFn = Callable[[Request], str | None]
MessageFn = Callable[[SysreviewError], str]

#: characters a note, support, footnote or description field takes (a long page of text)
MAX_TEXT = 20_000


def too_long(fields: Mapping[str, str], names: Mapping[str, str]) -> str | None:
    """Why the form is refused when one of its free-text ``fields`` is longer than
    :data:`MAX_TEXT` (``names``: field -> how the page labels it), else None."""
    for field, value in fields.items():
        if len(value) > MAX_TEXT:
            label = names.get(field, field)
            return (
                f"{label} is too long: {len(value):,} characters, at most {MAX_TEXT:,}; "
                "nothing was saved"
            )
    return None


#: CLI commands the core's hints name, and where a web user does the same
WEB_PLACES = {
    "sysreview fulltext attach": "on the Full texts page",
    "sysreview screen resolve": "on the Conflicts page",
    "sysreview rob agree": "on the risk-of-bias Conflicts page",
    "sysreview rob assess": "on the study's risk-of-bias page",
    "sysreview extract settle": "on the Data page",
}
_COMMAND = re.compile(r"\s*\((sysreview [^()]*)\)")


def message(error: SysreviewError) -> str:
    """The refusal and its hint, with a hint's CLI command, as ``(sysreview fulltext
    attach)``, said as the place in the web app where the same is done."""
    text = str(error)
    hint = error.hint
    if hint:
        hint = _COMMAND.sub(lambda m: f", {WEB_PLACES[m[1]]}" if m[1] in WEB_PLACES else "", hint)
    return f"{text} ({hint})" if hint and hint not in text else text
