"""The vocabulary every stage shares: a systematic review as frozen dataclasses.

No I/O lives here.  The store persists these objects, the bundle writes them as
YAML/CSV, and every stage (ingest, screening, stats, grade, report) speaks them.

The shape follows how review teams work (Cochrane Handbook, RevMan, GRADEpro,
Covidence), with one rule taken from RevMan: a *study* is not a *report*.  A trial
(study) is described in one or more publications (reports); analyses count studies,
PRISMA counts both.

Identifiers are short stable slugs chosen by the user or the importer
(``"aasdahl2018"``, ``"rtw"``): they are what the bundle and every cross-reference
use, so a bundle diff stays readable.

Field order is significant: it is the key order in the bundle.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# --- closed vocabularies -------------------------------------------------------
# These are the codes the bundle and the database hold; labels in Norwegian and
# English for reports live beside the stage that renders them.

CriterionKind = Literal["inclusion", "exclusion"]
OutcomeKind = Literal["dichotomous", "continuous", "time_to_event", "count", "narrative", "cost"]
Direction = Literal["higher_is_better", "lower_is_better", "none"]
Importance = Literal["critical", "important", "limited"]
Priority = Literal["primary", "secondary"]
SearchSource = Literal["database", "other"]
Stage = Literal["title_abstract", "full_text"]
Verdict = Literal["include", "exclude", "maybe"]
#: where a record sent on to full text stands in retrieval: its full text is held, or
#: the team could not get it (PRISMA 2020's "reports not retrieved")
Retrieval = Literal["retrieved", "not_retrieved"]
PairStatus = Literal["duplicate", "uncertain", "distinct"]
StudyStatus = Literal["included", "excluded", "awaiting", "ongoing"]
RobJudgement = Literal[
    "low", "unclear", "high", "some_concerns", "moderate", "serious", "critical", "no_information"
]
AppraisalAnswer = Literal["yes", "partial_yes", "no", "no_meta_analysis", "not_applicable"]
DataType = Literal["dichotomous", "continuous", "estimate", "narrative"]
#: how outcome data are extracted: by two people independently (Cochrane's advice), or
#: by one and checked by another who sees the first's entry (as the NIPH review did)
ExtractionMode = Literal["independent", "checked"]
Model = Literal["random", "fixed"]
Certainty = Literal["high", "moderate", "low", "very_low"]
DomainLevel = Literal["not_serious", "serious", "very_serious", "extremely_serious"]
UpgradeLevel = Literal["none", "one", "two"]
StudyDesign = Literal["rct", "non_randomised", "observational"]
GradeDomain = Literal[
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
    "large_effect",
    "dose_response",
    "plausible_confounding",
]
JudgementSource = Literal["suggestion", "reviewer"]


def choices(literal: Any) -> tuple[str, ...]:
    """The allowed codes of one of the vocabularies above, in declaration order."""
    return tuple(get_args(literal))


# --- review and protocol -------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A remark about the data, e.g. where the source document contradicts itself.

    ``subject`` names what the note is about as ``file:id.field`` or ``file:field``
    (``"prisma.yaml:fulltext_assessed"``), so a reader can find it.
    """

    id: str
    subject: str
    text: str


@dataclass(frozen=True)
class ReviewInfo:
    """The review itself: what is asked, for whom, by whom.

    Text fields hold the source's own language (``language``); ``*_en`` fields hold
    the English the source gives, where it gives one.
    """

    id: str
    title: str
    title_en: str | None = None
    language: str = "en"
    question: str | None = None
    question_en: str | None = None
    commissioner: str | None = None
    publisher: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    series: str | None = None
    isbn: str | None = None
    url: str | None = None
    review_type: str | None = None
    search_completed: str | None = None
    peer_reviewers: tuple[str, ...] = ()
    key_messages: tuple[str, ...] = ()
    key_messages_en: tuple[str, ...] = ()
    conclusion: str | None = None
    conclusion_en: str | None = None


@dataclass(frozen=True)
class Criterion:
    """One eligibility criterion under its heading (Population, Intervention, ...)."""

    kind: CriterionKind
    heading: str
    text: str
    heading_en: str | None = None


