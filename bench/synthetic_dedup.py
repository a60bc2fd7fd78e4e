"""A synthetic, labelled deduplication set built from the three labelled benchmarks in
``../shared/data/dedup/`` (asysd_diabetes, colrev_misq, rathbone_respiratory).

``build(n_records=100_000, seed=20261123)`` returns rows with the benchmark columns
(``record_id, title, author, year, journal, volume, number, pages, doi, abstract,
entry_type, dup_group``); ``dup_group`` is the true work (``w<n>`` for a work with
several records, ``s_<record_id>`` for a singleton, as in the benchmarks).  Everything
comes from ``numpy.random.default_rng(seed)``, so one seed gives one file, byte for byte.

What it does, in order:

1. **Original works.**  Each of the labelled works (4,088 less a few with no title in
   any record) contributes one canonical record: the most complete titled record of its
   group, with surrounding quotes and
   translated-title brackets stripped, authors parsed (BibTeX ``Surname, Given and ...``
   or the Embase ``Surname A. B.Surname C.`` run), page ranges expanded
   (``123-9`` -> ``123``/``129``) and DOIs bared (no ``https://doi.org/``).
2. **New works.**  The rest of the works are new.  A new work takes the *source set* of
   an original (in proportion to the sets' sizes) and gets: a title recombined from two
   different titles of that set (the first 2..n-1 words of one, the tail of another,
   and, 70 % of the time, one word of five letters or more replaced by another word of
   the set's vocabulary); a title is kept only if its normalised form is new and shares
   < 80 % of its words with either parent; 1..n authors (the set's distribution of
   author counts) whose surname and given names are drawn independently from the set's
   people; a year and journal drawn from the set; volume 1-120, issue 1-12 (85 %),
   pages (a range of 1-20 pages, or an ``e12345`` article number 10 % of the time); a
   unique DOI (65 %) ``<prefix>/<journal initials>.<year>.<6 random digits>`` with a
   prefix the set uses; and an abstract (75 %) of 3-7 sentences drawn from the set's abstracts
   (asysd_diabetes's for rathbone_respiratory, which has none).
3. **Hard negatives**, ~1.5 % of the works, in families of different works that look
   alike (each with its own ``dup_group``): 35 % one journal's generic items ("Front
   Matter", "Editorial", "Erratum", "Correction", ...) in 2-4 of its issues (other
   year, volume, issue, page, DOI; no or one author; no abstract); 35 % a conference
   abstract (another venue, ``Suppl 1`` issue, page ``A123``, 1-2 years earlier, the
   first 1-6 authors, no DOI, its own abstract) and the later full article with the
   same title; 20 % 4-12 different conference abstracts of one supplement sharing the
   supplement's DOI, journal, year and volume; 10 % "Part 1"/"Part 2" articles with
   the same title stem, authors, journal and year.
4. **Duplicates.**  Each work gets 1 record, or, for ~32 % of works, a group of 2-5
   (probabilities .55/.27/.12/.06), so ~35 % of records are removable duplicates; the
   last group is cut so the set has exactly ``n_records`` rows.  Originals, hard
   negatives and new works are shuffled together before sizes are given out.  With fewer records
   than works available, a random subset of the works is used.
5. **Rendering.**  Every record, singleton or not, is one database's export of its work,
   drawn independently: author format ``Smith, J. A. and ...`` (40 %),
   ``Smith, John A. and ...`` (15 %), MEDLINE ``Smith JA; ...`` (30 %) or the Embase run
   ``Smith J. A.Doe K.`` (15 %), with diacritics folded (20 %), ``et al.`` after three
   authors (4 %), no authors (2 %); title case changed (12 %), punctuation changed
   (20 %), HTML entities or tags (6 %), truncated (3 %: the subtitle dropped, or cut to
   60-85 % of its words), in
   translated-title brackets ``[...]`` (3 %); journal abbreviated ISO-4 style (35 %),
   upper case (5 %), ``&``/``&amp;``/``and`` swapped (5 %), missing (2 %); year +-1 for
   epub/print (6 %), missing (1 %); volume (4 %), issue (20 %), pages (10 %), DOI (25 %),
   abstract (30 %) missing; pages as ``123-129``, ``123--129``, MEDLINE ``123-9`` or the
   first page alone; DOI bare, as a ``https://doi.org/`` or ``http://dx.doi.org/`` URL,
   ``doi:``-prefixed or upper case; a copyright line appended to the abstract (10 %);
   ``entry_type`` ``article`` or empty (10 %).
6. Rows are shuffled and numbered ``syn_000001``...

``subsample(rows, n_records, seed)`` keeps whole true groups (so the duplicate structure
survives) until ``n_records`` rows.  ``write(path, rows)`` writes the CSV;
``python bench/synthetic_dedup.py OUT.csv [--records N] [--seed S]`` does both.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

SEED = 20261123
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "dedup"
SOURCES = ("asysd_diabetes", "colrev_misq", "rathbone_respiratory")
COLUMNS = (
    "record_id",
    "title",
    "author",
    "year",
    "journal",
    "volume",
    "number",
    "pages",
    "doi",
    "abstract",
    "entry_type",
    "dup_group",
)
DUP_SHARE = 0.3186  # share of works with duplicates: ~35 % of records are removable
GROUP_SIZES = (2, 3, 4, 5)
GROUP_P = (0.55, 0.27, 0.12, 0.06)
HARD_NEGATIVE_SHARE = 0.015
GENERIC_TITLES = (
    "Front Matter",
    "Back Matter",
    "Editorial",
    "Erratum",
    "Correction",
    "Corrigendum",
    "Letter to the editor",
    "Reply",
    "Editor's Comments",
    "Issue Information",
    "Table of Contents",
    "In This Issue",
    "Index",
)
ABBREVIATIONS = {
    "journal": "J",
    "american": "Am",
    "medicine": "Med",
    "medical": "Med",
    "clinical": "Clin",
    "international": "Int",
    "research": "Res",
    "european": "Eur",
    "british": "Br",
    "respiratory": "Respir",
    "critical": "Crit",
    "oncology": "Oncol",
    "radiation": "Radiat",
    "biology": "Biol",
    "physics": "Phys",
    "pediatric": "Pediatr",
    "pulmonology": "Pulmonol",
    "cardiology": "Cardiol",
    "cardiovascular": "Cardiovasc",
    "surgery": "Surg",
    "annals": "Ann",
    "thoracic": "Thorac",
    "association": "Assoc",
    "society": "Soc",
    "science": "Sci",
    "sciences": "Sci",
    "quarterly": "Q",
    "management": "Manag",
    "information": "Inf",
    "systems": "Syst",
    "pharmacology": "Pharmacol",
    "experimental": "Exp",
    "endocrinology": "Endocrinol",
    "metabolism": "Metab",
    "physiology": "Physiol",
    "molecular": "Mol",
    "therapy": "Ther",
    "therapeutics": "Ther",
    "review": "Rev",
    "reviews": "Rev",
    "proceedings": "Proc",
    "national": "Natl",
    "academy": "Acad",
    "biochemistry": "Biochem",
    "biomedicine": "Biomed",
    "biotechnology": "Biotechnol",
    "vascular": "Vasc",
    "disease": "Dis",
    "diseases": "Dis",
    "infectious": "Infect",
    "emergency": "Emerg",
    "internal": "Intern",
    "investigation": "Invest",
    "epidemiology": "Epidemiol",
    "pathology": "Pathol",
    "immunology": "Immunol",
    "chemistry": "Chem",
    "nutrition": "Nutr",
    "arteriosclerosis": "Arterioscler",
    "thrombosis": "Thromb",
    "current": "Curr",
    "opinion": "Opin",
    "advances": "Adv",
    "archives": "Arch",
    "technology": "Technol",
    "gynecologic": "Gynecol",
    "pharmaceutical": "Pharm",
    "neurology": "Neurol",
    "diabetologia": "Diabetologia",
}
STOPWORDS = {"of", "the", "and", "&", "for", "in", "on", "a", "an"}
CONFERENCE_VENUES = {  # where the abstract appeared before the full article
    "asysd_diabetes": ("Diabetes", "Diabetologia", "Circulation", "Atherosclerosis Supplements"),
    "colrev_misq": (
        "International Conference on Information Systems (ICIS)",
        "Americas Conference on Information Systems (AMCIS)",
        "European Conference on Information Systems (ECIS)",
    ),
    "rathbone_respiratory": (
        "Journal of Clinical Oncology",
        "Chest",
        "European Respiratory Journal",
        "American Journal of Respiratory and Critical Care Medicine",
    ),
}
COPYRIGHT = " Copyright © {year} Elsevier Inc. All rights reserved."

T = TypeVar("T")


@dataclass(frozen=True)
class Author:
    surname: str
    given: str = ""  # "John A." or initials "J. A."


@dataclass(frozen=True)
class Work:
    title: str
    authors: tuple[Author, ...]
    year: int | None
    journal: str
    volume: str = ""
    number: str = ""
    first_page: str = ""
    last_page: str = ""
    doi: str = ""
    abstract: str = ""


@dataclass
class Pool:
    """What one labelled set offers to new works."""

    name: str
    works: list[Work]
    titles: list[list[str]] = field(default_factory=list)
    vocab: list[str] = field(default_factory=list)
    surnames: list[str] = field(default_factory=list)
    givens: list[str] = field(default_factory=list)
    author_counts: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    journals: list[str] = field(default_factory=list)
    doi_prefixes: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)


# --- small helpers -------------------------------------------------------------------


def pick(rng: np.random.Generator, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def pick_weighted(rng: np.random.Generator, items: Sequence[T], p: Sequence[float]) -> T:
    return items[min(bisect.bisect(list(accumulate(p)), rng.random()), len(items) - 1)]


def chance(rng: np.random.Generator, p: float) -> bool:
    return bool(rng.random() < p)


def norm_key(title: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", title.lower()))


def word_overlap(a: Sequence[str], b: Sequence[str]) -> float:
    x, y = set(norm_key(" ".join(a)).split()), set(norm_key(" ".join(b)).split())
    return len(x & y) / max(1, min(len(x), len(y)))


def fold(text: str) -> str:
    """Strip diacritics (Müller -> Muller)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- reading the labelled sets -------------------------------------------------------

