"""Session 14 variants (issue 5): hedging the tail instead of choosing one ranking.
After a fraction of the records is screened, alternate between the weight frozen
(best tried, as session 13's `p_f10`) and the free bandit (`p_none`), so each
ranking screens every other record. Lab code: patches ModelConfig.make_ranker."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "session13"))
import variants13 as v13  # noqa: E402
from sysreview.screening._fusion import FusionRanker  # noqa: E402

V = v13.V


class AltFusion(v13.TriedFusion):
    """Frozen best-tried weight on `share` of the steps after the freeze point, the
    free bandit on the rest (deterministic pattern)."""
    share = 0.5

    @property
    def weight(self):
        free = FusionRanker.weight.fget(self)
        if self.frozen is None:
            return free
        step = self.n_seen
        # frozen on step k when floor((k+1)*share) > floor(k*share)
        if int((step + 1) * self.share) > int(step * self.share):
            return self.frozen
        return free


def avariant(name, **attrs):
    cls = type(f"AL_{name}", (AltFusion,), attrs)
    v13._CLS[name] = cls
    from dataclasses import replace
    V[name] = replace(v13.BASE, name=name)


avariant("alt10", freeze_fraction=0.10)
avariant("alt05", freeze_fraction=0.05)
avariant("alt10_q", freeze_fraction=0.10, share=0.75)


def get(name):
    return V[name]


# --- one linear SVM on TF-IDF and the scaled embedding side by side ("joint"): no bandit;
# the SVM weighs lexical and semantic features from the labels themselves.
import scipy.sparse as sp  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from sysreview.screening._rank import SVMConfig, SVMRanker, standardise, training_records  # noqa: E402


class JointFusion(v13.AvgFusion):
    alpha = 1.0
    share = 0.5  # the title model's share for records without abstract (as LEXICAL)

    def fit(self, X, y):
        key = id(X)
        if getattr(self, "_key", None) != key:
            emb = sp.csr_matrix(self.alpha * np.asarray(X.embedding, dtype=float))
            self._M = sp.hstack([X.text, emb]).tocsr()
            self._crit = None
            if X.criteria is not None and X.criteria_embedding is not None:
                ce = sp.csr_matrix(self.alpha * np.asarray(X.criteria_embedding, dtype=float)[None, :])
                self._crit = sp.hstack([X.criteria, ce]).tocsr()
            self._key = key
        seed = self.config.embedding.seed
        rng = np.random.default_rng(seed)
        index, labels, weights = training_records(y, self._M.shape[0], 2000, 9.8, rng)
        rows = self._M[index]
        if self._crit is not None:
            rows = sp.vstack([rows, self._crit]).tocsr()
            labels = np.concatenate([labels, [1]])
            weights = np.concatenate([weights, [0.5]])
        svm = LinearSVC(C=0.11, dual="auto", max_iter=5000,
                        random_state=int(rng.integers(2**31 - 1)))
        svm.fit(rows, labels, sample_weight=weights)
        score = standardise(np.asarray(svm.decision_function(self._M), dtype=float))
        missing = ~np.asarray(X.has_abstract)
        if missing.any():
            title = standardise(SVMRanker(SVMConfig(view="title", seed=seed)).fit(X, y).score(X))
            score[missing] = self.share * title[missing] + (1 - self.share) * score[missing]
        self._lex = score
        self._emb = np.zeros_like(score)
        self._y = np.asarray(y)
        return self

    @property
    def weight(self):
        return 0.0


def jvariant(name, **attrs):
    cls = type(f"J_{name}", (JointFusion,), attrs)
    v13._CLS[name] = cls
    from dataclasses import replace
    V[name] = replace(v13.BASE, name=name)


jvariant("joint1", alpha=1.0)
jvariant("joint05", alpha=0.5)
jvariant("joint2", alpha=2.0)
jvariant("joint025", alpha=0.25)


# --- the product bandit choosing λ between the lexical model and joint05:
# score = z_lex + λ (z_joint − z_lex), λ ∈ {0, .25, .5, .75, 1}
class JointBandit(v13.AvgFusion):
    alpha = 0.5

    def fit(self, X, y):
        joint = getattr(self, "_joint", None) or _JOINT[self.alpha](self.config)
        self._joint = joint.fit(X, y)
        v13._avg_lex(self, X, y)
        self._emb = joint._lex - self._lex
        return self


_JOINT = {}


def jbvariant(name, alpha, grid=(0.0, 0.25, 0.5, 0.75, 1.0), default=0.5, **attrs):
    from dataclasses import replace
    if alpha not in _JOINT:
        _JOINT[alpha] = type(f"JJ_{alpha}", (JointFusion,), {"alpha": alpha})
    cls = type(f"JB_{name}", (JointBandit,), {"alpha": alpha, **attrs})
    v13._CLS[name] = cls
    V[name] = replace(v13.BASE, name=name, ranker=replace(v13.BASE.ranker, grid=grid, default=default))


jbvariant("jb05", 0.5)
jbvariant("jb05_f10", 0.5, freeze_fraction=0.10)


# --- a record goes early if either model ranks it high: max(z_lex, z_joint)
class MaxJoint(JointFusion):
    def fit(self, X, y):
        JointFusion.fit(self, X, y)
        joint = self._lex
        v13._avg_lex(self, X, y)  # sets _lex (lexical, lex_avg) and _emb
        self._lex = np.maximum(self._lex, joint)
        self._emb = np.zeros_like(joint)
        return self


def mvariant(name, **attrs):
    from dataclasses import replace
    cls = type(f"M_{name}", (MaxJoint,), attrs)
    v13._CLS[name] = cls
    V[name] = replace(v13.BASE, name=name)


mvariant("maxj1", alpha=1.0)
mvariant("maxj05", alpha=0.5)


# --- a fixed half-and-half of the lexical model and the joint one: (z_lex + z_joint) / 2
class AvgJoint(JointFusion):
    def fit(self, X, y):
        JointFusion.fit(self, X, y)
        joint = self._lex
        v13._avg_lex(self, X, y)
        self._lex = (self._lex + joint) / 2
        self._emb = np.zeros_like(joint)
        return self


def avjvariant(name, **attrs):
    from dataclasses import replace
    cls = type(f"AJ_{name}", (AvgJoint,), attrs)
    v13._CLS[name] = cls
    V[name] = replace(v13.BASE, name=name)


avjvariant("avgj1", alpha=1.0)
avjvariant("avgj2", alpha=2.0)
