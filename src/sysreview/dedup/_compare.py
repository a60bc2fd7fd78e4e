"""Is this pair one reference?  Explicit rules over the evidence, with the reason kept.

A false merge removes an eligible study from a review, so every rule errs towards
"uncertain" (a person looks) rather than "duplicate".  The traps the rules name:

- a DOI shared by many conference abstracts of one supplement: an equal DOI counts only
  with a similar title;
- generic titles ("Front Matter", "Editorial", "Erratum"): an equal title proves nothing,
  the pair needs equal DOI or volume and pages;
- a conference abstract and the article with the same title: different works, told apart
  by pages, volume or year;
- epub and print years one apart: allowed, never more;
- truncated titles: a long prefix of the other title counts as equal; a short one
  (the subtitle dropped) only with the same first author at the same place.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from ._keys import Keys

#: Shortest prefix (characters, spaces removed) a truncated title must keep to count.
TRUNCATED_MIN = 40
#: ... and the length from which a prefix is taken for the same title.
TRUNCATED_SURE = 100
#: Below this title similarity, only the same place in a volume makes a pair one article.
SIMILAR = 0.85
#: Shortest title that counts when the other has a label in front of it.
PREFIXED_MIN = 20


class Verdict(enum.Enum):
    DUPLICATE = "duplicate"
    UNCERTAIN = "uncertain"
    DISTINCT = "distinct"


@dataclass(frozen=True, slots=True)
class Comparison:
    """The verdict on a pair, its title similarity, and why, in words."""

    verdict: Verdict
    similarity: float
    reason: str


def title_similarity(a: Keys, b: Keys) -> float:
    """Indel similarity of the normalised titles; a title that is a prefix of the other
    counts as a truncation: same (0.96) when long, only similar (0.9) when shorter,
    because "Pleural tuberculosis" is also the start of "Pleural tuberculosis: an update"."""
    if a.compact == b.compact:
        return 1.0
    similarity = Indel.normalized_similarity(a.title, b.title, score_cutoff=SIMILAR)
    short, long = (
        (a.compact, b.compact) if len(a.compact) <= len(b.compact) else (b.compact, a.compact)
    )
    if len(short) < PREFIXED_MIN:
        return similarity
    if len(short) >= TRUNCATED_MIN and long.startswith(short):
        return max(similarity, 0.96 if len(short) >= TRUNCATED_SURE else 0.9)
    if len(short) >= PREFIXED_MIN and long.endswith(short):
        return max(similarity, 0.9)  # "SIM Competition Paper - The Application Profile"
    return similarity


def _numbers_conflict(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Each title has a number the other lacks (counted with repeats): "FOCUS 1" /
    "FOCUS 2", "part 2: part 1" / "part 2: part 2" — but not a number one source
    dropped ("integrin alphavbeta3" / "integrin (alpha)v(beta)3")."""
    left, right = Counter(a), Counter(b)
    return bool(left - right) and bool(right - left)


def _contains(a: Keys, b: Keys) -> bool:
    """One title is a truncation of the other, or the other with a label in front."""
    short, long = sorted((a.compact, b.compact), key=len)
    return (len(short) >= TRUNCATED_MIN and long.startswith(short)) or (
        len(short) >= PREFIXED_MIN and long.endswith(short)
    )