EMBASE_AUTHOR = re.compile(r"(\S[^.]*?) ((?:[A-Z][a-z]?\.\s?)+)")
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def parse_authors(text: str) -> tuple[Author, ...]:
    text = text.strip()
    if not text:
        return ()
    if " and " in text or ", " in text:
        people = []
        for name in text.split(" and "):
            surname, _, given = name.partition(",")
            people.append(Author(surname.strip(), given.strip()))
        return tuple(a for a in people if a.surname and a.surname != "others")
    found = EMBASE_AUTHOR.findall(text)
    if found:
        return tuple(Author(s.strip(), g.strip()) for s, g in found)
    return (Author(text),)


def parse_pages(text: str) -> tuple[str, str]:
    text = text.strip().strip('"')
    parts = re.split(r"-+", text)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return text, ""
    first, last = parts
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last  # 123-9 -> 123-129
    return first, last


def clean_title(text: str) -> str:
    text = text.strip()
    while len(text) > 2 and text[0] + text[-1] in ('""', "[]"):
        text = text[1:-1].strip()
    return re.sub(r"\s+", " ", text)


def as_work(row: dict[str, str]) -> Work:
    first, last = parse_pages(row["pages"])
    year = row["year"].strip()
    return Work(
        title=clean_title(row["title"]),
        authors=parse_authors(row["author"]),
        year=int(year[:4]) if year[:4].isdigit() else None,
        journal=row["journal"].strip(),
        volume=row["volume"].strip(),
        number=row["number"].strip(),
        first_page=first,
        last_page=last,
        doi=DOI_PREFIX.sub("", row["doi"].strip()),
        abstract=row["abstract"].strip(),
    )