@dataclass(frozen=True)
class Outcome:
    """An outcome the protocol names, with what a reader needs to judge effects.

    ``direction`` says which way is good for patients: an effect estimate above the
    null is a benefit when ``higher_is_better`` (return to work) and a harm when
    ``lower_is_better`` (pain).
    """

    id: str
    name: str
    name_en: str | None = None
    kind: OutcomeKind = "dichotomous"
    direction: Direction = "higher_is_better"
    importance: Importance = "critical"
    priority: Priority = "primary"
    description: str | None = None


@dataclass(frozen=True)
class Comparison:
    """An intervention compared against a comparator (RevMan's 'comparison')."""

    id: str
    intervention: str
    comparator: str
    name: str | None = None
    name_en: str | None = None
    intervention_en: str | None = None
    comparator_en: str | None = None
    reported_studies: int | None = None


@dataclass(frozen=True)
class Protocol:
    """PICO, eligibility criteria by heading, outcomes and comparisons."""

    population: str | None = None
    intervention: str | None = None
    comparator: str | None = None
    outcome: str | None = None
    registration: str | None = None
    #: independent screening decisions each record needs at each stage
    screening_reviewers: int = 2
    #: the full-text exclusion reasons screeners choose from (empty: free text)
    exclusion_reasons: tuple[str, ...] = ()
    #: AMSTAR 2 items whose "no" is a critical flaw (Shea et al.'s seven by default;
    #: they present them as a suggestion a team may adapt to its question)
    amstar2_critical: tuple[int, ...] = (2, 4, 7, 9, 11, 13, 15)
    #: outcome data extracted independently by ``screening_reviewers`` people, or by
    #: one and checked by a second
    extraction_mode: ExtractionMode = "independent"
    criteria: tuple[Criterion, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    comparisons: tuple[Comparison, ...] = ()


# --- searches, records and screening --------------------------------------------


@dataclass(frozen=True)
class Search:
    """One search as run: where, when, how, and the hits the source reports.

    ``date`` is ISO 8601 (``2020-05-04``) where the source gives a full date;
    ``date_text`` keeps what the source printed.  ``source`` separates database
    searches from other sources (grey literature, reference lists) for PRISMA.
    """

    id: str
    database: str
    source: SearchSource = "database"
    interface: str | None = None
    coverage: str | None = None
    date: str | None = None
    date_text: str | None = None
    strategy: str | None = None
    limits: str | None = None
    reported_hits: int | None = None
    hits_text: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Record:
    """One bibliographic record as a search returned it, with its provenance.

    ``duplicate_of`` points to the root record of its duplicate group (one root per
    group), so "which records are one reference" is one query.  ``format`` is the
    export format it was read from and ``raw`` every field the database exported,
    by tag, values in file order (nothing a vendor wrote is lost on import).
    """

    id: str
    search: str | None
    source_file: str | None = None
    source_line: int | None = None
    format: str | None = None
    type: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    issn: str | None = None
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    language: str | None = None
    url: str | None = None
    duplicate_of: str | None = None
    raw: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class DuplicatePair:
    """Two records deduplication judged, and why.

    The tool writes its duplicate links (``status`` duplicate: why a group formed) and
    its uncertain pairs (the review queue).  A person's judgement has ``reviewer`` set;
    it overrides the tool and every later run obeys it, so a merge undone stays undone.
    """

    a: str
    b: str
    status: PairStatus
    reason: str | None = None
    similarity: float | None = None
    reviewer: str | None = None
    decided_at: str | None = None


@dataclass(frozen=True)
class Decision:
    """One reviewer's screening decision on one record (its group's root).

    ``consensus`` marks the decision that settles a conflict (the third reviewer's,
    or the agreed one); ``sequence`` orders decisions as they were logged.

    ``ranking`` names the screening model that ranked the record when it was first
    decided (None: decided without one), and ``ranked_first_by`` the embedding
    weights under which that model put it first among the unscreened records: the
    record of which mix of evidence found it, from which the model learns its
    weight (as ASReview keeps the model that proposed each labelled record).
    """

    record: str
    stage: Stage
    reviewer: str
    verdict: Verdict
    reason: str | None = None
    consensus: bool = False
    sequence: int = 0
    decided_at: str | None = None
    ranking: str | None = None
    ranked_first_by: tuple[float, ...] = ()


@dataclass(frozen=True)
class FullText:
    """The full text of a record sent on to full-text screening, or why there is none.

    One per record (a group's root, as decisions are).  ``retrieved``: the file's
    name as it was added, its media type, size and SHA-256; the bytes are kept by
    the store (and a bundle's ``fulltexts/`` folder) under that hash, outside the
    review's rows.  ``not_retrieved``: ``reason`` says why (PRISMA 2020's "reports not
    retrieved", as Covidence's "mark as unavailable").
    """

    record: str
    status: Retrieval = "retrieved"
    file_name: str | None = None
    media_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    reason: str | None = None
    by: str | None = None
    at: str | None = None


# --- studies, reports and their appraisal ---------------------------------------


@dataclass(frozen=True)
class Study:
    """A trial or other study: the unit analyses count.

    ``characteristics`` holds the study-description table's free-form cells keyed by
    column (``age``, ``women``, ``sick_leave`` ...), as the source words them.
    """

    id: str
    label: str
    status: StudyStatus = "included"
    design: str | None = None
    countries: tuple[str, ...] = ()
    participants: int | None = None
    population: str | None = None
    intervention: str | None = None
    control: str | None = None
    follow_up: str | None = None
    outcome_measures: tuple[str, ...] = ()
    comparisons: tuple[str, ...] = ()
    characteristics: dict[str, str] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class Report:
    """A publication of an included study.  ``reference`` is its number in the
    review's reference list, ``main`` marks the study's principal report."""

    id: str
    study: str
    citation: str
    first_author: str | None = None
    year: int | None = None
    title: str | None = None
    reference: int | None = None
    main: bool = False
    note: str | None = None
    #: the screened record this report is (a full-text inclusion linked to its study)
    record: str | None = None


@dataclass(frozen=True)
class Exclusion:
    """A full text assessed and excluded, with the reason the review gives.

    ``group`` keeps how the source lists it (e.g. reviews excluded at full text vs.
    after quality appraisal vs. primary studies).
    """

    id: str
    citation: str
    reason: str
    group: str
    first_author: str | None = None
    year: int | None = None
    reason_en: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class SystematicReview:
    """A systematic review the review includes for listing (not for pooling)."""

    id: str
    label: str
    citation: str | None = None
    aim: str | None = None
    conclusion: str | None = None
    reference: int | None = None
    characteristics: dict[str, str] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True)
