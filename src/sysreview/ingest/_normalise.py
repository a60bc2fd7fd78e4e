"""Cleaning bibliographic fields the same way for every format."""

from __future__ import annotations

import html
import re
import unicodedata

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
#: Markup only: "<" then a letter or "/" ("p<0.05 ... >80" in plain text is data).
_TAGS = re.compile(r"</?[A-Za-z][A-Za-z0-9:_-]*(?:\s[^<>]*)?/?>")
_SPACE = re.compile(r"\s+")


def clean_text(value: str | None) -> str | None:
    """Whitespace folded, HTML entities decoded, markup tags removed; None if empty."""
    if value is None:
        return None
    if "&" in value:
        value = html.unescape(value)
    if "<" in value:
        value = _TAGS.sub("", value)
    text = " ".join(value.split())
    return (text if text.isascii() else unicodedata.normalize("NFC", text)) or None


def plain_text(value: str | None) -> str | None:
    """Whitespace folded, NFC, nothing else: for plain-text formats (MEDLINE, WoS) and
    text an XML parser has already unescaped, where '<', '>' and '&' are data."""
    if value is None:
        return None
    text = " ".join(value.split())
    return (text if text.isascii() else unicodedata.normalize("NFC", text)) or None


def doi(value: str | None) -> str | None:
    """``10.xxxx/...`` in lower case, from a bare DOI, ``doi:`` or a doi.org URL."""
    if not value:
        return None
    match = _DOI.search(value.strip())
    if match is None:
        return None
    found = match.group(0).rstrip(".,;)]}>")
    return found.lower()


_ISSN = re.compile(r"(?<![\dXx-])(\d{4})-?(\d{3}[\dXx])(?![\dXx-])")


def issn(value: str | None) -> str | None:
    """The first ISSN in a field as ``NNNN-NNNC`` (``20964129``, ``1532-1827 (Electronic)``);
    ISBNs and longer digit runs do not match."""
    match = _ISSN.search(value or "")
    return f"{match.group(1)}-{match.group(2).upper()}" if match else None


def pmid(value: str | None) -> str | None:
    """The digits of a PubMed ID (``PMID: 123``, ``123 [pmid]``); None if there are none."""
    if not value:
        return None
    digits = re.search(r"\d{1,9}", value)
    return digits.group(0) if digits else None


def year(value: str | None) -> int | None:
    """The first plausible four-digit year (``2019//``, ``2019 Mar 5``, ``c2018``)."""
    if not value:
        return None
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


def pages(start: str | None, end: str | None = None) -> str | None:
    """``start-end`` with the end expanded from its abbreviation (``123-9`` -> ``123-129``)."""
    first = (start or "").strip()
    last = (end or "").strip()
    if not last and re.search(r"[-–—]", first):
        first, last = (p.strip() for p in re.split(r"\s*[-–—]+\s*", first, maxsplit=1))
    if not first:
        return last or None
    if not last or last == first:
        return first
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return f"{first}-{last}"


def author(value: str) -> str:
    """An author as "Surname, Given": ``Smith JA`` and ``Smith, J.A.`` keep their form;
    whitespace folded."""
    return _SPACE.sub(" ", value).strip().rstrip(",;")