def canonical_works(path: Path) -> list[Work]:
    """One work per labelled group: its most complete record."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    best: dict[str, dict[str, str]] = {}
    for row in rows:
        if not row["title"].strip():
            continue
        filled = sum(1 for c in COLUMNS[1:-1] if row[c].strip())
        held = best.get(row["dup_group"])
        if held is None or filled > sum(1 for c in COLUMNS[1:-1] if held[c].strip()):
            best[row["dup_group"]] = row
    return [as_work(row) for _, row in sorted(best.items())]


def make_pool(name: str, works: list[Work]) -> Pool:
    pool = Pool(name, works)
    for w in works:
        words = w.title.split()
        if len(words) >= 5:
            pool.titles.append(words)
        pool.vocab += [x for x in words if len(x) >= 5 and x.isalpha()]
        pool.surnames += [a.surname for a in w.authors if a.surname]
        pool.givens += [a.given for a in w.authors if a.given]
        if w.authors:
            pool.author_counts.append(min(len(w.authors), 25))
        if w.year:
            pool.years.append(w.year)
        if w.journal:
            pool.journals.append(w.journal)
        if w.doi.startswith("10."):
            pool.doi_prefixes.append(w.doi.split("/", 1)[0])
        pool.sentences += [
            s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", w.abstract) if len(s) > 30
        ]
    pool.givens = pool.givens or ["A."]
    pool.doi_prefixes = pool.doi_prefixes or ["10.1016", "10.1007", "10.1111", "10.1093"]
    return pool


def load_pools(data: Path = DATA) -> list[Pool]:
    pools = [make_pool(name, canonical_works(data / f"{name}.csv")) for name in SOURCES]
    biomedical = pools[0].sentences  # asysd_diabetes lends abstracts to rathbone_respiratory
    for p in pools:
        p.sentences = p.sentences or biomedical
    return pools


# --- new works -----------------------------------------------------------------------


class Maker:
    """Makes new works that are distinct from every other work made or loaded."""

    def __init__(self, rng: np.random.Generator, pools: list[Pool]) -> None:
        self.rng = rng
        self.pools = pools
        total = sum(len(p.works) for p in pools)
        self.weights = [len(p.works) / total for p in pools]
        self.titles = {norm_key(w.title) for p in pools for w in p.works}
        self.dois = {w.doi.lower() for p in pools for w in p.works if w.doi}

    def pool(self) -> Pool:
        return pick_weighted(self.rng, self.pools, self.weights)

    def title(self, pool: Pool) -> str:
        rng = self.rng
        while True:
            a, b = pick(rng, pool.titles), pick(rng, pool.titles)
            words = a[: int(rng.integers(2, len(a)))] + b[int(rng.integers(1, len(b) - 1)) :]
            if chance(rng, 0.7):
                slots = [i for i, x in enumerate(words) if len(x) >= 5 and x.isalpha()]
                if slots:
                    words[pick(rng, slots)] = pick(rng, pool.vocab)
            key = norm_key(" ".join(words))
            if len(words) < 4 or key in self.titles:
                continue
            if word_overlap(words, a) < 0.8 and word_overlap(words, b) < 0.8:
                self.titles.add(key)
                text = " ".join(words)
                return text[0].upper() + text[1:]

    def authors(self, pool: Pool) -> tuple[Author, ...]:
        n = pick(self.rng, pool.author_counts)
        return tuple(
            Author(pick(self.rng, pool.surnames), pick(self.rng, pool.givens)) for _ in range(n)
        )

    def doi(self, pool: Pool, journal: str, year: int | None) -> str:
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", journal)).lower() or "j"
        while True:
            serial = int(self.rng.integers(100_000, 1_000_000))
            doi = f"{pick(self.rng, pool.doi_prefixes)}/{initials}.{year}.{serial}"
            if doi.lower() not in self.dois:
                self.dois.add(doi.lower())
                return doi

    def pages(self) -> tuple[str, str]:
        if chance(self.rng, 0.1):
            return f"e{int(self.rng.integers(1000, 99999))}", ""
        first = int(self.rng.integers(1, 3000))
        return str(first), str(first + int(self.rng.integers(0, 20)))

    def abstract(self, pool: Pool) -> str:
        n = int(self.rng.integers(3, 8))
        return " ".join(pick(self.rng, pool.sentences) for _ in range(n))

    def work(self, pool: Pool | None = None) -> Work:
        pool = pool or self.pool()
        year = pick(self.rng, pool.years)
        journal = pick(self.rng, pool.journals)
        first, last = self.pages()
        return Work(
            title=self.title(pool),
            authors=self.authors(pool),
            year=year,
            journal=journal,
            volume=str(int(self.rng.integers(1, 121))),
            number=str(int(self.rng.integers(1, 13))) if chance(self.rng, 0.85) else "",
            first_page=first,
            last_page=last,
            doi=self.doi(pool, journal, year) if chance(self.rng, 0.65) else "",
            abstract=self.abstract(pool) if chance(self.rng, 0.75) else "",
        )


# --- hard negatives: different works that look alike --------------------------------


def generic_family(m: Maker) -> list[Work]:
    """One journal's generic items ("Editorial", "Front Matter"...) in 2-4 of its issues."""
    pool = m.pool()
    title, journal = pick(m.rng, GENERIC_TITLES), pick(m.rng, pool.journals)
    family = []
    for _ in range(int(m.rng.integers(2, 5))):
        base = m.work(pool)
        family.append(
            replace(
                base,
                title=title,
                authors=base.authors[:1] if chance(m.rng, 0.3) else (),
                journal=journal,
                first_page=str(int(m.rng.integers(1, 2000))),
                last_page="",
                abstract="",
            )
        )
    return family


