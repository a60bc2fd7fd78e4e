"""Session 19 variants (issue 5): the semantic evidence as nearest neighbours instead
of one logistic-regression direction.

A relevant record that is lexically odd but close in meaning to *some* relevant record
already found (a harms report among efficacy trials, a second sub-topic) is promoted
by its nearest relevant neighbour, where a single learnt direction demotes it.  The
score is the mean cosine similarity to the m nearest relevant records (criteria
included as one) minus that to the m nearest irrelevant ones.  Fused with the lexical
model as the product does (z_lex + w · z_sem, w by the product bandit or fixed).
Lab code: patches ModelConfig.make_ranker for the names defined here."""
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "session14"))
import variants14 as v14  # noqa: E402
import variants13 as v13  # noqa: E402
from sysreview.screening._fusion import EmbeddingRanker, FusionRanker  # noqa: E402
from sysreview.screening._rank import EnsembleRanker, standardise  # noqa: E402

V = v13.V
BASE = v13.BASE


class KnnFusion(FusionRanker):
    m = 3
    use_irrelevant = True
    mix_lr = 0.0  # share of the logistic regression in the semantic score

    def _start(self, X):
        E = np.asarray(X.embedding, dtype=np.float64)
        E = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
        self._E = E
        n, m = len(E), self.m
        self._top = {1: np.full((n, m), -np.inf), 0: np.full((n, m), -np.inf)}
        if X.criteria_embedding is not None:
            crit = np.asarray(X.criteria_embedding, dtype=np.float64)
            self._add(1, E @ (crit / max(np.linalg.norm(crit), 1e-12)))
        self._prev = np.full(n, -1)
        self._key = id(X)

    def _add(self, label, column):
        top = np.hstack([self._top[label], column[:, None]])
        top.sort(axis=1)
        self._top[label] = top[:, 1:]

    def _mean(self, label):
        top = self._top[label]
        finite = np.isfinite(top)
        count = finite.sum(axis=1)
        total = np.where(finite, top, 0.0).sum(axis=1)
        return np.where(count > 0, total / np.maximum(count, 1), 0.0)

    def fit(self, X, y):
        known = np.asarray(y)
        if getattr(self, "_key", None) != id(X):
            self._start(X)
        for j in np.flatnonzero((known != self._prev) & (known >= 0)):
            self._add(int(known[j]), self._E @ self._E[j])
        self._prev = known.copy()
        lexical = EnsembleRanker(self.config.lexical).fit(X, known)
        self._lex = standardise(lexical.score(X))
        sem = self._mean(1)
        if self.use_irrelevant:
            sem = sem - self._mean(0)
        sem = standardise(sem)
        if self.mix_lr:
            lr = standardise(EmbeddingRanker(self.config.embedding).fit(X, known).score(X))
            sem = standardise((1 - self.mix_lr) * sem + self.mix_lr * lr)
        self._emb = sem
        return self


def kvariant(name, grid=None, default=None, **attrs):
    cls = type(f"K_{name}", (KnnFusion,), attrs)
    v13._CLS[name] = cls
    ranker = BASE.ranker
    if grid is not None:
        ranker = replace(ranker, grid=grid, default=default if default is not None else grid[0])
    V[name] = replace(BASE, name=name, ranker=ranker)


kvariant("knn1", m=1)
kvariant("knn3", m=3)
kvariant("knn5", m=5)
kvariant("knnR3", m=3, use_irrelevant=False)
kvariant("lrknn3", m=3, mix_lr=0.5)
kvariant("knn3_w05", m=3, grid=(0.5,))
kvariant("knn3_w1", m=3, grid=(1.0,))


def get(name):
    return V[name]

# relevant neighbours only (no irrelevant term)
kvariant("knnR1", m=1, use_irrelevant=False)
kvariant("knnR5", m=5, use_irrelevant=False)
kvariant("knnR3_w05", m=3, use_irrelevant=False, grid=(0.5,))
kvariant("knnR3_w025", m=3, use_irrelevant=False, grid=(0.25,))
kvariant("lrknnR3", m=3, use_irrelevant=False, mix_lr=0.5)
# the product's logistic regression at a fixed weight (lex_avg base)
V["lr_w025"] = replace(BASE, name="lr_w025", ranker=replace(BASE.ranker, grid=(0.25,), default=0.25))
