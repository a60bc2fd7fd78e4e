"""BibTeX: ``@type{key, field = {value}, ...}`` entries, as Scopus, Web of Science and
Zotero export them.

Read without a third-party parser (bibtexparser drops an entry whose field repeats;
Scopus repeats ``funding_details``).  Quirks handled:

* Entries start on their own line (``@article{...`` after optional spaces); each runs
  to the next such line, so a broken entry (unbalanced braces, a cut-off file) is
  reported with its line and the next entry is read as usual.  ``@comment`` and
  ``@preamble`` are skipped, ``@string`` macros are expanded, ``#`` concatenates.
* Values in ``{...}`` or ``"..."`` (nested braces kept), bare numbers and macros
  (``month = jan``); keys may be missing or hold spaces (Scopus ``Conference paper2022``,
  WoS ``{ WOS:000...``); field names may hold spaces, even no-break ones
  (Scopus ``funding_text 1``).
* A repeated field keeps both values in ``raw``; the normalised field takes the first,
  and a warning names the field.
* LaTeX is decoded in the normalised fields: accents (``{\\"o}``, ``\\'{e}``, ``\\v c``),
  special letters (``\\ss``, ``\\o``), escapes (``\\&``, ``\\_``), text commands
  (``\\textit{...}``), case-protecting braces; ``raw`` keeps the value as written.
  ``~``, ``--`` and a lone ``$`` are left alone: vendors write them as plain text.
* Authors are split on ``and`` outside braces; ``First Last`` becomes ``Last, First``
  by BibTeX's own rule (a lower-case "von" part belongs to the surname) unless it
  reads as MEDLINE's ``Surname Initials`` (``Liu R.``); ``others``
  (et al.) is dropped; ``{World Health Organization}`` stays whole.

``raw`` is ``("ENTRYTYPE", type)``, ``("ID", key)``, then every field in file order as
``(name as written, value)``: outer braces or quotes removed, macros expanded, LaTeX kept.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParseError
from . import _normalise as norm
from ._record import UNREADABLE, IngestIssue, ReadResult, SourceRecord
from ._text import read_text

FORMAT = "bibtex"
#: Warnings about a record that could not be read start with this.

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(]", re.MULTILINE)
_SIGNATURE = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(][^,={}\n]*,", re.MULTILINE)
_NOT_RECORDS = {"comment", "string", "preamble"}
_NAME = re.compile(r"[^\s=,{}\"#()]+(?:[^\S\n]+[^\s=,{}\"#()]+)*")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
_MACROS = {month[:3].lower(): month for month in _MONTHS}
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_ET_AL = re.compile(r"et\.?\s*al\.?", re.IGNORECASE)
_SPECIAL = re.compile(r'\\.|[{}"]', re.DOTALL)
_BARE = re.compile(r"[^\s,#{}\"()=]+")
_SAME_LINE_ENTRY = re.compile(r"@[ \t]*[A-Za-z]+[ \t]*[{(]")

Field = tuple[str, str, int]  # name as written, value, offset in the file


class _Broken(Exception):
    """An entry that cannot be read: why, and where (offset in the file)."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


@dataclass
class _Source:
    """The text being read, its line ends, and the warnings gathered so far."""

    file: str
    text: str
    issues: list[IngestIssue]
    newlines: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", self.text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self.newlines, offset) + 1

    def warn(self, offset: int, message: str, name: str | None = None) -> None:
        self.issues.append(IngestIssue(self.file, self.line(offset), message, name))


def sniff(head: str) -> bool:
    """True if a line starts a BibTeX entry (``@type{key,``)."""
    return _SIGNATURE.search(head) is not None