class RobAssessment:
    """One risk-of-bias judgement: study × tool × domain (× outcome) × assessor.

    ``assessor`` is empty and ``consensus`` true for the agreed judgement a review
    publishes; individual assessors' judgements carry their name (and ``consensus``
    false).  With RoB 2's signalling questions answered, ``judgement`` is the
    algorithm's unless ``support`` says why the assessor departs from it.
    """

    study: str
    tool: str
    domain: str
    judgement: RobJudgement
    support: str | None = None
    outcome: str | None = None
    assessor: str | None = None
    consensus: bool = True
    #: a tool with signalling questions (RoB 2): the answers the judgement rests on,
    #: as ``1.1=Y 1.2=PY 1.3=N`` (Y, PY, PN, N, NI or NA)
    answers: str | None = None
    #: RoB 2's effect of interest, which sets domain 2's questions: ``assignment``
    #: (intention to treat; the default) or ``adherence``
    variant: str | None = None
    #: when the assessor recorded it (ISO 8601, UTC)
    assessed_at: str | None = None


@dataclass(frozen=True)
class ReviewAppraisal:
    """One answer of a critical appraisal of a listed systematic review (AMSTAR 2):
    review × tool × item × assessor.

    As with :class:`RobAssessment`, ``assessor`` is empty and ``consensus`` true for
    the agreed answer the review publishes; each assessor's own answer carries their
    name.  The overall confidence is derived from the agreed answers
    (:func:`sysreview.appraisal.amstar2.rate`), not stored.
    """

    review: str
    tool: str
    domain: str
    judgement: AppraisalAnswer
    support: str | None = None
    assessor: str | None = None
    consensus: bool = True
    #: when the assessor recorded it (ISO 8601, UTC)
    assessed_at: str | None = None

    # Read as a RobAssessment reads, so the appraisal workflow, CLI and web app take
    # either: the subject is the review; there is no outcome, answer set or variant.
    @property
    def study(self) -> str:
        return self.review

    @property
    def outcome(self) -> None:
        return None

    @property
    def answers(self) -> None:
        return None

    @property
    def variant(self) -> None:
        return None


