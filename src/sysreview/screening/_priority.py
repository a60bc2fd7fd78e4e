"""Prioritised screening in a review: the records still to screen, most likely
relevant first, from the decisions logged so far (active learning, as ASReview
does it, with the model the simulations measure).

Labels come from the review's own decisions at the stage: a record any reviewer
included (or marked maybe) is relevant, one only excluded is not — when in doubt,
include, as screeners are told to.  Until both kinds exist the eligibility
criteria rank the records on their own (cosine similarity with the criteria: of
sentence embeddings for the models that use them, else of TF-IDF vectors with the
criteria as a pseudo-document); with no criteria either, import order stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import DataError
from ..model import Decision, ReviewData, Stage
from ._dataset import record_text
from ._features import FeatureConfig, Features, criteria_without_notes, featurize
from ._fusion import FusionConfig, FusionRanker
from ._rank import UNLABELLED
from ._simulate import DEFAULT_MODEL, ModelConfig, model_config, with_embeddings
from ._stopping import DEFAULT_RULES, StoppingRule, StopPoint, recall_lower_bound
from ._workflow import _log, candidates, positions


def criteria_text(data: ReviewData) -> str:
    """The protocol's PICO and inclusion criteria as one text."""
    p = data.protocol
    parts = [p.population, p.intervention, p.comparator, p.outcome]
    parts += [c.text for c in p.criteria if c.kind == "inclusion"]
    return "\n".join(x for x in parts if x)


Embeddings = Callable[[list[str]], npt.NDArray[np.floating[Any]]]
"""Texts (title and abstract, as :func:`record_text` joins them) → their vectors."""


@dataclass(frozen=True)
class _Stage:
    """A stage's candidates as a model sees them: features and labels so far."""

    ids: list[str]
    features: Features
    labels: npt.NDArray[np.int64]
    config: ModelConfig

    @property
    def fuses(self) -> bool:
        return isinstance(self.config.ranker, FusionConfig)


def _prepare(
    data: ReviewData, stage: Stage, model: str, embeddings: Embeddings | None
) -> _Stage | None:
    ids = candidates(data, stage)
    if len(ids) < 2:
        return None
    by_id = {r.id: r for r in data.records}
    titles = [by_id[i].title or "" for i in ids]
    abstracts = [by_id[i].abstract or "" for i in ids]
    log = _log(data, stage)
    labels = np.full(len(ids), UNLABELLED, dtype=np.int64)
    for n, record in enumerate(ids):
        if log.get(record):
            labels[n] = _relevant(log[record])
    criteria = criteria_text(data)
    config = model_config(model)
    features = _featurized(tuple(titles), tuple(abstracts), config.features, criteria or None)
    if config.needs_embeddings:
        if embeddings is None:
            raise DataError(f"screening model {model!r} needs the records' embeddings")
        kept = criteria_without_notes(criteria)
        texts = [record_text(t, a) for t, a in zip(titles, abstracts, strict=True)]
        vectors = embeddings([*texts, kept] if kept.strip() else texts)
        crit = vectors[-1] if kept.strip() else None
        features = with_embeddings(features, config, vectors[: len(texts)], crit)
    return _Stage(ids, features, labels, config)


@lru_cache(maxsize=4)
def _featurized(
    titles: tuple[str, ...],
    abstracts: tuple[str, ...],
    config: FeatureConfig,
    criteria: str | None,
) -> Features:
    """:func:`featurize`, remembered for the last few sets of texts: the texts do not
    change between decisions, so a long-running process (the web app) builds the
    TF-IDF vocabulary once, not on every request (about 1 s at 2,000 records)."""
    return featurize(list(titles), list(abstracts), config, criteria)


def _relevant(decisions: Iterable[Decision]) -> int:
    """1 when any reviewer included the record or marked it maybe, else 0."""
    return int(any(d.verdict in ("include", "maybe") for d in decisions))


def _learnable(labels: npt.NDArray[np.int64]) -> bool:
    return bool((labels == 1).any() and (labels == 0).any())


