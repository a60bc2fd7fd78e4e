"""Session 13 variants (issue 5): the lexical base averaging the title model for
records without abstract (`lex_avg`), and bandits that stop switching in the tail.
Lab code: patches ModelConfig.make_ranker for the names defined here."""
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "session12"))
import variants as v12  # noqa: E402  (fixed weights, lex_avg, conf, ...)
from sysreview.screening import _simulate  # noqa: E402
from sysreview.screening._fusion import EmbeddingRanker, FusionConfig, FusionRanker  # noqa: E402
from sysreview.screening._rank import standardise, UNLABELLED  # noqa: E402

V = dict(v12.V)
BASE = v12.BASE
_CLS = {}


def _avg_lex(self, X, y):
    lexical = v12.AvgEnsemble(self.config.lexical).fit(X, y)
    semantic = EmbeddingRanker(self.config.embedding).fit(X, y)
    self._lex = standardise(lexical.score(X))
    self._emb = standardise(semantic.score(X))
    self._y = np.asarray(y)
    return self


class AvgFusion(FusionRanker):
    """Product bandit on the lex_avg base."""
    avg = True
    freeze_fraction = None   # stop switching once this fraction of records is screened
    freeze_hits = None       # ... or once this many relevant records are found
    freeze_to = "current"    # "current" | "best" (undiscounted posterior) | "zero"

    def __post_init__(self):
        super().__post_init__()
        self.frozen = None
        self.all_h = np.zeros(len(self.config.grid))
        self.all_t = np.zeros(len(self.config.grid))
        self.n_seen = 0
        self.n_hits = 0

    def fit(self, X, y):
        if self.avg:
            return _avg_lex(self, X, y)
        out = super().fit(X, y)
        self._y = np.asarray(y)
        return out

    def credit(self, first, label):
        current = FusionRanker.weight.fget(self)
        super().credit(first, label)
        picked = np.asarray(first, dtype=float)
        self.all_h += picked * float(label)
        self.all_t += picked
        self.n_seen += 1
        self.n_hits += int(label)
        if self.frozen is None:
            n = len(self._y)
            done = (self.freeze_fraction is not None and self.n_seen >= self.freeze_fraction * n) or (
                self.freeze_hits is not None and self.n_hits >= self.freeze_hits)
            if done:
                grid = np.asarray(self.config.grid)
                if self.freeze_to == "current":
                    self.frozen = current
                elif self.freeze_to == "zero":
                    self.frozen = 0.0
                else:
                    a, b = self.config.prior
                    mean = (self.all_h + a) / (self.all_t + a + b)
                    best = grid[mean >= mean.max() - 1e-12]
                    self.frozen = float(best[np.argmin(np.abs(best - self.config.default))])

    @property
    def weight(self):
        if self.frozen is not None:
            return self.frozen
        return FusionRanker.weight.fget(self)


def variant(name, **attrs):
    cls = type(f"AF_{name}", (AvgFusion,), attrs)
    _CLS[name] = cls
    V[name] = replace(BASE, name=name)
    return V[name]


_orig = _simulate.ModelConfig.make_ranker


def _make(self, seed):
    if self.name in _CLS:
        return _CLS[self.name](self.ranker.seeded(seed))
    return _orig(self, seed)


_simulate.ModelConfig.make_ranker = _make

variant("avg")                                   # lex_avg base, product bandit
variant("avg_f10", freeze_fraction=0.10)
variant("avg_f20", freeze_fraction=0.20)
variant("avg_f10b", freeze_fraction=0.10, freeze_to="best")
variant("avg_h10b", freeze_hits=10, freeze_to="best")
variant("bandit_f10b", avg=False, freeze_fraction=0.10, freeze_to="best")


def get(name):
    return V[name]
variant("avg_f05b", freeze_fraction=0.05, freeze_to="best")
variant("avg_f15b", freeze_fraction=0.15, freeze_to="best")


class TriedFusion(AvgFusion):
    """At the freeze point, choose among the weights that were tried (undiscounted
    trials at least `tried_share` of the most-tried weight's), by posterior mean."""
    tried_share = 0.25

    def credit(self, first, label):
        was_frozen = self.frozen is not None
        current = FusionRanker.weight.fget(self)
        FusionRanker.credit(self, first, label)
        picked = np.asarray(first, dtype=float)
        self.all_h += picked * float(label)
        self.all_t += picked
        self.n_seen += 1
        self.n_hits += int(label)
        if not was_frozen and self.n_seen >= self.freeze_fraction * len(self._y):
            grid = np.asarray(self.config.grid)
            a, b = self.config.prior
            mean = (self.all_h + a) / (self.all_t + a + b)
            tried = self.all_t >= self.tried_share * self.all_t.max()
            mean = np.where(tried, mean, -np.inf)
            best = grid[mean >= mean.max() - 1e-12]
            self.frozen = float(best[np.argmin(np.abs(best - self.config.default))])
            self.frozen_at = (current, self.frozen)


def tvariant(name, **attrs):
    cls = type(f"TF_{name}", (TriedFusion,), attrs)
    _CLS[name] = cls
    V[name] = replace(BASE, name=name)


tvariant("avg_f10t", freeze_fraction=0.10)
tvariant("avg_f15t", freeze_fraction=0.15)


# --- the product since 970d92d: the lexical base is lex_avg (EnsembleConfig.abstractless_share)
V["p_none"] = replace(BASE, name="p_none")  # = sysreview-minilm on the lex_avg base
tvariant("p_f10", freeze_fraction=0.10)  # = avg_f10t (the same runs, seed for seed)
tvariant("p_f25", freeze_fraction=0.25)


class Cumulative(AvgFusion):
    """After `freeze_fraction`, the weight is re-chosen at every step, but only among
    the tried weights (undiscounted trials at least a quarter of the most tried
    one's) and on all their evidence (undiscounted)."""

    freeze_fraction = 0.10

    @property
    def weight(self):
        if self.n_seen < self.freeze_fraction * len(self._y):
            return FusionRanker.weight.fget(self)
        a, b = self.config.prior
        tried = self.all_t >= 0.25 * self.all_t.max()
        mean = np.where(tried, (self.all_h + a) / (self.all_t + a + b), -np.inf)
        grid = np.asarray(self.config.grid)
        best = grid[mean >= mean.max() - 1e-12]
        return float(best[np.argmin(np.abs(best - self.config.default))])


_CLS["c10"] = Cumulative
V["c10"] = replace(BASE, name="c10")

# the product (lex_avg base) with the bandit starting from a lower default weight
V["d025"] = replace(BASE, name="d025", ranker=replace(BASE.ranker, default=0.25))
V["d0"] = replace(BASE, name="d0", ranker=replace(BASE.ranker, default=0.0))