# --- outcome data and analyses -------------------------------------------------


@dataclass(frozen=True)
class OutcomeData:
    """What one study reports for one outcome at one time point.

    Either arm-level data (``_1`` = intervention arm, ``_2`` = control arm):
    events and totals, or means and SDs (or medians with quartiles), or a reported
    contrast (``measure``, ``estimate`` with ``ci_lb``/``ci_ub`` at ``ci_level`` %,
    and/or ``p``).  ``text`` keeps the sentence the numbers come from.
    """

    id: str
    study: str
    outcome: str
    data_type: DataType
    comparison: str | None = None
    timepoint: str | None = None
    group: str | None = None
    report: str | None = None
    measure: str | None = None
    instrument: str | None = None
    events_1: float | None = None
    n_1: float | None = None
    mean_1: float | None = None
    sd_1: float | None = None
    median_1: float | None = None
    q1_1: float | None = None
    q3_1: float | None = None
    events_2: float | None = None
    n_2: float | None = None
    mean_2: float | None = None
    sd_2: float | None = None
    median_2: float | None = None
    q1_2: float | None = None
    q3_2: float | None = None
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    ci_level: float | None = None
    p: float | None = None
    p_text: str | None = None
    source: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Extraction:
    """One person's reading of one outcome-data row, before the team agrees on it.

    ``row`` is the :class:`OutcomeData` id the agreed values go to; the other fields
    are that row's (``sysreview.extraction.VALUE_FIELDS``).  When the protocol's
    number of extractors agree on every value, the row is written; when they differ,
    a lead settles it.
    """

    row: str
    extractor: str
    study: str
    outcome: str
    data_type: DataType
    comparison: str | None = None
    timepoint: str | None = None
    group: str | None = None
    report: str | None = None
    measure: str | None = None
    instrument: str | None = None
    events_1: float | None = None
    n_1: float | None = None
    mean_1: float | None = None
    sd_1: float | None = None
    median_1: float | None = None
    q1_1: float | None = None
    q3_1: float | None = None
    events_2: float | None = None
    n_2: float | None = None
    mean_2: float | None = None
    sd_2: float | None = None
    median_2: float | None = None
    q1_2: float | None = None
    q3_2: float | None = None
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    ci_level: float | None = None
    p: float | None = None
    p_text: str | None = None
    source: str | None = None
    text: str | None = None
    extracted_at: str | None = None


@dataclass(frozen=True)
class PooledResult:
    """A pooled result as a source reports it (before we recompute it)."""

    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    participants: int | None = None
    studies: int | None = None
    i2: float | None = None
    chi2: float | None = None
    df: int | None = None
    p_heterogeneity: float | None = None
    tau2: float | None = None
    z: float | None = None
    p: float | None = None


@dataclass(frozen=True)
class Analysis:
    """One meta-analysis: comparison × outcome × time point, and how to pool it."""

    id: str
    comparison: str
    outcome: str
    timepoint: str | None = None
    measure: str = "RR"
    model: Model = "random"
    method: str | None = None
    studies: tuple[str, ...] = ()
    reported: PooledResult | None = None
    figure: str | None = None
    note: str | None = None


# --- certainty and Summary of Findings -----------------------------------------


@dataclass(frozen=True)
class DomainRating:
    """A GRADE domain: how serious the concern is, and the footnote explaining it."""

    level: DomainLevel = "not_serious"
    footnote: str | None = None


@dataclass(frozen=True)
class UpgradeRating:
    level: UpgradeLevel = "none"
    footnote: str | None = None


@dataclass(frozen=True)
class CertaintyAssessment:
    """GRADE for one outcome of one comparison: five reasons to rate down, three to
    rate up, and the certainty they lead to (as recorded; the grade stage checks it).

    The domains hold the reviewers' final judgements; the tool's suggestions and who
    changed what are in ``ReviewData.grade_log``.  ``analysis`` is the pooled analysis
    the assessment rates (none for a narrative synthesis); ``threshold`` is the
    smallest effect the reviewers consider important (a risk difference as a
    proportion for dichotomous outcomes, natural units or an SMD for continuous ones),
    against which imprecision is judged; empty means the null.
    """

    id: str
    comparison: str
    outcome: str
    certainty: Certainty
    timepoint: str | None = None
    analysis: str | None = None
    design: StudyDesign = "rct"
    threshold: float | None = None
    risk_of_bias: DomainRating = DomainRating()
    inconsistency: DomainRating = DomainRating()
    indirectness: DomainRating = DomainRating()
    imprecision: DomainRating = DomainRating()
    publication_bias: DomainRating = DomainRating()
    large_effect: UpgradeRating = UpgradeRating()
    dose_response: UpgradeRating = UpgradeRating()
    plausible_confounding: UpgradeRating = UpgradeRating()
    note: str | None = None


