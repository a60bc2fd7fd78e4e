"""What the comparison looks at, computed once per record.

Databases write the same reference differently: case, punctuation, HTML entities,
translated titles in brackets, ``Smith JA`` / ``Smith, J. A.`` / ``Curley S.Bruen R.``,
``Cardiovasc Drugs Ther`` for *Cardiovascular Drugs and Therapy*, ``S557`` pages in a
supplement, DOIs as URLs or percent-encoded.  :func:`keys` reduces a record to the forms
those variants agree on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from ..model import Record

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\d+")
_SUPPLEMENT = re.compile(r"\bsuppl|\bsupplement|\babstracts?\b|\bmeeting\b|\bcongress\b", re.I)
#: "Curley S.Bruen R." — a cell of surname + initials with no separator between authors.
_RUN_ON = re.compile(r"([^.]+?)\s+((?:[A-Z][a-z]?\.\s?)+)")
_INITIALS = re.compile(r"^[A-Z][A-Z.\- ]{0,6}$")
_JOURNAL_NOISE = re.compile(r"\[[^\]]*\]|\([^)]*\)|[:=].*$")
_JOURNAL_STOP = frozenset({"the", "of", "and", "for", "in", "on", "de", "la", "et", "und", "fur"})
#: Titles that name a kind of item rather than a work: equal titles prove nothing.
_GENERIC = re.compile(
    r"^(?:front ?matter|back ?matter|editorial(?: board)?|editors? note|erratum|errata|"
    r"corrigendum|correction|retraction(?: notice)?|reply|response|authors? reply|"
    r"letter(?: to the editor)?|comment(?:ary)?|in this issue|contents|table of contents|"
    r"index|issue information|masthead|introduction|preface|foreword|news|book reviews?|"
    r"abstracts?|poster(?: session)?s?|announcements?|acknowledge?ments?|reviewers?|"
    r"notice of retraction|call for papers|(?:about|from) the editors?|guest editorial)"
    r"(?: \d+)?$"
    r"|^errata notes$|^remarks from\b|\beditor s (?:comments|introduction|note)\b"
    r"|\bfrom the editors?\b"
)
#: Longer than the longest kind ("notice of retraction", "acknowledgements") and without
#: the words of the other alternatives, a title need not be searched.
_GENERIC_LONGEST = 24
_GENERIC_WORDS = ("editor", "remarks")
#: Words a recurring item's title is made of besides its kind ("Remarks from the incoming
#: MISQ editor", "Editor's comments: the reflexive researcher").
_EDITORIAL = frozenset(
    "a an the of on in to from for and s new our incoming inaugural outgoing chief "  # noqa: SIM905
    "editor editors editorial comments remarks note introduction misq".split()
)
#: A generic marker followed by this many other words is a specific title ("Editor's
#: Comments: Turning the Corner: The Influence of Positive Thinking ..."): equal titles
#: then mean one item again.
SPECIFIC_WORDS = 3
#: Items about another item: an erratum, a reply or a comment shares its target's title.
_NOTICE = re.compile(
    r"(?:errat(?:um|a)|corrigend(?:um|a)|correction|retract(?:ion|ed)|withdrawn|"
    r"comments? on|commentary on|reply|in reply|response to|authors? reply)\b"
)
_NOTICE_END = re.compile(r"\b(?:an addendum|a comment|a reply|a rejoinder|erratum|corrigendum)$")
_NOTICE_LAST = frozenset({"addendum", "comment", "reply", "rejoinder", "erratum", "corrigendum"})


def _notice(title: str) -> bool:
    """Begins like a notice ("Erratum: ...", "Reply to ...") or ends like one ("...: a
    reply"); the end is searched only when the last word could end one."""
    if _NOTICE.match(title):
        return True
    return title.rpartition(" ")[2] in _NOTICE_LAST and bool(_NOTICE_END.search(title))


_COUNTED = frozenset({"part", "phase", "type", "stage", "study", "trial", "grade", "class"})
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
_MAY_COUNT = frozenset(_ROMAN) | {"i"}


def ascii_fold(text: str) -> str:
    """Lower case, accents removed (``Müller`` -> ``muller``)."""
    text = text.lower()
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def words(text: str | None) -> str:
    """Lower-case ASCII words joined by single spaces; brackets around a whole title (a
    translated title) and punctuation dropped, digits kept ("phase ii" vs "phase iii")."""
    if not text:
        return ""
    text = text.strip()
    if text[:1] == "[" and text.rstrip(".")[-1:] == "]":
        text = text.rstrip(".")[1:-1]
    return _NOT_ALNUM.sub(" ", ascii_fold(text)).strip()


def canonical_doi(value: str | None) -> str | None:
    """DOIs as exported differ in percent-encoding and a trailing slash."""
    if not value:
        return None
    value = value.strip().lower()
    if "%" in value:
        value = unquote(value)
    return value.rstrip("/.") or None


def surnames(authors: tuple[str, ...]) -> tuple[str, ...]:
    """Surnames in order, folded to ASCII letters, from any of the author forms."""
    names: list[str] = []
    if len(authors) == 1 and authors[0].count(".") >= 2 and "," not in authors[0]:
        found = _RUN_ON.findall(authors[0])
        if len(found) > 1:
            return tuple(n for n in (_letters(s) for s, _ in found) if n)
    for author in authors:
        name = _surname(author)
        if name:
            names.append(name)
    return tuple(names)


@lru_cache(maxsize=65536)  # the same names recur in every duplicate of a record
def _surname(author: str) -> str:
    author = author.strip()
    if "," in author:
        return _letters(author.split(",", 1)[0])
    parts = author.split()
    if len(parts) > 1 and _INITIALS.match(parts[-1]):
        return _letters(" ".join(parts[:-1]))  # "Smith JA"
    return _letters(parts[-1]) if parts else ""  # "John Smith"


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _letters(text: str) -> str:
    """``McKinney Jr.`` -> ``mckinney``; particles kept, spaces dropped."""
    parts = _NOT_ALNUM.sub(" ", ascii_fold(text)).split()
    return "".join(p for p in parts if p not in _SUFFIXES and p.isalpha())


@lru_cache(maxsize=65536)
def journal_words(journal: str) -> tuple[str, ...]:
    """A journal's significant words: ``The Lancet Oncology`` -> ``lancet oncology``;
    bracketed notes (``[Electronic Resource]``) and subtitles after ':' dropped."""
    text = _JOURNAL_NOISE.sub(" ", journal)
    return tuple(w for w in words(text).split() if w not in _JOURNAL_STOP)


def first_number(value: str | None) -> str | None:
    if not value:
        return None
    match = _DIGITS.search(value)
    return match.group(0).lstrip("0") or "0" if match else None


def title_numbers(title: str) -> tuple[str, ...]:
    """Numbers that tell works apart ("FOCUS 1" / "FOCUS 2", "Part I" / "Part II"),
    roman numerals as digits so "type II" and "type 2" agree; sorted, with repeats
    ("part 2: part 1" is not "part 2: part 2").  A run after a counted word is one
    number: "phase I/II" is ``1-2``, another trial than "phase II"."""
    words = title.split()
    if not _MAY_COUNT.intersection(words) and not _DIGITS.search(title):
        return ()  # most titles: no digit, no roman numeral, no "part I"
    found = []
    at = 0
    while at < len(words):
        word = words[at]
        at += 1
        if word in _COUNTED:
            run = []
            while at < len(words) and (numeral := _numeral(words[at])) is not None:
                run.append(numeral)
                at += 1
            if run:
                found.append("-".join(run))
        elif word.isdigit():
            found.append(word.lstrip("0") or "0")
        elif not word.isalpha():  # "(D4)" / "(D2)", "alphavbeta3" / "(alpha)v(beta)3"
            found.extend(n.lstrip("0") or "0" for n in _DIGITS.findall(word))
        elif word in _ROMAN:
            found.append(_ROMAN[word])
    return tuple(sorted(found))


def _numeral(word: str) -> str | None:
    """A number as it follows "part" or "phase": digits, or a roman numeral ("I" too)."""
    if word.isdigit():
        return word.lstrip("0") or "0"
    return "1" if word == "i" else _ROMAN.get(word)


_RANGE = re.compile(r"^\D{0,2}(\d+)\s*[-–]\s*\D{0,2}(\d+)")


def page_range(pages: str) -> str | None:
    match = _RANGE.match(pages.strip())
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2))
    return f"{first}-{last}" if last > first else None


