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

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import DataError
from ..model import ReviewData, Stage
from ._dataset import record_text
from ._features import criteria_without_notes, featurize
from ._rank import UNLABELLED
from ._simulate import DEFAULT_MODEL, model_config, with_embeddings
from ._workflow import _log, candidates


def criteria_text(data: ReviewData) -> str:
    """The protocol's PICO and inclusion criteria as one text."""
    p = data.protocol
    parts = [p.population, p.intervention, p.comparator, p.outcome]
    parts += [c.text for c in p.criteria if c.kind == "inclusion"]
    return "\n".join(x for x in parts if x)


def ranked(
    data: ReviewData,
    stage: Stage,
    *,
    model: str = DEFAULT_MODEL,
    seed: int = 0,
    embeddings: Callable[[list[str]], npt.NDArray[np.floating[Any]]] | None = None,
) -> list[str] | None:
    """The stage's records in screening order (decided ones included, in place),
    or None when nothing can rank them (fewer than two records, no decisions of
    both kinds and no criteria).

    ``embeddings`` maps texts (title and abstract, as :func:`record_text` joins
    them) to their vectors; the models that fuse embeddings need it.  In a review
    they rank with their default weight: the weight the simulation learns while
    screening needs each decision's ranking at the time, which is not kept.
    """
    ids = candidates(data, stage)
    if len(ids) < 2:
        return None
    by_id = {r.id: r for r in data.records}
    titles = [by_id[i].title or "" for i in ids]
    abstracts = [by_id[i].abstract or "" for i in ids]
    log = _log(data, stage)
    labels = np.full(len(ids), UNLABELLED, dtype=np.int64)
    for n, record in enumerate(ids):
        verdicts = {d.verdict for d in log.get(record, ())}
        if verdicts:
            labels[n] = int(bool(verdicts & {"include", "maybe"}))
    criteria = criteria_text(data)
    config = model_config(model)
    features = featurize(titles, abstracts, config.features, criteria or None)
    if config.needs_embeddings:
        if embeddings is None:
            raise DataError(f"screening model {model!r} needs the records' embeddings")
        kept = criteria_without_notes(criteria)
        texts = [record_text(t, a) for t, a in zip(titles, abstracts, strict=True)]
        vectors = embeddings([*texts, kept] if kept.strip() else texts)
        crit = vectors[-1] if kept.strip() else None
        features = with_embeddings(features, config, vectors[: len(texts)], crit)
    if (labels == 1).any() and (labels == 0).any():
        scores = config.make_ranker(seed).fit(features, labels).score(features)
    elif features.criteria_embedding is not None and features.embedding is not None:
        scores = features.embedding @ features.criteria_embedding  # cosine: unit vectors
    elif features.criteria is not None:
        matrix = features.view("text")
        scores = np.asarray((matrix @ features.criteria.T).todense()).ravel()
    else:
        return None
    order = np.argsort(-scores, kind="stable")
    return [ids[i] for i in order]