@dataclass(frozen=True)
class GradeJudgement:
    """One entry in the history of a certainty assessment: the tool's suggestion for a
    domain (with its reason) or a reviewer's judgement (with the footnote), in the
    order logged.  The assessment itself holds the current judgement."""

    assessment: str
    domain: GradeDomain
    level: str
    source: JudgementSource = "reviewer"
    reason: str | None = None
    author: str | None = None
    sequence: int = 0
    decided_at: str | None = None


@dataclass(frozen=True)
class SofRow:
    """One row of a Summary-of-Findings table: pooled (relative and absolute effects)
    or narrative (``narrative`` text instead of numbers).  The ``*_text`` fields keep
    the cell as printed; numbers are parsed beside them where the source has them.

    Absolute effects are computed from ``baseline_risks``: the assumed control risks
    (proportions) the reviewers give, by label (``""`` for an unlabelled row; GRADEpro
    allows several, e.g. low- and high-risk populations), shown per ``per`` people
    (100, 1000 or 100000).  Without them the control groups' risk is used.
    ``control_mean`` is the comparator's mean for a continuous outcome.
    """

    id: str
    outcome: str
    label: str
    certainty: Certainty
    timepoint: str | None = None
    label_en: str | None = None
    measure: str | None = None
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    per: int | None = None
    baseline_risks: dict[str, float] = field(default_factory=dict)
    control_mean: float | None = None
    relative_text: str | None = None
    risk_control_text: str | None = None
    risk_intervention_text: str | None = None
    difference_text: str | None = None
    narrative: str | None = None
    participants: int | None = None
    studies: int | None = None
    participants_text: str | None = None
    footnotes: tuple[int, ...] = ()
    assessment: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class SofTable:
    """A Summary-of-Findings table as GRADEpro lays it out."""

    id: str
    title: str
    comparison: str
    number: str | None = None
    setting: str | None = None
    population: str | None = None
    intervention: str | None = None
    control: str | None = None
    explanation: str | None = None
    footnotes: dict[int, str] = field(default_factory=dict)
    rows: tuple[SofRow, ...] = ()


@dataclass(frozen=True)
class TrendRow:
    """A row of a cross-study summary of effect directions (SWiM vote counting).

    ``directions`` maps an outcome domain to the cell as printed: ``+`` favours the
    intervention, ``=`` no difference, ``-`` favours the control, with any label.
    """

    study: str
    comparison_label: str
    directions: dict[str, str] = field(default_factory=dict)
    note: str | None = None


# --- PRISMA --------------------------------------------------------------------


@dataclass(frozen=True)
class PrismaCounts:
    """The PRISMA 2020 flow-diagram counts.

    ``basis`` says where the numbers come from: ``derived`` from logged records and
    decisions, or ``recorded`` as a review reports them when entered without its
    records.  ``None`` means the source does not say.
    """

    basis: Literal["derived", "recorded"] = "recorded"
    identified_databases: int | None = None
    identified_other: int | None = None
    duplicates_removed: int | None = None
    screened: int | None = None
    excluded_screening: int | None = None
    #: reports sought for retrieval (the records screening sent on) and those not
    #: retrieved (PRISMA 2020); ``None`` in recorded counts whose source does not say
    reports_sought: int | None = None
    reports_not_retrieved: int | None = None
    fulltext_assessed: int | None = None
    fulltext_excluded: int | None = None
    studies_included: int | None = None
    reports_included: int | None = None
    systematic_reviews_included: int | None = None
    fulltext_excluded_by_reason: dict[str, int] = field(default_factory=dict)


# --- the team (not part of the review's data) -----------------------------------

Role = Literal["lead", "reviewer"]