@dataclass(frozen=True, slots=True)
class Keys:
    index: int
    title: str
    compact: str
    generic: bool
    notice: bool
    numbers: tuple[str, ...]
    surnames: tuple[str, ...]
    author_set: frozenset[str]
    year: int | None
    journal: tuple[str, ...]
    volume: str | None
    issue: str | None
    first_page: str | None
    #: "280-284" when the pages are a range: a one-page abstract's page is shared
    page_range: str | None
    supplement: bool
    doi: str | None
    pmid: str | None
    #: a Cochrane review's number ("CD006828"), the same in every version of it
    review_number: str | None = None


def keys(index: int, record: Record) -> Keys:
    title = words(record.title)
    names = surnames(record.authors)
    journal = journal_words(record.journal) if record.journal else ()
    volume_issue = f"{record.volume or ''} {record.issue or ''}"
    pages = record.pages or ""
    return Keys(
        index=index,
        title=title,
        compact=title.replace(" ", ""),
        generic=_generic(title, journal),
        notice=_notice(title),
        numbers=title_numbers(title),
        surnames=names,
        author_set=frozenset(names),
        year=record.year,
        journal=journal,
        volume=first_number(record.volume),
        issue=first_number(record.issue),
        first_page=first_number(pages.split("-")[0]) if pages else None,
        page_range=page_range(pages),
        supplement=bool(_SUPPLEMENT.search(volume_issue)) or pages[:1] in ("S", "s"),
        doi=canonical_doi(record.doi),
        pmid=record.pmid,
        review_number=_review_number(pages, record.doi),
    )


def _generic(title: str, journal: tuple[str, ...]) -> bool:
    """A title that names a kind of item ("Front Matter", "Remarks from the MIS Quarterly
    editor"), unless the marker is followed by a title of its own: at least
    :data:`SPECIFIC_WORDS` words that are neither editorial words nor the journal's."""
    if not title:
        return True
    long = len(title.rstrip("0123456789 ")) > _GENERIC_LONGEST
    if long and not any(w in title for w in _GENERIC_WORDS):
        return False
    found = _GENERIC.search(title)
    if found is None:
        return False
    rest = f"{title[: found.start()]} {title[found.end() :]}".split()
    own = [w for w in rest if w not in _EDITORIAL and w not in journal]
    return len(own) < SPECIFIC_WORDS


_COCHRANE = re.compile(r"\bCD(\d{6})\b", re.IGNORECASE)


def _review_number(pages: str, doi: str | None) -> str | None:
    """A Cochrane review's CD number, from the pages field or its DOI
    (10.1002/14651858.CD006828.pub3)."""
    found = None
    for text in (pages, doi or ""):
        if "cd" in text.lower() and (found := _COCHRANE.search(text)):
            break
    return f"CD{found.group(1)}" if found else None
