"""Certainty of evidence per outcome: the GRADE arithmetic and its footnotes.

Evidence from randomised trials starts high, from non-randomised studies low — or
high when their risk of bias was assessed with ROBINS-I or ROBINS-E, which rate the
confounding that otherwise costs two levels (Schünemann et al., J Clin Epidemiol
2019;111:105-114).  Each of the five domains rates down one level when serious, two
when very serious (imprecision three when extremely serious: GRADE guidance 34, Zeng
et al. 2022); each of the three reasons to rate up raises one or two levels.  The
result is bounded by high and very low (GRADE Handbook 5.1; Guyatt et al. GRADE
guidelines 3, J Clin Epidemiol 2011;64:401-406).

Every judgement that moves the level needs its footnote: GRADEpro numbers them in
the order they first appear in the table, and one text shared by several rows keeps
one number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import DataError
from ..model import CertaintyAssessment, DomainRating, UpgradeRating

#: levels from the bottom: index 0 is very low
LEVELS: tuple[str, ...] = ("very_low", "low", "moderate", "high")
DOWN_DOMAINS: tuple[str, ...] = (
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
)
UP_DOMAINS: tuple[str, ...] = ("large_effect", "dose_response", "plausible_confounding")
DOMAINS: tuple[str, ...] = DOWN_DOMAINS + UP_DOMAINS
DOWN_STEPS = {"not_serious": 0, "serious": 1, "very_serious": 2, "extremely_serious": 3}
UP_STEPS = {"none": 0, "one": 1, "two": 2}
ROBINS_TOOLS = frozenset({"robins_i", "robins-i", "robins_e", "robins-e"})


def start_level(design: str, *, robins: bool = False) -> str:
    """Where the evidence starts: randomised trials high, other designs low unless
    their risk of bias was assessed with ROBINS-I/E."""
    if design == "rct" or robins:
        return "high"
    if design in ("non_randomised", "observational"):
        return "low"
    raise DataError(f"study design {design!r} is not rct, non_randomised or observational")


def levels_for(domain: str) -> tuple[str, ...]:
    """The judgements a domain allows, from no concern upwards."""
    if domain in UP_DOMAINS:
        return tuple(UP_STEPS)
    if domain == "imprecision":
        return tuple(DOWN_STEPS)
    if domain in DOWN_DOMAINS:
        return ("not_serious", "serious", "very_serious")
    raise DataError(f"{domain!r} is not a GRADE domain ({', '.join(DOMAINS)})")


def steps(domain: str, level: str) -> int:
    """Levels a judgement moves the certainty: negative down, positive up."""
    if level not in levels_for(domain):
        only = (
            " (extremely_serious is for imprecision only)" if level == "extremely_serious" else ""
        )
        raise DataError(f"{domain}: {level!r} is not one of {', '.join(levels_for(domain))}{only}")
    return UP_STEPS[level] if domain in UP_DOMAINS else -DOWN_STEPS[level]


def rating_of(assessment: CertaintyAssessment, domain: str) -> DomainRating | UpgradeRating:
    if domain not in DOMAINS:
        raise DataError(f"{domain!r} is not a GRADE domain ({', '.join(DOMAINS)})")
    rating: DomainRating | UpgradeRating = getattr(assessment, domain)
    return rating


@dataclass(frozen=True)
class Rating:
    """The certainty the judgements give, and how it got there."""

    start: str
    down: int
    up: int
    level: str
    moved: tuple[tuple[str, int], ...]

    @property
    def symbols(self) -> str:
        n = LEVELS.index(self.level) + 1
        return "⨁" * n + "◯" * (4 - n)


def rate(assessment: CertaintyAssessment, *, robins: bool = False) -> Rating:
    """Apply the five reasons to rate down and the three to rate up."""
    start = start_level(assessment.design, robins=robins)
    moved = tuple(
        (domain, n)
        for domain in DOMAINS
        if (n := steps(domain, rating_of(assessment, domain).level)) != 0
    )
    down = -sum(n for _, n in moved if n < 0)
    up = sum(n for _, n in moved if n > 0)
    index = min(max(LEVELS.index(start) - down + up, 0), len(LEVELS) - 1)
    return Rating(start, down, up, LEVELS[index], moved)


@dataclass(frozen=True)
class Footnotes:
    """Footnote numbers per assessment (in domain order) and the texts by number."""

    numbers: dict[str, tuple[int, ...]]
    texts: dict[int, str]


def footnotes(assessments: Iterable[CertaintyAssessment]) -> Footnotes:
    """Number the footnotes of the judgements that move the certainty, in the order
    they first appear (row by row, domain by domain); a repeated text keeps its
    number.  A judgement that moves the level without a footnote is an error: a
    reader must be told why."""
    texts: dict[int, str] = {}
    number_of: dict[str, int] = {}
    numbers: dict[str, tuple[int, ...]] = {}
    for a in assessments:
        mine: list[int] = []
        for domain in DOMAINS:
            rating = rating_of(a, domain)
            if steps(domain, rating.level) == 0:
                continue
            text = (rating.footnote or "").strip()
            if not text:
                raise DataError(
                    f"certainty {a.id}: {domain} is {rating.level} but has no footnote",
                    hint="every judgement that moves the certainty needs its reason",
                )
            if text not in number_of:
                number_of[text] = len(number_of) + 1
                texts[number_of[text]] = text
            if number_of[text] not in mine:
                mine.append(number_of[text])
        numbers[a.id] = tuple(mine)
    return Footnotes(numbers, texts)
