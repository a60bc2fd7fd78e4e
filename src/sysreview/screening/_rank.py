"""Rankers: models that score unscreened records by how likely they are relevant.

scikit-learn style: ``fit(X, y)`` on a :class:`~._features.Features` of *all* records
with ``y`` holding 1 (relevant), 0 (irrelevant) or -1 (not screened yet), then
``score(X)`` for every record (higher = screen sooner).  Parameters live in frozen
dataclass configs; each fit creates one ``numpy.random.Generator`` from the config's
seed and passes it down, so a seeded run repeats exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from ..errors import DataError
from ._features import Features

UNLABELLED = -1


class Ranker(Protocol):
    """What the simulation and a screening session need from a model."""

    def fit(self, X: Features, y: npt.ArrayLike) -> Ranker: ...

    def score(self, X: Features) -> npt.NDArray[np.float64]: ...


def balanced_weights(y: npt.NDArray[np.int64], ratio: float) -> npt.NDArray[np.float64]:
    """Sample weights that let the relevant records outweigh the irrelevant ones.

    Parameters
    ----------
    y : (m,) array of 0/1
    ratio : float
        How many times the irrelevant class's total weight the relevant class gets.

    Returns
    -------
    (m,) array
        Weights summing to ``m``.

    Notes
    -----
    w₁ = 1 and w₀ = n₁ / (ratio · n₀) before scaling to sum ``m`` — the same as
    oversampling the relevant records until they weigh ``ratio`` times the
    irrelevant ones.  This is ASReview's "balanced" sampler (ELAS u4: ratio 9.8),
    the successor of its "double" balancing.
    """
    n1 = int(np.sum(y == 1))
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        raise DataError("fitting needs at least one relevant and one irrelevant record")
    weights: npt.NDArray[np.float64] = np.where(y == 1, 1.0, n1 / (ratio * n0))
    scaled: npt.NDArray[np.float64] = weights * (len(y) / float(weights.sum()))
    return scaled


def _labelled(y: npt.ArrayLike, n: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    labels = np.asarray(y, dtype=np.int64)
    if labels.shape != (n,):
        raise DataError(f"expected {n} labels (1, 0, or -1 for unscreened), got {labels.shape}")
    if np.any((labels != 1) & (labels != 0) & (labels != UNLABELLED)):
        raise DataError("labels must be 1 (relevant), 0 (irrelevant) or -1 (unscreened)")
    index = np.flatnonzero(labels != UNLABELLED)
    return index, labels[index]


def _cap_irrelevant(
    index: npt.NDArray[np.int64],
    labels: npt.NDArray[np.int64],
    cap: int | None,
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    irrelevant = np.flatnonzero(labels == 0)
    if cap is None or len(irrelevant) <= cap:
        return index, labels
    dropped = rng.choice(irrelevant, size=len(irrelevant) - cap, replace=False)
    keep = np.ones(len(index), dtype=bool)
    keep[dropped] = False
    return index[keep], labels[keep]


def training_records(
    y: npt.ArrayLike, n: int, cap: int | None, ratio: float, rng: np.random.Generator
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The screened records a fit learns from (irrelevant ones capped at ``cap``,
    drawn with ``rng``), their labels, and balanced weights (see
    :func:`balanced_weights`)."""
    index, labels = _labelled(y, n)
    index, labels = _cap_irrelevant(index, labels, cap, rng)
    return index, labels, balanced_weights(labels, ratio)


@dataclass(frozen=True)
class SVMConfig:
    """A linear SVM on one feature view; the defaults are ASReview ELAS u4's.

    ``criteria_weight`` > 0 adds the eligibility criteria pseudo-document (when the
    features have one) as a relevant training record of that weight.
    ``presumed_irrelevant`` > 0 adds that many unscreened records, drawn at random,
    as irrelevant ones of weight ``presumed_weight`` (Cormack & Grossman's BMI).
    ``max_irrelevant`` caps the irrelevant records a fit uses (a random subset, drawn
    afresh each fit), which keeps an update under a second however many records have
    been screened; balancing gives the subset the same total weight.
    """

    view: Literal["text", "title"] = "text"
    C: float = 0.11
    loss: Literal["squared_hinge", "hinge"] = "squared_hinge"
    ratio: float = 9.8
    criteria_weight: float = 0.0
    presumed_irrelevant: int = 0
    presumed_weight: float = 0.1
    max_irrelevant: int | None = 2000
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "svm", **asdict(self)}