def conference_and_article(m: Maker) -> list[Work]:
    """A conference abstract and the full article 1-2 years later: same title."""
    pool = m.pool()
    article = m.work(pool)
    venues = [v for v in CONFERENCE_VENUES[pool.name] if v != article.journal]
    abstract = replace(
        article,
        authors=article.authors[: int(m.rng.integers(1, 7))],
        year=article.year - int(m.rng.integers(1, 3)) if article.year else None,
        journal=pick(m.rng, venues),
        volume=f"{int(m.rng.integers(1, 121))} (Suppl 1)",
        number="Suppl 1",
        first_page=f"A{int(m.rng.integers(1, 900))}",
        last_page="",
        doi="",
        abstract=m.abstract(pool),
    )
    return [abstract, article]


def shared_doi_family(m: Maker) -> list[Work]:
    pool = m.pool()
    year = pick(m.rng, pool.years)
    journal = pick(m.rng, pool.journals)
    volume = f"{int(m.rng.integers(1, 121))} (Supplement 1)"
    doi = m.doi(pool, journal, year) + "-suppl"
    family = []
    for _ in range(int(m.rng.integers(4, 13))):
        w = m.work(pool)
        family.append(
            replace(
                w,
                year=year,
                journal=journal,
                volume=volume,
                number="Suppl 1",
                first_page=f"A{int(m.rng.integers(1, 900))}",
                last_page="",
                doi=doi,
            )
        )
    return family


