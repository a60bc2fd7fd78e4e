"""Prioritised screening in a review: the records still to screen, most likely
relevant first, from the decisions logged so far (active learning, as ASReview
does it, with the model the simulations measure).

Labels come from the review's own decisions at the stage: a record any reviewer
included (or marked maybe) is relevant, one only excluded is not — when in doubt,
include, as screeners are told to.  Until both kinds exist the eligibility
criteria rank the records on their own (cosine similarity of TF-IDF vectors with
the criteria as a pseudo-document); with no criteria either, import order stands.
"""

from __future__ import annotations

import numpy as np

from ..model import ReviewData, Stage
from ._features import featurize
from ._rank import UNLABELLED, EnsembleRanker
from ._simulate import DEFAULT_MODEL, _seeded, model_config
from ._workflow import _log, candidates


def criteria_text(data: ReviewData) -> str:
    """The protocol's PICO and inclusion criteria as one text."""
    p = data.protocol
    parts = [p.population, p.intervention, p.comparator, p.outcome]
    parts += [c.text for c in p.criteria if c.kind == "inclusion"]
    return "\n".join(x for x in parts if x)


def ranked(
    data: ReviewData, stage: Stage, *, model: str = DEFAULT_MODEL, seed: int = 0
) -> list[str] | None:
    """The stage's records in screening order (decided ones included, in place),
    or None when nothing can rank them (fewer than two records, no decisions of
    both kinds and no criteria)."""
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
    if (labels == 1).any() and (labels == 0).any():
        ranker = EnsembleRanker(_seeded(config.ranker, seed)).fit(features, labels)
        scores = ranker.score(features)
    elif features.criteria is not None:
        matrix = features.view("text")
        scores = np.asarray((matrix @ features.criteria.T).todense()).ravel()
    else:
        return None
    order = np.argsort(-scores, kind="stable")
    return [ids[i] for i in order]