@dataclass
class SVMRanker:
    """Linear SVM (scikit-learn ``LinearSVC``, liblinear) with balanced weights."""

    config: SVMConfig = field(default_factory=SVMConfig)
    model_: LinearSVC | None = None

    def fit(self, X: Features, y: npt.ArrayLike) -> SVMRanker:
        rng = np.random.default_rng(self.config.seed)
        matrix, labels, weights = self._training_set(X, y, rng)
        model = LinearSVC(
            C=self.config.C,
            loss=self.config.loss,
            dual="auto",
            max_iter=5000,
            random_state=int(rng.integers(2**31 - 1)),
        )
        self.model_ = model.fit(matrix, labels, sample_weight=weights)
        return self

    def score(self, X: Features) -> npt.NDArray[np.float64]:
        if self.model_ is None:
            raise DataError("score() before fit()")
        return np.asarray(self.model_.decision_function(X.view(self.config.view)), dtype=float)

    def _training_set(
        self, X: Features, y: npt.ArrayLike, rng: np.random.Generator
    ) -> tuple[sp.csr_matrix, npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        config = self.config
        view = X.view(config.view)
        index, labels, weights = training_records(
            y, view.shape[0], config.max_irrelevant, config.ratio, rng
        )
        blocks, extra_labels, extra_weights = [view[index]], [labels], [weights]
        if config.criteria_weight > 0 and X.criteria is not None and config.view == "text":
            blocks.append(X.criteria)
            extra_labels.append(np.ones(1, dtype=np.int64))
            extra_weights.append(np.full(1, config.criteria_weight))
        if config.presumed_irrelevant > 0:
            unscreened = np.setdiff1d(np.arange(view.shape[0]), index)
            size = min(config.presumed_irrelevant, len(unscreened))
            drawn = rng.choice(unscreened, size=size, replace=False)
            blocks.append(view[drawn])
            extra_labels.append(np.zeros(size, dtype=np.int64))
            extra_weights.append(np.full(size, config.presumed_weight))
        return (
            sp.csr_matrix(sp.vstack(blocks)),
            np.concatenate(extra_labels),
            np.concatenate(extra_weights),
        )


def standardise(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """(s − mean) / sd over all records, so members on different scales can be added;
    a constant score becomes 0."""
    sd = float(scores.std())
    return (scores - scores.mean()) / sd if sd > 0 else np.zeros_like(scores)


@dataclass(frozen=True)
class EnsembleConfig:
    """A weighted sum of standardised member scores (``weights`` aligned with
    ``members``).

    ``abstractless``, when given, is a member (a title model) that scores records
    without an abstract, which a title-and-abstract model ranks last whatever their
    title says: their score is ``abstractless_share`` × its standardised score plus
    the rest × the sum's (1: the title model's alone).
    """

    members: tuple[SVMConfig, ...] = (SVMConfig(),)
    weights: tuple[float, ...] = (1.0,)
    abstractless: SVMConfig | None = None
    abstractless_share: float = 1.0

    def __post_init__(self) -> None:
        if len(self.members) != len(self.weights) or not any(self.weights):
            raise DataError("an ensemble needs one weight per member, and a non-zero one")
        if not 0 < self.abstractless_share <= 1:
            raise DataError("abstractless_share must be in (0, 1]")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "ensemble",
            "members": [m.to_dict() for m in self.members],
            "weights": list(self.weights),
            "abstractless": None if self.abstractless is None else self.abstractless.to_dict(),
            "abstractless_share": self.abstractless_share,
        }


#: sysreview's lexical model: ELAS u4's SVM with the eligibility criteria as a relevant
#: pseudo-record, and for records without abstract a title-only SVM averaged with it
#: (the title model alone lifted abstract-less irrelevant records: 2.9 WSS@95 points
#: lost on two extra sets; see bench/experiments/wss/session12)
LEXICAL = EnsembleConfig(
    (SVMConfig(criteria_weight=0.5),),
    (1.0,),
    abstractless=SVMConfig(view="title"),
    abstractless_share=0.5,
)


@dataclass
class EnsembleRanker:
    """Σ_m w_m · z_m, with z_m member m's scores standardised over all records (a
    single member's scores are used as they are); records without an abstract get
    the standardised score of ``abstractless`` mixed in, when configured."""

    config: EnsembleConfig = field(default_factory=EnsembleConfig)
    members_: list[tuple[float, SVMRanker]] = field(default_factory=list)
    abstractless_: SVMRanker | None = None

    def fit(self, X: Features, y: npt.ArrayLike) -> EnsembleRanker:
        self.members_ = [
            (weight, SVMRanker(member).fit(X, y))
            for member, weight in zip(self.config.members, self.config.weights, strict=True)
            if weight != 0
        ]
        extra = self.config.abstractless
        needed = extra is not None and not bool(np.all(X.has_abstract))
        self.abstractless_ = SVMRanker(extra).fit(X, y) if extra and needed else None
        return self

    def score(self, X: Features) -> npt.NDArray[np.float64]:
        if not self.members_:
            raise DataError("score() before fit()")
        if len(self.members_) == 1 and self.abstractless_ is None:
            return self.members_[0][1].score(X)
        combined = standardise(
            np.sum([w * standardise(m.score(X)) for w, m in self.members_], axis=0)
        )
        if self.abstractless_ is not None:
            missing = ~X.has_abstract
            title = standardise(self.abstractless_.score(X))[missing]
            share = self.config.abstractless_share
            combined[missing] = share * title + (1 - share) * combined[missing]
        return combined