def read(path: str | Path) -> ReadResult:
    """Every entry of a BibTeX file as a ``SourceRecord`` (``@comment``, ``@string``
    and ``@preamble`` are not records).

    Raises ``ParseError`` if no line of the file starts an entry, or if entries would
    be lost (entries started != records read + entries reported unreadable).
    """
    text, issues = read_text(path)
    src = _Source(str(path), text, issues)
    starts = list(_ENTRY_START.finditer(text))
    if not starts:
        first = next((n for n, line in enumerate(text.split("\n"), 1) if line.strip()), 1)
        raise ParseError("not BibTeX: no line starts an entry ('@type{')", path=path, line=first)
    macros = dict(_MACROS)
    records: list[SourceRecord] = []
    bounds = [m.start() for m in starts[1:]] + [len(text)]
    for match, stop in zip(starts, bounds, strict=True):
        kind = match.group(1).lower()
        try:
            if kind == "string":
                _define(src, match.end(), stop, macros)
            elif kind not in _NOT_RECORDS:
                key, fields = _parse_entry(src, match.end(), stop, macros)
                records.append(_to_record(src, match.start(), kind, key, fields))
        except _Broken as exc:
            label = f"@{kind} ignored" if kind in _NOT_RECORDS else UNREADABLE
            src.warn(match.start(), f"{label}: {exc.reason} (line {src.line(exc.offset)})")
    expected = sum(1 for m in starts if m.group(1).lower() not in _NOT_RECORDS)
    unreadable = sum(1 for issue in issues if issue.message.startswith(UNREADABLE))
    if len(records) + unreadable != expected:
        raise ParseError(
            f"{expected} entries but {len(records)} read and {unreadable} unreadable", path=path
        )
    return ReadResult(src.file, FORMAT, tuple(records), tuple(issues))


# -- the entry grammar -------------------------------------------------------------


def _skip_space(text: str, pos: int, stop: int) -> int:
    while pos < stop and text[pos].isspace():
        pos += 1
    return pos


def _parse_entry(
    src: _Source, pos: int, stop: int, macros: dict[str, str]
) -> tuple[str | None, list[Field]]:
    """The key and fields of the entry whose opening delimiter ends at ``pos``."""
    text = src.text
    close = ")" if text[pos - 1] == "(" else "}"
    found = re.compile(f"[,={re.escape(close)}]").search(text, pos, stop)
    key: str | None = None
    if found and found.group(0) != "=":
        key = text[pos : found.start()].strip() or None
        pos = found.end() if found.group(0) == "," else found.start()
    fields: list[Field] = []
    while True:
        pos = _skip_space(text, pos, stop)
        while pos < stop and text[pos] == ",":
            pos = _skip_space(text, pos + 1, stop)
        if pos >= stop:
            raise _Broken(f"entry not closed with '{close}' (file cut short?)", stop)
        if text[pos] == close:
            break
        name = _NAME.match(text, pos, stop)
        if name is None:
            raise _Broken(f"expected a field name, found {text[pos]!r}", pos)
        eq = _skip_space(text, name.end(), stop)
        if eq >= stop or text[eq] != "=":
            raise _Broken(f"field '{name.group(0)}' has no '='", eq)
        value, pos = _value(src, eq + 1, stop, macros)
        fields.append((name.group(0), value, name.start()))
    if _SAME_LINE_ENTRY.search(text, pos + 1, stop):
        src.warn(pos, "text after this entry ignored (another entry on the same line?)")
    return key, fields


def _value(src: _Source, pos: int, stop: int, macros: dict[str, str]) -> tuple[str, int]:
    """A field value (``{..}``, ``".."``, number or macro, joined by ``#``) and the
    position after it."""
    text = src.text
    parts: list[str] = []
    while True:
        pos = _skip_space(text, pos, stop)
        if pos >= stop:
            raise _Broken("value missing at end of entry (file cut short?)", stop)
        if text[pos] in '{"':
            end = _delimited(text, pos, stop)
            parts.append(text[pos + 1 : end])
            pos = end + 1
        else:
            word = _BARE.match(text, pos, stop)
            if word is None:
                raise _Broken(f"expected a value, found {text[pos]!r}", pos)
            token = word.group(0)
            if not token.isdigit() and token.lower() not in macros:
                src.warn(pos, f"undefined macro '{token}' kept as text")
            parts.append(macros.get(token.lower(), token))
            pos = word.end()
        pos = _skip_space(text, pos, stop)
        if pos < stop and text[pos] == "#":
            pos += 1
            continue
        return "".join(parts), pos


