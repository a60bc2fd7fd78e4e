from dataclasses import replace
from sysreview.screening._simulate import MODELS, ModelConfig
from sysreview.screening._fusion import FusionConfig, EmbeddingConfig
BASE = MODELS["sysreview-minilm"]
def fused(name, **kw):
    return replace(BASE, name=name, ranker=replace(FusionConfig(), **kw))
V = {
    "lex": MODELS["sysreview"],
    "bandit": BASE,
}
for w in (0.0, 0.25, 0.5, 1.0, 2.0):
    V[f"w{w}"] = fused(f"w{w}", grid=(w,), default=w)
def get(name):
    return V[name]

import numpy as np
from sysreview.screening import _simulate
from sysreview.screening._fusion import FusionRanker
from sysreview.screening._rank import UNLABELLED

_EXTRA = {}  # name -> dict of stacking options

def _lr2(X, y, sw, lam):
    """weighted logistic regression with intercept, L2 on the slopes (Newton)."""
    A = np.column_stack([np.ones(len(y)), X])
    beta = np.zeros(A.shape[1])
    pen = np.array([0.0] + [lam] * X.shape[1])
    for _ in range(25):
        p = 1 / (1 + np.exp(-(A @ beta)))
        g = A.T @ (sw * (p - y)) + pen * beta
        H = (A * (sw * p * (1 - p))[:, None]).T @ A + np.diag(pen) + 1e-9 * np.eye(len(beta))
        step = np.linalg.solve(H, g)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta

class Stacked(FusionRanker):
    opts: dict = {}
    def __post_init__(self):
        super().__post_init__()
        self.hist_ = []
    @property
    def weight(self):
        o = self.opts
        h = self.hist_
        ys = np.array([l for _, _, l in h]) if h else np.zeros(0)
        if ys.sum() < o.get("min_rel", 3) or (len(ys) - ys.sum()) < o.get("min_irr", 3):
            return self.config.default
        X = np.array([[a, b] for a, b, _ in h])
        age = np.arange(len(h))[::-1]
        sw = o.get("gamma", 1.0) ** age
        beta = _lr2(X, ys.astype(float), sw, o.get("lam", 1.0))
        a, b = beta[1], beta[2]
        lo, hi = min(self.config.grid), max(self.config.grid)
        if a <= 0 and b <= 0:
            return self.config.default
        if a <= 0:
            return hi
        w = float(np.clip(b / a, lo, hi))
        if o.get("snap"):
            g = np.asarray(self.config.grid); w = float(g[np.argmin(np.abs(g - w))])
        return w
    def observe(self, record, label, y):
        self.hist_.append((float(self._lex[record]), float(self._emb[record]), int(label)))

def stacked(name, **opts):
    cls = type(f"Stacked_{name}", (Stacked,), {"opts": opts})
    d = opts.pop("default", 0.5)
    cfg = replace(FusionConfig(), grid=tuple(sorted({0.0, 2.0, d})), default=d)
    m = replace(BASE, name=name, ranker=cfg)
    _CLS[name] = cls
    return m

_CLS = {}
_orig_make = _simulate.ModelConfig.make_ranker
def _make(self, seed):
    if self.name in _CLS:
        return _CLS[self.name](self.ranker.seeded(seed))
    return _orig_make(self, seed)
_simulate.ModelConfig.make_ranker = _make

V["st"] = stacked("st")
V["st_g99"] = stacked("st_g99", gamma=0.99)
V["st_d0"] = stacked("st_d0", default=0.0)
V["st_lam5"] = stacked("st_lam5", lam=5.0)
V["st_snap"] = stacked("st_snap", snap=True)
from sysreview.screening._rank import EnsembleConfig, SVMConfig
V["elas"] = MODELS["elas_u4"]
V["lex_noal"] = replace(MODELS["sysreview"], name="lex_noal", ranker=EnsembleConfig((SVMConfig(criteria_weight=0.5),), (1.0,)))
from sysreview.screening._rank import EnsembleRanker, standardise

class ShrunkEnsemble(EnsembleRanker):
    mode = "corr"
    def score(self, X):
        if self.abstractless_ is None:
            return super().score(X)
        combined = standardise(np.sum([w * standardise(m.score(X)) for w, m in self.members_], axis=0))
        title = standardise(self.abstractless_.score(X))
        has = X.has_abstract
        missing = ~has
        if self.mode == "corr":
            rho = float(np.corrcoef(combined[has], title[has])[0, 1])
            beta = rho * combined[has].std() / title[has].std()
            alpha = combined[has].mean() - beta * title[has].mean()
            combined[missing] = alpha + beta * title[missing]
        return combined

def lexvar(name, mode):
    cls = type(f"Ens_{name}", (ShrunkEnsemble,), {"mode": mode})
    _CLS[name] = lambda cfg, cls=cls: cls(cfg)
    return replace(MODELS["sysreview"], name=name)

_orig_make2 = _simulate.ModelConfig.make_ranker
def _make2(self, seed):
    if self.name in _CLS and not isinstance(self.ranker, FusionConfig):
        return _CLS[self.name](_simulate._seeded(self.ranker, seed))
    return _orig_make2(self, seed)
