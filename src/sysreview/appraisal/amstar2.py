"""AMSTAR 2, the critical appraisal tool for systematic reviews of healthcare
interventions (Shea BJ, Reeves BC, Wells G, et al.  AMSTAR 2: a critical appraisal
tool for systematic reviews that include randomised or non-randomised studies of
healthcare interventions, or both.  BMJ 2017;358:j4008).

Sixteen items, each answered yes, partial yes (where the checklist offers it) or no;
items 11, 12 and 15 also take "no meta-analysis conducted".  Items 9 (risk of bias
of the included studies) and 11 (meta-analytic methods) are answered separately for
randomised trials (``9a``, ``11a``) and non-randomised studies (``9b``, ``11b``), as
the checklist asks; 9's rows also take "not applicable" ("includes only NRSI" for
the RCT row, "includes only RCTs" for the NRSI row).

The overall confidence in the review's results follows Shea et al.'s Box 2 from the
weaknesses found: an item answered "no" is a *critical flaw* when the item is a
critical domain (2, 4, 7, 9, 11, 13 and 15 by default) and a *non-critical weakness*
otherwise; partial yes meets the item, as in the checklist's own scoring.  High: at
most one non-critical weakness; moderate: more than one; low: one critical flaw;
critically low: more than one.  Shea et al. present the critical domains as a
suggestion a review team may change, and the rating as guidance rather than a score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import ReviewAppraisal

TOOL = "amstar2"

YES, PARTIAL_YES, NO = "yes", "partial_yes", "no"
NO_META_ANALYSIS, NOT_APPLICABLE = "no_meta_analysis", "not_applicable"
ANSWERS = (YES, PARTIAL_YES, NO, NO_META_ANALYSIS, NOT_APPLICABLE)
ANSWER_NAMES = {
    YES: ("Yes", "Ja"),
    PARTIAL_YES: ("Partial yes", "Delvis ja"),
    NO: ("No", "Nei"),
    NO_META_ANALYSIS: ("No meta-analysis conducted", "Ingen metaanalyse"),
    NOT_APPLICABLE: ("Not applicable", "Ikke relevant"),
}
#: the short forms tables of AMSTAR 2 ratings use (Y, PY, N, NMA, NA)
ANSWER_SHORT = {YES: "Y", PARTIAL_YES: "PY", NO: "N", NO_META_ANALYSIS: "NMA", NOT_APPLICABLE: "NA"}

#: overall confidence in the results of the review, best first
RATINGS = ("high", "moderate", "low", "critically_low")
RATING_NAMES = {
    "high": ("High", "Høy"),
    "moderate": ("Moderate", "Moderat"),
    "low": ("Low", "Lav"),
    "critically_low": ("Critically low", "Kritisk lav"),
}


@dataclass(frozen=True)
class Item:
    """One row of the checklist: its code (``4``, ``9a``), the item it belongs to
    (``9``), short names in English and bokmål, the checklist's question, the answers
    it takes, and whether Shea et al. list it as a critical domain."""

    code: str
    item: int
    name_en: str
    name_nb: str
    question: str
    answers: tuple[str, ...]
    critical: bool = False

    @property
    def heading(self) -> str:
        return f"Q{self.code}"


_YN = (YES, NO)
_YPN = (YES, PARTIAL_YES, NO)
_YN_NMA = (YES, NO, NO_META_ANALYSIS)
_ROB = (YES, PARTIAL_YES, NO, NOT_APPLICABLE)

ITEMS: tuple[Item, ...] = (
    Item(
        "1",
        1,
        "PICO components",
        "PICO-komponentene",
        "Did the research questions and inclusion criteria for the review include the "
        "components of PICO?",
        _YN,
    ),
    Item(
        "2",
        2,
        "Protocol established in advance",
        "Protokoll utarbeidet på forhånd",
        "Did the report of the review contain an explicit statement that the review "
        "methods were established prior to the conduct of the review and did the report "
        "justify any significant deviations from the protocol?",
        _YPN,
        critical=True,
    ),
    Item(
        "3",
        3,
        "Choice of study designs explained",
        "Valg av studiedesign begrunnet",
        "Did the review authors explain their selection of the study designs for "
        "inclusion in the review?",
        _YN,
    ),
    Item(
        "4",
        4,
        "Comprehensive literature search",
        "Omfattende litteratursøk",
        "Did the review authors use a comprehensive literature search strategy?",
        _YPN,
        critical=True,
    ),
    Item(
        "5",
        5,
        "Study selection in duplicate",
        "Utvelgelse av studier gjort av to",
        "Did the review authors perform study selection in duplicate?",
        _YN,
    ),
    Item(
        "6",
        6,
        "Data extraction in duplicate",
        "Datauttrekk gjort av to",
        "Did the review authors perform data extraction in duplicate?",
        _YN,
    ),
    Item(
        "7",
        7,
        "Excluded studies listed and justified",
        "Ekskluderte studier listet og begrunnet",
        "Did the review authors provide a list of excluded studies and justify the exclusions?",
        _YPN,
        critical=True,
    ),
    Item(
        "8",
        8,
        "Included studies described in adequate detail",
        "Inkluderte studier tilstrekkelig beskrevet",
        "Did the review authors describe the included studies in adequate detail?",
        _YPN,
    ),
    Item(
        "9a",
        9,
        "Risk of bias assessed satisfactorily (RCTs)",
        "Risiko for skjevheter tilfredsstillende vurdert (RCT-er)",
        "Did the review authors use a satisfactory technique for assessing the risk of "
        "bias (RoB) in individual studies that were included in the review? "
        "(randomised controlled trials; not applicable: includes only NRSI)",
        _ROB,
        critical=True,
    ),
    Item(
        "9b",
        9,
        "Risk of bias assessed satisfactorily (NRSI)",
        "Risiko for skjevheter tilfredsstillende vurdert (ikke-randomiserte studier)",
        "Did the review authors use a satisfactory technique for assessing the risk of "
        "bias (RoB) in individual studies that were included in the review? "
        "(non-randomised studies of interventions; not applicable: includes only RCTs)",
        _ROB,
        critical=True,
    ),
    Item(
        "10",
        10,
        "Funding of included studies reported",
        "Finansiering av de inkluderte studiene rapportert",
        "Did the review authors report on the sources of funding for the studies included "
        "in the review?",
        _YN,
    ),
    Item(
        "11a",
        11,
        "Appropriate meta-analytic methods (RCTs)",
        "Egnede metoder for metaanalyse (RCT-er)",
        "If meta-analysis was performed, did the review authors use appropriate methods "
        "for statistical combination of results? (randomised controlled trials)",
        _YN_NMA,
        critical=True,
    ),
    Item(
        "11b",
        11,
        "Appropriate meta-analytic methods (NRSI)",
        "Egnede metoder for metaanalyse (ikke-randomiserte studier)",
        "If meta-analysis was performed, did the review authors use appropriate methods "
        "for statistical combination of results? (non-randomised studies of interventions)",
        _YN_NMA,
        critical=True,
    ),
    Item(
        "12",
        12,
        "Impact of risk of bias on the synthesis assessed",
        "Betydningen av risiko for skjevheter for sammenstillingen vurdert",
        "If meta-analysis was performed, did the review authors assess the potential "
        "impact of RoB in individual studies on the results of the meta-analysis or other "
        "evidence synthesis?",
        _YN_NMA,
    ),
    Item(
        "13",
        13,
        "Risk of bias accounted for in interpreting results",
        "Risiko for skjevheter tatt hensyn til i tolkningen",
        "Did the review authors account for RoB in individual studies when "
        "interpreting/discussing the results of the review?",
        _YN,
        critical=True,
    ),
    Item(
        "14",
        14,
        "Heterogeneity explained and discussed",
        "Heterogenitet forklart og diskutert",
        "Did the review authors provide a satisfactory explanation for, and discussion of, "
        "any heterogeneity observed in the results of the review?",
        _YN,
    ),
    Item(
        "15",
        15,
        "Publication bias investigated",
        "Publikasjonsskjevhet undersøkt",
        "If they performed quantitative synthesis did the review authors carry out an "
        "adequate investigation of publication bias (small study bias) and discuss its "
        "likely impact on the results of the review?",
        _YN_NMA,
        critical=True,
    ),
    Item(
        "16",
        16,
        "Conflicts of interest reported",
        "Interessekonflikter rapportert",
        "Did the review authors report any potential sources of conflict of interest, "
        "including any funding they received for conducting the review?",
        _YN,
    ),
)

ITEM_CODES = tuple(i.code for i in ITEMS)
CRITICAL = tuple(sorted({i.item for i in ITEMS if i.critical}))


def item(code: str) -> Item:
    """The checklist row ``code`` (``4``, ``9a``, or with a Q: ``Q4``)."""
    key = code.strip().lower().removeprefix("q")
    for found in ITEMS:
        if found.code == key:
            return found
    raise KeyError(code)


@dataclass(frozen=True)
class Rating:
    """The overall confidence and what it rests on: the items with a critical flaw
    and those with a non-critical weakness (item numbers), and the items still
    unanswered."""

    rating: str | None
    critical_flaws: tuple[int, ...]
    weaknesses: tuple[int, ...]
    unanswered: tuple[str, ...]


def rate(answers: Mapping[str, str | None], critical: Iterable[int] = CRITICAL) -> Rating:
    """The overall confidence in a review's results from its answers (``{"1": "yes",
    "9a": "no", ...}``; a missing or ``None`` answer is not yet given).

    An item answered "no" in any of its rows is one flaw: critical when the item is
    in ``critical``, else a non-critical weakness.  With answers missing, the rating
    is ``None`` unless the flaws found already make it critically low.
    """
    critical_items = set(critical)
    flawed = sorted({i.item for i in ITEMS if answers.get(i.code) == NO})
    flaws = tuple(n for n in flawed if n in critical_items)
    weaknesses = tuple(n for n in flawed if n not in critical_items)
    unanswered = tuple(i.code for i in ITEMS if answers.get(i.code) is None)
    if len(flaws) > 1:
        rating: str | None = "critically_low"
    elif unanswered:
        rating = None
    elif flaws:
        rating = "low"
    elif len(weaknesses) > 1:
        rating = "moderate"
    else:
        rating = "high"
    return Rating(rating, flaws, weaknesses, unanswered)


def confidence(
    appraisals: Iterable[ReviewAppraisal], critical: Iterable[int] = CRITICAL
) -> dict[str, Rating]:
    """Each appraised review's rating from its agreed (consensus) AMSTAR 2 answers,
    in the order the reviews were first appraised."""
    critical = tuple(critical)
    agreed: dict[str, dict[str, str | None]] = {}
    for a in appraisals:
        if a.tool != TOOL:
            continue
        answers = agreed.setdefault(a.review, {})
        if a.consensus:
            answers[a.domain] = a.judgement
    return {review: rate(answers, critical) for review, answers in agreed.items()}