def _delimited(text: str, pos: int, stop: int) -> int:
    """Offset of the brace or quote closing the value that opens at ``pos``; braces
    nest, and ``\\{``, ``\\}``, ``\\"`` are escaped characters."""
    quoted = text[pos] == '"'
    depth = 0 if quoted else 1
    special = _SPECIAL.search(text, pos + 1, stop)
    while special:
        char, index = special.group(0), special.start()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise _Broken("unbalanced '}' in a quoted value", index)
            if depth == 0 and not quoted:
                return index
        elif char == '"' and quoted and depth == 0:
            return index
        special = _SPECIAL.search(text, index + len(char), stop)
    raise _Broken("value not closed before the next entry or the end of the file", pos)


def _define(src: _Source, pos: int, stop: int, macros: dict[str, str]) -> None:
    """Add the macro of an ``@string{name = value}`` to ``macros``."""
    name = _NAME.match(src.text, _skip_space(src.text, pos, stop), stop)
    if name is None:
        raise _Broken("no macro name", pos)
    eq = _skip_space(src.text, name.end(), stop)
    if eq >= stop or src.text[eq] != "=":
        raise _Broken(f"macro '{name.group(0)}' has no '='", eq)
    value, _ = _value(src, eq + 1, stop, macros)
    macros[name.group(0).lower()] = value


# -- from fields to a record ---------------------------------------------------------


def _to_record(
    src: _Source, start: int, kind: str, key: str | None, fields: list[Field]
) -> SourceRecord:
    first: dict[str, str] = {}
    for name, value, offset in fields:
        if name.lower() in first:
            src.warn(offset, "repeated field: first value used, all kept in raw", name.lower())
        else:
            first[name.lower()] = value

    def get(*names: str, prose: bool = True) -> str | None:
        found = next((first[n] for n in names if first.get(n, "").strip()), None)
        return norm.clean_text(latex_to_text(found, prose=prose)) if found else None

    keywords = [first[k] for k in ("author_keywords", "keywords", "keywords-plus") if k in first]
    identity = [("ENTRYTYPE", kind), *([("ID", key)] if key else [])]
    return SourceRecord(
        file=src.file,
        line=src.line(start),
        format=FORMAT,
        type=kind,
        title=get("title"),
        authors=split_authors(first.get("author", "")),
        year=norm.year(get("year", "date")),
        journal=get("journal", "journaltitle", "booktitle"),
        volume=get("volume"),
        issue=get("number", "issue"),
        pages=norm.pages(get("pages")),
        doi=norm.doi(get("doi", prose=False)) or norm.doi(get("url", prose=False)),
        pmid=norm.pmid(get("pmid", "pubmed-id", "pubmed_id", "pubmed")),
        issn=norm.issn(get("issn", "eissn")),
        abstract=get("abstract"),
        keywords=_keywords(keywords),
        language=get("language", "langid"),
        url=get("url", prose=False),
        raw=(*identity, *((name, value.strip()) for name, value, _ in fields)),
    )


def _keywords(values: list[str]) -> tuple[str, ...]:
    """Keywords from every keyword field: ``;``-separated (Scopus, WoS), else
    ``,``-separated (Zotero); repeats dropped."""
    seen: dict[str, str] = {}
    for value in values:
        for part in re.split(r";" if ";" in value else r",", value):
            word = norm.clean_text(latex_to_text(part))
            if word and word.lower() not in seen:
                seen[word.lower()] = word
    return tuple(seen.values())


def split_authors(value: str) -> tuple[str, ...]:
    """Names of a BibTeX ``author`` field as "Surname, Given"."""
    names = []
    for part in _split_top(value, r"\s+and\s+"):
        name = part.strip()
        if not name or name.lower() == "others":
            continue
        if _depth0_index(name, ",") < 0 and not _ET_AL.fullmatch(name):
            name = _last_first(name)
        cleaned = norm.clean_text(latex_to_text(name))
        if cleaned:
            names.append(norm.author(cleaned))
    return tuple(names)


def _split_top(value: str, pattern: str) -> list[str]:
    """``value`` split on ``pattern`` where it occurs outside braces."""
    parts, depth, last = [], 0, 0
    regex = re.compile(pattern, re.IGNORECASE)
    index = 0
    while index < len(value):
        char = value[index]
        depth += (char == "{") - (char == "}")
        match = regex.match(value, index) if depth == 0 else None
        if match and match.end() > index:
            parts.append(value[last:index])
            last = index = match.end()
            continue
        index += 1
    parts.append(value[last:])
    return parts