_simulate.ModelConfig.make_ranker = _make2
V["lex_corr"] = lexvar("lex_corr", "corr")

class RelPrior(FusionRanker):
    kappa = 0.5
    strength = 2.2
    gamma_base = None
    def __post_init__(self):
        super().__post_init__()
        self.base_h = 0.0; self.base_t = 0.0
    def credit(self, first, label):
        super().credit(first, label)
        g = self.gamma_base or self.config.discount
        self.base_h = g * self.base_h + float(label)
        self.base_t = g * self.base_t + 1.0
    @property
    def weight(self):
        a0, b0 = self.config.prior
        p = (self.base_h + a0) / (self.base_t + a0 + b0)
        a = self.strength * self.kappa * p
        b = self.strength - a
        mean = (self.hits_ + a) / (self.trials_ + a + b)
        grid = np.asarray(self.config.grid)
        best = grid[mean >= mean.max() - 1e-12]
        return float(best[np.argmin(np.abs(best - self.config.default))])

def relprior(name, **attrs):
    cls = type(f"Rel_{name}", (RelPrior,), attrs)
    _CLS[name] = cls
    return replace(BASE, name=name)
V["rel5"] = relprior("rel5", kappa=0.5)
V["rel8"] = relprior("rel8", kappa=0.8)
V["rel5g995"] = relprior("rel5g995", kappa=0.5, gamma_base=0.995)

class Sticky(FusionRanker):
    margin = 0.05
    rel = False
    kappa = 0.5
    def __post_init__(self):
        super().__post_init__()
        self.cur = self.config.default
        self.base_h = 0.0; self.base_t = 0.0
    def _means(self):
        a, b = self.config.prior
        if self.rel:
            p = (self.base_h + a) / (self.base_t + a + b)
            a = 2.2 * self.kappa * p; b = 2.2 - a
        return (self.hits_ + a) / (self.trials_ + a + b)
    def credit(self, first, label):
        super().credit(first, label)
        g = self.config.discount
        self.base_h = g * self.base_h + float(label); self.base_t = g * self.base_t + 1.0
        mean = self._means()
        grid = np.asarray(self.config.grid)
        cur = mean[int(np.flatnonzero(grid == self.cur)[0])]
        if mean.max() > cur + self.margin:
            best = grid[mean >= mean.max() - 1e-12]
            self.cur = float(best[np.argmin(np.abs(best - self.config.default))])
    @property
    def weight(self):
        return self.cur

def sticky(name, **attrs):
    cls = type(f"St_{name}", (Sticky,), attrs)
    _CLS[name] = cls
    return replace(BASE, name=name)
V["sticky05"] = sticky("sticky05", margin=0.05)
V["sticky10"] = sticky("sticky10", margin=0.10)
V["sticky02"] = sticky("sticky02", margin=0.02)
V["sticky05rel"] = sticky("sticky05rel", margin=0.05, rel=True)
_NOAL = EnsembleConfig((SVMConfig(criteria_weight=0.5),), (1.0,))
V["fnoal"] = replace(BASE, name="fnoal", ranker=replace(FusionConfig(), lexical=_NOAL))
V["fnoal_st05"] = replace(sticky("fnoal_st05", margin=0.05), ranker=replace(FusionConfig(), lexical=_NOAL))
V["g995"] = fused("g995", discount=0.995)
V["g999"] = fused("g999", discount=0.999)

class Conf(FusionRanker):
    z = 1.28
    strength = 2.2
    def __post_init__(self):
        super().__post_init__()
        self.cur = self.config.default
        self.base_h = 0.0; self.base_t = 0.0
    def credit(self, first, label):
        super().credit(first, label)
        g = self.config.discount
        self.base_h = g * self.base_h + float(label); self.base_t = g * self.base_t + 1.0
        p = (self.base_h + 0.5) / (self.base_t + 1.0)
        a = self.strength * p; b = self.strength - a
        A = self.hits_ + a; B = self.trials_ - self.hits_ + b
        mu = A / (A + B); var = A * B / ((A + B) ** 2 * (A + B + 1))
        grid = np.asarray(self.config.grid)
        c = int(np.flatnonzero(grid == self.cur)[0])
        zs = (mu - mu[c]) / np.sqrt(var + var[c])
        zs[c] = -np.inf
        j = int(np.argmax(zs))
        if zs[j] > self.z:
            self.cur = float(grid[j])
    @property
    def weight(self):
        return self.cur

def conf(name, **attrs):
    cls = type(f"Conf_{name}", (Conf,), attrs)
    _CLS[name] = cls
    return replace(BASE, name=name)
V["conf128"] = conf("conf128", z=1.28)
V["conf064"] = conf("conf064", z=0.64)

class AvgEnsemble(EnsembleRanker):
    def score(self, X):
        if self.abstractless_ is None:
            return super().score(X)
        combined = standardise(np.sum([w * standardise(m.score(X)) for w, m in self.members_], axis=0))
        title = standardise(self.abstractless_.score(X))
        missing = ~X.has_abstract
        combined[missing] = 0.5 * (combined[missing] + title[missing])
        return combined
_CLS["lex_avg"] = lambda cfg: AvgEnsemble(cfg)
V["lex_avg"] = replace(MODELS["sysreview"], name="lex_avg")
