"""Rankers for the experiments: the project's lexical model, an embedding model, and
fusions of the two (static weight or a weight chosen online)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from sysreview.screening import EnsembleConfig, EnsembleRanker, SVMConfig, balanced_weights
from sysreview.screening._rank import UNLABELLED, _cap_irrelevant, standardise

SYSREVIEW = EnsembleConfig((SVMConfig(criteria_weight=0.5),), (1.0,),
                           abstractless=SVMConfig(view="title"))


def lexical(seed: int, config: EnsembleConfig = SYSREVIEW):
    from dataclasses import replace

    cfg = replace(config, members=tuple(replace(m, seed=seed) for m in config.members))
    return EnsembleRanker(cfg)


class Lexical:
    """The project's default 'sysreview' ensemble on the TF-IDF features."""

    def __init__(self, seed: int, rng: np.random.Generator | None = None):
        self.r = lexical(seed)

    def fit(self, data, y):
        self.r.fit(data.features, y)
        return self

    def score(self, data):
        return self.r.score(data.features)


@dataclass
class Embedding:
    """Linear model on MiniLM embeddings, balanced like ELAS (ratio), criteria
    embedding as a relevant pseudo-record (weight criteria_weight)."""

    seed: int
    kind: str = "lr"  # "lr" or "svm"
    C: float = 1.0
    ratio: float = 9.8
    criteria_weight: float = 0.5
    max_irrelevant: int = 2000
    title_for_abstractless: bool = False
    rng: np.random.Generator | None = None
    model_: object = None

    def fit(self, data, y):
        rng = self.rng if self.rng is not None else np.random.default_rng(self.seed)
        y = np.asarray(y)
        index = np.flatnonzero(y != UNLABELLED)
        labels = y[index]
        index, labels = _cap_irrelevant(index, labels, self.max_irrelevant, rng)
        w = balanced_weights(labels, self.ratio)
        X = data.emb[index]
        if self.criteria_weight > 0 and data.emb_criteria is not None:
            X = np.vstack([X, data.emb_criteria])
            labels = np.concatenate([labels, [1]])
            w = np.concatenate([w, [self.criteria_weight]])
        if self.kind == "lr":
            m = LogisticRegression(C=self.C, max_iter=1000)
        else:
            m = LinearSVC(C=self.C, dual="auto", max_iter=5000,
                          random_state=int(rng.integers(2**31 - 1)))
        self.model_ = m.fit(X, labels, sample_weight=w)
        return self

    def score(self, data):
        s = self.model_.decision_function(data.emb)
        return np.asarray(s, dtype=float)


class Fusion:
    """z(lex) + w · z(emb); w fixed, or chosen online from a grid by which fused
    ranking put the recently found relevant records highest (their percentile among
    the then-unscreened records, under each candidate weight, before labelling)."""

    def __init__(self, seed, weight=0.5, grid=None, window=10, min_found=0, start=None,
                 emb_kwargs=None, default=None, score_irrelevant=False, mode="mean"):
        self.lex = Lexical(seed)
        self.emb = Embedding(seed, **(emb_kwargs or {}))
        self.weight = weight
        self.grid = grid
        self.window = window
        self.min_found = min_found
        self.default = weight if default is None else default
        self.hist: list[np.ndarray] = []  # per found relevant: percentile under each grid w
        self.hist_irr: list[np.ndarray] = []
        self.score_irrelevant = score_irrelevant
        self.mode = mode
        self.z_ = None
        self.weights_used: list[float] = []

    def fit(self, data, y):
        self.lex.fit(data, y)
        self.emb.fit(data, y)
        zl = standardise(self.lex.score(data))
        ze = standardise(self.emb.score(data))
        self.zl, self.ze = zl, ze
        return self

    def current_weight(self):
        if self.grid is None:
            return self.weight
        if len(self.hist) < max(1, self.min_found):
            return self.default
        h = np.array(self.hist[-self.window:])
        if self.mode == "mean":
            q = h.mean(axis=0)
        else:
            q = np.median(h, axis=0)
        if self.score_irrelevant and self.hist_irr:
            hi = np.array(self.hist_irr[-self.window * 5:])
            q = q - 0.2 * hi.mean(axis=0)
        best = np.flatnonzero(q >= q.max() - 1e-12)
        # ties: the candidate closest to the default
        cands = np.asarray(self.grid)[best]
        return float(cands[np.argmin(np.abs(cands - self.default))])

    def score(self, data):
        w = self.current_weight()
        self.weights_used.append(w)
        ex = data.features.has_abstract
        return self.zl + w * self.ze

    def observe(self, pick, label, known):
        if self.grid is None:
            return
        un = known == UNLABELLED
        out = []
        for w in self.grid:
            s = self.zl + w * self.ze
            su = s[un]
            out.append(float(np.mean(su < s[pick])))  # share of unscreened ranked below
        if label == 1:
            self.hist.append(np.array(out))
        else:
            self.hist_irr.append(np.array(out))


class Bandit(Fusion):
    """z(lex) + w · z(emb) with w chosen each step among ``grid`` by a discounted
    Bernoulli bandit on top-pick precision: after each decision, every candidate
    weight whose own top-``k`` unscreened records contained the screened record is
    credited with its label (so candidates are judged on picks they would have made,
    not on the fused order's picks).  Choice: the highest discounted posterior mean
    (hits + a) / (evals + a + b), ties to the default; greedy, no randomness."""

    def __init__(self, seed, grid, default=0.5, k=1, gamma=0.98, prior=(1.0, 1.0), **kw):
        super().__init__(seed, weight=default, grid=None, **kw)
        self.arms = np.asarray(grid, dtype=float)
        self.default = default
        self.k = k
        self.gamma = gamma
        self.a, self.b = prior
        self.hits = np.zeros(len(self.arms))
        self.evals = np.zeros(len(self.arms))

    def current_weight(self):
        mean = (self.hits + self.a) / (self.evals + self.a + self.b)
        best = np.flatnonzero(mean >= mean.max() - 1e-12)
        cands = self.arms[best]
        return float(cands[np.argmin(np.abs(cands - self.default))])

    def observe(self, pick, label, known):
        un = np.flatnonzero(known == UNLABELLED)
        self.hits *= self.gamma
        self.evals *= self.gamma
        for i, w in enumerate(self.arms):
            s = self.zl[un] + w * self.ze[un]
            # rank of pick among the unscreened under this weight
            better = int(np.sum(s > s[np.searchsorted(un, pick)]))
            if better < self.k:
                self.evals[i] += 1
                self.hits[i] += label