def same_author(a: str, b: str) -> bool:
    """Surnames as databases spell them: ``vieiradacunha`` / ``dacunha``, a typo
    (``wrightman`` / ``wightman``), particles in another order (``vandeven`` / ``deven``)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 4 and short in long:
        return True
    return Indel.normalized_similarity(a, b) >= 0.8


def journal_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool | None:
    """Equal journals, or one abbreviating the other (``int j oncol``, ``dtsch med
    wochenschr``, even run together: ``jthoraccardiovascsurg``); None when either is
    missing."""
    if not a or not b:
        return None
    if a == b:
        return True
    short, long = sorted(("".join(a), "".join(b)), key=len)
    if short[0] != long[0] or len(short) < 0.25 * len(long):
        return False
    position = 0
    for letter in short:  # the abbreviation's letters, in order, in the full name
        position = long.find(letter, position) + 1
        if position == 0:
            return False
    return True


def _same(x: object, y: object) -> bool | None:
    if x is None or y is None:
        return None
    return x == y


def _doi_relation(a: str | None, b: str | None) -> bool | None:
    """True equal, False conflicting, None unknown; one DOI extending the other
    (``ehx502`` / ``ehx502.P4339``) is unknown, not a conflict."""
    if not a or not b:
        return None
    if a == b:
        return True
    if a.startswith(b) or b.startswith(a):
        return None
    return False


@dataclass(frozen=True, slots=True)
class Evidence:
    doi: bool | None
    year_gap: int | None
    journal: bool | None
    volume: bool | None
    issue: bool | None
    page: bool | None
    first_author: bool | None
    author_overlap: float | None

    @property
    def agreements(self) -> int:
        found = (self.journal, self.volume, self.page, self.first_author)
        return sum(1 for v in found if v) + (self.year_gap == 0)

    @property
    def conflicts(self) -> list[str]:
        out = []
        if self.year_gap is not None and self.year_gap > 0:
            out.append(f"years {self.year_gap} apart")
        if self.journal is False:
            out.append("journals differ")
        if self.volume is False:
            out.append("volumes differ")
        if self.page is False:
            out.append("pages differ")
        if self.authors_conflict:
            out.append("authors differ")
        return out

    @property
    def authors_conflict(self) -> bool:
        return self.first_author is False and (self.author_overlap or 0.0) < 0.5


def evidence(a: Keys, b: Keys) -> Evidence:
    overlap = None
    if a.author_set and b.author_set:
        shared = len(a.author_set & b.author_set)
        overlap = shared / min(len(a.author_set), len(b.author_set))
    return Evidence(
        doi=_doi_relation(a.doi, b.doi),
        year_gap=abs(a.year - b.year) if a.year is not None and b.year is not None else None,
        journal=journal_match(a.journal, b.journal),
        volume=_same(a.volume, b.volume),
        issue=_same(a.issue, b.issue),
        page=_same(a.first_page, b.first_page),
        first_author=same_author(a.surnames[0], b.surnames[0])
        if a.surnames and b.surnames
        else None,
        author_overlap=overlap,
    )


def compare(a: Keys, b: Keys) -> Comparison:
    """The verdict on one candidate pair."""
    if a.pmid and b.pmid and a.pmid != b.pmid:
        return Comparison(Verdict.DISTINCT, 0.0, "different PMIDs")
    similarity = title_similarity(a, b)
    cut = False
    if similarity < SIMILAR:
        cut = _cut_short(a, b)
        if not cut and not _may_be_translation(a, b):
            # most candidate pairs: the one answer shared when the titles are far apart
            return _TITLES_DIFFER if not similarity else _differ(similarity)
    found = evidence(a, b)
    if a.notice != b.notice:
        return Comparison(
            Verdict.DISTINCT, similarity, "a notice (erratum, reply, comment) and its target"
        )
    if _numbers_conflict(a.numbers, b.numbers) and not _contains(a, b):
        similar = similarity >= SIMILAR
        verdict = Verdict.UNCERTAIN if found.doi and similar else Verdict.DISTINCT
        return Comparison(verdict, similarity, "titles carry different numbers")
    if a.generic or b.generic:
        return _generic(similarity, found)
    if cut:
        return _truncated(similarity, found, a, b)
    if similarity >= 0.95:
        return _same_title(similarity, found, a, b)
    if similarity >= SIMILAR:
        return _similar_title(similarity, found)
    return _other_title(similarity, found, a, b)


def _differ(similarity: float) -> Comparison:
    return Comparison(Verdict.DISTINCT, similarity, "titles differ")


_TITLES_DIFFER = _differ(0.0)


def _cut_short(a: Keys, b: Keys) -> bool:
    """One title is the first words of the other, too short for :func:`title_similarity`
    to call it a truncation ("Inhibition of DPP-4 activity" / "Inhibition of DPP-4
    activity: potential role of non-GLP-1-mediated cardioprotection ...")."""
    short, long = (a.title, b.title) if len(a.title) <= len(b.title) else (b.title, a.title)
    return len(short) >= PREFIXED_MIN and long.startswith(short + " ")


def _truncated(similarity: float, found: Evidence, a: Keys, b: Keys) -> Comparison:
    """A title cut short, by a database or by dropping its subtitle, or a later paper
    whose title extends an earlier one's.  Only the same first author at the same place
    (volume or page range, and first page or an article's DOI) joins them; a supplement's abstracts
    share pages and DOIs, so there a person looks."""
    same_range = a.page_range is not None and a.page_range == b.page_range
    # with no authors on one side, the journal and the page range stand in for them
    same_author = (found.first_author and not found.authors_conflict) or (
        found.first_author is None and found.journal and same_range
    )
    same_volume = (
        (found.volume or (found.volume is None and same_range))
        and found.journal is not False
        and found.issue is not False
        and (found.year_gap or 0) <= 1
    )
    supplement = a.supplement or b.supplement
    placed = found.page or (found.doi and found.page is not False)
    if same_author and same_volume and placed and not supplement:
        return Comparison(
            Verdict.DUPLICATE,
            similarity,
            "title cut short; same first author, volume and "
            + ("first page" if found.page else "DOI"),
        )
    if same_author and (found.doi or found.page):
        return Comparison(Verdict.UNCERTAIN, similarity, "one title begins the other")
    return _differ(similarity)


def _may_be_translation(a: Keys, b: Keys) -> bool:
    """Cheap test before the evidence: only these pairs can pass :func:`_other_title`."""
    return (a.page_range is not None and a.page_range == b.page_range) or (
        a.doi is not None and a.doi == b.doi
    )


def _other_title(similarity: float, found: Evidence, a: Keys, b: Keys) -> Comparison:
    """Different titles: one article under its English and its original title, or two
    works.  Only the same place in the same volume, by the same first author, joins them."""
    # the author must agree, or be missing on one side with the journal agreeing instead
    author = found.first_author or (found.first_author is None and found.journal)
    same_place = (
        author
        and found.year_gap == 0
        and found.volume
        and a.page_range is not None
        and a.page_range == b.page_range
    )
    if same_place and found.doi is not False and not found.authors_conflict:
        if found.journal is False:
            return Comparison(
                Verdict.UNCERTAIN, similarity, "titles differ; same author, volume and pages"
            )
        return Comparison(
            Verdict.DUPLICATE,
            similarity,
            "titles differ (translated?); same author, year, volume and pages"
            if found.first_author
            else "titles differ (translated?); same journal, year, volume and pages",
        )
    if found.doi and found.first_author and found.year_gap == 0:
        return Comparison(Verdict.UNCERTAIN, similarity, "titles differ; same DOI and author")
    return _differ(similarity)


def _generic(similarity: float, found: Evidence) -> Comparison:
    """A recurring title ("Editor's Comments") is one item only in one issue."""
    if similarity >= 0.95 and found.doi:
        return Comparison(Verdict.DUPLICATE, similarity, "generic title; same DOI")
    same_place = (
        found.year_gap == 0
        and found.volume
        and found.issue is not False
        and found.page is not False
        and (found.page or found.issue)
    )
    if similarity >= 0.95 and same_place and found.doi is None:
        return Comparison(Verdict.DUPLICATE, similarity, "generic title; same issue and pages")
    return Comparison(Verdict.DISTINCT, similarity, "generic title in different issues")


def _same_title(similarity: float, found: Evidence, a: Keys, b: Keys) -> Comparison:
    conflicts = found.conflicts
    if found.doi is False:
        if not conflicts and found.agreements >= 4:
            return Comparison(Verdict.DUPLICATE, similarity, "same title and source; DOIs differ")
        if found.journal is False or (found.year_gap or 0) > 1:
            return Comparison(
                Verdict.DISTINCT, similarity, "same title; DOIs and " + ", ".join(conflicts)
            )
        return Comparison(Verdict.UNCERTAIN, similarity, "same title; DOIs differ")
    same_review = a.review_number is not None and a.review_number == b.review_number
    if same_review and found.first_author is not False:
        return Comparison(
            Verdict.DUPLICATE, similarity, f"same title and Cochrane review {a.review_number}"
        )
    if found.year_gap is not None and found.year_gap > 1:
        if found.journal and found.volume and found.issue is not False and found.page is not False:
            return Comparison(
                Verdict.DUPLICATE, similarity, "same title and volume; a year is wrong"
            )
        return Comparison(Verdict.UNCERTAIN, similarity, f"same title; {conflicts[0]}")
    if found.authors_conflict:
        if found.doi and found.volume and found.page:
            return Comparison(
                Verdict.DUPLICATE,
                similarity,
                "same title, DOI, volume and pages; authors written differently",
            )
        return Comparison(Verdict.UNCERTAIN, similarity, "same title; authors differ")
    if found.doi and found.year_gap == 0 and found.first_author:
        return Comparison(Verdict.DUPLICATE, similarity, "same title, DOI, year and first author")
    if found.page is False and (found.volume is False or a.supplement != b.supplement):
        verdict = Verdict.UNCERTAIN if found.doi else Verdict.DISTINCT
        return Comparison(
            verdict, similarity, "same title in different issues (abstract vs article?)"
        )
    if len(conflicts) >= 2 and not found.doi:
        return Comparison(Verdict.UNCERTAIN, similarity, "same title; " + ", ".join(conflicts))
    return Comparison(Verdict.DUPLICATE, similarity, "same title" + _and(found))


def _similar_title(similarity: float, found: Evidence) -> Comparison:
    conflicts = found.conflicts
    if found.doi and found.year_gap == 0 and found.first_author and not found.authors_conflict:
        return Comparison(
            Verdict.DUPLICATE, similarity, "similar title; same DOI, year and first author"
        )
    if len(conflicts) > 1:
        return Comparison(Verdict.DISTINCT, similarity, "similar title; " + ", ".join(conflicts))
    if conflicts:
        return Comparison(Verdict.UNCERTAIN, similarity, "similar title; " + ", ".join(conflicts))
    if found.doi or (found.first_author and found.year_gap == 0 and found.agreements >= 3):
        return Comparison(Verdict.DUPLICATE, similarity, "similar title" + _and(found))
    return Comparison(Verdict.UNCERTAIN, similarity, "similar title, little else to go on")


def _and(found: Evidence) -> str:
    parts = [
        name
        for name, value in (
            ("DOI", found.doi),
            ("year", found.year_gap == 0),
            ("journal", found.journal),
            ("volume", found.volume),
            ("pages", found.page),
            ("first author", found.first_author),
        )
        if value
    ]
    return "; same " + ", ".join(parts) if parts else ""
