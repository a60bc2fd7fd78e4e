"""The protocol's words, marked where they occur in a record: what a screener's eye
looks for first (the terminal shows them bold, the web app with ``<mark>``)."""

from __future__ import annotations

import re

from ..model import Protocol

_WORD = re.compile(r"[^\W\d_]{5,}")
_STOP = frozenset({"about", "after", "among", "their", "there", "these", "those", "which"})


def protocol_keywords(protocol: Protocol) -> frozenset[str]:
    """Words of five letters or more (lower case) from the protocol's population,
    intervention, outcome and inclusion criteria."""
    text = " ".join(
        [protocol.population or "", protocol.intervention or "", protocol.outcome or ""]
        + [c.text for c in protocol.criteria if c.kind == "inclusion"]
    )
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def highlighted(text: str, keywords: frozenset[str]) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each with whether it is one of ``keywords``; the
    pieces joined give ``text`` back."""
    pieces: list[tuple[str, bool]] = []
    start = 0
    for match in _WORD.finditer(text) if keywords else ():
        if match.group(0).lower() in keywords:
            if match.start() > start:
                pieces.append((text[start : match.start()], False))
            pieces.append((match.group(0), True))
            start = match.end()
    if start < len(text) or not pieces:
        pieces.append((text[start:], False))
    return pieces