@dataclass(frozen=True)
class Account:
    """A member of the review team who signs in to the team server.

    ``lead`` may do everything a ``reviewer`` does and also settle conflicts (screening,
    risk of bias, AMSTAR 2), as the third person of a Cochrane review does.  Accounts
    live beside the review in its database and never go into a bundle: a bundle is the
    review, not who may change it, and it must not carry password hashes.
    """

    name: str
    role: Role
    #: ``scrypt$n$r$p$salt$hash`` (see :mod:`sysreview.accounts`)
    password_hash: str
    created_at: str


# --- the whole review ----------------------------------------------------------


@dataclass(frozen=True)
class ReviewData:
    """Everything a review holds, as one immutable value (what a bundle carries)."""

    review: ReviewInfo
    protocol: Protocol = Protocol()
    searches: tuple[Search, ...] = ()
    records: tuple[Record, ...] = ()
    decisions: tuple[Decision, ...] = ()
    fulltexts: tuple[FullText, ...] = ()
    duplicate_pairs: tuple[DuplicatePair, ...] = ()
    prisma: PrismaCounts | None = None
    studies: tuple[Study, ...] = ()
    reports: tuple[Report, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    systematic_reviews: tuple[SystematicReview, ...] = ()
    risk_of_bias: tuple[RobAssessment, ...] = ()
    review_appraisals: tuple[ReviewAppraisal, ...] = ()
    outcome_data: tuple[OutcomeData, ...] = ()
    extractions: tuple[Extraction, ...] = ()
    analyses: tuple[Analysis, ...] = ()
    certainty: tuple[CertaintyAssessment, ...] = ()
    grade_log: tuple[GradeJudgement, ...] = ()
    sof_tables: tuple[SofTable, ...] = ()
    trends: tuple[TrendRow, ...] = ()
    notes: tuple[Note, ...] = ()


def replace(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` re-exported so callers need not import dataclasses."""
    return dataclasses.replace(obj, **changes)


def citation(record: Record) -> str:
    """Vancouver style: ``Hansen A, Olsen B. Title. Journal 2012;4(2):10-20.``"""
    authors = ", ".join(record.authors[:6]) + (", et al" if len(record.authors) > 6 else "")
    where = record.journal or ""
    if record.year:
        where += f" {record.year}"
    if record.volume:
        where += f";{record.volume}" + (f"({record.issue})" if record.issue else "")
    if record.pages:
        where += f":{record.pages}"
    parts = [authors, (record.title or "").rstrip("."), where.strip()]
    text = ". ".join(p for p in parts if p) + "."
    return text + (f" doi:{record.doi}" if record.doi else "")


def free_id(base: str, taken: Collection[str], sep: str = "-") -> str:
    """A new object's id: ``base``, or ``base-2``, ``base-3`` … when taken."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{sep}{n}"
    return candidate


# --- cross-references ------------------------------------------------------------

#: Fields that hold the identifier of another object: (class, field) -> target class.
#: The bundle checks them on load (naming file and line); the store makes them
#: foreign keys.
REFERENCES: dict[tuple[type, str], type] = {
    (Record, "search"): Search,
    (Record, "duplicate_of"): Record,
    (Decision, "record"): Record,
    (FullText, "record"): Record,
    (DuplicatePair, "a"): Record,
    (DuplicatePair, "b"): Record,
    (Study, "comparisons"): Comparison,
    (Report, "study"): Study,
    (Report, "record"): Record,
    (RobAssessment, "study"): Study,
    (RobAssessment, "outcome"): Outcome,
    (ReviewAppraisal, "review"): SystematicReview,
    (OutcomeData, "study"): Study,
    (OutcomeData, "outcome"): Outcome,
    (OutcomeData, "comparison"): Comparison,
    (OutcomeData, "report"): Report,
    (Extraction, "study"): Study,
    (Extraction, "outcome"): Outcome,
    (Extraction, "comparison"): Comparison,
    (Extraction, "report"): Report,
    (Analysis, "comparison"): Comparison,
    (Analysis, "outcome"): Outcome,
    (Analysis, "studies"): Study,
    (CertaintyAssessment, "comparison"): Comparison,
    (CertaintyAssessment, "outcome"): Outcome,
    (CertaintyAssessment, "analysis"): Analysis,
    (GradeJudgement, "assessment"): CertaintyAssessment,
    (SofTable, "comparison"): Comparison,
    (SofRow, "outcome"): Outcome,
    (SofRow, "assessment"): CertaintyAssessment,
    (TrendRow, "study"): Study,
}
