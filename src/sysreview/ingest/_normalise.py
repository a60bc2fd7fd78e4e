"""Cleaning bibliographic fields the same way for every format."""

from __future__ import annotations

import html
import re
import unicodedata
from html.entities import html5

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
#: Markup only: "<" then a letter or "/" ("p<0.05 ... >80" in plain text is data).
_TAGS = re.compile(r"</?[A-Za-z][A-Za-z0-9:_-]*(?:\s[^<>]*)?/?>")
_SPACE = re.compile(r"\s+")
_DASH = re.compile(r"[-–—]")
_DASHES = re.compile(r"\s*[-–—]+\s*")


def clean_text(value: str | None) -> str | None:
    """Whitespace folded, HTML entities decoded, markup tags removed; None if empty."""
    if value is None:
        return None
    if "&" in value:
        value = unescape(value)
    if "<" in value:
        value = _TAGS.sub("", value)
    return _folded(value)


#: ``html.unescape``'s own pattern: numeric and named character references.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
#: The longest entity name that needs no ";" ("frac12"): no longer prefix can be one.
_LONGEST_BARE = max(len(name) for name in html5 if not name.endswith(";"))


def unescape(value: str) -> str:
    """``html.unescape``, faster on URLs: where ``&`` starts no entity (``&md5=...``) it
    tries the prefixes that could be one (up to 6 characters), not all 31."""
    return _CHARREF.sub(_charref, value) if "&" in value else value


def _charref(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] == "#":
        return html.unescape(match.group(0))
    if name in html5:
        return html5[name]
    for end in range(min(len(name) - 1, _LONGEST_BARE), 1, -1):
        if name[:end] in html5:
            return html5[name[:end]] + name[end:]
    return "&" + name


def plain_text(value: str | None) -> str | None:
    """Whitespace folded, NFC, nothing else: for plain-text formats (MEDLINE, WoS) and
    text an XML parser has already unescaped, where '<', '>' and '&' are data."""
    if value is None:
        return None
    return _folded(value)


def _folded(value: str) -> str | None:
    """Whitespace runs as one space, ends stripped, NFC; None if empty."""
    # Most values are folded already but for their ends: no whitespace but spaces (as
    # in _spaces_only, inline as this runs for every value), and no two together.
    if (
        value.isprintable() if len(value) <= 200 or not value.isascii() else _spaces_only(value)
    ) and "  " not in value:
        text = value.strip()
    else:
        text = _fold(value)
    return (text if text.isascii() else unicodedata.normalize("NFC", text)) or None


def _fold(value: str) -> str:
    """``" ".join(value.split())``, without splitting a long abstract into words where the
    only whitespace is spaces or can be made so: ASCII's by translate, and line breaks
    (a value joined from lines) by replace."""
    if _spaces_only(value):
        return _single_spaced(value)
    if value.isascii():
        return _single_spaced(value.translate(_ASCII_SPACES))
    if "\n" in value and _spaces_only(spaced := value.replace("\n", " ")):
        return _single_spaced(spaced)
    return " ".join(value.split())


_ASCII_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # and the space
_ASCII_SPACES = str.maketrans(dict.fromkeys(_ASCII_WHITESPACE, " "))


def _spaces_only(value: str) -> bool:
    """True only if the value has no whitespace but spaces."""
    # Every whitespace character but the space is unprintable.  isprintable looks each
    # character up, though: in a long ASCII value nine memchr calls are cheaper.
    if len(value) > 200 and value.isascii():
        return not any(space in value for space in _ASCII_WHITESPACE)
    return value.isprintable()


def _single_spaced(text: str) -> str:
    """Runs of spaces as one, ends stripped."""
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip()


def may_contain(value: str, words: tuple[str, ...]) -> bool:
    """False only if none of ``words`` (upper case ASCII) is in ``value``, in any case.

    Asked before a regex that ignores case and needs one of them, as it is many times
    faster on long text: in ASCII an ASCII letter matches only its own two cases
    (elsewhere "ı" and "İ" match "i" too, so any other text may contain them).
    """
    if not value.isascii():
        return True
    upper = value.upper()
    return any(word in upper for word in words)


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
    if not last and _DASH.search(first):
        first, last = (p.strip() for p in _DASHES.split(first, maxsplit=1))
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
    if not value.isprintable() or "  " in value:  # see _spaces_only
        value = _SPACE.sub(" ", value)
    return value.strip().rstrip(",;")