def ranked(
    data: ReviewData,
    stage: Stage,
    *,
    model: str = DEFAULT_MODEL,
    seed: int = 0,
    embeddings: Embeddings | None = None,
) -> list[str] | None:
    """The stage's records in screening order (decided ones included, in place),
    or None when nothing can rank them (fewer than two records, no decisions of
    both kinds and no criteria).

    ``embeddings`` is needed by the models that fuse embeddings.  Their weight is
    learnt from the decisions' ``ranked_first_by`` (see :func:`ranked_first_by`),
    replayed in the order they were logged, so a review's ranking follows the same
    rule as the simulation's.
    """
    stage_data = _prepare(data, stage, model, embeddings)
    if stage_data is None:
        return None
    features, labels, config = stage_data.features, stage_data.labels, stage_data.config
    if _learnable(labels):
        ranker = replay(data, stage, model, seed) if stage_data.fuses else config.make_ranker(seed)
        scores = ranker.fit(features, labels).score(features)
    elif features.criteria_embedding is not None and features.embedding is not None:
        scores = features.embedding @ features.criteria_embedding  # cosine: unit vectors
    elif features.criteria is not None:
        matrix = features.view("text")
        scores = np.asarray((matrix @ features.criteria.T).todense()).ravel()
    else:
        return None
    order = np.argsort(-scores, kind="stable")
    return [stage_data.ids[i] for i in order]


def ranked_first_by(
    data: ReviewData,
    stage: Stage,
    record: str,
    *,
    model: str,
    seed: int = 0,
    embeddings: Embeddings | None = None,
) -> tuple[float, ...] | None:
    """The embedding weights under which ``model`` would screen ``record`` next,
    from the decisions so far (an empty tuple: none would), or None when the
    record has been decided at ``stage`` already, is not waiting there, or the
    model cannot rank yet (no decisions of both kinds) or fuses nothing."""
    config = model_config(model)
    if not isinstance(config.ranker, FusionConfig):
        return None
    stage_data = _prepare(data, stage, model, embeddings)
    if stage_data is None or record not in stage_data.ids:
        return None
    index = stage_data.ids.index(record)
    labels = stage_data.labels
    if labels[index] != UNLABELLED or not _learnable(labels):
        return None
    ranker = FusionRanker(config.ranker.seeded(seed)).fit(stage_data.features, labels)
    first = ranker.first_for(index, labels)
    return tuple(w for w, hit in zip(config.ranker.grid, first, strict=True) if hit)


def replay(data: ReviewData, stage: Stage, model: str, seed: int = 0) -> FusionRanker:
    """An unfitted ranker for ``model`` whose weights have been credited with every
    decision that ``model`` ranked (the first decision per record, in the order
    logged); ``.weight`` is the weight it ranks with now."""
    config = model_config(model)
    if not isinstance(config.ranker, FusionConfig):
        raise DataError(f"screening model {model!r} learns no weight")
    ranker = FusionRanker(config.ranker.seeded(seed))
    log = _log(data, stage)
    for decision in sorted((first for first, *_ in log.values()), key=lambda d: d.sequence):
        if decision.ranking != model:
            continue
        label = _relevant(log[decision.record])
        ranker.credit([w in decision.ranked_first_by for w in config.ranker.grid], label)
    return ranker


@dataclass(frozen=True)
class StoppingStatus:
    """Whether screening at a stage may stop: the decisions so far, read in the order
    the records were first decided, against each stopping rule.

    ``estimated_recall`` is the recall a hypergeometric test (buscar) supports at 95 %
    confidence now; each of ``rules`` says whether it has fired and where.  A record
    counts as relevant when its standing verdict is include or maybe, or, while it
    waits for a second decision or a resolution, when anyone included it.
    """

    stage: Stage
    candidates: int
    screened: int
    found: int
    estimated_recall: float
    rules: tuple[StopPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "candidates": self.candidates,
            "screened": self.screened,
            "found": self.found,
            "estimated_recall": self.estimated_recall,
            "rules": [r.to_dict() for r in self.rules],
        }


def stopping_status(
    data: ReviewData, stage: Stage, rules: Iterable[StoppingRule] = DEFAULT_RULES
) -> StoppingStatus:
    """Where ``stage`` stands against the stopping rules (see :class:`StoppingStatus`)."""
    log = _log(data, stage)
    standing = {p.record: p.verdict for p in positions(data, stage)}
    screened = sorted(
        (r for r in standing if log.get(r)), key=lambda r: min(d.sequence for d in log[r])
    )
    labels = np.array(
        [
            _relevant(log[r]) if standing[r] is None else int(standing[r] != "exclude")
            for r in screened
        ],
        dtype=np.int64,
    )
    n = len(standing)
    return StoppingStatus(
        stage=stage,
        candidates=n,
        screened=len(screened),
        found=int(labels.sum()),
        estimated_recall=recall_lower_bound(labels, n) if n else 1.0,
        rules=tuple(rule.evaluate(labels, n) for rule in rules) if n else (),
    )