def series_family(m: Maker) -> list[Work]:
    pool = m.pool()
    base = m.work(pool)
    stem = base.title.rstrip(".")
    first = int(base.first_page) if base.first_page.isdigit() else 1
    part2 = replace(
        base,
        title=f"{stem}: Part 2",
        first_page=str(first + 40),
        last_page=str(first + 52),
        doi=m.doi(pool, base.journal, base.year) if base.doi else "",
        abstract=m.abstract(pool) if base.abstract else "",
    )
    return [replace(base, title=f"{stem}: Part 1"), part2]


HARD_KINDS: tuple[tuple[Callable[[Maker], list[Work]], float], ...] = (
    (generic_family, 0.35),
    (conference_and_article, 0.35),
    (shared_doi_family, 0.2),
    (series_family, 0.1),
)


def hard_negatives(m: Maker, n_works: int) -> list[Work]:
    makers = [k for k, _ in HARD_KINDS]
    p = [w for _, w in HARD_KINDS]
    works: list[Work] = []
    while len(works) < n_works:
        works += pick_weighted(m.rng, makers, p)(m)
    return works


# --- rendering one database's record of a work ---------------------------------------


def initials(given: str, compact: bool) -> str:
    letters = [t[0].upper() for t in re.split(r"[\s.\-]+", given) if t]
    return "".join(letters) if compact else " ".join(f"{x}." for x in letters)


def format_author(a: Author, style: str) -> str:
    if not a.given:
        return a.surname
    if style == "bibtex_full":
        return f"{a.surname}, {a.given}"
    if style == "medline":
        return f"{a.surname} {initials(a.given, compact=True)}"
    if style == "embase":
        return f"{a.surname} {initials(a.given, compact=False)}"
    return f"{a.surname}, {initials(a.given, compact=False)}"


def render_authors(authors: tuple[Author, ...], rng: np.random.Generator, style: str) -> str:
    if not authors or chance(rng, 0.02):
        return ""
    shown = authors[:3] if len(authors) > 3 and chance(rng, 0.04) else authors
    names = [format_author(a, style) for a in shown]
    sep = {"medline": "; ", "embase": ""}.get(style, " and ")
    text = sep.join(names)
    if len(shown) < len(authors):
        text += " and others" if sep == " and " else "; et al." if style == "medline" else " et al."
    return fold(text) if chance(rng, 0.2) else text


