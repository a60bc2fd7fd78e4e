"""Lexical and semantic evidence fused, with the mix learnt while screening.

Two models score every record after each decision:

- the lexical ensemble (:data:`~._rank.LEXICAL`: TF-IDF + linear SVM, the criteria
  as a pseudo-record, a title model averaged in for records without abstract);
- a logistic regression on sentence embeddings (all-MiniLM-L6-v2, see
  :mod:`sysreview.embed`), balanced as ELAS balances (ratio 9.8), with the criteria's
  embedding as a relevant pseudo-record of weight 0.5.

The ranking is z_lex + w · z_emb, both standardised over all records.  Which ``w``
works depends on the review (embeddings help most where relevant records share
meaning but not words), so ``w`` is chosen online from a grid by a discounted
Bernoulli bandit: after each decision, every candidate weight whose own top-``k``
unscreened records held the screened record is credited with its label, so each
candidate is judged on picks it would itself have made.  The choice is the highest
discounted posterior mean (hits + a) / (trials + a + b); ties go to the default
weight.  The prior is pessimistic (a = 0.2, b = 2.0): a weight must earn trust
before it replaces the default.  Greedy and seeded: a run repeats exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from ..errors import DataError
from ._features import Features
from ._rank import (
    LEXICAL,
    UNLABELLED,
    EnsembleConfig,
    EnsembleRanker,
    standardise,
    training_records,
)


@dataclass(frozen=True)
class EmbeddingConfig:
    """Logistic regression on the records' embeddings (scikit-learn, L-BFGS)."""

    C: float = 1.0
    ratio: float = 9.8
    criteria_weight: float = 0.5
    max_irrelevant: int | None = 2000
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "embedding-logistic", **asdict(self)}


@dataclass
class EmbeddingRanker:
    """Scores records by a balanced logistic regression on ``X.embedding``."""

    config: EmbeddingConfig = field(default_factory=EmbeddingConfig)
    model_: LogisticRegression | None = None

    def fit(self, X: Features, y: npt.ArrayLike) -> EmbeddingRanker:
        matrix = _embedding(X)
        rng = np.random.default_rng(self.config.seed)
        config = self.config
        index, labels, weights = training_records(
            y, matrix.shape[0], config.max_irrelevant, config.ratio, rng
        )
        rows = matrix[index]
        if self.config.criteria_weight > 0 and X.criteria_embedding is not None:
            rows = np.vstack([rows, X.criteria_embedding[None, :]])
            labels = np.concatenate([labels, [1]])
            weights = np.concatenate([weights, [self.config.criteria_weight]])
        model = LogisticRegression(C=self.config.C, max_iter=1000)
        self.model_ = model.fit(rows, labels, sample_weight=weights)
        return self

    def score(self, X: Features) -> npt.NDArray[np.float64]:
        if self.model_ is None:
            raise DataError("score() before fit()")
        return np.asarray(self.model_.decision_function(_embedding(X)), dtype=float)


def _embedding(X: Features) -> npt.NDArray[np.float64]:
    if X.embedding is None:
        raise DataError(
            "this screening model needs sentence embeddings of the records",
            hint="compute them with sysreview.embed (the CLI does this itself)",
        )
    return np.asarray(X.embedding, dtype=np.float64)


@dataclass(frozen=True)
class FusionConfig:
    """The lexical ensemble plus ``w`` × the embedding model, ``w`` from ``grid``
    chosen by the bandit (``grid`` of one value: a fixed weight)."""

    lexical: EnsembleConfig = LEXICAL
    embedding: EmbeddingConfig = field(default_factory=EmbeddingConfig)
    grid: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 2.0)
    default: float = 0.5
    top_k: int = 1
    discount: float = 0.98
    prior: tuple[float, float] = (0.2, 2.0)

    def __post_init__(self) -> None:
        if not self.grid or self.default not in self.grid:
            raise DataError("the fusion's default weight must be one of its grid")
        if not 0 < self.discount <= 1 or min(self.prior) <= 0 or self.top_k < 1:
            raise DataError("fusion: discount in (0, 1], positive prior, top_k ≥ 1")

    def seeded(self, seed: int) -> FusionConfig:
        lexical = replace(
            self.lexical, members=tuple(replace(m, seed=seed) for m in self.lexical.members)
        )
        return replace(self, lexical=lexical, embedding=replace(self.embedding, seed=seed))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "fusion",
            "lexical": self.lexical.to_dict(),
            "embedding": self.embedding.to_dict(),
            "grid": list(self.grid),
            "default": self.default,
            "top_k": self.top_k,
            "discount": self.discount,
            "prior": list(self.prior),
        }


@dataclass
class FusionRanker:
    """z_lex + w · z_emb with ``w`` learnt online (call :meth:`observe` after each
    decision on a record this ranker ranked)."""

    config: FusionConfig = field(default_factory=FusionConfig)
    hits_: npt.NDArray[np.float64] = field(init=False)
    trials_: npt.NDArray[np.float64] = field(init=False)
    _lex: npt.NDArray[np.float64] | None = None
    _emb: npt.NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        self.hits_ = np.zeros(len(self.config.grid))
        self.trials_ = np.zeros(len(self.config.grid))

    def fit(self, X: Features, y: npt.ArrayLike) -> FusionRanker:
        lexical = EnsembleRanker(self.config.lexical).fit(X, y)
        semantic = EmbeddingRanker(self.config.embedding).fit(X, y)
        self._lex = standardise(lexical.score(X))
        self._emb = standardise(semantic.score(X))
        return self

    @property
    def weight(self) -> float:
        """The weight the bandit chooses now."""
        a, b = self.config.prior
        mean = (self.hits_ + a) / (self.trials_ + a + b)
        grid = np.asarray(self.config.grid)
        best = grid[mean >= mean.max() - 1e-12]
        return float(best[np.argmin(np.abs(best - self.config.default))])

    def score(self, X: Features) -> npt.NDArray[np.float64]:
        if self._lex is None or self._emb is None:
            raise DataError("score() before fit()")
        return self._lex + self.weight * self._emb

    def first_for(self, record: int, y: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """For each weight of the grid: would its fused ranking have screened
        ``record`` next (among its top ``top_k`` unscreened records, ``y`` being the
        labels before it was decided)?"""
        if self._lex is None or self._emb is None:
            raise DataError("first_for() before fit()")
        known = np.asarray(y)
        unscreened = np.flatnonzero(known == UNLABELLED)
        where = int(np.searchsorted(unscreened, record))
        if where >= len(unscreened) or unscreened[where] != record:
            raise DataError(f"record {record} was not unscreened")
        grid = np.asarray(self.config.grid)[:, None]
        fused = self._lex[unscreened][None, :] + grid * self._emb[unscreened][None, :]
        ahead = np.sum(fused > fused[:, where : where + 1], axis=1)
        first: npt.NDArray[np.bool_] = ahead < self.config.top_k
        return first

    def credit(self, first: npt.ArrayLike, label: int) -> None:
        """One decision's evidence: every weight that would have screened the record
        next gets a trial, and a hit if it was relevant; older evidence is
        discounted."""
        picked = np.asarray(first, dtype=float)
        self.hits_ *= self.config.discount
        self.trials_ *= self.config.discount
        self.trials_ += picked
        self.hits_ += picked * float(label)

    def observe(self, record: int, label: int, y: npt.ArrayLike) -> None:
        """Credit the candidate weights with the decision on ``record`` (``label``
        1 or 0), made while ``y`` (the labels before it) held it unscreened."""
        self.credit(self.first_for(record, y), label)