def _depth0_index(value: str, char: str) -> int:
    depth = 0
    for index, current in enumerate(value):
        depth += (current == "{") - (current == "}")
        if current == char and depth == 0:
            return index
    return -1


def _last_first(name: str) -> str:
    """``First von Last`` as ``von Last, First``; one word, and MEDLINE-style
    ``Surname Initials`` (``Liu R.``, ``Smith JA``), stay as they are."""
    words = [w for w in _split_top(name, r"\s+") if w]
    if len(words) < 2 or _INITIALS.fullmatch(words[-1]):
        return name
    von = next((i for i, w in enumerate(words[:-1]) if i > 0 and w[:1].islower()), len(words) - 1)
    return f"{' '.join(words[von:])}, {' '.join(words[:von])}"


# -- LaTeX to Unicode -----------------------------------------------------------------

_COMBINING = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
    ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323",
    "c": "\u0327", "k": "\u0328", "b": "\u0331",
}  # fmt: skip
_ACCENT = re.compile(
    r"""\\(?:([`'^~=."])|([urHvdckb])(?=[\s{\\]))\s*"""
    r"""(?:\{\s*(\\[ij](?![A-Za-z])|[A-Za-z]?)\s*\}|(\\[ij](?![A-Za-z])|[A-Za-z]))"""
)
_LETTERS = {
    "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "o": "ø",
    "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
_SYMBOLS = {
    "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘",
    "textquotedblleft": "“", "textquotedblright": "”", "textless": "<", "textgreater": ">",
    "textasciitilde": "~", "textasciicircum": "^", "textbackslash": "\\", "textbar": "|",
    "textbullet": "•", "textdegree": "°", "textregistered": "®", "texttrademark": "™",
    "copyright": "©", "textcopyright": "©", "S": "§", "P": "¶", "pounds": "£", "euro": "€",
    "texteuro": "€", "times": "×", "pm": "±", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "neq": "≠", "infty": "∞", "ldots": "…", "dots": "…", "textperiodcentered": "·",
    "textmu": "µ", "textpm": "±", "textdiv": "÷", "textonehalf": "½", "deg": "°",
}  # fmt: skip
_ESCAPES = {"&": "\ue000", "%": "\ue001", "$": "\ue002", "#": "\ue003", "_": "\ue004",
            "{": "\ue005", "}": "\ue006"}  # fmt: skip
_LETTER = re.compile(
    r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|[ \t]+(?=[A-Za-z]))?"
)
_COMMAND = re.compile(r"\\([A-Za-z]+)(\{\})?")
_MATH = re.compile(r"\$([^$]*[\\^_{][^$]*)\$")


def latex_to_text(value: str, *, prose: bool = True) -> str:
    """LaTeX markup in a BibTeX value as Unicode text (``{\\"o}`` -> ``ö``).

    ``prose=False`` (DOIs, URLs) only undoes escapes and braces.
    """
    text = re.sub(r"\\([&%$#_{}])", lambda m: _ESCAPES[m.group(1)], value)
    text = re.sub(r"\\[ ,;:!/]", " ", text)
    if prose:
        text = _MATH.sub(lambda m: m.group(1).replace("^", "").replace("_", ""), text)
        text = _ACCENT.sub(_accented, text)
        text = _LETTER.sub(lambda m: _LETTERS[m.group(1)], text)
        text = _COMMAND.sub(_command, text)
    text = text.replace("{", "").replace("}", "")
    for char, placeholder in _ESCAPES.items():
        text = text.replace(placeholder, char)
    return unicodedata.normalize("NFC", text)


def _accented(match: re.Match[str]) -> str:
    accent = match.group(1) or match.group(2)
    base = match.group(3) if match.group(3) is not None else match.group(4)
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + _COMBINING[accent])


def _command(match: re.Match[str]) -> str:
    """A symbol (``\\textendash``) or Greek letter (``\\alpha``); a command taking an
    argument (``\\textit{...}``, ``\\emph{...}``) is dropped and its argument kept; any
    other command keeps its name (``\\LaTeX`` -> ``LaTeX``)."""
    name = match.group(1)
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}")
    except KeyError:
        pass
    takes_argument = match.string.startswith("{", match.end()) and not match.group(2)
    return "" if takes_argument else name