def change_case(title: str, rng: np.random.Generator) -> str:
    how = int(rng.integers(3))
    if how == 0:
        return title.lower()
    if how == 1:
        return title.upper()
    return " ".join(w[:1].upper() + w[1:] for w in title.split())


def change_punctuation(title: str, rng: np.random.Generator) -> str:
    how = int(rng.integers(5))
    if how == 0:
        return re.sub(r"[^\w\s-]", "", title)
    if how == 1:
        return title.replace(": ", " - ")
    if how == 2:
        return title.replace("-", " ")
    if how == 3:
        return title.rstrip(".") + "."
    return title.replace(",", "")


def add_html(title: str, rng: np.random.Generator) -> str:
    how = int(rng.integers(4))
    if how == 0 and (" and " in title or "&" in title):
        return title.replace(" and ", " &amp; ").replace(" & ", " &amp; ")
    if how == 1 and "'" in title:
        return title.replace("'", "&#39;")
    if how == 2 and "-" in title:
        return title.replace("-", "&#8208;", 1)
    words = title.split()
    i = int(rng.integers(len(words)))
    words[i] = f"<i>{words[i]}</i>"
    return " ".join(words)


def truncate(title: str, rng: np.random.Generator) -> str:
    """The subtitle dropped (half the time, if the main title has 4+ words), else the
    title cut to 60-85 % of its words (8+ words); a part number ("...: Part 2") is kept."""
    if re.search(r"Part \d+$", title):
        return title
    main = title.split(": ")[0]
    if main != title and len(main.split()) >= 4 and chance(rng, 0.5):
        return main
    words = title.split()
    if len(words) < 8:
        return title
    return " ".join(words[: int(len(words) * rng.uniform(0.6, 0.85))])


TITLE_CHANGES: tuple[tuple[float, Callable[[str, np.random.Generator], str]], ...] = (
    (0.12, change_case),
    (0.20, change_punctuation),
    (0.06, add_html),
    (0.03, truncate),
    (0.03, lambda t, _: f"[{t.rstrip('.')}]"),
)


def render_title(title: str, rng: np.random.Generator) -> str:
    for p, change in TITLE_CHANGES:
        if chance(rng, p):
            title = change(title, rng)
    return title


def abbreviate(journal: str) -> str:
    words = [w for w in re.split(r"[\s:]+", journal) if w and w.lower() not in STOPWORDS]
    return " ".join(ABBREVIATIONS.get(w.lower(), w) for w in words)


def render_journal(journal: str, rng: np.random.Generator) -> str:
    r = rng.random()
    if r < 0.02:
        return ""
    if r < 0.37:
        return abbreviate(journal)
    if r < 0.42:
        return journal.upper()
    if r < 0.47:
        return journal.replace(" & ", " &amp; ").replace(" and ", " & ")
    return journal


def abbreviate_range(first: str, last: str) -> str:
    """MEDLINE style: 123-129 -> 123-9, S123-S125 -> S123-5."""
    a, b = re.match(r"(\D*)(\d*)", first), re.match(r"(\D*)(\d*)", last)
    if not (a and b and a[2] and b[2] and a[1] == b[1] and len(a[2]) == len(b[2])):
        return f"{first}-{last}"
    keep = next((i for i, (x, y) in enumerate(zip(a[2], b[2], strict=True)) if x != y), None)
    return f"{first}-{b[2][keep:]}" if keep is not None else first


def render_pages(w: Work, rng: np.random.Generator, style: str) -> str:
    if not w.first_page or chance(rng, 0.1):
        return ""
    if not w.last_page or w.last_page == w.first_page or chance(rng, 0.1):
        return w.first_page
    if style == "medline" and chance(rng, 0.7):
        return abbreviate_range(w.first_page, w.last_page)
    dash = "--" if style.startswith("bibtex") and chance(rng, 0.5) else "-"
    return f"{w.first_page}{dash}{w.last_page}"


def render_doi(doi: str, rng: np.random.Generator) -> str:
    if not doi or chance(rng, 0.25):
        return ""
    r = rng.random()
    if r < 0.15:
        return f"https://doi.org/{doi}"
    if r < 0.35:
        return f"http://dx.doi.org/{doi}"
    if r < 0.40:
        return f"doi:{doi}"
    if r < 0.45:
        return doi.upper()
    return doi


