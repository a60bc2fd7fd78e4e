"""Simulated screening: replay a labelled set through active learning.

Protocol (shared/data/screening/README.md): prior knowledge is one relevant and one
irrelevant record drawn with ``numpy.random.default_rng(seed)``; the model is
retrained on every decision (or after a growing batch, see
:attr:`ModelConfig.batch_fraction`) and the highest-scoring unscreened record is
screened next.  The metrics leave the priors out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import DataError
from ._dataset import LabelledRecords
from ._features import FeatureConfig, Features, featurize
from ._fusion import FusionConfig, FusionRanker
from ._metrics import ScreeningMetrics, mean_metrics, screening_metrics
from ._rank import LEXICAL, UNLABELLED, EnsembleConfig, EnsembleRanker, SVMConfig
from ._stopping import DEFAULT_RULES, StoppingRule, StopPoint, with_recall

SEEDS = (0, 1, 2)


@dataclass(frozen=True)
class ModelConfig:
    """A named, serialisable recipe: features, ranker and retraining schedule.

    ``batch_fraction`` = 0 retrains after every decision; otherwise after
    max(1, ⌊fraction · screened⌋) decisions.
    """

    name: str
    description: str
    features: FeatureConfig
    ranker: EnsembleConfig | FusionConfig
    batch_fraction: float = 0.0

    @property
    def needs_embeddings(self) -> bool:
        return isinstance(self.ranker, FusionConfig)

    def make_ranker(self, seed: int) -> EnsembleRanker | FusionRanker:
        """A fresh ranker with every random choice seeded by ``seed``."""
        if isinstance(self.ranker, FusionConfig):
            return FusionRanker(self.ranker.seeded(seed))
        return EnsembleRanker(_seeded(self.ranker, seed))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "features": self.features.to_dict(),
            "ranker": self.ranker.to_dict(),
            "batch_fraction": self.batch_fraction,
        }


MODELS: dict[str, ModelConfig] = {
    "elas_u4": ModelConfig(
        name="elas_u4",
        description="ASReview ELAS u4: TF-IDF 1-2-grams + linear SVM, balanced 9.8",
        features=FeatureConfig(),
        ranker=EnsembleConfig((SVMConfig(),), (1.0,)),
    ),
    "sysreview": ModelConfig(
        name="sysreview",
        description="ELAS u4's SVM with the eligibility criteria as a relevant "
        "pseudo-record (weight 0.5), averaged with a title-only SVM for records without "
        "abstract",
        features=FeatureConfig(),
        ranker=LEXICAL,
    ),
    "sysreview-minilm": ModelConfig(
        name="sysreview-minilm",
        description="the sysreview SVMs fused with a logistic regression on "
        "all-MiniLM-L6-v2 sentence embeddings; the embeddings' weight (0 to 2) learnt "
        "while screening by a discounted bandit",
        features=FeatureConfig(),
        ranker=FusionConfig(),
    ),
}
DEFAULT_MODEL = "sysreview"


def model_config(name: str) -> ModelConfig:
    """The recipe called ``name`` (see :data:`MODELS`)."""
    try:
        return MODELS[name]
    except KeyError:
        raise DataError(
            f"no screening model {name!r}", hint=f"choose one of: {', '.join(MODELS)}"
        ) from None


def prior_knowledge(labels: npt.ArrayLike, seed: int) -> tuple[int, int]:
    """One relevant and one irrelevant record, drawn with ``default_rng(seed)``
    (relevant first), as the evaluation protocol prescribes."""
    y = np.asarray(labels)
    rng = np.random.default_rng(seed)
    relevant = int(rng.choice(np.flatnonzero(y == 1)))
    irrelevant = int(rng.choice(np.flatnonzero(y == 0)))
    return relevant, irrelevant


def screening_order(
    features: Features,
    labels: npt.ArrayLike,
    prior: Sequence[int],
    model: ModelConfig,
    seed: int,
) -> tuple[list[int], int]:
    """The order active learning screens the records in, and how many fits it made.

    Once every relevant record has been found the remaining records are appended in
    the last model's order without refitting: from there on every decision is
    "irrelevant", so neither the metrics nor the stopping rules can tell.
    """
    y = np.asarray(labels, dtype=np.int64)
    ranker = model.make_ranker(seed)
    known = np.full(len(y), UNLABELLED, dtype=np.int64)
    order = list(prior)
    known[order] = y[order]
    missing, fits = int(y.sum() - y[order].sum()), 0
    while len(order) < len(y):
        scores = ranker.fit(features, known).score(features)
        fits += 1
        unscreened = np.flatnonzero(known == UNLABELLED)
        ranked = unscreened[np.argsort(-scores[unscreened], kind="stable")]
        if missing == 0:
            order.extend(ranked.tolist())
            break
        batch = ranked[: max(1, int(model.batch_fraction * len(order)))]
        if isinstance(ranker, FusionRanker):
            for record in batch:
                ranker.observe(int(record), int(y[record]), known)
        order.extend(batch.tolist())
        known[batch] = y[batch]
        missing -= int(y[batch].sum())
    return order, fits


def _seeded(config: EnsembleConfig, seed: int) -> EnsembleConfig:
    return replace(config, members=tuple(replace(m, seed=seed) for m in config.members))


@dataclass(frozen=True)
class SimulationRun:
    """One seed's run: priors, screening order, metrics, stopping points, cost."""

    seed: int
    prior: tuple[int, int]
    order: tuple[int, ...]
    metrics: ScreeningMetrics
    stops: tuple[StopPoint, ...]
    fits: int
    cpu_seconds: float

    def to_dict(self, include_order: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seed": self.seed,
            "prior": list(self.prior),
            "metrics": self.metrics.to_dict(),
            "stops": [s.to_dict() for s in self.stops],
            "fits": self.fits,
            "cpu_seconds": self.cpu_seconds,
        }
        if include_order:
            out["order"] = list(self.order)
        return out