def render_year(year: int | None, rng: np.random.Generator) -> str:
    if year is None or chance(rng, 0.01):
        return ""
    if chance(rng, 0.06):
        year += 1 if chance(rng, 0.5) else -1
    return str(year)


def render_abstract(w: Work, rng: np.random.Generator) -> str:
    if not w.abstract or chance(rng, 0.3):
        return ""
    if chance(rng, 0.1):
        return w.abstract + COPYRIGHT.format(year=w.year or 2015)
    return w.abstract


STYLES = ("bibtex", "bibtex_full", "medline", "embase")
STYLE_P = (0.4, 0.15, 0.3, 0.15)


def render(w: Work, rng: np.random.Generator) -> dict[str, str]:
    style = pick_weighted(rng, STYLES, STYLE_P)
    return {
        "title": render_title(w.title, rng),
        "author": render_authors(w.authors, rng, style),
        "year": render_year(w.year, rng),
        "journal": render_journal(w.journal, rng),
        "volume": "" if chance(rng, 0.04) else w.volume,
        "number": "" if chance(rng, 0.2) else w.number,
        "pages": render_pages(w, rng, style),
        "doi": render_doi(w.doi, rng),
        "abstract": render_abstract(w, rng),
        "entry_type": "" if chance(rng, 0.1) else "article",
    }


# --- putting it together -------------------------------------------------------------


def group_sizes(rng: np.random.Generator, n_records: int) -> list[int]:
    sizes: list[int] = []
    total = 0
    while total < n_records:
        size = 1
        if chance(rng, DUP_SHARE):
            size = pick_weighted(rng, GROUP_SIZES, GROUP_P)
        size = min(size, n_records - total)
        sizes.append(size)
        total += size
    return sizes


def choose_works(m: Maker, n_works: int) -> list[Work]:
    originals = [w for p in m.pools for w in p.works]
    hard = hard_negatives(m, round(HARD_NEGATIVE_SHARE * n_works))
    works = originals + hard
    works += [m.work() for _ in range(n_works - len(works))]
    order = m.rng.permutation(len(works))[:n_works]
    return [works[i] for i in order]


def build(n_records: int = 100_000, seed: int = SEED, data: Path = DATA) -> list[dict[str, str]]:
    """``n_records`` labelled rows (see the module docstring)."""
    rng = np.random.default_rng(seed)
    sizes = group_sizes(rng, n_records)
    works = choose_works(Maker(rng, load_pools(data)), len(sizes))
    rows: list[dict[str, str]] = []
    for number, (work, size) in enumerate(zip(works, sizes, strict=True)):
        for _ in range(size):
            rows.append({**render(work, rng), "dup_group": f"w{number:06d}"})
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    counts = Counter(r["dup_group"] for r in rows)
    for i, row in enumerate(rows, start=1):
        row["record_id"] = f"syn_{i:06d}"
        if counts[row["dup_group"]] == 1:
            row["dup_group"] = f"s_{row['record_id']}"
    return [{c: row[c] for c in COLUMNS} for row in rows]


def subsample(rows: list[dict[str, str]], n_records: int, seed: int = SEED) -> list[dict[str, str]]:
    """Whole true groups, in random order, until ``n_records`` rows (input order kept)."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        members[row["dup_group"]].append(i)
    groups = list(members.values())
    keep: list[int] = []
    for g in np.random.default_rng(seed).permutation(len(groups)):
        if len(keep) >= n_records:
            break
        keep += groups[g][: n_records - len(keep)]
    return [rows[i] for i in sorted(keep)]


def summary(rows: list[dict[str, str]]) -> dict[str, Any]:
    sizes = Counter(Counter(r["dup_group"] for r in rows).values())
    works = sum(sizes.values())
    return {
        "records": len(rows),
        "works": works,
        "removable": len(rows) - works,
        "dup_rate": (len(rows) - works) / len(rows),
        "group_sizes": dict(sorted(sizes.items())),
    }


def write(path: str | Path, rows: list[dict[str, str]] | None = None, **build_args: Any) -> Path:
    """Write ``rows`` (default: ``build(**build_args)``) as a benchmark-style CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows if rows is not None else build(**build_args))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    rows = build(args.records, args.seed)
    write(args.output, rows)
    print(summary(rows))


if __name__ == "__main__":
    main()