@dataclass(frozen=True)
class SimulationResult:
    """Runs of one model on one labelled set, one per seed."""

    path: str
    label_column: str
    records: int
    relevant: int
    model: ModelConfig
    runs: tuple[SimulationRun, ...]

    def mean(self) -> dict[str, float]:
        """Each metric's mean over the runs."""
        return mean_metrics([r.metrics for r in self.runs])

    def to_dict(self, include_order: bool = False) -> dict[str, Any]:
        return {
            "path": self.path,
            "label": self.label_column,
            "records": self.records,
            "relevant": self.relevant,
            "model": self.model.to_dict(),
            "runs": [r.to_dict(include_order) for r in self.runs],
            "mean": self.mean(),
        }

    def summary(self) -> str:
        mean = self.mean()
        return (
            f"WSS@95 {mean['wss95']:.1f}, recall@10% {mean['recall_10']:.2f} "
            f"(mean of {len(self.runs)} seeds, model {self.model.name})"
        )


def simulate(
    records: LabelledRecords,
    model: str | ModelConfig = DEFAULT_MODEL,
    seeds: Sequence[int] = SEEDS,
    rules: Sequence[StoppingRule] = DEFAULT_RULES,
    criteria: str | None = None,
    embeddings: npt.ArrayLike | None = None,
    criteria_embedding: npt.ArrayLike | None = None,
) -> SimulationResult:
    """Simulate prioritised screening of ``records`` once per seed.

    Parameters
    ----------
    records : LabelledRecords
        From :func:`read_labelled`.
    model : str or ModelConfig
        A name from :data:`MODELS` or a recipe.
    seeds : sequence of int
        One run per seed; the seed draws the priors and seeds the ranker.
    rules : sequence of StoppingRule
        Each is applied to every run's decisions, and its achieved recall reported.
    criteria : str, optional
        Eligibility criteria text, for models that use it as a pseudo-record.
    embeddings : (n, d) array, optional
        Sentence embeddings of the records' title and abstract (``records.texts``),
        for models that need them (``sysreview-minilm``); see :mod:`sysreview.embed`.
    criteria_embedding : (d,) array, optional
        The criteria's embedding, for the same models.

    Raises
    ------
    InsufficientData
        Fewer than 2 relevant records or no irrelevant one.
    DataError
        The model needs embeddings and none (or the wrong number) were given.
    """
    config = model_config(model) if isinstance(model, str) else model
    records.require_simulable()
    if not seeds:
        raise DataError("at least one seed is needed")
    features = featurize(records.titles, records.abstracts, config.features, criteria)
    features = with_embeddings(features, config, embeddings, criteria_embedding)
    runs = tuple(_run(features, records.labels, config, int(seed), rules) for seed in seeds)
    return SimulationResult(
        path=records.path,
        label_column=records.label_column,
        records=len(records),
        relevant=int(records.labels.sum()),
        model=config,
        runs=runs,
    )


def with_embeddings(
    features: Features,
    model: ModelConfig,
    embeddings: npt.ArrayLike | None,
    criteria_embedding: npt.ArrayLike | None = None,
) -> Features:
    """``features`` with the embeddings the model needs (checked), else as they are."""
    if not model.needs_embeddings:
        return features
    if embeddings is None:
        raise DataError(
            f"screening model {model.name!r} needs sentence embeddings of the records",
            hint="compute them with sysreview.embed (the CLI does this itself)",
        )
    matrix = np.asarray(embeddings, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != len(features):
        raise DataError(
            f"expected embeddings for {len(features)} records, got an array of shape {matrix.shape}"
        )
    crit = None if criteria_embedding is None else np.asarray(criteria_embedding, dtype=np.float64)
    if crit is not None and crit.shape != (matrix.shape[1],):
        raise DataError(f"criteria embedding of shape {crit.shape}, expected ({matrix.shape[1]},)")
    return replace(features, embedding=matrix, criteria_embedding=crit)


def _run(
    features: Features,
    labels: npt.NDArray[np.int64],
    model: ModelConfig,
    seed: int,
    rules: Sequence[StoppingRule],
) -> SimulationRun:
    start = time.process_time()
    prior = prior_knowledge(labels, seed)
    order, fits = screening_order(features, labels, prior, model, seed)
    cpu = time.process_time() - start
    metrics = screening_metrics(order, labels, prior)
    decisions = labels[np.asarray(order)]
    stops = tuple(_achieved(rule.evaluate(decisions, len(labels)), labels) for rule in rules)
    return SimulationRun(seed, prior, tuple(order), metrics, stops, fits, cpu)


def _achieved(point: StopPoint, labels: npt.NDArray[np.int64]) -> StopPoint:
    """Recall at the stop, without the relevant prior (R' = R − 1) as the metrics do."""
    relevant = int(labels.sum()) - 1
    return with_recall(point, (point.found - 1) / relevant)
